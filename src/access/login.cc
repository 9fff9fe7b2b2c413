// src/access/login.cc
#include "access/login.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "platform/error.h"
#include "platform/util/crypto.h"

namespace jisr::access {
namespace {

// Verified when the account does not exist, so that an unknown name costs as much time as
// a wrong password.
const std::string& dummy_hash() {
  static const std::string hash = crypto::hash_password("jisr-dummy-password-never-used");
  return hash;
}

}  // namespace

User LoginService::check_credentials(const std::string& username, const std::string& password,
                                     const audit::Actor& actor) {
  throttle_.check(username, actor.ip);
  std::optional<User> user;
  {
    auto lease = db_.acquire();
    user = users_.find_by_username(*lease, username);
  }
  // An account without a password (UserService::create_without_password) is checked like an
  // unknown name: the dummy hash is verified (the same time as a wrong password) and the
  // result is ignored.
  const bool usable = user && has_password(*user);
  const bool password_ok =
      password.size() <= kMaxPasswordLength &&
      crypto::verify_password(usable ? user->password_hash : dummy_hash(), password) && usable;
  if (!user || !password_ok || !user->active) {
    const auto delay = throttle_.record_failure(username, actor.ip);
    if (user) {
      db::Transaction tx(db_, db::TxMode::kWrite);
      const char* reason = !usable ? "no_password" : !password_ok ? "password" : "disabled";
      audit::append(tx.conn(), actor, "login_failed", "user", user->id, nullptr,
                    {{"reason", reason}},
                    {user->home_region, user->home_province, user->organization_id});
      tx.commit();
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    throw Unauthorized("auth.login_failed");
  }
  throttle_.record_success(username);
  if (crypto::password_needs_rehash(user->password_hash)) {
    auto lease = db_.acquire();
    lease->query("UPDATE users SET password_hash = $1 WHERE id = $2",
                 {db::Value(crypto::hash_password(password)), db::Value(user->id)});
  }
  return *user;
}

}  // namespace jisr::access

// tests/unit/test_session.h — test-only: a new user and a signed-in session of it, for tests
// that drive the request pipeline (WebApp::dispatch) as a browser would.
#pragma once

#include <string>

#include "access/sessions.h"
#include "access/users.h"
#include "platform/db/database.h"

namespace jisr::testing {

struct SignedIn {
  std::string user_id;
  std::string cookie;  // the Cookie header's value: jisr_session=...
  std::string csrf;    // the session's CSRF token (X-CSRF-Token header or _csrf field)
};

// Creates `user` (through UserService, so it is validated and audited) and opens a session
// for it as if it had signed in from 127.0.0.1.
inline SignedIn sign_in_new_user(db::Database& db, const access::NewUser& user) {
  const auto created = access::UserService(db).create(nullptr, {}, user);
  db::Transaction tx(db, db::TxMode::kWrite);
  const auto s = access::create_session(tx.conn(), created.id, "127.0.0.1", "test", {});
  tx.commit();
  return {created.id, "jisr_session=" + s.secret, s.csrf_token};
}

}  // namespace jisr::testing

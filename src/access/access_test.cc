#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "../../tests/unit/test_db.h"
#include "access/login.h"
#include "access/permissions.h"
#include "access/scope.h"
#include "access/sessions.h"
#include "access/throttle.h"
#include "access/users.h"
#include "platform/error.h"

namespace jisr::access {
namespace {

audit::Actor test_actor() {
  return {std::nullopt, std::string("test"), "127.0.0.1", "req-1"};
}

NewUser new_user(const std::string& name, const std::string& role, const std::string& level,
                 const std::string& code) {
  NewUser u;
  u.username = name;
  u.display_name = "User " + name;
  u.role = role;
  u.scope_level = level;
  u.scope_code = code;
  u.password = "correct horse battery";
  return u;
}

Principal principal_for(const User& u) {
  Principal p;
  p.user_id = u.id;
  p.username = u.username;
  p.role = u.role;
  p.scope = u.scope;
  return p;
}

TEST(PermissionsTest, DocsFileIsGeneratedFromTheTable) {
  const char* root = std::getenv("JISR_SOURCE_DIR");
  std::ifstream in(std::string(root ? root : JISR_SOURCE_DIR) + "/docs/permissions.md");
  ASSERT_TRUE(in) << "docs/permissions.md is missing: run `jisr permissions > docs/permissions.md`";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), permissions_markdown())
      << "docs/permissions.md is stale: run `jisr permissions > docs/permissions.md`";
}

TEST(PermissionsTest, SeparationOfDuties) {
  // Administrators manage accounts but do not open people's files; auditors read, never write.
  EXPECT_TRUE(allowed(Role::kAdmin, Action::kUserManage));
  EXPECT_FALSE(allowed(Role::kAdmin, Action::kPersonRead));
  EXPECT_TRUE(allowed(Role::kAuditor, Action::kAuditRead));
  for (Action a : all_actions()) {
    const auto name = action_name(a);
    const bool is_write = name.find("write") != std::string_view::npos ||
                          name.find("manage") != std::string_view::npos;
    if (is_write) {
      EXPECT_FALSE(allowed(Role::kAuditor, a)) << name;
    }
  }
  EXPECT_FALSE(allowed(Role::kSocialWorker, Action::kAuditRead));
  EXPECT_FALSE(allowed(Role::kSocialWorker, Action::kUserManage));
}

TEST(ScopeTest, ParseFormatAndContains) {
  EXPECT_EQ(parse_scope("region:MA-06")->code, "MA-06");
  EXPECT_FALSE(parse_scope("national:MA-06"));
  EXPECT_FALSE(parse_scope("province"));
  EXPECT_FALSE(parse_scope("planet:X"));
  EXPECT_EQ(format_scope(*parse_scope("organization:01ABC")), "organization:01ABC");
  const Location casa{"MA-06", "MA-CAS", "ORG1"};
  EXPECT_TRUE(contains({ScopeLevel::kNational, ""}, casa));
  EXPECT_TRUE(contains({ScopeLevel::kRegion, "MA-06"}, casa));
  EXPECT_FALSE(contains({ScopeLevel::kRegion, "MA-04"}, casa));
  EXPECT_TRUE(contains({ScopeLevel::kProvince, "MA-CAS"}, casa));
  EXPECT_FALSE(contains({ScopeLevel::kProvince, "MA-RAB"}, casa));
  EXPECT_FALSE(contains({ScopeLevel::kOrganization, "ORG2"}, casa));
  EXPECT_FALSE(contains({ScopeLevel::kRegion, "MA-06"}, Location{}));
}

TEST(PasswordTest, LengthCountsCharactersNotBytes) {
  EXPECT_THROW(validate_password("short", std::nullopt), Invalid);
  EXPECT_NO_THROW(validate_password("twelve chars", std::nullopt));
  // 12 Arabic letters are 24 bytes but 12 characters: accepted; 6 letters are refused.
  EXPECT_NO_THROW(validate_password("كلمةسرطويلةج", std::nullopt));
  EXPECT_THROW(validate_password("كلمةسر", std::nullopt), Invalid);
  try {
    validate_password("twelve chars", std::string("twelve charz"));
    FAIL();
  } catch (const Invalid& e) {
    EXPECT_EQ(e.fields().at("password_confirm"), "validation.passwords_differ");
  }
}

class AccessServiceTest : public testing::MigratedDb {};

TEST_F(AccessServiceTest, CreateValidatesEveryFieldAndWritesNothingOnError) {
  UserService users(*db_);
  NewUser bad = new_user("X Y", "pilot", "region", "MA-99");
  bad.password = "short";
  bad.email = "not-an-email";
  try {
    users.create(nullptr, test_actor(), bad);
    FAIL() << "expected Invalid";
  } catch (const Invalid& e) {
    EXPECT_EQ(e.fields().at("username"), "validation.username_format");
    EXPECT_EQ(e.fields().at("role"), "validation.invalid_role");
    EXPECT_EQ(e.fields().at("password"), "validation.password_too_short");
    EXPECT_EQ(e.fields().at("email"), "validation.invalid_email");
  }
  auto lease = db_->acquire();
  EXPECT_EQ(db::as_int(lease->query("SELECT count(*) FROM users").rows[0][0]), 0);
  EXPECT_EQ(db::as_int(lease->query("SELECT count(*) FROM audit_log").rows[0][0]), 0);
}

TEST_F(AccessServiceTest, ScopeDerivesHomeTerritoryAndFiltersLists) {
  UserService users(*db_);
  auto admin = users.create(nullptr, test_actor(), new_user("root", "admin", "national", ""));
  auto casa =
      users.create(nullptr, test_actor(), new_user("casa", "social_worker", "province", "MA-CAS"));
  auto rabat =
      users.create(nullptr, test_actor(), new_user("rabat", "social_worker", "province", "MA-RAB"));
  auto coord = users.create(nullptr, test_actor(),
                            new_user("coord", "provincial_coordinator", "province", "MA-CAS"));
  EXPECT_EQ(casa.home_region, "MA-06");
  EXPECT_EQ(casa.home_province, "MA-CAS");

  const Principal p = principal_for(coord);
  auto visible = users.list(p, {}, std::nullopt, 100);
  std::vector<std::string> names;
  for (const auto& u : visible) names.push_back(u.username);
  EXPECT_NE(std::find(names.begin(), names.end(), "casa"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "rabat"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "root"), names.end());
  EXPECT_THROW(users.get(p, rabat.id), NotFound);
  EXPECT_NO_THROW(users.get(p, casa.id));
  // Not allowed to manage at all: Forbidden, whatever the target.
  EXPECT_THROW(users.set_active(p, test_actor(), casa.id, false), Forbidden);
  (void)admin;
}

TEST_F(AccessServiceTest, StaleVersionIsRefusedAndNothingIsOverwritten) {
  UserService users(*db_);
  auto admin = users.create(nullptr, test_actor(), new_user("root", "admin", "national", ""));
  auto u =
      users.create(nullptr, test_actor(), new_user("amina", "social_worker", "province", "MA-CAS"));
  UserPatch first;
  first.display_name = "Amina B.";
  users.update(principal_for(admin), test_actor(), u.id, first, u.version);
  UserPatch late;
  late.display_name = "Overwritten";
  EXPECT_THROW(users.update(principal_for(admin), test_actor(), u.id, late, u.version), Conflict);
  EXPECT_EQ(users.get(principal_for(admin), u.id).display_name, "Amina B.");
}

TEST_F(AccessServiceTest, DisablingEndsSessionsAndTokensAtOnce) {
  UserService users(*db_);
  auto admin = users.create(nullptr, test_actor(), new_user("root", "admin", "national", ""));
  auto u = users.create(nullptr, test_actor(), new_user("sara", "social_worker", "national", ""));
  NewSession s;
  NewToken t;
  {
    db::Transaction tx(*db_, db::TxMode::kWrite);
    s = create_session(tx.conn(), u.id, "127.0.0.1", "test", {});
    t = create_token(tx.conn(), u.id, 30, "test");
    tx.commit();
  }
  ASSERT_TRUE(authenticate_session(*db_, s.secret, {}));
  ASSERT_TRUE(authenticate_token(*db_, t.secret));
  users.set_active(principal_for(admin), test_actor(), u.id, false);
  EXPECT_FALSE(authenticate_session(*db_, s.secret, {}));
  EXPECT_FALSE(authenticate_token(*db_, t.secret));
}

TEST_F(AccessServiceTest, SessionsExpireWhenIdleOrTooOld) {
  UserService users(*db_);
  auto u = users.create(nullptr, test_actor(), new_user("sara", "social_worker", "national", ""));
  NewSession s;
  {
    db::Transaction tx(*db_, db::TxMode::kWrite);
    s = create_session(tx.conn(), u.id, "127.0.0.1", "test", {});
    tx.commit();
  }
  ASSERT_TRUE(authenticate_session(*db_, s.secret, {}));
  EXPECT_FALSE(authenticate_session(*db_, "wrong", {}));
  {
    auto lease = db_->acquire();
    lease->query("UPDATE sessions SET last_seen_at = '2026-01-01T00:00:00.000Z'");
  }
  EXPECT_FALSE(authenticate_session(*db_, s.secret, {})) << "idle for months";
  // The dead session was deleted, so it cannot come back.
  auto lease = db_->acquire();
  EXPECT_EQ(db::as_int(lease->query("SELECT count(*) FROM sessions").rows[0][0]), 0);
}

TEST_F(AccessServiceTest, TokensExpireAndCanBeRevoked) {
  UserService users(*db_);
  auto u = users.create(nullptr, test_actor(), new_user("api", "auditor", "national", ""));
  NewToken a, b;
  {
    db::Transaction tx(*db_, db::TxMode::kWrite);
    a = create_token(tx.conn(), u.id, 30, "a");
    b = create_token(tx.conn(), u.id, 30, "b");
    tx.commit();
  }
  ASSERT_TRUE(authenticate_token(*db_, a.secret));
  {
    auto lease = db_->acquire();
    lease->query("UPDATE api_tokens SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = $1",
                 {db::Value(a.id)});
  }
  EXPECT_FALSE(authenticate_token(*db_, a.secret)) << "expired";
  {
    db::Transaction tx(*db_, db::TxMode::kWrite);
    EXPECT_TRUE(revoke_token(tx.conn(), b.id));
    EXPECT_FALSE(revoke_token(tx.conn(), b.id)) << "already revoked";
    tx.commit();
  }
  EXPECT_FALSE(authenticate_token(*db_, b.secret)) << "revoked";
  // Tokens are stored hashed: the secret appears nowhere in the database.
  auto lease = db_->acquire();
  EXPECT_EQ(db::as_int(lease
                           ->query("SELECT count(*) FROM api_tokens WHERE token_hash = $1",
                                   {db::Value(b.secret)})
                           .rows[0][0]),
            0);
}

TEST_F(AccessServiceTest, ThrottleLocksAfterRepeatedFailuresForKnownAndUnknownNames) {
  UserService users(*db_);
  users.create(nullptr, test_actor(), new_user("known", "social_worker", "national", ""));
  ThrottlePolicy policy;
  policy.delay_step = std::chrono::milliseconds(0);  // no sleeping in unit tests
  Throttle throttle(*db_, policy);
  LoginService login(*db_, users, throttle);
  for (const std::string name : {"known", "ghost"}) {
    for (int i = 0; i < policy.lock_after; ++i) {
      EXPECT_THROW(login.check_credentials(name, "wrong password!", test_actor()), Unauthorized);
    }
    EXPECT_THROW(login.check_credentials(name, "wrong password!", test_actor()), RateLimited)
        << name;
  }
  // Even the right password is refused while locked.
  EXPECT_THROW(login.check_credentials("known", "correct horse battery", test_actor()),
               RateLimited);
}

TEST_F(AccessServiceTest, SuccessfulLoginClearsFailuresAndRehashesOldParameters) {
  UserService users(*db_);
  auto u = users.create(nullptr, test_actor(), new_user("nadia", "social_worker", "national", ""));
  ThrottlePolicy policy;
  policy.delay_step = std::chrono::milliseconds(0);
  Throttle throttle(*db_, policy);
  LoginService login(*db_, users, throttle);
  EXPECT_THROW(login.check_credentials("nadia", "nope nope nope", test_actor()), Unauthorized);
  EXPECT_EQ(login.check_credentials("NADIA", "correct horse battery", test_actor()).id, u.id);
  auto lease = db_->acquire();
  EXPECT_EQ(
      db::as_int(
          lease->query("SELECT count(*) FROM login_failures WHERE key = 'user:nadia'").rows[0][0]),
      0);
}

TEST_F(AccessServiceTest, AnAccountWithoutPasswordIsRefusedLikeAWrongPasswordUntilOneIsSet) {
  UserService users(*db_);
  ThrottlePolicy policy;
  policy.delay_step = std::chrono::milliseconds(0);
  policy.lock_after = 50;
  Throttle throttle(*db_, policy);
  LoginService login(*db_, users, throttle);
  auto failure = [&](const std::string& name, const std::string& password) {
    try {
      login.check_credentials(name, password, test_actor());
    } catch (const Error& e) {
      return std::to_string(e.http_status()) + " " + e.code() + " " + e.message_key() + " " +
             std::to_string(e.fields().size());
    }
    return std::string("logged in");
  };

  // A password given to create_without_password is a caller's mistake; the other checks
  // and the permission are create()'s.
  NewUser in = new_user("karima.bennani", "social_worker", "national", "");
  EXPECT_THROW(users.create_without_password(nullptr, test_actor(), in), std::invalid_argument);
  in.password.clear();
  NewUser bad = in;
  bad.username = "X Y";
  EXPECT_THROW(users.create_without_password(nullptr, test_actor(), bad), Invalid);
  const auto worker =
      users.create(nullptr, test_actor(), new_user("worker", "social_worker", "national", ""));
  const Principal p = principal_for(worker);
  EXPECT_THROW(users.create_without_password(&p, test_actor(), in), Forbidden);
  const auto u = users.create_without_password(nullptr, test_actor(), in);
  EXPECT_TRUE(u.active);
  EXPECT_FALSE(has_password(u));
  EXPECT_TRUE(has_password(worker));
  {
    auto lease = db_->acquire();
    const auto stored = users.find_by_id(*lease, u.id);
    ASSERT_TRUE(stored);
    EXPECT_FALSE(has_password(*stored));
    EXPECT_EQ(stored->password_hash.rfind("$argon2", 0), std::string::npos);
    // Audited like any creation, saying no password was set.
    const auto after = db::text_or(
        lease
            ->query("SELECT after FROM audit_log WHERE action = 'create' AND record_id = $1",
                    {db::Value(u.id)})
            .rows.at(0)
            .at(0),
        "");
    EXPECT_NE(after.find("\"password_set\":false"), std::string::npos) << after;
    EXPECT_NE(after.find("karima.bennani"), std::string::npos) << after;
  }

  // Every password is refused with exactly the answer of a wrong password (and of an
  // unknown name): the empty one, the stored marker, the dummy hash's own password.
  const std::string wrong = failure("worker", "not the password at all");
  EXPECT_EQ(wrong, "401 unauthorized auth.login_failed 0");
  EXPECT_EQ(failure("nobody.here", "not the password at all"), wrong);
  for (const std::string& attempt :
       {std::string(), std::string("correct horse battery"), std::string("!no-password"),
        std::string("jisr-dummy-password-never-used"), std::string(u.password_hash)}) {
    EXPECT_EQ(failure("karima.bennani", attempt), wrong) << attempt;
  }
  {
    auto lease = db_->acquire();
    EXPECT_EQ(db::as_int(lease
                             ->query("SELECT count(*) FROM audit_log WHERE action = "
                                     "'login_failed' AND record_id = $1 AND after LIKE "
                                     "'%no_password%'",
                                     {db::Value(u.id)})
                             .rows[0][0]),
              5);
  }

  // Once an administrator sets a password, the account logs in with it (and only with it).
  users.reset_password(nullptr, test_actor(), u.id, "a password at last", "a password at last");
  EXPECT_EQ(failure("karima.bennani", "!no-password"), wrong);
  EXPECT_EQ(login.check_credentials("karima.bennani", "a password at last", test_actor()).id, u.id);
}

}  // namespace
}  // namespace jisr::access

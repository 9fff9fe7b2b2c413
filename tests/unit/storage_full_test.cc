// A full disk, seen from the whole request pipeline: registrations are refused with a 507
// that tells the user nothing was saved, nothing half-written is left behind, what was
// committed before is intact and its audit chain verifies, and the server works again once
// there is room. SQLite's per-connection `max_page_count` stands in for the disk: SQLite
// answers SQLITE_FULL for it exactly as for ENOSPC (the API test crash-safety.test.mjs
// fills a real file system).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/web_app.h"
#include "audit/audit.h"
#include "platform/log/log.h"
#include "platform/util/crypto.h"
#include "test_db.h"
#include "test_session.h"

namespace jisr::app {
namespace {

class StorageFullTest : public testing::MigratedDb {
 protected:
  void SetUp() override {
    MigratedDb::SetUp();
    crypto::init();
    log::configure(log::Level::kError, true);
    // One connection only, so the size limit set on it applies to every request.
    db::PoolOptions one;
    one.size = 1;
    single_ = db::open("sqlite:" + db_path(), one);
    WebOptions o;
    const char* root = std::getenv("JISR_SOURCE_DIR");
    o.web_root = root ? root : JISR_SOURCE_DIR;
    app_ = std::make_unique<WebApp>(o, *single_);

    access::NewUser u;
    u.username = "coord-cas";
    u.display_name = "Coordinatrice";
    u.role = "provincial_coordinator";
    u.scope_level = "province";
    u.scope_code = "MA-CAS";
    u.password = "a-long-password";
    const auto signed_in = testing::sign_in_new_user(*db_, u);
    cookie_ = signed_in.cookie;
    csrf_ = signed_in.csrf;
  }
  void TearDown() override {
    app_.reset();
    single_.reset();
    MigratedDb::TearDown();
  }

  // POST /api/v1/people for a child whose names carry `n`, in `lang`.
  http::Response register_child(int n, const std::string& lang = "fr") {
    const std::string tag = std::to_string(n);
    nlohmann::json body = {{"first_name_lat", "Salma" + tag},
                           {"last_name_lat", "Alaoui" + tag},
                           {"first_name_ar", "سلمى"},
                           {"last_name_ar", "العلوي"},
                           {"sex", "F"},
                           {"birth_date", "2012-03-04"},
                           {"birth_date_precision", "exact"},
                           {"province", "MA-CAS"},
                           {"target_groups", {"children_without_family"}},
                           {"consent", {{"given", true}}},
                           {"confirm_new", true}};
    http::Request r;
    r.method = http::Method::kPost;
    r.path = "/api/v1/people";
    r.query_string = "lang=" + lang;
    r.body = body.dump();
    r.headers = {
        {"cookie", cookie_}, {"x-csrf-token", csrf_}, {"content-type", "application/json"}};
    r.remote_address = "127.0.0.1";
    return app_->dispatch(r);
  }

  std::int64_t count(const std::string& sql) {
    auto lease = db_->acquire();
    return db::as_int(lease->query(sql).rows[0][0]).value_or(-1);
  }

  void set_max_pages(std::int64_t pages) {
    auto lease = single_->acquire();
    lease->query("PRAGMA max_page_count = " + std::to_string(pages));
  }

  std::unique_ptr<db::Database> single_;
  std::unique_ptr<WebApp> app_;
  std::string cookie_;
  std::string csrf_;
};

TEST_F(StorageFullTest, RegistrationsAre507AndNothingHalfWrittenAndTheServerRecovers) {
  ASSERT_EQ(register_child(0).status, 201);
  std::int64_t pages = 0;
  {
    auto lease = single_->acquire();
    pages = db::as_int(lease->query("PRAGMA page_count").rows[0][0]).value_or(0);
  }
  ASSERT_GT(pages, 0);
  set_max_pages(pages + 2);  // a few pages of room, then the "disk" is full

  int accepted = 1;
  http::Response refused;
  for (int n = 1; n < 2000; ++n) {
    auto r = register_child(n);
    if (r.status == 201) {
      ++accepted;
      continue;
    }
    refused = std::move(r);
    break;
  }
  ASSERT_EQ(refused.status, 507) << refused.body.substr(0, 300);
  const auto err = nlohmann::json::parse(refused.body);
  EXPECT_EQ(err["error"]["code"], "storage_full");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("rien n'a été enregistré"),
            std::string::npos)
      << err.dump();

  // Every acknowledged registration is there with its audit entry, and no more.
  EXPECT_EQ(count("SELECT count(*) FROM people"), accepted);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE record_type = 'person' AND action = "
                  "'create'"),
            accepted);
  EXPECT_TRUE(audit::verify(*db_).ok);

  // Still full (a rolled-back write may leave room for one more small one): refused again,
  // in Arabic too, and still nothing half-written.
  // (The pool may have replaced the connection that failed; the limit is per connection.)
  set_max_pages(pages + 2);
  http::Response again;
  for (int n = 5000; n < 5050; ++n) {
    again = register_child(n, "ar");
    if (again.status != 201) break;
    ++accepted;
  }
  ASSERT_EQ(again.status, 507) << again.body.substr(0, 300);
  EXPECT_NE(nlohmann::json::parse(again.body)["error"]["message"].get<std::string>().find(
                "لم يُسجَّل أي شيء"),
            std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM people"), accepted);

  // Room again: the same connection and server carry on, and the chain still verifies.
  set_max_pages(1 << 30);
  EXPECT_EQ(register_child(6000).status, 201);
  EXPECT_EQ(count("SELECT count(*) FROM people"), accepted + 1);
  const auto verified = audit::verify(*db_);
  EXPECT_TRUE(verified.ok) << verified.reason;
}

}  // namespace
}  // namespace jisr::app

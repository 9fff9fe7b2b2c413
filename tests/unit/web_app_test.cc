// In-process tests of the request pipeline (no sockets): error mapping, limits, language,
// CSRF, security headers. The HTTP server adapter itself is covered by the API tests.
#include "app/web_app.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "access/sessions.h"
#include "access/users.h"
#include "person/person_service.h"
#include "person/person_test_fixture.h"
#include "platform/log/log.h"
#include "platform/util/crypto.h"
#include "test_db.h"
#include "test_session.h"

namespace jisr::app {
namespace {

class WebAppTest : public testing::MigratedDb {
 protected:
  void SetUp() override {
    MigratedDb::SetUp();
    crypto::init();
    log::configure(log::Level::kError, true);
    WebOptions o;
    const char* root = std::getenv("JISR_SOURCE_DIR");
    o.web_root = root ? root : JISR_SOURCE_DIR;
    o.max_body_bytes = 1024;
    app_ = std::make_unique<WebApp>(o, *db_);
  }
  void TearDown() override {
    app_.reset();
    MigratedDb::TearDown();
  }

  http::Response call(http::Method m, const std::string& target, std::string body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request r;
    r.method = m;
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query_string = target.substr(q + 1);
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.remote_address = "127.0.0.1";
    return app_->dispatch(r);
  }

  // A signed-in session for a new user; returns {cookie header, csrf token}.
  std::pair<std::string, std::string> session_for(const std::string& role,
                                                  const std::string& lang = "fr") {
    access::NewUser u;
    u.username = "u-" + role;
    u.display_name = "Test " + role;
    u.role = role;
    u.scope_level = "national";
    u.password = "a-long-password";
    u.preferred_language = lang;
    const auto signed_in = testing::sign_in_new_user(*db_, u);
    return {signed_in.cookie, signed_in.csrf};
  }

  std::unique_ptr<WebApp> app_;
};

TEST_F(WebAppTest, UnknownApiRouteIsJson404AndUnknownPageIsHtml404) {
  auto api = call(http::Method::kGet, "/api/v1/nothing");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(nlohmann::json::parse(api.body)["error"]["code"], "not_found");
  auto page = call(http::Method::kGet, "/nothing", "", {{"accept-language", "ar"}});
  EXPECT_EQ(page.status, 404);
  EXPECT_NE(page.header("Content-Type")->find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("dir=\"rtl\""), std::string::npos);
}

TEST_F(WebAppTest, OversizedBodyIs413BeforeAnyHandlerRuns) {
  auto r = call(http::Method::kPost, "/api/v1/auth/token", std::string(2048, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "payload_too_large");
}

TEST_F(WebAppTest, MalformedJsonIs400WithTheDocumentedBody) {
  auto r = call(http::Method::kPost, "/api/v1/auth/token",
                "{\"username\": ", {{"content-type", "application/json"}});
  EXPECT_EQ(r.status, 400);
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "bad_request");
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
}

TEST_F(WebAppTest, WrongMethodIs405WithAllow) {
  auto r = call(http::Method::kDelete, "/api/v1/territories");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(*r.header("Allow"), "GET");
}

TEST_F(WebAppTest, EveryResponseHasSecurityHeadersAndARequestId) {
  auto r = call(http::Method::kGet, "/territories");
  EXPECT_EQ(r.status, 200);
  const auto* csp = r.header("Content-Security-Policy");
  ASSERT_NE(csp, nullptr);
  EXPECT_NE(csp->find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(csp->find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(*r.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.header("X-Request-Id")->size(), 16u);
}

TEST_F(WebAppTest, PagesNeedingLoginRedirectToLoginWithTheAskedPage) {
  auto r = call(http::Method::kGet, "/admin/users?status=active");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(*r.header("Location"), "/login?next=%2Fadmin%2Fusers%3Fstatus%3Dactive");
  auto dead = call(http::Method::kGet, "/admin/users", "", {{"cookie", "jisr_session=stale"}});
  EXPECT_EQ(dead.status, 303);
  EXPECT_NE(dead.header("Location")->find("expired=1"), std::string::npos);
  // The dead cookie is cleared.
  bool cleared = false;
  for (const auto& [k, v] : dead.headers) {
    cleared = cleared || (k == "Set-Cookie" && v.rfind("jisr_session=;", 0) == 0);
  }
  EXPECT_TRUE(cleared);
}

TEST_F(WebAppTest, StateChangingRequestWithoutCsrfIsRefusedAndChangesNothing) {
  auto [cookie, csrf] = session_for("admin");
  const std::string form =
      "username=newbie&display_name=N&role=social_worker&scope_level=national&password="
      "a-long-password&password_confirm=a-long-password&preferred_language=fr";
  auto refused = call(http::Method::kPost, "/admin/users/new", form,
                      {{"cookie", cookie}, {"content-type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(refused.status, 403);
  auto forged = call(http::Method::kPost, "/admin/users/new", form + "&_csrf=forged",
                     {{"cookie", cookie}, {"content-type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(forged.status, 403);
  {
    auto lease = db_->acquire();
    EXPECT_TRUE(lease->query("SELECT 1 FROM users WHERE username = 'newbie'").empty());
  }
  auto ok = call(http::Method::kPost, "/admin/users/new", form + "&_csrf=" + csrf,
                 {{"cookie", cookie}, {"content-type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(ok.status, 303) << ok.body.substr(0, 300);
  auto lease = db_->acquire();
  EXPECT_FALSE(lease->query("SELECT 1 FROM users WHERE username = 'newbie'").empty());
}

TEST_F(WebAppTest, LanguageIsQueryThenCookieThenUserPreferenceThenBrowser) {
  auto [cookie, csrf] = session_for("auditor", "ar");
  (void)csrf;
  EXPECT_EQ(
      *call(http::Method::kGet, "/territories", "", {{"cookie", cookie}, {"accept-language", "en"}})
           .header("Content-Language"),
      "ar");
  EXPECT_EQ(*call(http::Method::kGet, "/territories", "",
                  {{"cookie", cookie + "; jisr_lang=en"}, {"accept-language", "fr"}})
                 .header("Content-Language"),
            "en");
  EXPECT_EQ(*call(http::Method::kGet, "/territories?lang=fr", "", {{"cookie", cookie}})
                 .header("Content-Language"),
            "fr");
  EXPECT_EQ(*call(http::Method::kGet, "/territories", "", {{"accept-language", "en-GB,en;q=0.9"}})
                 .header("Content-Language"),
            "en");
}

TEST_F(WebAppTest, LanguageSwitchOnlyRedirectsToLocalPaths) {
  auto ok = call(http::Method::kGet, "/lang/ar?next=%2Fterritories");
  EXPECT_EQ(*ok.header("Location"), "/territories");
  auto evil = call(http::Method::kGet, "/lang/ar?next=%2F%2Fevil.example%2F");
  EXPECT_EQ(*evil.header("Location"), "/");
  EXPECT_EQ(call(http::Method::kGet, "/lang/xx").status, 404);
}

TEST_F(WebAppTest, ABadBearerTokenIs401EvenOnPublicRoutes) {
  auto r =
      call(http::Method::kGet, "/api/v1/territories", "", {{"authorization", "Bearer jisr_nope"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(*r.header("WWW-Authenticate"), "Bearer");
}

TEST_F(WebAppTest, HealthIs503WhenTheDatabaseCannotBeReached) {
  // A pool with one connection, held elsewhere: no connection can be had in time.
  db::PoolOptions tiny;
  tiny.size = 1;
  tiny.acquire_timeout = std::chrono::milliseconds(50);
  auto db = db::open("sqlite:" + db_path(), tiny);
  WebOptions wo;
  const char* root = std::getenv("JISR_SOURCE_DIR");
  wo.web_root = root ? root : JISR_SOURCE_DIR;
  WebApp app(wo, *db);
  http::Request ok;
  ok.path = "/healthz";
  EXPECT_EQ(app.dispatch(ok).status, 200);
  auto held = db->acquire();
  http::Request down;
  down.path = "/healthz";
  auto r = app.dispatch(down);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(nlohmann::json::parse(r.body)["status"], "unavailable");
  // And a page that needs the database answers 503 with the error page, not a crash.
  http::Request page;
  page.path = "/api/v1/territories";
  EXPECT_EQ(app.dispatch(page).status, 503);
}

// The access-log entry of a file read is written before the response leaves: a read whose
// entry cannot be written answers 500, never the file; once the log works again, the file
// is answered and its read is in the log.
TEST_F(WebAppTest, AFileIsNotAnsweredWhenItsReadCannotBeLogged) {
  person::test_fixture::add_coordinators(*db_->acquire());
  const auto person =
      person::PersonService(*db_).create(person::test_fixture::coordinator("MA-CAS"), {},
                                         person::test_fixture::child_in_casablanca(), false);
  const auto [cookie, csrf] = session_for("national_supervisor");
  auto views = [&] {
    auto lease = db_->acquire();
    return *db::as_int(lease
                           ->query("SELECT count(*) FROM audit_log WHERE action = 'view' AND "
                                   "record_id = $1",
                                   {db::Value(person.id)})
                           .rows.at(0)
                           .at(0));
  };
  db_->acquire()->exec_script(
      "CREATE TRIGGER refuse_views BEFORE INSERT ON audit_log WHEN NEW.action = 'view' "
      "BEGIN SELECT RAISE(ABORT, 'refused'); END;");
  for (const char* path : {"/people/", "/api/v1/people/"}) {
    auto r = call(http::Method::kGet, path + person.id, "", {{"cookie", cookie}});
    EXPECT_EQ(r.status, 500) << path;
    EXPECT_EQ(r.body.find("Alaoui"), std::string::npos) << path;
  }
  EXPECT_EQ(views(), 0);
  db_->acquire()->exec_script("DROP TRIGGER refuse_views");
  auto r = call(http::Method::kGet, "/people/" + person.id, "", {{"cookie", cookie}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Alaoui"), std::string::npos);
  EXPECT_EQ(views(), 1);
}

TEST_F(WebAppTest, MetricsCountRequestsByRoutePattern) {
  call(http::Method::kGet, "/api/v1/territories/MA-CAS");
  call(http::Method::kGet, "/api/v1/territories/MA-RAB");
  auto m = call(http::Method::kGet, "/metrics");
  EXPECT_NE(m.body.find("jisr_http_requests_total{route=\"/api/v1/territories/"
                        "{code}\",method=\"GET\",status=\"200\"} 2"),
            std::string::npos)
      << m.body.substr(0, 500);
  EXPECT_NE(m.body.find("jisr_db_pool_connections{state=\"max\"}"), std::string::npos);
}

TEST_F(WebAppTest, AnAccountWithoutPasswordGetsTheAnswerOfAWrongPassword) {
  // The demo data's caseload workers are created without a password
  // (UserService::create_without_password): the token exchange refuses them exactly as it
  // refuses a wrong password or an unknown name, whatever password is tried.
  access::UserService users(*db_);
  access::NewUser u;
  u.username = "nadia.alaoui";
  u.display_name = "Nadia Alaoui";
  u.role = "social_worker";
  u.scope_level = "national";
  const auto without = users.create_without_password(nullptr, {}, u);
  u.username = "with.password";
  u.password = "a-long-password";
  u.role = "admin";
  const auto with = users.create(nullptr, {}, u);
  auto token = [&](const std::string& name, const std::string& password) {
    const auto r = call(http::Method::kPost, "/api/v1/auth/token",
                        nlohmann::json{{"username", name}, {"password", password}}.dump(),
                        {{"content-type", "application/json"}});
    auto error = nlohmann::json::parse(r.body)["error"];
    return std::to_string(r.status) + " " + error["code"].get<std::string>() + " " +
           error["message"].get<std::string>() + " " + std::to_string(error.size());
  };
  const std::string wrong = token("with.password", "not-the-password");
  EXPECT_EQ(wrong.substr(0, 16), "401 unauthorized");
  EXPECT_EQ(token("nobody.at.all", "not-the-password"), wrong);
  EXPECT_EQ(token("nadia.alaoui", "not-the-password"), wrong);
  EXPECT_EQ(token("nadia.alaoui", "!no-password"), wrong);

  // An administrator sees which account has no password yet (API; the admin pages show it
  // from the same field).
  const auto issued =
      call(http::Method::kPost, "/api/v1/auth/token",
           nlohmann::json{{"username", "with.password"}, {"password", "a-long-password"}}.dump(),
           {{"content-type", "application/json"}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string bearer =
      "Bearer " + nlohmann::json::parse(issued.body)["token"].get<std::string>();
  auto password_set = [&](const std::string& id) {
    const auto r = call(http::Method::kGet, "/api/v1/users/" + id, "", {{"authorization", bearer}});
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body).at("password_set").get<bool>();
  };
  EXPECT_FALSE(password_set(without.id));
  EXPECT_TRUE(password_set(with.id));
}

}  // namespace
}  // namespace jisr::app

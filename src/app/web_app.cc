// src/app/web_app.cc
#include "app/web_app.h"

#include <sodium.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/openapi.h"
#include "audit/audit.h"
#include "audit/audit_http.h"
#include "casework/casework_http.h"
#include "casework/person_view.h"
#include "dedupreview/review_http.h"
#include "org/org_http.h"
#include "person/person_http.h"
#include "person/person_search.h"
#include "platform/error.h"
#include "platform/log/log.h"
#include "platform/web/api.h"
#include "platform/web/module.h"
#include "territory/territory_http.h"

namespace jisr::app {
namespace {

bool is_api(const http::Request& r) {
  return r.path.rfind("/api/", 0) == 0;
}

// An incoming X-Request-Id is kept when it is short and plain (a proxy's id), so one id
// follows a request across servers; anything else is replaced.
std::string request_id_for(const http::Request& r) {
  if (auto id = r.header("x-request-id"); id && !id->empty() && id->size() <= 64) {
    bool plain = true;
    for (char c : *id) {
      plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    }
    if (plain) return *id;
  }
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'";

void add_security_headers(http::Response& r, bool is_asset) {
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("Referrer-Policy", "same-origin");
  if (is_asset) return;
  r.set_header("Content-Security-Policy", kContentSecurityPolicy);
  r.set_header("X-Frame-Options", "DENY");
  // Pages and API answers may carry personal data: never stored by browsers or proxies.
  if (!r.header("Cache-Control")) r.set_header("Cache-Control", "no-store");
  r.set_header("Vary", "Accept-Language, Cookie");
}

}  // namespace

std::vector<web::AssetSource> default_assets(const std::string& web_root) {
  const std::filesystem::path root(web_root);
  const auto npm = root / "node_modules";
  return {
      {"app.css", root / "web/static/app.css"},
      {"app.js", root / "web/static/app.js"},
      {"fonts.css", root / "web/static/fonts.css"},
      {"vendor/bootstrap.min.css", npm / "bootstrap/dist/css/bootstrap.min.css"},
      {"vendor/bootstrap.rtl.min.css", npm / "bootstrap/dist/css/bootstrap.rtl.min.css"},
      {"vendor/htmx.min.js", npm / "htmx.org/dist/htmx.min.js"},
      {"vendor/noto-sans-arabic/noto-sans-arabic-arabic-400-normal.woff2",
       npm / "@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff2"},
      {"vendor/noto-sans-arabic/noto-sans-arabic-arabic-700-normal.woff2",
       npm / "@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-700-normal.woff2"},
  };
}

WebApp::WebApp(const WebOptions& options, db::Database& db)
    : options_(options),
      db_(db),
      catalogs_(i18n::Catalogs::load(std::filesystem::path(options.web_root) / "web/locales")),
      views_(std::make_unique<web::Views>(std::filesystem::path(options.web_root) / "web/templates",
                                          catalogs_)),
      assets_(std::make_unique<web::AssetStore>(default_assets(options.web_root))),
      pages_(std::make_unique<web::PageRenderer>(*views_, catalogs_, *assets_)) {
  options_.access.secure_cookies = options_.secure_cookies;
  access_ = std::make_unique<access::AccessModule>(db_, options_.access);
  pages_->set_layout_decorator([this](const http::Request& r, nlohmann::json& layout) {
    access_->decorate_layout(r, layout);
    if (layout.contains("user")) {
      layout["user"]["role_label"] =
          catalogs_.get(r.lang, "role." + layout["user"]["role"].get<std::string>());
    }
  });
  people_search_ = std::make_unique<person::PersonSearch>(db);
  {
    const auto loaded = people_search_->load();
    log::info("people_index_loaded",
              {{"people", static_cast<std::int64_t>(loaded.people)},
               {"seconds", loaded.seconds},
               {"memory_bytes", static_cast<std::int64_t>(loaded.memory_bytes)}});
  }
  register_routes();
  metrics_.add_collector([&db](std::string& out) {
    const auto s = db.stats();
    out += "# HELP jisr_db_pool_connections Database connections by state.\n";
    out += "# TYPE jisr_db_pool_connections gauge\n";
    out += "jisr_db_pool_connections{state=\"max\"} " + std::to_string(s.size) + "\n";
    out += "jisr_db_pool_connections{state=\"open\"} " + std::to_string(s.open) + "\n";
    out += "jisr_db_pool_connections{state=\"in_use\"} " + std::to_string(s.in_use) + "\n";
    out += "# HELP jisr_db_pool_acquisitions_total Connections borrowed from the pool.\n";
    out += "# TYPE jisr_db_pool_acquisitions_total counter\n";
    out += "jisr_db_pool_acquisitions_total{outcome=\"ok\"} " + std::to_string(s.acquired_total) +
           "\n";
    out += "jisr_db_pool_acquisitions_total{outcome=\"waited\"} " + std::to_string(s.waited_total) +
           "\n";
    out += "jisr_db_pool_acquisitions_total{outcome=\"timeout\"} " +
           std::to_string(s.timeouts_total) + "\n";
  });
}

WebApp::~WebApp() = default;

void WebApp::register_routes() {
  using http::Method;
  web::ModuleContext ctx{db_, *pages_, catalogs_};

  router_.add(Method::kGet, "/", [this](http::Request& r) {
    return pages_->render(r, 200, "home/index", "page.home.title", "home",
                          nlohmann::json::object());
  });
  router_.add(Method::kGet, "/lang/{code}", [this](http::Request& r) {
    const std::string& code = r.param("code");
    if (!i18n::is_supported(code)) throw NotFound();
    std::string next = r.query("next").value_or("/");
    if (!web::is_local_path(next)) next = "/";
    http::Response resp = http::Response::redirect(next);
    http::CookieOptions cookie;
    cookie.max_age_seconds = 365L * 24 * 3600;
    cookie.http_only = false;  // harmless preference; lets the page read it if ever needed
    cookie.secure = options_.secure_cookies;
    resp.add_header("Set-Cookie", http::format_set_cookie("jisr_lang", code, cookie));
    return resp;
  });
  router_.add(Method::kGet, "/assets/{path*}",
              [this](http::Request& r) { return assets_->serve(r, r.param("path")); });
  router_.add(Method::kGet, "/healthz", [this](http::Request&) {
    try {
      auto lease = db_.acquire();
      lease->query("SELECT 1");
      return web::json_response(200, {{"status", "ok"}});
    } catch (const std::exception& e) {
      log::warn("health_check_failed", {{"reason", std::string_view(e.what())}});
      return web::json_response(503, {{"status", "unavailable"}});
    }
  });
  router_.add(Method::kGet, "/metrics", [this](http::Request&) {
    return http::Response::text(200, metrics_.render(), "text/plain; version=0.0.4; charset=utf-8");
  });

  territory::register_routes(router_, ctx);
  access_->register_routes(router_, ctx);
  audit::register_routes(router_, ctx);
  org::register_routes(router_, ctx);
  person::register_routes(
      router_, ctx,
      {[this](const http::Request& r, const std::string& id, db::Connection& conn,
              nlohmann::json& file) { add_casework_sections(r, id, conn, file); }},
      people_search_.get());
  casework::register_routes(router_, ctx);
  dedupreview::register_routes(router_, ctx);

  // Last, so that it describes every route registered above.
  router_.add(Method::kGet, "/api/v1/openapi.json",
              [](http::Request&) { return web::json_response(200, openapi_document()); });
}

// The casework sections of a person's file (cases, services, admissions, referrals), for those who
// may read cases. Reads through `conn`, inside the file page's read transaction.
void WebApp::add_casework_sections(const http::Request& r, const std::string& person_id,
                                   db::Connection& conn, nlohmann::json& file) {
  const auto* p = access::principal_of(r);
  if (!p || !p->can(access::Action::kCaseRead)) return;
  const std::string& lang = r.lang;
  auto label = [&](const std::string& key) { return catalogs_.get(lang, key); };
  auto date = [](const std::string& d) {
    return d.size() >= 10 ? d.substr(8, 2) + "/" + d.substr(5, 2) + "/" + d.substr(0, 4) : d;
  };
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : casework::cases_of_person(conn, *p, person_id)) {
    cases.push_back({{"href", c.href},
                     {"module_label", label("case.module." + c.module)},
                     {"status_label", label("case.status." + c.status)},
                     {"risk_label", label("case.risk." + c.risk_level)},
                     {"opened", date(c.opened_on)}});
  }
  file["cases_section"] = true;
  file["cases"] = cases;
  // Services across those cases, kServicesPerPage at a time (?services=<cursor>).
  constexpr int kServicesPerPage = 20;
  std::optional<std::string> after;
  if (auto c = r.query("services"); c && !c->empty()) after = web::decode_cursor(*c);
  auto rows = casework::services_of_person(conn, *p, person_id, lang, after, kServicesPerPage + 1);
  const bool more = static_cast<int>(rows.size()) > kServicesPerPage;
  if (more) rows.pop_back();
  nlohmann::json services = nlohmann::json::array();
  for (const auto& s : rows) {
    services.push_back({{"href", s.case_href},
                        {"type_name", s.type_name},
                        {"provider_name", s.provider_name},
                        {"date", date(s.date)},
                        {"quantity", s.quantity},
                        {"status", s.status},
                        {"status_label", label("service.status." + s.status)}});
  }
  file["services_section"] = true;
  file["services"] = services;
  if (more) {
    file["services_next_href"] =
        "/people/" + person_id +
        "?services=" + web::encode_cursor(casework::service_key(rows.back())) + "#person-services";
  }
  if (after) file["services_first_href"] = "/people/" + person_id + "#person-services";
  file["services_paged"] = more || after.has_value();
  nlohmann::json admissions = nlohmann::json::array();
  bool admitted_now = false;
  for (const auto& a : casework::admissions_of_person(conn, *p, person_id, lang)) {
    admitted_now = admitted_now || a.current;
    nlohmann::json item = {{"institution_name", a.institution_name},
                           {"admitted_on", date(a.admitted_on)},
                           {"discharged_on", a.discharged_on ? date(*a.discharged_on) : ""},
                           {"reason_label", label("admission.reason." + a.reason)}};
    if (!a.discharge_href.empty()) item["href"] = a.discharge_href;
    admissions.push_back(std::move(item));
  }
  file["admissions_section"] = true;
  file["admissions"] = admissions;
  nlohmann::json referrals = nlohmann::json::array();
  for (const auto& ref : casework::referrals_of_person(conn, *p, person_id, lang)) {
    nlohmann::json item = {{"sent_on", date(ref.created_at)},
                           {"from_org_name", ref.from_org_name},
                           {"to_org_name", ref.to_org_name},
                           {"reason", ref.reason},
                           {"status_label", label("referral.status." + ref.status)}};
    // A receiving organization sees the referral but not the sender's case.
    if (ref.case_visible) item["href"] = "/cases/" + ref.case_id;
    referrals.push_back(std::move(item));
  }
  file["referrals_section"] = true;
  file["referrals"] = referrals;
  if (p->can(access::Action::kCaseWrite))
    file["new_case_href"] = "/people/" + person_id + "/cases/new";
  // A person is in one institution at a time: no new admission before the discharge.
  if (p->can(access::Action::kAdmissionManage) && !admitted_now) {
    file["new_admission_href"] = "/people/" + person_id + "/admissions/new";
  }
  // Where the admission and discharge forms come back to.
  if (r.query("admitted")) file["notice"] = label("admission.saved");
  if (r.query("discharged")) file["notice"] = label("admission.discharged");
}

http::Response WebApp::error_response(const http::Request& request, int status,
                                      const std::string& code, const std::string& message_key,
                                      const std::map<std::string, std::string>& fields) {
  const std::string& lang = request.lang;
  if (is_api(request) || !views_) {
    nlohmann::json err = {{"code", code}, {"message", catalogs_.get(lang, message_key)}};
    if (!fields.empty()) {
      nlohmann::json f = nlohmann::json::object();
      for (const auto& [field, reason] : fields) f[field] = catalogs_.get(lang, reason);
      err["fields"] = std::move(f);
    }
    auto r = web::json_response(status, {{"error", std::move(err)}});
    if (status == 401) r.set_header("WWW-Authenticate", "Bearer");
    return r;
  }
  if (status == 401) {
    std::string next = request.path;
    if (!request.query_string.empty()) next += "?" + request.query_string;
    std::string location = "/login?next=" + http::percent_encode(next);
    if (request.session_expired) location += "&expired=1";
    return http::Response::redirect(location);
  }
  if (status == 404) {
    return pages_->render(request, 404, "errors/not_found", "page.not_found.title", "",
                          {{"path", request.path}});
  }
  // A refusal, not a fault: no "try again", no reference for support. (A form whose CSRF
  // token no longer matches is another matter: trying again is the answer.)
  if (status == 403 && message_key != "error.csrf") {
    return pages_->render(request, 403, "errors/forbidden", "page.forbidden.title", "",
                          {{"message", catalogs_.get(lang, message_key)}});
  }
  return pages_->render(request, status, "errors/error", "page.error.title", "",
                        {{"status", status},
                         {"message", catalogs_.get(lang, message_key)},
                         {"request_id", request.request_id}});
}

http::Response WebApp::route(http::Request& request) {
  if (request.body.size() > options_.max_body_bytes) throw PayloadTooLarge();
  auto match = router_.match(request);
  if (!match.handler) {
    if (match.path_known) {
      http::Response r =
          error_response(request, 405, "method_not_allowed", "error.method_not_allowed", {});
      std::string allow;
      for (auto m : match.allowed) {
        if (!allow.empty()) allow += ", ";
        allow += http::method_name(m);
      }
      r.set_header("Allow", allow);
      return r;
    }
    throw NotFound();
  }
  // /login checks its own double-submit token: a signed-in user may sign in again.
  if (request.path != "/login") access_->check_csrf(request);
  return (*match.handler)(request);
}

http::Response WebApp::dispatch(http::Request& request) {
  const auto start = std::chrono::steady_clock::now();
  request.request_id = request_id_for(request);
  request.lang = i18n::negotiate(request.query("lang"), request.cookie("jisr_lang"),
                                 request.header("accept-language"));
  http::Response response;
  // The access-log entries of this request (reads of files) are queued and written by the
  // next group commit; waited for below: no response leaves before they are durable.
  audit::Deferred access_log;
  // A full disk, met by the handler or by the access log after it: nothing was written.
  auto storage_full = [&](const db::StorageFull& e) {
    log::error("storage_full",
               {{"request_id", request.request_id}, {"reason", std::string_view(e.what())}});
    return error_response(request, 507, "storage_full", "error.storage_full", {});
  };
  try {
    access_->authenticate(request);
    if (const auto* p = access::principal_of(request)) {
      // The user's own choice of language comes after an explicit switch (query, cookie)
      // and before the browser's Accept-Language, which every browser sends. An API client
      // sends Accept-Language on purpose: on /api/ it comes before the user's choice.
      const bool api_asks = is_api(request) && request.header("accept-language").has_value();
      if (!request.query("lang") && !request.cookie("jisr_lang") && !api_asks)
        request.lang = p->preferred_language;
    }
    response = route(request);
    access_log.wait();
  } catch (const Error& e) {
    response = error_response(request, e.http_status(), e.code(), e.message_key(), e.fields());
  } catch (const db::ConnectionError& e) {
    log::error("database_unavailable",
               {{"request_id", request.request_id}, {"reason", std::string_view(e.what())}});
    response = error_response(request, 503, "unavailable", "error.unavailable", {});
  } catch (const db::UniqueViolation& e) {
    response = error_response(request, 409, "conflict", "error.conflict", {});
  } catch (const db::StorageFull& e) {
    response = storage_full(e);
  } catch (const std::exception& e) {
    log::error("unhandled_exception",
               {{"request_id", request.request_id}, {"reason", std::string_view(e.what())}});
    try {
      response = error_response(request, 500, "internal", "error.internal", {});
    } catch (...) {
      response = http::Response::text(500, "Internal Server Error\n");
    }
  }
  try {
    access_log.wait();  // a request that failed after reading a file: its entry first
  } catch (const db::StorageFull& e) {
    response = storage_full(e);
  } catch (const std::exception& e) {
    log::error("access_log_failed",
               {{"request_id", request.request_id}, {"reason", std::string_view(e.what())}});
    response = error_response(request, 500, "internal", "error.internal", {});
  }
  const bool is_asset = request.route == "/assets/{path*}";
  add_security_headers(response, is_asset);
  if (request.session_expired) {
    response.add_header("Set-Cookie", access::expired_session_cookie(options_.secure_cookies));
  }
  response.set_header("X-Request-Id", request.request_id);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string route = request.route.empty() ? "(unmatched)" : request.route;
  metrics_.observe(route, std::string(http::method_name(request.method)), response.status, seconds);
  if (!is_asset) {
    log::info("http_request", {{"request_id", request.request_id},
                               {"method", http::method_name(request.method)},
                               {"route", std::string_view(route)},
                               {"status", static_cast<std::int64_t>(response.status)},
                               {"ms", seconds * 1000.0},
                               {"remote", std::string_view(request.remote_address)}});
  }
  return response;
}

}  // namespace jisr::app

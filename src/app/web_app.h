// src/app/web_app.h
//
// The request pipeline of the server: request id, body limit, language, routing, error
// mapping (the one place where typed errors become HTTP statuses), security headers,
// metrics and the access log line. Modules register their routes on `router()`.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>
#include "access/access_http.h"

#include "platform/db/database.h"
#include "platform/http/metrics.h"
#include "platform/http/request.h"
#include "platform/http/response.h"
#include "platform/http/router.h"
#include "platform/i18n/catalog.h"
#include "platform/web/assets.h"
#include "platform/web/page.h"
#include "platform/web/views.h"

namespace jisr::person {
class PersonSearch;
}

namespace jisr::app {

struct WebOptions {
  std::string web_root;                  // folder holding web/ and node_modules/
  std::size_t max_body_bytes = 1 << 20;  // larger bodies get 413
  bool secure_cookies = false;           // set when served over HTTPS
  access::AccessOptions access;          // session timeouts, login throttling
};

class WebApp {
 public:
  // Loads catalogs, templates and assets from the web root and registers every route.
  // Throws std::runtime_error naming what is missing or broken.
  WebApp(const WebOptions& options, db::Database& db);
  ~WebApp();

  // Handles one request; never throws.
  http::Response dispatch(http::Request& request);

  const http::Router& router() const { return router_; }
  http::Metrics& metrics() { return metrics_; }

 private:
  http::Response route(http::Request& request);
  http::Response error_response(const http::Request& request, int status, const std::string& code,
                                const std::string& message_key,
                                const std::map<std::string, std::string>& fields);
  void register_routes();
  void add_casework_sections(const http::Request& r, const std::string& person_id,
                             db::Connection& conn, nlohmann::json& file);

  WebOptions options_;
  db::Database& db_;
  i18n::Catalogs catalogs_;
  std::unique_ptr<web::Views> views_;
  std::unique_ptr<web::AssetStore> assets_;
  std::unique_ptr<web::PageRenderer> pages_;
  std::unique_ptr<access::AccessModule> access_;
  std::unique_ptr<person::PersonSearch> people_search_;  // the fuzzy people index
  http::Router router_;
  http::Metrics metrics_;
};

// Asset sources relative to a web root (our static files and the npm packages' builds).
std::vector<web::AssetSource> default_assets(const std::string& web_root);

}  // namespace jisr::app

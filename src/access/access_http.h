// src/access/access_http.h
//
// The access module on the web: authentication and CSRF steps of the request pipeline,
// the login/logout pages, the token API, the users API and the user administration pages.
#pragma once

#include <memory>

#include <nlohmann/json_fwd.hpp>

#include "access/login.h"
#include "access/sessions.h"
#include "access/throttle.h"
#include "access/users.h"
#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::access {

inline constexpr const char* kSessionCookie = "jisr_session";
inline constexpr const char* kLoginCsrfCookie = "jisr_csrf";

struct AccessOptions {
  bool secure_cookies = false;
  SessionPolicy session;
  ThrottlePolicy throttle;
};

class AccessModule {
 public:
  AccessModule(db::Database& db, AccessOptions options);

  // Pipeline step: sets request.auth from a Bearer token or the session cookie. A bad
  // Bearer token throws Unauthorized (an API client must know its token is dead); a dead
  // session cookie only marks request.session_expired.
  void authenticate(http::Request& request);

  // Pipeline step: a state-changing request authenticated by session cookie must carry
  // the session's CSRF token (form field `_csrf` or header X-CSRF-Token); else Forbidden.
  void check_csrf(const http::Request& request) const;

  // Adds `user`, `csrf` and `can` to every page layout.
  void decorate_layout(const http::Request& request, nlohmann::json& layout) const;

  void register_routes(http::Router& router, const web::ModuleContext& ctx);

  // Adds the module's API paths and schemas to the OpenAPI document.
  static void describe_api(nlohmann::json& paths, nlohmann::json& schemas);

  UserService& users() { return users_; }
  const AccessOptions& options() const { return options_; }

 private:
  db::Database& db_;
  AccessOptions options_;
  UserService users_;
  Throttle throttle_;
  LoginService login_;
};

// The cookie that ends a session in the browser.
std::string expired_session_cookie(bool secure);

}  // namespace jisr::access

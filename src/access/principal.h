// src/access/principal.h — who is making a request, once authenticated.
#pragma once

#include <optional>
#include <string>

#include "access/permissions.h"
#include "access/scope.h"
#include "audit/audit.h"
#include "platform/http/request.h"

namespace jisr::access {

struct Principal {
  std::string user_id;
  std::string username;
  std::string display_name;
  Role role = Role::kSocialWorker;
  Scope scope;
  std::optional<std::string> organization_id;
  std::string preferred_language = "fr";
  // How the request authenticated: a browser session (CSRF applies) or an API token.
  enum class Via { kSession, kToken } via = Via::kSession;
  std::string csrf_token;  // the session's, when via == kSession
  std::string token_id;    // the token's, when via == kToken

  bool can(Action a) const { return allowed(role, a); }
};

// The request's principal, or null when anonymous.
const Principal* principal_of(const http::Request& request);

// The principal, or throws Unauthorized (pages turn it into a redirect to the login page).
const Principal& require_login(const http::Request& request);

// The principal if it may do `action`; throws Unauthorized when anonymous and Forbidden
// when the role does not allow it.
const Principal& require(const http::Request& request, Action action);

// Who to write in the audit log for this request.
audit::Actor actor_of(const http::Request& request);

}  // namespace jisr::access

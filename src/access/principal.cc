// src/access/principal.cc
#include "access/principal.h"

#include "platform/error.h"

namespace jisr::access {

const Principal* principal_of(const http::Request& request) {
  return std::any_cast<Principal>(&request.auth);
}

const Principal& require_login(const http::Request& request) {
  const Principal* p = principal_of(request);
  if (!p) throw Unauthorized();
  return *p;
}

const Principal& require(const http::Request& request, Action action) {
  const Principal& p = require_login(request);
  if (!p.can(action)) throw Forbidden();
  return p;
}

audit::Actor actor_of(const http::Request& request) {
  audit::Actor a;
  if (const Principal* p = principal_of(request)) {
    a.user_id = p->user_id;
    a.username = p->username;
  }
  a.ip = request.remote_address;
  a.request_id = request.request_id;
  return a;
}

}  // namespace jisr::access

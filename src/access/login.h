// src/access/login.h
//
// Checking a username and password: throttling, constant-shape failures (unknown user,
// wrong password, disabled user and an account whose password was never set look the same,
// and take the same time), rehashing when the hashing parameters changed, and the audit
// entry.
#pragma once

#include <string>

#include "access/sessions.h"
#include "access/throttle.h"
#include "access/users.h"
#include "audit/audit.h"

namespace jisr::access {

class LoginService {
 public:
  LoginService(db::Database& db, UserService& users, Throttle& throttle)
      : db_(db), users_(users), throttle_(throttle) {}

  // Returns the user when the credentials are right. Throws RateLimited (429) or
  // Unauthorized("auth.login_failed") — the same for every kind of failure.
  User check_credentials(const std::string& username, const std::string& password,
                         const audit::Actor& actor);

 private:
  db::Database& db_;
  UserService& users_;
  Throttle& throttle_;
};

}  // namespace jisr::access

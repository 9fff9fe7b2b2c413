// src/access/sessions.h
//
// Browser sessions and API tokens, both stored in the database (several servers share
// them) and both only as hashes of the secret the client holds.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "access/principal.h"
#include "platform/db/database.h"

namespace jisr::access {

struct SessionPolicy {
  std::chrono::minutes idle{30};         // no request for this long: the session ends
  std::chrono::hours absolute{12};       // however active, a session ends after this
  std::chrono::seconds touch_every{60};  // last_seen_at is written at most this often
};

struct NewSession {
  std::string secret;  // goes into the cookie; never stored
  std::string csrf_token;
};

// Creates a session for `user_id` inside the caller's transaction.
NewSession create_session(db::Connection& conn, const std::string& user_id, const std::string& ip,
                          const std::string& user_agent, const SessionPolicy& policy);

// The principal of a valid session, or empty (unknown, expired, idle too long, user
// disabled). Updates last_seen_at when due.
std::optional<Principal> authenticate_session(db::Database& db, const std::string& secret,
                                              const SessionPolicy& policy);

void delete_session(db::Database& db, const std::string& secret);

struct NewToken {
  std::string id;
  std::string secret;      // "jisr_..." shown once to the client
  std::string expires_at;  // RFC 3339
};

inline constexpr int kDefaultTokenDays = 30;
inline constexpr int kMaxTokenDays = 365;

// Creates an API token valid `days` days inside the caller's transaction.
NewToken create_token(db::Connection& conn, const std::string& user_id, int days,
                      const std::string& name);

// The principal of a valid token (not expired, not revoked, user active), or empty.
std::optional<Principal> authenticate_token(db::Database& db, const std::string& secret);

// Revokes a token; returns false when it does not exist or was revoked already.
bool revoke_token(db::Connection& conn, const std::string& token_id);

}  // namespace jisr::access

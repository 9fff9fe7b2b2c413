// src/access/sessions.cc
#include "access/sessions.h"

#include "platform/util/crypto.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::access {
namespace {

constexpr const char* kPrincipalColumns =
    "u.id, u.username, u.display_name, u.role, u.scope_level, u.scope_code, "
    "u.organization_id, u.preferred_language";

Principal principal_from(const std::vector<db::Value>& r) {
  Principal p;
  p.user_id = db::text_or(r[0], "");
  p.username = db::text_or(r[1], "");
  p.display_name = db::text_or(r[2], "");
  p.role = parse_role(db::text_or(r[3], "")).value_or(Role::kSocialWorker);
  p.scope.level = parse_scope_level(db::text_or(r[4], "")).value_or(ScopeLevel::kNational);
  p.scope.code = db::text_or(r[5], "");
  p.organization_id = db::as_text(r[6]);
  p.preferred_language = db::text_or(r[7], "fr");
  return p;
}

}  // namespace

NewSession create_session(db::Connection& conn, const std::string& user_id, const std::string& ip,
                          const std::string& user_agent, const SessionPolicy& policy) {
  NewSession s{crypto::random_token(32), crypto::random_token(32)};
  const auto now = timeutil::Clock::now();
  conn.query(
      "INSERT INTO sessions(id_hash, user_id, csrf_token, created_at, last_seen_at, "
      "expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
      {db::Value(crypto::hash_hex(s.secret)), db::Value(user_id), db::Value(s.csrf_token),
       db::Value(timeutil::format_utc(now)), db::Value(timeutil::format_utc(now + policy.absolute)),
       db::Value(ip), db::Value(user_agent.substr(0, 300))});
  return s;
}

std::optional<Principal> authenticate_session(db::Database& db, const std::string& secret,
                                              const SessionPolicy& policy) {
  if (secret.empty() || secret.size() > 128) return std::nullopt;
  const std::string id_hash = crypto::hash_hex(secret);
  auto lease = db.acquire();
  auto rows =
      lease->query(std::string("SELECT ") + kPrincipalColumns +
                       ", s.csrf_token, s.last_seen_at, s.expires_at FROM sessions s "
                       "JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND u.active = 1",
                   {db::Value(id_hash)});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  const auto now = timeutil::Clock::now();
  const auto last_seen = timeutil::parse_utc(db::text_or(r[9], ""));
  const auto expires = timeutil::parse_utc(db::text_or(r[10], ""));
  if (!last_seen || !expires || now >= *expires || now - *last_seen >= policy.idle) {
    lease->query("DELETE FROM sessions WHERE id_hash = $1", {db::Value(id_hash)});
    return std::nullopt;
  }
  if (now - *last_seen >= policy.touch_every) {
    lease->query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2",
                 {db::Value(timeutil::format_utc(now)), db::Value(id_hash)});
  }
  Principal p = principal_from(r);
  p.via = Principal::Via::kSession;
  p.csrf_token = db::text_or(r[8], "");
  return p;
}

void delete_session(db::Database& db, const std::string& secret) {
  auto lease = db.acquire();
  lease->query("DELETE FROM sessions WHERE id_hash = $1", {db::Value(crypto::hash_hex(secret))});
}

NewToken create_token(db::Connection& conn, const std::string& user_id, int days,
                      const std::string& name) {
  NewToken t;
  t.id = ids::new_id();
  t.secret = "jisr_" + crypto::random_token(32);
  const auto now = timeutil::Clock::now();
  t.expires_at = timeutil::format_utc(now + std::chrono::hours(24) * days);
  conn.query(
      "INSERT INTO api_tokens(id, token_hash, user_id, name, created_at, expires_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {db::Value(t.id), db::Value(crypto::hash_hex(t.secret)), db::Value(user_id), db::Value(name),
       db::Value(timeutil::format_utc(now)), db::Value(t.expires_at)});
  return t;
}

std::optional<Principal> authenticate_token(db::Database& db, const std::string& secret) {
  if (secret.rfind("jisr_", 0) != 0 || secret.size() > 128) return std::nullopt;
  auto lease = db.acquire();
  auto rows = lease->query(std::string("SELECT ") + kPrincipalColumns +
                               ", t.id, t.expires_at FROM api_tokens t JOIN users u ON "
                               "u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS "
                               "NULL AND u.active = 1",
                           {db::Value(crypto::hash_hex(secret))});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  const auto expires = timeutil::parse_utc(db::text_or(r[9], ""));
  if (!expires || timeutil::Clock::now() >= *expires) return std::nullopt;
  Principal p = principal_from(r);
  p.via = Principal::Via::kToken;
  p.token_id = db::text_or(r[8], "");
  return p;
}

bool revoke_token(db::Connection& conn, const std::string& token_id) {
  auto r = conn.query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                      {db::Value(timeutil::now_utc()), db::Value(token_id)});
  return r.affected_rows == 1;
}

}  // namespace jisr::access

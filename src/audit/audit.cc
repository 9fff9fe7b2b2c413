// src/audit/audit.cc
#include "audit/audit.h"

#include <nlohmann/json.hpp>

#include "platform/util/crypto.h"
#include "platform/util/time.h"

namespace jisr::audit {
namespace {

std::optional<std::string> json_or_null(const nlohmann::json& j) {
  if (j.is_null() || (j.is_object() && j.empty())) return std::nullopt;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Length-prefixed fields: no separator can be forged by a value containing it.
void put(std::string& out, const std::optional<std::string>& v) {
  if (!v) {
    out += "-;";
    return;
  }
  out += std::to_string(v->size());
  out += ':';
  out += *v;
  out += ';';
}

constexpr const char* kColumns =
    "seq, at, user_id, username, action, record_type, record_id, ip, request_id, before, "
    "after, prev_hash, hash, region_code, province_code, organization_id";

Entry from_row(const std::vector<db::Value>& r) {
  Entry e;
  e.seq = db::as_int(r[0]).value_or(0);
  e.at = db::text_or(r[1], "");
  e.user_id = db::as_text(r[2]);
  e.username = db::as_text(r[3]);
  e.action = db::text_or(r[4], "");
  e.record_type = db::text_or(r[5], "");
  e.record_id = db::as_text(r[6]);
  e.ip = db::text_or(r[7], "");
  e.request_id = db::text_or(r[8], "");
  e.before = db::as_text(r[9]);
  e.after = db::as_text(r[10]);
  e.prev_hash = db::text_or(r[11], "");
  e.hash = db::text_or(r[12], "");
  e.place.region_code = db::as_text(r[13]);
  e.place.province_code = db::as_text(r[14]);
  e.place.organization_id = db::as_text(r[15]);
  return e;
}

}  // namespace

std::string compute_hash(const Entry& e) {
  std::string canonical = "jisr-audit-v1;";
  put(canonical, std::to_string(e.seq));
  put(canonical, e.at);
  put(canonical, e.user_id);
  put(canonical, e.username);
  put(canonical, e.action);
  put(canonical, e.record_type);
  put(canonical, e.record_id);
  put(canonical, e.ip);
  put(canonical, e.request_id);
  put(canonical, e.before);
  put(canonical, e.after);
  put(canonical, e.place.region_code);
  put(canonical, e.place.province_code);
  put(canonical, e.place.organization_id);
  put(canonical, e.prev_hash);
  return crypto::hash_hex(canonical);
}

void append(db::Connection& conn, const Actor& actor, const std::string& action,
            const std::string& record_type, const std::optional<std::string>& record_id,
            const nlohmann::json& before, const nlohmann::json& after, const Place& place) {
  // Bumping the head first takes its row lock on PostgreSQL (SQLite holds the database
  // write lock already): appends are serialised and the chain cannot fork.
  conn.query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1");
  auto head = conn.query("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (head.empty()) throw db::DbError("audit_head row is missing");
  Entry e;
  e.seq = *db::as_int(head.rows[0][0]);
  e.prev_hash = db::text_or(head.rows[0][1], "");
  e.at = timeutil::real_now_utc();  // when it was written, even in a replay
  e.user_id = actor.user_id;
  e.username = actor.username;
  e.action = action;
  e.record_type = record_type;
  e.record_id = record_id;
  e.ip = actor.ip;
  e.request_id = actor.request_id;
  e.before = json_or_null(before);
  e.after = json_or_null(after);
  e.place = place;
  e.hash = compute_hash(e);
  conn.query(std::string("INSERT INTO audit_log(") + kColumns +
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
             {db::Value(e.seq), db::Value(e.at), db::optional_text(e.user_id),
              db::optional_text(e.username), db::Value(e.action), db::Value(e.record_type),
              db::optional_text(e.record_id), db::Value(e.ip), db::Value(e.request_id),
              db::optional_text(e.before), db::optional_text(e.after), db::Value(e.prev_hash),
              db::Value(e.hash), db::optional_text(place.region_code),
              db::optional_text(place.province_code), db::optional_text(place.organization_id)});
  conn.query("UPDATE audit_head SET hash = $1 WHERE id = 1", {db::Value(e.hash)});
}

void record(db::Database& db, const Actor& actor, const std::string& action,
            const std::string& record_type, const std::optional<std::string>& record_id,
            const nlohmann::json& details, const Place& place) {
  db::Transaction tx(db, db::TxMode::kWrite);
  append(tx.conn(), actor, action, record_type, record_id, nullptr, details, place);
  tx.commit();
}

std::pair<nlohmann::json, nlohmann::json> diff(const nlohmann::json& before,
                                               const nlohmann::json& after) {
  nlohmann::json b = nlohmann::json::object(), a = nlohmann::json::object();
  for (auto it = after.begin(); it != after.end(); ++it) {
    const auto old = before.find(it.key());
    if (old == before.end() || *old != *it) {
      b[it.key()] = old == before.end() ? nlohmann::json() : *old;
      a[it.key()] = *it;
    }
  }
  return {b, a};
}

std::vector<Entry> list(db::Connection& conn, const Filter& f,
                        std::optional<std::int64_t> before_seq, int limit,
                        const ScopeCondition& scope) {
  std::string to_bound;
  if (f.to) to_bound = *f.to + (f.to->size() == 10 ? "T99" : "");  // whole last day
  const std::string sql = std::string("SELECT ") + kColumns +
                          " FROM audit_log"
                          " WHERE (CAST($1 AS TEXT) IS NULL OR user_id = $1 OR username = $1)"
                          " AND (CAST($2 AS TEXT) IS NULL OR record_type = $2)"
                          " AND (CAST($3 AS TEXT) IS NULL OR record_id = $3)"
                          " AND (CAST($4 AS TEXT) IS NULL OR action = $4)"
                          " AND (CAST($5 AS TEXT) IS NULL OR at >= $5)"
                          " AND (CAST($6 AS TEXT) IS NULL OR at <= $6)"
                          " AND (CAST($7 AS BIGINT) IS NULL OR seq < $7)"
                          " AND (CAST($8 AS TEXT) IS NULL OR action <> $8)";
  std::vector<db::Value> params = {db::optional_text(f.user),
                                   db::optional_text(f.record_type),
                                   db::optional_text(f.record_id),
                                   db::optional_text(f.action),
                                   db::optional_text(f.from),
                                   f.to ? db::Value(to_bound) : db::null(),
                                   before_seq ? db::Value(*before_seq) : db::null(),
                                   db::optional_text(f.exclude_action)};
  std::string where = sql;
  if (scope) where += " AND " + scope(params);
  params.emplace_back(static_cast<std::int64_t>(limit));
  where += " ORDER BY seq DESC LIMIT $" + std::to_string(params.size());
  auto rows = conn.query(where, params);
  std::vector<Entry> out;
  for (const auto& r : rows.rows) out.push_back(from_row(r));
  return out;
}

VerifyResult verify(db::Database& db) {
  VerifyResult result;
  auto lease = db.acquire();
  // One snapshot for the entries and the head, so appends running meanwhile are not
  // mistaken for a broken chain.
  lease->exec_script(db.dialect() == db::Dialect::kPostgres
                         ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                         : "BEGIN");
  struct EndRead {
    db::Lease& lease;
    ~EndRead() {
      try {
        lease->exec_script("COMMIT");
      } catch (...) {
        lease.discard();
      }
    }
  } end_read{lease};
  std::string prev_hash = "genesis";
  std::int64_t expected_seq = 1;
  lease->for_each(std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY seq", {},
                  [&](const std::vector<db::Value>& row) {
                    if (!result.ok) return;
                    const Entry e = from_row(row);
                    auto fail = [&](std::int64_t seq, std::string reason) {
                      result.ok = false;
                      result.broken_seq = seq;
                      result.reason = std::move(reason);
                    };
                    if (e.seq != expected_seq) {
                      fail(expected_seq,
                           "entry is missing (next entry is " + std::to_string(e.seq) + ")");
                    } else if (e.prev_hash != prev_hash) {
                      fail(e.seq, "link to the previous entry does not match");
                    } else if (compute_hash(e) != e.hash) {
                      fail(e.seq, "content does not match its hash (entry was modified)");
                    }
                    prev_hash = e.hash;
                    ++expected_seq;
                    ++result.entries;
                  });
  if (!result.ok) return result;
  auto head = lease->query("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (head.empty()) {
    result.ok = false;
    result.reason = "chain head is missing";
    return result;
  }
  const auto head_seq = db::as_int(head.rows[0][0]).value_or(-1);
  if (head_seq != result.entries || db::text_or(head.rows[0][1], "") != prev_hash) {
    result.ok = false;
    result.broken_seq = result.entries + 1;
    result.reason = "the last " + std::to_string(head_seq - result.entries) +
                    " entries are missing (head is at " + std::to_string(head_seq) + ")";
  }
  return result;
}

}  // namespace jisr::audit

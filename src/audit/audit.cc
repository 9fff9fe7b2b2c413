// src/audit/audit.cc
#include "audit/audit.h"

#include <exception>
#include <memory>

#include <nlohmann/json.hpp>

#include "audit/committer.h"
#include "audit/journal.h"
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

namespace {

// The chain head kept in memory during a db::Batch (a bulk load): each append then costs one
// INSERT instead of four statements. It is written back to audit_head just before every
// outer commit of the batch, so the committed head always matches the last committed entry.
// It is read again (and, on PostgreSQL, its row locked until the commit) after every outer
// commit and after any rollback inside the batch, from the last entry of the log itself.
struct BatchHead {
  std::uint64_t batch_id = 0;
  std::int64_t commits = -1;
  std::int64_t rollbacks = -1;
  std::int64_t seq = 0;
  std::string hash;
};
thread_local BatchHead t_head;

bool head_current(const db::Batch& batch) {
  return t_head.batch_id == batch.id() && t_head.commits == batch.commits() &&
         t_head.rollbacks == batch.rollbacks();
}

void load_head(db::Connection& conn, const db::Batch& batch) {
  // Takes the head's row lock first, as an ordinary append does (PostgreSQL; SQLite holds
  // the write lock already).
  conn.query("UPDATE audit_head SET seq = seq WHERE id = 1");
  auto last = conn.query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
  if (last.empty()) last = conn.query("SELECT seq, hash FROM audit_head WHERE id = 1");
  if (last.empty()) throw db::DbError("audit_head row is missing");
  t_head.batch_id = batch.id();
  t_head.commits = batch.commits();
  t_head.rollbacks = batch.rollbacks();
  t_head.seq = *db::as_int(last.rows[0][0]);
  t_head.hash = db::text_or(last.rows[0][1], "");
}

}  // namespace

void append(db::Connection& conn, const Actor& actor, const std::string& action,
            const std::string& record_type, const std::optional<std::string>& record_id,
            const nlohmann::json& before, const nlohmann::json& after, const Place& place) {
  Entry e;
  db::Batch* batch = db::Batch::of(conn);
  if (batch) {
    if (!head_current(*batch)) {
      load_head(conn, *batch);
      batch->before_commit(&t_head, [batch](db::Connection& c) {
        if (t_head.batch_id != batch->id() || t_head.commits != batch->commits()) return;
        if (t_head.rollbacks != batch->rollbacks()) load_head(c, *batch);
        c.query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
                {db::Value(t_head.seq), db::Value(t_head.hash)});
      });
    }
    e.seq = t_head.seq + 1;
    e.prev_hash = t_head.hash;
  } else {
    // Bumping the head first takes its row lock on PostgreSQL (SQLite holds the database
    // write lock already): appends are serialised and the chain cannot fork.
    conn.query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1");
    auto head = conn.query("SELECT seq, hash FROM audit_head WHERE id = 1");
    if (head.empty()) throw db::DbError("audit_head row is missing");
    e.seq = *db::as_int(head.rows[0][0]);
    e.prev_hash = db::text_or(head.rows[0][1], "");
  }
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
  static const std::string insert =
      std::string("INSERT INTO audit_log(") + kColumns +
      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
  conn.query(insert,
             {db::Value(e.seq), db::Value(e.at), db::optional_text(e.user_id),
              db::optional_text(e.username), db::Value(e.action), db::Value(e.record_type),
              db::optional_text(e.record_id), db::Value(e.ip), db::Value(e.request_id),
              db::optional_text(e.before), db::optional_text(e.after), db::Value(e.prev_hash),
              db::Value(e.hash), db::optional_text(place.region_code),
              db::optional_text(place.province_code), db::optional_text(place.organization_id)});
  if (batch) {
    t_head.seq = e.seq;
    t_head.hash = std::move(e.hash);
  } else {
    conn.query("UPDATE audit_head SET hash = $1 WHERE id = 1", {db::Value(e.hash)});
  }
}

void append_all(db::Connection& conn, const std::vector<const ReadEntry*>& entries) {
  if (entries.empty()) return;
  // As append(): bumping the head first takes its row lock on PostgreSQL (SQLite holds the
  // write lock already); the head is read and written once for the whole run of entries.
  const auto n = static_cast<std::int64_t>(entries.size());
  auto head = conn.query("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash",
                         {db::Value(n)});
  if (head.empty()) throw db::DbError("audit_head row is missing");
  Entry e;
  e.seq = *db::as_int(head.rows[0][0]) - n;
  e.hash = db::text_or(head.rows[0][1], "");
  static const std::string insert =
      std::string("INSERT INTO audit_log(") + kColumns +
      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
  for (const ReadEntry* r : entries) {
    e.seq += 1;
    e.prev_hash = std::move(e.hash);
    e.at = r->at.empty() ? timeutil::real_now_utc() : r->at;
    e.user_id = r->actor.user_id;
    e.username = r->actor.username;
    e.action = r->action;
    e.record_type = r->record_type;
    e.record_id = r->record_id;
    e.ip = r->actor.ip;
    e.request_id = r->actor.request_id;
    e.before = std::nullopt;
    e.after = json_or_null(r->details);
    e.place = r->place;
    e.hash = compute_hash(e);
    conn.query(insert,
               {db::Value(e.seq), db::Value(e.at), db::optional_text(e.user_id),
                db::optional_text(e.username), db::Value(e.action), db::Value(e.record_type),
                db::optional_text(e.record_id), db::Value(e.ip), db::Value(e.request_id),
                db::null(), db::optional_text(e.after), db::Value(e.prev_hash), db::Value(e.hash),
                db::optional_text(e.place.region_code), db::optional_text(e.place.province_code),
                db::optional_text(e.place.organization_id)});
  }
  conn.query("UPDATE audit_head SET hash = $1 WHERE id = 1", {db::Value(e.hash)});
}

namespace {
thread_local Deferred* t_deferred = nullptr;
}  // namespace

Deferred::Deferred() : outer_(t_deferred) {
  t_deferred = this;
}

Deferred::~Deferred() {
  t_deferred = outer_;
  try {
    wait();
  } catch (...) {  // NOLINT(bugprone-empty-catch): the caller chose not to look
  }
}

void Deferred::wait() {
  std::exception_ptr first;
  for (const auto& ticket : pending_) {
    try {
      committer().wait(*ticket);
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  }
  pending_.clear();
  if (first) std::rethrow_exception(first);
}

void record(db::Database& db, const Actor& actor, const std::string& action,
            const std::string& record_type, const std::optional<std::string>& record_id,
            const nlohmann::json& details, const Place& place) {
  if (db::Batch::active(db)) {
    // A bulk load holds the write lock on its own connection: the committer could not write
    // until the batch commits, so the entry goes into the batch like any other write.
    db::Transaction tx(db, db::TxMode::kWrite);
    append(tx.conn(), actor, action, record_type, record_id, nullptr, details, place);
    tx.commit();
    return;
  }
  auto ticket = committer().submit(
      db, {actor, action, record_type, record_id, details, place, timeutil::real_now_utc()});
  if (t_deferred) {
    t_deferred->pending_.push_back(std::move(ticket));
    return;
  }
  committer().wait(*ticket);
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
  // Only the filters given become conditions: "(CAST($n AS TEXT) IS NULL OR col = $n)" hides
  // the indexes from the planner, and a file's history would scan the whole log (which grows
  // with every read of a file) from the newest entry back.
  std::vector<db::Value> params;
  // A record's changes (views excluded) come from the partial index audit_log_changes. Named
  // on SQLite: without statistics its planner ties it with audit_log_record (same columns)
  // and took whichever the schema lists first — after an index rebuild, audit_log_record,
  // which walks every view of the file (150 views of one file at 1M people: 42% of the
  // person page's CPU).
  const bool changes_of_record = f.record_type && f.record_id && !f.user && !f.action &&
                                 f.exclude_action && *f.exclude_action == "view";
  std::string where =
      std::string("SELECT ") + kColumns + " FROM audit_log" +
      (changes_of_record && conn.dialect() == db::Dialect::kSqlite ? " INDEXED BY audit_log_changes"
                                                                   : "") +
      " WHERE 1 = 1";
  auto add = [&](const char* condition, db::Value v) {
    params.push_back(std::move(v));
    const std::string n = "$" + std::to_string(params.size());
    std::string c = condition;
    for (auto at = c.find('?'); at != std::string::npos; at = c.find('?', at + n.size())) {
      c.replace(at, 1, n);
    }
    where += " AND " + c;
  };
  if (f.user) add("(user_id = ? OR username = ?)", *f.user);
  if (f.record_type) add("record_type = ?", *f.record_type);
  if (f.record_id) add("record_id = ?", *f.record_id);
  if (f.action) add("action = ?", *f.action);
  if (f.from) add("at >= ?", *f.from);
  if (f.to) add("at <= ?", *f.to + (f.to->size() == 10 ? "T99" : ""));  // whole last day
  if (before_seq) add("seq < ?", *before_seq);
  if (f.exclude_action && *f.exclude_action == "view") {
    // Written out, so that the planner takes the partial index audit_log_changes: with a
    // bound value, SQLite would prepare the statement again at every execution.
    where += " AND action <> 'view'";
  } else if (f.exclude_action) {
    add("action <> ?", *f.exclude_action);
  }
  if (scope) where += " AND " + scope(params);
  params.emplace_back(static_cast<std::int64_t>(limit));
  where += " ORDER BY seq DESC LIMIT $" + std::to_string(params.size());
  auto rows = conn.query(where, params);
  std::vector<Entry> out;
  for (const auto& r : rows.rows) out.push_back(from_row(r));
  return out;
}

std::vector<Entry> list(db::Database& db, const Filter& filter,
                        std::optional<std::int64_t> before_seq, int limit,
                        const ScopeCondition& scope) {
  flush(db);
  auto lease = db.acquire();
  return list(*lease, filter, before_seq, limit, scope);
}

VerifyResult verify(db::Database& db) {
  flush(db);  // the journal's entries are part of the log
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

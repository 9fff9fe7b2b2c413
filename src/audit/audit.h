// src/audit/audit.h
//
// The audit and access log. Every create, update and delete is appended in the same
// transaction as the change (so a rolled-back change leaves no entry and a committed one
// always has its entry); every view of a person's file and every export is appended too.
// Entries are hash-chained: entry N stores hash(entry N-1) and its own hash over its content,
// so editing, deleting or reordering an entry is detected by verify().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "platform/db/database.h"

namespace jisr::audit {

// Who did it, from where.
struct Actor {
  std::optional<std::string> user_id;
  std::optional<std::string> username;
  std::string ip;
  std::string request_id;
};

// Where the audited record sits (empty for records with no territory).
struct Place {
  std::optional<std::string> region_code;
  std::optional<std::string> province_code;
  std::optional<std::string> organization_id;
};

struct Entry {
  std::int64_t seq = 0;
  std::string at;
  std::optional<std::string> user_id;
  std::optional<std::string> username;
  std::string action;       // create, update, delete, view, export, login, login_failed, ...
  std::string record_type;  // user, organization, person, ...
  std::optional<std::string> record_id;
  std::string ip;
  std::string request_id;
  std::optional<std::string> before;  // JSON text of the changed fields before
  std::optional<std::string> after;   // JSON text of the changed fields after
  Place place;
  std::string prev_hash;
  std::string hash;
};

// Appends an entry inside the caller's open write transaction on `conn`. `before`/`after`
// are JSON objects (or null). Call it last in the transaction: on PostgreSQL it locks the
// chain head until commit.
void append(db::Connection& conn, const Actor& actor, const std::string& action,
            const std::string& record_type, const std::optional<std::string>& record_id,
            const nlohmann::json& before, const nlohmann::json& after, const Place& place = {});

// Appends an entry for a read or an export (which have no write transaction of their own),
// through a group commit (audit/committer.h) with the other entries queued meanwhile.
// Returns once the entry is durable; while an audit::Deferred is alive on this thread,
// returns at once and the Deferred's wait() is where the caller waits. Inside a db::Batch
// on this thread, appends in the batch instead. The entry's `at` is the time of this call.
// On an SQLite file database with a journal (audit/journal.h), "durable" means in the
// journal file, fsynced: the entry reaches audit_log (and gets its seq) at the journal's
// next ingestion, within about a second, or at once when a reader of the whole log calls
// flush() (list(Database&), verify()). So seq order is ingestion order, and `at` is not
// monotonic in seq (a write's entry may precede by seq a view recorded before it).
void record(db::Database& db, const Actor& actor, const std::string& action,
            const std::string& record_type, const std::optional<std::string>& record_id,
            const nlohmann::json& details, const Place& place = {});

struct ReadTicket;  // audit/committer.h

// Defers the waits of record() on this thread (RAII; one per HTTP request, in WebApp): the
// request goes on rendering its page while its access-log entries wait in the queue (often
// committed meanwhile by another request), and waits for them once, before the response
// leaves. Nested scopes each wait for their own entries.
class Deferred {
 public:
  Deferred();
  // Waits for the entries not waited for yet; their errors are dropped (call wait()).
  ~Deferred();
  Deferred(const Deferred&) = delete;
  Deferred& operator=(const Deferred&) = delete;
  // Returns once every entry recorded in this scope so far is durable; throws the first
  // error of those that could not be written. Cheap when there is nothing to wait for.
  void wait();

 private:
  friend void record(db::Database&, const Actor&, const std::string&, const std::string&,
                     const std::optional<std::string>&, const nlohmann::json&, const Place&);
  std::vector<std::shared_ptr<ReadTicket>> pending_;
  Deferred* outer_ = nullptr;
};

// The fields of `after` whose values differ from `before`, as {before: {...}, after: {...}}
// with only those fields. Fields listed in `redacted` are never copied (password hashes).
std::pair<nlohmann::json, nlohmann::json> diff(const nlohmann::json& before,
                                               const nlohmann::json& after);

struct Filter {
  std::optional<std::string> user;  // user id or username
  std::optional<std::string> record_type;
  std::optional<std::string> record_id;
  std::optional<std::string> action;
  std::optional<std::string> exclude_action;  // e.g. "view": a file's history of changes
  std::optional<std::string> from;            // inclusive, "YYYY-MM-DD" or a timestamp
  std::optional<std::string> to;              // inclusive day, "YYYY-MM-DD"
};

// Newest first, before sequence number `before_seq` when given, at most `limit`.
// `scope` restricts rows: given the parameters so far, it appends its own and returns a
// condition over the columns region_code, province_code and organization_id (the shape of
// access::scope_condition). Null means every entry.
using ScopeCondition = std::function<std::string(std::vector<db::Value>& params)>;
// Reads through `conn` only: entries still in the access journal (views, exports) are not
// seen. Fine for a record's history of changes (exclude_action "view"); auditors' readers
// use the overload below.
std::vector<Entry> list(db::Connection& conn, const Filter& filter,
                        std::optional<std::int64_t> before_seq, int limit,
                        const ScopeCondition& scope = nullptr);
// The same after flush(db) (audit/journal.h): every entry whose record() returned is seen.
std::vector<Entry> list(db::Database& db, const Filter& filter,
                        std::optional<std::int64_t> before_seq, int limit,
                        const ScopeCondition& scope = nullptr);

struct VerifyResult {
  bool ok = true;
  std::int64_t entries = 0;
  std::int64_t broken_seq = 0;  // the first entry found broken
  std::string reason;
};

// Ingests the access journal first (flush), then walks the whole chain in order and checks
// every link and every hash, and that the head matches the last entry (a truncated tail is
// detected). Streams: constant memory.
VerifyResult verify(db::Database& db);

// The hash of an entry given its content and the previous hash. Exposed for tests.
std::string compute_hash(const Entry& e);

}  // namespace jisr::audit

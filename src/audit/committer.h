// src/audit/committer.h
//
// The writer of the access log of reads (audit::record): a group commit. Callers queue
// their entries (submit) and wait for them later (wait); the first waiting caller whose
// entry is not written yet, when no write is running, becomes the leader: it appends every
// entry queued so far (its own and those of callers still busy rendering their pages) in
// one write transaction (one commit, one fsync, the chain head read and written once) and
// wakes their callers, while entries queued meanwhile wait for the next leader. No thread of
// its own: a commit is always done by a caller that needs it.
//
// Durability: wait() returns only once the entry is durable, or throws the error that
// prevented it. For a database with a journal (audit/journal.h: SQLite kept in a file, once
// open_journal() was called) the leader appends the batch to the journal file and
// fdatasyncs it (one write, one fsync, no database transaction: the entries reach audit_log
// at the journal's next ingestion, where they get their seq). Otherwise (PostgreSQL,
// in-memory SQLite) it commits them in one write transaction (synchronous=FULL on SQLite);
// when a transaction of several entries fails, each entry is tried again alone, so one bad
// entry fails only its own caller.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "platform/db/database.h"

namespace jisr::audit {

// One entry of record(), owned by the queue until written.
struct ReadEntry {
  Actor actor;
  std::string action;
  std::string record_type;
  std::optional<std::string> record_id;
  nlohmann::json details;
  Place place;
  // When it was recorded (timeutil::real_now_utc(), set by record()): the entry's `at`, even
  // when it reaches audit_log later (the journal). Empty: the time it is written.
  std::string at;
};

// Appends `entries` in order inside the caller's open write transaction on `conn` (not in a
// db::Batch): the chain head is read and written once for all of them. Each entry's `at` is
// its ReadEntry::at (the time now when empty). Implemented in audit.cc.
void append_all(db::Connection& conn, const std::vector<const ReadEntry*>& entries);

// A queued entry; Committer::wait() on it. `done` and `error` are guarded by the
// committer's mutex.
struct ReadTicket {
  db::Database* db = nullptr;
  ReadEntry entry;
  bool done = false;
  std::exception_ptr error;
};

class Committer {
 public:
  using Ticket = ReadTicket;

  Committer();
  // stop().
  ~Committer();
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Queues `entry` for `db` and returns at once; the caller must wait() on the ticket (its
  // entry may wait for that), and `db` must outlive it. After stop(), the entry is written
  // before submit returns.
  std::shared_ptr<Ticket> submit(db::Database& db, ReadEntry entry);
  // Blocks until the ticket's entry is committed; rethrows the error that prevented it.
  void wait(Ticket& ticket);
  // Writes every entry queued so far; later entries are written by submit() itself.
  void stop();
  // Writes done so far: write transactions committed, or journal appends (tests).
  std::uint64_t commits() const;

 private:
  // Writes the queue as the leader; `lock` is held on entry and on return.
  void lead(std::unique_lock<std::mutex>& lock);
  // Writes `batch` (entries of one database) and marks each done.
  void write(db::Database& db, const std::vector<std::shared_ptr<Ticket>>& batch);

  mutable std::mutex mu_;
  std::condition_variable done_cv_;  // a leader is done
  std::vector<std::shared_ptr<Ticket>> queue_;
  bool writing_ = false;  // a leader is writing
  bool stopped_ = false;
  std::uint64_t commits_ = 0;
};

// The process's committer, used by record().
Committer& committer();

}  // namespace jisr::audit

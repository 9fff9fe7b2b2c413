// src/audit/journal.h
//
// The access log's journal (SQLite databases kept in a file). Committing the access log of
// reads to the database several hundred times a second changes the WAL at every commit, and
// SQLite then empties the page cache of every other pooled connection at its next read. So
// the committer (audit/committer.h) appends each batch of view entries to a journal file
// next to the database instead (`<db file>-access-journal.<generation>.<id>`) and fdatasyncs
// it before waking the callers: an entry is as durable as before when its page is served.
// An ingester moves the journal's entries into audit_log through append_all (same chain,
// same hashes), in one write transaction per run, about once a second or as soon as
// JournalOptions::wake_at entries wait, on a thread of its own (so that no request pays
// for it). An entry gets its seq at ingestion; its `at` is the time it was recorded.
//
// Exactly once: each journal file has a random id in its header, and the table
// audit_journal holds the byte offset ingested so far of each id, updated in the same
// transaction as the entries it moved. A file is written by one Journal only (it holds an
// exclusive flock on it) and deleted by it once wholly ingested and rotated out (when it
// passes JournalOptions::rotate_bytes, and at stop): the file is unlinked first, its row
// deleted after, so a crash in between leaves a row without a file, never a file ingested
// twice.
//
// Record format: u32 little-endian payload length, 16-byte BLAKE2b of the payload, payload
// (a JSON object with the entry's fields). The header is "JISRAJ1\n", the id (32 hex
// digits) and "\n".
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "audit/committer.h"
#include "platform/db/database.h"

namespace jisr::audit {

// A journal whose content cannot be trusted: a record in the middle of a file whose
// checksum does not match (tampering or disk corruption), a bad header. Start-up stops on it.
class JournalCorrupt : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JournalOptions {
  std::chrono::milliseconds interval{1000};  // an ingestion run at most this often...
  std::size_t wake_at = 2000;                // ...or as soon as this many entries wait
  std::uint64_t rotate_bytes = 4 << 20;      // a file this large is replaced by a new one
  bool ingester_thread = true;               // false: only flush() and stop() ingest (tests)
};

// The journal file format, exposed for tests (files written by hand, corrupted on purpose).
namespace journal_format {
constexpr std::size_t kHeaderSize = 41;
// The header of a file with this id (32 hex digits).
std::string header(const std::string& id);
// One record holding `entry` (with its `at`).
std::string encode(const ReadEntry& entry);
struct Scan {
  std::string id;                  // from the header
  std::vector<ReadEntry> entries;  // whole records from the offset asked for
  std::uint64_t end = 0;           // offset just past the last whole record read
  bool torn = false;               // bytes after `end` that are no whole record (dropped)
};
// Reads the file `path` from byte `from` (kHeaderSize for the first record) up to its end:
// the header's id and every whole record. A torn last record (a crash during an append)
// is left out and reported in `torn`; a bad checksum before the last record, or a bad
// header, throws JournalCorrupt.
Scan read_file(const std::string& path, std::uint64_t from);
}  // namespace journal_format

class Journal {
 public:
  // The journal of `db` whose files are named `prefix`.<generation>.<id>. Ingests every
  // such file found first (a crash's leftovers), dropping torn last records, and deletes
  // those no other process holds; throws JournalCorrupt (or the database's error).
  Journal(db::Database& db, std::string prefix, JournalOptions options);
  // stop(); errors are logged.
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends `entries` to the current file (created if needed) and fdatasyncs it: on return
  // they are durable. Throws on an I/O error (then the file is set aside: the next append
  // starts a new one, and entries of the failed append may or may not be ingested).
  void append(const std::vector<const ReadEntry*>& entries);
  // Ingests every entry appended so far (returns once they are committed to audit_log).
  void flush();
  // Stops the ingester, ingests everything and deletes the files. Later appends start a
  // new file. Throws the ingestion's error.
  void stop();
  // Simulates a crash (tests): stops the ingester and closes the files, ingesting nothing.
  void abandon_for_testing();

  std::uint64_t ingest_transactions() const;
  // The file being appended to (empty when none).
  std::string current_path() const;

 private:
  struct File;
  void run_ingester();
  // Tells the ingester thread to end and waits for it (no ingestion of its own).
  void stop_ingester();
  // Ingests what is appended; `retire_current`: the current file too is set aside and
  // deleted once ingested.
  void ingest(bool retire_current);
  // Moves `file`'s records past the offset stored for it, up to `limit`, into audit_log;
  // returns the offset reached.
  std::uint64_t ingest_file(File& file, std::uint64_t limit, bool tail_may_be_torn);
  // Deletes a wholly ingested file, then its row.
  void remove_file(File& file);
  std::shared_ptr<File> create_file();
  void recover();

  db::Database& db_;
  std::string prefix_;
  JournalOptions options_;

  std::mutex ingest_mu_;  // one ingestion at a time; taken before write_mu_
  mutable std::mutex write_mu_;
  std::condition_variable wake_;
  std::shared_ptr<File> current_;               // guarded by write_mu_
  std::vector<std::shared_ptr<File>> retired_;  // guarded by write_mu_
  std::uint64_t next_generation_ = 1;           // guarded by write_mu_
  std::size_t pending_ = 0;                     // entries appended since the last run
  bool stopping_ = false;
  std::uint64_t transactions_ = 0;  // guarded by write_mu_
  std::thread ingester_;
};

// Opens the journal of `db` (an SQLite database kept in a file; nothing otherwise): ingests
// what a crash left (throws JournalCorrupt on a corrupt journal: start-up must stop) and
// from then on the committer appends the access log of reads to it. Idempotent. Call it
// before serving.
void open_journal(db::Database& db, JournalOptions options = {});
// The journal of `db`, or null.
std::shared_ptr<Journal> journal_of(const db::Database& db);
// Ingests the journal of `db`, if it has one: afterwards audit_log holds every entry whose
// record() returned. Readers of the whole log call it first.
void flush(db::Database& db);
// Deletes the journal files of the SQLite database file `sqlite_file`, for when the database
// itself is deleted and made again at the same path (`jisr demo`): the new database would
// otherwise ingest the old one's reads. Returns how many were deleted. Never while a Journal
// of that file is open.
std::size_t remove_journal_files(const std::string& sqlite_file);

}  // namespace jisr::audit

// src/platform/db/database.h
//
// The one database interface of Jisr. Two engines implement it: SQLite (embedded, the
// default) and PostgreSQL (production, several servers). Domain code writes one SQL text
// with `$1..$n` placeholders in the common subset of both dialects; where the dialects
// differ, it asks `dialect()` or ships a per-dialect migration.
//
// Parameters reach PostgreSQL untyped and it infers each type from the SQL around it; a
// parameter with no such context (`$1 IS NULL`) must be cast: `CAST($1 AS TEXT) IS NULL`.
//
// Usage:
//   auto db = db::open("sqlite:jisr.db", {});
//   db::Transaction tx(*db, db::TxMode::kWrite);
//   tx.conn().query("INSERT INTO t(a) VALUES ($1)", {db::Value("x")});
//   tx.commit();   // destructor rolls back when commit() was not reached
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jisr::db {

enum class Dialect { kSqlite, kPostgres };

// A parameter or a column value: NULL, integer, real or text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

inline Value null() {
  return Value{};
}
// Convenience for optional inputs: an empty optional binds NULL.
inline Value optional_text(const std::optional<std::string>& s) {
  return s ? Value(*s) : Value{};
}

// Failure of the database itself (bad SQL, constraint, I/O). Not user-facing: the HTTP
// layer answers 500 and logs it, except for the subclasses below.
class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// A UNIQUE or PRIMARY KEY constraint refused the write.
class UniqueViolation : public DbError {
 public:
  using DbError::DbError;
};
// The database cannot be reached or opened, or no connection was free in time.
class ConnectionError : public DbError {
 public:
  using DbError::DbError;
};
// The disk (or the database's size limit) is full. The statement failed and its
// transaction is rolled back, so nothing of it was written; what was committed before is
// intact. The HTTP layer answers 507 with a message telling the user nothing was saved.
class StorageFull : public DbError {
 public:
  using DbError::DbError;
};

// The rows a statement returned, fully materialised (result sets in Jisr are paginated and
// small; streaming exports use `Connection::for_each`).
class Result {
 public:
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  std::int64_t affected_rows = 0;

  bool empty() const { return rows.empty(); }
  std::size_t size() const { return rows.size(); }
  // Index of a column by name; throws DbError when absent (a programming error).
  std::size_t column(std::string_view name) const;
};

// Typed accessors; a NULL reads as the empty optional. A value of another type throws
// DbError (a schema/programming mismatch, not user input).
std::optional<std::string> as_text(const Value& v);
std::optional<std::int64_t> as_int(const Value& v);
std::optional<double> as_real(const Value& v);
std::string text_or(const Value& v, std::string fallback);
// The same, moving the text out of `v` instead of copying it (rows of for_each).
std::string text_or(Value&& v, std::string fallback);

// One open connection. Not thread-safe: a connection is used by one thread at a time,
// through a lease from the Database pool.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement with `$1..$n` parameters and returns its rows.
  virtual Result query(std::string_view sql, const std::vector<Value>& params) = 0;
  Result query(std::string_view sql, std::initializer_list<Value> params = {}) {
    return query(sql, std::vector<Value>(params));
  }
  // Runs one statement and calls `row_fn` for every row without materialising them all. The
  // row is the callback's to move from.
  virtual void for_each(std::string_view sql, const std::vector<Value>& params,
                        const std::function<void(std::vector<Value>&)>& row_fn) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual void exec_script(std::string_view sql) = 0;
  // Cheap liveness check; false when the connection is broken and should be replaced.
  virtual bool alive() = 0;
};

struct PoolOptions {
  int size = 8;                                     // connections kept at most
  std::chrono::milliseconds acquire_timeout{5000};  // wait for a free connection
  std::chrono::milliseconds busy_timeout{5000};     // SQLite: wait on a locked database
};

struct PoolStats {
  int size = 0;    // configured maximum
  int open = 0;    // connections currently open
  int in_use = 0;  // leased right now
  std::uint64_t acquired_total = 0;
  std::uint64_t waited_total = 0;    // acquisitions that had to wait
  std::uint64_t timeouts_total = 0;  // acquisitions that gave up
};

class Database;

// A connection borrowed from the pool; returned when destroyed.
class Lease {
 public:
  Lease(Database* owner, std::unique_ptr<Connection> conn)
      : owner_(owner), conn_(std::move(conn)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }
  // Marks the connection as broken: it is closed instead of going back to the pool.
  void discard() { broken_ = true; }

 private:
  Database* owner_;
  std::unique_ptr<Connection> conn_;
  bool broken_ = false;
};

// A pool of connections to one database. Thread-safe.
class Database {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;
  // `file_path`: the database's file, for an SQLite database kept in a file (empty otherwise).
  Database(Dialect dialect, std::string redacted_url, PoolOptions options, Factory factory,
           std::string file_path = {});
  // Destroys the attachments first (newest first), while the pool still works.
  virtual ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }
  // The URL with any password replaced by "***": safe to log and print.
  const std::string& redacted_url() const { return redacted_url_; }
  // Borrows a connection, opening one if needed. Throws ConnectionError on timeout or when
  // the database cannot be reached.
  Lease acquire();
  PoolStats stats() const;
  // The file of an SQLite database kept in a file; empty for ":memory:" and PostgreSQL.
  const std::string& sqlite_file() const { return file_path_; }

  // State a module keeps per database (keyed by the address of something of its own), owned
  // by the Database and destroyed at the start of its destructor, newest first, while
  // connections can still be leased. attach() stores `value` under `key` (replacing any
  // earlier one); attachment() returns it, or null. Thread-safe.
  void attach(const void* key, std::shared_ptr<void> value);
  std::shared_ptr<void> attachment(const void* key) const;

 private:
  friend class Lease;
  void release(std::unique_ptr<Connection> conn, bool broken);

  struct State;
  Dialect dialect_;
  std::string redacted_url_;
  PoolOptions options_;
  Factory factory_;
  std::shared_ptr<State> state_;
  std::string file_path_;
  mutable std::mutex attachments_mu_;
  std::vector<std::pair<const void*, std::shared_ptr<void>>> attachments_;
};

enum class TxMode {
  kRead,   // reads only; on SQLite a deferred transaction
  kWrite,  // will write; on SQLite takes the write lock at BEGIN to avoid upgrade deadlocks
};

class Batch;

// One transaction on a leased connection (RAII): rolled back unless commit() is called.
// Inside a Batch on the same database and thread, it is a SAVEPOINT of the batch's
// transaction instead: commit() releases it, destruction without commit() rolls back its
// own work only.
class Transaction {
 public:
  Transaction(Database& db, TxMode mode);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Connection& conn() { return *conn_; }
  Result query(std::string_view sql, std::initializer_list<Value> params = {}) {
    return conn_->query(sql, std::vector<Value>(params));
  }
  Result query(std::string_view sql, const std::vector<Value>& params) {
    return conn_->query(sql, params);
  }
  void commit();

 private:
  std::optional<Lease> lease_;  // empty inside a batch (the batch holds the connection)
  Connection* conn_ = nullptr;
  Batch* batch_ = nullptr;
  bool done_ = false;
};

// A bulk load (RAII), for loaders that make many service calls (demo data). While a Batch is
// alive, every Transaction on the same Database *on the creating thread* reuses the batch's
// one leased connection and one outer write transaction, and is a SAVEPOINT inside it: a
// failing call rolls back its own work only, exactly as without the batch. The outer
// transaction is committed after every `ops_per_commit` committed (outermost) inner
// transactions, and by finish(). Nothing is visible to other connections before such a
// commit. Transactions on other threads or other databases are not affected.
//
// `relax_durability` trades crash safety for speed during the load: on SQLite the batch's
// connection runs with synchronous=OFF and a 256 MiB page cache, on PostgreSQL with
// synchronous_commit=off; both are restored when the batch ends. Only for loads that are
// simply rerun on a fresh database after a crash.
//
// `background_checkpoints` (SQLite in WAL mode, with relax_durability): the WAL is copied
// into the database file by a second connection on a thread of the batch's own, after each
// outer commit, instead of by the batch's connection on the loading thread (SQLite's
// automatic checkpoint, turned off for the batch's connection meanwhile). Every few commits
// the loading thread waits for it and checkpoints what is left itself, so that the WAL starts
// over and stays bounded. The checkpointing connection runs synchronous=OFF and is closed
// when the batch ends.
struct BatchOptions {
  int ops_per_commit = 5000;
  bool relax_durability = false;
  bool background_checkpoints = false;
};

class Batch {
 public:
  Batch(Database& db, BatchOptions options);
  // Without finish(): rolls back what was not committed yet (earlier commits stay).
  ~Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // Commits the rest and ends the batch (later Transactions are ordinary again).
  void finish();
  // Outer commits so far (finish() included).
  std::int64_t commits() const { return commits_; }
  // The batch of `db` on this thread, or null.
  static Batch* active(const Database& db);
  // The batch on this thread whose connection is `conn`, or null.
  static Batch* of(const Connection& conn);
  // A number unique to this batch in the process (an address may be reused by a later
  // batch): the key of state cached for the batch.
  std::uint64_t id() const { return id_; }
  // Inner transactions rolled back so far. State a module keeps in memory during the batch
  // is stale once this changes (the rolled-back work may have changed it) and must be read
  // again from the database.
  std::int64_t rollbacks() const { return rollbacks_; }
  // Registers `flush`, run on the batch's connection just before every outer commit
  // (finish() included): for a module that keeps state in memory during the batch and
  // writes it back once per commit (the audit chain head). One per `key`; registering the
  // same key again replaces it.
  void before_commit(const void* key, std::function<void(Connection&)> flush);
  // Checkpoints run by the background thread so far (BatchOptions::background_checkpoints;
  // 0 without it).
  std::int64_t background_checkpoints() const;

 private:
  friend class Transaction;
  void inner_committed();
  void end(bool commit);
  void run_before_commit();
  void stop_checkpointer(bool checkpoint_last);

  Database& db_;
  BatchOptions options_;
  Lease lease_;
  int depth_ = 0;    // open inner transactions
  int pending_ = 0;  // inner commits since the last outer commit
  std::int64_t commits_ = 0;
  std::int64_t rollbacks_ = 0;
  std::uint64_t id_ = 0;
  bool ended_ = false;
  std::vector<std::pair<const void*, std::function<void(Connection&)>>> before_commit_;
  std::vector<std::string> restore_;  // statements that undo relax_durability
  class Checkpointer;                 // background_checkpoints (database.cc)
  std::unique_ptr<Checkpointer> checkpointer_;
  std::int64_t background_checkpoints_ = 0;  // of the checkpointer, once stopped
};

// Opens a pool for `url`: "sqlite:PATH", "sqlite::memory:" or "postgresql://...".
// Connects once eagerly, so an unreachable database fails here with a ConnectionError whose
// message names the redacted URL. Throws std::invalid_argument for an unknown scheme.
std::unique_ptr<Database> open(const std::string& url, const PoolOptions& options);

// Returns `url` with the password (if any) replaced by "***".
std::string redact_url(const std::string& url);

}  // namespace jisr::db

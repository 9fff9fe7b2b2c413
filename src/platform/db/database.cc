// src/platform/db/database.cc — the pool, transactions and value accessors shared by both
// engines.
#include "platform/db/database.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <regex>
#include <thread>

#include "platform/db/postgres.h"
#include "platform/db/sqlite.h"

namespace jisr::db {

std::size_t Result::column(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return i;
  }
  throw DbError("no column named " + std::string(name));
}

std::optional<std::string> as_text(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  throw DbError("expected a text value");
}

std::optional<std::int64_t> as_int(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* s = std::get_if<std::string>(&v)) {
    // PostgreSQL NUMERIC and COUNT(*) over some drivers arrive as text.
    try {
      std::size_t used = 0;
      auto n = std::stoll(*s, &used);
      if (used == s->size()) return n;
    } catch (const std::exception&) {
    }
  }
  throw DbError("expected an integer value");
}

std::optional<double> as_real(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return std::nullopt;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  throw DbError("expected a real value");
}

std::string text_or(const Value& v, std::string fallback) {
  auto t = as_text(v);
  return t ? *t : std::move(fallback);
}

std::string text_or(Value&& v, std::string fallback) {
  if (auto* s = std::get_if<std::string>(&v)) return std::move(*s);
  return text_or(static_cast<const Value&>(v), std::move(fallback));
}

// ---- pool ---------------------------------------------------------------------------------

struct Database::State {
  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<Connection>> idle;
  int open = 0;
  int in_use = 0;
  std::uint64_t acquired_total = 0;
  std::uint64_t waited_total = 0;
  std::uint64_t timeouts_total = 0;
};

Database::Database(Dialect dialect, std::string redacted_url, PoolOptions options, Factory factory,
                   std::string file_path)
    : dialect_(dialect),
      redacted_url_(std::move(redacted_url)),
      options_(options),
      factory_(std::move(factory)),
      state_(std::make_shared<State>()),
      file_path_(std::move(file_path)) {
  if (options_.size < 1) options_.size = 1;
}

Database::~Database() {
  // Newest first, outside the lock: an attachment's destructor may lease connections.
  while (true) {
    std::shared_ptr<void> last;
    {
      std::lock_guard lock(attachments_mu_);
      if (attachments_.empty()) break;
      last = std::move(attachments_.back().second);
      attachments_.pop_back();
    }
    last.reset();
  }
}

void Database::attach(const void* key, std::shared_ptr<void> value) {
  std::shared_ptr<void> old;
  std::lock_guard lock(attachments_mu_);
  for (auto& [k, v] : attachments_) {
    if (k == key) {
      old = std::move(v);  // destroyed after the lock is released
      v = std::move(value);
      return;
    }
  }
  attachments_.emplace_back(key, std::move(value));
}

std::shared_ptr<void> Database::attachment(const void* key) const {
  std::lock_guard lock(attachments_mu_);
  for (const auto& [k, v] : attachments_) {
    if (k == key) return v;
  }
  return nullptr;
}

Lease Database::acquire() {
  std::unique_lock lock(state_->mu);
  const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  bool waited = false;
  while (state_->idle.empty() && state_->open >= options_.size) {
    waited = true;
    if (state_->cv.wait_until(lock, deadline) == std::cv_status::timeout && state_->idle.empty() &&
        state_->open >= options_.size) {
      ++state_->timeouts_total;
      throw ConnectionError("no database connection free within " +
                            std::to_string(options_.acquire_timeout.count()) + " ms");
    }
  }
  if (waited) ++state_->waited_total;
  ++state_->acquired_total;
  if (!state_->idle.empty()) {
    // The connection returned last: its SQLite page cache is the likeliest to be still valid
    // (any commit by another connection empties it) and to hold the pages wanted.
    auto conn = std::move(state_->idle.back());
    state_->idle.pop_back();
    ++state_->in_use;
    return Lease(this, std::move(conn));
  }
  // Open a new connection outside the lock: connecting to PostgreSQL takes milliseconds.
  ++state_->open;
  ++state_->in_use;
  lock.unlock();
  try {
    return Lease(this, factory_());
  } catch (...) {
    lock.lock();
    --state_->open;
    --state_->in_use;
    state_->cv.notify_one();
    throw;
  }
}

void Database::release(std::unique_ptr<Connection> conn, bool broken) {
  std::lock_guard lock(state_->mu);
  --state_->in_use;
  if (broken || !conn) {
    --state_->open;
  } else {
    state_->idle.push_back(std::move(conn));
  }
  state_->cv.notify_one();
}

PoolStats Database::stats() const {
  std::lock_guard lock(state_->mu);
  PoolStats s;
  s.size = options_.size;
  s.open = state_->open;
  s.in_use = state_->in_use;
  s.acquired_total = state_->acquired_total;
  s.waited_total = state_->waited_total;
  s.timeouts_total = state_->timeouts_total;
  return s;
}

Lease::~Lease() {
  if (owner_ && conn_) {
    // A connection left inside an aborted transaction or broken by the server must not
    // serve the next request.
    const bool ok = !broken_ && conn_->alive();
    owner_->release(ok ? std::move(conn_) : nullptr, !ok);
  }
}

// ---- transactions -------------------------------------------------------------------------

namespace {
// The batches alive on this thread (a handful at most).
thread_local std::vector<Batch*> t_batches;
constexpr const char* kSavepointSql = "SAVEPOINT jisr_tx";
constexpr const char* kReleaseSql = "RELEASE SAVEPOINT jisr_tx";
constexpr const char* kRollbackToSql = "ROLLBACK TO SAVEPOINT jisr_tx";
// Numbers the batches of the process (Batch::id()).
std::atomic<std::uint64_t> g_batch_ids{0};
}  // namespace

// The thread and connection of BatchOptions::background_checkpoints. The loading thread
// asks for a checkpoint after each outer commit; the thread runs them one after the other
// (a request made while one runs is served by the next) on its own connection.
class Batch::Checkpointer {
 public:
  explicit Checkpointer(Lease lease) : lease_(std::move(lease)) {
    lease_->exec_script("PRAGMA synchronous=OFF");
    thread_ = std::thread([this] { run(); });
  }
  ~Checkpointer() { stop(); }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Asks for a checkpoint of what is committed now.
  void request() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++requested_;
    }
    wake_.notify_one();
  }
  // Returns once every checkpoint asked for so far has run.
  void drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_.wait(lock, [this] { return done_ == requested_; });
  }
  // Runs what was asked for, ends the thread and closes the connection (its durability
  // setting dies with it). Idempotent.
  void stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    lease_.discard();
  }
  std::int64_t checkpoints() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return checkpoints_;
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || requested_ > done_; });
      if (requested_ == done_) return;  // stopping, nothing asked for
      const std::int64_t target = requested_;
      lock.unlock();
      bool ran = true;
      try {
        // PASSIVE: copies what no reader still needs, never waits for the writer.
        lease_->query("PRAGMA wal_checkpoint(PASSIVE)");
      } catch (const std::exception&) {
        ran = false;  // the loading thread's own checkpoints still bound the WAL
      }
      lock.lock();
      if (ran) ++checkpoints_;
      done_ = target;
      idle_.notify_all();
    }
  }

  Lease lease_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::int64_t requested_ = 0, done_ = 0, checkpoints_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

namespace {
// With background checkpoints, the loading thread checkpoints itself after every this many
// outer commits (after waiting for the thread): SQLite starts the WAL over only when a write
// transaction begins with every frame copied, which never happens while the thread runs
// behind the commits.
constexpr std::int64_t kOwnCheckpointEvery = 4;
}  // namespace

std::int64_t Batch::background_checkpoints() const {
  return checkpointer_ ? checkpointer_->checkpoints() : background_checkpoints_;
}

Batch* Batch::active(const Database& db) {
  for (Batch* b : t_batches) {
    if (&b->db_ == &db) return b;
  }
  return nullptr;
}

Batch* Batch::of(const Connection& conn) {
  for (Batch* b : t_batches) {
    if (&*b->lease_ == &conn) return b;
  }
  return nullptr;
}

void Batch::before_commit(const void* key, std::function<void(Connection&)> flush) {
  for (auto& [k, fn] : before_commit_) {
    if (k == key) {
      fn = std::move(flush);
      return;
    }
  }
  before_commit_.emplace_back(key, std::move(flush));
}

void Batch::run_before_commit() {
  for (auto& [key, fn] : before_commit_) fn(*lease_);
}

Transaction::Transaction(Database& db, TxMode mode) {
  if (Batch* batch = Batch::active(db)) {
    conn_ = &*batch->lease_;
    // Prepared once and cached by the connection: a load makes millions of these.
    conn_->query(kSavepointSql);
    batch_ = batch;
    ++batch_->depth_;
    return;
  }
  lease_.emplace(db.acquire());
  conn_ = &**lease_;
  try {
    if (db.dialect() == Dialect::kSqlite) {
      // Statements the connection prepared once and keeps (exec_script parses every time).
      conn_->query(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
    } else {
      conn_->exec_script("BEGIN");
    }
  } catch (...) {
    lease_->discard();
    throw;
  }
}

Transaction::~Transaction() {
  if (done_) return;
  if (batch_) {
    --batch_->depth_;
    ++batch_->rollbacks_;
    try {
      conn_->query(kRollbackToSql);
      conn_->query(kReleaseSql);
    } catch (...) {
      batch_->lease_.discard();
    }
    return;
  }
  try {
    conn_->exec_script("ROLLBACK");
  } catch (...) {
    // The connection is in an unknown state; do not reuse it.
    lease_->discard();
  }
}

void Transaction::commit() {
  if (done_) throw DbError("transaction already finished");
  if (batch_) {
    conn_->query(kReleaseSql);
    done_ = true;
    --batch_->depth_;
    batch_->inner_committed();
    return;
  }
  // A failed COMMIT throws; the destructor will try ROLLBACK and it is never silently retried.
  if (conn_->dialect() == Dialect::kSqlite) {
    conn_->query("COMMIT");
  } else {
    conn_->exec_script("COMMIT");
  }
  done_ = true;
}

Batch::Batch(Database& db, BatchOptions options)
    : db_(db), options_(options), lease_(db.acquire()), id_(++g_batch_ids) {
  if (active(db)) throw DbError("a batch is already active on this database and thread");
  if (options_.ops_per_commit < 1) options_.ops_per_commit = 1;
  const bool sqlite = db.dialect() == Dialect::kSqlite;
  try {
    if (options_.relax_durability) {
      if (sqlite) {
        const auto sync = as_int(lease_->query("PRAGMA synchronous").rows.at(0).at(0)).value_or(2);
        const auto cache =
            as_int(lease_->query("PRAGMA cache_size").rows.at(0).at(0)).value_or(-2000);
        lease_->exec_script("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144");
        restore_.push_back("PRAGMA synchronous=" + std::to_string(sync));
        restore_.push_back("PRAGMA cache_size=" + std::to_string(cache));
        if (options_.background_checkpoints &&
            text_or(lease_->query("PRAGMA journal_mode").rows.at(0).at(0), "") == "wal") {
          const auto every =
              as_int(lease_->query("PRAGMA wal_autocheckpoint").rows.at(0).at(0)).value_or(1000);
          checkpointer_ = std::make_unique<Checkpointer>(db.acquire());
          lease_->query("PRAGMA wal_autocheckpoint=0");
          restore_.push_back("PRAGMA wal_autocheckpoint=" + std::to_string(every));
        }
      } else {
        lease_->exec_script("SET synchronous_commit = off");
        restore_.push_back("RESET synchronous_commit");
      }
    }
    lease_->exec_script(sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  } catch (...) {
    lease_.discard();
    throw;
  }
  t_batches.push_back(this);
}

Batch::~Batch() {
  if (ended_) return;
  try {
    end(false);
  } catch (...) {
    lease_.discard();
  }
}

void Batch::inner_committed() {
  if (depth_ > 0) return;  // a nested inner transaction: its outermost one counts
  if (++pending_ < options_.ops_per_commit) return;
  run_before_commit();
  lease_->exec_script("COMMIT");
  ++commits_;
  pending_ = 0;
  if (checkpointer_) {
    if (commits_ % kOwnCheckpointEvery == 0) {
      checkpointer_->drain();
      lease_->query("PRAGMA wal_checkpoint(PASSIVE)");
    } else {
      checkpointer_->request();
    }
  }
  lease_->exec_script(db_.dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

void Batch::finish() {
  if (ended_) throw DbError("batch already finished");
  if (depth_ > 0) throw DbError("batch finished inside an open transaction");
  end(true);
}

void Batch::end(bool commit) {
  ended_ = true;
  if (commit) {
    try {
      run_before_commit();
    } catch (...) {
      t_batches.erase(std::remove(t_batches.begin(), t_batches.end(), this), t_batches.end());
      lease_->exec_script("ROLLBACK");
      stop_checkpointer(false);
      for (const auto& sql : restore_) lease_->exec_script(sql);
      throw;
    }
  }
  t_batches.erase(std::remove(t_batches.begin(), t_batches.end(), this), t_batches.end());
  lease_->exec_script(commit ? "COMMIT" : "ROLLBACK");
  if (commit) ++commits_;
  stop_checkpointer(commit);
  for (const auto& sql : restore_) lease_->exec_script(sql);
}

void Batch::stop_checkpointer(bool checkpoint_last) {
  if (!checkpointer_) return;
  if (checkpoint_last) checkpointer_->request();
  checkpointer_->stop();
  background_checkpoints_ = checkpointer_->checkpoints();
  checkpointer_.reset();
}

// ---- opening ------------------------------------------------------------------------------

std::string redact_url(const std::string& url) {
  // scheme://user:password@host -> scheme://user:***@host
  static const std::regex with_password(R"(^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*):[^@/]*@)");
  std::string out =
      std::regex_replace(url, with_password, "$1:***@", std::regex_constants::format_first_only);
  // key=value form inside the query string: password=secret
  static const std::regex query_password(R"(([?&]password=)[^&]*)");
  return std::regex_replace(out, query_password, "$1***");
}

std::unique_ptr<Database> open(const std::string& url, const PoolOptions& options) {
  std::unique_ptr<Database> db;
  if (url.rfind("sqlite:", 0) == 0) {
    db = open_sqlite(url.substr(7), options);
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    db = open_postgres(url, options);
  } else {
    throw std::invalid_argument(
        "unknown database URL scheme (expected sqlite:PATH or "
        "postgresql://...): " +
        redact_url(url));
  }
  // Connect once now, so that a wrong URL is reported at start, not at the first request.
  try {
    auto lease = db->acquire();
    (void)lease;
  } catch (const std::exception& e) {
    throw ConnectionError("cannot open database " + db->redacted_url() + ": " + e.what());
  }
  return db;
}

}  // namespace jisr::db

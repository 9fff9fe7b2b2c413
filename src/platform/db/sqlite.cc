// src/platform/db/sqlite.cc
#include "platform/db/sqlite.h"

#include <sqlite3.h>

#include <string>
#include <unordered_map>

namespace jisr::db {
namespace {

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// A prepared statement with what binding it needs, worked out once: for each SQLite
// parameter (1-based, in order), the index of our `$N` parameter it takes.
struct Prepared {
  StmtPtr stmt;
  std::vector<std::size_t> param_of;
};

// Looks statements up by their SQL text without copying it into a std::string first.
struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct SqlEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

struct DbDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbDeleter>;

// Throws the DbError subclass that `rc` (extended code `extended`) calls for.
[[noreturn]] void throw_for(int rc, int extended, std::string msg) {
  const int primary = rc & 0xff;
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    throw UniqueViolation(msg);
  }
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_NOTADB || primary == SQLITE_BUSY ||
      primary == SQLITE_LOCKED) {
    throw ConnectionError(msg);
  }
  // SQLITE_FULL is what SQLite reports when a write meets ENOSPC or max_page_count.
  if (primary == SQLITE_FULL) throw StorageFull(msg);
  throw DbError(msg);
}

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  throw_for(rc, db ? sqlite3_extended_errcode(db) : rc, std::move(msg));
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, const PoolOptions& options) {
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) fail(raw, rc, "cannot open SQLite database " + path);
    sqlite3_extended_result_codes(db_.get(), 1);
    sqlite3_busy_timeout(db_.get(), static_cast<int>(options.busy_timeout.count()));
    exec_script(
        "PRAGMA journal_mode=WAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA synchronous=FULL;"
        "PRAGMA temp_store=MEMORY;"
        // No memory mapping (mmap_size 0, SQLite's default here, said explicitly). A 256 MiB
        // mapping per connection was tried to spare pread() after each commit: at 20,000
        // people it cut preads by 73% for the same CPU per page, but at 1,000,000 people
        // every commit of the access log made each connection unmap and fault its pages in
        // again (munmap + page faults ~13% of the server's CPU), and the 8 mappings counted
        // up to 2 GB of file pages in the server's RSS (bench/RESULTS.md, "1,000,000 people").
        "PRAGMA mmap_size=0;");
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result query(std::string_view sql, const std::vector<Value>& params) override {
    Result result;
    run(
        sql, params,
        [&](sqlite3_stmt* stmt) {
          result.rows.push_back(read_row(stmt, sqlite3_column_count(stmt)));
        },
        &result.columns);
    result.affected_rows = sqlite3_changes(db_.get());
    return result;
  }

  void for_each(std::string_view sql, const std::vector<Value>& params,
                const std::function<void(std::vector<Value>&)>& row_fn) override {
    run(
        sql, params,
        [&](sqlite3_stmt* stmt) {
          auto row = read_row(stmt, sqlite3_column_count(stmt));
          row_fn(row);
        },
        nullptr);
  }

  void exec_script(std::string_view sql) override {
    char* err = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      throw_for(rc, sqlite3_extended_errcode(db_.get()), std::move(msg));
    }
  }

  bool alive() override {
    // A connection left inside a transaction (autocommit off) would leak that transaction
    // into the next request.
    return sqlite3_get_autocommit(db_.get()) != 0;
  }

 private:
  Prepared& prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) {
      sqlite3_reset(it->second.stmt.get());
      sqlite3_clear_bindings(it->second.stmt.get());
      return it->second;
    }
    const std::string key(sql);
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), key.data(), static_cast<int>(key.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) fail(db_.get(), rc, "cannot prepare statement");
    Prepared prepared{StmtPtr(raw), {}};
    const int count = sqlite3_bind_parameter_count(raw);
    for (int i = 1; i <= count; ++i) {
      const char* name = sqlite3_bind_parameter_name(raw, i);
      // Placeholders are "$N": SQLite treats "$1" as a named parameter, and the name tells us
      // which of our parameters it is, whatever order it first appears in.
      if (!name || name[0] != '$') throw DbError("SQL must use $N placeholders");
      prepared.param_of.push_back(std::stoul(name + 1));
    }
    if (cache_.size() > 512) cache_.clear();  // bound memory on ad-hoc SQL
    return cache_.emplace(key, std::move(prepared)).first->second;
  }

  void bind(const Prepared& prepared, const std::vector<Value>& params) {
    sqlite3_stmt* stmt = prepared.stmt.get();
    for (std::size_t k = 0; k < prepared.param_of.size(); ++k) {
      const int i = static_cast<int>(k + 1);
      const std::size_t index = prepared.param_of[k];
      if (index < 1 || index > params.size()) {
        throw DbError("placeholder $" + std::to_string(index) + " has no parameter");
      }
      const Value& v = params[index - 1];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt, i);
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, i, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, i, *d);
      } else {
        // `params` outlives the statement's execution (run() resets it before returning).
        const auto& s = std::get<std::string>(v);
        rc = sqlite3_bind_text(stmt, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) fail(db_.get(), rc, "cannot bind parameter");
    }
  }

  static std::vector<Value> read_row(sqlite3_stmt* stmt, int n) {
    std::vector<Value> row;
    row.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL:
          row.emplace_back(std::monostate{});
          break;
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, i)));
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(stmt, i));
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
          const int len = sqlite3_column_bytes(stmt, i);
          row.emplace_back(std::string(text ? text : "", static_cast<std::size_t>(len)));
        }
      }
    }
    return row;
  }

  template <typename RowFn>
  void run(std::string_view sql, const std::vector<Value>& params, RowFn&& on_row,
           std::vector<std::string>* columns) {
    Prepared& prepared = prepare(sql);
    sqlite3_stmt* stmt = prepared.stmt.get();
    bind(prepared, params);
    if (columns && columns->empty()) {
      const int n = sqlite3_column_count(stmt);
      for (int i = 0; i < n; ++i) columns->emplace_back(sqlite3_column_name(stmt, i));
    }
    // A row callback that throws must not leave the statement active: it would hold its read
    // snapshot after the connection went back to the pool.
    struct ResetOnExit {
      sqlite3_stmt* stmt;
      ~ResetOnExit() { sqlite3_reset(stmt); }
    } reset_on_exit{stmt};
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        on_row(stmt);
      } else if (rc == SQLITE_DONE) {
        break;
      } else {
        sqlite3_reset(stmt);
        fail(db_.get(), rc, "statement failed");
      }
    }
  }

  DbPtr db_;
  std::unordered_map<std::string, Prepared, SqlHash, SqlEqual> cache_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::string& path, const PoolOptions& options) {
  // Once per process, before SQLite initialises (sqlite3_config refuses afterwards, and that
  // refusal only costs the speed-up): each connection takes its page cache's buffers from one
  // allocation of kPageCacheBulkPages pages, reused as pages come and go. Otherwise every page
  // read after another connection's commit (which empties the cache: the access log commits
  // several times a second) is a malloc of 4 KiB+ and every reset frees them all again — the
  // size glibc serves from its slow path (_int_malloc, malloc_consolidate).
  static const int page_cache_configured = [] {
    constexpr int kPageCacheBulkPages = 256;
    return sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, kPageCacheBulkPages);
  }();
  (void)page_cache_configured;
  PoolOptions effective = options;
  if (path == ":memory:" || path.empty()) effective.size = 1;
  const std::string file = path.empty() ? ":memory:" : path;
  const bool in_memory = file == ":memory:" || file.rfind("file::memory:", 0) == 0;
  return std::make_unique<Database>(
      Dialect::kSqlite, "sqlite:" + file, effective,
      [file, effective]() -> std::unique_ptr<Connection> {
        return std::make_unique<SqliteConnection>(file, effective);
      },
      in_memory ? std::string() : file);
}

}  // namespace jisr::db

// src/platform/db/postgres.cc
#include "platform/db/postgres.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <string>
#include <unordered_map>

namespace jisr::db {
namespace {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgConnPtr = std::unique_ptr<PGconn, ConnDeleter>;
using PgResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& url) {
    conn_.reset(PQconnectdb(url.c_str()));
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
      std::string msg = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      throw ConnectionError(msg);
    }
    exec_script("SET TIME ZONE 'UTC'; SET client_min_messages = warning;");
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result query(std::string_view sql, const std::vector<Value>& params) override {
    if (params.empty() && is_savepoint_statement(sql)) {
      // Sent with the next statement, in one round trip (execute_pipelined, exec_script).
      deferred_.emplace_back(sql);
      return Result{};
    }
    PgResultPtr res = execute(sql, params);
    Result result;
    const int ncols = PQnfields(res.get());
    for (int c = 0; c < ncols; ++c) result.columns.emplace_back(PQfname(res.get(), c));
    const int nrows = PQntuples(res.get());
    result.rows.reserve(static_cast<std::size_t>(nrows));
    for (int r = 0; r < nrows; ++r) result.rows.push_back(read_row(res.get(), r, ncols));
    const char* affected = PQcmdTuples(res.get());
    result.affected_rows = (affected && *affected) ? std::atoll(affected) : 0;
    return result;
  }

  void for_each(std::string_view sql, const std::vector<Value>& params,
                const std::function<void(std::vector<Value>&)>& row_fn) override {
    flush_deferred();
    // Single-row mode keeps memory flat for large exports.
    auto values = to_text_params(params);
    std::vector<const char*> ptrs = pointers(values);
    const std::string text(sql);
    if (!PQsendQueryParams(conn_.get(), text.c_str(), static_cast<int>(ptrs.size()), nullptr,
                           ptrs.data(), nullptr, nullptr, 0) ||
        !PQsetSingleRowMode(conn_.get())) {
      throw_error(nullptr);
    }
    std::string error;
    std::string state;
    while (PGresult* raw = PQgetResult(conn_.get())) {
      PgResultPtr res(raw);
      const auto status = PQresultStatus(raw);
      if (status == PGRES_SINGLE_TUPLE) {
        if (error.empty()) {
          auto row = read_row(raw, 0, PQnfields(raw));
          row_fn(row);
        }
      } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && error.empty()) {
        error = PQresultErrorMessage(raw);
        const char* code = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
        if (code) state = code;
      }
    }
    if (!error.empty()) throw_for_state(state, std::move(error));
  }

  void exec_script(std::string_view sql) override {
    std::string text;
    for (const auto& d : deferred_) text += d + "; ";
    deferred_.clear();
    text += sql;
    PgResultPtr res(PQexec(conn_.get(), text.c_str()));
    check(res.get());
  }

  bool alive() override {
    return PQstatus(conn_.get()) == CONNECTION_OK &&
           PQtransactionStatus(conn_.get()) == PQTRANS_IDLE && deferred_.empty();
  }

 private:
  static std::vector<std::optional<std::string>> to_text_params(const std::vector<Value>& params) {
    std::vector<std::optional<std::string>> out;
    out.reserve(params.size());
    for (const auto& v : params) {
      if (std::holds_alternative<std::monostate>(v)) {
        out.emplace_back(std::nullopt);
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        out.emplace_back(std::to_string(*n));
      } else if (const auto* d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        out.emplace_back(buf);
      } else {
        out.emplace_back(std::get<std::string>(v));
      }
    }
    return out;
  }

  static std::vector<const char*> pointers(const std::vector<std::optional<std::string>>& values) {
    std::vector<const char*> ptrs;
    ptrs.reserve(values.size());
    for (const auto& v : values) ptrs.push_back(v ? v->c_str() : nullptr);
    return ptrs;
  }

  PgResultPtr execute(std::string_view sql, const std::vector<Value>& params) {
    auto values = to_text_params(params);
    std::vector<const char*> ptrs = pointers(values);
    std::string text(sql);
    // Parameters are sent as untyped text: the server infers each from its context, which
    // lets one SQL text serve both engines.
    const std::string* name = prepared_name(text);
    if (!deferred_.empty()) return execute_pipelined(name, text, ptrs);
    PgResultPtr res(name ? PQexecPrepared(conn_.get(), name->c_str(), static_cast<int>(ptrs.size()),
                                          ptrs.data(), nullptr, nullptr, 0)
                         : PQexecParams(conn_.get(), text.c_str(), static_cast<int>(ptrs.size()),
                                        nullptr, ptrs.data(), nullptr, nullptr, 0));
    check(res.get());
    return res;
  }

  // SAVEPOINT and RELEASE SAVEPOINT without parameters: a db::Batch makes one pair per
  // service call (a fifth of a load's statements) and nothing reads their result, so they
  // wait and go to the server in one pipeline with the next statement (execute_pipelined)
  // or in front of the next script (exec_script). ROLLBACK TO is not deferred, but sends the
  // waiting ones first. An error of a deferred statement is thrown by the statement that
  // carried it, which fails too (the transaction is aborted).
  static bool is_savepoint_statement(std::string_view sql) {
    return sql.rfind("SAVEPOINT ", 0) == 0 || sql.rfind("RELEASE SAVEPOINT ", 0) == 0;
  }

  void flush_deferred() {
    if (!deferred_.empty()) exec_script("");
  }

  // The deferred statements, then the statement (`name` if prepared, else `text` unnamed),
  // then one Sync: one round trip. Returns the statement's result; throws the first error.
  PgResultPtr execute_pipelined(const std::string* name, const std::string& text,
                                const std::vector<const char*>& ptrs) {
    PGconn* c = conn_.get();
    const std::size_t queries = deferred_.size() + 1;
    bool sent = PQenterPipelineMode(c) == 1;
    for (const auto& d : deferred_) {
      sent = sent && PQsendQueryParams(c, d.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    }
    deferred_.clear();
    const int n = static_cast<int>(ptrs.size());
    sent =
        sent &&
        (name ? PQsendQueryPrepared(c, name->c_str(), n, ptrs.data(), nullptr, nullptr, 0)
              : PQsendQueryParams(c, text.c_str(), n, nullptr, ptrs.data(), nullptr, nullptr, 0));
    sent = sent && PQpipelineSync(c);
    if (!sent) throw_error(nullptr);  // the connection is not reused (alive() is false)
    PgResultPtr error, last;
    for (std::size_t q = 0; q < queries; ++q) {
      // Each query's result, then a null that ends it.
      while (PGresult* raw = PQgetResult(c)) {
        PgResultPtr res(raw);
        const auto status = PQresultStatus(raw);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
            status != PGRES_PIPELINE_ABORTED && !error) {
          error = std::move(res);
        } else if (q + 1 == queries) {
          last = std::move(res);
        }
      }
    }
    PgResultPtr sync(PQgetResult(c));
    if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC || !PQexitPipelineMode(c)) {
      throw_error(error ? error.get() : nullptr);
    }
    if (error) throw_error(error.get());
    check(last.get());
    return last;
  }

  // Inside a db::Batch (a bulk load: the same few dozen statements hundreds of thousands of
  // times), statements are prepared once per connection and then only bound and executed:
  // parsing, analysing and planning every execution was about 40% of the server's CPU of
  // `jisr demo-data`. Outside a batch every statement stays unnamed (planned with its
  // values, nothing cached across requests or migrations); the statements of a finished
  // batch are deallocated at the connection's next use. Returns the statement's name, or
  // null to execute `sql` unnamed.
  const std::string* prepared_name(std::string& sql) {
    if (Batch::of(*this) == nullptr) {
      if (!prepared_.empty()) {
        exec_script("DEALLOCATE ALL");  // first: the names are taken again by the next batch
        prepared_.clear();
      }
      return nullptr;
    }
    if (auto it = prepared_.find(sql); it != prepared_.end()) return &it->second;
    if (prepared_.size() >= kMaxPrepared) return nullptr;  // ad-hoc texts: not worth a slot
    // A failed Parse aborts the transaction: the savepoints before it must exist by then.
    flush_deferred();
    std::string name = "jisr_" + std::to_string(prepared_.size() + 1);
    PgResultPtr res(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
    check(res.get());  // not cached when it fails: prepared statements outlive a rollback
    return &prepared_.emplace(std::move(sql), std::move(name)).first->second;
  }

  void check(PGresult* res) {
    if (!res) throw_error(nullptr);
    const auto status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    throw_error(res);
  }

  [[noreturn]] void throw_error(PGresult* res) {
    std::string msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn_.get());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (PQstatus(conn_.get()) != CONNECTION_OK) throw ConnectionError(msg);
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    throw_for_state(state ? state : "", std::move(msg));
  }

  // Throws the DbError subclass that the SQLSTATE `state` calls for.
  [[noreturn]] static void throw_for_state(std::string_view state, std::string msg) {
    if (state == "23505") throw UniqueViolation(msg);  // unique_violation
    if (state == "53100") throw StorageFull(msg);      // disk_full
    throw DbError(msg);
  }

  static std::vector<Value> read_row(PGresult* res, int r, int ncols) {
    std::vector<Value> row;
    row.reserve(static_cast<std::size_t>(ncols));
    for (int c = 0; c < ncols; ++c) {
      if (PQgetisnull(res, r, c)) {
        row.emplace_back(std::monostate{});
        continue;
      }
      const char* v = PQgetvalue(res, r, c);
      switch (PQftype(res, c)) {
        case kInt2Oid:
        case kInt4Oid:
        case kInt8Oid:
          row.emplace_back(static_cast<std::int64_t>(std::strtoll(v, nullptr, 10)));
          break;
        case kFloat4Oid:
        case kFloat8Oid:
          row.emplace_back(std::strtod(v, nullptr));
          break;
        case kBoolOid:
          row.emplace_back(static_cast<std::int64_t>(v[0] == 't' ? 1 : 0));
          break;
        default:
          row.emplace_back(std::string(v, static_cast<std::size_t>(PQgetlength(res, r, c))));
      }
    }
    return row;
  }

  static constexpr std::size_t kMaxPrepared = 512;
  PgConnPtr conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  std::vector<std::string> deferred_;                      // savepoint statements not yet sent
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url, const PoolOptions& options) {
  return std::make_unique<Database>(
      Dialect::kPostgres, redact_url(url), options,
      [url]() -> std::unique_ptr<Connection> { return std::make_unique<PostgresConnection>(url); });
}

}  // namespace jisr::db

// src/platform/db/postgres.cc
#include "platform/db/postgres.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <string>

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
                const std::function<void(const std::vector<Value>&)>& row_fn) override {
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
        if (error.empty()) row_fn(read_row(raw, 0, PQnfields(raw)));
      } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && error.empty()) {
        error = PQresultErrorMessage(raw);
        const char* code = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
        if (code) state = code;
      }
    }
    if (!error.empty()) throw_for_state(state, std::move(error));
  }

  void exec_script(std::string_view sql) override {
    const std::string text(sql);
    PgResultPtr res(PQexec(conn_.get(), text.c_str()));
    check(res.get());
  }

  bool alive() override {
    return PQstatus(conn_.get()) == CONNECTION_OK &&
           PQtransactionStatus(conn_.get()) == PQTRANS_IDLE;
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
    const std::string text(sql);
    // Parameters are sent as untyped text: the server infers each from its context, which
    // lets one SQL text serve both engines.
    PgResultPtr res(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(ptrs.size()), nullptr,
                                 ptrs.data(), nullptr, nullptr, 0));
    check(res.get());
    return res;
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

  PgConnPtr conn_;
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url, const PoolOptions& options) {
  return std::make_unique<Database>(
      Dialect::kPostgres, redact_url(url), options,
      [url]() -> std::unique_ptr<Connection> { return std::make_unique<PostgresConnection>(url); });
}

}  // namespace jisr::db

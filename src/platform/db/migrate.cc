// src/platform/db/migrate.cc
#include "platform/db/migrate.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <regex>

namespace jisr::db {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)";

// Arbitrary constant naming Jisr's migration lock among PostgreSQL advisory locks.
constexpr std::int64_t kMigrationLockKey = 0x4a69737201;

std::string now_utc() {
  const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::vector<Migration> migrations_from_files(
    const std::vector<std::pair<std::string, std::string>>& path_and_content) {
  static const std::regex name_re(R"((?:^|/)(\d{4})_([a-z0-9_]+?)(\.sqlite|\.pg)?\.sql$)");
  std::map<int, Migration> by_version;
  for (const auto& [path, content] : path_and_content) {
    std::smatch m;
    if (!std::regex_search(path, m, name_re)) {
      throw std::invalid_argument("migration file name must be NNNN_name[.sqlite|.pg].sql: " +
                                  path);
    }
    const int version = std::stoi(m[1].str());
    auto& mig = by_version[version];
    if (!mig.name.empty() && mig.name != m[2].str()) {
      throw std::invalid_argument("two names for migration " + m[1].str() + ": " + mig.name +
                                  " and " + m[2].str());
    }
    mig.version = version;
    mig.name = m[2].str();
    const std::string engine = m[3].str();
    if (engine.empty() || engine == ".sqlite") mig.sql_sqlite += content;
    if (engine.empty() || engine == ".pg") mig.sql_postgres += content;
  }
  std::vector<Migration> out;
  for (auto& [v, mig] : by_version) out.push_back(std::move(mig));
  return out;
}

std::vector<int> applied_versions(Database& db) {
  auto lease = db.acquire();
  lease->exec_script(kCreateTable);
  auto rows = lease->query("SELECT version FROM schema_migrations ORDER BY version");
  std::vector<int> out;
  for (const auto& row : rows.rows) out.push_back(static_cast<int>(*as_int(row[0])));
  return out;
}

int migrate(Database& db, std::vector<Migration> migrations,
            const std::function<void(const Migration&)>& on_applied) {
  std::sort(migrations.begin(), migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      throw MigrationError(migrations[i].version, migrations[i].name, "duplicate version");
    }
  }
  {
    auto lease = db.acquire();
    lease->exec_script(kCreateTable);
  }
  int applied = 0;
  for (const auto& mig : migrations) {
    try {
      Transaction tx(db, TxMode::kWrite);
      if (db.dialect() == Dialect::kPostgres) {
        tx.query("SELECT pg_advisory_xact_lock($1)", {Value(kMigrationLockKey)});
      }
      // Checked inside the lock: another server may have applied it meanwhile.
      auto done = tx.query("SELECT 1 FROM schema_migrations WHERE version = $1",
                           {Value(static_cast<std::int64_t>(mig.version))});
      if (!done.empty()) continue;
      const std::string& sql = db.dialect() == Dialect::kSqlite ? mig.sql_sqlite : mig.sql_postgres;
      if (!sql.empty()) tx.conn().exec_script(sql);
      if (mig.code) mig.code(tx.conn());
      tx.query("INSERT INTO schema_migrations(version, name, applied_at) VALUES ($1, $2, $3)",
               {Value(static_cast<std::int64_t>(mig.version)), Value(mig.name), Value(now_utc())});
      tx.commit();
      ++applied;
      if (on_applied) on_applied(mig);
    } catch (const MigrationError&) {
      throw;
    } catch (const std::exception& e) {
      throw MigrationError(mig.version, mig.name, e.what());
    }
  }
  return applied;
}

}  // namespace jisr::db

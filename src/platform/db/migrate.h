// src/platform/db/migrate.h
//
// Numbered schema migrations, recorded in the table `schema_migrations`. A migration has
// SQL for both engines (or one per engine) and optionally a code step that runs after the
// SQL in the same transaction (reference data loads). Each migration runs in its own
// transaction: a failing migration leaves the schema exactly as it was before it.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "platform/db/database.h"

namespace jisr::db {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql_sqlite;                 // run on SQLite (may be empty)
  std::string sql_postgres;               // run on PostgreSQL (may be empty)
  std::function<void(Connection&)> code;  // optional, after the SQL, same transaction
};

// Thrown when a migration fails; says which one.
class MigrationError : public std::runtime_error {
 public:
  MigrationError(int version, const std::string& name, const std::string& reason)
      : std::runtime_error("migration " + std::to_string(version) + " (" + name +
                           ") failed: " + reason),
        version_(version) {}
  int version() const { return version_; }

 private:
  int version_;
};

// Builds migrations from SQL files named "NNNN_name.sql" (both engines),
// "NNNN_name.sqlite.sql" or "NNNN_name.pg.sql" (one engine); files of the same number merge.
// Throws std::invalid_argument on a malformed name or two names for one number.
std::vector<Migration> migrations_from_files(
    const std::vector<std::pair<std::string, std::string>>& path_and_content);

// Applies, in version order, every migration not yet recorded. Safe to run from several
// servers at once on PostgreSQL (an advisory lock serialises them). Returns how many were
// applied; `on_applied` is told of each. Throws MigrationError.
int migrate(Database& db, std::vector<Migration> migrations,
            const std::function<void(const Migration&)>& on_applied = {});

// Versions recorded as applied, ascending.
std::vector<int> applied_versions(Database& db);

}  // namespace jisr::db

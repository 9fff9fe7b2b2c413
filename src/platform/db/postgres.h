// src/platform/db/postgres.h — the PostgreSQL engine (production, several servers).
#pragma once

#include <memory>
#include <string>

#include "platform/db/database.h"

namespace jisr::db {

// Opens a pool on the PostgreSQL server named by `url` (a libpq connection URI). Sessions
// run in UTC. Connections that break (server restart) are discarded and reopened lazily.
std::unique_ptr<Database> open_postgres(const std::string& url, const PoolOptions& options);

}  // namespace jisr::db

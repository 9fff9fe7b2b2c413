// src/platform/db/sqlite.h — the SQLite engine (embedded default).
#pragma once

#include <memory>
#include <string>

#include "platform/db/database.h"

namespace jisr::db {

// Opens a pool on the SQLite file at `path` (":memory:" for a private in-memory database,
// which forces a pool of one connection). Every connection runs in WAL mode with foreign
// keys enforced, a busy timeout, and synchronous=FULL so a committed transaction survives a
// crash of the process or of the machine.
std::unique_ptr<Database> open_sqlite(const std::string& path, const PoolOptions& options);

}  // namespace jisr::db

// src/app/migrations.h — every migration of the application, in one list.
#pragma once

#include <vector>

#include "platform/db/migrate.h"

namespace jisr::app {

// The SQL migrations compiled into the binary (migrations/*.sql) merged with the modules'
// code migrations. Throws std::invalid_argument when two claim one version.
std::vector<db::Migration> all_migrations();

}  // namespace jisr::app

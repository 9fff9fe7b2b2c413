// src/app/cli_admin.h — the administration subcommands: user, token, audit, permissions.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "platform/db/database.h"

namespace jisr::app {

// Opens the database (migrating it) for a subcommand.
using DatabaseOpener = std::function<std::unique_ptr<db::Database>()>;

// Registers `user add|passwd`, `token create|revoke`, `audit verify` and `permissions` on
// `cli`. `result` receives the exit code of whichever ran. `opener` opens the database once
// the options are parsed.
// `add_db_options` adds the --db (and logging) options to each leaf subcommand. Parsing only
// selects the work: `pending` receives it, to be run by main() once logging and error
// handling are in place.
void add_admin_commands(CLI::App& cli, DatabaseOpener opener,
                        const std::function<void(CLI::App*)>& add_db_options, int& result,
                        std::function<void()>& pending);

}  // namespace jisr::app

// src/app/main.cc — the `jisr` command: serve, migrate, demo.
#include <sodium.h>

#include <CLI/CLI.hpp>
#include <array>
#include <filesystem>
#include <iostream>
#include <thread>

#include "access/permissions.h"
#include "access/users.h"
#include "app/cli_admin.h"
#include "app/config.h"
#include "app/migrations.h"
#include "app/web_app.h"
#include "audit/audit.h"
#include "audit/journal.h"
#include "dedupreview/review_service.h"
#include "demo/demo_data.h"
#include "match/dedup.h"
#include "platform/db/database.h"
#include "platform/db/migrate.h"
#include "platform/http/server.h"
#include "platform/log/log.h"
#include "platform/util/crypto.h"

namespace {

using namespace jisr;

struct CommonOptions {
  std::string db_url = "sqlite:jisr.db";
  std::string log_level = "info";
  std::string log_format = "json";
  // 16: the server's request threads (below) wait on commits more than on the pool.
  int pool_size = 16;
};

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string web_root;
  std::size_t threads = 0;
  std::size_t max_body = 1 << 20;
  bool secure_cookies = false;
  int login_lock_after = 5;
  int login_lock_after_address = 20;
};

void add_common(CLI::App* cmd, CommonOptions& o, bool with_db = true) {
  if (with_db) {
    cmd->add_option("--db", o.db_url, "Database URL: sqlite:PATH or postgresql://USER@HOST/DB")
        ->envname("JISR_DB")
        ->capture_default_str();
  }
  cmd->add_option("--log-level", o.log_level, "debug, info, warn or error")
      ->envname("JISR_LOG_LEVEL")
      ->capture_default_str();
  cmd->add_option("--log-format", o.log_format, "json (one object per line) or text")
      ->envname("JISR_LOG_FORMAT")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  cmd->add_option("--db-pool", o.pool_size, "Database connections per server")
      ->envname("JISR_DB_POOL")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
}

void add_serve(CLI::App* cmd, ServeOptions& s) {
  cmd->add_option("--listen", s.listen, "Address and port to listen on, HOST:PORT")
      ->envname("JISR_LISTEN")
      ->capture_default_str();
  cmd->add_option("--web-root", s.web_root,
                  "Folder holding web/ and node_modules/ (default: the source tree)")
      ->envname("JISR_WEB_ROOT");
  cmd->add_option("--threads", s.threads, "Request threads (default: 8 per core, at least 32)")
      ->envname("JISR_THREADS");
  cmd->add_option("--max-body", s.max_body, "Largest request body accepted, in bytes")
      ->envname("JISR_MAX_BODY")
      ->capture_default_str();
  cmd->add_option("--login-lock-after", s.login_lock_after,
                  "Failed logins for one account (15 minutes) before it is refused for 15 minutes")
      ->envname("JISR_LOGIN_LOCK_AFTER")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  cmd->add_option("--login-lock-after-address", s.login_lock_after_address,
                  "Failed logins from one address (15 minutes) before it is refused")
      ->envname("JISR_LOGIN_LOCK_AFTER_ADDRESS")
      ->check(CLI::Range(2, 100000))
      ->capture_default_str();
  cmd->add_flag("--secure-cookies", s.secure_cookies,
                "Mark cookies Secure (when served over HTTPS behind a proxy)")
      ->envname("JISR_SECURE_COOKIES");
}

std::unique_ptr<db::Database> open_and_migrate(const CommonOptions& o) {
  db::PoolOptions pool;
  pool.size = o.pool_size;
  auto db = db::open(o.db_url, pool);
  const int applied = db::migrate(*db, app::all_migrations(), [](const db::Migration& m) {
    log::info("migration_applied", {{"version", static_cast<std::int64_t>(m.version)},
                                    {"name", std::string_view(m.name)}});
  });
  log::info("database_ready", {{"url", std::string_view(db->redacted_url())},
                               {"migrations_applied", static_cast<std::int64_t>(applied)}});
  // SQLite: the access log of reads goes through a journal; what a crash left in it is
  // ingested here, before anything is served (a corrupt journal stops start-up).
  audit::open_journal(*db);
  return db;
}

int run_server(db::Database& db, const ServeOptions& s, const std::string& banner) {
  const auto [host, port] = app::parse_listen(s.listen);
  app::WebOptions web;
  web.web_root = s.web_root.empty() ? app::default_web_root() : s.web_root;
  web.max_body_bytes = s.max_body;
  web.secure_cookies = s.secure_cookies;
  web.access.throttle.lock_after = s.login_lock_after;
  web.access.throttle.lock_after_address = s.login_lock_after_address;
  app::WebApp webapp(web, db);

  http::ServerOptions server;
  server.address = host;
  server.port = port;
  // A request that read a file waits for its access-log entry's group commit (an fsync), and
  // every thread waiting joins the next commit: 32 threads rather than 8 on 2 cores gave the
  // person page 4x fewer fsyncs and 1.5-1.8x the throughput (bench/RESULTS.md, "Person page
  // CPU, branch page").
  server.threads =
      s.threads ? s.threads : std::max<std::size_t>(32, 8 * std::thread::hardware_concurrency());
  server.hard_body_limit_bytes = std::max<std::size_t>(s.max_body * 4, 16 << 20);
  const auto started = std::chrono::steady_clock::now();
  http::serve(
      server, [&webapp](http::Request& r) { return webapp.dispatch(r); },
      [&] {
        log::info("listening", {{"address", std::string_view(host)},
                                {"port", static_cast<std::int64_t>(port)},
                                {"threads", static_cast<std::int64_t>(server.threads)}});
        if (!banner.empty()) std::cout << banner << std::flush;
      });
  log::info("stopped",
            {{"uptime_s",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::cerr << "jisr: libsodium failed to initialise\n";
    return 1;
  }
  CLI::App cli{"Jisr — information system for social protection (Morocco)"};
  cli.require_subcommand(1);
  CommonOptions common;
  ServeOptions serve;

  auto* serve_cmd = cli.add_subcommand("serve", "Apply pending migrations and serve HTTP");
  add_common(serve_cmd, common);
  add_serve(serve_cmd, serve);

  auto* migrate_cmd = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  add_common(migrate_cmd, common);

  std::string demo_file = "jisr-demo.db";
  auto* demo_cmd = cli.add_subcommand(
      "demo", "Create a fresh SQLite demo database, load reference data and serve it");
  add_common(demo_cmd, common, /*with_db=*/false);
  add_serve(demo_cmd, serve);
  demo_cmd->add_option("--file", demo_file, "Demo database file (replaced if it exists)")
      ->capture_default_str();
  demo::DemoDataOptions demo_data;
  demo_cmd->add_option("--people", demo_data.people, "People to generate")->capture_default_str();

  auto* demo_data_cmd = cli.add_subcommand(
      "demo-data", "Load the national-scale demo data set into a fresh database");
  add_common(demo_data_cmd, common);
  demo_data_cmd->add_option("--people", demo_data.people, "People to generate")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10000000}))
      ->capture_default_str();
  demo_data_cmd->add_option("--seed", demo_data.seed, "Seed: the same seed, the same data")
      ->capture_default_str();
  demo_data_cmd->add_option("--institutions", demo_data.institutions, "EPS to create")
      ->check(CLI::Range(12, 100000))
      ->capture_default_str();
  demo_data_cmd->add_option("--today", demo_data.today,
                            "Day the data is relative to, YYYY-MM-DD (default: today, UTC)");
  demo_data_cmd->add_option("--truth-out", demo_data.truth_out,
                            "Write the hidden duplicates (pairs of file numbers) to this CSV");

  auto* permissions_cmd =
      cli.add_subcommand("permissions", "Print the role × action permission table (Markdown)");
  bool permissions_as_json = false;
  permissions_cmd->add_flag("--json", permissions_as_json, "Print it as JSON instead");

  std::string dedup_input, dedup_output, dedup_truth, dedup_db;
  auto* dedup_cmd = cli.add_subcommand(
      "dedup",
      "Find likely duplicate people in a CSV file (columns of shared/data/dedup-dev), or in the "
      "registry with --db (pairs go to the review queue)");
  auto* dedup_input_opt =
      dedup_cmd->add_option("--input", dedup_input, "records.csv")->check(CLI::ExistingFile);
  auto* dedup_output_opt = dedup_cmd->add_option(
      "--output", dedup_output, "pairs.csv to write (record_id_a, record_id_b, score)");
  auto* dedup_db_opt = dedup_cmd->add_option(
      "--db", dedup_db,
      "Database URL: deduplicate the people table into the review queue (duplicate_reviews)");
  dedup_input_opt->needs(dedup_output_opt)->excludes(dedup_db_opt);
  add_common(dedup_cmd, common, /*with_db=*/false);
  dedup_output_opt->needs(dedup_input_opt);
  dedup_cmd
      ->add_option("--truth", dedup_truth,
                   "truth.csv (record_id, entity_id): print pairwise precision, recall, F1")
      ->check(CLI::ExistingFile);

  int admin_result = 0;
  std::function<void()> admin_command;
  app::add_admin_commands(
      cli, [&common]() { return open_and_migrate(common); },
      [&common](CLI::App* cmd) { add_common(cmd, common); }, admin_result, admin_command);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  try {
    log::configure(log::parse_level(common.log_level), common.log_format == "json");
    if (const char* profile = std::getenv("JISR_PASSWORD_PROFILE");
        profile && std::string_view(profile) == "moderate") {
      crypto::set_password_profile(crypto::PasswordProfile::kModerate);
    }
    if (permissions_cmd->parsed()) {
      std::cout << (permissions_as_json ? access::permissions_json()
                                        : access::permissions_markdown());
      return 0;
    }
    if (dedup_cmd->parsed() && !dedup_db.empty()) {
      common.db_url = dedup_db;
      auto db = open_and_migrate(common);
      return dedupreview::dedup_db_main(*db, std::cout, std::cerr);
    }
    if (dedup_cmd->parsed()) {
      if (dedup_input.empty()) {
        std::cerr << "jisr dedup: give --input and --output, or --db\n";
        return 2;
      }
      return match::dedup_main(
          dedup_input, dedup_output,
          dedup_truth.empty() ? std::nullopt : std::optional<std::string>(dedup_truth), std::cout,
          std::cerr);
    }
    if (migrate_cmd->parsed()) {
      auto db = open_and_migrate(common);
      std::cout << "migrations: " << db::applied_versions(*db).size() << " applied on "
                << db->redacted_url() << "\n";
      return 0;
    }
    if (demo_data_cmd->parsed()) {
      auto db = open_and_migrate(common);
      const auto started = std::chrono::steady_clock::now();
      const auto summary = demo::generate(*db, demo_data, demo::progress_printer(std::cerr, 3.0));
      std::cout << "demo data loaded into " << db->redacted_url() << " in "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
                << " s: " << summary.institutions << " institutions, " << summary.organizations
                << " organizations, " << summary.people << " people (" << summary.duplicates
                << " hidden duplicates), " << summary.cases << " cases, " << summary.services
                << " services, " << summary.referrals << " referrals, " << summary.admissions
                << " admissions, " << summary.users << " users, " << summary.writes
                << " audited writes\nDemo logins:\n"
                << demo::accounts_text(summary.accounts);
      return 0;
    }
    if (serve_cmd->parsed()) {
      auto db = open_and_migrate(common);
      return run_server(*db, serve, "");
    }
    if (demo_cmd->parsed()) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(demo_file + suffix);
      }
      audit::remove_journal_files(demo_file);  // an earlier demo's reads, if it crashed
      common.db_url = "sqlite:" + demo_file;
      auto db = open_and_migrate(common);
      const auto [host, port] = app::parse_listen(serve.listen);
      const std::string shown = (host == "0.0.0.0" ? "127.0.0.1" : host);
      // The demo data set: institutions, people, casework and one account per role.
      const auto started = std::chrono::steady_clock::now();
      const auto summary = demo::generate(*db, demo_data, demo::progress_printer(std::cerr, 3.0));
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      char loaded[160];
      std::snprintf(loaded, sizeof loaded, "%lld people, %lld institutions, loaded in %.1f s",
                    static_cast<long long>(summary.people),
                    static_cast<long long>(summary.institutions), seconds);
      const std::string logins = demo::accounts_text(summary.accounts);
      const std::string banner =
          "\nJisr demo is running: http://" + shown + ":" + std::to_string(port) + "/\n" +
          "Database: " + demo_file + " (SQLite, " + loaded + ")\n" +
          "Demo logins (role, login / password, scope):\n" + logins + "Stop with Ctrl-C.\n\n";
      return run_server(*db, serve, banner);
    }
    if (admin_command) {
      admin_command();
      return admin_result;
    }
  } catch (const db::ConnectionError& e) {
    std::cerr << "jisr: " << e.what() << "\n";
    return 2;
  } catch (const db::MigrationError& e) {
    std::cerr << "jisr: " << e.what() << " (the schema was left as it was before it)\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "jisr: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

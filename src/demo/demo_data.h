// src/demo/demo_data.h
//
// The national-scale demo data set (`jisr demo-data`, `jisr demo`): institutions (EPS) over
// the 75 provinces, delegations and associations, users for every role, people with Arabic
// and Latin names and their spelling variants, their cases through every workflow state,
// assessments, plans, services, referrals, admissions and a few hidden duplicates.
//
// Everything is written through the application's services (PersonService, OrgService,
// UserService, CaseService, ...), so it passes the same validation and every write has its
// audit entry. Speed comes from a db::Batch (one transaction per few thousand service
// calls, each call a savepoint). History is replayed with a timeutil::SimulatedClock: a
// record is dated when its event happened (up to ~4 years before `today`); the audit log
// keeps the real time of the load.
//
// Deterministic: the same options (seed, counts, today) give the same content — names,
// dates, counts, relations, states (canonical_dump() below) — whatever the machine. Ids
// (ULIDs) and audit timestamps differ from run to run.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "platform/db/database.h"

namespace jisr::demo {

struct DemoDataOptions {
  std::int64_t people = 20000;
  std::uint64_t seed = 1;
  int institutions = 1100;  // EPS, spread over the regions by regional_eps_weights()
  // "YYYY-MM-DD": the day the data is relative to (expiring authorizations, overdue
  // actions, pending referrals). Default: today (UTC).
  std::optional<std::string> today;
  std::string password = "jisr-demo-2026";  // of every demo account
  int ops_per_commit = 5000;                // service calls per transaction (db::Batch)
  bool relax_durability = true;             // see db::BatchOptions
  bool background_checkpoints = true;       // see db::BatchOptions (SQLite)
  // SQLite: drop the secondary (non-UNIQUE) indexes of the tables the load's statements
  // never search (audit_log, case_services, case_transitions, case_actions, case_goals,
  // cases, people, referrals) before the load and build them again at its end (faster than
  // row by row).
  bool defer_indexes = true;
  std::optional<std::string> truth_out;  // CSV of the hidden duplicates to write
  // Caseloads: the cases of an organization go to its current social worker until that worker
  // has been given `cap` cases, drawn for each worker uniformly in [caseload_min,
  // caseload_max]; then the organization's next worker account is created (no password: see
  // docs/demo-data.md, "Caseloads").
  int caseload_min = 40;
  int caseload_max = 60;
};

// A demo account, as printed for the user (the 9 accounts with the demo password; not the
// caseload workers' accounts, which have no password until an administrator sets one).
struct DemoAccount {
  std::string role;
  std::string username;
  std::string password;
  std::string scope;  // "national", "region:MA-07", "province:MA-CAS", "organization:<name>"
};

struct Progress {
  std::int64_t people_done = 0;
  std::int64_t people_total = 0;
  std::int64_t writes = 0;  // service calls so far (each one audited write)
  std::string stage;        // after the people: what is being done ("building index ...")
};

struct DemoDataSummary {
  std::int64_t organizations = 0;  // all kinds, institutions included
  std::int64_t institutions = 0;
  std::int64_t users = 0;            // the caseload workers included
  std::int64_t worker_accounts = 0;  // caseload workers created without a password
  std::int64_t people = 0;           // hidden duplicates included
  std::int64_t duplicates = 0;
  std::int64_t cases = 0;
  std::int64_t transitions = 0;
  std::int64_t services = 0;
  std::int64_t plan_actions = 0;
  std::int64_t referrals = 0;
  std::int64_t admissions = 0;
  std::int64_t writes = 0;
  std::vector<DemoAccount> accounts;
};

// Loads the data set into a migrated database that holds no organizations, people or users
// yet (a fresh one). Calls `progress` every few hundred people. Throws what the services
// throw (a bug in the generator: the data must be valid) and std::invalid_argument on bad
// options.
DemoDataSummary generate(db::Database& db, const DemoDataOptions& options,
                         const std::function<void(const Progress&)>& progress = nullptr);

// A progress reporter for `progress`: a line on `out` at most every `every_seconds` (and at
// the end): people done/total, writes, rate, ETA.
std::function<void(const Progress&)> progress_printer(std::ostream& out, double every_seconds);

// The accounts as lines "  role  login / password  (scope)" for the console.
std::string accounts_text(const std::vector<DemoAccount>& accounts);

// The business content of the database as text, without ids or timestamps of writing:
// organizations, users, people (by file number), cases, transitions, assessments, plans,
// services, referrals, admissions, each in a stable order. Two loads with the same options
// give the same dump.
std::string canonical_dump(db::Database& db);

// Institutions per region (region code → relative weight), roughly as published regional
// counts of EPS: see docs/demo-data.md.
const std::vector<std::pair<std::string, int>>& regional_eps_weights();

}  // namespace jisr::demo

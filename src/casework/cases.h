// src/casework/cases.h
//
// Cases (dossiers de prise en charge): one person, one module, an owner organization and
// user, an assigned worker, a risk level and the workflow of workflow.h. The service checks
// the permission and the scope of every call, writes one transaction per change with its
// audit entry last, and refuses stale versions.
//
// Scope: a case is visible when its person is visible (person::scope_condition) and, for
// social workers and association workers, only when it belongs to their organization.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "audit/audit.h"
#include "person/person.h"
#include "platform/db/database.h"

namespace jisr::casework {

struct Case {
  std::string id;
  std::string person_id;
  std::string module;
  std::string status = "open";
  std::string owner_org_id;
  std::optional<std::string> owner_user_id;
  std::optional<std::string> assigned_user_id;
  std::string risk_level = "medium";
  std::optional<std::string> summary;
  std::optional<std::string> closure_reason;
  std::optional<std::string> review_due_on;
  std::string opened_on;
  std::optional<std::string> closed_at;
  std::string last_transition_at;
  std::optional<std::string> assessed_at;
  std::int64_t version = 1;
  std::string created_at, updated_at;
};

// A case with its person (read in the same query).
struct CaseRecord {
  Case c;
  person::Person person;
};

// A case with only where its person lives: what the checks of a write on a part of a case
// (plan, services, assessment, notes) need, without reading and copying the person's file.
struct CaseHead {
  Case c;
  std::string region_code, province_code;  // of its person
};

nlohmann::json to_json(const Case& c);

struct NewCase {
  std::string person_id;
  std::string module;
  std::string risk_level = "medium";
  std::optional<std::string> owner_org_id;  // default: the caller's organization
  std::optional<std::string> assigned_user_id;
  std::optional<std::string> summary;
  std::optional<std::string> review_due_on;
};

// Absent fields are left as they are; an inner empty optional clears the field.
struct CasePatch {
  std::optional<std::string> risk_level;
  std::optional<std::optional<std::string>> assigned_user_id;
  std::optional<std::optional<std::string>> summary;
  std::optional<std::optional<std::string>> review_due_on;
};

struct CaseFilter {
  std::optional<std::string> person_id;
  std::optional<std::string> status;  // a status, or "active" for every status but closed
  std::optional<std::string> module;
  bool mine = false;  // owned by or assigned to the caller
};

// One page of cases and how many match in all.
struct CasePage {
  std::vector<CaseRecord> cases;
  std::int64_t total = 0;
};

// The open cases owned by or assigned to `user_id` as a table expression "(SELECT id,
// person_id, owner_org_id, status ... UNION ...)", read from the partial indexes
// cases_owner_user_open and cases_assigned_user_open (migration 0013) without reading each
// case: at 1,000,000 people a worker with 7,574 open cases costs 9 ms instead of 45 ms to
// count. Appends its parameter.
std::string my_open_cases_table(const std::string& user_id, std::vector<db::Value>& params);

// " FROM <my open cases> c<join>[ JOIN people p ON p.id = c.person_id] WHERE <scope>": the
// caller's own open cases within their scope (as case_scope_condition); `c` has only the
// columns of my_open_cases_table, `join` may join more tables to it. The people table is
// joined only when the scope needs it (region, province). Appends its parameters.
std::string my_open_cases_from(const access::Principal& by, std::vector<db::Value>& params,
                               const std::string& join = "");

// The SQL condition "case `c` is owned by or assigned to `user_id`" (an id set read from the
// two user indexes), and with `open_only` not closed; appends its parameter.
std::string mine_cases_condition(const std::string& user_id, std::vector<db::Value>& params,
                                 bool open_only = false);

// True for the roles whose case scope is also limited to their own organization.
bool is_field_worker(const access::Principal& p);

// The SQL condition limiting `cases c JOIN people p` to what `pr` may see; appends its
// parameters.
std::string case_scope_condition(const access::Principal& pr, std::vector<db::Value>& params);

// The SELECT list "c.*, p.*" read by record_from_row().
std::string record_columns();
CaseRecord record_from_row(const std::vector<db::Value>& row);

// The case if it exists and `pr` may see it (no permission check), else empty.
std::optional<CaseRecord> find_visible_case(db::Connection& conn, const access::Principal& pr,
                                            const std::string& case_id);

// May `pr` read the confidential notes of this (visible) case? Only the owning organization
// and supervisors/coordinators holding note.confidential.read.
bool may_read_confidential(const access::Principal& pr, const Case& c);

// Where a case sits, for the audit log: its person's territory and the owner organization.
audit::Place place_of(const CaseRecord& r);
audit::Place place_of(const CaseHead& h);

class CaseService {
 public:
  explicit CaseService(db::Database& db) : db_(db) {}

  // Opens a case (case.write; the person must be visible). Grants the owner organization
  // access to the person. Throws Invalid, NotFound (person), Forbidden.
  CaseRecord open(const access::Principal& by, const audit::Actor& actor, const NewCase& in);

  // A visible case (case.read), else NotFound.
  CaseRecord get(const access::Principal& by, const std::string& id);

  // Visible cases matching `filter`, by id, after `after_id`, at most `limit`.
  std::vector<CaseRecord> list(const access::Principal& by, const CaseFilter& filter,
                               const std::optional<std::string>& after_id, int limit);

  // Visible cases matching `filter` (case.read), by id, skipping `offset`, at most `limit`,
  // with the number of matching cases.
  CasePage page(const access::Principal& by, const CaseFilter& filter, std::int64_t offset,
                int limit);

  // Edits risk level, assignment (audited as such), summary, review date; Conflict
  // "stale_version" when `expected_version` is not current.
  CaseRecord update(const access::Principal& by, const audit::Actor& actor, const std::string& id,
                    const CasePatch& patch, std::int64_t expected_version);

  // Moves the case to `to`. Conflict "illegal_transition" (409) when the workflow forbids it;
  // Invalid when closing without a known closure reason; Conflict "stale_version" when a
  // given version is not current.
  CaseRecord transition(const access::Principal& by, const audit::Actor& actor,
                        const std::string& id, const std::string& to,
                        const std::optional<std::string>& closure_reason,
                        std::optional<std::int64_t> expected_version);

  // transition() returning the case with its person's territory only (require_writable_case_head):
  // the same checks and writes without reading the person's file (bulk loads).
  CaseHead transition_head(const access::Principal& by, const audit::Actor& actor,
                           const std::string& id, const std::string& to,
                           const std::optional<std::string>& closure_reason,
                           std::optional<std::int64_t> expected_version);

 private:
  db::Database& db_;
};

// Loads a visible case for a write on one of its parts (case.write), inside `conn`'s
// transaction; throws Forbidden or NotFound.
CaseRecord require_writable_case(db::Connection& conn, const access::Principal& by,
                                 const std::string& case_id);

// require_writable_case for a write on a part of the case: the same checks (case.write, the
// same visibility condition), reading the case and its person's territory only.
CaseHead require_writable_case_head(db::Connection& conn, const access::Principal& by,
                                    const std::string& case_id);

// Checks that `user_id` is an active user of organization `org_id`; else sets errors[field].
void check_assignee(db::Database& db, db::Connection& conn, const std::string& user_id,
                    const std::string& org_id, const std::string& field,
                    std::map<std::string, std::string>& errors);

}  // namespace jisr::casework

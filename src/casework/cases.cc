// src/casework/cases.cc
#include "casework/cases.h"

#include <nlohmann/json.hpp>

#include "access/users.h"
#include "casework/input.h"
#include "casework/institution_facts.h"
#include "casework/vocabulary.h"
#include "casework/workflow.h"
#include "platform/error.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::casework {
namespace {

constexpr const char* kCaseColumns =
    "c.id, c.person_id, c.module, c.status, c.owner_org_id, c.owner_user_id, c.assigned_user_id, "
    "c.risk_level, c.summary, c.closure_reason, c.review_due_on, c.opened_on, c.closed_at, "
    "c.last_transition_at, c.assessed_at, c.version, c.created_at, c.updated_at";
constexpr std::size_t kCaseColumnCount = 18;

nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

void validate_review_date(const std::optional<std::string>& d, Errors& errors) {
  if (d && !timeutil::is_valid_date(*d)) errors["review_due_on"] = "validation.invalid_date";
}

}  // namespace

nlohmann::json to_json(const Case& c) {
  return {{"id", c.id},
          {"person_id", c.person_id},
          {"module", c.module},
          {"status", c.status},
          {"owner_org", c.owner_org_id},
          {"owner_user_id", opt(c.owner_user_id)},
          {"assigned_user_id", opt(c.assigned_user_id)},
          {"risk_level", c.risk_level},
          {"summary", opt(c.summary)},
          {"closure_reason", opt(c.closure_reason)},
          {"review_due_on", opt(c.review_due_on)},
          {"opened_on", c.opened_on},
          {"closed_at", opt(c.closed_at)},
          {"last_transition_at", c.last_transition_at},
          {"assessed_at", opt(c.assessed_at)},
          {"next_statuses", next_statuses(c.status)},
          {"version", c.version},
          {"created_at", c.created_at},
          {"updated_at", c.updated_at}};
}

bool is_field_worker(const access::Principal& p) {
  return p.role == access::Role::kSocialWorker || p.role == access::Role::kAssociationWorker;
}

std::string case_scope_condition(const access::Principal& pr, std::vector<db::Value>& params) {
  // Decided before any parameter is added: PostgreSQL refuses a parameter that the SQL does
  // not use ("could not determine data type").
  if (is_field_worker(pr) && !pr.organization_id) return "1=0";
  std::string cond = person::scope_condition(pr, "p", params);
  if (is_field_worker(pr)) {
    params.emplace_back(*pr.organization_id);
    cond += " AND c.owner_org_id = $" + std::to_string(params.size());
  }
  return cond;
}

std::string record_columns() {
  return std::string(kCaseColumns) + ", " + person::columns();
}

namespace {

// The case columns (kCaseColumns) at the start of `r`.
Case case_from_row(const std::vector<db::Value>& r) {
  Case c;
  c.id = db::text_or(r[0], "");
  c.person_id = db::text_or(r[1], "");
  c.module = db::text_or(r[2], "");
  c.status = db::text_or(r[3], "open");
  c.owner_org_id = db::text_or(r[4], "");
  c.owner_user_id = db::as_text(r[5]);
  c.assigned_user_id = db::as_text(r[6]);
  c.risk_level = db::text_or(r[7], "medium");
  c.summary = db::as_text(r[8]);
  c.closure_reason = db::as_text(r[9]);
  c.review_due_on = db::as_text(r[10]);
  c.opened_on = db::text_or(r[11], "");
  c.closed_at = db::as_text(r[12]);
  c.last_transition_at = db::text_or(r[13], "");
  c.assessed_at = db::as_text(r[14]);
  c.version = db::as_int(r[15]).value_or(1);
  c.created_at = db::text_or(r[16], "");
  c.updated_at = db::text_or(r[17], "");
  return c;
}

}  // namespace

CaseRecord record_from_row(const std::vector<db::Value>& r) {
  CaseRecord out;
  out.c = case_from_row(r);
  out.person = person::from_row(
      std::vector<db::Value>(r.begin() + static_cast<std::ptrdiff_t>(kCaseColumnCount), r.end()));
  return out;
}

std::optional<CaseRecord> find_visible_case(db::Connection& conn, const access::Principal& pr,
                                            const std::string& case_id) {
  std::vector<db::Value> params = {db::Value(case_id)};
  const std::string where = case_scope_condition(pr, params);
  auto rows = conn.query(
      "SELECT " + record_columns() +
          " FROM cases c JOIN people p ON p.id = c.person_id WHERE c.id = $1 AND " + where,
      params);
  if (rows.empty()) return std::nullopt;
  return record_from_row(rows.rows[0]);
}

bool may_read_confidential(const access::Principal& pr, const Case& c) {
  if (!pr.can(access::Action::kConfidentialNoteRead)) return false;
  if (pr.organization_id && *pr.organization_id == c.owner_org_id) return true;
  return pr.role == access::Role::kNationalSupervisor ||
         pr.role == access::Role::kRegionalSupervisor ||
         pr.role == access::Role::kProvincialCoordinator;
}

audit::Place place_of(const CaseRecord& r) {
  return {r.person.region_code, r.person.province_code, r.c.owner_org_id};
}

audit::Place place_of(const CaseHead& h) {
  return {h.region_code, h.province_code, h.c.owner_org_id};
}

CaseHead require_writable_case_head(db::Connection& conn, const access::Principal& by,
                                    const std::string& case_id) {
  if (!by.can(access::Action::kCaseWrite)) throw Forbidden();
  std::vector<db::Value> params = {db::Value(case_id)};
  const std::string where = case_scope_condition(by, params);
  auto rows = conn.query(std::string("SELECT ") + kCaseColumns +
                             ", p.region_code, p.province_code FROM cases c JOIN people p ON "
                             "p.id = c.person_id WHERE c.id = $1 AND " +
                             where,
                         params);
  if (rows.empty()) throw NotFound();
  const auto& r = rows.rows[0];
  return {case_from_row(r), db::text_or(r[kCaseColumnCount], ""),
          db::text_or(r[kCaseColumnCount + 1], "")};
}

CaseRecord require_writable_case(db::Connection& conn, const access::Principal& by,
                                 const std::string& case_id) {
  if (!by.can(access::Action::kCaseWrite)) throw Forbidden();
  auto rec = find_visible_case(conn, by, case_id);
  if (!rec) throw NotFound();
  return *rec;
}

void check_assignee(db::Database& db, db::Connection& conn, const std::string& user_id,
                    const std::string& org_id, const std::string& field, Errors& errors) {
  access::UserService users(db);
  auto u = users.find_by_id(conn, user_id);
  if (!u || !u->active || u->organization_id != org_id) {
    errors[field] = "case.validation.assignee_not_in_org";
  }
}

CaseRecord CaseService::open(const access::Principal& by, const audit::Actor& actor,
                             const NewCase& in) {
  if (!by.can(access::Action::kCaseWrite)) throw Forbidden();
  Errors errors;
  if (in.person_id.empty()) errors["person_id"] = "validation.required";
  if (!one_of(modules(), in.module)) errors["module"] = "case.validation.invalid_module";
  if (!one_of(risk_levels(), in.risk_level)) errors["risk_level"] = "case.validation.invalid_risk";
  const auto summary = non_blank(in.summary);
  if (summary && summary->size() > 4000) errors["summary"] = "validation.too_long";
  validate_review_date(in.review_due_on, errors);
  std::optional<std::string> owner_org = non_blank(in.owner_org_id);
  if (!owner_org) owner_org = by.organization_id;

  db::Transaction tx(db_, db::TxMode::kWrite);
  std::optional<person::Person> who;
  if (!in.person_id.empty()) {
    who = person::find_visible(tx.conn(), by, in.person_id);
    if (!who) errors["person_id"] = "case.validation.unknown_person";
  }
  if (!owner_org) {
    errors["owner_org"] = "case.validation.owner_org_required";
  } else if (is_field_worker(by) && by.organization_id != owner_org) {
    errors["owner_org"] = "case.validation.owner_org_not_yours";
  } else if (!org_facts(tx.conn(), *owner_org)) {
    errors["owner_org"] = "validation.unknown_organization";
  }
  if (in.assigned_user_id && owner_org && !errors.count("owner_org")) {
    check_assignee(db_, tx.conn(), *in.assigned_user_id, *owner_org, "assigned_user_id", errors);
  }
  if (!errors.empty()) throw Invalid(errors);

  CaseRecord rec;
  rec.person = *who;
  Case& c = rec.c;
  c.id = ids::new_id();
  c.person_id = who->id;
  c.module = in.module;
  c.risk_level = in.risk_level;
  c.owner_org_id = *owner_org;
  c.owner_user_id = by.user_id;
  c.assigned_user_id = in.assigned_user_id;
  c.summary = summary;
  c.review_due_on = in.review_due_on;
  c.created_at = c.updated_at = c.last_transition_at = timeutil::now_utc();
  c.opened_on = c.created_at.substr(0, 10);
  tx.query(
      "INSERT INTO cases(id, person_id, module, status, owner_org_id, owner_user_id, "
      "assigned_user_id, risk_level, summary, review_due_on, opened_on, last_transition_at, "
      "version, created_at, updated_at, created_by) VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, "
      "$8, $9, $10, $11, 1, $11, $11, $5)",
      {db::Value(c.id), db::Value(c.person_id), db::Value(c.module), db::Value(c.owner_org_id),
       db::optional_text(c.owner_user_id), db::optional_text(c.assigned_user_id),
       db::Value(c.risk_level), db::optional_text(c.summary), db::optional_text(c.review_due_on),
       db::Value(c.opened_on), db::Value(c.created_at)});
  person::grant_access(tx.conn(), c.person_id, c.owner_org_id, "case");
  audit::append(tx.conn(), actor, "create", "case", c.id, nullptr, to_json(c), place_of(rec));
  tx.commit();
  return rec;
}

CaseRecord CaseService::get(const access::Principal& by, const std::string& id) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  auto lease = db_.acquire();
  auto rec = find_visible_case(*lease, by, id);
  if (!rec) throw NotFound();
  return *rec;
}

namespace {

// " FROM cases c JOIN people p ... WHERE ..." for the visible cases matching `filter`, without
// `after_id`; appends its parameters.
std::string filtered_cases(const access::Principal& by, const CaseFilter& filter,
                           std::vector<db::Value>& params) {
  std::string sql =
      " FROM cases c JOIN people p ON p.id = c.person_id WHERE " + case_scope_condition(by, params);
  auto add = [&](const std::string& cond, db::Value v) {
    params.push_back(std::move(v));
    sql += " AND " + cond + std::to_string(params.size());
  };
  if (filter.person_id) add("c.person_id = $", *filter.person_id);
  if (filter.module) add("c.module = $", *filter.module);
  if (filter.status) {
    if (*filter.status == "active") {
      sql += " AND c.status <> 'closed'";
    } else {
      add("c.status = $", *filter.status);
    }
  }
  if (filter.mine) {
    const bool open_only = filter.status && *filter.status == "active";
    sql += " AND " + mine_cases_condition(by.user_id, params, open_only);
  }
  return sql;
}

}  // namespace

std::string mine_cases_condition(const std::string& user_id, std::vector<db::Value>& params,
                                 bool open_only) {
  // Written as a set of ids from the two user indexes (cases_owner_user, cases_assigned_user):
  // with "owner = $n OR assigned = $n" the planners walk the organization's cases instead.
  // Both indexes hold the status: `open_only` drops the closed cases there, before each case
  // is read (a worker with 9,471 cases, 7,574 open, at 1,000,000 people).
  params.emplace_back(user_id);
  const auto n = std::to_string(params.size());
  const std::string open = open_only ? " AND status <> 'closed'" : "";
  return "c.id IN (SELECT id FROM cases WHERE owner_user_id = $" + n + open +
         " UNION SELECT id FROM cases WHERE assigned_user_id = $" + n + open + ")";
}

std::string my_open_cases_table(const std::string& user_id, std::vector<db::Value>& params) {
  params.emplace_back(user_id);
  const auto n = std::to_string(params.size());
  auto side = [&](const std::string& who) {
    return "SELECT id, person_id, owner_org_id, status FROM cases WHERE " + who + " = $" + n +
           " AND status <> 'closed'";
  };
  return "(" + side("owner_user_id") + " UNION " + side("assigned_user_id") + ")";
}

std::string my_open_cases_from(const access::Principal& by, std::vector<db::Value>& params,
                               const std::string& join) {
  // As case_scope_condition, decided before any parameter is added.
  if (is_field_worker(by) && !by.organization_id) return " FROM cases c" + join + " WHERE 1=0";
  std::string sql = " FROM " + my_open_cases_table(by.user_id, params) + " c" + join;
  std::string cond;
  if (auto on_id = person::scope_condition_on_id(by, "c.person_id", params)) {
    cond = *on_id;
  } else {
    sql += " JOIN people p ON p.id = c.person_id";
    cond = person::scope_condition(by, "p", params);
  }
  if (is_field_worker(by)) {
    params.emplace_back(*by.organization_id);
    cond += " AND c.owner_org_id = $" + std::to_string(params.size());
  }
  return sql + " WHERE " + cond;
}

std::vector<CaseRecord> CaseService::list(const access::Principal& by, const CaseFilter& filter,
                                          const std::optional<std::string>& after_id, int limit) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  std::vector<db::Value> params;
  std::string sql = "SELECT " + record_columns() + filtered_cases(by, filter, params);
  if (after_id) {
    params.emplace_back(*after_id);
    sql += " AND c.id > $" + std::to_string(params.size());
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY c.id LIMIT $" + std::to_string(params.size());
  auto lease = db_.acquire();
  std::vector<CaseRecord> out;
  for (const auto& r : lease->query(sql, params).rows) out.push_back(record_from_row(r));
  return out;
}

CasePage CaseService::page(const access::Principal& by, const CaseFilter& filter,
                           std::int64_t offset, int limit) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  CasePage out;
  auto lease = db_.acquire();
  {
    std::vector<db::Value> params;
    // The caseload's count (my open cases, no other filter) from the user indexes alone.
    const bool my_open =
        filter.mine && filter.status == "active" && !filter.person_id && !filter.module;
    const std::string sql = "SELECT count(*)" + (my_open ? my_open_cases_from(by, params)
                                                         : filtered_cases(by, filter, params));
    out.total = db::as_int(lease->query(sql, params).rows.at(0).at(0)).value_or(0);
  }
  if (offset >= out.total) return out;
  std::vector<db::Value> params;
  std::string sql = "SELECT " + record_columns() + filtered_cases(by, filter, params);
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY c.id LIMIT $" + std::to_string(params.size());
  params.emplace_back(offset);
  sql += " OFFSET $" + std::to_string(params.size());
  for (const auto& r : lease->query(sql, params).rows) out.cases.push_back(record_from_row(r));
  return out;
}

CaseRecord CaseService::update(const access::Principal& by, const audit::Actor& actor,
                               const std::string& id, const CasePatch& patch,
                               std::int64_t expected_version) {
  db::Transaction tx(db_, db::TxMode::kWrite);
  const CaseRecord current = require_writable_case(tx.conn(), by, id);
  if (current.c.version != expected_version) throw Conflict("stale_version", "error.stale_version");
  CaseRecord rec = current;
  Case& c = rec.c;
  Errors errors;
  if (patch.risk_level) {
    if (!one_of(risk_levels(), *patch.risk_level)) {
      errors["risk_level"] = "case.validation.invalid_risk";
    }
    c.risk_level = *patch.risk_level;
  }
  if (patch.summary) {
    c.summary = non_blank(*patch.summary);
    if (c.summary && c.summary->size() > 4000) errors["summary"] = "validation.too_long";
  }
  if (patch.review_due_on) {
    c.review_due_on = *patch.review_due_on;
    validate_review_date(c.review_due_on, errors);
  }
  if (patch.assigned_user_id) {
    c.assigned_user_id = *patch.assigned_user_id;
    if (c.assigned_user_id && c.assigned_user_id != current.c.assigned_user_id) {
      check_assignee(db_, tx.conn(), *c.assigned_user_id, c.owner_org_id, "assigned_user_id",
                     errors);
    }
  }
  if (!errors.empty()) throw Invalid(errors);
  c.version = current.c.version + 1;
  c.updated_at = timeutil::now_utc();
  auto result = tx.query(
      "UPDATE cases SET risk_level = $1, summary = $2, review_due_on = $3, assigned_user_id = $4, "
      "version = $5, updated_at = $6 WHERE id = $7 AND version = $8",
      {db::Value(c.risk_level), db::optional_text(c.summary), db::optional_text(c.review_due_on),
       db::optional_text(c.assigned_user_id), db::Value(c.version), db::Value(c.updated_at),
       db::Value(c.id), db::Value(expected_version)});
  if (result.affected_rows != 1) throw Conflict("stale_version", "error.stale_version");
  auto [before, after] = audit::diff(to_json(current.c), to_json(c));
  for (auto* j : {&before, &after}) {
    j->erase("version");
    j->erase("updated_at");
  }
  // A change of worker is its own kind of entry, so that the history of assignments reads
  // plainly in the log.
  const bool reassigned = current.c.assigned_user_id != c.assigned_user_id;
  audit::append(tx.conn(), actor, reassigned ? "assign" : "update", "case", c.id, before, after,
                place_of(rec));
  tx.commit();
  return rec;
}

namespace {

// The checks and writes of a transition of `current` (read in `tx` by the caller, who
// commits); returns the case after it.
Case apply_transition(db::Transaction& tx, const access::Principal& by, const audit::Actor& actor,
                      const Case& current, const audit::Place& place, const std::string& to,
                      const std::optional<std::string>& closure_reason,
                      std::optional<std::int64_t> expected_version) {
  if (!is_status(to)) throw Invalid("to", "case.validation.invalid_status");
  if (expected_version && *expected_version != current.version) {
    throw Conflict("stale_version", "error.stale_version");
  }
  if (!is_legal_transition(current.status, to)) {
    throw Conflict("illegal_transition", "case.error.illegal_transition");
  }
  const auto reason = non_blank(closure_reason);
  if (needs_closure_reason(to) && (!reason || !one_of(closure_reasons(), *reason))) {
    throw Invalid("closure_reason",
                  reason ? "case.validation.invalid_closure_reason" : "validation.required");
  }
  Case c = current;
  const auto now = timeutil::now_utc();
  c.status = to;
  c.last_transition_at = now;
  c.updated_at = now;
  c.version = current.version + 1;
  if (to == "closed") {
    c.closure_reason = reason;
    c.closed_at = now;
  } else if (current.status == "closed") {
    c.closure_reason.reset();
    c.closed_at.reset();
  }
  auto result = tx.query(
      "UPDATE cases SET status = $1, closure_reason = $2, closed_at = $3, last_transition_at = $4, "
      "updated_at = $4, version = $5 WHERE id = $6 AND version = $7",
      {db::Value(c.status), db::optional_text(c.closure_reason), db::optional_text(c.closed_at),
       db::Value(now), db::Value(c.version), db::Value(c.id), db::Value(current.version)});
  if (result.affected_rows != 1) throw Conflict("stale_version", "error.stale_version");
  tx.query(
      "INSERT INTO case_transitions(id, case_id, from_status, to_status, closure_reason, at, "
      "by_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {db::Value(ids::new_id()), db::Value(c.id), db::Value(current.status), db::Value(to),
       db::optional_text(c.closure_reason), db::Value(now), db::Value(by.user_id)});
  nlohmann::json before = {{"status", current.status}};
  nlohmann::json after = {{"status", to}};
  if (c.closure_reason) after["closure_reason"] = *c.closure_reason;
  audit::append(tx.conn(), actor, current.status == "closed" ? "reopen" : "transition", "case",
                c.id, before, after, place);
  return c;
}

}  // namespace

CaseRecord CaseService::transition(const access::Principal& by, const audit::Actor& actor,
                                   const std::string& id, const std::string& to,
                                   const std::optional<std::string>& closure_reason,
                                   std::optional<std::int64_t> expected_version) {
  db::Transaction tx(db_, db::TxMode::kWrite);
  CaseRecord rec = require_writable_case(tx.conn(), by, id);
  rec.c =
      apply_transition(tx, by, actor, rec.c, place_of(rec), to, closure_reason, expected_version);
  tx.commit();
  return rec;
}

CaseHead CaseService::transition_head(const access::Principal& by, const audit::Actor& actor,
                                      const std::string& id, const std::string& to,
                                      const std::optional<std::string>& closure_reason,
                                      std::optional<std::int64_t> expected_version) {
  db::Transaction tx(db_, db::TxMode::kWrite);
  CaseHead head = require_writable_case_head(tx.conn(), by, id);
  head.c =
      apply_transition(tx, by, actor, head.c, place_of(head), to, closure_reason, expected_version);
  tx.commit();
  return head;
}

}  // namespace jisr::casework

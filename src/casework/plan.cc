// src/casework/plan.cc
#include "casework/plan.h"

#include <nlohmann/json.hpp>

#include "casework/cases.h"
#include "casework/input.h"
#include "platform/error.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::casework {
namespace {

nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

constexpr const char* kActionSelect =
    "SELECT a.id, a.case_id, a.goal_id, a.title, a.responsible_user_id, "
    "COALESCE(a.responsible_text, u.display_name), a.due_on, a.done_on, a.created_at "
    "FROM case_actions a LEFT JOIN users u ON u.id = a.responsible_user_id ";

PlanAction action_from_row(const std::vector<db::Value>& r) {
  return {db::text_or(r[0], ""), db::text_or(r[1], ""), db::as_text(r[2]),
          db::text_or(r[3], ""), db::as_text(r[4]),     db::as_text(r[5]),
          db::as_text(r[6]),     db::as_text(r[7]),     db::text_or(r[8], "")};
}

std::string checked_title(const std::string& title, Errors& errors) {
  std::string t = trim(title);
  if (t.empty()) errors["title"] = "validation.required";
  if (t.size() > 500) errors["title"] = "validation.too_long";
  return t;
}

}  // namespace

nlohmann::json to_json(const PlanAction& a) {
  return {{"id", a.id},
          {"case_id", a.case_id},
          {"goal_id", opt(a.goal_id)},
          {"title", a.title},
          {"responsible_user_id", opt(a.responsible_user_id)},
          {"responsible", opt(a.responsible_name)},
          {"due_on", opt(a.due_on)},
          {"done_on", opt(a.done_on)},
          {"overdue", a.overdue(today())},
          {"created_at", a.created_at}};
}

nlohmann::json to_json(const Plan& p) {
  nlohmann::json goals = nlohmann::json::array();
  for (const auto& g : p.goals) {
    goals.push_back(
        {{"id", g.id}, {"case_id", g.case_id}, {"title", g.title}, {"created_at", g.created_at}});
  }
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& a : p.actions) actions.push_back(to_json(a));
  return {{"case_id", p.case_id}, {"goals", goals}, {"actions", actions}};
}

Plan get_plan(db::Database& db, const access::Principal& by, const std::string& case_id) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  auto lease = db.acquire();
  if (!find_visible_case(*lease, by, case_id)) throw NotFound();
  Plan p;
  p.case_id = case_id;
  for (const auto& r : lease
                           ->query("SELECT id, case_id, title, created_at FROM case_goals WHERE "
                                   "case_id = $1 ORDER BY id",
                                   {db::Value(case_id)})
                           .rows) {
    p.goals.push_back({db::text_or(r[0], ""), db::text_or(r[1], ""), db::text_or(r[2], ""),
                       db::text_or(r[3], "")});
  }
  for (const auto& r : lease
                           ->query(std::string(kActionSelect) +
                                       "WHERE a.case_id = $1 ORDER BY CASE WHEN a.due_on IS NULL "
                                       "THEN 1 ELSE 0 END, a.due_on, a.id",
                                   {db::Value(case_id)})
                           .rows) {
    p.actions.push_back(action_from_row(r));
  }
  return p;
}

namespace {

// add_goal inside the caller's transaction, on the checked case `rec`.
Goal insert_goal(db::Transaction& tx, const access::Principal& by, const audit::Actor& actor,
                 const CaseHead& rec, const std::string& title) {
  const std::string& case_id = rec.c.id;
  Errors errors;
  Goal g{ids::new_id(), case_id, checked_title(title, errors), timeutil::now_utc()};
  if (!errors.empty()) throw Invalid(errors);
  tx.query(
      "INSERT INTO case_goals(id, case_id, title, created_at, created_by) VALUES ($1, $2, $3, "
      "$4, $5)",
      {db::Value(g.id), db::Value(case_id), db::Value(g.title), db::Value(g.created_at),
       db::Value(by.user_id)});
  audit::append(tx.conn(), actor, "create", "case_goal", g.id, nullptr,
                {{"case_id", case_id}, {"title", g.title}}, place_of(rec));
  return g;
}

// add_action inside the caller's transaction, on the checked case `rec`; returns the action
// as written (responsible_name: the text given).
PlanAction insert_action(db::Database& db, db::Transaction& tx, const access::Principal& by,
                         const audit::Actor& actor, const CaseHead& rec, const NewAction& in) {
  const std::string& case_id = rec.c.id;
  Errors errors;
  PlanAction a;
  a.id = ids::new_id();
  a.case_id = case_id;
  a.title = checked_title(in.title, errors);
  a.goal_id = non_blank(in.goal_id);
  if (a.goal_id && tx.query("SELECT 1 FROM case_goals WHERE id = $1 AND case_id = $2",
                            {db::Value(*a.goal_id), db::Value(case_id)})
                       .empty()) {
    errors["goal_id"] = "case.validation.unknown_goal";
  }
  a.responsible_user_id = non_blank(in.responsible_user_id);
  if (a.responsible_user_id) {
    check_assignee(db, tx.conn(), *a.responsible_user_id, rec.c.owner_org_id, "responsible_user_id",
                   errors);
  }
  a.responsible_name = non_blank(in.responsible);
  if (a.responsible_name && a.responsible_name->size() > 200) {
    errors["responsible"] = "validation.too_long";
  }
  a.due_on = non_blank(in.due_on);
  if (a.due_on && !timeutil::is_valid_date(*a.due_on)) errors["due_on"] = "validation.invalid_date";
  if (!errors.empty()) throw Invalid(errors);
  a.created_at = timeutil::now_utc();
  tx.query(
      "INSERT INTO case_actions(id, case_id, goal_id, title, responsible_user_id, "
      "responsible_text, due_on, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9)",
      {db::Value(a.id), db::Value(case_id), db::optional_text(a.goal_id), db::Value(a.title),
       db::optional_text(a.responsible_user_id), db::optional_text(a.responsible_name),
       db::optional_text(a.due_on), db::Value(a.created_at), db::Value(by.user_id)});
  audit::append(tx.conn(), actor, "create", "case_action", a.id, nullptr, to_json(a),
                place_of(rec));
  return a;
}

}  // namespace

Goal add_goal(db::Database& db, const access::Principal& by, const audit::Actor& actor,
              const std::string& case_id, const std::string& title) {
  db::Transaction tx(db, db::TxMode::kWrite);
  const CaseHead rec = require_writable_case_head(tx.conn(), by, case_id);
  Goal g = insert_goal(tx, by, actor, rec, title);
  tx.commit();
  return g;
}

PlanAction add_action(db::Database& db, const access::Principal& by, const audit::Actor& actor,
                      const std::string& case_id, const NewAction& in) {
  db::Transaction tx(db, db::TxMode::kWrite);
  const CaseHead rec = require_writable_case_head(tx.conn(), by, case_id);
  const PlanAction a = insert_action(db, tx, by, actor, rec, in);
  auto row = tx.query(std::string(kActionSelect) + "WHERE a.id = $1", {db::Value(a.id)});
  tx.commit();
  return action_from_row(row.rows[0]);
}

PlanAdded add_plan(db::Database& db, const access::Principal& by, const audit::Actor& actor,
                   const std::string& case_id, const std::string& goal_title,
                   const std::vector<NewAction>& actions) {
  db::Transaction tx(db, db::TxMode::kWrite);
  const CaseHead rec = require_writable_case_head(tx.conn(), by, case_id);
  PlanAdded out;
  out.goal = insert_goal(tx, by, actor, rec, goal_title);
  out.actions.reserve(actions.size());
  for (const auto& item : actions) {
    if (non_blank(item.goal_id)) {
      out.actions.push_back(insert_action(db, tx, by, actor, rec, item));
    } else {
      NewAction in = item;
      in.goal_id = out.goal.id;
      out.actions.push_back(insert_action(db, tx, by, actor, rec, in));
    }
  }
  tx.commit();
  return out;
}

PlanAction set_action_done(db::Database& db, const access::Principal& by, const audit::Actor& actor,
                           const std::string& case_id, const std::string& action_id,
                           const std::optional<std::string>& done_on) {
  db::Transaction tx(db, db::TxMode::kWrite);
  const CaseHead rec = require_writable_case_head(tx.conn(), by, case_id);
  auto rows = tx.query(std::string(kActionSelect) + "WHERE a.id = $1 AND a.case_id = $2",
                       {db::Value(action_id), db::Value(case_id)});
  if (rows.empty()) throw NotFound();
  PlanAction a = action_from_row(rows.rows[0]);
  const auto done = non_blank(done_on);
  if (done && !timeutil::is_valid_date(*done)) throw Invalid("done_on", "validation.invalid_date");
  if (done && *done > today()) throw Invalid("done_on", "case.validation.date_in_future");
  const auto before = a.done_on;
  a.done_on = done;
  tx.query("UPDATE case_actions SET done_on = $1 WHERE id = $2",
           {db::optional_text(a.done_on), db::Value(a.id)});
  audit::append(tx.conn(), actor, "update", "case_action", a.id, {{"done_on", opt(before)}},
                {{"done_on", opt(a.done_on)}}, place_of(rec));
  tx.commit();
  return a;
}

}  // namespace jisr::casework

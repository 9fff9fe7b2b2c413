// src/casework/plan.h
//
// The care plan (plan de prise en charge) of a case: goals, and actions with a responsible
// person (a user of the system or a name typed in), a due date and a done date.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "audit/audit.h"
#include "platform/db/database.h"

namespace jisr::casework {

struct PlanAction {
  std::string id;
  std::string case_id;
  std::optional<std::string> goal_id;
  std::string title;
  std::optional<std::string> responsible_user_id;
  std::optional<std::string> responsible_name;  // typed, or the user's display name
  std::optional<std::string> due_on;
  std::optional<std::string> done_on;
  std::string created_at;
  bool overdue(const std::string& today) const { return !done_on && due_on && *due_on < today; }
};

struct Goal {
  std::string id;
  std::string case_id;
  std::string title;
  std::string created_at;
};

struct Plan {
  std::string case_id;
  std::vector<Goal> goals;
  std::vector<PlanAction> actions;  // by due date, undated last
};

nlohmann::json to_json(const PlanAction& a);
nlohmann::json to_json(const Plan& p);

struct NewAction {
  std::optional<std::string> goal_id;
  std::string title;
  std::optional<std::string> responsible_user_id;
  std::optional<std::string> responsible;  // free text
  std::optional<std::string> due_on;
};

Plan get_plan(db::Database& db, const access::Principal& by, const std::string& case_id);

// Adds a goal (case.write). Throws Invalid on an empty or too long title.
Goal add_goal(db::Database& db, const access::Principal& by, const audit::Actor& actor,
              const std::string& case_id, const std::string& title);

// Adds an action (case.write): the goal must belong to the case, the responsible user to the
// case's owner organization, the due date be a date.
PlanAction add_action(db::Database& db, const access::Principal& by, const audit::Actor& actor,
                      const std::string& case_id, const NewAction& in);

// What add_plan wrote: the goal, then the actions in the order given.
struct PlanAdded {
  Goal goal;
  std::vector<PlanAction> actions;  // responsible_name: the text given (no user's name)
};

// Adds a goal and its actions in one transaction (bulk loads): the case is read and checked
// once, the goal passes the checks of add_goal and each action those of add_action (an
// action without goal_id is attached to the new goal); each gets its own INSERT and audit
// entry. All or nothing: the first invalid item throws Invalid and nothing is written.
PlanAdded add_plan(db::Database& db, const access::Principal& by, const audit::Actor& actor,
                   const std::string& case_id, const std::string& goal_title,
                   const std::vector<NewAction>& actions);

// Marks an action done on `done_on` (a date not in the future), or not done when empty.
PlanAction set_action_done(db::Database& db, const access::Principal& by, const audit::Actor& actor,
                           const std::string& case_id, const std::string& action_id,
                           const std::optional<std::string>& done_on);

}  // namespace jisr::casework

// src/casework/alerts.h
//
// Alerts, computed on read for the caller and filtered by their scope: overdue plan actions,
// referrals to the caller's organization unanswered after 7 days, reviews due (cases in
// `services` whose last transition is older than 90 days, or whose review_due_on has come),
// and children in care (open admission) turning 18 within 12 months.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "platform/db/database.h"

namespace jisr::casework {

inline constexpr int kReferralAnswerDays = 7;
inline constexpr int kReviewAfterDays = 90;
inline constexpr int kMaxAlertsPerKind = 200;

struct Alert {
  std::string kind;  // overdue_action, referral_unanswered, review_due, turning_18
  std::string person_id;
  std::string person_name;
  std::optional<std::string> case_id, referral_id, admission_id;
  std::string date;  // due date, referral date, review date or 18th birthday (YYYY-MM-DD)
  std::optional<std::string> title;  // the action's title
  std::string href;                  // the page to act on it
};

nlohmann::json to_json(const Alert& a);

// The caller's alerts (needs case.read; empty otherwise). With `mine`, only what concerns the
// caller's own caseload (cases owned by or assigned to them, children in their institution).
// `lang` chooses the script of person names. At most kMaxAlertsPerKind of each kind.
std::vector<Alert> alerts_for(db::Connection& conn, const access::Principal& by, bool mine,
                              const std::string& lang);

// The 18th birthday of someone born on `birth_date` ("YYYY-MM-DD" or "YYYY": 1 January).
std::string eighteenth_birthday(const std::string& birth_date);

}  // namespace jisr::casework

// src/casework/alerts.h
//
// Alerts, computed on read for the caller and filtered by their scope: overdue plan actions,
// referrals to the caller's organization unanswered after 7 days, reviews due (cases in
// `services` whose last transition is older than 90 days, or whose review_due_on has come),
// and children in care (open admission) turning 18 within 12 months.
#pragma once

#include <array>
#include <cstdint>
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

// The kinds, in the order alerts_for() lists them.
enum class AlertKind { kOverdueAction, kReferralUnanswered, kReviewDue, kTurning18 };
inline constexpr std::array<AlertKind, 4> kAlertKinds = {
    AlertKind::kOverdueAction, AlertKind::kReferralUnanswered, AlertKind::kReviewDue,
    AlertKind::kTurning18};

// Which alerts of one kind: `offset` of them skipped, then at most `count`.
struct AlertWindow {
  std::int64_t offset = 0;
  std::int64_t count = kMaxAlertsPerKind;
};

// The caller's alerts of one kind, in that kind's order (overdue actions and turning 18 by
// date, unanswered referrals oldest first, reviews by case), within `window`: the pages of
// GET /api/v1/alerts. Same rules as alerts_for().
std::vector<Alert> alerts_of_kind(db::Connection& conn, const access::Principal& by, bool mine,
                                  const std::string& lang, AlertKind kind,
                                  const AlertWindow& window);

// A page of the caller's alerts (GET /api/v1/alerts): the kinds one after the other
// (kAlertKinds), each in its own order, at most `limit` of them after `after`, the key
// returned as `next` by the page before (empty for the first page). `next` is empty after the
// last page. Throws BadRequest (field "cursor") for a key that is not one of ours.
struct AlertPage {
  std::vector<Alert> alerts;
  std::optional<std::string> next;
};
AlertPage alerts_page(db::Connection& conn, const access::Principal& by, bool mine,
                      const std::string& lang, const std::optional<std::string>& after, int limit);

// The caller's alerts (needs case.read; empty otherwise). With `mine`, only what concerns the
// caller's own caseload (cases owned by or assigned to them, children in their institution).
// `lang` chooses the script of person names. At most kMaxAlertsPerKind of each kind (the
// caseload page shows the first ones and counts the others).
std::vector<Alert> alerts_for(db::Connection& conn, const access::Principal& by, bool mine,
                              const std::string& lang);

// The 18th birthday of someone born on `birth_date` ("YYYY-MM-DD" or "YYYY": 1 January).
std::string eighteenth_birthday(const std::string& birth_date);

}  // namespace jisr::casework

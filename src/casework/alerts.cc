// src/casework/alerts.cc
#include "casework/alerts.h"

#include <iterator>

#include <nlohmann/json.hpp>

#include "casework/cases.h"
#include "casework/input.h"
#include "person/person.h"
#include "platform/error.h"
#include "platform/util/time.h"

namespace jisr::casework {
namespace {

// The persons' columns come last in every query below, after `skip` columns of our own.
person::Person person_at(const std::vector<db::Value>& r, std::ptrdiff_t skip) {
  return person::from_row(std::vector<db::Value>(r.begin() + skip, r.end()));
}

// The caller's own open cases (the alerts below all concern open cases).
std::string mine_condition(const access::Principal& by, std::vector<db::Value>& params) {
  return " AND " + mine_cases_condition(by.user_id, params, true);
}

std::string limit(std::vector<db::Value>& params, const AlertWindow& w) {
  params.emplace_back(w.count);
  std::string sql = " LIMIT $" + std::to_string(params.size());
  params.emplace_back(w.offset);
  return sql + " OFFSET $" + std::to_string(params.size());
}

}  // namespace

std::string eighteenth_birthday(const std::string& birth_date) {
  const std::string full = birth_date.size() == 4 ? birth_date + "-01-01" : birth_date;
  if (!timeutil::is_valid_date(full)) return "";
  return add_to_date(full, 18, 0, 0);
}

nlohmann::json to_json(const Alert& a) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  return {{"kind", a.kind},
          {"person_id", a.person_id},
          {"person_name", a.person_name},
          {"case_id", opt(a.case_id)},
          {"referral_id", opt(a.referral_id)},
          {"admission_id", opt(a.admission_id)},
          {"date", a.date},
          {"title", opt(a.title)},
          {"href", a.href}};
}

std::vector<Alert> alerts_of_kind(db::Connection& conn, const access::Principal& by, bool mine,
                                  const std::string& lang, AlertKind kind, const AlertWindow& w) {
  std::vector<Alert> out;
  if (!by.can(access::Action::kCaseRead) || w.count <= 0) return out;
  const std::string day = today();
  const std::string cols = person::columns();

  // Rows (action id, case id, title, due date, then the person's columns) as alerts.
  const auto add_overdue_actions = [&](const db::Result& rows) {
    for (const auto& r : rows.rows) {
      const auto p = person_at(r, 4);
      const std::string case_id = db::text_or(r[1], "");
      out.push_back({"overdue_action", p.id, person::display_name(p, lang), case_id, std::nullopt,
                     std::nullopt, db::text_or(r[3], ""), db::as_text(r[2]),
                     "/cases/" + case_id + "#plan"});
    }
  };
  if (kind == AlertKind::kOverdueAction && mine) {  // Overdue plan actions of my open cases.
    // The first ones by due date among the open actions (case_actions_open_case, migration
    // 0013) of my open cases read from the user indexes, then their rows: 85 ms -> 22 ms at
    // 1,000,000 people for a worker with 7,574 open cases.
    std::vector<db::Value> params;
    std::string inner =
        "SELECT a.id" + my_open_cases_from(by, params, " JOIN case_actions a ON a.case_id = c.id");
    params.emplace_back(day);
    inner += " AND a.done_on IS NULL AND a.due_on < $" + std::to_string(params.size());
    inner += " ORDER BY a.due_on, a.id" + limit(params, w);
    const std::string sql = "SELECT a.id, a.case_id, a.title, a.due_on, " + cols +
                            " FROM case_actions a JOIN cases c ON c.id = a.case_id JOIN people "
                            "p ON p.id = c.person_id WHERE a.id IN (" +
                            inner + ") ORDER BY a.due_on, a.id";
    add_overdue_actions(conn.query(sql, params));
  } else if (kind == AlertKind::kOverdueAction) {  // Overdue plan actions of open cases.
    std::vector<db::Value> params = {db::Value(day)};
    std::string sql = "SELECT a.id, a.case_id, a.title, a.due_on, " + cols +
                      " FROM case_actions a JOIN cases c ON c.id = a.case_id JOIN people p ON "
                      "p.id = c.person_id WHERE a.done_on IS NULL AND a.due_on < $1 AND "
                      "c.status <> 'closed' AND " +
                      case_scope_condition(by, params);
    sql += " ORDER BY a.due_on, a.id" + limit(params, w);
    add_overdue_actions(conn.query(sql, params));
  }
  if (kind == AlertKind::kReferralUnanswered && by.organization_id) {
    // Referrals to my organization unanswered after 7 days.
    std::vector<db::Value> params = {db::Value(*by.organization_id),
                                     db::Value(days_ago_utc(kReferralAnswerDays))};
    std::string sql = "SELECT r.id, r.case_id, r.created_at, " + cols +
                      " FROM referrals r JOIN people p ON p.id = r.person_id WHERE r.to_org_id = "
                      "$1 AND r.status = 'pending' AND r.created_at < $2 ORDER BY r.created_at" +
                      limit(params, w);
    for (const auto& r : conn.query(sql, params).rows) {
      const auto p = person_at(r, 3);
      out.push_back({"referral_unanswered", p.id, person::display_name(p, lang), std::nullopt,
                     db::as_text(r[0]), std::nullopt, db::text_or(r[2], "").substr(0, 10),
                     std::nullopt, "/referrals#referral-" + db::text_or(r[0], "")});
    }
  }
  if (kind == AlertKind::kReviewDue) {  // Reviews due.
    std::vector<db::Value> params = {db::Value(days_ago_utc(kReviewAfterDays)), db::Value(day)};
    std::string sql = "SELECT c.id, c.last_transition_at, c.review_due_on, c.status, " + cols +
                      " FROM cases c JOIN people p ON p.id = c.person_id WHERE c.status <> "
                      "'closed' AND ((c.status = 'services' AND c.last_transition_at < $1) OR "
                      "(c.review_due_on IS NOT NULL AND c.review_due_on <= $2)) AND " +
                      case_scope_condition(by, params);
    if (mine) sql += mine_condition(by, params);
    sql += " ORDER BY c.id" + limit(params, w);
    for (const auto& r : conn.query(sql, params).rows) {
      const auto p = person_at(r, 4);
      const std::string case_id = db::text_or(r[0], "");
      auto due = db::as_text(r[2]);
      std::string date = due && *due <= day ? *due
                                            : add_to_date(db::text_or(r[1], day).substr(0, 10), 0,
                                                          0, kReviewAfterDays);
      out.push_back({"review_due", p.id, person::display_name(p, lang), case_id, std::nullopt,
                     std::nullopt, date, std::nullopt, "/cases/" + case_id});
    }
  }
  if (kind == AlertKind::kTurning18) {  // Children in care turning 18 within 12 months.
    std::vector<db::Value> params = {db::Value(add_to_date(day, -18, 0, 0)),
                                     db::Value(add_to_date(day, -17, 0, 0))};
    std::string sql = "SELECT a.id, a.institution_id, " + cols +
                      " FROM admissions a JOIN people p ON p.id = a.person_id WHERE "
                      "a.discharged_on IS NULL AND p.birth_date IS NOT NULL AND p.birth_date > $1 "
                      "AND p.birth_date <= $2 AND " +
                      person::scope_condition(by, "p", params);
    if (mine) {
      // The open admissions of the people of my open cases, and of my institution: a set
      // of ids read from the caller's side. Checked per admission ("EXISTS an open case of
      // mine for this person"), the planner walked a year of birth dates of the whole
      // country (people_birth_date): 140 ms -> 40 ms at 1,000,000 people, 7,574 open cases.
      // As "IN (people of my open cases)", not a join: SQLite joined the cases to the
      // admissions through a Bloom filter built by reading every admission (20 ms of the
      // caseload's 25 at 1,000,000 people, for a worker with 57 open cases; 0.3 ms now).
      std::string own =
          "SELECT a2.id FROM admissions a2 WHERE a2.discharged_on IS NULL AND "
          "a2.person_id IN (SELECT c.person_id FROM " +
          my_open_cases_table(by.user_id, params) + " c)";
      if (by.organization_id) {
        params.emplace_back(*by.organization_id);
        own += " UNION SELECT id FROM admissions WHERE institution_id = $" +
               std::to_string(params.size()) + " AND discharged_on IS NULL";
      }
      sql += " AND a.id IN (" + own + ")";
    }
    sql += " ORDER BY p.birth_date, a.id" + limit(params, w);
    for (const auto& r : conn.query(sql, params).rows) {
      const auto p = person_at(r, 2);
      out.push_back({"turning_18", p.id, person::display_name(p, lang), std::nullopt, std::nullopt,
                     db::as_text(r[0]), eighteenth_birthday(p.birth_date.value_or("")),
                     std::nullopt, "/people/" + p.id});
    }
  }
  return out;
}

AlertPage alerts_page(db::Connection& conn, const access::Principal& by, bool mine,
                      const std::string& lang, const std::optional<std::string>& after, int limit) {
  // The key is "<kind number>:<how many of that kind came before>".
  std::size_t kind = 0;
  std::int64_t offset = 0;
  if (after) {
    const auto colon = after->find(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      kind = std::stoul(after->substr(0, colon));
      offset = std::stoll(after->substr(colon + 1));
    } catch (const std::exception&) {
      kind = kAlertKinds.size();
    }
    if (kind >= kAlertKinds.size() || offset < 0) {
      throw BadRequest("error.bad_request", {{"cursor", "error.invalid_cursor"}});
    }
  }
  AlertPage page;
  std::int64_t room = limit;
  for (; kind < kAlertKinds.size(); ++kind, offset = 0) {
    // One more than there is room for, to know whether the page ends inside this kind.
    const std::int64_t want = room;
    auto some = alerts_of_kind(conn, by, mine, lang, kAlertKinds[kind], {offset, want + 1});
    const bool more = static_cast<std::int64_t>(some.size()) > want;
    if (more) some.resize(static_cast<std::size_t>(want));
    room -= static_cast<std::int64_t>(some.size());
    page.alerts.insert(page.alerts.end(), std::make_move_iterator(some.begin()),
                       std::make_move_iterator(some.end()));
    if (more) {
      page.next = std::to_string(kind) + ":" + std::to_string(offset + want);
      break;
    }
  }
  return page;
}

std::vector<Alert> alerts_for(db::Connection& conn, const access::Principal& by, bool mine,
                              const std::string& lang) {
  std::vector<Alert> out;
  for (const AlertKind kind : kAlertKinds) {
    auto some = alerts_of_kind(conn, by, mine, lang, kind, {});
    out.insert(out.end(), std::make_move_iterator(some.begin()),
               std::make_move_iterator(some.end()));
  }
  return out;
}

}  // namespace jisr::casework

// src/casework/referrals.cc
#include "casework/referrals.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "casework/cases.h"
#include "casework/input.h"
#include "casework/institution_facts.h"
#include "platform/error.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::casework {
namespace {

constexpr const char* kColumns =
    "r.id, r.case_id, r.person_id, r.from_org_id, r.to_org_id, r.kind, r.service_type, r.reason, "
    "r.consent, r.status, r.decline_reason, r.created_at, r.created_by, r.answered_at, "
    "r.completed_at, r.version";
constexpr std::ptrdiff_t kColumnCount = 16;

nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

audit::Place place(const ReferralRecord& rec) {
  return {rec.person.region_code, rec.person.province_code, rec.r.from_org_id};
}

}  // namespace

std::optional<double> Referral::response_hours() const {
  if (!answered_at) return std::nullopt;
  auto a = timeutil::parse_utc(created_at);
  auto b = timeutil::parse_utc(*answered_at);
  if (!a || !b) return std::nullopt;
  const double hours = std::chrono::duration<double>(*b - *a).count() / 3600.0;
  return std::round(hours * 10.0) / 10.0;
}

nlohmann::json to_json(const ReferralRecord& rec, const std::string& lang) {
  const Referral& r = rec.r;
  const auto hours = r.response_hours();
  return {{"id", r.id},
          {"case_id", r.case_id},
          {"person_id", r.person_id},
          {"person_name", person::display_name(rec.person, lang)},
          {"from_org", r.from_org_id},
          {"to_org", r.to_org_id},
          {"kind", r.kind},
          {"service_type", opt(r.service_type)},
          {"reason", r.reason},
          {"consent", r.consent},
          {"status", r.status},
          {"decline_reason", opt(r.decline_reason)},
          {"created_at", r.created_at},
          {"answered_at", opt(r.answered_at)},
          {"completed_at", opt(r.completed_at)},
          {"response_hours", hours ? nlohmann::json(*hours) : nlohmann::json()},
          {"version", r.version}};
}

std::string referral_columns() {
  return std::string(kColumns) + ", " + person::columns();
}

ReferralRecord referral_from_row(const std::vector<db::Value>& row) {
  ReferralRecord rec;
  Referral& r = rec.r;
  r.id = db::text_or(row[0], "");
  r.case_id = db::text_or(row[1], "");
  r.person_id = db::text_or(row[2], "");
  r.from_org_id = db::text_or(row[3], "");
  r.to_org_id = db::text_or(row[4], "");
  r.kind = db::text_or(row[5], "service");
  r.service_type = db::as_text(row[6]);
  r.reason = db::text_or(row[7], "");
  r.consent = db::as_int(row[8]).value_or(0) != 0;
  r.status = db::text_or(row[9], "pending");
  r.decline_reason = db::as_text(row[10]);
  r.created_at = db::text_or(row[11], "");
  r.created_by = db::as_text(row[12]);
  r.answered_at = db::as_text(row[13]);
  r.completed_at = db::as_text(row[14]);
  r.version = db::as_int(row[15]).value_or(1);
  rec.person = person::from_row(std::vector<db::Value>(row.begin() + kColumnCount, row.end()));
  return rec;
}

std::string referral_scope_condition(const access::Principal& pr, std::vector<db::Value>& params) {
  std::string own = "1=0";
  if (pr.organization_id) {
    params.emplace_back(*pr.organization_id);
    const auto n = std::to_string(params.size());
    own = "(r.from_org_id = $" + n + " OR r.to_org_id = $" + n + ")";
  }
  if (is_field_worker(pr)) return own;
  return "(" + own + " OR " + person::scope_condition(pr, "p", params) + ")";
}

ReferralRecord ReferralService::create(const access::Principal& by, const audit::Actor& actor,
                                       const NewReferral& in) {
  if (!by.can(access::Action::kReferralManage)) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  Errors errors;
  std::optional<CaseRecord> rec;
  if (in.case_id.empty()) {
    errors["case_id"] = "validation.required";
  } else {
    rec = find_visible_case(tx.conn(), by, in.case_id);
    if (!rec) errors["case_id"] = "referral.validation.unknown_case";
  }
  if (in.consent != true) errors["consent"] = "referral.validation.consent_required";
  const std::string reason = trim(in.reason);
  if (reason.empty()) errors["reason"] = "validation.required";
  if (reason.size() > 4000) errors["reason"] = "validation.too_long";
  if (in.kind != "service" && in.kind != "admission") {
    errors["kind"] = "referral.validation.invalid_kind";
  }
  const auto service_type = non_blank(in.service_type);
  if (service_type &&
      tx.query("SELECT 1 FROM service_types WHERE code = $1", {db::Value(*service_type)}).empty()) {
    errors["service_type"] = "service.validation.unknown_type";
  }
  if (in.to_org_id.empty()) {
    errors["to_org"] = "validation.required";
  } else if (!org_facts(tx.conn(), in.to_org_id)) {
    errors["to_org"] = "validation.unknown_organization";
  } else if (rec && in.to_org_id == rec->c.owner_org_id) {
    errors["to_org"] = "referral.validation.same_organization";
  }
  if (!errors.empty()) throw Invalid(errors);
  ReferralRecord out;
  out.person = rec->person;
  Referral& r = out.r;
  r.id = ids::new_id();
  r.case_id = rec->c.id;
  r.person_id = rec->c.person_id;
  r.from_org_id = rec->c.owner_org_id;
  r.to_org_id = in.to_org_id;
  r.kind = in.kind;
  r.service_type = service_type;
  r.reason = reason;
  r.created_at = timeutil::now_utc();
  r.created_by = by.user_id;
  tx.query(
      "INSERT INTO referrals(id, case_id, person_id, from_org_id, to_org_id, kind, service_type, "
      "reason, consent, status, created_at, created_by, version) VALUES ($1, $2, $3, $4, $5, $6, "
      "$7, $8, 1, 'pending', $9, $10, 1)",
      {db::Value(r.id), db::Value(r.case_id), db::Value(r.person_id), db::Value(r.from_org_id),
       db::Value(r.to_org_id), db::Value(r.kind), db::optional_text(r.service_type),
       db::Value(r.reason), db::Value(r.created_at), db::Value(by.user_id)});
  audit::append(tx.conn(), actor, "create", "referral", r.id, nullptr, to_json(out, "fr"),
                place(out));
  tx.commit();
  return out;
}

ReferralRecord ReferralService::get(const access::Principal& by, const std::string& id) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  std::vector<db::Value> params = {db::Value(id)};
  const std::string where = referral_scope_condition(by, params);
  auto lease = db_.acquire();
  auto rows = lease->query("SELECT " + referral_columns() +
                               " FROM referrals r JOIN people p ON p.id = r.person_id "
                               "WHERE r.id = $1 AND " +
                               where,
                           params);
  if (rows.empty()) throw NotFound();
  return referral_from_row(rows.rows[0]);
}

std::vector<ReferralRecord> ReferralService::list(const access::Principal& by,
                                                  const ReferralFilter& filter,
                                                  const std::optional<std::string>& after_id,
                                                  int limit) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  std::vector<db::Value> params;
  std::string sql = "SELECT " + referral_columns() +
                    " FROM referrals r JOIN people p ON p.id = r.person_id WHERE " +
                    referral_scope_condition(by, params);
  auto add = [&](const std::string& cond, db::Value v) {
    params.push_back(std::move(v));
    sql += " AND " + cond + std::to_string(params.size());
  };
  if (filter.queue) {
    if (!by.organization_id) return {};
    add(*filter.queue == "incoming" ? "r.to_org_id = $" : "r.from_org_id = $", *by.organization_id);
  }
  if (filter.status) add("r.status = $", *filter.status);
  if (filter.case_id) add("r.case_id = $", *filter.case_id);
  if (filter.person_id) add("r.person_id = $", *filter.person_id);
  if (after_id) add("r.id > $", *after_id);
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY r.id LIMIT $" + std::to_string(params.size());
  auto lease = db_.acquire();
  std::vector<ReferralRecord> out;
  for (const auto& row : lease->query(sql, params).rows) out.push_back(referral_from_row(row));
  return out;
}

ReferralPage ReferralService::queue_page(const access::Principal& by, const std::string& queue,
                                         std::int64_t offset, int limit) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  ReferralPage out;
  if (!by.organization_id) return out;
  // Every referral from or to the caller's organization is in its scope
  // (referral_scope_condition), so the queue needs no other condition; and every referral
  // has its person (a foreign key; people are never deleted), so the count needs no join.
  const bool incoming = queue == "incoming";
  const std::string org_column = incoming ? "to_org_id" : "from_org_id";
  const db::Value org(*by.organization_id);
  auto lease = db_.acquire();
  const auto counted =
      lease->query("SELECT count(*) FROM referrals WHERE " + org_column + " = $1", {org});
  out.total = db::as_int(counted.rows.at(0).at(0)).value_or(0);
  if (offset >= out.total) return out;
  // The page's ids from the queue's index alone (migration 0014), then only their rows.
  const std::string order =
      incoming ? " ORDER BY CASE WHEN r.status = 'pending' THEN 0 ELSE 1 END, CASE WHEN "
                 "r.status = 'pending' THEN r.id END, r.id DESC"
               : " ORDER BY r.id DESC";
  const std::string sql = "SELECT " + referral_columns() +
                          " FROM referrals r JOIN people p ON p.id = r.person_id WHERE r.id IN "
                          "(SELECT r.id FROM referrals r WHERE r." +
                          org_column + " = $1" + order + " LIMIT $2 OFFSET $3)" + order;
  const auto page =
      lease->query(sql, {org, db::Value(static_cast<std::int64_t>(limit)), db::Value(offset)});
  for (const auto& row : page.rows) {
    out.referrals.push_back(referral_from_row(row));
  }
  return out;
}

ReferralRecord ReferralService::accept(const access::Principal& by, const audit::Actor& actor,
                                       const std::string& id) {
  return answer(by, actor, id, "accepted", std::nullopt);
}

ReferralRecord ReferralService::decline(const access::Principal& by, const audit::Actor& actor,
                                        const std::string& id, const std::string& reason) {
  return answer(by, actor, id, "declined", reason);
}

ReferralRecord ReferralService::complete(const access::Principal& by, const audit::Actor& actor,
                                         const std::string& id) {
  return answer(by, actor, id, "completed", std::nullopt);
}

ReferralRecord ReferralService::answer(const access::Principal& by, const audit::Actor& actor,
                                       const std::string& id, const std::string& to,
                                       const std::optional<std::string>& reason) {
  if (!by.can(access::Action::kReferralManage)) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  std::vector<db::Value> params = {db::Value(id)};
  const std::string where = referral_scope_condition(by, params);
  auto rows = tx.query("SELECT " + referral_columns() +
                           " FROM referrals r JOIN people p ON p.id = r.person_id "
                           "WHERE r.id = $1 AND " +
                           where,
                       params);
  if (rows.empty()) throw NotFound();
  ReferralRecord rec = referral_from_row(rows.rows[0]);
  Referral& r = rec.r;
  const bool receiver = by.organization_id == r.to_org_id;
  const bool sender = by.organization_id == r.from_org_id;
  if (to == "completed" ? !(receiver || sender) : !receiver) throw Forbidden();
  const std::string from = r.status;
  const bool legal = (to == "completed") ? from == "accepted" : from == "pending";
  if (!legal) throw Conflict("illegal_transition", "referral.error.illegal_transition");
  const auto why = non_blank(reason);
  if (to == "declined") {
    if (!why) throw Invalid("decline_reason", "validation.required");
    if (why->size() > 4000) throw Invalid("decline_reason", "validation.too_long");
    r.decline_reason = why;
  }
  const auto now = timeutil::now_utc();
  r.status = to;
  r.version += 1;
  if (to == "completed") {
    r.completed_at = now;
  } else {
    r.answered_at = now;
  }
  auto result =
      to == "completed"
          ? tx.query(
                "UPDATE referrals SET status = $1, completed_at = $2, version = $3 "
                "WHERE id = $4 AND status = $5",
                {db::Value(r.status), db::Value(now), db::Value(r.version), db::Value(r.id),
                 db::Value(from)})
          : tx.query(
                "UPDATE referrals SET status = $1, decline_reason = $2, answered_at = $3, "
                "answered_by = $4, version = $5 WHERE id = $6 AND status = $7",
                {db::Value(r.status), db::optional_text(r.decline_reason), db::Value(now),
                 db::Value(by.user_id), db::Value(r.version), db::Value(r.id), db::Value(from)});
  if (result.affected_rows != 1)
    throw Conflict("illegal_transition", "referral.error.illegal_transition");
  if (to == "accepted") person::grant_access(tx.conn(), r.person_id, r.to_org_id, "referral");
  nlohmann::json after = {{"status", to}};
  if (r.decline_reason) after["decline_reason"] = *r.decline_reason;
  audit::append(tx.conn(), actor,
                to == "accepted"   ? "accept"
                : to == "declined" ? "decline"
                                   : "complete",
                "referral", r.id, {{"status", from}}, after, place(rec));
  tx.commit();
  return rec;
}

}  // namespace jisr::casework

// src/casework/person_view.cc
#include "casework/person_view.h"

#include <nlohmann/json.hpp>

#include "casework/case_services.h"
#include "casework/cases.h"
#include "casework/referrals.h"
#include "person/person.h"
#include "platform/error.h"

namespace jisr::casework {
namespace {

nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

// An organization's name in `lang` from its name_fr and name_ar columns (as OrgFacts::name),
// or `id` when the LEFT JOIN found no organization (`joined_id` is then null).
std::string org_name(const db::Value& id, const db::Value& joined_id, const db::Value& name_fr,
                     const db::Value& name_ar, const std::string& lang) {
  if (!db::as_text(joined_id)) return db::text_or(id, "");
  const auto fr = db::as_text(name_fr);
  const auto ar = db::as_text(name_ar);
  if (lang == "ar") return ar.value_or(fr.value_or(""));
  return fr.value_or(ar.value_or(""));
}

}  // namespace

std::vector<CaseSummary> cases_of_person(db::Connection& conn, const access::Principal& by,
                                         const std::string& person_id) {
  std::vector<CaseSummary> out;
  if (!by.can(access::Action::kCaseRead)) return out;
  std::vector<db::Value> params = {db::Value(person_id)};
  const std::string sql =
      "SELECT c.id, c.module, c.status, c.risk_level, c.owner_org_id, c.opened_on FROM cases c "
      "JOIN people p ON p.id = c.person_id WHERE c.person_id = $1 AND " +
      case_scope_condition(by, params) + " ORDER BY c.id DESC LIMIT 100";
  for (const auto& r : conn.query(sql, params).rows) {
    CaseSummary s{db::text_or(r[0], ""),
                  db::text_or(r[1], ""),
                  db::text_or(r[2], ""),
                  db::text_or(r[3], ""),
                  db::text_or(r[4], ""),
                  db::text_or(r[5], ""),
                  ""};
    s.href = "/cases/" + s.id;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<AdmissionSummary> admissions_of_person(db::Connection& conn,
                                                   const access::Principal& by,
                                                   const std::string& person_id,
                                                   const std::string& lang) {
  std::vector<AdmissionSummary> out;
  if (!by.can(access::Action::kCaseRead)) return out;
  std::vector<db::Value> params = {db::Value(person_id)};
  const std::string sql =
      "SELECT a.id, a.institution_id, a.admitted_on, a.reason, a.discharged_on, "
      "a.discharge_reason, o.id, o.name_fr, o.name_ar FROM admissions a JOIN people p ON p.id = "
      "a.person_id LEFT JOIN organizations o ON o.id = a.institution_id WHERE "
      "a.person_id = $1 AND " +
      person::scope_condition(by, "p", params) +
      " ORDER BY a.admitted_on DESC, a.id DESC LIMIT 100";
  for (const auto& r : conn.query(sql, params).rows) {
    AdmissionSummary s;
    s.id = db::text_or(r[0], "");
    s.institution_id = db::text_or(r[1], "");
    s.institution_name = org_name(r[1], r[6], r[7], r[8], lang);
    s.admitted_on = db::text_or(r[2], "");
    s.reason = db::text_or(r[3], "");
    s.discharged_on = db::as_text(r[4]);
    s.discharge_reason = db::as_text(r[5]);
    s.current = !s.discharged_on;
    if (s.current && by.can(access::Action::kAdmissionManage)) {
      s.discharge_href = "/admissions/" + s.id + "/discharge";
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<ReferralSummary> referrals_of_person(db::Connection& conn, const access::Principal& by,
                                                 const std::string& person_id,
                                                 const std::string& lang) {
  std::vector<ReferralSummary> out;
  if (!by.can(access::Action::kCaseRead)) return out;
  std::vector<db::Value> params = {db::Value(person_id)};
  const std::string where = referral_scope_condition(by, params);
  // A referral received by the caller's organization is visible without its case (owned by
  // the sender): the case is linked only when the caller may open it.
  const std::string case_visible = case_scope_condition(by, params);
  const std::string sql =
      "SELECT r.id, r.case_id, r.from_org_id, r.to_org_id, r.status, r.created_at, o.id, "
      "o.name_fr, o.name_ar, f.id, f.name_fr, f.name_ar, r.reason, CASE WHEN c.id IS NOT NULL "
      "AND " +
      case_visible +
      " THEN 1 ELSE 0 END FROM referrals r JOIN people p ON p.id = r.person_id "
      "LEFT JOIN organizations o ON o.id = r.to_org_id "
      "LEFT JOIN organizations f ON f.id = r.from_org_id "
      "LEFT JOIN cases c ON c.id = r.case_id WHERE r.person_id = $1 AND " +
      where + " ORDER BY r.id DESC LIMIT 100";
  for (const auto& r : conn.query(sql, params).rows) {
    ReferralSummary s;
    s.id = db::text_or(r[0], "");
    s.case_id = db::text_or(r[1], "");
    s.from_org_id = db::text_or(r[2], "");
    s.to_org_id = db::text_or(r[3], "");
    s.status = db::text_or(r[4], "");
    s.created_at = db::text_or(r[5], "");
    s.to_org_name = org_name(r[3], r[6], r[7], r[8], lang);
    s.from_org_name = org_name(r[2], r[9], r[10], r[11], lang);
    s.reason = db::text_or(r[12], "");
    s.case_visible = db::as_int(r[13]).value_or(0) != 0;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<ServiceSummary> services_of_person(db::Connection& conn, const access::Principal& by,
                                               const std::string& person_id,
                                               const std::string& lang,
                                               const std::optional<std::string>& after, int limit) {
  std::vector<ServiceSummary> out;
  if (!by.can(access::Action::kCaseRead)) return out;
  std::vector<db::Value> params = {db::Value(person_id)};
  std::string sql =
      "SELECT s.id, s.case_id, s.service_type, s.provider_org_id, s.service_date, s.quantity, "
      "s.status, t.name_fr, t.name_ar, t.name_en, o.id, o.name_fr, o.name_ar FROM case_services s "
      "JOIN cases c ON c.id = s.case_id JOIN people p ON p.id = c.person_id "
      "LEFT JOIN service_types t ON t.code = s.service_type AND t.active = 1 "
      "LEFT JOIN organizations o ON o.id = s.provider_org_id WHERE c.person_id = $1 AND " +
      case_scope_condition(by, params);
  if (after) {
    const auto bar = after->find('|');
    if (bar == std::string::npos) {
      throw BadRequest("error.bad_request", {{"cursor", "error.invalid_cursor"}});
    }
    params.emplace_back(after->substr(0, bar));
    const auto d = std::to_string(params.size());
    params.emplace_back(after->substr(bar + 1));
    const auto i = std::to_string(params.size());
    sql +=
        " AND (s.service_date < $" + d + " OR (s.service_date = $" + d + " AND s.id < $" + i + "))";
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY s.service_date DESC, s.id DESC LIMIT $" + std::to_string(params.size());
  // The type's name in `lang` (the code for a retired type), the provider's name: joined in
  // the query rather than looked up per row.
  const std::size_t type_name_col = lang == "ar" ? 8 : lang == "en" ? 9 : 7;
  for (const auto& r : conn.query(sql, params).rows) {
    ServiceSummary s;
    s.id = db::text_or(r[0], "");
    s.case_id = db::text_or(r[1], "");
    s.type = db::text_or(r[2], "");
    s.type_name = db::text_or(r[type_name_col], s.type);
    s.provider_org_id = db::text_or(r[3], "");
    s.provider_name = org_name(r[3], r[10], r[11], r[12], lang);
    s.date = db::text_or(r[4], "");
    s.quantity = db::as_int(r[5]).value_or(1);
    s.status = db::text_or(r[6], "");
    s.case_href = "/cases/" + s.case_id + "#services";
    out.push_back(std::move(s));
  }
  return out;
}

std::string service_key(const ServiceSummary& s) {
  return s.date + "|" + s.id;
}

nlohmann::json to_json(const ServiceSummary& s) {
  return {{"id", s.id},
          {"case_id", s.case_id},
          {"type", s.type},
          {"type_name", s.type_name},
          {"provider_org", s.provider_org_id},
          {"provider_name", s.provider_name},
          {"date", s.date},
          {"quantity", s.quantity},
          {"status", s.status},
          {"href", s.case_href}};
}

nlohmann::json to_json(const CaseSummary& s) {
  return {{"id", s.id},
          {"module", s.module},
          {"status", s.status},
          {"risk_level", s.risk_level},
          {"owner_org", s.owner_org_id},
          {"opened_on", s.opened_on},
          {"href", s.href}};
}

nlohmann::json to_json(const AdmissionSummary& s) {
  return {{"id", s.id},
          {"institution_id", s.institution_id},
          {"institution_name", s.institution_name},
          {"admitted_on", s.admitted_on},
          {"reason", s.reason},
          {"discharged_on", opt(s.discharged_on)},
          {"discharge_reason", opt(s.discharge_reason)},
          {"current", s.current},
          {"discharge_href", s.discharge_href}};
}

nlohmann::json to_json(const ReferralSummary& s) {
  return {{"id", s.id},
          {"case_id", s.case_id},
          {"from_org", s.from_org_id},
          {"to_org", s.to_org_id},
          {"to_org_name", s.to_org_name},
          {"from_org_name", s.from_org_name},
          {"reason", s.reason},
          {"status", s.status},
          {"created_at", s.created_at}};
}

}  // namespace jisr::casework

// src/casework/admissions.cc
#include "casework/admissions.h"

#include <nlohmann/json.hpp>

#include "casework/input.h"
#include "casework/institution_facts.h"
#include "casework/vocabulary.h"
#include "org/occupancy.h"
#include "platform/error.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::casework {
namespace {

constexpr const char* kColumns =
    "a.id, a.person_id, a.institution_id, a.case_id, a.sex, a.admitted_on, a.reason, "
    "a.over_capacity, a.over_capacity_reason, a.discharged_on, a.discharge_reason, "
    "a.destination, a.region_code, a.province_code, a.version, a.created_at";
constexpr std::ptrdiff_t kColumnCount = 16;

nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

audit::Place place(const Admission& a) {
  return {a.region_code, a.province_code, a.institution_id};
}

std::optional<AdmissionRecord> find_visible(db::Connection& conn, const access::Principal& by,
                                            const std::string& id) {
  std::vector<db::Value> params = {db::Value(id)};
  const std::string where = person::scope_condition(by, "p", params);
  auto rows = conn.query("SELECT " + admission_columns() +
                             " FROM admissions a JOIN people p ON p.id = a.person_id "
                             "WHERE a.id = $1 AND " +
                             where,
                         params);
  if (rows.empty()) return std::nullopt;
  return admission_from_row(rows.rows[0]);
}

void check_date(const std::string& field, const std::string& date, Errors& errors) {
  if (date.empty()) {
    errors[field] = "validation.required";
  } else if (!timeutil::is_valid_date(date)) {
    errors[field] = "validation.invalid_date";
  } else if (date > today()) {
    errors[field] = "case.validation.date_in_future";
  }
}

}  // namespace

nlohmann::json to_json(const AdmissionRecord& rec, const std::string& lang) {
  const Admission& a = rec.a;
  return {{"id", a.id},
          {"person_id", a.person_id},
          {"person_name", person::display_name(rec.person, lang)},
          {"institution_id", a.institution_id},
          {"case_id", opt(a.case_id)},
          {"sex", a.sex},
          {"admitted_on", a.admitted_on},
          {"reason", a.reason},
          {"over_capacity", a.over_capacity},
          {"over_capacity_reason", opt(a.over_capacity_reason)},
          {"discharged_on", opt(a.discharged_on)},
          {"discharge_reason", opt(a.discharge_reason)},
          {"destination", opt(a.destination)},
          {"current", !a.discharged_on.has_value()},
          {"version", a.version},
          {"created_at", a.created_at}};
}

std::string admission_columns() {
  return std::string(kColumns) + ", " + person::columns();
}

AdmissionRecord admission_from_row(const std::vector<db::Value>& r) {
  AdmissionRecord rec;
  Admission& a = rec.a;
  a.id = db::text_or(r[0], "");
  a.person_id = db::text_or(r[1], "");
  a.institution_id = db::text_or(r[2], "");
  a.case_id = db::as_text(r[3]);
  a.sex = db::text_or(r[4], "");
  a.admitted_on = db::text_or(r[5], "");
  a.reason = db::text_or(r[6], "");
  a.over_capacity = db::as_int(r[7]).value_or(0) != 0;
  a.over_capacity_reason = db::as_text(r[8]);
  a.discharged_on = db::as_text(r[9]);
  a.discharge_reason = db::as_text(r[10]);
  a.destination = db::as_text(r[11]);
  a.region_code = db::text_or(r[12], "");
  a.province_code = db::text_or(r[13], "");
  a.version = db::as_int(r[14]).value_or(1);
  a.created_at = db::text_or(r[15], "");
  rec.person = person::from_row(std::vector<db::Value>(r.begin() + kColumnCount, r.end()));
  return rec;
}

AdmissionRecord AdmissionService::admit(const access::Principal& by, const audit::Actor& actor,
                                        const NewAdmission& in) {
  if (!by.can(access::Action::kAdmissionManage)) throw Forbidden();
  Errors errors;
  check_date("admitted_on", trim(in.admitted_on), errors);
  if (!one_of(admission_reasons(), in.reason)) {
    errors["reason"] =
        in.reason.empty() ? "validation.required" : "admission.validation.invalid_reason";
  }
  db::Transaction tx(db_, db::TxMode::kWrite);
  std::optional<person::Person> who;
  if (in.person_id.empty()) {
    errors["person_id"] = "validation.required";
  } else if (!(who = person::find_visible(tx.conn(), by, in.person_id))) {
    errors["person_id"] = "case.validation.unknown_person";
  }
  std::optional<OrgFacts> inst;
  if (in.institution_id.empty()) {
    errors["institution_id"] = "validation.required";
  } else {
    inst = org_facts(tx.conn(), in.institution_id);
    if (!inst || !inst->is_institution) {
      errors["institution_id"] = "admission.validation.not_an_institution";
    } else if (by.organization_id != inst->id &&
               !access::contains(by.scope, {inst->region_code, inst->province_code, inst->id})) {
      errors["institution_id"] = "admission.validation.institution_out_of_scope";
    }
  }
  if (!errors.empty()) throw Invalid(errors);
  if (!tx.query("SELECT 1 FROM admissions WHERE person_id = $1 AND discharged_on IS NULL",
                {db::Value(who->id)})
           .empty()) {
    throw Conflict("already_admitted", "admission.error.already_admitted");
  }
  AdmissionRecord rec;
  rec.person = *who;
  Admission& a = rec.a;
  a.id = ids::new_id();
  a.person_id = who->id;
  a.institution_id = inst->id;
  a.case_id = non_blank(in.case_id);
  a.sex = who->sex;
  a.admitted_on = trim(in.admitted_on);
  a.reason = in.reason;
  a.region_code = inst->region_code;
  a.province_code = inst->province_code;
  const org::Occupancy now = org::occupancy_of(tx.conn(), inst->id);
  const std::int64_t residents = a.sex == "F" ? now.female : now.male;
  const std::int64_t capacity = a.sex == "F" ? inst->capacity_female : inst->capacity_male;
  if (residents >= capacity) {
    a.over_capacity = true;
    a.over_capacity_reason = non_blank(in.over_capacity_reason);
    if (!a.over_capacity_reason) {
      throw Invalid("over_capacity_reason", "admission.validation.over_capacity_reason_required");
    }
  }
  if (a.case_id && tx.query("SELECT 1 FROM cases WHERE id = $1 AND person_id = $2",
                            {db::Value(*a.case_id), db::Value(a.person_id)})
                       .empty()) {
    throw Invalid("case_id", "referral.validation.unknown_case");
  }
  a.created_at = timeutil::now_utc();
  try {
    tx.query(
        "INSERT INTO admissions(id, person_id, institution_id, case_id, sex, admitted_on, reason, "
        "over_capacity, over_capacity_reason, region_code, province_code, version, created_at, "
        "created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, "
        "$13, $12)",
        {db::Value(a.id), db::Value(a.person_id), db::Value(a.institution_id),
         db::optional_text(a.case_id), db::Value(a.sex), db::Value(a.admitted_on),
         db::Value(a.reason), db::Value(std::int64_t{a.over_capacity ? 1 : 0}),
         db::optional_text(a.over_capacity_reason), db::Value(a.region_code),
         db::Value(a.province_code), db::Value(a.created_at), db::Value(by.user_id)});
  } catch (const db::UniqueViolation&) {
    throw Conflict("already_admitted", "admission.error.already_admitted");
  }
  person::grant_access(tx.conn(), a.person_id, a.institution_id, "admission");
  audit::append(tx.conn(), actor, "create", "admission", a.id, nullptr, to_json(rec, "fr"),
                place(a));
  tx.commit();
  return rec;
}

AdmissionRecord AdmissionService::discharge(const access::Principal& by, const audit::Actor& actor,
                                            const std::string& id, const Discharge& in) {
  if (!by.can(access::Action::kAdmissionManage)) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto found = find_visible(tx.conn(), by, id);
  if (!found) throw NotFound();
  AdmissionRecord rec = *found;
  Admission& a = rec.a;
  if (a.discharged_on) throw Conflict("already_discharged", "admission.error.already_discharged");
  Errors errors;
  const std::string date = trim(in.discharged_on);
  check_date("discharged_on", date, errors);
  if (!errors.count("discharged_on") && date < a.admitted_on) {
    errors["discharged_on"] = "admission.validation.discharge_before_admission";
  }
  if (!one_of(discharge_reasons(), in.reason)) {
    errors["discharge_reason"] =
        in.reason.empty() ? "validation.required" : "admission.validation.invalid_discharge_reason";
  }
  const auto destination = non_blank(in.destination);
  if (destination && destination->size() > 500) errors["destination"] = "validation.too_long";
  if (!errors.empty()) throw Invalid(errors);
  a.discharged_on = date;
  a.discharge_reason = in.reason;
  a.destination = destination;
  a.version += 1;
  auto result = tx.query(
      "UPDATE admissions SET discharged_on = $1, discharge_reason = $2, destination = $3, "
      "version = $4, updated_at = $5 WHERE id = $6 AND discharged_on IS NULL",
      {db::Value(date), db::Value(in.reason), db::optional_text(destination), db::Value(a.version),
       db::Value(timeutil::now_utc()), db::Value(a.id)});
  if (result.affected_rows != 1) {
    throw Conflict("already_discharged", "admission.error.already_discharged");
  }
  nlohmann::json after = {
      {"discharged_on", date}, {"discharge_reason", in.reason}, {"destination", opt(destination)}};
  audit::append(tx.conn(), actor, "discharge", "admission", a.id, nullptr, after, place(a));
  tx.commit();
  return rec;
}

AdmissionRecord AdmissionService::get(const access::Principal& by, const std::string& id) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  auto lease = db_.acquire();
  auto rec = find_visible(*lease, by, id);
  if (!rec) throw NotFound();
  return *rec;
}

std::vector<AdmissionRecord> AdmissionService::list(const access::Principal& by,
                                                    const AdmissionFilter& filter,
                                                    const std::optional<std::string>& after_id,
                                                    int limit) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  std::vector<db::Value> params;
  std::string sql = "SELECT " + admission_columns() +
                    " FROM admissions a JOIN people p ON p.id = a.person_id WHERE " +
                    person::scope_condition(by, "p", params);
  auto add = [&](const std::string& cond, db::Value v) {
    params.push_back(std::move(v));
    sql += " AND " + cond + std::to_string(params.size());
  };
  if (filter.institution_id) add("a.institution_id = $", *filter.institution_id);
  if (filter.person_id) add("a.person_id = $", *filter.person_id);
  if (filter.current) {
    sql += *filter.current ? " AND a.discharged_on IS NULL" : " AND a.discharged_on IS NOT NULL";
  }
  if (after_id) add("a.id > $", *after_id);
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY a.id LIMIT $" + std::to_string(params.size());
  auto lease = db_.acquire();
  std::vector<AdmissionRecord> out;
  for (const auto& r : lease->query(sql, params).rows) out.push_back(admission_from_row(r));
  return out;
}

}  // namespace jisr::casework

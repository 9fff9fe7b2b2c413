// src/casework/case_services.cc
#include "casework/case_services.h"

#include <nlohmann/json.hpp>

#include "casework/cases.h"
#include "casework/input.h"
#include "casework/institution_facts.h"
#include "casework/vocabulary.h"
#include "platform/error.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::casework {

std::string ServiceType::name(const std::string& lang) const {
  if (lang == "ar") return name_ar;
  if (lang == "en") return name_en;
  return name_fr;
}

std::vector<ServiceType> service_types(db::Connection& conn) {
  std::vector<ServiceType> out;
  for (const auto& r : conn.query("SELECT code, name_fr, name_ar, name_en FROM service_types "
                                  "WHERE active = 1 ORDER BY sort_order, code")
                           .rows) {
    out.push_back({db::text_or(r[0], ""), db::text_or(r[1], ""), db::text_or(r[2], ""),
                   db::text_or(r[3], "")});
  }
  return out;
}

nlohmann::json to_json(const CaseServiceRecord& s) {
  return {{"id", s.id},
          {"case_id", s.case_id},
          {"type", s.type},
          {"provider_org", s.provider_org_id},
          {"date", s.date},
          {"quantity", s.quantity},
          {"status", s.status},
          {"comment", s.comment ? nlohmann::json(*s.comment) : nlohmann::json()},
          {"created_at", s.created_at}};
}

CaseServiceRecord record_service(db::Database& db, const access::Principal& by,
                                 const audit::Actor& actor, const std::string& case_id,
                                 const NewCaseService& in) {
  db::Transaction tx(db, db::TxMode::kWrite);
  const CaseRecord rec = require_writable_case(tx.conn(), by, case_id);
  Errors errors;
  CaseServiceRecord s;
  s.id = ids::new_id();
  s.case_id = case_id;
  s.type = trim(in.type);
  if (s.type.empty()) {
    errors["type"] = "validation.required";
  } else if (tx.query("SELECT 1 FROM service_types WHERE code = $1 AND active = 1",
                      {db::Value(s.type)})
                 .empty()) {
    errors["type"] = "service.validation.unknown_type";
  }
  s.provider_org_id = non_blank(in.provider_org_id).value_or(rec.c.owner_org_id);
  if (!org_facts(tx.conn(), s.provider_org_id)) {
    errors["provider_org"] = "validation.unknown_organization";
  }
  s.status = in.status;
  if (!one_of(service_statuses(), s.status)) errors["status"] = "service.validation.invalid_status";
  s.date = trim(in.date);
  if (s.date.empty()) {
    errors["date"] = "validation.required";
  } else if (!timeutil::is_valid_date(s.date)) {
    errors["date"] = "validation.invalid_date";
  } else if (s.status == "delivered" && s.date > today()) {
    errors["date"] = "service.validation.delivered_in_future";
  }
  s.quantity = in.quantity.value_or(1);
  if (s.quantity <= 0 || s.quantity > 1000000) {
    errors["quantity"] = "service.validation.invalid_quantity";
  }
  s.comment = non_blank(in.comment);
  if (s.comment && s.comment->size() > 2000) errors["comment"] = "validation.too_long";
  if (!errors.empty()) throw Invalid(errors);
  s.created_at = timeutil::now_utc();
  tx.query(
      "INSERT INTO case_services(id, case_id, service_type, provider_org_id, service_date, "
      "quantity, status, comment, version, created_at, created_by) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7, $8, 1, $9, $10)",
      {db::Value(s.id), db::Value(case_id), db::Value(s.type), db::Value(s.provider_org_id),
       db::Value(s.date), db::Value(s.quantity), db::Value(s.status), db::optional_text(s.comment),
       db::Value(s.created_at), db::Value(by.user_id)});
  audit::append(tx.conn(), actor, "create", "case_service", s.id, nullptr, to_json(s),
                place_of(rec));
  tx.commit();
  return s;
}

std::vector<CaseServiceRecord> list_services(db::Database& db, const access::Principal& by,
                                             const std::string& case_id) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  auto lease = db.acquire();
  if (!find_visible_case(*lease, by, case_id)) throw NotFound();
  std::vector<CaseServiceRecord> out;
  for (const auto& r :
       lease
           ->query("SELECT id, case_id, service_type, provider_org_id, service_date, quantity, "
                   "status, comment, created_at FROM case_services WHERE case_id = $1 ORDER BY "
                   "service_date DESC, id DESC LIMIT 500",
                   {db::Value(case_id)})
           .rows) {
    out.push_back({db::text_or(r[0], ""), db::text_or(r[1], ""), db::text_or(r[2], ""),
                   db::text_or(r[3], ""), db::text_or(r[4], ""), db::as_int(r[5]).value_or(1),
                   db::text_or(r[6], ""), db::as_text(r[7]), db::text_or(r[8], "")});
  }
  return out;
}

}  // namespace jisr::casework

// src/casework/case_services.cc
#include "casework/case_services.h"

#include <map>

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

nlohmann::json to_json(const ServiceType& t) {
  return {{"code", t.code}, {"name_fr", t.name_fr}, {"name_ar", t.name_ar}, {"name_en", t.name_en}};
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
          {"created_at", s.created_at},
          {"version", s.version}};
}

namespace {

constexpr const char* kServiceColumns =
    "id, case_id, service_type, provider_org_id, service_date, quantity, status, comment, "
    "created_at, version";

CaseServiceRecord service_from_row(const std::vector<db::Value>& r) {
  CaseServiceRecord s;
  s.id = db::text_or(r[0], "");
  s.case_id = db::text_or(r[1], "");
  s.type = db::text_or(r[2], "");
  s.provider_org_id = db::text_or(r[3], "");
  s.date = db::text_or(r[4], "");
  s.quantity = db::as_int(r[5]).value_or(1);
  s.status = db::text_or(r[6], "");
  s.comment = db::as_text(r[7]);
  s.created_at = db::text_or(r[8], "");
  s.version = db::as_int(r[9]).value_or(1);
  return s;
}

// The rules every recorded service keeps, whether new or edited: a valid status; a date,
// not in the future when delivered; 0 < quantity <= 1 000 000; a comment of at most 2000.
void check_service(const CaseServiceRecord& s, Errors& errors) {
  if (!one_of(service_statuses(), s.status)) errors["status"] = "service.validation.invalid_status";
  if (s.date.empty()) {
    errors["date"] = "validation.required";
  } else if (!timeutil::is_valid_date(s.date)) {
    errors["date"] = "validation.invalid_date";
  } else if (s.status == "delivered" && s.date > today()) {
    errors["date"] = "service.validation.delivered_in_future";
  }
  if (s.quantity <= 0 || s.quantity > 1000000) {
    errors["quantity"] = "service.validation.invalid_quantity";
  }
  if (s.comment && s.comment->size() > 2000) errors["comment"] = "validation.too_long";
}

}  // namespace

bool service_move_allowed(const std::string& from, const std::string& to) {
  if (from == to) return true;
  if (from == "planned") return to == "delivered" || to == "cancelled";
  if (from == "delivered") return to == "cancelled";
  return false;
}

CaseServiceRecord record_service(db::Database& db, const access::Principal& by,
                                 const audit::Actor& actor, const std::string& case_id,
                                 const NewCaseService& in) {
  return record_services(db, by, actor, case_id, {in}).front();
}

std::vector<CaseServiceRecord> record_services(db::Database& db, const access::Principal& by,
                                               const audit::Actor& actor,
                                               const std::string& case_id,
                                               const std::vector<NewCaseService>& in) {
  db::Transaction tx(db, db::TxMode::kWrite);
  const CaseHead rec = require_writable_case_head(tx.conn(), by, case_id);
  // What the checks read, once per distinct type and provider of this call (nothing else
  // writes them inside the transaction).
  std::map<std::string, bool> known_type, known_provider;
  std::vector<CaseServiceRecord> out;
  out.reserve(in.size());
  for (const auto& item : in) {
    Errors errors;
    CaseServiceRecord s;
    s.id = ids::new_id();
    s.case_id = case_id;
    s.type = trim(item.type);
    if (s.type.empty()) {
      errors["type"] = "validation.required";
    } else {
      auto [type, fresh] = known_type.try_emplace(s.type, false);
      if (fresh) {
        type->second = !tx.query("SELECT 1 FROM service_types WHERE code = $1 AND active = 1",
                                 {db::Value(s.type)})
                            .empty();
      }
      if (!type->second) errors["type"] = "service.validation.unknown_type";
    }
    s.provider_org_id = non_blank(item.provider_org_id).value_or(rec.c.owner_org_id);
    auto [provider, fresh] = known_provider.try_emplace(s.provider_org_id, false);
    if (fresh) provider->second = org_facts(tx.conn(), s.provider_org_id).has_value();
    if (!provider->second) errors["provider_org"] = "validation.unknown_organization";
    s.status = item.status;
    s.date = trim(item.date);
    s.quantity = item.quantity.value_or(1);
    s.comment = non_blank(item.comment);
    check_service(s, errors);
    if (!errors.empty()) throw Invalid(errors);
    s.created_at = timeutil::now_utc();
    out.push_back(std::move(s));
  }
  const audit::Place place = place_of(rec);
  for (const auto& s : out) {
    tx.query(
        "INSERT INTO case_services(id, case_id, service_type, provider_org_id, service_date, "
        "quantity, status, comment, version, created_at, created_by) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, 1, $9, $10)",
        {db::Value(s.id), db::Value(case_id), db::Value(s.type), db::Value(s.provider_org_id),
         db::Value(s.date), db::Value(s.quantity), db::Value(s.status),
         db::optional_text(s.comment), db::Value(s.created_at), db::Value(by.user_id)});
    audit::append(tx.conn(), actor, "create", "case_service", s.id, nullptr, to_json(s), place);
  }
  tx.commit();
  return out;
}

CaseServiceRecord update_service(db::Database& db, const access::Principal& by,
                                 const audit::Actor& actor, const std::string& case_id,
                                 const std::string& service_id, const CaseServicePatch& patch,
                                 std::int64_t expected_version) {
  db::Transaction tx(db, db::TxMode::kWrite);
  const CaseHead rec = require_writable_case_head(tx.conn(), by, case_id);
  auto rows = tx.query(std::string("SELECT ") + kServiceColumns +
                           " FROM case_services WHERE id = $1 AND case_id = $2",
                       {db::Value(service_id), db::Value(case_id)});
  if (rows.empty()) throw NotFound();
  const CaseServiceRecord current = service_from_row(rows.rows[0]);
  if (current.version != expected_version) throw Conflict("stale_version", "error.stale_version");
  CaseServiceRecord s = current;
  if (patch.status) s.status = trim(*patch.status);
  if (patch.date) s.date = trim(*patch.date);
  if (patch.quantity) s.quantity = *patch.quantity;
  if (patch.comment) s.comment = non_blank(*patch.comment);
  Errors errors;
  check_service(s, errors);
  if (!errors.empty()) throw Invalid(errors);
  if (!service_move_allowed(current.status, s.status)) {
    throw Conflict("illegal_transition", "service.error.illegal_transition");
  }
  s.version = current.version + 1;
  auto result = tx.query(
      "UPDATE case_services SET status = $1, service_date = $2, quantity = $3, comment = $4, "
      "version = $5 WHERE id = $6 AND version = $7",
      {db::Value(s.status), db::Value(s.date), db::Value(s.quantity), db::optional_text(s.comment),
       db::Value(s.version), db::Value(s.id), db::Value(expected_version)});
  if (result.affected_rows != 1) throw Conflict("stale_version", "error.stale_version");
  auto [before, after] = audit::diff(to_json(current), to_json(s));
  before.erase("version");
  after.erase("version");
  audit::append(tx.conn(), actor, "update", "case_service", s.id, before, after, place_of(rec));
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
           ->query(std::string("SELECT ") + kServiceColumns +
                       " FROM case_services WHERE case_id = $1 ORDER BY service_date DESC, id "
                       "DESC LIMIT 500",
                   {db::Value(case_id)})
           .rows) {
    out.push_back(service_from_row(r));
  }
  return out;
}

}  // namespace jisr::casework

// src/casework/case_services.h
//
// Services (prestations) delivered in a case, from the catalog of service types (table
// service_types, seeded by migration 0008): type, provider organization, date, quantity and
// status planned / delivered / cancelled.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "audit/audit.h"
#include "platform/db/database.h"

namespace jisr::casework {

struct ServiceType {
  std::string code, name_fr, name_ar, name_en;
  std::string name(const std::string& lang) const;
};

// {code, name_fr, name_ar, name_en}.
nlohmann::json to_json(const ServiceType& t);

// The active service types, in catalog order.
std::vector<ServiceType> service_types(db::Connection& conn);

struct CaseServiceRecord {
  std::string id;
  std::string case_id;
  std::string type;
  std::string provider_org_id;
  std::string date;
  std::int64_t quantity = 1;
  std::string status = "delivered";
  std::optional<std::string> comment;
  std::string created_at;
  std::int64_t version = 1;
};

nlohmann::json to_json(const CaseServiceRecord& s);

struct NewCaseService {
  std::string type;
  std::optional<std::string> provider_org_id;  // default: the case's owner organization
  std::string date;
  std::optional<std::int64_t> quantity;  // default 1
  std::string status = "delivered";
  std::optional<std::string> comment;
};

// Records a service (case.write on a visible case). Rules: known type and provider; a date;
// not in the future when delivered; quantity > 0. Throws Invalid with per-field reasons.
CaseServiceRecord record_service(db::Database& db, const access::Principal& by,
                                 const audit::Actor& actor, const std::string& case_id,
                                 const NewCaseService& in);

// Records several services of one case in one transaction (bulk loads): the case is read
// and checked once, each service passes the checks of record_service and gets its own INSERT
// and its own audit entry. All or nothing: an invalid service throws Invalid (its reasons)
// and none is written. Returns the services in the order given. record_service is this
// call with one service.
std::vector<CaseServiceRecord> record_services(db::Database& db, const access::Principal& by,
                                               const audit::Actor& actor,
                                               const std::string& case_id,
                                               const std::vector<NewCaseService>& in);

// What an edit of a recorded service changes; an absent member keeps the current value.
struct CaseServicePatch {
  std::optional<std::string> status;
  std::optional<std::string> date;
  std::optional<std::int64_t> quantity;
  std::optional<std::optional<std::string>> comment;  // optional(nullopt) clears it
};

// True when a service may go from status `from` to `to` (docs/casework.md): planned →
// delivered or cancelled, delivered → cancelled; a cancelled service stays cancelled and a
// delivered one never goes back to planned. Staying in the same status is always allowed.
bool service_move_allowed(const std::string& from, const std::string& to);

// Edits service `service_id` of a visible case (case.write). `expected_version` must be the
// service's current version, else Conflict "stale_version" and nothing is written. An
// illegal change of status is Conflict "illegal_transition"; the rules of record_service
// apply to the result (Invalid with per-field reasons). Audited as "update" with the
// changed fields; returns the service with its new version. NotFound when the case is not
// visible or the service is not one of its services.
CaseServiceRecord update_service(db::Database& db, const access::Principal& by,
                                 const audit::Actor& actor, const std::string& case_id,
                                 const std::string& service_id, const CaseServicePatch& patch,
                                 std::int64_t expected_version);

// The services of a visible case, newest date first (case.read).
std::vector<CaseServiceRecord> list_services(db::Database& db, const access::Principal& by,
                                             const std::string& case_id);

}  // namespace jisr::casework

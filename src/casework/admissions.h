// src/casework/admissions.h
//
// Admissions (placements) of people in institutions (organizations of kind 'eps'), and their
// discharge. Rules: a person is in at most one institution at a time (409 already_admitted);
// an admission beyond the institution's capacity for the person's sex needs an
// over_capacity_reason and is flagged over_capacity; a discharge cannot precede the
// admission; admitting grants the institution access to the person. Occupancy is derived
// from open admissions, never typed in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "audit/audit.h"
#include "person/person.h"
#include "platform/db/database.h"

namespace jisr::casework {

struct Admission {
  std::string id;
  std::string person_id;
  std::string institution_id;
  std::optional<std::string> case_id;
  std::string sex;
  std::string admitted_on;
  std::string reason;
  bool over_capacity = false;
  std::optional<std::string> over_capacity_reason;
  std::optional<std::string> discharged_on, discharge_reason, destination;
  std::string region_code, province_code;
  std::int64_t version = 1;
  std::string created_at;
};

struct AdmissionRecord {
  Admission a;
  person::Person person;
};

nlohmann::json to_json(const AdmissionRecord& rec, const std::string& lang);

struct NewAdmission {
  std::string person_id;
  std::string institution_id;
  std::string admitted_on;
  std::string reason;
  std::optional<std::string> over_capacity_reason;
  std::optional<std::string> case_id;
};

struct Discharge {
  std::string discharged_on;
  std::string reason;
  std::optional<std::string> destination;
};

struct AdmissionFilter {
  std::optional<std::string> institution_id;
  std::optional<std::string> person_id;
  std::optional<bool> current;  // true: not discharged; false: discharged
};

class AdmissionService {
 public:
  explicit AdmissionService(db::Database& db) : db_(db) {}

  // Admits (admission.manage). The person must be visible and the institution an EPS in the
  // caller's scope (or the caller's own organization). Throws Invalid, Conflict
  // "already_admitted", Forbidden.
  AdmissionRecord admit(const access::Principal& by, const audit::Actor& actor,
                        const NewAdmission& in);

  // Discharges (admission.manage, admission visible). Conflict "already_discharged"; Invalid
  // when the date precedes the admission, is in the future, or the reason is unknown.
  AdmissionRecord discharge(const access::Principal& by, const audit::Actor& actor,
                            const std::string& id, const Discharge& in);

  // A visible admission (case.read), else NotFound.
  AdmissionRecord get(const access::Principal& by, const std::string& id);

  // Visible admissions (their person is in the caller's scope), by id.
  std::vector<AdmissionRecord> list(const access::Principal& by, const AdmissionFilter& filter,
                                    const std::optional<std::string>& after_id, int limit);

 private:
  db::Database& db_;
};

// Columns "a.*, p.*" and their reader (admissions a JOIN people p).
std::string admission_columns();
AdmissionRecord admission_from_row(const std::vector<db::Value>& row);

}  // namespace jisr::casework

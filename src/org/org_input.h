// src/org/org_input.h
//
// What a caller typed for an organization, before validation: forms, CSV rows and JSON
// bodies all become this, so one validation gives the same precise errors whatever the
// source. Field names are flat and are also the form field names and the CSV columns
// (docs/import.md): kind, name_fr, name_ar, province, address, phone, email, category,
// managed_by, director, capacity_female, capacity_male, staff_<function>, latitude,
// longitude, authorization_status, authorization_number, authorization_date,
// authorization_expires_on; and `services`, a list.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "org/organization.h"
#include "platform/db/database.h"

namespace jisr::org {

struct OrgInput {
  // Absent: unchanged (update) or default (create). "": clears an optional field.
  std::map<std::string, std::string> fields;
  std::optional<std::vector<std::string>> services;

  const std::string* get(const std::string& name) const {
    auto it = fields.find(name);
    return it == fields.end() ? nullptr : &it->second;
  }
};

// Every flat field name the input understands (without `services`).
const std::vector<std::string>& input_fields();
// The fields an institution.write holder may change (capacity, staff, services, director,
// coordinates); every other field needs organization.write.
bool is_institution_field(const std::string& field);

// Applies `in` on top of `current` (a default record for a creation) and validates the
// result, collecting per-field catalog keys in `errors` (names as in OrgInput). Checks that
// need the database (province, managing organization) use `conn`. Returns the new record;
// it is meaningful only when `errors` stayed empty.
Organization apply_input(db::Connection& conn, const Organization& current, const OrgInput& in,
                         std::map<std::string, std::string>& errors);

// The names of the fields whose values differ between two records (flat names).
std::vector<std::string> changed_fields(const Organization& before, const Organization& after);

}  // namespace jisr::org

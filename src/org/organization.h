// src/org/organization.h
//
// The records of the organizations registry: an organization (ministry, INDH, Entraide
// Nationale, ADS, association, EPS, health centre, school, court, other) and, for kind
// `eps`, its institution part under law 65.15 (category, services, capacity, staff,
// authorization). The vocabularies below are the API's codes; labels live in the catalogs
// under "org.<vocabulary>.<code>".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace jisr::org {

const std::vector<std::string>& kinds();
const std::vector<std::string>& categories();
const std::vector<std::string>& services();
const std::vector<std::string>& staff_functions();
const std::vector<std::string>& authorization_statuses();
bool is_one_of(const std::vector<std::string>& vocabulary, std::string_view value);

struct Authorization {
  std::string status = "pending";
  std::optional<std::string> number;
  std::optional<std::string> date;        // YYYY-MM-DD
  std::optional<std::string> expires_on;  // YYYY-MM-DD
  bool operator==(const Authorization&) const = default;
};

struct Institution {
  std::string category;
  std::vector<std::string> services;  // in vocabulary order
  std::optional<std::string> managed_by;
  std::optional<std::string> director;
  std::int64_t capacity_female = 0;
  std::int64_t capacity_male = 0;
  std::map<std::string, std::int64_t> staff;  // function -> headcount (zeros omitted)
  std::optional<double> latitude;
  std::optional<double> longitude;
  Authorization authorization;

  std::int64_t capacity() const { return capacity_female + capacity_male; }
  std::int64_t staff_total() const;
};

struct Organization {
  std::string id;
  std::string kind;
  std::optional<std::string> name_fr;
  std::optional<std::string> name_ar;
  std::string province_code;
  std::string region_code;
  std::optional<std::string> address;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::int64_t version = 1;
  std::string created_at;
  std::string updated_at;
  std::optional<Institution> institution;  // present exactly when kind == "eps"

  // The name in the script of `lang` ("ar": Arabic first), falling back to the other.
  std::string display_name(std::string_view lang) const;
};

// Residents now, by sex (from admissions; see occupancy.h).
struct Occupancy {
  std::int64_t female = 0;
  std::int64_t male = 0;
  std::int64_t total() const { return female + male; }
};

// One change of an institution's authorization.
struct AuthorizationChange {
  std::string changed_at;
  std::optional<std::string> changed_by;  // username
  std::optional<std::string> status_from;
  Authorization to;
};

// The API view. `occupancy` adds the read-only block {female, male, total, rate,
// staff_to_resident_ratio} to an institution; `history` adds authorization_history.
nlohmann::json to_json(const Organization& o, const Occupancy* occupancy = nullptr,
                       const std::vector<AuthorizationChange>* history = nullptr);

// The derived occupancy block alone (rate = residents / capacity, null when capacity is 0;
// staff_to_resident_ratio = staff / residents, null when there is no resident).
nlohmann::json occupancy_json(const Institution& i, const Occupancy& o);

// "Dar  el Atfal " -> "dar el atfal": the comparison key of a name (ASCII case folded,
// spaces collapsed, trimmed). Used for the duplicate rule.
std::string name_key(std::string_view name);

}  // namespace jisr::org

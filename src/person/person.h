// src/person/person.h
//
// People (beneficiaries): the record, its validation, and the scope rule that decides who
// may see it. Other modules (casework, admissions, matching) reach people only through
// the functions here and in person_service.h, never through the tables.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "platform/db/database.h"

namespace jisr::person {

struct Person {
  std::string id;
  std::string file_number;
  std::optional<std::string> first_name_ar, last_name_ar, first_name_lat, last_name_lat;
  std::string sex;                             // "F" or "M"
  std::optional<std::string> birth_date;       // "YYYY-MM-DD" or "YYYY"
  std::string birth_date_precision = "exact";  // exact, year, estimated
  std::optional<std::string> cin, birth_certificate_number, rnp_rsu_id, disability_card_number;
  std::string nationality = "MA";
  std::optional<std::string> father_first_name;
  std::string province_code, region_code;
  std::optional<std::string> registered_by_org;
  std::vector<std::string> target_groups;
  bool consent_given = false;
  std::optional<std::string> consent_at, consent_recorded_by;
  std::string status = "active";
  std::optional<std::string> merged_into;
  std::int64_t version = 1;
  std::string created_at, updated_at;
};

// The API view (API.md field names).
nlohmann::json to_json(const Person& p);

// The target groups of PRODUCT.md.
const std::vector<std::string>& target_group_codes();

// Validation of single fields; each returns the catalog key of the reason, or empty.
std::string check_cin(const std::string& cin);  // 1-2 capital letters then 1-6 digits
// `today` is "YYYY-MM-DD"; a birth date may not be after it.
std::string check_birth_date(const std::string& date, const std::string& precision,
                             const std::string& today);

// A name to show: in Arabic script on Arabic pages when there is one, else Latin.
std::string display_name(const Person& p, const std::string& lang);
std::string other_script_name(const Person& p, const std::string& lang);

// The SQL condition limiting rows of `people` (aliased `alias`) to the principal's scope;
// appends its parameters to `params`. Organization scope means "people the organization
// works with" (table person_access).
std::string scope_condition(const access::Principal& p, const std::string& alias,
                            std::vector<db::Value>& params);

// The same condition on a person id expression (such as "c.person_id") without the people
// table, for the national and organization scopes; nullopt (and no parameter) for a region or
// a province scope, which need the person's row.
std::optional<std::string> scope_condition_on_id(const access::Principal& p,
                                                 const std::string& person_id,
                                                 std::vector<db::Value>& params);

// Loads a person if it exists and is inside the principal's scope, else empty. Does not
// write the access log (callers that show the file do).
std::optional<Person> find_visible(db::Connection& conn, const access::Principal& principal,
                                   const std::string& person_id);

// Loads a person whatever the scope (for services that checked access another way).
std::optional<Person> find(db::Connection& conn, const std::string& person_id);

// Records that `organization_id` works with the person (registration, case, admission,
// accepted referral), which lets its organization-scoped users see the person. Idempotent.
void grant_access(db::Connection& conn, const std::string& person_id,
                  const std::string& organization_id, const std::string& reason);

// The audit place of a person.
audit::Place place_of(const Person& p);

}  // namespace jisr::person

namespace jisr::person {
// The SELECT list of a person row (table aliased `p`) and its reader, for services of this
// module.
std::string columns();
Person from_row(const std::vector<db::Value>& row);
}  // namespace jisr::person

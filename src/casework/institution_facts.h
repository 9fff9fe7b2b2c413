// src/casework/institution_facts.h
//
// What casework needs to know about an organization or an institution (EPS): its kind, names,
// territory and, for an EPS, its capacity by sex. This is the ONE crossing point from
// casework into the organizations registry's tables: it is one query, to be replaced by a call
// to the org module's service (org::find or similar) once that service offers it without an
// HTTP request around it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "access/scope.h"
#include "platform/db/database.h"

namespace jisr::casework {

struct OrgFacts {
  std::string id;
  std::string kind;  // "eps" for an institution
  std::optional<std::string> name_fr, name_ar;
  std::string province_code, region_code;
  bool is_institution = false;       // kind == "eps" with its institution record
  std::int64_t capacity_female = 0;  // institutions only
  std::int64_t capacity_male = 0;

  // The name in the script of `lang`, falling back to the other.
  std::string name(const std::string& lang) const;
};

// The organization `id` (with its capacity when it is an EPS), or empty when there is none.
// One query, no scope check: callers decide what the caller may do with it.
std::optional<OrgFacts> org_facts(db::Connection& conn, const std::string& id);

// Organizations to choose from in casework forms (provider, receiving organization): those of
// `region_code` first, then the others, by name; at most 500. Same crossing point as above.
std::vector<OrgFacts> org_choices(db::Connection& conn, const std::string& region_code);

// Institutions (EPS) inside `scope` or equal to `own_org`, by name; at most 500.
std::vector<OrgFacts> institution_choices(db::Connection& conn, const access::Scope& scope,
                                          const std::optional<std::string>& own_org);

}  // namespace jisr::casework

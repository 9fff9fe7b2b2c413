// src/casework/institution_facts.h
//
// What casework needs to know about an organization or an institution (EPS): its kind, names,
// territory and, for an EPS, its capacity by sex. Read through the org module's store
// (org/org_store.h: org::find, org::list), not its tables; the store has no permission or
// scope rules, so these functions are for organizations the caller already has a reason to
// see (named by a visible case, service or referral) and for the choices of casework forms.
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
// No scope check: callers decide what the caller may do with it.
std::optional<OrgFacts> org_facts(db::Connection& conn, const std::string& id);

// Organizations to choose from in casework forms (provider, receiving organization): those of
// `region_code` first, then the others, by name; at most 500.
std::vector<OrgFacts> org_choices(db::Connection& conn, const std::string& region_code);

// Institutions (EPS) inside `scope` or equal to `own_org`, by name; at most 500.
std::vector<OrgFacts> institution_choices(db::Connection& conn, const access::Scope& scope,
                                          const std::optional<std::string>& own_org);

}  // namespace jisr::casework

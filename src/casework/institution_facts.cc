// src/casework/institution_facts.cc
//
// Reads organizations through the org module's store (org/org_store.h), never its tables. The
// store has no rules of its own; the checks are the callers': casework reads the facts of an
// organization named by a case, a service or a referral the caller can already see, and the
// choices of its forms (institution_choices applies the caller's scope itself).
#include "casework/institution_facts.h"

#include <set>

#include "org/org_store.h"

namespace jisr::casework {

std::string OrgFacts::name(const std::string& lang) const {
  if (lang == "ar") return name_ar.value_or(name_fr.value_or(""));
  return name_fr.value_or(name_ar.value_or(""));
}

namespace {

constexpr int kMaxChoices = 500;
// Every organization: the choices of casework forms are not limited by the caller's scope
// (one refers to or is served by organizations anywhere).
constexpr const char* kAnywhere = "1 = 1";

OrgFacts facts_of(const org::Organization& o) {
  OrgFacts f;
  f.id = o.id;
  f.kind = o.kind;
  f.name_fr = o.name_fr;
  f.name_ar = o.name_ar;
  f.province_code = o.province_code;
  f.region_code = o.region_code;
  f.is_institution = o.kind == "eps" && o.institution.has_value();
  if (o.institution) {
    f.capacity_female = o.institution->capacity_female;
    f.capacity_male = o.institution->capacity_male;
  }
  return f;
}

// Organizations matching `filter` inside `scope_sql`, by French name (Arabic when there is none).
std::vector<OrgFacts> listed(db::Connection& conn, const std::string& scope_sql,
                             std::vector<db::Value> params, const org::OrgFilter& filter) {
  org::Sort by_name;
  by_name.key = org::SortKey::kName;
  std::vector<OrgFacts> out;
  for (const auto& l :
       org::list(conn, scope_sql, std::move(params), filter, by_name, std::nullopt, kMaxChoices)) {
    out.push_back(facts_of(l.org));
  }
  return out;
}

}  // namespace

std::vector<OrgFacts> org_choices(db::Connection& conn, const std::string& region_code) {
  org::OrgFilter in_region;
  in_region.region = region_code;
  std::vector<OrgFacts> out =
      region_code.empty() ? std::vector<OrgFacts>{} : listed(conn, kAnywhere, {}, in_region);
  std::set<std::string> seen;
  for (const auto& f : out) seen.insert(f.id);
  for (auto& f : listed(conn, kAnywhere, {}, org::OrgFilter{})) {
    if (static_cast<int>(out.size()) >= kMaxChoices) break;
    if (!seen.count(f.id)) out.push_back(std::move(f));
  }
  return out;
}

std::vector<OrgFacts> institution_choices(db::Connection& conn, const access::Scope& scope,
                                          const std::optional<std::string>& own_org) {
  std::vector<db::Value> params;
  std::string cond =
      access::scope_condition(scope, "o.region_code", "o.province_code", "o.id", params);
  if (own_org) {
    params.emplace_back(*own_org);
    cond = "(" + cond + " OR o.id = $" + std::to_string(params.size()) + ")";
  }
  org::OrgFilter eps;
  eps.kind = "eps";
  std::vector<OrgFacts> out;
  for (auto& f : listed(conn, cond, std::move(params), eps)) {
    if (f.is_institution) out.push_back(std::move(f));
  }
  return out;
}

std::optional<OrgFacts> org_facts(db::Connection& conn, const std::string& id) {
  auto o = org::find(conn, id);
  if (!o) return std::nullopt;
  return facts_of(*o);
}

}  // namespace jisr::casework

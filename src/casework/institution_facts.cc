// src/casework/institution_facts.cc
#include "casework/institution_facts.h"

namespace jisr::casework {

std::string OrgFacts::name(const std::string& lang) const {
  if (lang == "ar") return name_ar.value_or(name_fr.value_or(""));
  return name_fr.value_or(name_ar.value_or(""));
}

namespace {

constexpr const char* kSelect =
    "SELECT o.id, o.kind, o.name_fr, o.name_ar, o.province_code, o.region_code, "
    "i.organization_id, i.capacity_female, i.capacity_male "
    "FROM organizations o LEFT JOIN institutions i ON i.organization_id = o.id ";

OrgFacts from_row(const std::vector<db::Value>& r) {
  OrgFacts f;
  f.id = db::text_or(r[0], "");
  f.kind = db::text_or(r[1], "");
  f.name_fr = db::as_text(r[2]);
  f.name_ar = db::as_text(r[3]);
  f.province_code = db::text_or(r[4], "");
  f.region_code = db::text_or(r[5], "");
  f.is_institution = f.kind == "eps" && db::as_text(r[6]).has_value();
  f.capacity_female = db::as_int(r[7]).value_or(0);
  f.capacity_male = db::as_int(r[8]).value_or(0);
  return f;
}

}  // namespace

std::vector<OrgFacts> org_choices(db::Connection& conn, const std::string& region_code) {
  std::vector<OrgFacts> out;
  for (const auto& r :
       conn.query(std::string(kSelect) + "ORDER BY CASE WHEN o.region_code = $1 THEN 0 ELSE 1 END, "
                                         "COALESCE(o.name_fr, o.name_ar), o.id LIMIT 500",
                  {db::Value(region_code)})
           .rows) {
    out.push_back(from_row(r));
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
  std::vector<OrgFacts> out;
  for (const auto& r :
       conn.query(std::string(kSelect) +
                      "WHERE o.kind = 'eps' AND i.organization_id IS NOT NULL AND " + cond +
                      " ORDER BY COALESCE(o.name_fr, o.name_ar), o.id LIMIT 500",
                  params)
           .rows) {
    out.push_back(from_row(r));
  }
  return out;
}

std::optional<OrgFacts> org_facts(db::Connection& conn, const std::string& id) {
  auto rows = conn.query(std::string(kSelect) + "WHERE o.id = $1", {db::Value(id)});
  if (rows.empty()) return std::nullopt;
  return from_row(rows.rows[0]);
}

}  // namespace jisr::casework

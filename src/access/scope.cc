// src/access/scope.cc
#include "access/scope.h"

namespace jisr::access {

std::string_view scope_level_name(ScopeLevel l) {
  switch (l) {
    case ScopeLevel::kNational:
      return "national";
    case ScopeLevel::kRegion:
      return "region";
    case ScopeLevel::kProvince:
      return "province";
    case ScopeLevel::kOrganization:
      return "organization";
  }
  return "national";
}

std::optional<ScopeLevel> parse_scope_level(std::string_view name) {
  for (auto l : {ScopeLevel::kNational, ScopeLevel::kRegion, ScopeLevel::kProvince,
                 ScopeLevel::kOrganization}) {
    if (scope_level_name(l) == name) return l;
  }
  return std::nullopt;
}

std::optional<Scope> parse_scope(std::string_view text) {
  const auto colon = text.find(':');
  const auto level = parse_scope_level(text.substr(0, colon));
  if (!level) return std::nullopt;
  Scope s{*level, colon == std::string_view::npos ? "" : std::string(text.substr(colon + 1))};
  if ((s.level == ScopeLevel::kNational) != s.code.empty()) return std::nullopt;
  return s;
}

std::string format_scope(const Scope& s) {
  if (s.level == ScopeLevel::kNational) return "national";
  return std::string(scope_level_name(s.level)) + ":" + s.code;
}

bool contains(const Scope& scope, const Location& where) {
  switch (scope.level) {
    case ScopeLevel::kNational:
      return true;
    case ScopeLevel::kRegion:
      return where.region_code == scope.code;
    case ScopeLevel::kProvince:
      return where.province_code == scope.code;
    case ScopeLevel::kOrganization:
      return where.organization_id == scope.code;
  }
  return false;
}

std::string scope_condition(const Scope& scope, std::string_view region_col,
                            std::string_view province_col, std::string_view org_col,
                            std::vector<db::Value>& params) {
  std::string_view column;
  switch (scope.level) {
    case ScopeLevel::kNational:
      return "1=1";
    case ScopeLevel::kRegion:
      column = region_col;
      break;
    case ScopeLevel::kProvince:
      column = province_col;
      break;
    case ScopeLevel::kOrganization:
      column = org_col;
      break;
  }
  params.emplace_back(scope.code);
  return std::string(column) + " = $" + std::to_string(params.size());
}

}  // namespace jisr::access

// src/access/scope.h
//
// A user's scope: the part of the country or the organization whose records they may see.
// Records that are scoped carry denormalised `region_code`, `province_code` and
// `organization_id` columns, so that a scope becomes one indexed equality in SQL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/db/database.h"

namespace jisr::access {

enum class ScopeLevel { kNational, kRegion, kProvince, kOrganization };

struct Scope {
  ScopeLevel level = ScopeLevel::kNational;
  std::string code;  // region or province code, or organization id; empty for national

  bool operator==(const Scope&) const = default;
};

std::string_view scope_level_name(ScopeLevel l);  // "national", "region", ...
std::optional<ScopeLevel> parse_scope_level(std::string_view name);
// "national", "region:MA-06", "province:MA-CAS", "organization:01J..." (the CLI form).
std::optional<Scope> parse_scope(std::string_view text);
std::string format_scope(const Scope& s);

// Where a record sits.
struct Location {
  std::optional<std::string> region_code;
  std::optional<std::string> province_code;
  std::optional<std::string> organization_id;
};

// True when a record at `where` is inside `scope`.
bool contains(const Scope& scope, const Location& where);

// The SQL condition restricting rows to `scope`, given the column names holding the
// record's region, province and organization. Parameters are appended to `params` and
// numbered after the ones already there. Returns "1=1" for national scope.
std::string scope_condition(const Scope& scope, std::string_view region_col,
                            std::string_view province_col, std::string_view org_col,
                            std::vector<db::Value>& params);

}  // namespace jisr::access

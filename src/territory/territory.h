// src/territory/territory.h
//
// Territories: Morocco's 12 regions and 75 provinces/prefectures (ISO 3166-2:MA codes),
// reference data loaded by migration and read-only at run time. Every person, organization
// and scope in Jisr points at one of them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "platform/db/database.h"
#include "platform/db/migrate.h"

namespace jisr::territory {

struct Territory {
  std::string code;                        // "MA-06" (region) or "MA-CAS" (province/prefecture)
  std::string level;                       // "region" or "province"
  std::optional<std::string> parent_code;  // the region of a province
  std::string kind;                        // "region", "province" or "prefecture"
  std::string name_fr;
  std::string name_ar;
};

struct ListFilter {
  std::optional<std::string> level;        // "region" | "province"
  std::optional<std::string> parent_code;  // provinces of one region
};

// Territories matching `filter`, ordered by code, starting after `after_code`, at most
// `limit` (+1 is fetched by callers to know whether more exist).
std::vector<Territory> list(db::Connection& conn, const ListFilter& filter,
                            const std::optional<std::string>& after_code, int limit);

std::optional<Territory> find(db::Connection& conn, const std::string& code);

// Parses the territories CSV (columns region_code, region_fr, region_ar, province_code,
// province_fr, province_ar, kind) into regions then provinces. Throws std::runtime_error
// naming the line of a malformed row.
std::vector<Territory> parse_reference_csv(std::string_view csv_text);

// The migrations of this module that are code rather than SQL (reference data load).
std::vector<db::Migration> code_migrations();

}  // namespace jisr::territory

// src/territory/territory.cc
#include "territory/territory.h"

#include <set>
#include <stdexcept>

#include "platform/util/csv.h"
#include "platform/util/embedded.h"

namespace jisr::territory {
namespace {

constexpr const char* kColumns = "code, level, parent_code, kind, name_fr, name_ar";

Territory from_row(const std::vector<db::Value>& row) {
  Territory t;
  t.code = db::text_or(row[0], "");
  t.level = db::text_or(row[1], "");
  t.parent_code = db::as_text(row[2]);
  t.kind = db::text_or(row[3], "");
  t.name_fr = db::text_or(row[4], "");
  t.name_ar = db::text_or(row[5], "");
  return t;
}

}  // namespace

std::vector<Territory> list(db::Connection& conn, const ListFilter& filter,
                            const std::optional<std::string>& after_code, int limit) {
  // One statement for every combination of filters: NULL parameters disable a condition.
  const std::string sql = std::string("SELECT ") + kColumns +
                          " FROM territories"
                          " WHERE (CAST($1 AS TEXT) IS NULL OR level = $1)"
                          " AND (CAST($2 AS TEXT) IS NULL OR parent_code = $2)"
                          " AND (CAST($3 AS TEXT) IS NULL OR code > $3)"
                          " ORDER BY code LIMIT $4";
  auto result =
      conn.query(sql, {db::optional_text(filter.level), db::optional_text(filter.parent_code),
                       db::optional_text(after_code), db::Value(static_cast<std::int64_t>(limit))});
  std::vector<Territory> out;
  out.reserve(result.rows.size());
  for (const auto& row : result.rows) out.push_back(from_row(row));
  return out;
}

std::optional<Territory> find(db::Connection& conn, const std::string& code) {
  auto result = conn.query(std::string("SELECT ") + kColumns + " FROM territories WHERE code = $1",
                           {db::Value(code)});
  if (result.empty()) return std::nullopt;
  return from_row(result.rows[0]);
}

std::vector<Territory> parse_reference_csv(std::string_view csv_text) {
  const auto table = csv::parse(csv_text, ',');
  const std::vector<std::string> expected = {"region_code",   "region_fr",   "region_ar",
                                             "province_code", "province_fr", "province_ar",
                                             "kind"};
  if (table.header != expected) throw std::runtime_error("territories CSV: unexpected header");
  std::vector<Territory> regions, provinces;
  std::set<std::string> seen_regions;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const auto& r = table.rows[i];
    const auto line = std::to_string(table.row_lines[i]);
    if (r.size() != expected.size()) {
      throw std::runtime_error("territories CSV line " + line + ": expected 7 columns");
    }
    if (r[6] != "province" && r[6] != "prefecture") {
      throw std::runtime_error("territories CSV line " + line + ": unknown kind " + r[6]);
    }
    if (seen_regions.insert(r[0]).second) {
      regions.push_back({r[0], "region", std::nullopt, "region", r[1], r[2]});
    }
    provinces.push_back({r[3], "province", r[0], r[6], r[4], r[5]});
  }
  regions.insert(regions.end(), provinces.begin(), provinces.end());
  return regions;
}

std::vector<db::Migration> code_migrations() {
  db::Migration load;
  load.version = 2;
  load.name = "territories_data";
  load.code = [](db::Connection& conn) {
    const auto csv_text = embedded_file("data/territories.csv");
    if (!csv_text) throw std::runtime_error("data/territories.csv is not embedded");
    for (const auto& t : parse_reference_csv(*csv_text)) {
      conn.query(
          "INSERT INTO territories(code, level, parent_code, kind, name_fr, name_ar)"
          " VALUES ($1, $2, $3, $4, $5, $6)",
          {db::Value(t.code), db::Value(t.level), db::optional_text(t.parent_code),
           db::Value(t.kind), db::Value(t.name_fr), db::Value(t.name_ar)});
    }
  };
  return {load};
}

}  // namespace jisr::territory

// src/org/occupancy.cc
//
// Occupancy is counted from the admissions of migration 0009: an admission with no discharge
// date is a resident. admissions_institution (institution_id, discharged_on, sex) answers both
// queries from the index alone.
#include "org/occupancy.h"

namespace jisr::org {
namespace {

void add(Occupancy& o, const db::Value& sex, const db::Value& count) {
  (db::text_or(sex, "") == "F" ? o.female : o.male) += db::as_int(count).value_or(0);
}

}  // namespace

Occupancy occupancy_of(db::Connection& conn, const std::string& institution_id) {
  Occupancy o;
  const auto rows = conn.query(
      "SELECT sex, COUNT(*) FROM admissions WHERE institution_id = $1 AND discharged_on IS NULL "
      "GROUP BY sex",
      {db::Value(institution_id)});
  for (const auto& r : rows.rows) add(o, r[0], r[1]);
  return o;
}

std::map<std::string, Occupancy> occupancies_of(db::Connection& conn,
                                                const std::vector<std::string>& institution_ids) {
  std::map<std::string, Occupancy> out;
  if (institution_ids.empty()) return out;
  std::vector<db::Value> params;
  std::string in;
  for (const auto& id : institution_ids) {
    params.emplace_back(id);
    in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
  }
  const auto rows =
      conn.query("SELECT institution_id, sex, COUNT(*) FROM admissions WHERE institution_id IN (" +
                     in + ") AND discharged_on IS NULL GROUP BY institution_id, sex",
                 params);
  for (const auto& r : rows.rows) add(out[db::text_or(r[0], "")], r[1], r[2]);
  return out;
}

}  // namespace jisr::org

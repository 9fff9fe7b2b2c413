// src/org/occupancy.cc
//
// TODO(admissions, migration 0008): the admissions issue replaces both bodies with a count
// of current admissions by sex, e.g.
//   SELECT sex, COUNT(*) FROM admissions
//   WHERE institution_id = $1 AND discharged_on IS NULL GROUP BY sex
// (and the same with `institution_id IN (...)` grouped by institution for the batch form).
// Until admissions exist, every institution has no resident.
#include "org/occupancy.h"

namespace jisr::org {

Occupancy occupancy_of(db::Connection& /*conn*/, const std::string& /*institution_id*/) {
  return {};
}

std::map<std::string, Occupancy> occupancies_of(db::Connection& /*conn*/,
                                                const std::vector<std::string>& /*ids*/) {
  return {};
}

}  // namespace jisr::org

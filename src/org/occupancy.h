// src/org/occupancy.h
//
// An institution's occupancy, derived from admissions (migration 0009) and never typed in.
// Every page, export and API answer reads occupancy through these two functions only,
// admissions' capacity check included.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "org/organization.h"
#include "platform/db/database.h"

namespace jisr::org {

// Residents of the institution now (admitted and not discharged), by sex.
Occupancy occupancy_of(db::Connection& conn, const std::string& institution_id);

// The same for several institutions in one query (lists, exports); ids without residents
// may be absent from the map.
std::map<std::string, Occupancy> occupancies_of(db::Connection& conn,
                                                const std::vector<std::string>& institution_ids);

}  // namespace jisr::org

// src/casework/assessment.h
//
// The assessment of a case: for each domain of its module (vocabulary.h) a score from 0
// (no concern) to 4 (critical) and a comment. Saving replaces the domains given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "audit/audit.h"
#include "platform/db/database.h"

namespace jisr::casework {

struct DomainScore {
  std::string domain;
  std::optional<std::int64_t> score;  // empty: not assessed yet
  std::optional<std::string> comment;
};

struct Assessment {
  std::string case_id;
  std::string module;
  std::vector<DomainScore> domains;  // every domain of the module, in order
  std::optional<std::string> assessed_at;
};

nlohmann::json to_json(const Assessment& a);

// The assessment of a visible case (case.read).
Assessment get_assessment(db::Database& db, const access::Principal& by,
                          const std::string& case_id);

// Saves scores (case.write). Each domain must belong to the case's module, each score be
// 0..4, each comment at most 4000 bytes; errors are keyed "domains.<domain>".
Assessment save_assessment(db::Database& db, const access::Principal& by, const audit::Actor& actor,
                           const std::string& case_id, const std::vector<DomainScore>& scores);

}  // namespace jisr::casework

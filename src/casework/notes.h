// src/casework/notes.h
//
// Case notes. A confidential note is shown only to the owning organization and to
// supervisors/coordinators holding note.confidential.read (may_read_confidential); everyone
// else sees neither it nor a trace of it, even with case.read.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "audit/audit.h"
#include "platform/db/database.h"

namespace jisr::casework {

struct Note {
  std::string id;
  std::string case_id;
  std::string body;
  bool confidential = false;
  std::optional<std::string> author_user_id;
  std::optional<std::string> author_name;
  std::optional<std::string> author_org_id;
  std::string created_at;
};

nlohmann::json to_json(const Note& n);

// Adds a note (case.write on a visible case). A confidential note may only be written by
// someone allowed to read it. Throws Invalid (empty or too long body), NotFound, Forbidden.
Note add_note(db::Database& db, const access::Principal& by, const audit::Actor& actor,
              const std::string& case_id, const std::string& body, bool confidential);

// The notes of a visible case the caller may read, newest first (case.read).
std::vector<Note> list_notes(db::Database& db, const access::Principal& by,
                             const std::string& case_id);

}  // namespace jisr::casework

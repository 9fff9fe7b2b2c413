// src/person/person_service.h
//
// Registering, reading, editing and listing people, with the permission and scope checks,
// the duplicate warning before a new file is created, the access log of every read of a
// file and the audit entry of every change (in the change's transaction).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "access/principal.h"
#include "audit/audit.h"
#include "person/person.h"
#include "platform/db/database.h"
#include "platform/error.h"

namespace jisr::person {

// What a form or the API may set. Absent optionals leave a field empty (create) or as it
// is (update); for update, `clear` lists fields to empty.
struct PersonInput {
  std::optional<std::string> first_name_ar, last_name_ar, first_name_lat, last_name_lat;
  std::optional<std::string> sex;
  std::optional<std::string> birth_date, birth_date_precision;
  std::optional<std::string> cin, birth_certificate_number, rnp_rsu_id, disability_card_number;
  std::optional<std::string> nationality, father_first_name, province;
  std::optional<std::vector<std::string>> target_groups;
  std::optional<bool> consent_given;
};

struct DuplicateCandidate {
  Person person;
  double score = 0;
};

// Thrown by create() when likely duplicates exist and the caller did not confirm.
class PossibleDuplicate : public Conflict {
 public:
  explicit PossibleDuplicate(std::vector<DuplicateCandidate> candidates)
      : Conflict("possible_duplicate", "person.possible_duplicate"),
        candidates_(std::move(candidates)) {}
  const std::vector<DuplicateCandidate>& candidates() const { return candidates_; }

 private:
  std::vector<DuplicateCandidate> candidates_;
};

struct PersonFilter {
  std::optional<std::string> q;  // name (either script), file number or CIN
  std::optional<std::string> province;
  std::optional<std::string> target_group;
};

class PersonService {
 public:
  explicit PersonService(db::Database& db) : db_(db) {}

  // Registers a person. Needs person.write; the province must be inside the caller's
  // territorial scope. Unless `confirm_new`, throws PossibleDuplicate listing visible
  // people who look like the same person. Throws Invalid with per-field reasons.
  Person create(const access::Principal& by, const audit::Actor& actor, const PersonInput& in,
                bool confirm_new);

  // Opens a file: person.read and in scope (else NotFound); writes a "view" entry to the
  // access log.
  Person open_file(const access::Principal& by, const audit::Actor& actor, const std::string& id);

  // Edits if `expected_version` is current (else Conflict "stale_version").
  Person update(const access::Principal& by, const audit::Actor& actor, const std::string& id,
                const PersonInput& in, std::int64_t expected_version);

  // Visible people, newest first by id, after `after_id`, at most `limit`.
  std::vector<Person> list(const access::Principal& by, const PersonFilter& filter,
                           const std::optional<std::string>& after_id, int limit);

  // Adds a relation between two visible people (and its inverse).
  void add_relation(const access::Principal& by, const audit::Actor& actor,
                    const std::string& person_id, const std::string& related_id,
                    const std::string& kind);

  struct Relation {
    Person other;
    std::string kind;
  };
  std::vector<Relation> relations(const access::Principal& by, const std::string& person_id);

 private:
  std::vector<DuplicateCandidate> duplicates(db::Connection& conn, const access::Principal& by,
                                             const Person& p);
  db::Database& db_;
};

// Validates the input into `p` (create when `creating`), collecting per-field reasons.
void apply_input(const PersonInput& in, Person& p, bool creating,
                 std::map<std::string, std::string>& errors);

}  // namespace jisr::person

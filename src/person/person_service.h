// src/person/person_service.h
//
// Registering, reading, editing and listing people, with the permission and scope checks,
// the duplicate warning before a new file is created, the access log of every read of a
// file and the audit entry of every change (in the change's transaction).
#pragma once

#include <optional>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/principal.h"
#include "audit/audit.h"
#include "person/person.h"
#include "person/person_search.h"
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
  // Without `search` (command-line tools), duplicates and ?q= use SQL equality and LIKE;
  // with it, the in-memory fuzzy index (which must outlive the service).
  explicit PersonService(db::Database& db, PersonSearch* search = nullptr)
      : db_(db), search_(search) {}

  // Registers a person. Needs person.write; the province must be inside the caller's
  // territorial scope. Unless `confirm_new`, throws PossibleDuplicate listing visible
  // people who look like the same person. Throws Invalid with per-field reasons.
  Person create(const access::Principal& by, const audit::Actor& actor, const PersonInput& in,
                bool confirm_new);

  // Opens a file: person.read and in scope (else NotFound); writes a "view" entry to the
  // access log.
  Person open_file(const access::Principal& by, const audit::Actor& actor, const std::string& id);
  // The same on the caller's connection `conn` (the file page reads the whole file in one
  // read transaction). The entry is queued by audit::record: under an audit::Deferred (an
  // HTTP request) it is waited for before the response leaves; otherwise record() waits here
  // for a commit on another connection of the pool while `conn` stays borrowed.
  Person open_file(db::Connection& conn, const access::Principal& by, const audit::Actor& actor,
                   const std::string& id);

  // Edits if `expected_version` is current (else Conflict "stale_version").
  Person update(const access::Principal& by, const audit::Actor& actor, const std::string& id,
                const PersonInput& in, std::int64_t expected_version);

  // Visible people, newest first by id, after `after_id`, at most `limit`. With a search
  // index and a `q` that is not a file number or a CIN, the ranked fuzzy search instead:
  // best first (at most kSearchDepth), `after_id` continuing after that person's rank. The
  // index is asked for about 1.5 × `limit` + 16 hits, deeper (4×) only when the page is not
  // full or the cursor's person lies further down.
  std::vector<Person> list(const access::Principal& by, const PersonFilter& filter,
                           const std::optional<std::string>& after_id, int limit);

  // Adds a relation between two visible people (and its inverse).
  void add_relation(const access::Principal& by, const audit::Actor& actor,
                    const std::string& person_id, const std::string& related_id,
                    const std::string& kind);

  // Merges `id` into `into` (both visible; needs person.merge): cases, admissions,
  // referrals, relations and the access of organizations move to the survivor, identifiers
  // the survivor lacks are copied, and `id` becomes status "merged" pointing to it. What
  // moved is recorded (person_merges) for unmerge. Conflict: same person ("merge_self"),
  // either already merged ("already_merged"), both admitted now ("both_admitted").
  // Returns the survivor.
  Person merge(const access::Principal& by, const audit::Actor& actor, const std::string& id,
               const std::string& into);

  // Undoes the last merge of `id` (needs person.unmerge): restores exactly what moved.
  // Conflict "not_merged" when `id` is not merged, "survivor_merged" when the survivor has
  // itself been merged since (undo that first). Returns the restored person.
  Person unmerge(const access::Principal& by, const audit::Actor& actor, const std::string& id);

  // The last merge of a merged person (for the undo page), needs person.unmerge.
  struct MergeRecord {
    std::string id, person_id, into_id, merged_at;
    std::optional<std::string> merged_by;
    nlohmann::json moved;
  };
  std::optional<MergeRecord> last_merge(const access::Principal& by, const std::string& id);

  // The records merged into `into_id` whose merge can still be undone (status merged,
  // pointing to it, merge not undone) and that `by` may see, newest merge first, at most
  // `limit`: the survivor's list of links to their undo pages. Needs person.unmerge.
  struct MergedRecord {
    std::string id, file_number, merged_at;
  };
  std::vector<MergedRecord> merged_into(const access::Principal& by, const std::string& into_id,
                                        int limit = 50);

  // Merges for the administrators' list (needs person.unmerge, else Forbidden): those whose
  // merged record `by` may see, newest first (merged_at, then id), continuing after the
  // (merged_at, id) key `after`, at most `limit`. Only merges not undone unless
  // `include_undone`. File numbers and who merged, never a person's name.
  struct MergeListItem {
    std::string id, person_id, file_number, into_id, into_file_number, merged_at;
    std::optional<std::string> merged_by;  // username
    std::optional<std::string> undone_at;
  };
  struct MergeCursor {
    std::string merged_at, id;
  };
  std::vector<MergeListItem> list_merges(const access::Principal& by,
                                         const std::optional<MergeCursor>& after, int limit,
                                         bool include_undone = false);

  // Loads a person by file number, visible to `by` (the merge form names the survivor so).
  std::optional<Person> find_by_file_number(const access::Principal& by,
                                            const std::string& file_number);

  static constexpr std::size_t kSearchDepth = 500;
  // A ranked list keeps hits scoring at least this (the index's score: the query words'
  // rarity-weighted similarity to the person's names; one typo in a name is about 0.9).
  static constexpr double kListFloor = 0.8;
  // Registration warns of people scoring at least this (Fellegi–Sunter match probability).
  static constexpr double kDuplicateThreshold = 0.3;

  struct Relation {
    Person other;
    std::string kind;
  };
  std::vector<Relation> relations(const access::Principal& by, const std::string& person_id);
  // The same on the caller's connection (inside its transaction).
  std::vector<Relation> relations(db::Connection& conn, const access::Principal& by,
                                  const std::string& person_id);

 private:
  std::vector<DuplicateCandidate> duplicates(db::Connection& conn, const access::Principal& by,
                                             const Person& p);
  std::vector<Person> ranked(const access::Principal& by, const PersonFilter& filter,
                             const std::optional<std::string>& after_id, int limit);
  std::vector<DuplicateCandidate> fuzzy_duplicates(db::Connection& conn,
                                                   const access::Principal& by, const Person& p);
  db::Database& db_;
  PersonSearch* search_ = nullptr;
};

// Validates the input into `p` (create when `creating`), collecting per-field reasons.
void apply_input(const PersonInput& in, Person& p, bool creating,
                 std::map<std::string, std::string>& errors);

}  // namespace jisr::person

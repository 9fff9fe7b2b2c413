// src/dedupreview/review_service.h
//
// The review queue of likely duplicate people. `jisr dedup --db` streams the people table
// through the batch matcher (match/dedup.h) and files each likely pair in
// duplicate_reviews; coordinators list the pending pairs they may see (both people inside
// their scope) and dismiss those that are not the same person. Merging is the person
// module's business: a merged person's pairs leave the list.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "access/principal.h"
#include "audit/audit.h"
#include "match/dedup.h"
#include "person/person.h"
#include "platform/db/database.h"

namespace jisr::dedupreview {

struct RunStats {
  std::size_t people = 0;           // people read (merged ones are skipped)
  std::size_t candidate_pairs = 0;  // pairs compared
  std::size_t likely_pairs = 0;     // pairs at or above the threshold
  std::size_t new_pairs = 0;        // filed as pending for the first time
  std::size_t known_pairs = 0;      // already in the queue (score refreshed, status kept)
  double read_seconds = 0, match_seconds = 0, store_seconds = 0;
};

// Streams the people table (Connection::for_each, status <> 'merged'), runs the batch
// matcher with `options`, and files every likely pair: new pairs as pending; known pairs
// keep their status (a dismissed pair is never filed again) and get the new score. One
// write transaction, audited as one "create" of record type duplicate_review_run with the
// counts; the pairs are upserted `store_chunk` to a statement (multi-row INSERT ... ON
// CONFLICT, parameterised: 4 parameters a pair). Progress goes to options.progress when set.
inline constexpr std::size_t kStoreChunk = 500;
RunStats run_into_queue(db::Database& db, const audit::Actor& actor,
                        const match::DedupOptions& options = {},
                        std::size_t store_chunk = kStoreChunk);

struct Review {
  std::string id;
  double score = 0;
  std::string status;  // pending, dismissed, merged
  std::string found_at;
  std::optional<std::string> decided_by, decided_at;
  person::Person a, b;
};

class ReviewService {
 public:
  explicit ReviewService(db::Database& db) : db_(db) {}

  // Pairs with `status` (default pending) whose two people are both active or deceased
  // (not merged) and both inside the caller's scope, by id after `after_id`, at most
  // `limit`. Needs person.dedup_review (else Forbidden); an unknown status is Invalid.
  std::vector<Review> list(const access::Principal& by, const std::string& status,
                           const std::optional<std::string>& after_id, int limit);

  // Marks a pending pair "not the same person": status dismissed, decided_by/at set,
  // audited. NotFound when the pair is unknown or either person is outside the caller's
  // scope; Conflict "review_not_pending" when it was already decided.
  Review dismiss(const access::Principal& by, const audit::Actor& actor, const std::string& id);

 private:
  db::Database& db_;
};

// `jisr dedup --db URL`: opens nothing itself; prints counts and times on `out`.
// Returns 0.
int dedup_db_main(db::Database& db, std::ostream& out, std::ostream& err);

}  // namespace jisr::dedupreview

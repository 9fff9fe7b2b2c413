// src/match/dedup.h
//
// Batch duplicate detection over a CSV of person records (the `jisr dedup` subcommand):
// read, analyse, block, score, threshold, optionally cluster, write pairs.csv, and
// evaluate against a truth file when one is given.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "match/blocking.h"
#include "match/em_estimator.h"
#include "match/person_record.h"
#include "match/similarity.h"

namespace jisr::match {

// Input that cannot be deduplicated: missing column, invalid UTF-8, bad quoting, empty
// or repeated record_id. what() names the line.
class DedupInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DedupOptions {
  // Pairs scoring at or above this match probability are reported: 0.5 is the Bayes
  // decision for equal costs; docs/matching.md shows precision/recall at 0.3/0.5/0.7.
  double threshold = 0.5;
  // Also report pairs implied by transitivity (A~B, B~C => A~C) when their own score is
  // at least `closure_threshold`. Off by default: see docs/matching.md for the measure.
  bool transitive_closure = false;
  double closure_threshold = 0.05;
  unsigned threads = 2;
  BlockingOptions blocking;
  // Field weights; nullptr means default_weights().
  const MatchWeights* weights = nullptr;
  // Print progress lines to this stream (nullptr: silent).
  std::ostream* progress = nullptr;
};

struct ScoredPair {
  std::uint32_t a = 0, b = 0;  // record indexes, a < b
  double score = 0;
};

struct DedupResult {
  std::vector<std::string> record_ids;  // in input order
  std::vector<ScoredPair> pairs;        // sorted by (a, b)
  std::size_t candidate_pairs = 0;
  std::size_t unparsed_birth_dates = 0;  // non-empty dates read as unknown
  double seconds = 0;
};

struct RecordTable {
  std::vector<std::string> ids;
  std::vector<PersonRecord> records;
  std::size_t unparsed_birth_dates = 0;
};

// Reads a records.csv (record_id, first_name_ar, last_name_ar, first_name_lat,
// last_name_lat, sex, birth_date, cin, province, father_first_name; extra columns are
// ignored, order is free). Throws DedupInputError naming the line on bad input.
RecordTable read_records_csv(std::string_view csv_text);

// Deduplicates prepared records: blocking, scoring on `options.threads` threads,
// threshold, optional closure. `ids` only label the result.
DedupResult run_dedup(const std::vector<PersonRecord>& records, std::vector<std::string> ids,
                      const DedupOptions& options = {});

// read_records_csv() then run_dedup().
DedupResult run_dedup_csv(std::string_view records_csv, const DedupOptions& options = {});

// The procedure behind default_weights(): comparison vectors of the candidate pairs of
// `records`, EM without labels, then EM again with the domain priors sized by the match
// share the first pass found.
EmResult estimate_weights_from_records(const std::vector<PersonRecord>& records,
                                       const BlockingOptions& blocking = {});

// Writes "record_id_a,record_id_b,score" with a header, one line per pair.
void write_pairs_csv(const DedupResult& result, std::ostream& out);

struct Metrics {
  double precision = 0, recall = 0, f1 = 0;
  std::size_t predicted = 0, true_pairs = 0, true_positives = 0;
};

// Pairwise precision/recall/F1 of `pairs` (record ids) against truth.csv (record_id,
// entity_id: duplicates share an entity_id). An empty prediction has precision 1.
// Throws DedupInputError on a malformed truth file.
Metrics evaluate(const std::vector<std::pair<std::string, std::string>>& pairs,
                 std::string_view truth_csv);
Metrics evaluate(const DedupResult& result, std::string_view truth_csv);

// The `jisr dedup --input records.csv --output pairs.csv [--truth truth.csv]` command.
// Returns 0 on success; 1 on bad input or I/O failure, with the reason on `err` and no
// output file written. Progress lines go to `err` for inputs of 100,000 records or
// more; with a truth file the last line on `out` reads
// "precision 0.97 recall 0.96 f1 0.965 (pairs predicted N, true M)".
int dedup_main(const std::string& input, const std::string& output,
               const std::optional<std::string>& truth, std::ostream& out, std::ostream& err);

}  // namespace jisr::match

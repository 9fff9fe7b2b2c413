// src/match/search_index.h
//
// In-memory fuzzy people search by name: any script, any order, partial names, typos.
// "mohamed alaoui", "العلوي محمد" and "Mhamed Elalaoui" find the same people.
//
// Layout (memory-lean, about 100 bytes per person): a dictionary of distinct name
// skeletons; per skeleton, a posting list of person slots (uint32); per person, its
// skeleton ids in one shared arena. Typo tolerance comes from bigram postings over the
// dictionary (not over people), so a misspelt word costs a scan of similar skeletons,
// not of people. Removal leaves tombstones that queries skip.
//
// Posting lists are kept in id order, so a query walks the people holding its rarest word
// in id order and stops as soon as k of them reach the best score the query allows (ties
// go to the smaller id, so nobody further on could rank higher); only when fewer than k
// people reach it does the query score every candidate (see docs/matching.md §4).
//
// Re-ranking: skeletons lose vowels and the name fields. The index keeps, per person, the
// ids of its four name spellings (given/family × Arabic/Latin) in a table of distinct
// analysed spellings, and re-ranks the top kRerankDepth candidates by the full name
// comparison of name_similarity.h (phonetic keys in the same script, query words read as
// given and family name, one query word per name word) — docs/matching.md §4.
//
// Thread safety: any number of concurrent search() calls, and one writer at a time
// (add/update/remove take the lock exclusively). The lock prefers writers
// (writer_priority_mutex.h): a writer waits only for the searches already running.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "match/name_form.h"
#include "match/person_record.h"
#include "match/writer_priority_mutex.h"

namespace jisr::match {

struct SearchHit {
  std::uint64_t id = 0;
  // In [0,1]: mostly the full name comparison of the query with the person's given and
  // family names, plus a part of the index score (share of the query words found, weighted
  // by rarity).
  double score = 0;
};

class SearchIndex {
 public:
  // Candidates of the index re-ranked by the full name comparison (at least k). 300 rather
  // than 200: at 1M people recall@10 0.9790 -> 0.9807 for CPU p95 +0.15 ms (bench/RESULTS.md).
  static constexpr std::size_t kRerankDepth = 300;
  // People the deeper candidate walk scores at most (bounds the latency of a query).
  static constexpr std::size_t kRerankBudget = 1500;

  SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Indexes the names of `record` (given and family names, both scripts) under `id`.
  // An id already present is replaced, as update() does.
  void add(std::uint64_t id, const PersonRecord& record);

  // Indexes many people at once (server start-up): the same result as add() for each
  // (ids[i], records[i]), much faster — each distinct name spelling is analysed once, on
  // `threads` threads, and people are laid out in id order. Requires ids.size() ==
  // records.size(); throws std::invalid_argument otherwise.
  void add_all(const std::vector<std::uint64_t>& ids, const std::vector<PersonRecord>& records,
               unsigned threads = 1);

  // People gathered for one add_all without keeping their records: each person's four
  // names are interned as they arrive (a name spelling is stored once, however many people
  // share it). Lets a caller that streams a million people overlap this work with reading
  // them, and keeps only the distinct spellings in memory. Not thread-safe.
  class BulkLoad {
   public:
    BulkLoad() = default;
    BulkLoad(const BulkLoad&) = delete;
    BulkLoad& operator=(const BulkLoad&) = delete;
    // Room for `people` people.
    void reserve(std::size_t people);
    // Adds `id` with the given and family names of `record` (its other fields are not
    // indexed).
    void add(std::uint64_t id, const PersonRecord& record);
    std::size_t size() const { return ids_.size(); }

   private:
    friend class SearchIndex;
    std::uint32_t name_id(const std::string& text);

    std::deque<std::string> names_;  // a deque: name_of_'s views stay valid as it grows
    std::unordered_map<std::string_view, std::uint32_t> name_of_;
    std::vector<std::uint64_t> ids_;
    std::vector<std::array<std::uint32_t, 4>> person_names_;  // given ar/lat, family ar/lat
  };
  // The same as add_all(ids, records, threads) for the people of `bulk`, which it empties.
  void add_all(BulkLoad&& bulk, unsigned threads = 1);

  // Replaces the indexed names of `id` (adds it when absent).
  void update(std::uint64_t id, const PersonRecord& record);

  // Forgets `id`. Returns false when it was not indexed.
  bool remove(std::uint64_t id);

  // The best `k` people for `query` (free text, any script or mix), best first; ties
  // broken by smaller id. `accept`, when set, filters ids (e.g. the caller's territorial
  // scope) before ranking. Words shorter than one consonant (particles) are ignored.
  std::vector<SearchHit> search(std::string_view query, std::size_t k,
                                const std::function<bool(std::uint64_t)>& accept = {}) const;

  // Number of people indexed.
  std::size_t size() const;

  // Approximate heap bytes held by the index.
  std::size_t memory_bytes() const;

  // Tests only: when set, search() skips the early-terminating walk and scores every
  // candidate, so tests can check that both give the same answer.
  void set_exhaustive_for_testing(bool exhaustive) { exhaustive_for_testing_ = exhaustive; }
  // Benchmarks and tests only: when false, search() returns the index's own ranking (no
  // re-ranking by the full name comparison).
  void set_rerank(bool rerank) { rerank_ = rerank; }
  // Benchmarks only: how many of the index's candidates are re-ranked (default kRerankDepth).
  void set_rerank_depth(std::size_t depth) { rerank_depth_ = depth; }
  void set_rerank_budget(std::size_t budget) { rerank_budget_ = budget; }
  // Off by default: when on, the re-ranking's candidate walks also reward the glued forms of
  // the query's parts holding a particle ("Aït-Ali" in "Ayub Aït-Ali"). Measured at 1M: +3 of
  // 1,765 queries in the top 10, CPU p95 +0.6 ms (over the 2 ms target) — docs/matching.md §5.
  void set_glued_parts(bool on) { glued_parts_ = on; }

 private:
  static constexpr std::uint32_t kNoName = 0xFFFFFFFFu;
  using SlotNames = std::array<std::uint32_t, 4>;  // given ar, given lat, family ar, family lat

  std::uint32_t intern(const std::string& skeleton);  // requires the writer lock
  // The id of a name spelling in names_ (kNoName for an empty text); requires the writer lock.
  std::uint32_t intern_name(const std::string& text, NameForm* analysed = nullptr);
  // The index's own top `k` (requires the shared lock). With a `budget` (0: none), the walk
  // stops after scoring that many people and returns the best of them.
  // With `glued_parts`, the glued forms of the parts of a multi-word query ("Aït-Ali" in
  // "Ayub Aït-Ali" -> `tl`) earn the glued-key bonus too (the whole query's always do).
  std::vector<SearchHit> candidates_locked(std::string_view query, std::size_t k,
                                           const std::function<bool(std::uint64_t)>& accept,
                                           std::size_t budget = 0, bool glued_parts = false) const;
  // Re-scores `hits` (best index score first) by the full name comparison with `query` and
  // sorts them best first; hits that cannot reach the top k are dropped. True when the hits
  // past those kept could not have entered the top k either (shared lock).
  bool rerank_locked(std::string_view query, std::size_t k, std::vector<SearchHit>& hits) const;
  void add_locked(std::uint64_t id, const PersonRecord& record);
  void add_tokens_locked(std::uint64_t id, const std::vector<std::uint32_t>& tokens,
                         const SlotNames& names);
  bool remove_locked(std::uint64_t id);

  mutable WriterPriorityMutex mutex_;
  // Dictionary.
  std::unordered_map<std::string, std::uint32_t> token_ids_;
  std::vector<std::string> tokens_;
  std::vector<std::vector<std::uint32_t>> postings_;  // token -> person slots, in id order
  std::unordered_map<std::uint16_t, std::vector<std::uint32_t>> bigram_tokens_;  // bigram -> tokens
  // People.
  std::vector<std::uint64_t> slot_ids_;
  std::vector<std::uint32_t> slot_token_start_;
  std::vector<std::uint8_t> slot_token_count_;
  std::vector<bool> slot_alive_;
  std::vector<SlotNames> slot_names_;
  // Distinct name spellings, analysed once.
  std::unordered_map<std::string, std::uint32_t> name_ids_;
  std::vector<NameForm> names_;
  std::vector<std::uint32_t> token_arena_;
  std::unordered_map<std::uint64_t, std::uint32_t> slot_of_id_;
  std::size_t alive_ = 0;
  bool exhaustive_for_testing_ = false;
  bool rerank_ = true;
  std::size_t rerank_depth_ = kRerankDepth;
  std::size_t rerank_budget_ = kRerankBudget;
  bool glued_parts_ = false;
  std::uint64_t serial_;  // tells per-thread memos which index they belong to
};

}  // namespace jisr::match

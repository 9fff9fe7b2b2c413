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
// Thread safety: any number of concurrent search() calls, and one writer at a time
// (add/update/remove take the lock exclusively).
#pragma once

#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "match/person_record.h"

namespace jisr::match {

struct SearchHit {
  std::uint64_t id = 0;
  double score = 0;  // in [0,1]: share of the query words found, weighted by rarity
};

class SearchIndex {
 public:
  SearchIndex() = default;
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Indexes the names of `record` (given and family names, both scripts) under `id`.
  // An id already present is replaced, as update() does.
  void add(std::uint64_t id, const PersonRecord& record);

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

 private:
  std::uint32_t intern(const std::string& skeleton);  // requires the writer lock
  void add_locked(std::uint64_t id, const PersonRecord& record);
  bool remove_locked(std::uint64_t id);

  mutable std::shared_mutex mutex_;
  // Dictionary.
  std::unordered_map<std::string, std::uint32_t> token_ids_;
  std::vector<std::string> tokens_;
  std::vector<std::vector<std::uint32_t>> postings_;  // token -> person slots
  std::unordered_map<std::uint16_t, std::vector<std::uint32_t>> bigram_tokens_;  // bigram -> tokens
  // People.
  std::vector<std::uint64_t> slot_ids_;
  std::vector<std::uint32_t> slot_token_start_;
  std::vector<std::uint8_t> slot_token_count_;
  std::vector<bool> slot_alive_;
  std::vector<std::uint32_t> token_arena_;
  std::unordered_map<std::uint64_t, std::uint32_t> slot_of_id_;
  std::size_t alive_ = 0;
};

}  // namespace jisr::match

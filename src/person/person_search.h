// src/person/person_search.h
//
// The people directory in memory: the fuzzy name index of src/match (SearchIndex) over every
// person who is not merged, with a compact per-person record of where the person sits
// (province and region), so that a search is filtered by the caller's scope in memory.
//
// Consistency across servers: every write that changes what the index holds (names,
// province, status) adds a row to the change log `person_changes` in its own transaction
// (record_change). Before answering a search, a server applies the rows it has not seen yet
// by reloading those people from the database (sync). Identity/autoincrement numbers may
// become visible out of order on PostgreSQL (a transaction that took seq 41 may commit after
// the one that took seq 42): numbers skipped over are kept as "gaps" and looked for again at
// every sync until they appear or are older than kGapGiveUp (a rolled-back transaction never
// fills its number). docs/matching.md §7 explains it.
//
// Memory: the index (about 100 bytes per person) plus, per person, 16 bytes of id (the ULID
// in binary), 4 bytes of province/region codes and one hash-map entry from id to slot.
//
// Merged people stay indexed under their own names and answer as their survivor, so that a
// search for either file lands on the survivor (once).
//
// Thread safety: all public functions may be called from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "access/principal.h"
#include "match/search_index.h"
#include "person/person.h"
#include "platform/db/database.h"

namespace jisr::person {

// Adds a change-log row for `person_id`; call inside the transaction that changes the
// person's names, province or status.
void record_change(db::Connection& conn, const std::string& person_id);

// The record the matcher compares, from a person.
match::PersonRecord match_record(const Person& p);

class PersonSearch {
 public:
  // Numbers skipped in the change log are looked for again this long before being given up.
  static constexpr std::chrono::seconds kGapGiveUp{10};

  explicit PersonSearch(db::Database& db);
  PersonSearch(const PersonSearch&) = delete;
  PersonSearch& operator=(const PersonSearch&) = delete;

  struct LoadStats {
    std::size_t people = 0;
    double seconds = 0;
    std::size_t memory_bytes = 0;
  };
  // Reads every person (one streaming pass) and the change log's last number. Call once,
  // before serving.
  LoadStats load();

  // Applies the change-log rows not applied yet (and late ones, see above). Cheap when
  // nothing changed: one indexed query, on a connection borrowed from the pool.
  void sync();
  // The same on the caller's connection (possibly inside its transaction), so that a caller
  // already holding a pooled connection does not borrow a second one (with a small pool under
  // concurrent registrations, that wait could exhaust the pool). Requires that the caller's
  // transaction has not yet changed people or person_changes (the index would otherwise hold
  // writes that may still roll back).
  void sync(db::Connection& conn);

  // Indexes a person just written by this server (the registration fast path: no reload).
  void put(const Person& p);

  struct Hit {
    std::string id;
    double score = 0;
  };
  // The best `k` people for `query` among those `by` may see (optionally in `province`),
  // best first. Syncs first, so a search sees every write committed before it started.
  // `index_hits`, when set, receives how many hits the index gave (before a merged file and
  // its survivor collapse into one): fewer than `k` means nobody else matches.
  std::vector<Hit> search(const access::Principal& by, std::string_view query, std::size_t k,
                          const std::optional<std::string>& province = std::nullopt,
                          std::size_t* index_hits = nullptr);
  // The same, syncing and reading (organization scope) on the caller's connection — see
  // sync(db::Connection&) for the requirement on its transaction. Borrows nothing from the
  // pool.
  std::vector<Hit> search(db::Connection& conn, const access::Principal& by, std::string_view query,
                          std::size_t k, const std::optional<std::string>& province = std::nullopt,
                          std::size_t* index_hits = nullptr);

  // True when the in-memory scope check lets `by` see `person_id` (region and province
  // scopes; organization scope asks person_access). For the test that compares it with SQL.
  bool visible_in_memory(const access::Principal& by, const std::string& person_id);

  std::size_t size() const;
  std::size_t memory_bytes() const;
  // The last change-log number applied.
  std::int64_t applied_seq() const;

 private:
  using Ulid = std::array<std::uint8_t, 16>;
  struct UlidHash {
    std::size_t operator()(const Ulid& u) const;
  };
  static std::optional<Ulid> parse_id(std::string_view id);
  static std::string format_id(const Ulid& u);

  std::uint16_t code_id(const std::string& code);  // requires the exclusive lock
  std::optional<std::uint16_t> find_code(const std::string& code) const;
  // Indexes one person. A merged person stays indexed under its own names but answers as
  // its survivor (searches for either file land on the survivor).
  // With `bulk`, the names are queued there for one SearchIndex::add_all (start-up) instead
  // of being indexed one by one.
  struct BulkAdd {
    match::SearchIndex::BulkLoad load;  // slots and names
  };
  void apply(const std::string& id, const match::PersonRecord& record, const std::string& region,
             const std::string& status, const std::optional<std::string>& merged_into,
             BulkAdd* bulk = nullptr);
  std::uint32_t slot_for(const Ulid& id);  // requires the exclusive lock; creates the slot
  // The slot a hit answers as: the survivor of a merged slot (chains followed).
  std::uint32_t resolve(std::uint32_t slot) const;  // requires the shared lock
  void forget(const std::string& id);
  // Reloads these people from the database and applies them.
  void reload(db::Connection& conn, const std::vector<std::string>& ids);

  db::Database& db_;
  match::SearchIndex index_;

  // Slots: dense numbers used as SearchIndex ids.
  mutable std::shared_mutex slots_mutex_;
  std::vector<Ulid> slot_id_;
  std::vector<std::uint16_t> slot_province_;  // 0 = not indexed
  std::vector<std::uint16_t> slot_region_;
  std::unordered_map<Ulid, std::uint32_t, UlidHash> slot_of_;
  std::unordered_map<std::uint32_t, std::uint32_t> merged_to_;  // merged slot -> survivor
  std::unordered_map<std::string, std::uint16_t> code_ids_;     // territory code -> small id

  // Change-log position.
  mutable std::mutex sync_mutex_;
  std::int64_t applied_seq_ = 0;
  std::map<std::int64_t, std::chrono::steady_clock::time_point> gaps_;
};

}  // namespace jisr::person

// src/person/person_search.cc
#include "person/person_search.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <thread>

#include <cstring>
#include <exception>
#include <unordered_set>

#include "platform/log/log.h"
#include "platform/util/bounded_queue.h"
#include "platform/util/time.h"

namespace jisr::person {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// Value of each byte as a Crockford base-32 digit (either case), -1 when it is none. A table:
// start-up parses a million ids.
constexpr std::array<std::int8_t, 256> kCrockfordValue = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (int v = 0; v < 32; ++v) {
    const auto c = static_cast<unsigned char>(kCrockford[v]);
    values[c] = static_cast<std::int8_t>(v);
    if (c >= 'A' && c <= 'Z') values[c - 'A' + 'a'] = static_cast<std::int8_t>(v);
  }
  return values;
}();

// The columns reload() and load() read, in this order.
constexpr const char* kIndexColumns =
    "id, first_name_ar, last_name_ar, first_name_lat, last_name_lat, province_code, "
    "region_code, status, merged_into";

// Re-read this many change-log numbers behind the last one at start, so that writes in
// flight while the server loaded are not missed.
constexpr std::int64_t kStartWindow = 64;
// Thrown inside the start-up scan's row callback to leave it when the load was cancelled.
struct LoadCancelled {};

// At most this many gaps are remembered (the oldest are given up first).
constexpr std::size_t kMaxGaps = 4096;

}  // namespace

void record_change(db::Connection& conn, const std::string& person_id) {
  conn.query("INSERT INTO person_changes(person_id, at) VALUES ($1, $2)",
             {db::Value(person_id), db::Value(timeutil::now_utc())});
}

match::PersonRecord match_record(const Person& p) {
  match::PersonRecord r;
  r.first_name_ar = p.first_name_ar.value_or("");
  r.last_name_ar = p.last_name_ar.value_or("");
  r.first_name_lat = p.first_name_lat.value_or("");
  r.last_name_lat = p.last_name_lat.value_or("");
  r.sex = match::parse_sex(p.sex);
  if (p.birth_date) {
    std::string text = *p.birth_date;
    if (p.birth_date_precision == "estimated") text = "~" + text.substr(0, 4);
    if (p.birth_date_precision == "year") text = text.substr(0, 4);
    r.birth = match::parse_birth_date(text);
  }
  r.cin = p.cin.value_or("");
  r.province = p.province_code;
  r.father_first_name = p.father_first_name.value_or("");
  return r;
}

std::size_t PersonSearch::UlidHash::operator()(const Ulid& u) const {
  // The last 8 bytes are random: a good hash as they are.
  std::uint64_t h = 0;
  std::memcpy(&h, u.data() + 8, 8);
  return static_cast<std::size_t>(h);
}

std::optional<PersonSearch::Ulid> PersonSearch::parse_id(std::string_view id) {
  if (id.size() != 26) return std::nullopt;
  // 26 characters x 5 bits = 130 bits; the first character carries 3 bits. The 128 bits
  // are accumulated in two words, high and low, then written out big-endian.
  std::uint64_t high = 0, low = 0;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const int v = kCrockfordValue[static_cast<unsigned char>(id[i])];
    if (v < 0 || (i == 0 && v > 7)) return std::nullopt;
    high = (high << 5) | (low >> 59);
    low = (low << 5) | static_cast<std::uint64_t>(v);
  }
  Ulid out{};
  for (int b = 0; b < 8; ++b) {
    out[b] = static_cast<std::uint8_t>(high >> (56 - 8 * b));
    out[8 + b] = static_cast<std::uint8_t>(low >> (56 - 8 * b));
  }
  return out;
}

std::string PersonSearch::format_id(const Ulid& u) {
  std::string out(26, '0');
  unsigned bit = 0;
  for (std::size_t i = 0; i < 26; ++i) {
    const int width = i == 0 ? 3 : 5;
    int v = 0;
    for (int b = 0; b < width; ++b, ++bit) {
      v = (v << 1) | ((u[bit / 8] >> (7 - bit % 8)) & 1);
    }
    out[i] = kCrockford[v];
  }
  return out;
}

PersonSearch::PersonSearch(db::Database& db) : db_(db) {}

std::uint16_t PersonSearch::code_id(const std::string& code) {
  auto it = code_ids_.find(code);
  if (it != code_ids_.end()) return it->second;
  const auto id = static_cast<std::uint16_t>(code_ids_.size() + 1);
  code_ids_.emplace(code, id);
  return id;
}

std::optional<std::uint16_t> PersonSearch::find_code(const std::string& code) const {
  auto it = code_ids_.find(code);
  if (it == code_ids_.end()) return std::nullopt;
  return it->second;
}

std::uint32_t PersonSearch::slot_for(const Ulid& id) {
  // One lookup for both the find and the insert: start-up makes a million of them.
  const auto [it, inserted] = slot_of_.try_emplace(id, static_cast<std::uint32_t>(slot_id_.size()));
  if (inserted) {
    slot_id_.push_back(id);
    slot_province_.push_back(0);
    slot_region_.push_back(0);
  }
  return it->second;
}

std::uint32_t PersonSearch::resolve(std::uint32_t slot) const {
  for (int hops = 0; hops < 16; ++hops) {
    auto it = merged_to_.find(slot);
    if (it == merged_to_.end()) return slot;
    slot = it->second;
  }
  return slot;
}

void PersonSearch::apply(const std::string& id, const match::PersonRecord& record,
                         const std::string& region, const std::string& status,
                         const std::optional<std::string>& merged_into, BulkAdd* bulk) {
  const auto ulid = parse_id(id);
  if (!ulid) return;  // not an id Jisr made; never searchable
  const auto survivor = merged_into ? parse_id(*merged_into) : std::nullopt;
  const bool merged = status == "merged";
  std::uint32_t slot = 0;
  {
    std::unique_lock lock(slots_mutex_);
    slot = slot_for(*ulid);
    if (merged) {
      // Visible only through its survivor.
      slot_province_[slot] = 0;
      slot_region_[slot] = 0;
      if (survivor) {
        const auto to = slot_for(*survivor);
        if (to != slot) merged_to_[slot] = to;
      } else {
        merged_to_.erase(slot);
      }
    } else {
      merged_to_.erase(slot);
      slot_province_[slot] = code_id(record.province);
      slot_region_[slot] = code_id(region);
    }
  }
  // The index has its own lock; never taken while holding slots_mutex_ exclusively.
  if (!merged || survivor) {
    if (bulk) {
      bulk->load.add(slot, record);
    } else {
      index_.update(slot, record);
    }
  } else {
    index_.remove(slot);
  }
}

void PersonSearch::forget(const std::string& id) {
  const auto ulid = parse_id(id);
  if (!ulid) return;
  std::uint32_t slot = 0;
  {
    std::unique_lock lock(slots_mutex_);
    auto it = slot_of_.find(*ulid);
    if (it == slot_of_.end()) return;
    slot = it->second;
    slot_province_[slot] = 0;
    slot_region_[slot] = 0;
    merged_to_.erase(slot);
  }
  index_.remove(slot);
}

PersonSearch::LoadStats PersonSearch::load() {
  const auto start = std::chrono::steady_clock::now();
  auto lease = db_.acquire();  // before the lock, as in sync()
  std::lock_guard sync_lock(sync_mutex_);
  // The log position first: any write committed after it is applied by the first sync.
  const auto max_seq =
      db::as_int(lease->query("SELECT MAX(seq) FROM person_changes").rows[0][0]).value_or(0);
  applied_seq_ = std::max<std::int64_t>(0, max_seq - kStartWindow);
  gaps_.clear();
  std::size_t count = 0;
  BulkAdd bulk;
  // Sized once from the largest rowid (people are never deleted, so it is close to the
  // count): growing vectors of a million records copied them several times.
  const auto rows_hint = db::as_int(
      lease
          ->query(
              lease->dialect() == db::Dialect::kSqlite
                  ? "SELECT MAX(rowid) FROM people"
                  : "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE oid = 'people'::regclass")
          .rows[0][0]);
  if (rows_hint && *rows_hint > 0 && *rows_hint < (std::int64_t{1} << 26)) {
    const auto n = static_cast<std::size_t>(*rows_hint);
    bulk.load.reserve(n);
    std::unique_lock lock(slots_mutex_);
    slot_id_.reserve(n);
    slot_province_.reserve(n);
    slot_region_.reserve(n);
    slot_of_.reserve(n);  // a million inserts otherwise rehash the table ~20 times
  }
  // The scan runs on a thread of its own and hands its rows over in batches, so that reading
  // SQLite and indexing (the id map, the names) overlap. With BulkLoad keeping only distinct
  // spellings, 1M people start in 2.0-2.3 s instead of 2.8-3.9 (bench/RESULTS.md).
  struct Row {
    std::string id;
    match::PersonRecord record;
    std::string region, status;
    std::optional<std::string> merged_into;
  };
  constexpr std::size_t kBatch = 2048;
  util::BoundedQueue<std::vector<Row>> batches(8);
  std::exception_ptr scan_error;
  std::thread scanner([&] {
    try {
      std::vector<Row> batch;
      batch.reserve(kBatch);
      lease->for_each(std::string("SELECT ") + kIndexColumns + " FROM people", {},
                      [&](std::vector<db::Value>& row) {
                        Row r;
                        r.id = db::text_or(std::move(row[0]), "");
                        r.record.first_name_ar = db::text_or(std::move(row[1]), "");
                        r.record.last_name_ar = db::text_or(std::move(row[2]), "");
                        r.record.first_name_lat = db::text_or(std::move(row[3]), "");
                        r.record.last_name_lat = db::text_or(std::move(row[4]), "");
                        r.record.province = db::text_or(std::move(row[5]), "");
                        r.region = db::text_or(std::move(row[6]), "");
                        r.status = db::text_or(std::move(row[7]), "active");
                        r.merged_into = db::as_text(row[8]);
                        batch.push_back(std::move(r));
                        if (batch.size() == kBatch) {
                          if (!batches.push(std::move(batch))) throw LoadCancelled();
                          batch = {};
                          batch.reserve(kBatch);
                        }
                      });
      if (!batch.empty()) batches.push(std::move(batch));
      batches.close();
    } catch (const LoadCancelled&) {
    } catch (...) {
      scan_error = std::current_exception();
      batches.cancel();
    }
  });
  {
    // Whatever happens below, the scanner stops and is joined before `lease` is given back.
    struct JoinScanner {
      util::BoundedQueue<std::vector<Row>>& batches;
      std::thread& scanner;
      ~JoinScanner() {
        batches.cancel();
        scanner.join();
      }
    } join_scanner{batches, scanner};
    while (auto batch = batches.pop()) {
      for (Row& r : *batch) {
        apply(r.id, r.record, r.region, r.status, r.merged_into, &bulk);
        ++count;
      }
    }
  }
  if (scan_error) std::rethrow_exception(scan_error);
  // Each distinct spelling is analysed once, on every core: start-up stays within seconds
  // at a million people.
  index_.add_all(std::move(bulk.load), std::max(1u, std::thread::hardware_concurrency()));
  LoadStats stats;
  stats.people = count;
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stats.memory_bytes = memory_bytes();
  return stats;
}

void PersonSearch::reload(db::Connection& conn, const std::vector<std::string>& ids) {
  constexpr std::size_t kChunk = 200;
  for (std::size_t at = 0; at < ids.size(); at += kChunk) {
    const std::size_t end = std::min(ids.size(), at + kChunk);
    std::vector<db::Value> params;
    std::string in;
    for (std::size_t i = at; i < end; ++i) {
      params.emplace_back(ids[i]);
      in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
    }
    std::unordered_set<std::string> found;
    for (const auto& row : conn.query(std::string("SELECT ") + kIndexColumns +
                                          " FROM people WHERE id IN (" + in + ")",
                                      params)
                               .rows) {
      match::PersonRecord r;
      r.first_name_ar = db::text_or(row[1], "");
      r.last_name_ar = db::text_or(row[2], "");
      r.first_name_lat = db::text_or(row[3], "");
      r.last_name_lat = db::text_or(row[4], "");
      r.province = db::text_or(row[5], "");
      const auto id = db::text_or(row[0], "");
      apply(id, r, db::text_or(row[6], ""), db::text_or(row[7], "active"), db::as_text(row[8]));
      found.insert(id);
    }
    for (std::size_t i = at; i < end; ++i) {
      if (!found.count(ids[i])) forget(ids[i]);
    }
  }
}

void PersonSearch::sync() {
  // The connection first, then the lock: a thread holding the lock never waits for the pool
  // (another caller may hold the last connection while it waits for this lock).
  auto lease = db_.acquire();
  sync(*lease);
}

void PersonSearch::sync(db::Connection& conn) {
  std::lock_guard sync_lock(sync_mutex_);
  const auto now = std::chrono::steady_clock::now();
  // Numbers given up: older than kGapGiveUp.
  for (auto it = gaps_.begin(); it != gaps_.end();) {
    it = now - it->second > kGapGiveUp ? gaps_.erase(it) : std::next(it);
  }
  // One range query from just below the oldest open gap: re-reads a few applied rows,
  // which are skipped, rather than building an IN list.
  const std::int64_t from = gaps_.empty() ? applied_seq_ : gaps_.begin()->first - 1;
  auto rows = conn.query("SELECT seq, person_id FROM person_changes WHERE seq > $1 ORDER BY seq",
                         {db::Value(from)});
  if (rows.empty()) return;
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  for (const auto& row : rows.rows) {
    const auto seq = db::as_int(row[0]).value_or(0);
    if (seq > applied_seq_) {
      for (std::int64_t missing = applied_seq_ + 1; missing < seq; ++missing) {
        gaps_.emplace(missing, now);
      }
      applied_seq_ = seq;
    } else if (gaps_.erase(seq) == 0) {
      continue;  // applied before
    }
    auto id = db::text_or(row[1], "");
    if (seen.insert(id).second) ids.push_back(std::move(id));
  }
  while (gaps_.size() > kMaxGaps) gaps_.erase(gaps_.begin());
  reload(conn, ids);
}

void PersonSearch::put(const Person& p) {
  std::lock_guard sync_lock(sync_mutex_);
  apply(p.id, match_record(p), p.region_code, p.status, p.merged_into);
}

std::vector<PersonSearch::Hit> PersonSearch::search(const access::Principal& by,
                                                    std::string_view query, std::size_t k,
                                                    const std::optional<std::string>& province,
                                                    std::size_t* index_hits) {
  auto lease = db_.acquire();
  return search(*lease, by, query, k, province, index_hits);
}

std::vector<PersonSearch::Hit> PersonSearch::search(db::Connection& conn,
                                                    const access::Principal& by,
                                                    std::string_view query, std::size_t k,
                                                    const std::optional<std::string>& province,
                                                    std::size_t* index_hits) {
  if (index_hits) *index_hits = 0;
  sync(conn);
  // People an organization works with: from the database (many-to-many, not held here).
  std::unordered_set<std::uint32_t> org_slots;
  if (by.scope.level == access::ScopeLevel::kOrganization) {
    std::vector<std::string> ids;
    for (const auto& row :
         conn.query("SELECT person_id FROM person_access WHERE organization_id = $1",
                    {db::Value(by.scope.code)})
             .rows) {
      ids.push_back(db::text_or(row[0], ""));
    }
    std::shared_lock lock(slots_mutex_);
    for (const auto& id : ids) {
      auto u = parse_id(id);
      if (!u) continue;
      auto it = slot_of_.find(*u);
      if (it != slot_of_.end()) org_slots.insert(it->second);
    }
  }
  std::shared_lock lock(slots_mutex_);
  std::optional<std::uint16_t> want_province, want_region;
  if (province) {
    want_province = find_code(*province);
    if (!want_province) return {};
  }
  switch (by.scope.level) {
    case access::ScopeLevel::kNational:
    case access::ScopeLevel::kOrganization:
      break;
    case access::ScopeLevel::kRegion:
      want_region = find_code(by.scope.code);
      if (!want_region) return {};
      break;
    case access::ScopeLevel::kProvince: {
      auto code = find_code(by.scope.code);
      if (!code || (want_province && *want_province != *code)) return {};
      want_province = code;
      break;
    }
  }
  const bool by_org = by.scope.level == access::ScopeLevel::kOrganization;
  auto accept = [&](std::uint64_t key) {
    const auto slot = resolve(static_cast<std::uint32_t>(key));
    if (slot >= slot_province_.size() || slot_province_[slot] == 0) return false;
    if (want_province && slot_province_[slot] != *want_province) return false;
    if (want_region && slot_region_[slot] != *want_region) return false;
    if (by_org && !org_slots.count(slot)) return false;
    return true;
  };
  std::vector<Hit> out;
  std::unordered_set<std::uint32_t> seen;
  const auto hits = index_.search(query, k, accept);
  if (index_hits) *index_hits = hits.size();
  for (const auto& hit : hits) {
    const auto slot = resolve(static_cast<std::uint32_t>(hit.id));
    if (slot < slot_id_.size() && seen.insert(slot).second) {
      out.push_back({format_id(slot_id_[slot]), hit.score});
    }
  }
  return out;
}

bool PersonSearch::visible_in_memory(const access::Principal& by, const std::string& person_id) {
  sync();
  const auto u = parse_id(person_id);
  if (!u) return false;
  if (by.scope.level == access::ScopeLevel::kOrganization) {
    auto lease = db_.acquire();
    if (lease
            ->query("SELECT 1 FROM person_access WHERE organization_id = $1 AND person_id = $2",
                    {db::Value(by.scope.code), db::Value(person_id)})
            .empty()) {
      return false;
    }
  }
  std::shared_lock lock(slots_mutex_);
  auto it = slot_of_.find(*u);
  if (it == slot_of_.end() || slot_province_[it->second] == 0) return false;  // merged too
  switch (by.scope.level) {
    case access::ScopeLevel::kNational:
    case access::ScopeLevel::kOrganization:
      return true;
    case access::ScopeLevel::kRegion:
      return find_code(by.scope.code) == slot_region_[it->second];
    case access::ScopeLevel::kProvince:
      return find_code(by.scope.code) == slot_province_[it->second];
  }
  return false;
}

std::size_t PersonSearch::size() const {
  return index_.size();
}

std::size_t PersonSearch::memory_bytes() const {
  std::shared_lock lock(slots_mutex_);
  const std::size_t per_entry = sizeof(Ulid) + sizeof(std::uint32_t) + 2 * sizeof(void*);
  return index_.memory_bytes() + slot_id_.capacity() * sizeof(Ulid) +
         (slot_province_.capacity() + slot_region_.capacity()) * sizeof(std::uint16_t) +
         slot_of_.size() * per_entry + slot_of_.bucket_count() * sizeof(void*) +
         merged_to_.size() * (2 * sizeof(std::uint32_t) + 2 * sizeof(void*));
}

std::int64_t PersonSearch::applied_seq() const {
  std::lock_guard lock(sync_mutex_);
  return applied_seq_;
}

}  // namespace jisr::person

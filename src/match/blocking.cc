// src/match/blocking.cc
#include "match/blocking.h"

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>

namespace jisr::match {

namespace {

std::uint64_t mix(std::uint64_t h) {
  // splitmix64 finaliser: spreads similar keys over the whole range.
  h += 0x9E3779B97F4A7C15ull;
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

std::uint64_t hash_text(std::string_view text) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

std::uint64_t combine(std::uint64_t family, std::uint64_t a, std::uint64_t b = 0) {
  return mix(family * 0x100000001B3ull ^ mix(a) ^ (mix(b) * 31));
}

enum class KeyKind { kCore, kCoreAndFirstToken, kCoreAndAll };

// Skeleton keys of a name field, per script: the glued core (particles aside), plus
// either the first core token (so "Fatima Zahra" meets "Fatima") or the glued form with
// particles (so "Ben Ali" meets "Benali"). Equal keys across scripts collapse. Few keys
// per record keep the candidate count near-linear.
std::vector<std::uint64_t> name_keys(const NameForm& arabic, const NameForm& latin, KeyKind kind) {
  std::vector<std::uint64_t> keys;
  for (const NameForm* form : {&arabic, &latin}) {
    if (form->joined.empty()) continue;
    keys.push_back(hash_text(form->joined.front().skeleton));
    if (kind == KeyKind::kCoreAndAll && form->joined.size() > 1)
      keys.push_back(hash_text(form->joined[1].skeleton));
    if (kind == KeyKind::kCoreAndFirstToken) {
      for (const NameToken& token : form->tokens) {
        if (!token.particle && !token.skeleton.empty()) {
          keys.push_back(hash_text(token.skeleton));
          break;
        }
      }
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::vector<int> years_of(const BirthDate& birth) {
  if (birth.precision == DatePrecision::kNone) return {};
  if (birth.precision == DatePrecision::kEstimated) {
    return {birth.year - 2, birth.year - 1, birth.year, birth.year + 1, birth.year + 2};
  }
  return {birth.year};
}

struct Entry {
  std::uint64_t key;
  std::uint64_t order;  // secondary key for sorted neighbourhood in large blocks
  std::uint32_t record;
};

// One family of keys at a time keeps the entry table at a few bytes per record.
void emit_pairs(std::vector<Entry>& entries, const BlockingOptions& options,
                std::vector<PackedPair>& pairs) {
  std::sort(entries.begin(), entries.end(), [](const Entry& x, const Entry& y) {
    return x.key != y.key       ? x.key < y.key
           : x.order != y.order ? x.order < y.order
                                : x.record < y.record;
  });
  std::size_t start = 0;
  while (start < entries.size()) {
    std::size_t end = start + 1;
    while (end < entries.size() && entries[end].key == entries[start].key) ++end;
    const std::size_t size = end - start;
    const std::size_t reach = size <= options.max_block ? size : options.window + 1;
    for (std::size_t i = start; i < end; ++i) {
      for (std::size_t j = i + 1; j < end && j < i + reach; ++j) {
        if (entries[i].record != entries[j].record)
          pairs.push_back(pack_pair(entries[i].record, entries[j].record));
      }
    }
    start = end;
  }
  entries.clear();
}

}  // namespace

std::vector<PackedPair> candidate_pairs(const std::vector<PreparedRecord>& records,
                                        const BlockingOptions& options) {
  const std::size_t n = records.size();
  std::vector<std::vector<std::uint64_t>> first(n), last(n), first_core(n), last_core(n);
  for (std::size_t i = 0; i < n; ++i) {
    first[i] =
        name_keys(records[i].first_arabic, records[i].first_latin, KeyKind::kCoreAndFirstToken);
    last[i] = name_keys(records[i].last_arabic, records[i].last_latin, KeyKind::kCoreAndAll);
    first_core[i] = name_keys(records[i].first_arabic, records[i].first_latin, KeyKind::kCore);
    last_core[i] = name_keys(records[i].last_arabic, records[i].last_latin, KeyKind::kCore);
  }
  std::vector<PackedPair> pairs;
  std::vector<Entry> entries;
  entries.reserve(n * 3);
  auto year_order = [&](std::size_t i) {
    return static_cast<std::uint64_t>(records[i].birth.year);
  };
  auto first_order = [&](std::size_t i) { return first[i].empty() ? 0 : first[i].front(); };
  auto last_order = [&](std::size_t i) { return last[i].empty() ? 0 : last[i].front(); };
  const auto r = [](std::size_t i) { return static_cast<std::uint32_t>(i); };

  // Given + family name, unordered.
  for (std::size_t i = 0; i < n; ++i) {
    for (std::uint64_t f : first_core[i]) {
      for (std::uint64_t l : last_core[i])
        entries.push_back({combine(1, std::min(f, l), std::max(f, l)), year_order(i), r(i)});
    }
  }
  emit_pairs(entries, options, pairs);
  // Each name + birth year.
  for (std::size_t i = 0; i < n; ++i) {
    for (int year : years_of(records[i].birth)) {
      for (std::uint64_t f : first[i])
        entries.push_back({combine(2, f, static_cast<std::uint64_t>(year)), last_order(i), r(i)});
    }
  }
  emit_pairs(entries, options, pairs);
  for (std::size_t i = 0; i < n; ++i) {
    for (int year : years_of(records[i].birth)) {
      for (std::uint64_t l : last[i])
        entries.push_back({combine(3, l, static_cast<std::uint64_t>(year)), first_order(i), r(i)});
    }
  }
  emit_pairs(entries, options, pairs);
  // Identity card number.
  for (std::size_t i = 0; i < n; ++i) {
    if (!records[i].cin.empty())
      entries.push_back({combine(4, hash_text(records[i].cin)), 0, r(i)});
  }
  emit_pairs(entries, options, pairs);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

}  // namespace jisr::match

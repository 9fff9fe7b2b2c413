// src/match/search_index.cc
#include "match/search_index.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "match/name_form.h"
#include "match/name_similarity.h"
#include "match/text_distance.h"
#include "match/utf8.h"

namespace jisr::match {

namespace {

constexpr double kFuzzyFloor = 0.6;       // skeleton similarity below this is no match
constexpr std::size_t kMaxFuzzy = 24;     // similar dictionary words kept per query word
constexpr std::size_t kMaxTokens = 255;   // per person (uint8 count)
constexpr std::size_t kMaxWalk = 400000;  // postings walked per query word, at most

// Bigrams of a skeleton with boundary marks: "mhmd" -> ^m mh hm md d$.
std::vector<std::uint16_t> bigrams(std::string_view skeleton) {
  std::vector<std::uint16_t> grams;
  char previous = '^';
  for (char c : skeleton) {
    grams.push_back(static_cast<std::uint16_t>(static_cast<unsigned char>(previous) << 8 |
                                               static_cast<unsigned char>(c)));
    previous = c;
  }
  grams.push_back(static_cast<std::uint16_t>(static_cast<unsigned char>(previous) << 8 | '$'));
  std::sort(grams.begin(), grams.end());
  grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
  return grams;
}

void add_skeletons(const NameForm& form, std::vector<std::string>& out) {
  for (const NameToken& token : form.tokens) {
    if (!token.particle && !token.skeleton.empty()) out.push_back(token.skeleton);
  }
  for (const JoinedKey& joined : form.joined) {
    if (!joined.skeleton.empty()) out.push_back(joined.skeleton);
  }
}

// Splits a query into runs of one script, so "Mohamed العلوي" is analysed per script.
std::vector<std::string> script_runs(std::string_view query) {
  std::vector<std::string> runs;
  std::string current;
  int current_arabic = -1;
  for (char32_t cp : decode_utf8(query)) {
    const bool letter_arabic = cp >= 0x0600 && cp <= 0x06FF;
    const bool letter_latin =
        cp < 0x80 ? ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') : (cp >= 0xC0 && cp <= 0x24F);
    if (letter_arabic || letter_latin) {
      const int arabic = letter_arabic ? 1 : 0;
      if (current_arabic != -1 && arabic != current_arabic) {
        runs.push_back(current);
        current.clear();
      }
      current_arabic = arabic;
    }
    append_utf8(current, cp);
  }
  if (!current.empty()) runs.push_back(current);
  return runs;
}

// Per-thread memo of query word -> similar dictionary words, for one index. The dictionary
// only grows (a token id is never reused), so an entry records the dictionary size it was
// computed at and is brought up to date by looking at the tokens added since, instead of
// every thread forgetting every word each time a registration brings a new spelling.
struct ExpansionMemo {
  struct Entry {
    std::size_t dictionary_size = 0;
    std::vector<std::pair<double, std::uint32_t>> similar;
  };
  std::uint64_t index_serial = 0;
  std::unordered_map<std::string, Entry> words;
};
// Beyond this many tokens added since an entry was computed, it is computed again.
constexpr std::size_t kMaxMemoCatchUp = 4096;

// Best first, then smaller token id: the order of a word's expansion.
bool expansion_order(const std::pair<double, std::uint32_t>& x,
                     const std::pair<double, std::uint32_t>& y) {
  return x.first != y.first ? x.first > y.first : x.second < y.second;
}

std::atomic<std::uint64_t> next_serial{1};

struct Scratch {
  // Per person slot: scored already by this walk (one byte: with 32 request threads at 1M
  // people, per-thread float arrays came to 8 MB a thread, a quarter of the server's RSS).
  std::vector<std::uint8_t> seen;
  // Per person slot, for the exhaustive path only (allocated when a thread first takes it).
  std::vector<float> total, best;
  std::vector<std::uint32_t> touched, touched_word;
  // Per dictionary word: bigrams shared with the query word being expanded (a dense counter
  // rather than a hash map: a common bigram lists thousands of dictionary words).
  std::vector<std::uint16_t> shared;
  std::vector<std::uint32_t> shared_touched;
  // Per dictionary word: the walk that last stamped it, and its row in `rows` (one column of
  // similarity per query word) for that walk.
  std::vector<std::uint32_t> token_stamp, token_row;
  std::uint32_t stamp = 0;
  std::vector<float> rows, probe_best;
};

}  // namespace

SearchIndex::SearchIndex() : serial_(next_serial.fetch_add(1)) {}

std::uint32_t SearchIndex::intern(const std::string& skeleton) {
  auto [it, inserted] = token_ids_.emplace(skeleton, static_cast<std::uint32_t>(tokens_.size()));
  if (inserted) {
    tokens_.push_back(skeleton);
    postings_.emplace_back();
    for (std::uint16_t gram : bigrams(skeleton)) bigram_tokens_[gram].push_back(it->second);
  }
  return it->second;
}

std::uint32_t SearchIndex::intern_name(const std::string& text, NameForm* analysed) {
  if (text.empty()) return kNoName;
  auto [it, inserted] = name_ids_.emplace(text, static_cast<std::uint32_t>(names_.size()));
  if (inserted) names_.push_back(analysed ? std::move(*analysed) : analyze_name(text));
  return it->second;
}

void SearchIndex::add_locked(std::uint64_t id, const PersonRecord& record) {
  SlotNames names;
  std::vector<std::string> skeletons;
  const std::array<const std::string*, 4> fields = {&record.first_name_ar, &record.first_name_lat,
                                                    &record.last_name_ar, &record.last_name_lat};
  for (std::size_t f = 0; f < fields.size(); ++f) {
    names[f] = intern_name(*fields[f]);
    if (names[f] != kNoName) add_skeletons(names_[names[f]], skeletons);
  }
  std::sort(skeletons.begin(), skeletons.end());
  skeletons.erase(std::unique(skeletons.begin(), skeletons.end()), skeletons.end());
  if (skeletons.size() > kMaxTokens) skeletons.resize(kMaxTokens);
  std::vector<std::uint32_t> tokens;
  for (const std::string& skeleton : skeletons) tokens.push_back(intern(skeleton));
  remove_locked(id);
  add_tokens_locked(id, tokens, names);
}

void SearchIndex::add_tokens_locked(std::uint64_t id, const std::vector<std::uint32_t>& tokens,
                                    const SlotNames& names) {
  const auto slot = static_cast<std::uint32_t>(slot_ids_.size());
  slot_ids_.push_back(id);
  slot_names_.push_back(names);
  slot_token_start_.push_back(static_cast<std::uint32_t>(token_arena_.size()));
  slot_token_count_.push_back(static_cast<std::uint8_t>(tokens.size()));
  slot_alive_.push_back(true);
  for (const std::uint32_t token : tokens) {
    token_arena_.push_back(token);
    // Posting lists stay in id order: appending is the rule (ids arrive in order at
    // start-up and new people get larger ids); an id out of order is inserted in place.
    std::vector<std::uint32_t>& list = postings_[token];
    if (list.empty() || slot_ids_[list.back()] <= id) {
      list.push_back(slot);
    } else {
      auto at =
          std::lower_bound(list.begin(), list.end(), id,
                           [this](std::uint32_t s, std::uint64_t v) { return slot_ids_[s] < v; });
      list.insert(at, slot);
    }
  }
  slot_of_id_[id] = slot;
  ++alive_;
}

void SearchIndex::BulkLoad::reserve(std::size_t people) {
  ids_.reserve(people);
  person_names_.reserve(people);
}

std::uint32_t SearchIndex::BulkLoad::name_id(const std::string& text) {
  if (text.empty()) return kNoName;
  if (auto it = name_of_.find(text); it != name_of_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(names_.size());
  names_.push_back(text);
  name_of_.emplace(names_.back(), id);
  return id;
}

void SearchIndex::BulkLoad::add(std::uint64_t id, const PersonRecord& r) {
  ids_.push_back(id);
  person_names_.push_back({name_id(r.first_name_ar), name_id(r.first_name_lat),
                           name_id(r.last_name_ar), name_id(r.last_name_lat)});
}

void SearchIndex::add_all(const std::vector<std::uint64_t>& ids,
                          const std::vector<PersonRecord>& records, unsigned threads) {
  if (ids.size() != records.size())
    throw std::invalid_argument("SearchIndex::add_all: ids and records differ in size");
  BulkLoad bulk;
  bulk.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) bulk.add(ids[i], records[i]);
  add_all(std::move(bulk), threads);
}

void SearchIndex::add_all(BulkLoad&& bulk, unsigned threads) {
  // Distinct spellings: a registry holds a few thousand to a few hundred thousand, each
  // shared by many people, so each is analysed once.
  const std::deque<std::string>& names = bulk.names_;
  const std::vector<std::uint64_t>& ids = bulk.ids_;
  const std::vector<std::array<std::uint32_t, 4>>& person_names = bulk.person_names_;
  std::vector<NameForm> analysed(names.size());
  const unsigned workers = std::max(1u, std::min<unsigned>(threads, 64));
  {
    std::vector<std::thread> pool;
    for (unsigned w = 1; w < workers; ++w) {
      pool.emplace_back([&, w] {
        for (std::size_t n = w; n < names.size(); n += workers)
          analysed[n] = analyze_name(names[n]);
      });
    }
    for (std::size_t n = 0; n < names.size(); n += workers) analysed[n] = analyze_name(names[n]);
    for (std::thread& t : pool) t.join();
  }
  std::vector<std::size_t> order(ids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return ids[a] < ids[b]; });

  std::unique_lock lock(mutex_);
  std::vector<std::vector<std::uint32_t>> name_tokens(names.size());
  std::vector<std::uint32_t> name_id(names.size());
  for (std::size_t n = 0; n < names.size(); ++n) {
    std::vector<std::string> skeletons;
    add_skeletons(analysed[n], skeletons);
    for (const std::string& skeleton : skeletons) name_tokens[n].push_back(intern(skeleton));
    name_id[n] = intern_name(std::string(names[n]), &analysed[n]);
  }
  // One pass to size every posting list, one to fill them.
  std::vector<std::vector<std::uint32_t>> person_tokens(ids.size());
  std::vector<std::uint32_t> counts(tokens_.size(), 0);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::vector<std::uint32_t>& tokens = person_tokens[i];
    for (const std::uint32_t n : person_names[i]) {
      if (n != kNoName) tokens.insert(tokens.end(), name_tokens[n].begin(), name_tokens[n].end());
    }
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    if (tokens.size() > kMaxTokens) tokens.resize(kMaxTokens);
    for (const std::uint32_t t : tokens) ++counts[t];
  }
  for (std::size_t t = 0; t < counts.size(); ++t)
    postings_[t].reserve(postings_[t].size() + counts[t]);
  slot_ids_.reserve(slot_ids_.size() + ids.size());
  slot_token_start_.reserve(slot_token_start_.size() + ids.size());
  slot_token_count_.reserve(slot_token_count_.size() + ids.size());
  slot_alive_.reserve(slot_alive_.size() + ids.size());
  slot_names_.reserve(slot_names_.size() + ids.size());
  slot_of_id_.reserve(slot_of_id_.size() + ids.size());
  for (const std::size_t i : order) {
    SlotNames slot_names;
    for (std::size_t f = 0; f < 4; ++f)
      slot_names[f] = person_names[i][f] == kNoName ? kNoName : name_id[person_names[i][f]];
    remove_locked(ids[i]);
    add_tokens_locked(ids[i], person_tokens[i], slot_names);
    std::vector<std::uint32_t>().swap(person_tokens[i]);
  }
  std::unordered_map<std::string_view, std::uint32_t>().swap(bulk.name_of_);
  std::deque<std::string>().swap(bulk.names_);
  std::vector<std::uint64_t>().swap(bulk.ids_);
  std::vector<std::array<std::uint32_t, 4>>().swap(bulk.person_names_);
}

bool SearchIndex::remove_locked(std::uint64_t id) {
  auto found = slot_of_id_.find(id);
  if (found == slot_of_id_.end()) return false;
  slot_alive_[found->second] = false;  // postings keep the slot; queries skip it
  slot_of_id_.erase(found);
  --alive_;
  return true;
}

void SearchIndex::add(std::uint64_t id, const PersonRecord& record) {
  std::unique_lock lock(mutex_);
  add_locked(id, record);
}

void SearchIndex::update(std::uint64_t id, const PersonRecord& record) {
  add(id, record);
}

bool SearchIndex::remove(std::uint64_t id) {
  std::unique_lock lock(mutex_);
  return remove_locked(id);
}

std::size_t SearchIndex::size() const {
  std::shared_lock lock(mutex_);
  return alive_;
}

std::size_t SearchIndex::memory_bytes() const {
  std::shared_lock lock(mutex_);
  std::size_t bytes = slot_ids_.capacity() * 8 + slot_token_start_.capacity() * 4 +
                      slot_token_count_.capacity() + slot_alive_.capacity() / 8 +
                      token_arena_.capacity() * 4;
  bytes += slot_of_id_.size() * 32 + slot_of_id_.bucket_count() * 8;  // node + bucket estimate
  for (const auto& posting : postings_) bytes += posting.capacity() * 4 + sizeof posting;
  for (const auto& token : tokens_)
    bytes += sizeof token + (token.capacity() > 15 ? token.capacity() : 0);
  bytes += token_ids_.size() * 64;
  for (const auto& [gram, list] : bigram_tokens_) bytes += list.capacity() * 4 + 48;
  // Name spellings: per person 4 ids; per distinct spelling its analysed form and map entry.
  const auto text = [](const std::string& t) { return t.capacity() > 15 ? t.capacity() : 0; };
  bytes += slot_names_.capacity() * sizeof(SlotNames);
  for (const auto& [spelling, id] : name_ids_) bytes += 48 + text(spelling);
  bytes += name_ids_.bucket_count() * 8;
  for (const NameForm& form : names_) {
    bytes += sizeof(NameForm) + form.tokens.capacity() * sizeof(NameToken) +
             form.joined.capacity() * sizeof(JoinedKey);
    for (const NameToken& t : form.tokens)
      bytes += text(t.surface) + text(t.skeleton) + text(t.phonetic);
    for (const JoinedKey& j : form.joined)
      bytes += text(j.surface) + text(j.skeleton) + text(j.phonetic);
  }
  return bytes;
}

std::vector<SearchHit> SearchIndex::search(std::string_view query, std::size_t k,
                                           const std::function<bool(std::uint64_t)>& accept) const {
  if (k == 0) return {};
  std::shared_lock lock(mutex_);
  if (!rerank_) return candidates_locked(query, k, accept);
  // The index's exact top k + max(10, k/10) first: when re-ranking shows that its last
  // candidates could not enter the top k, nobody ranked lower by the index could either.
  // Otherwise a deeper list — the walk stops after scoring kRerankBudget people (latency), so it is
  // the best of those rather than exactly the index's top — is merged in and re-ranked.
  const std::size_t shallow_depth = k + std::max<std::size_t>(10, k / 10);
  std::vector<SearchHit> hits = candidates_locked(query, shallow_depth, accept, 0, glued_parts_);
  const bool exhausted = hits.size() < shallow_depth;
  std::vector<SearchHit> shallow = hits;
  if (rerank_locked(query, k, hits) || exhausted || rerank_depth_ <= shallow_depth) {
    if (hits.size() > k) hits.resize(k);
    return hits;
  }
  // The deeper list also rewards the glued forms of the query's parts ("Aït-Ali" in
  // "Ayub Aït-Ali"): they tell apart people the index's words alone tie (Ayoub Alaoui).
  std::vector<SearchHit> deep =
      candidates_locked(query, rerank_depth_, accept, rerank_budget_, glued_parts_);
  deep.insert(deep.end(), shallow.begin(), shallow.end());
  std::sort(deep.begin(), deep.end(), [](const SearchHit& x, const SearchHit& y) {
    return x.score != y.score ? x.score > y.score : x.id < y.id;
  });
  deep.erase(std::unique(deep.begin(), deep.end(),
                         [](const SearchHit& x, const SearchHit& y) { return x.id == y.id; }),
             deep.end());
  rerank_locked(query, k, deep);
  if (deep.size() > k) deep.resize(k);
  return deep;
}

namespace {

// Share of the final score given by the full name comparison; the rest is the index score
// (which carries word rarity and the glued-key bonus).
constexpr double kRerankShare = 0.8;
// A query part matching only part of a longer name field ("Fatima" for "Fatima Zahra").
constexpr double kPartialName = 0.9;
constexpr std::size_t kMaxQueryWords = 8;

// The query split into words (whitespace), each with the index of its script run.
std::vector<std::pair<std::string, std::size_t>> query_words(std::string_view query) {
  std::vector<std::pair<std::string, std::size_t>> words;
  const std::vector<std::string> runs = script_runs(query);
  for (std::size_t r = 0; r < runs.size(); ++r) {
    std::string word;
    for (char c : runs[r] + " ") {
      if (c == ' ' || c == '\t' || c == ',') {
        if (!word.empty() && words.size() < kMaxQueryWords) words.push_back({word, r});
        word.clear();
      } else {
        word.push_back(c);
      }
    }
  }
  return words;
}

}  // namespace

bool SearchIndex::rerank_locked(std::string_view query, std::size_t k,
                                std::vector<SearchHit>& hits) const {
  const auto words = query_words(query);
  const std::size_t n = words.size();
  if (n == 0 || hits.empty()) return true;
  // Forms of the contiguous word ranges [a, b) written in one script (a range across
  // scripts stays empty: no hypothesis uses it).
  std::vector<NameForm> ranges((n + 1) * (n + 1));
  const auto range = [&](std::size_t a, std::size_t b) -> NameForm& {
    return ranges[a * (n + 1) + b];
  };
  for (std::size_t a = 0; a < n; ++a) {
    std::string text;
    for (std::size_t b = a + 1; b <= n; ++b) {
      if (words[b - 1].second != words[a].second) break;
      text += (b > a + 1 ? " " : "") + words[b - 1].first;
      range(a, b) = analyze_name(text);
    }
  }
  // Readings of the query: words [0, s) are the given name and [s, n) the family name, or
  // the reverse (family name first); s = 0 or n reads the query as one name field.
  struct Reading {
    const NameForm* part[2];  // given, family (nullptr: not in the query)
  };
  std::vector<Reading> readings;
  for (std::size_t s = 0; s <= n; ++s) {
    const NameForm* head = s > 0 ? &range(0, s) : nullptr;
    const NameForm* tail = s < n ? &range(s, n) : nullptr;
    if ((head && head->empty()) || (tail && tail->empty())) continue;
    readings.push_back({{head, tail}});
    if (head && tail) readings.push_back({{tail, head}});
    if (!head) readings.push_back({{tail, nullptr}});
  }
  if (readings.empty()) return true;
  // A query part against a name field held in up to two scripts: as compare_name_field(),
  // same-script spellings only when there is one, else across scripts.
  const auto field_similarity = [&](const NameForm* part, std::uint32_t arabic,
                                    std::uint32_t latin) {
    std::size_t field_core = 0;
    bool same_script = false;
    for (const std::uint32_t id : {arabic, latin}) {
      if (id == kNoName || names_[id].empty()) continue;
      field_core = std::max(field_core, names_[id].core_size());
      same_script = same_script || names_[id].script == part->script;
    }
    NameAgreement best;
    for (const std::uint32_t id : {arabic, latin}) {
      if (id == kNoName || names_[id].empty()) continue;
      if (same_script && names_[id].script != part->script) continue;
      // compare_name_forms() remembers recent pairs: candidates share spellings.
      const NameAgreement a = compare_name_forms(*part, names_[id]);
      if (a.full > best.full || (a.full == best.full && a.partial > best.partial)) best = a;
    }
    // Part of a longer name counts ("Fatima" for "Fatima Zahra"); a query part longer than
    // the name does not.
    return part->core_size() <= field_core ? std::max(best.full, kPartialName * best.partial)
                                           : best.full;
  };
  // People sharing the four spellings get the same comparison (namesakes abound).
  std::map<SlotNames, double> memo;
  // Hits come best index score first (then smaller id), and a re-ranked score is at most
  // kRerankShare + the index's share: once that ceiling ranks below the k-th best re-ranked
  // hit (equal scores go to the smaller id), no later hit can enter the top k.
  const auto worse = [](const SearchHit& x, const SearchHit& y) {
    return x.score != y.score ? x.score < y.score : x.id > y.id;
  };
  std::vector<SearchHit> top;  // heap whose front is the worst of the best k re-ranked
  const auto heap_order = [&](const SearchHit& x, const SearchHit& y) { return worse(y, x); };
  std::size_t done = 0;
  bool settled = false;
  for (SearchHit& hit : hits) {
    if (top.size() == k) {
      const SearchHit ceiling{hit.id, kRerankShare + (1.0 - kRerankShare) * hit.score};
      if (worse(ceiling, top.front())) {
        settled = true;
        break;
      }
    }
    ++done;
    const auto slot = slot_of_id_.find(hit.id);
    if (slot == slot_of_id_.end()) {  // not reached: candidates are indexed people
      hit.score *= 1.0 - kRerankShare;
      continue;
    }
    const SlotNames& names = slot_names_[slot->second];
    auto [known, inserted] = memo.emplace(names, 0.0);
    if (inserted) {
      double best = 0;
      for (const Reading& reading : readings) {
        double total = 0, weight = 0;
        for (std::size_t field = 0; field < 2; ++field) {
          const NameForm* part = reading.part[field];
          if (!part) continue;
          const double w = static_cast<double>(std::max<std::size_t>(1, part->core_size()));
          weight += w;
          total += w * field_similarity(part, names[field * 2], names[field * 2 + 1]);
        }
        best = std::max(best, weight > 0 ? total / weight : 0.0);
      }
      known->second = best;
    }
    hit.score = kRerankShare * known->second + (1.0 - kRerankShare) * hit.score;
    if (top.size() < k) {
      top.push_back(hit);
      std::push_heap(top.begin(), top.end(), heap_order);
    } else if (worse(top.front(), hit)) {
      std::pop_heap(top.begin(), top.end(), heap_order);
      top.back() = hit;
      std::push_heap(top.begin(), top.end(), heap_order);
    }
  }
  hits.resize(done);
  std::stable_sort(hits.begin(), hits.end(), [](const SearchHit& x, const SearchHit& y) {
    return x.score != y.score ? x.score > y.score : x.id < y.id;
  });
  return settled;
}

std::vector<SearchHit> SearchIndex::candidates_locked(
    std::string_view query, std::size_t k, const std::function<bool(std::uint64_t)>& accept,
    std::size_t budget, bool glued_parts) const {
  // Query words: core-token skeletons of each script run.
  std::vector<std::string> words;
  // Glued forms of multi-word runs ("ben ali" -> "bnl") only add a bonus when a person
  // holds them: they break ties between Benali and Alaoui, whose cores are both "l".
  std::vector<std::string> bonus_words;
  std::vector<std::string> part_words;  // glued forms of parts of a run (see below)
  for (const std::string& run : script_runs(query)) {
    const NameForm form = analyze_name(run);
    for (const NameToken& token : form.tokens) {
      if (!token.particle && !token.skeleton.empty()) words.push_back(token.skeleton);
    }
    if (form.tokens.size() > 1) {
      for (const JoinedKey& joined : form.joined) bonus_words.push_back(joined.skeleton);
    }
    // Glued forms of the parts of a longer run too: "Ayub Aït-Ali" holds the family name
    // Aït-Ali, glued `tl`, which tells it from Ayoub Alaoui (both `b` + `l`).
    std::vector<std::string> raw;
    {
      std::string word;
      for (char c : run + " ") {
        if (c == ' ' || c == '\t' || c == ',') {
          if (!word.empty()) raw.push_back(word);
          word.clear();
        } else {
          word.push_back(c);
        }
      }
    }
    if (glued_parts && raw.size() > 1 && raw.size() <= 4) {
      for (std::size_t a = 0; a < raw.size(); ++a) {
        std::string part;
        for (std::size_t b = a + 1; b <= raw.size() && b - a < raw.size(); ++b) {
          part += (b > a + 1 ? " " : "") + raw[b - 1];
          const NameForm sub = analyze_name(part);
          // Only a part holding a particle and a name (Aït-Ali, Ben Ali, El Alaoui): its glued
          // form is a family name the core words alone do not tell (more keys would loosen the
          // walk's bound for every query).
          if (sub.tokens.size() < 2 || sub.tokens.front().particle == false ||
              sub.tokens.back().particle)
            continue;
          for (const JoinedKey& joined : sub.joined) part_words.push_back(joined.skeleton);
        }
      }
    }
  }
  // A part's glued form counts once, and not when it is a query word or bonus already.
  std::sort(part_words.begin(), part_words.end());
  part_words.erase(std::unique(part_words.begin(), part_words.end()), part_words.end());
  for (const std::string& b : part_words) {
    if (!b.empty() && std::find(words.begin(), words.end(), b) == words.end() &&
        std::find(bonus_words.begin(), bonus_words.end(), b) == bonus_words.end())
      bonus_words.push_back(b);
  }
  if (words.empty() || k == 0) return {};
  // A person with many more name words than the query ranks a little lower (below): about
  // two dictionary words are expected per name word. Everyone has a given and a family name,
  // so a query of one of them alone does not make the other extra: else a family name's
  // walk would hunt, through its thousands of holders, for the few indexed without a given
  // name or with one spelling only, and rank them first.
  const double allowed_tokens = 2.0 * static_cast<double>(std::max<std::size_t>(words.size(), 2));

  thread_local Scratch scratch;
  if (scratch.seen.size() < slot_ids_.size()) scratch.seen.resize(slot_ids_.size(), 0);
  const double people = static_cast<double>(std::max<std::size_t>(alive_, 1));
  // Expand each query word into similar dictionary words, with its rarity weight.
  struct Expanded {
    std::vector<std::pair<double, std::uint32_t>> similar;  // (similarity, token)
    double weight = 0;
    std::size_t postings = 0;
  };
  std::vector<Expanded> expanded;
  double weight_sum = 0;
  for (const std::string& word : words) {
    Expanded e;
    std::vector<std::pair<double, std::uint32_t>>& similar = e.similar;
    // Dictionary words like this one: exact first, then bigram neighbours by similarity.
    // The list depends on the dictionary alone, so it is memoised per thread until the
    // dictionary grows (names repeat across queries: "mohamed" is asked all day).
    thread_local ExpansionMemo memo;
    if (memo.index_serial != serial_ || memo.words.size() > 50000) {
      memo.words.clear();
      memo.index_serial = serial_;
    }
    const std::vector<std::uint16_t> grams = bigrams(word);
    const int needed = std::max(1, static_cast<int>(grams.size()) - 3);
    auto cached = memo.words.find(word);
    if (cached != memo.words.end() &&
        tokens_.size() - cached->second.dictionary_size > kMaxMemoCatchUp) {
      memo.words.erase(cached);
      cached = memo.words.end();
    }
    if (cached != memo.words.end()) {
      // Tokens added since the entry was computed, under the same rules as below.
      ExpansionMemo::Entry& entry = cached->second;
      if (entry.dictionary_size < tokens_.size()) {
        for (std::size_t t = entry.dictionary_size; t < tokens_.size(); ++t) {
          const auto token = static_cast<std::uint32_t>(t);
          if (tokens_[t] == word) {
            entry.similar.push_back({1.0, token});
            continue;
          }
          const std::vector<std::uint16_t> token_grams = bigrams(tokens_[t]);
          std::vector<std::uint16_t> common;
          std::set_intersection(grams.begin(), grams.end(), token_grams.begin(), token_grams.end(),
                                std::back_inserter(common));
          if (static_cast<int>(common.size()) < needed ||
              edit_similarity_ceiling(word.size(), tokens_[t].size()) < kFuzzyFloor)
            continue;
          const double similarity = edit_similarity(word, tokens_[t]);
          if (similarity >= kFuzzyFloor) entry.similar.push_back({similarity, token});
        }
        std::sort(entry.similar.begin(), entry.similar.end(), expansion_order);
        if (entry.similar.size() > kMaxFuzzy) entry.similar.resize(kMaxFuzzy);
        entry.dictionary_size = tokens_.size();
      }
      similar = entry.similar;
    } else {
      if (auto exact = token_ids_.find(word); exact != token_ids_.end())
        similar.push_back({1.0, exact->second});
      if (scratch.shared.size() < tokens_.size()) scratch.shared.resize(tokens_.size(), 0);
      for (std::uint16_t gram : grams) {
        auto list = bigram_tokens_.find(gram);
        if (list == bigram_tokens_.end()) continue;
        for (std::uint32_t token : list->second) {
          if (scratch.shared[token]++ == 0) scratch.shared_touched.push_back(token);
        }
      }
      for (const std::uint32_t token : scratch.shared_touched) {
        const int count = scratch.shared[token];
        scratch.shared[token] = 0;
        if (count < needed || tokens_[token] == word ||
            edit_similarity_ceiling(word.size(), tokens_[token].size()) < kFuzzyFloor)
          continue;
        const double similarity = edit_similarity(word, tokens_[token]);
        if (similarity >= kFuzzyFloor) similar.push_back({similarity, token});
      }
      scratch.shared_touched.clear();
      std::sort(similar.begin(), similar.end(), expansion_order);
      // Only the first kMaxFuzzy are ever used, and the order is total, so the memo keeps no
      // more: the best kMaxFuzzy of these and of later words are the best of all (a short
      // skeleton has hundreds of look-alikes; 32 threads each kept them all).
      if (similar.size() > kMaxFuzzy) similar.resize(kMaxFuzzy);
      memo.words.emplace(word, ExpansionMemo::Entry{tokens_.size(), similar});
    }
    if (similar.size() > kMaxFuzzy) similar.resize(kMaxFuzzy);
    // When the word itself is a common known name, a look-alike only counts if it is
    // much rarer (a typo of it in the data: "mhmmd"), not another common name ("hmd",
    // Ahmed). When the word is unknown or rare (the searcher's typo), common look-alikes
    // are exactly what we want. This also bounds the postings a query walks.
    if (!similar.empty() && similar.front().first == 1.0 &&
        postings_[similar.front().second].size() >= std::max<std::size_t>(64, alive_ / 1000)) {
      const std::size_t exact_postings = postings_[similar.front().second].size();
      std::size_t walked = exact_postings;
      std::erase_if(similar, [&](const auto& candidate) {
        if (candidate.first == 1.0) return false;
        const std::size_t size = postings_[candidate.second].size();
        if (size * 4 > exact_postings && size > 64) return true;
        walked += size;
        return walked > kMaxWalk;
      });
    }
    // Rarity weight of the word: idf of its best dictionary match (unknown words get the
    // highest weight; they are what the searcher typed).
    e.weight = std::log(1.0 + people);
    if (!similar.empty()) {
      e.weight = std::log(
          1.0 + people / (1.0 + static_cast<double>(postings_[similar.front().second].size())));
    }
    e.weight = std::max(e.weight, 0.1);
    for (const auto& [similarity, token] : similar) e.postings += postings_[token].size();
    weight_sum += e.weight;
    expanded.push_back(std::move(e));
  }
  // Rarest word first. Once it has gathered plenty of people, common words ("mohamed")
  // only score the people already found — probing each one's few name tokens — instead
  // of walking tens of thousands of postings.
  std::sort(expanded.begin(), expanded.end(),
            [](const Expanded& x, const Expanded& y) { return x.postings < y.postings; });
  // Fast path (unless a test asks for the exhaustive one): walk the people holding the rarest word
  // in id order, scoring each one fully by probing its few name tokens; stop once k of them reach
  // the best score the query allows. Posting lists are in id order and ties go to the smaller id,
  // so nobody further on could rank higher.
  if (!exhaustive_for_testing_) {
    struct Probe {
      std::vector<std::pair<std::uint32_t, float>> lookup;  // (token, similarity), by token
      float weight = 0, best = 0;
    };
    std::vector<Probe> probes;
    float bound_total = 0.0f;
    for (const Expanded& e : expanded) {
      Probe probe;
      probe.weight = static_cast<float>(e.weight);
      for (const auto& [similarity, token] : e.similar) {
        probe.lookup.push_back({token, static_cast<float>(similarity)});
        probe.best = std::max(probe.best, static_cast<float>(similarity));
      }
      std::sort(probe.lookup.begin(), probe.lookup.end());
      bound_total += probe.weight * probe.best;
      probes.push_back(std::move(probe));
    }
    std::vector<std::uint32_t> bonus_tokens;
    for (const std::string& word : bonus_words) {
      if (auto exact = token_ids_.find(word); exact != token_ids_.end())
        bonus_tokens.push_back(exact->second);
    }
    const auto bonus = 0.05f * static_cast<float>(weight_sum);
    for (std::size_t b = 0; b < bonus_tokens.size(); ++b) bound_total += bonus;
    // Bonus words nobody reaching the bound lacks are dropped from it one by one (see below).
    std::vector<bool> bonus_open(bonus_tokens.size(), true);
    // Each dictionary word of the probes gets a row of its similarity to every query word,
    // found from the word by one array read (stamped with this walk's number, so the array
    // is never cleared): a person's few words are looked up once each, instead of once per
    // query word by binary search (a third of the walk's time, in mispredicted branches).
    const std::size_t columns = probes.size();
    if (scratch.token_stamp.size() < tokens_.size()) {
      scratch.token_stamp.resize(tokens_.size(), 0);
      scratch.token_row.resize(tokens_.size(), 0);
    }
    if (++scratch.stamp == 0) {  // wrapped around: forget every stamp
      std::fill(scratch.token_stamp.begin(), scratch.token_stamp.end(), 0);
      scratch.stamp = 1;
    }
    scratch.rows.clear();
    for (std::size_t w = 0; w < columns; ++w) {
      for (const auto& [token, similarity] : probes[w].lookup) {
        if (scratch.token_stamp[token] != scratch.stamp) {
          scratch.token_stamp[token] = scratch.stamp;
          scratch.token_row[token] = static_cast<std::uint32_t>(scratch.rows.size() / columns);
          scratch.rows.resize(scratch.rows.size() + columns, 0.0f);
        }
        float& cell = scratch.rows[scratch.token_row[token] * columns + w];
        cell = std::max(cell, similarity);
      }
    }
    std::vector<float>& best = scratch.probe_best;
    const auto score_of = [&](std::uint32_t slot) {
      const std::uint32_t start = slot_token_start_[slot];
      const std::uint32_t end = start + slot_token_count_[slot];
      best.assign(columns, 0.0f);
      for (std::uint32_t t = start; t < end; ++t) {
        const std::uint32_t token = token_arena_[t];
        if (scratch.token_stamp[token] != scratch.stamp) continue;
        const float* row = scratch.rows.data() + scratch.token_row[token] * columns;
        for (std::size_t w = 0; w < columns; ++w) best[w] = std::max(best[w], row[w]);
      }
      float total = 0.0f;
      for (std::size_t w = 0; w < columns; ++w) total += probes[w].weight * best[w];
      if (total != 0.0f) {
        for (const std::uint32_t token : bonus_tokens) {
          for (std::uint32_t t = start; t < end; ++t) {
            if (token_arena_[t] == token) {
              total += bonus;
              break;
            }
          }
        }
      }
      const double extra =
          std::max(0.0, static_cast<double>(slot_token_count_[slot]) - allowed_tokens);
      return static_cast<double>(total) / weight_sum - 0.01 * extra;
    };
    struct Cursor {
      const std::vector<std::uint32_t>* list;
      std::size_t at;
    };
    const auto later = [this](const Cursor& x, const Cursor& y) {
      return slot_ids_[(*x.list)[x.at]] > slot_ids_[(*y.list)[y.at]];
    };
    const auto better = [](const SearchHit& x, const SearchHit& y) {
      return x.score != y.score ? x.score > y.score : x.id < y.id;
    };
    std::vector<SearchHit> scored;    // every person scored so far, exactly
    std::vector<std::uint32_t> seen;  // their slots (flagged in scratch.seen)
    std::optional<std::vector<SearchHit>> answer;
    // Each pass walks one driver completely (unless it stops early): afterwards everyone
    // holding the driver's words is scored, so the bound for the unseen falls.
    std::vector<float> open_best;  // per query word: best similarity not yet walked
    for (const Probe& probe : probes) open_best.push_back(probe.best);
    constexpr int kMaxPasses = 8;
    for (int pass = 0; pass < kMaxPasses && !answer; ++pass) {
      const double bound = static_cast<double>(bound_total) / weight_sum;
      // The driver: the smallest set of posting lists that every unseen person reaching
      // `bound` appears in — the best dictionary words not yet walked of one query word,
      // or one glued bonus word still open. `drop` is what a person outside it loses.
      std::vector<std::uint32_t> driver_tokens;
      float drop = 0.0f;
      std::size_t driver_bonus = bonus_tokens.size(), driver_word = probes.size();
      std::size_t driver_cost = static_cast<std::size_t>(-1);
      float driver_next = 0.0f;
      for (std::size_t w = 0; w < probes.size(); ++w) {
        if (open_best[w] <= 0.0f) continue;
        std::vector<std::uint32_t> tokens;
        std::size_t cost = 0;
        float next = 0.0f;
        for (const auto& [token, similarity] : probes[w].lookup) {
          if (similarity == open_best[w]) {
            tokens.push_back(token);
            cost += postings_[token].size();
          } else if (similarity < open_best[w]) {
            next = std::max(next, similarity);
          }
        }
        if (cost < driver_cost) {
          driver_cost = cost;
          driver_tokens = std::move(tokens);
          drop = probes[w].weight * (open_best[w] - next);
          driver_word = w;
          driver_next = next;
        }
      }
      for (std::size_t b = 0; b < bonus_tokens.size(); ++b) {
        if (bonus_open[b] && postings_[bonus_tokens[b]].size() < driver_cost) {
          driver_cost = postings_[bonus_tokens[b]].size();
          driver_tokens = {bonus_tokens[b]};
          drop = bonus;
          driver_bonus = b;
          driver_word = probes.size();
        }
      }
      // People scored in earlier passes above this pass's bound already outrank anyone
      // still unseen.
      std::size_t full = 0;
      for (const SearchHit& hit : scored) full += hit.score > bound + 1e-6 ? 1 : 0;
      std::vector<Cursor> cursors;
      for (const std::uint32_t token : driver_tokens) {
        if (!postings_[token].empty()) cursors.push_back({&postings_[token], 0});
      }
      std::make_heap(cursors.begin(), cursors.end(), later);
      while (!cursors.empty() && full < k && (budget == 0 || seen.size() < budget)) {
        std::pop_heap(cursors.begin(), cursors.end(), later);
        Cursor& cursor = cursors.back();
        const std::uint32_t slot = (*cursor.list)[cursor.at];
        if (++cursor.at == cursor.list->size()) {
          cursors.pop_back();
        } else {
          std::push_heap(cursors.begin(), cursors.end(), later);
        }
        if (scratch.seen[slot] != 0 || !slot_alive_[slot]) continue;
        scratch.seen[slot] = 1;
        seen.push_back(slot);
        const std::uint64_t id = slot_ids_[slot];
        if (accept && !accept(id)) continue;
        const double score = score_of(slot);
        if (score <= 0.0) continue;
        scored.push_back({id, score});
        if (score >= bound - 1e-6) ++full;
      }
      const std::size_t keep = std::min(k, scored.size());
      std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep),
                        scored.end(), better);
      const double rest_bound = static_cast<double>(bound_total - drop) / weight_sum;
      const bool over_budget = budget != 0 && seen.size() >= budget;
      if (full >= k || rest_bound <= 1e-9 || over_budget ||
          (keep == k && scored[keep - 1].score > rest_bound + 1e-6)) {
        answer = std::vector<SearchHit>(scored.begin(),
                                        scored.begin() + static_cast<std::ptrdiff_t>(keep));
      } else if (driver_bonus < bonus_tokens.size()) {
        // Everyone holding this bonus word is scored; nobody unseen can earn it.
        bonus_open[driver_bonus] = false;
        bound_total -= bonus;
      } else if (driver_word < probes.size()) {
        // Everyone holding these words is scored; the unseen hold worse ones at best.
        bound_total -= drop;
        open_best[driver_word] = driver_next;
      } else {
        break;
      }
    }
    for (const std::uint32_t slot : seen) scratch.seen[slot] = 0;
    if (answer) {
      for (SearchHit& hit : *answer) hit.score = std::clamp(hit.score, 0.0, 1.0);
      return *answer;
    }
  }
  // Slow path: score every candidate, word by word.
  if (scratch.total.size() < slot_ids_.size()) {
    scratch.total.resize(slot_ids_.size(), 0.0f);
    scratch.best.resize(slot_ids_.size(), 0.0f);
  }
  const std::size_t enough = std::max<std::size_t>(64, 20 * k);
  for (const Expanded& e : expanded) {
    const auto weight = static_cast<float>(e.weight);
    if (scratch.touched.size() >= enough && e.postings > 4 * scratch.touched.size()) {
      std::vector<std::pair<std::uint32_t, float>> lookup;
      for (const auto& [similarity, token] : e.similar)
        lookup.push_back({token, static_cast<float>(similarity)});
      std::sort(lookup.begin(), lookup.end());
      for (std::uint32_t slot : scratch.touched) {
        float best = 0.0f;
        const std::uint32_t start = slot_token_start_[slot];
        for (std::uint32_t t = start; t < start + slot_token_count_[slot]; ++t) {
          auto it =
              std::lower_bound(lookup.begin(), lookup.end(), std::make_pair(token_arena_[t], 0.0f));
          if (it != lookup.end() && it->first == token_arena_[t]) best = std::max(best, it->second);
        }
        scratch.total[slot] += weight * best;
      }
      continue;
    }
    scratch.touched_word.clear();
    for (const auto& [similarity, token] : e.similar) {
      const auto value = static_cast<float>(similarity);
      for (std::uint32_t slot : postings_[token]) {
        if (scratch.best[slot] == 0.0f) scratch.touched_word.push_back(slot);
        scratch.best[slot] = std::max(scratch.best[slot], value);
      }
    }
    for (std::uint32_t slot : scratch.touched_word) {
      if (scratch.total[slot] == 0.0f) scratch.touched.push_back(slot);
      scratch.total[slot] += weight * scratch.best[slot];
      scratch.best[slot] = 0.0f;
    }
  }
  for (const std::string& word : bonus_words) {
    auto exact = token_ids_.find(word);
    if (exact == token_ids_.end()) continue;
    for (std::uint32_t slot : postings_[exact->second]) {
      if (scratch.total[slot] != 0.0f)
        scratch.total[slot] += 0.05f * static_cast<float>(weight_sum);
    }
  }
  std::vector<SearchHit> hits;
  hits.reserve(scratch.touched.size());
  for (std::uint32_t slot : scratch.touched) {
    const float total = scratch.total[slot];
    scratch.total[slot] = 0.0f;
    if (!slot_alive_[slot]) continue;
    const std::uint64_t id = slot_ids_[slot];
    if (accept && !accept(id)) continue;
    // A person with many more name words than the query matched ranks a little lower,
    // so "Fatima Alaoui" beats "Fatima Zahra Alaoui Idrissi" for "fatima alaoui".
    const double extra =
        std::max(0.0, static_cast<double>(slot_token_count_[slot]) - allowed_tokens);
    hits.push_back({id, static_cast<double>(total) / weight_sum - 0.01 * extra});
  }
  scratch.touched.clear();
  const std::size_t keep = std::min(k, hits.size());
  std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(keep), hits.end(),
                    [](const SearchHit& x, const SearchHit& y) {
                      return x.score != y.score ? x.score > y.score : x.id < y.id;
                    });
  hits.resize(keep);
  for (SearchHit& hit : hits) hit.score = std::clamp(hit.score, 0.0, 1.0);
  return hits;
}

}  // namespace jisr::match

// src/match/search_index.cc
#include "match/search_index.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "match/name_form.h"
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

std::vector<std::string> record_skeletons(const PersonRecord& record) {
  std::vector<std::string> skeletons;
  for (const std::string* field : {&record.first_name_ar, &record.first_name_lat,
                                   &record.last_name_ar, &record.last_name_lat}) {
    if (!field->empty()) add_skeletons(analyze_name(*field), skeletons);
  }
  std::sort(skeletons.begin(), skeletons.end());
  skeletons.erase(std::unique(skeletons.begin(), skeletons.end()), skeletons.end());
  if (skeletons.size() > kMaxTokens) skeletons.resize(kMaxTokens);
  return skeletons;
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

struct Scratch {
  std::vector<float> total, best;
  std::vector<std::uint32_t> touched, touched_word;
};

}  // namespace

std::uint32_t SearchIndex::intern(const std::string& skeleton) {
  auto [it, inserted] = token_ids_.emplace(skeleton, static_cast<std::uint32_t>(tokens_.size()));
  if (inserted) {
    tokens_.push_back(skeleton);
    postings_.emplace_back();
    for (std::uint16_t gram : bigrams(skeleton)) bigram_tokens_[gram].push_back(it->second);
  }
  return it->second;
}

void SearchIndex::add_locked(std::uint64_t id, const PersonRecord& record) {
  remove_locked(id);
  const auto slot = static_cast<std::uint32_t>(slot_ids_.size());
  const std::vector<std::string> skeletons = record_skeletons(record);
  slot_ids_.push_back(id);
  slot_token_start_.push_back(static_cast<std::uint32_t>(token_arena_.size()));
  slot_token_count_.push_back(static_cast<std::uint8_t>(skeletons.size()));
  slot_alive_.push_back(true);
  for (const std::string& skeleton : skeletons) {
    const std::uint32_t token = intern(skeleton);
    token_arena_.push_back(token);
    postings_[token].push_back(slot);
  }
  slot_of_id_[id] = slot;
  ++alive_;
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
  return bytes;
}

std::vector<SearchHit> SearchIndex::search(std::string_view query, std::size_t k,
                                           const std::function<bool(std::uint64_t)>& accept) const {
  // Query words: core-token skeletons of each script run.
  std::vector<std::string> words;
  // Glued forms of multi-word runs ("ben ali" -> "bnl") only add a bonus when a person
  // holds them: they break ties between Benali and Alaoui, whose cores are both "l".
  std::vector<std::string> bonus_words;
  for (const std::string& run : script_runs(query)) {
    const NameForm form = analyze_name(run);
    for (const NameToken& token : form.tokens) {
      if (!token.particle && !token.skeleton.empty()) words.push_back(token.skeleton);
    }
    if (form.tokens.size() > 1) {
      for (const JoinedKey& joined : form.joined) bonus_words.push_back(joined.skeleton);
    }
  }
  if (words.empty() || k == 0) return {};

  std::shared_lock lock(mutex_);
  thread_local Scratch scratch;
  if (scratch.total.size() < slot_ids_.size()) {
    scratch.total.resize(slot_ids_.size(), 0.0f);
    scratch.best.resize(slot_ids_.size(), 0.0f);
  }
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
    if (auto exact = token_ids_.find(word); exact != token_ids_.end())
      similar.push_back({1.0, exact->second});
    std::unordered_map<std::uint32_t, int> shared;
    const std::vector<std::uint16_t> grams = bigrams(word);
    for (std::uint16_t gram : grams) {
      auto list = bigram_tokens_.find(gram);
      if (list == bigram_tokens_.end()) continue;
      for (std::uint32_t token : list->second) ++shared[token];
    }
    const int needed = std::max(1, static_cast<int>(grams.size()) - 3);
    for (const auto& [token, count] : shared) {
      if (count < needed || tokens_[token] == word) continue;
      const double similarity = edit_similarity(word, tokens_[token]);
      if (similarity >= kFuzzyFloor) similar.push_back({similarity, token});
    }
    std::sort(similar.begin(), similar.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
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
    const double extra = std::max(0.0, static_cast<double>(slot_token_count_[slot]) -
                                           2.0 * static_cast<double>(words.size()));
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

// src/match/name_similarity.cc
#include "match/name_similarity.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "match/text_distance.h"

namespace jisr::match {

namespace {

bool is_latin_vowel(char c) {
  return c == 'a' || c == 'i' || c == 'u';
}

// Packed Arabic (see pack_arabic): alef, waw and yeh are the letters of long vowels.
bool is_packed_arabic_vowel(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte == 0x80 + (0x0627 - 0x0620) || byte == 0x80 + (0x0648 - 0x0620) ||
         byte == 0x80 + (0x064A - 0x0620);
}

// Splits a phonetic key into the vowels found between consecutive consonants
// (collapsing repeated consonants as the skeleton does). gaps[k] is a bit set of
// {a=1, i=2, u=4} before consonant k; the last entry is after the last consonant.
std::array<unsigned char, 16> vowel_gaps(std::string_view phonetic, std::size_t& consonants) {
  std::array<unsigned char, 16> gaps{};
  consonants = 0;
  char last_consonant = 0;
  for (char c : phonetic) {
    if (is_latin_vowel(c)) {
      if (consonants < gaps.size()) gaps[consonants] |= c == 'a' ? 1 : c == 'i' ? 2 : 4;
    } else if (c != last_consonant) {
      last_consonant = c;
      ++consonants;
    }
  }
  return gaps;
}

// Whether the long vowels Arabic writes (ا و ي, and a word-initial و or ي, which stands for w
// or y) all appear in the Latin spelling between the same consonants. Arabic omits short
// vowels, so a Latin vowel with no Arabic counterpart says nothing; an Arabic long vowel with
// no Latin counterpart does: علوي (Alawi) is not Ali, يسرى (Yousra) is not Saira, فطيمة
// (Ftima) is a little less Fatma. A vowel written in both, but a different one, is a
// conflict (حسين "hsin" vs Hassan "hasan"). Only compared when both keys have as many
// consonants.
enum class LongVowels { kAgree, kMissing, kConflict };
LongVowels long_vowels_in_latin(std::string_view arabic_surface, std::string_view arabic_phonetic,
                                std::string_view latin_phonetic) {
  std::size_t arabic_consonants = 0, latin_consonants = 0;
  const auto arabic = vowel_gaps(arabic_phonetic, arabic_consonants);
  const auto latin = vowel_gaps(latin_phonetic, latin_consonants);
  if (arabic_consonants != latin_consonants) return LongVowels::kAgree;
  // The first gap only when the word begins with و or ي: an initial alef or ain is written
  // inconsistently in Latin (إدريس / Driss), an initial glide is not (يسرى / Yousra).
  const auto first = arabic_surface.empty() ? 0 : static_cast<unsigned char>(arabic_surface[0]);
  const bool initial_glide = first == 0x80 + (0x0648 - 0x0620) || first == 0x80 + (0x064A - 0x0620);
  LongVowels verdict = LongVowels::kAgree;
  const std::size_t last = std::min<std::size_t>(arabic_consonants, arabic.size() - 1);
  for (std::size_t k = initial_glide ? 0 : 1; k <= last; ++k) {
    if (arabic[k] == 0) continue;
    if (k > 0 && latin[k] != 0 && (arabic[k] & latin[k]) == 0) return LongVowels::kConflict;
    if ((arabic[k] & ~latin[k]) != 0) verdict = LongVowels::kMissing;
  }
  return verdict;
}

// The consonants of a phonetic key in order, a repeat dropped only when nothing stands
// between the two letters. The skeleton also drops repeats across a vowel, which lets
// "Laila" and "Ali" (l-l, l) or "Yassine" and "Soussi" (s, s-s) share a key; agreeing
// skeletons with different consonant sequences are a weaker match than agreeing sequences.
bool same_consonant_sequence(std::string_view a, std::string_view b, bool (*is_vowel)(char)) {
  const auto next = [is_vowel](std::string_view s, std::size_t& i) -> char {
    while (i < s.size()) {
      const char c = s[i++];
      if (is_vowel(c)) continue;
      while (i < s.size() && s[i] == c) ++i;
      return c;
    }
    return 0;
  };
  std::size_t i = 0, j = 0;
  for (;;) {
    const char ca = next(a, i), cb = next(b, j);
    if (ca != cb) return false;
    if (ca == 0) return true;
  }
}

double skeleton_similarity(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a == b ? 0.5 : 0.0;
  return a == b ? 1.0 : edit_similarity(a, b);
}

// A per-thread memo of fixed size, indexed by a 64-bit hash of what was compared: a slot
// holds the last result whose key mapped to it. A hash map grows with every new pair (a node
// allocated for each, tens of megabytes per thread after a few thousand searches) and each
// lookup missed the processor's caches twice; this one is a single array read, its memory is
// bounded, and a pair evicted by another is only computed again.
template <typename Value, unsigned kBits>
class ComparisonCache {
 public:
  ComparisonCache() : slots_(std::size_t{1} << kBits) {}
  // The cached value of `key`, or nullptr.
  const Value* find(std::uint64_t key) const {
    const Slot& slot = slots_[index(key)];
    return slot.key == stored(key) ? &slot.value : nullptr;
  }
  void put(std::uint64_t key, const Value& value) {
    Slot& slot = slots_[index(key)];
    slot.key = stored(key);
    slot.value = value;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;  // 0: empty
    Value value{};
  };
  static std::size_t index(std::uint64_t key) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> (64 - kBits));
  }
  static std::uint64_t stored(std::uint64_t key) { return key == 0 ? 1 : key; }
  std::vector<Slot> slots_;
};

std::uint64_t hash_bytes(std::string_view text, std::uint64_t h) {
  for (char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

double same_script_similarity(std::string_view surface_a, std::string_view skeleton_a,
                              Script script_a, std::string_view surface_b,
                              std::string_view skeleton_b);

// Batch deduplication compares the same few thousand spellings over and over: memoise
// same-script similarities per thread, keyed by a 64-bit hash of both surfaces and skeletons
// (a collision among a million entries has odds around 1e-7, and costs one level).
double memo_same_script_similarity(std::string_view surface_a, std::string_view skeleton_a,
                                   Script script, std::string_view surface_b,
                                   std::string_view skeleton_b) {
  thread_local ComparisonCache<double, 16> memo;  // 1 MiB
  // Skeletons too: a glued key can share its surface with a word yet not its skeleton (the
  // glued one drops a final vowel at each seam), and a key of surfaces alone made a result
  // depend on which of the two was compared first.
  std::uint64_t key = hash_bytes(surface_a, 1469598103934665603ull);
  key = hash_bytes(skeleton_a, key * 31 + 0x9E3779B97F4A7C15ull);
  key = hash_bytes(surface_b, key * 31 + 0x9E3779B97F4A7C15ull);
  key =
      hash_bytes(skeleton_b, key * 31 + 0x9E3779B97F4A7C15ull) ^ static_cast<std::uint64_t>(script);
  if (const double* found = memo.find(key)) return *found;
  const double similarity =
      same_script_similarity(surface_a, skeleton_a, script, surface_b, skeleton_b);
  memo.put(key, similarity);
  return similarity;
}

double same_script_similarity(std::string_view surface_a, std::string_view skeleton_a,
                              Script script_a, std::string_view surface_b,
                              std::string_view skeleton_b) {
  double similarity = vowel_tolerant_similarity(
      surface_a, surface_b, script_a == Script::kArabic ? is_packed_arabic_vowel : is_latin_vowel);
  const auto is_vowel = script_a == Script::kArabic ? is_packed_arabic_vowel : is_latin_vowel;
  if (skeleton_a == skeleton_b && !skeleton_a.empty() &&
      same_consonant_sequence(surface_a, surface_b, is_vowel)) {
    return std::max(similarity, 0.85);
  }
  // Arabic script writes consonants and long vowels only, and names are copied from
  // civil-status papers rather than typed from sound: a different consonant
  // (مريم/كريم) is a different name far more often than a typo.
  if (script_a == Script::kArabic) similarity *= 0.85;
  return similarity;
}

// Across scripts: equal skeletons whose consonant sequences differ (see
// same_consonant_sequence). Above the long-vowel conflict (0.8): the letters agree, only
// their repetition does not.
constexpr double kSequenceDiffers = 0.9;
// Across scripts: a long vowel Arabic writes in one place and Latin another (حسين / Hassan).
constexpr double kLongVowelConflict = 0.8;
// Across scripts: a long vowel Arabic writes that the Latin spelling lacks (علوي / Ali).
constexpr double kLongVowelMissing = 0.9;

double key_similarity(std::string_view surface_a, std::string_view skeleton_a,
                      std::string_view phonetic_a, Script script_a, std::string_view surface_b,
                      std::string_view skeleton_b, std::string_view phonetic_b, Script script_b) {
  if (script_a == script_b) {
    if (surface_a == surface_b) return 1.0;
    return memo_same_script_similarity(surface_a, skeleton_a, script_a, surface_b, skeleton_b);
  }
  const double similarity = skeleton_similarity(skeleton_a, skeleton_b);
  if (similarity < 1.0) return similarity;
  if (!same_consonant_sequence(phonetic_a, phonetic_b, is_latin_vowel)) return kSequenceDiffers;
  const bool a_is_arabic = script_a == Script::kArabic;
  const LongVowels vowels = a_is_arabic ? long_vowels_in_latin(surface_a, phonetic_a, phonetic_b)
                                        : long_vowels_in_latin(surface_b, phonetic_b, phonetic_a);
  return vowels == LongVowels::kConflict  ? kLongVowelConflict
         : vowels == LongVowels::kMissing ? kLongVowelMissing
                                          : 1.0;
}

}  // namespace

double token_similarity(const NameToken& a, Script script_a, const NameToken& b, Script script_b) {
  return key_similarity(a.surface, a.skeleton, a.phonetic, script_a, b.surface, b.skeleton,
                        b.phonetic, script_b);
}

namespace {

NameAgreement compare_name_forms_uncached(const NameForm& a, const NameForm& b);

}  // namespace

// Memoised per thread by the forms' fingerprints: a registry holds a few thousand
// distinct spellings, and batch dedup compares them millions of times.
NameAgreement compare_name_forms(const NameForm& a, const NameForm& b) {
  if (a.empty() || b.empty()) return {};
  thread_local ComparisonCache<NameAgreement, 16> memo;  // 1.5 MiB
  const std::uint64_t key =
      a.fingerprint * 0x9E3779B97F4A7C15ull ^ (b.fingerprint + 0x632BE59BD9B4E019ull);
  if (const NameAgreement* found = memo.find(key)) return *found;
  const NameAgreement agreement = compare_name_forms_uncached(a, b);
  memo.put(key, agreement);
  return agreement;
}

namespace {

NameAgreement compare_name_forms_uncached(const NameForm& a, const NameForm& b) {
  std::array<const NameToken*, 8> core_a{}, core_b{};
  std::size_t na = 0, nb = 0;
  for (const NameToken& t : a.tokens) {
    if (!t.particle && na < core_a.size()) core_a[na++] = &t;
  }
  for (const NameToken& t : b.tokens) {
    if (!t.particle && nb < core_b.size()) core_b[nb++] = &t;
  }
  // A name made only of particles ("Ait") is compared on them.
  if (na == 0) {
    for (const NameToken& t : a.tokens) {
      if (na < core_a.size()) core_a[na++] = &t;
    }
  }
  if (nb == 0) {
    for (const NameToken& t : b.tokens) {
      if (nb < core_b.size()) core_b[nb++] = &t;
    }
  }
  std::array<std::array<double, 8>, 8> similarity{};
  for (std::size_t i = 0; i < na; ++i) {
    for (std::size_t j = 0; j < nb; ++j) {
      similarity[i][j] = token_similarity(*core_a[i], a.script, *core_b[j], b.script);
    }
  }
  // Greedy assignment: names have a handful of tokens, and the best pair first is what
  // a person would read.
  std::array<bool, 8> used_a{}, used_b{};
  double total = 0;
  for (std::size_t round = 0; round < std::min(na, nb); ++round) {
    double best = -1;
    std::size_t best_i = 0, best_j = 0;
    for (std::size_t i = 0; i < na; ++i) {
      if (used_a[i]) continue;
      for (std::size_t j = 0; j < nb; ++j) {
        if (!used_b[j] && similarity[i][j] > best) {
          best = similarity[i][j];
          best_i = i;
          best_j = j;
        }
      }
    }
    used_a[best_i] = used_b[best_j] = true;
    total += best;
  }
  NameAgreement agreement;
  agreement.full = total / static_cast<double>(std::max(na, nb));
  agreement.partial = total / static_cast<double>(std::min(na, nb));
  if (agreement.full < 0.99) {
    for (const JoinedKey& ka : a.joined) {
      for (const JoinedKey& kb : b.joined) {
        agreement.full = std::max(agreement.full,
                                  key_similarity(ka.surface, ka.skeleton, ka.phonetic, a.script,
                                                 kb.surface, kb.skeleton, kb.phonetic, b.script));
      }
    }
  }
  agreement.partial = std::max(agreement.partial, agreement.full);
  return agreement;
}

}  // namespace

NameAgreement compare_name_field(std::span<const NameForm* const> a,
                                 std::span<const NameForm* const> b) {
  NameAgreement best;
  bool same_script_seen = false;
  for (int pass = 0; pass < 2 && !same_script_seen; ++pass) {
    for (const NameForm* fa : a) {
      if (fa == nullptr || fa->empty()) continue;
      for (const NameForm* fb : b) {
        if (fb == nullptr || fb->empty()) continue;
        const bool same_script = fa->script == fb->script;
        if (same_script != (pass == 0)) continue;
        same_script_seen = same_script_seen || same_script;
        const NameAgreement agreement = compare_name_forms(*fa, *fb);
        if (agreement.full > best.full ||
            (agreement.full == best.full && agreement.partial > best.partial)) {
          best = agreement;
        }
        if (best.full >= 1.0) return best;  // nothing can beat an exact agreement
      }
    }
  }
  return best;
}

}  // namespace jisr::match

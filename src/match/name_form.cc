// src/match/name_form.cc
#include "match/name_form.h"

#include <algorithm>
#include <array>

#include "match/utf8.h"

namespace jisr::match {

namespace {

// Particles written in Latin script. Sun-letter forms of the article (ez, es, er, et, en,
// ed, ech...) appear when it is hyphenated: "Ez-Zaki", "Er-Rahmani".
constexpr std::array<std::string_view, 30> kLatinParticles = {
    "el",  "al",   "l",     "d",  "ben", "bin", "ibn", "bent",  "bint", "ait",
    "ou",  "ould", "oulad", "ez", "es",  "er",  "et",  "en",    "ed",   "ech",
    "ach", "ad",   "ar",    "as", "at",  "az",  "an",  "lalla", "sidi", "u"};

// Latin words that govern the next word of a theophoric compound ("Abd El Aziz").
constexpr std::array<std::string_view, 9> kLatinCompoundHeads = {
    "abd", "abdel", "abdal", "abdul", "abdou", "abde", "abder", "abdes", "abden"};

bool is_latin_particle(std::string_view word) {
  return std::find(kLatinParticles.begin(), kLatinParticles.end(), word) != kLatinParticles.end();
}

// A word that cannot be a name's core: one letter ("E Idrissi", an initial "M."), or two
// letters beginning with a vowel once doubled letters are read once. Moroccan names have no
// such core word, but their articles and filiations do ("Es-", "Ou", "Id", "Ag"), so a
// mistyped article ("Eb-Soussi", "Enn-Naimi", "Ek Bouanani") is still read as one rather
// than as a rare name word that would outweigh the real ones.
bool is_latin_particle_like(std::string_view word) {
  if (is_latin_particle(word)) return true;
  std::string letters;
  for (char c : word) {
    if (letters.empty() || letters.back() != c) letters.push_back(c);
  }
  const auto vowel = [](char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  };
  return letters.size() == 1 || (letters.size() == 2 && vowel(letters[0]));
}

bool is_latin_compound_head(std::string_view word) {
  return std::find(kLatinCompoundHeads.begin(), kLatinCompoundHeads.end(), word) !=
         kLatinCompoundHeads.end();
}

constexpr char32_t kAlef = 0x0627, kLam = 0x0644;

// Names that begin with alef-lam without an article: إلياس (Ilyas), إلهام (Ilham), ألفت
// (Olfat). Hamza folding has made them look like "ال" + a word, which would give Ilyas the
// skeleton of "yas" and make it meet Yassine and Soussi rather than its Latin spelling.
bool is_name_with_radical_al(std::u32string_view word) {
  static const std::array<std::u32string_view, 3> names = {U"الياس", U"الهام", U"الفت"};
  return std::find(names.begin(), names.end(), word) != names.end();
}

bool is_arabic_particle(std::u32string_view word) {
  static const std::array<std::u32string_view, 9> particles = {
      U"ال", U"بن", U"ابن", U"بنت", U"ايت", U"اولاد", U"ولد", U"او", U"لالة"};
  return std::find(particles.begin(), particles.end(), word) != particles.end();
}

bool is_arabic_compound_head(std::u32string_view word) {
  return word == U"عبد" || word == U"ابو" || word == U"بو";
}

bool is_latin_sun_letter(char c) {
  return c == 't' || c == 'd' || c == 'r' || c == 'z' || c == 's' || c == 'n' || c == 'l' ||
         c == 'c';
}

// "Abdelrahim" and "Abderrahim" are one name: in a theophoric compound the article's l
// before a sun letter is not pronounced, and spellings differ on whether they write it.
// Canonical form: drop it ("abdelrahim" -> "abderahim", "abdellah" -> "abdelah").
void drop_assimilated_article_l(std::string& word) {
  if (!word.starts_with("abd") || word.size() < 7) return;
  const std::size_t l = 4;
  const char vowel = word[3];
  if ((vowel == 'e' || vowel == 'a' || vowel == 'u') && word[l] == 'l' &&
      is_latin_sun_letter(word[l + 1])) {
    word.erase(l, 1);
  }
}

bool is_arabic_sun_letter(char32_t c) {
  switch (c) {
    case 0x062A:
    case 0x062B:
    case 0x062F:
    case 0x0630:
    case 0x0631:
    case 0x0632:
    case 0x0633:
    case 0x0634:
    case 0x0635:
    case 0x0636:
    case 0x0637:
    case 0x0638:
    case 0x0644:
    case 0x0646:
      return true;
    default:
      return false;
  }
}

std::vector<std::string> split_spaces(std::string_view text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::vector<std::u32string> split_spaces(std::u32string_view text) {
  std::vector<std::u32string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(U' ', start);
    if (end == std::u32string_view::npos) end = text.size();
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// Skeleton of glued tokens: each token's open-vowel marker only counts at the very end
// ("ftma" + "zhra" -> "ftmzhra", as "Fatimazahra" gives).
std::string glue_skeletons(const std::vector<const NameToken*>& tokens) {
  std::string glued;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string_view part = tokens[i]->skeleton;
    if (i + 1 < tokens.size() && part.size() > 1 && part.back() == 'a') part.remove_suffix(1);
    for (char c : part) {
      if (glued.empty() || glued.back() != c) glued.push_back(c);
    }
  }
  return glued;
}

void add_joined(NameForm& form, const std::vector<const NameToken*>& tokens, std::string surface) {
  if (tokens.empty()) return;
  std::string phonetic;
  for (const NameToken* token : tokens) phonetic += token->phonetic;
  JoinedKey key{std::move(surface), glue_skeletons(tokens), std::move(phonetic)};
  for (const JoinedKey& existing : form.joined) {
    if (existing.surface == key.surface && existing.skeleton == key.skeleton) return;
  }
  form.joined.push_back(std::move(key));
}

NameForm analyze_latin(std::string_view utf8) {
  NameForm form;
  form.script = Script::kLatin;
  std::vector<std::string> words = split_spaces(fold_latin(utf8));
  // Join "abd"/"abdel" with what follows (and an article in between: "abd el aziz").
  std::vector<std::string> merged;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string word = words[i];
    if (is_latin_compound_head(word) && i + 1 < words.size()) {
      if (is_latin_particle(words[i + 1]) && i + 2 < words.size()) word += words[++i];
      word += words[++i];
    }
    merged.push_back(std::move(word));
  }
  for (std::string& word : merged) {
    drop_assimilated_article_l(word);
    const std::string phonetic = latin_phonetic(word);
    form.tokens.push_back(
        {phonetic, skeleton_of_phonetic(phonetic), phonetic, is_latin_particle_like(word)});
  }
  // Whole-name keys are built from the folded letters so that doubled letters at the
  // seam collapse as they would in a glued spelling.
  std::string core_letters, all_letters;
  std::vector<const NameToken*> core, all;
  for (std::size_t i = 0; i < merged.size(); ++i) {
    all_letters += merged[i];
    all.push_back(&form.tokens[i]);
    if (!form.tokens[i].particle) {
      core_letters += merged[i];
      core.push_back(&form.tokens[i]);
    }
  }
  if (core.empty()) {
    core = all;
    core_letters = all_letters;
  }
  add_joined(form, core, latin_phonetic(core_letters));
  add_joined(form, all, latin_phonetic(all_letters));
  // "Elkhayati", "Alhamidi": an article glued without assimilation.
  if (!core.empty()) {
    const std::string& first = merged[static_cast<std::size_t>(core.front() - form.tokens.data())];
    if (first.size() >= 6 && (first.starts_with("el") || first.starts_with("al"))) {
      const std::string rest = latin_phonetic(std::string_view(first).substr(2));
      NameToken stripped{rest, skeleton_of_phonetic(rest), rest, false};
      if (stripped.skeleton.size() >= 2) {
        std::vector<const NameToken*> variant = core;
        variant.front() = &stripped;
        std::string letters = first.substr(2) + core_letters.substr(first.size());
        add_joined(form, variant, latin_phonetic(letters));
      }
    }
  }
  // French transliteration writes غ as "rh" at the start of a word: Rhita (غيثة), Rhizlane
  // (غزلان), Rharbi (الغربي). It can also be ر + ح (Rhamna), so the غ reading is a whole-name
  // variant: it lets Rhita meet غيثة and Ghita without making every Rh- a Gh-.
  std::vector<NameToken> gh_read;
  gh_read.reserve(core.size());
  std::vector<const NameToken*> gh_variant;
  std::string gh_letters;
  for (const NameToken* token : core) {
    const std::string& word = merged[static_cast<std::size_t>(token - form.tokens.data())];
    if (word.size() >= 4 && word.starts_with("rh") &&
        std::string_view("aeiouy").find(word[2]) != std::string_view::npos) {
      const std::string letters = "gh" + word.substr(2);
      const std::string phonetic = latin_phonetic(letters);
      gh_read.push_back({phonetic, skeleton_of_phonetic(phonetic), phonetic, false});
      gh_variant.push_back(&gh_read.back());
      gh_letters += letters;
    } else {
      gh_variant.push_back(token);
      gh_letters += word;
    }
  }
  if (!gh_read.empty()) add_joined(form, gh_variant, latin_phonetic(gh_letters));
  return form;
}

NameForm analyze_arabic(std::string_view utf8) {
  NameForm form;
  form.script = Script::kArabic;
  const std::u32string canonical = decode_utf8(normalize_arabic(utf8, AlefMaqsura::kKeep));
  std::vector<std::u32string> words = split_spaces(std::u32string_view(canonical));
  std::vector<std::u32string> merged;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::u32string word = words[i];
    if (is_arabic_compound_head(word) && i + 1 < words.size()) {
      if (words[i + 1] == U"ال" && i + 2 < words.size()) word += words[++i];
      word += words[++i];
    }
    merged.push_back(std::move(word));
  }
  // The skeleton of "عبد الرحيم" must equal that of "Abderrahim": the article's lam
  // before a sun letter is silent (the spelling keeps it, the skeleton does not).
  auto skeleton_word = [](const std::u32string& word) {
    for (std::u32string_view head :
         {std::u32string_view(U"عبد"), std::u32string_view(U"ابو"), std::u32string_view(U"بو")}) {
      const std::size_t h = head.size();
      if (word.size() > h + 3 && word.starts_with(head) && word[h] == kAlef &&
          word[h + 1] == kLam && is_arabic_sun_letter(word[h + 2])) {
        return word.substr(0, h + 1) + word.substr(h + 2);
      }
    }
    return word;
  };
  // Split a glued article: "العلوي" -> "ال" + "علوي". Compounds keep theirs inside, and so
  // do the names whose first two letters are their own (see is_name_with_radical_al).
  std::vector<std::pair<std::u32string, bool>> pieces;  // word, particle
  for (const std::u32string& word : merged) {
    if (word.size() >= 4 && word[0] == kAlef && word[1] == kLam && !is_name_with_radical_al(word)) {
      pieces.push_back({word.substr(0, 2), true});
      pieces.push_back({word.substr(2), false});
    } else {
      pieces.push_back({word, is_arabic_particle(word)});
    }
  }
  std::u32string core_letters, all_letters;
  for (const auto& [word, particle] : pieces) {
    std::u32string canonical_word = word;
    std::replace(canonical_word.begin(), canonical_word.end(), char32_t{0x0649}, char32_t{0x064A});
    const std::string key_word = encode_utf8(skeleton_word(word));
    form.tokens.push_back({pack_arabic(canonical_word), arabic_skeleton(key_word),
                           arabic_phonetic(key_word), particle});
    all_letters += canonical_word;
    if (!particle) core_letters += canonical_word;
  }
  std::vector<const NameToken*> core, all;
  for (const NameToken& token : form.tokens) {
    all.push_back(&token);
    if (!token.particle) core.push_back(&token);
  }
  if (core.empty()) {
    core = all;
    core_letters = all_letters;
  }
  add_joined(form, core, pack_arabic(core_letters));
  add_joined(form, all, pack_arabic(all_letters));
  return form;
}

}  // namespace

std::size_t NameForm::core_size() const {
  return static_cast<std::size_t>(
      std::count_if(tokens.begin(), tokens.end(), [](const NameToken& t) { return !t.particle; }));
}

std::string pack_arabic(std::u32string_view canonical) {
  std::string packed;
  packed.reserve(canonical.size());
  for (char32_t cp : canonical) {
    if (cp >= 0x0620 && cp < 0x0660) {
      packed.push_back(static_cast<char>(0x80 + (cp - 0x0620)));
    } else if (cp == 0x06AF) {
      packed.push_back(static_cast<char>(0xC0));
    } else if (cp < 0x80) {
      packed.push_back(static_cast<char>(cp));
    } else {
      packed.push_back('?');
    }
  }
  return packed;
}

NameForm analyze_name(std::string_view utf8) {
  NameForm form;
  switch (detect_script(utf8)) {
    case Script::kArabic:
      form = analyze_arabic(utf8);
      break;
    case Script::kLatin:
      form = analyze_latin(utf8);
      break;
    case Script::kNone:
      return form;
  }
  if (form.tokens.empty()) return {};
  std::uint64_t h = 1469598103934665603ull ^ static_cast<std::uint64_t>(form.script);
  for (const NameToken& token : form.tokens) {
    for (char c : token.surface) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    h = (h ^ (token.particle ? 0x1F : 0x1E)) * 1099511628211ull;
  }
  // The glued keys too: they are compared as well, and two spellings with the same words can
  // glue differently ("Abd El Aziz" / "Abdelaziz"), so a comparison memoised by fingerprint
  // must not take one for the other.
  for (const JoinedKey& key : form.joined) {
    for (const std::string* text : {&key.surface, &key.skeleton}) {
      for (char c : *text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
      h = (h ^ 0x1D) * 1099511628211ull;
    }
  }
  form.fingerprint = h;
  return form;
}

}  // namespace jisr::match

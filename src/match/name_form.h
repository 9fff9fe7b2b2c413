// src/match/name_form.h
//
// A name split into comparable tokens. "Fatima-Ezzahra", "فاطمة الزهراء" and
// "Fatimazahra" become token lists plus whole-name keys, so that compounds written joined
// or split still meet, and particles (El, Ben, Ait, ال, بن, آيت ...) stay visible as
// tokens of their own but carry little weight.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "match/normalize.h"

namespace jisr::match {

struct NameToken {
  // Script-specific comparable form: the Latin phonetic key ("muhamad"), or canonical
  // Arabic packed one byte per letter (see pack_arabic()).
  std::string surface;
  // Cross-script consonant skeleton ("mhmd").
  std::string skeleton;
  // Phonetic key in the shared ASCII alphabet: latin_phonetic() for Latin,
  // arabic_phonetic() (consonants + written long vowels) for Arabic.
  std::string phonetic;
  // Article, filiation or honorific word: el, al, ben, ibn, ait, ou, ould, ال, بن ...
  bool particle = false;
};

// A whole-name key: the tokens glued together, for "Fatima Zahra" vs "Fatimazahra".
struct JoinedKey {
  std::string surface;
  std::string skeleton;
  std::string phonetic;
};

struct NameForm {
  Script script = Script::kNone;
  std::vector<NameToken> tokens;
  // Distinct glued variants: core tokens only; all tokens including particles; core
  // with a glued Latin article removed ("Elkhayati" -> "khayati").
  std::vector<JoinedKey> joined;
  // Hash of the script, token surfaces and glued keys: equal for equal analyses, so comparisons of
  // forms can be memoised (name_similarity.cc).
  std::uint64_t fingerprint = 0;

  bool empty() const { return tokens.empty(); }
  // Number of non-particle tokens.
  std::size_t core_size() const;
};

// Analyses one name field (a given name, a family name, or a father's name) in either
// script. Hyphens and apostrophes split words ("Ez-Zaki", "L'Houssaine"); an Arabic
// article glued to a word is split off ("العلوي" -> ال + علوي); "عبد"/"Abd"/"Abdel" are
// joined with the word they govern ("عبد الرحيم" -> one token); particles are flagged.
// A text with no letters gives an empty form.
NameForm analyze_name(std::string_view utf8);

// Canonical Arabic (as normalize_arabic() gives it) packed one byte per letter, so that
// edit distances count letters rather than UTF-8 bytes. Letters U+0620..U+065F map to
// 0x80 + offset, گ to 0xC0; other characters keep their ASCII byte or become '?'.
std::string pack_arabic(std::u32string_view canonical);

}  // namespace jisr::match

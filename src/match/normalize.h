// src/match/normalize.h
//
// Script-level normalisation of person names, the first step of matching "محمد العلوي"
// against "Mohamed Alaoui" and "Mhamed El Alaoui".
//
// Three forms come out of a name word:
//   * a canonical Arabic form (harakat, tatweel, hamza seats and letter variants unified),
//     used when both sides are in Arabic;
//   * a Latin phonetic key that erases French spelling habits ("Mohammed" -> "muhamad",
//     "Khadidja" -> "xadija"), used when both sides are in Latin script;
//   * a consonant skeleton shared by both scripts ("mhmd" for محمد, Mohamed, Muhammad,
//     Mhamed), used across scripts and for blocking.
// ICU does the Unicode work (NFKC for Arabic presentation forms, case folding, accent
// stripping, and the Arabic-Latin transliteration under the skeleton); ICU headers stay in
// normalize.cc.
#pragma once

#include <string>
#include <string_view>

namespace jisr::match {

enum class Script : unsigned char { kNone, kLatin, kArabic };

// The script of `utf8`: kArabic when it holds any Arabic letter, else kLatin when it holds
// any Latin letter, else kNone (empty, digits, punctuation). Invalid UTF-8 bytes are
// ignored.
Script detect_script(std::string_view utf8);

// Canonical Arabic spelling of `utf8`: NFKC (presentation forms become letters), harakat,
// Quranic marks, tatweel and bidi controls removed; أ إ آ ٱ -> ا, ة -> ه, ى -> ي,
// ؤ -> و, ئ -> ي, ء dropped; Persian/Urdu look-alikes ک ی ھ -> ك ي ه; ڭ -> گ. Runs of
// separators become one space; non-Arabic characters are kept. With kKeep, ى stays ى:
// the name tokenizer needs it to know that "مصطفى" ends in an open vowel.
enum class AlefMaqsura : unsigned char { kToYeh, kKeep };
std::string normalize_arabic(std::string_view utf8, AlefMaqsura alef_maqsura = AlefMaqsura::kToYeh);

// Latin text folded for comparison: NFKC, Unicode case folding, accents stripped
// ("Aïcha" -> "aicha", "ÉL-ALAOUI" -> "el alaoui"). Only a-z survive; every other
// character (space, hyphen, apostrophe, digit, Arabic letter) becomes a single space.
std::string fold_latin(std::string_view utf8);

// Phonetic key of one folded Latin word (a-z only), removing the spellings French-style
// transliteration allows for one Arabic sound: ch/sh -> c, kh -> x, gh -> g, dj -> j,
// th -> t, dh -> d, ph -> f, q -> k, c -> s before e/i/y else k, g -> j before e/i,
// o/ou/w -> u, y -> i, e -> a (the schwa of Mohamed/Mohamad), a final silent e and a
// final h after a vowel dropped, doubled letters collapsed.
// "Youssef" -> "iusaf", "Mohammed" -> "muhamad", "Aicha"/"Aisha" -> "aica".
std::string latin_phonetic(std::string_view folded_word);

// Consonant skeleton of a phonetic key: vowels (a i u) dropped, adjacent repeats
// collapsed, and a final open vowel 'a' kept as a marker so that Karim/Karima and
// Amine/Amina stay apart ("fatima" -> "ftma", "muhamad" -> "mhmd").
std::string skeleton_of_phonetic(std::string_view phonetic);

// Skeleton of one Latin word (any case, accents allowed): fold, phonetic, skeleton.
std::string latin_skeleton(std::string_view utf8_word);

// Skeleton of one Arabic word in the same key space as latin_skeleton(): the word is
// normalised, transliterated with ICU's Arabic-Latin transform (a per-thread clone of
// one prototype, since ICU transliterators are not thread-safe), then mapped with the
// same rules, the final ة/ه/ا/ى read as the open vowel marker. "محمد" -> "mhmd",
// "فاطمة" -> "ftma", "مصطفى" -> "mstfa". Results are memoised per thread.
std::string arabic_skeleton(std::string_view utf8_word);

// The phonetic key behind arabic_skeleton(): the romanised consonants plus the long
// vowels Arabic writes (ا -> a, و -> u, ي -> i), e.g. "حسين" -> "hsin". Across scripts
// these vowels tell Hassan from Houssine where the skeletons ("hsn") agree.
std::string arabic_phonetic(std::string_view utf8_word);

}  // namespace jisr::match

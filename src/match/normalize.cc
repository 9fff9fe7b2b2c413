// src/match/normalize.cc
#include "match/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "match/utf8.h"

namespace jisr::match {

namespace {

bool is_arabic_block(char32_t cp) {
  return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
         (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF);
}

bool is_separator(char32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '-':
    case '_':
    case '.':
    case ',':
    case '\'':
    case '`':
    case '/':
    case '(':
    case ')':
    case '"':
    case ';':
    case ':':
    case 0x00A0:
    case 0x060C /* ، */:
    case 0x2018:
    case 0x2019:
    case 0x02BC:
    case 0x2010:
    case 0x2011:
    case 0x2013:
    case 0x2014:
    case 0x00B4:
      return true;
    default:
      return false;
  }
}

// Characters that carry no letter: harakat, Quranic annotation, tatweel, bidi controls.
bool is_arabic_noise(char32_t cp) {
  return (cp >= 0x0610 && cp <= 0x061A) || (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 ||
         (cp >= 0x06D6 && cp <= 0x06ED) || cp == 0x0640 || cp == 0x061C ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

const icu::Normalizer2& nfkc() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* instance = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normalizer unavailable");
  return *instance;
}

const icu::Normalizer2& nfd() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* instance = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFD normalizer unavailable");
  return *instance;
}

// NFKC only when it can change something we care about: presentation forms and
// compatibility characters live at U+FB00 and above. Plain Arabic letters (U+06xx) are
// already in NFKC, and running ICU on every name would dominate batch time.
std::u32string nfkc_if_needed(std::string_view utf8) {
  std::u32string code_points = decode_utf8(utf8);
  bool needs = false;
  for (char32_t cp : code_points) needs = needs || cp >= 0xFB00 || (cp >= 0x0653 && cp <= 0x0655);
  if (!needs) return code_points;
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString normalized =
      nfkc().normalize(icu::UnicodeString::fromUTF8(
                           icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size()))),
                       status);
  if (U_FAILURE(status)) return code_points;
  std::string out;
  normalized.toUTF8String(out);
  return decode_utf8(out);
}

// One code point of canonical Arabic; 0 means "drop it".
char32_t fold_arabic_letter(char32_t cp, AlefMaqsura alef_maqsura) {
  switch (cp) {
    case 0x0622:
    case 0x0623:
    case 0x0625:
    case 0x0671:
    case 0x0672:
    case 0x0673:
      return 0x0627;  // alef with hamza or madda, wasla -> bare alef
    case 0x0629:
    case 0x06C3:
    case 0x06BE:
    case 0x06C1:
      return 0x0647;  // ta marbuta and Urdu heh forms -> heh
    case 0x0649:
      return alef_maqsura == AlefMaqsura::kKeep ? 0x0649 : 0x064A;
    case 0x0624:
      return 0x0648;  // waw with hamza
    case 0x0626:
    case 0x06CC:
    case 0x06D0:
    case 0x06D2:
      return 0x064A;  // yeh with hamza, Persian/Urdu yeh
    case 0x0621:
      return 0;  // lone hamza: not written in Latin, often omitted in Arabic
    case 0x06A9:
    case 0x06AA:
      return 0x0643;  // Persian keheh -> kaf
    case 0x06AD:
    case 0x06AB:
    case 0x0762:
    case 0x08B4:
      return 0x06AF;  // Moroccan gaf (ڭ) and variants -> gaf (گ)
    case 0x06A4:
    case 0x06A5:
      return 0x0641;  // veh (Moroccan v) -> feh
    default:
      return cp;
  }
}

std::u32string fold_arabic_code_points(std::u32string_view in, AlefMaqsura alef_maqsura) {
  std::u32string out;
  out.reserve(in.size());
  for (char32_t cp : in) {
    if (is_arabic_noise(cp)) continue;
    if (is_separator(cp) || u_isspace(static_cast<UChar32>(cp))) {
      if (!out.empty() && out.back() != U' ') out.push_back(U' ');
      continue;
    }
    const char32_t folded = fold_arabic_letter(cp, alef_maqsura);
    if (folded != 0) out.push_back(folded);
  }
  while (!out.empty() && out.back() == U' ') out.pop_back();
  return out;
}

bool is_vowel(char c) {
  return c == 'a' || c == 'i' || c == 'u' || c == 'e' || c == 'o';
}

void push_collapsed(std::string& out, char c) {
  if (out.empty() || out.back() != c) out.push_back(c);
}

// Latin letters that NFD does not decompose.
const char* special_latin(char32_t cp) {
  switch (cp) {
    case 0x00DF:
      return "ss";
    case 0x00E6:
      return "ae";
    case 0x0153:
      return "oe";
    case 0x00F8:
      return "o";
    case 0x0111:
      return "d";
    case 0x0142:
      return "l";
    case 0x0131:
      return "i";
    case 0x00F0:
      return "d";
    case 0x00FE:
      return "th";
    default:
      return nullptr;
  }
}

// The Arabic-Latin transliterator prototype. ICU transliterators are not thread-safe:
// each thread transliterates with its own clone (see thread_transliterator()).
const icu::Transliterator& transliterator_prototype() {
  static const std::unique_ptr<icu::Transliterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> created(
        icu::Transliterator::createInstance("Arabic-Latin", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !created) {
      throw std::runtime_error("ICU Arabic-Latin transliterator unavailable");
    }
    return created;
  }();
  return *prototype;
}

icu::Transliterator& thread_transliterator() {
  thread_local const std::unique_ptr<icu::Transliterator> clone(transliterator_prototype().clone());
  return *clone;
}

// Romanises canonical Arabic (ى already read as ا) with ICU, then maps the scholarly
// romanisation onto the phonetic alphabet of latin_phonetic(): ICU writes the letters
// that French spelling writes as digraphs with a macron below the h (sẖ ش, kẖ خ, gẖ غ,
// tẖ ث, dẖ ذ), emphatic letters with a dot below (ḥ ṣ ḍ ṭ ẓ), ʿ for ع and ʾ for hamza.
std::string romanize_arabic(std::u32string_view folded_word) {
  icu::UnicodeString text;
  for (char32_t cp : folded_word) text.append(static_cast<UChar32>(cp));
  thread_transliterator().transliterate(text);
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString decomposed = nfd().normalize(text, status);
  if (U_FAILURE(status)) return {};
  std::string ascii;
  for (int32_t i = 0; i < decomposed.length(); ++i) {
    const UChar c = decomposed.charAt(i);
    if (c == 0x0331 && !ascii.empty() && ascii.back() == 'h') {
      ascii.back() = 'H';  // digraph marker: the h of sẖ, kẖ, gẖ, tẖ, dẖ
    } else if (c < 0x80 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      ascii.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
    // Everything else — combining marks, ʿ, ʾ, digits — carries no consonant.
  }
  std::string phonetic;
  for (std::size_t i = 0; i < ascii.size(); ++i) {
    const char c = ascii[i];
    const char next = i + 1 < ascii.size() ? ascii[i + 1] : '\0';
    if (next == 'H') {
      switch (c) {
        case 's':
          phonetic.push_back('c');
          break;
        case 'k':
          phonetic.push_back('x');
          break;
        case 'g':
          phonetic.push_back('g');
          break;
        case 't':
          phonetic.push_back('t');
          break;
        case 'd':
          phonetic.push_back('d');
          break;
        default:
          phonetic.push_back(c);
          phonetic.push_back('h');
          break;
      }
      ++i;
      continue;
    }
    switch (c) {
      case 'H':
        phonetic.push_back('h');
        break;
      case 'q':
        phonetic.push_back('k');
        break;
      case 'w':
        phonetic.push_back('u');
        break;
      case 'y':
        phonetic.push_back('i');
        break;
      case 'p':
        phonetic.push_back('b');
        break;
      case 'v':
        phonetic.push_back('f');
        break;
      default:
        phonetic.push_back(c);
        break;
    }
  }
  // A final ه (ta marbuta or heh) is heard as the open vowel of Fatima/Abdellah.
  if (phonetic.size() > 1 && phonetic.back() == 'h') phonetic.back() = 'a';
  return phonetic;
}

}  // namespace

Script detect_script(std::string_view utf8) {
  bool latin = false;
  for (char32_t cp : decode_utf8(utf8)) {
    if (is_arabic_block(cp) && u_isalpha(static_cast<UChar32>(cp))) return Script::kArabic;
    if ((cp < 0x80 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) ||
        (cp >= 0x00C0 && cp <= 0x024F && cp != 0x00D7 && cp != 0x00F7)) {
      latin = true;
    }
  }
  return latin ? Script::kLatin : Script::kNone;
}

std::string normalize_arabic(std::string_view utf8, AlefMaqsura alef_maqsura) {
  return encode_utf8(fold_arabic_code_points(nfkc_if_needed(utf8), alef_maqsura));
}

std::string fold_latin(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  auto add_space = [&out] {
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
  };
  bool ascii = true;
  for (char c : utf8) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    for (char c : utf8) {
      const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      if (lower >= 'a' && lower <= 'z') {
        out.push_back(lower);
      } else {
        add_space();
      }
    }
  } else {
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString text = nfkc().normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                                   utf8.data(), static_cast<int32_t>(utf8.size()))),
                                               status);
    text.foldCase();
    const icu::UnicodeString decomposed = nfd().normalize(text, status);
    if (U_FAILURE(status)) return {};
    for (int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
      const UChar32 cp = decomposed.char32At(i);
      if (cp >= 'a' && cp <= 'z') {
        out.push_back(static_cast<char>(cp));
      } else if (u_getCombiningClass(cp) != 0 || u_charType(cp) == U_NON_SPACING_MARK) {
        continue;  // accent of the previous letter
      } else if (const char* replacement = special_latin(static_cast<char32_t>(cp))) {
        out += replacement;
      } else {
        add_space();
      }
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string latin_phonetic(std::string_view w) {
  std::string mapped;
  mapped.reserve(w.size());
  const std::size_t n = w.size();
  auto at = [&](std::size_t i) { return i < n ? w[i] : '\0'; };
  auto front_vowel = [](char c) { return c == 'e' || c == 'i' || c == 'y'; };
  for (std::size_t i = 0; i < n; ++i) {
    const char c = w[i];
    const char next = at(i + 1);
    switch (c) {
      case 'c':
        if (next == 'h') {
          mapped.push_back('c');
          ++i;
        } else if (next == 'k') {
          // "ck": the k that follows carries the sound.
        } else {
          mapped.push_back(front_vowel(next) ? 's' : 'k');
        }
        break;
      case 's':
        if (next == 'h') {
          mapped.push_back('c');
          ++i;
        } else {
          mapped.push_back('s');
        }
        break;
      case 'k':
        if (next == 'h') {
          mapped.push_back('x');
          ++i;
        } else {
          mapped.push_back('k');
        }
        break;
      case 'g':
        if (next == 'h') {
          mapped.push_back('g');
          ++i;
        } else if (next == 'u' && (at(i + 2) == 'e' || at(i + 2) == 'i')) {
          mapped.push_back('g');  // "Guennoun": gu keeps the g hard
          ++i;
        } else {
          mapped.push_back(next == 'e' || next == 'i' ? 'j' : 'g');  // "Gilali" = Jilali
        }
        break;
      case 'd':
        if (next == 'j' || next == 'h') {
          mapped.push_back(next == 'j' ? 'j' : 'd');
          ++i;
        } else {
          mapped.push_back('d');
        }
        break;
      case 't':
        if (next == 'h') ++i;
        mapped.push_back('t');
        break;
      case 'p':
        if (next == 'h') ++i;
        mapped.push_back(next == 'h' ? 'f' : 'b');
        break;
      case 'q':
        mapped.push_back('k');
        break;
      case 'v':
        mapped.push_back('f');
        break;
      case 'w':
      case 'o':
        mapped.push_back('u');
        break;
      case 'y':
        mapped.push_back('i');
        break;
      case 'e':
        // French silent final e ("Amine", "Houssine"); "ae"/"ee" end in a vowel anyway.
        if (i + 1 == n && n > 2) break;
        mapped.push_back('a');
        break;
      default:
        if (c >= 'a' && c <= 'z') mapped.push_back(c);
        break;
    }
  }
  std::string out;
  out.reserve(mapped.size());
  for (char c : mapped) push_collapsed(out, c);
  // "Fatimah", "Abdellah": a final h after a vowel is not a consonant in these spellings.
  if (out.size() > 2 && out.back() == 'h' && is_vowel(out[out.size() - 2])) out.pop_back();
  return out;
}

std::string skeleton_of_phonetic(std::string_view phonetic) {
  std::string out;
  out.reserve(phonetic.size());
  for (char c : phonetic) {
    if (!is_vowel(c)) push_collapsed(out, c);
  }
  if (!phonetic.empty() && phonetic.back() == 'a') out.push_back('a');
  return out;
}

std::string latin_skeleton(std::string_view utf8_word) {
  const std::string folded = fold_latin(utf8_word);
  // A caller may pass "El-Alaoui": treat the words as one run of letters.
  std::string letters;
  for (char c : folded) {
    if (c != ' ') letters.push_back(c);
  }
  return skeleton_of_phonetic(latin_phonetic(letters));
}

std::string arabic_phonetic(std::string_view utf8_word) {
  thread_local std::unordered_map<std::string, std::string> memo;
  if (auto found = memo.find(std::string(utf8_word)); found != memo.end()) return found->second;
  std::u32string folded = fold_arabic_code_points(nfkc_if_needed(utf8_word), AlefMaqsura::kKeep);
  std::u32string letters;
  for (char32_t cp : folded) {
    if (cp == U' ') continue;
    letters.push_back(cp == 0x0649 ? 0x0627 : cp);  // ى is pronounced as a long a
  }
  std::string phonetic = romanize_arabic(letters);
  if (memo.size() > 200000) memo.clear();  // bound the memory of a long batch
  memo.emplace(std::string(utf8_word), phonetic);
  return phonetic;
}

std::string arabic_skeleton(std::string_view utf8_word) {
  return skeleton_of_phonetic(arabic_phonetic(utf8_word));
}

}  // namespace jisr::match

// src/match/normalize_test.cc
#include "match/normalize.h"

#include <gtest/gtest.h>

#include <thread>
#include <utility>

#include "match/name_form.h"
#include "match/name_similarity.h"

namespace jisr::match {
namespace {

TEST(DetectScript, FindsArabicLatinOrNothing) {
  EXPECT_EQ(detect_script("محمد"), Script::kArabic);
  EXPECT_EQ(detect_script("Mohamed"), Script::kLatin);
  EXPECT_EQ(detect_script("Aïcha"), Script::kLatin);
  EXPECT_EQ(detect_script("ﻣﺤﻤﺪ"), Script::kArabic);  // presentation forms
  EXPECT_EQ(detect_script("123 -"), Script::kNone);
  EXPECT_EQ(detect_script(""), Script::kNone);
}

TEST(NormalizeArabic, RemovesMarksAndUnifiesLetters) {
  EXPECT_EQ(normalize_arabic("مُحَمَّد"), "محمد");     // harakat and shadda
  EXPECT_EQ(normalize_arabic("مـحـمـد"), "محمد");  // tatweel
  EXPECT_EQ(normalize_arabic("أحمد إدريس آمنة ٱلله"), "احمد ادريس امنه الله");
  EXPECT_EQ(normalize_arabic("فاطمة"), "فاطمه");  // ta marbuta
  EXPECT_EQ(normalize_arabic("مصطفى"), "مصطفي");  // alef maqsura
  EXPECT_EQ(normalize_arabic("مصطفى", AlefMaqsura::kKeep), "مصطفى");
  EXPECT_EQ(normalize_arabic("فؤاد"), "فواد");    // hamza on waw
  EXPECT_EQ(normalize_arabic("عائشة"), "عايشه");  // hamza on yeh
  EXPECT_EQ(normalize_arabic("أسماء"), "اسما");   // lone hamza dropped
  EXPECT_EQ(normalize_arabic("ﻣﺤﻤﺪ"), "محمد");    // NFKC of presentation forms
  EXPECT_EQ(normalize_arabic("کریم"), "كريم");    // Persian kaf and yeh
  EXPECT_EQ(normalize_arabic("  محمد -  العلوي "), "محمد العلوي");
}

TEST(FoldLatin, CaseAccentsAndSeparators) {
  EXPECT_EQ(fold_latin("Aïcha"), "aicha");
  EXPECT_EQ(fold_latin("ÉL-ALAOUI"), "el alaoui");
  EXPECT_EQ(fold_latin("L'Houssaine"), "l houssaine");
  EXPECT_EQ(fold_latin("Saâd  Çaïd"), "saad caid");
  EXPECT_EQ(fold_latin("Straße"), "strasse");
}

TEST(LatinPhonetic, ErasesFrenchSpellingVariants) {
  EXPECT_EQ(latin_phonetic("mohammed"), "muhamad");
  EXPECT_EQ(latin_phonetic("muhammad"), "muhamad");
  EXPECT_EQ(latin_phonetic("youssef"), "iusaf");
  EXPECT_EQ(latin_phonetic("khadidja"), latin_phonetic("khadija"));
  EXPECT_EQ(latin_phonetic("aicha"), latin_phonetic("aisha"));
  EXPECT_EQ(latin_phonetic("fatimah"), "fatima");
  EXPECT_EQ(latin_phonetic("kacimi"), "kasimi");  // c before i is s
  EXPECT_EQ(latin_phonetic("chaimae"), latin_phonetic("chaimaa"));
  EXPECT_NE(latin_phonetic("karim"), latin_phonetic("karima"));
}

TEST(Skeleton, BothScriptsMeetInOneKeySpace) {
  struct Case {
    const char* arabic;
    std::vector<const char*> latin;
    const char* skeleton;
  };
  const std::vector<Case> cases = {
      {"محمد", {"Mohamed", "Mohammed", "Mohamad", "Muhammad", "Mhamed", "Mhammed"}, "mhmd"},
      {"يوسف", {"Youssef", "Yousef", "Youssouf", "Yusuf"}, "sf"},
      {"خديجة", {"Khadija", "Khadidja"}, "xdja"},
      {"عائشة", {"Aicha", "Aïcha", "Aisha"}, "ca"},
      {"بشرى", {"Bouchra", "Bushra"}, "bcra"},
      {"سكينة", {"Sakina", "Soukaina"}, "skna"},
      {"مصطفى", {"Mustapha", "Mostafa", "Moustafa"}, "mstfa"},
      {"شيماء", {"Chaimae", "Chaymae", "Chaimaa"}, "cma"},
      {"غيثة", {"Ghita"}, "gta"},
      {"ﻣﺤﻤﺪ", {}, "mhmd"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(arabic_skeleton(c.arabic), c.skeleton) << c.arabic;
    for (const char* latin : c.latin) EXPECT_EQ(latin_skeleton(latin), c.skeleton) << latin;
  }
  EXPECT_NE(latin_skeleton("Karim"), latin_skeleton("Karima"));
  EXPECT_NE(latin_skeleton("Amine"), latin_skeleton("Amina"));
  EXPECT_NE(arabic_skeleton("كريم"), arabic_skeleton("كريمة"));
}

TEST(AnalyzeName, ParticlesStayAsTokens) {
  const NameForm alaoui = analyze_name("العلوي");
  ASSERT_EQ(alaoui.tokens.size(), 2u);
  EXPECT_TRUE(alaoui.tokens[0].particle);  // ال
  EXPECT_FALSE(alaoui.tokens[1].particle);
  const NameForm ez_zaki = analyze_name("Ez-Zaki");
  ASSERT_EQ(ez_zaki.tokens.size(), 2u);
  EXPECT_TRUE(ez_zaki.tokens[0].particle);
  EXPECT_EQ(ez_zaki.tokens[1].skeleton, "zk");
  const NameForm houssaine = analyze_name("L'Houssaine");
  ASSERT_EQ(houssaine.tokens.size(), 2u);
  EXPECT_TRUE(houssaine.tokens[0].particle);
  const NameForm ait_ali = analyze_name("Aït-Ali");
  ASSERT_EQ(ait_ali.tokens.size(), 2u);
  EXPECT_TRUE(ait_ali.tokens[0].particle);
  EXPECT_EQ(ait_ali.core_size(), 1u);
}

TEST(AnalyzeName, MistypedArticlesAndLoneLettersAreParticles) {
  // A one-letter word, or two letters beginning with a vowel (doubled letters read once),
  // cannot be the core of a Moroccan name: it is an article typed wrong or an initial.
  for (const char* name : {"Eb-Soussi", "Enn-Naimi", "Ek Bouanani", "E Idrissi", "M. Alaoui",
                           "Id Belkacem", "Ag Ahmed"}) {
    const NameForm form = analyze_name(name);
    ASSERT_EQ(form.tokens.size(), 2u) << name;
    EXPECT_TRUE(form.tokens[0].particle) << name;
    EXPECT_FALSE(form.tokens[1].particle) << name;
    EXPECT_EQ(form.core_size(), 1u) << name;
  }
  for (const char* name : {"Ali", "Aya", "Ines", "Omar", "Ya", "Bo"}) {
    const NameForm form = analyze_name(name);
    ASSERT_EQ(form.tokens.size(), 1u) << name;
    EXPECT_FALSE(form.tokens[0].particle) << name;
  }
  // The word keeps its place in the glued keys: "Eb-Soussi" still meets "Ebsoussi".
  EXPECT_FALSE(analyze_name("Eb-Soussi").joined.empty());
}

TEST(AnalyzeName, NamesBeginningWithAlefLamAreNotSplit) {
  // إلياس is Ilyas, not the article + "yas": one token, with the skeleton of its Latin
  // spellings, while الياسمي (al-Yasmi) keeps its article.
  for (const char* name : {"إلياس", "الياس", "إلهام", "الهام"}) {
    const NameForm form = analyze_name(name);
    ASSERT_EQ(form.tokens.size(), 1u) << name;
    EXPECT_FALSE(form.tokens[0].particle) << name;
  }
  EXPECT_EQ(analyze_name("إلياس").tokens[0].skeleton, analyze_name("Ilyas").tokens[0].skeleton);
  EXPECT_EQ(analyze_name("إلهام").tokens[0].skeleton, analyze_name("Ilham").tokens[0].skeleton);
  EXPECT_EQ(analyze_name("الياسمي").tokens.size(), 2u);
}

TEST(AnalyzeName, TheophoricCompoundsAreOneToken) {
  EXPECT_EQ(analyze_name("عبد الرحيم").tokens.size(), 1u);
  EXPECT_EQ(analyze_name("Abd El Aziz").tokens.size(), 1u);
  EXPECT_EQ(analyze_name("Abdel Ilah").tokens.size(), 1u);
}

TEST(AnalyzeName, NoLettersGiveAnEmptyForm) {
  EXPECT_TRUE(analyze_name("").empty());
  EXPECT_TRUE(analyze_name(" - 12 ").empty());
}

double name_similarity(const char* a, const char* b) {
  return compare_name_forms(analyze_name(a), analyze_name(b)).full;
}

// Real Moroccan spelling variants of one name: all must agree at the "high" level or
// better (0.88, the level threshold in similarity.cc).
TEST(NameMatching, VariantsOfOneNameMatch) {
  const std::vector<std::pair<const char*, const char*>> same = {{"محمد", "Mohamed"},
                                                                 {"محمد", "Mohammed"},
                                                                 {"محمد", "Muhammad"},
                                                                 {"محمد", "Mhammed"},
                                                                 {"Mohamed", "Mohammed"},
                                                                 {"Mohamed", "Muhammad"},
                                                                 {"Mohamed", "Mhamed"},
                                                                 {"يوسف", "Youssef"},
                                                                 {"Youssef", "Yousef"},
                                                                 {"Youssef", "Youssouf"},
                                                                 {"خديجة", "Khadija"},
                                                                 {"Khadija", "Khadidja"},
                                                                 {"عائشة", "Aicha"},
                                                                 {"Aicha", "Aïcha"},
                                                                 {"Aicha", "Aisha"},
                                                                 {"فاطمة الزهراء", "Fatima Zahra"},
                                                                 {"Fatima Zahra", "Fatimazahra"},
                                                                 {"Fatima Zahra", "Fatima-Zahra"},
                                                                 {"Fatima Zahra", "Fatima-Ezzahra"},
                                                                 {"فاطمة الزهراء", "Fatimazahra"},
                                                                 {"عبد الله", "عبدالله"},
                                                                 {"عبد الله", "Abdellah"},
                                                                 {"Abdellah", "Abdallah"},
                                                                 {"Abdellah", "Abd Allah"},
                                                                 {"عبد الرحيم", "Abderrahim"},
                                                                 {"Abderrahim", "Abdelrahim"},
                                                                 {"عبد الرحيم", "Abdelrahim"},
                                                                 {"الحسين", "El Houssine"},
                                                                 {"الحسن", "Lahcen"},
                                                                 {"بشرى", "Bouchra"},
                                                                 {"سكينة", "Sakina"},
                                                                 {"سكينة", "Soukaina"},
                                                                 {"أيوب", "Ayoub"},
                                                                 {"الإدريسي", "Idrissi"},
                                                                 {"الإدريسي", "El Idrissi"},
                                                                 {"Idrissi", "Drissi"},
                                                                 {"بنعلي", "Benali"},
                                                                 {"بنعلي", "Ben Ali"},
                                                                 {"Benali", "Ben Ali"},
                                                                 {"آيت علي", "Ait Ali"},
                                                                 {"Ait Ali", "Aït-Ali"},
                                                                 {"العلوي", "Alaoui"},
                                                                 {"العلوي", "El Alaoui"},
                                                                 {"Alaoui", "El Alaoui"},
                                                                 {"Elalaoui", "El Alaoui"},
                                                                 {"الزاكي", "Ez-Zaki"},
                                                                 {"Ez-Zaki", "Ezzaki"},
                                                                 {"الزاكي", "Ezzaki"},
                                                                 {"الرحماني", "Errahmani"},
                                                                 {"الشرايبي", "Echchraibi"},
                                                                 {"الخياطي", "Elkhayati"},
                                                                 {"Elkhayati", "Khayati"},
                                                                 {"إلياس", "Ilyas"},
                                                                 {"مصطفى", "Mustapha"},
                                                                 {"Mustapha", "Mostafa"},
                                                                 {"Meryem", "Mariam"},
                                                                 {"ليلى", "Leila"},
                                                                 {"Leila", "Layla"},
                                                                 {"شيماء", "Chaimae"},
                                                                 {"Ou Nahi", "Ounahi"},
                                                                 {"وئام", "Wiame"},
                                                                 {"L'Houssaine", "Lhoussaine"},
                                                                 {"Hasan", "Hassan"},
                                                                 {"بن عمر", "Benomar"},
                                                                 {"العطار", "Attar"},
                                                                 {"Zineb", "Zaynab"},
                                                                 {"غيثة", "Rhita"},
                                                                 {"Rhita", "Ghita"},
                                                                 {"غزلان", "Rhizlane"},
                                                                 {"الغربي", "Rharbi"},
                                                                 {"الزرهوني", "Zerhouni"}};
  for (const auto& [a, b] : same) {
    EXPECT_GE(name_similarity(a, b), 0.88) << a << " vs " << b;
    EXPECT_GE(name_similarity(b, a), 0.88) << b << " vs " << a;
  }
}

// Different names, some of them close in writing: must stay below "high".
TEST(NameMatching, DifferentNamesDoNotMatch) {
  const std::vector<std::pair<const char*, const char*>> different = {
      {"Hassan", "Hussein"}, {"Hassan", "Houssine"}, {"حسن", "حسين"},    {"حسين", "Hassan"},
      {"Said", "Saad"},      {"سعيد", "سعد"},        {"سعيد", "Saad"},   {"Karim", "Karima"},
      {"كريم", "كريمة"},     {"كريمة", "Karim"},     {"Amine", "Amina"}, {"أمين", "Amina"},
      {"Fatima", "Meryem"},  {"Mohamed", "Ahmed"},   {"محمد", "أحمد"},   {"Alaoui", "Ali"},
      {"Khadija", "Khalid"}, {"Youssef", "Yassine"}, {"Naima", "Nadia"}, {"Saida", "Said"},
      {"Jamal", "Jamila"},   {"Nabil", "Nabila"},    {"Samir", "Samira"}};
  for (const auto& [a, b] : different) {
    EXPECT_LT(name_similarity(a, b), 0.88) << a << " vs " << b;
    EXPECT_LT(name_similarity(b, a), 0.88) << b << " vs " << a;
  }
}

// The skeleton drops a consonant repeated across a vowel (Laila and Ali are both `l`); a
// name whose consonants are one letter more or less is not an exact match across scripts,
// nor does it get the "same skeleton" floor in one script.
TEST(NameMatching, ConsonantsRepeatedAcrossAVowelCount) {
  EXPECT_DOUBLE_EQ(name_similarity("Ali", "علي"), 1.0);
  EXPECT_LT(name_similarity("Laial", "علي"), 1.0);
  EXPECT_DOUBLE_EQ(name_similarity("Soussi", "السوسي"), 1.0);
  EXPECT_LT(name_similarity("Yassi", "السوسي"), 1.0);
  EXPECT_LT(name_similarity("Laial", "Ali"), 0.85);
  EXPECT_GE(name_similarity("Soussi", "Sousi"), 0.85);
}

// Arabic writes long vowels (ا و ي) and a word-initial glide (و ي); a Latin spelling that
// lacks one is a weaker match than one that has it, though the consonants agree: علوي is
// Alaoui, not Ali; يسرى is Yousra, not Saira. Short vowels, which Arabic omits, and an
// initial alef (إدريس / Driss) say nothing.
TEST(NameMatching, LongVowelsArabicWritesMustBeInTheLatin) {
  const std::vector<std::pair<const char*, const char*>> lacking = {
      {"Ali", "العلوي"}, {"Saira", "يسرى"}, {"Imna", "أمينة"}, {"Fatma", "فطيمة"}};
  for (const auto& [latin, arabic] : lacking) {
    EXPECT_LT(name_similarity(latin, arabic), 1.0) << latin << " vs " << arabic;
    EXPECT_GE(name_similarity(latin, arabic), 0.85) << latin << " vs " << arabic;
  }
  const std::vector<std::pair<const char*, const char*>> written = {
      {"Alaoui", "العلوي"}, {"Yousra", "يسرى"}, {"Amina", "أمينة"}, {"Fatima", "فاطمة"},
      {"Driss", "إدريس"},   {"Mbark", "مبارك"}, {"Ali", "علي"},     {"Wafae", "وفاء"}};
  for (const auto& [latin, arabic] : written) {
    EXPECT_DOUBLE_EQ(name_similarity(latin, arabic), 1.0) << latin << " vs " << arabic;
  }
}

TEST(NameMatching, OrderAndPartialNames) {
  const NameAgreement swapped =
      compare_name_forms(analyze_name("Zahra Fatima"), analyze_name("Fatima Zahra"));
  EXPECT_GE(swapped.full, 0.99);
  const NameAgreement partial =
      compare_name_forms(analyze_name("Fatima"), analyze_name("Fatima Zahra"));
  EXPECT_LT(partial.full, 0.88);
  EXPECT_GE(partial.partial, 0.99);
}

// Comparisons are remembered per thread by the forms' fingerprints. "ElHassan" and
// "EllHassan" have the same words but not the same glued keys (the first also reads without
// its article), so they must not share a fingerprint: else the answer for one depended on
// whether the other had been compared first — and batch dedup's on the order of its work.
TEST(NameMatching, ComparisonsDoNotDependOnWhatWasComparedBefore) {
  const NameForm with_article_dropped = analyze_name("ElHassan");
  const NameForm doubled_article = analyze_name("EllHassan");
  const NameForm other = analyze_name("Hassan");
  EXPECT_NE(with_article_dropped.fingerprint, doubled_article.fingerprint);
  const auto in_order = [&](bool doubled_first) {
    std::pair<double, double> fulls;
    std::thread fresh([&] {  // a thread of its own: an empty memo
      if (doubled_first) {
        fulls.second = compare_name_forms(doubled_article, other).full;
        fulls.first = compare_name_forms(with_article_dropped, other).full;
      } else {
        fulls.first = compare_name_forms(with_article_dropped, other).full;
        fulls.second = compare_name_forms(doubled_article, other).full;
      }
    });
    fresh.join();
    return fulls;
  };
  const auto one_way = in_order(false), other_way = in_order(true);
  EXPECT_DOUBLE_EQ(one_way.first, other_way.first);
  EXPECT_DOUBLE_EQ(one_way.second, other_way.second);
  EXPECT_NE(one_way.first, one_way.second);  // the glued keys do differ in what they match
}

}  // namespace
}  // namespace jisr::match

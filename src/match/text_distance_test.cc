// src/match/text_distance_test.cc
#include "match/text_distance.h"

#include <gtest/gtest.h>

#include <cstring>

namespace jisr::match {
namespace {

TEST(OsaDistance, CountsEditsAndTranspositions) {
  EXPECT_EQ(osa_distance("", ""), 0u);
  EXPECT_EQ(osa_distance("mhmd", ""), 4u);
  EXPECT_EQ(osa_distance("mhmd", "mhmd"), 0u);
  EXPECT_EQ(osa_distance("mhmd", "mhm"), 1u);
  EXPECT_EQ(osa_distance("krm", "krma"), 1u);
  EXPECT_EQ(osa_distance("ab", "ba"), 1u);  // transposition
  EXPECT_EQ(osa_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(osa_distance("ca", "abc"), 3u);  // OSA, not full Damerau (which says 2)
}

TEST(EditSimilarity, IsNormalisedByTheLongerKey) {
  EXPECT_DOUBLE_EQ(edit_similarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(edit_similarity("abcd", "abcd"), 1.0);
  EXPECT_DOUBLE_EQ(edit_similarity("krm", "krma"), 0.75);
  EXPECT_DOUBLE_EQ(edit_similarity("abc", "xyz"), 0.0);
}

TEST(EditSimilarity, NeverExceedsItsCeiling) {
  const char* keys[] = {"", "k", "krm", "krma", "mhmd", "mhmmd", "bnjln", "xyz", "abdlrhmn", "ab"};
  std::size_t tight = 0;
  for (const char* a : keys) {
    for (const char* b : keys) {
      const double ceiling = edit_similarity_ceiling(std::strlen(a), std::strlen(b));
      EXPECT_LE(edit_similarity(a, b), ceiling) << a << " " << b;
      tight += edit_similarity(a, b) == ceiling ? 1 : 0;
    }
  }
  EXPECT_GT(tight, 10u);  // reached by keys that only differ in length (krm, krma)
  EXPECT_DOUBLE_EQ(edit_similarity_ceiling(3, 4), 0.75);
  EXPECT_DOUBLE_EQ(edit_similarity_ceiling(2, 5), 0.4);
  EXPECT_DOUBLE_EQ(edit_similarity_ceiling(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(edit_similarity_ceiling(100, 64), 1.0);  // both cut at 64 bytes
}

TEST(JaroWinkler, MatchesReferenceValues) {
  EXPECT_NEAR(jaro_winkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(jaro_winkler("dwayne", "duane"), 0.84, 0.001);
  EXPECT_NEAR(jaro_winkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_DOUBLE_EQ(jaro_winkler("abc", ""), 0.0);
  EXPECT_DOUBLE_EQ(jaro_winkler("same", "same"), 1.0);
}

TEST(OneTypoApart, AcceptsOneSubstitutionOrSwapOnly) {
  EXPECT_TRUE(one_typo_apart("AB123456", "AB123457"));
  EXPECT_TRUE(one_typo_apart("AB123456", "AB123465"));
  EXPECT_TRUE(one_typo_apart("AB123456", "BA123456"));
  EXPECT_FALSE(one_typo_apart("AB123456", "AB123456"));  // equal is not a typo
  EXPECT_FALSE(one_typo_apart("AB123456", "AB123477"));  // two substitutions
  EXPECT_FALSE(one_typo_apart("AB123456", "AB12345"));   // length differs
  EXPECT_FALSE(one_typo_apart("AB123456", "AB125634"));
}

}  // namespace
}  // namespace jisr::match

// src/match/similarity.h
//
// Fellegi–Sunter comparison of two person records. Each field is compared to an
// agreement level; each level carries a log-likelihood weight ln(m/u), where m is the
// probability of that level among true matches and u among non-matches. The sum of the
// weights (plus prior log-odds) goes through a logistic function to give a score in
// [0,1] that reads as "probability that the two records are the same person". The m/u
// values are estimated from data (em_estimator.h); docs/matching.md records them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "match/person_record.h"

namespace jisr::match {

enum Field : int {
  kFirstName,
  kLastName,
  kBirthDate,
  kSex,
  kCin,
  kProvince,
  kFatherName,
  kFieldCount
};

// Agreement levels, best first. kMissing (-1) means the field is absent on one side and
// contributes nothing.
inline constexpr std::int8_t kMissing = -1;
enum NameLevel : std::int8_t {
  kNameExact,
  kNameHigh,
  kNamePartial,
  kNameMedium,
  kNameNone,
  kNameLevels
};
enum DateLevel : std::int8_t {
  kDateExact,
  kDateTransposed,
  kDateYear,
  kDateNear,
  kDateNone,
  kDateLevels
};
enum BinaryLevel : std::int8_t { kAgree, kDisagree, kBinaryLevels };
enum CinLevel : std::int8_t { kCinExact, kCinTypo, kCinNone, kCinLevels };
enum FatherLevel : std::int8_t {
  kFatherExact,
  kFatherHigh,
  kFatherMedium,
  kFatherNone,
  kFatherLevels
};

// Number of agreement levels of each field.
inline constexpr std::array<int, kFieldCount> kLevelCount = {
    kNameLevels, kNameLevels, kDateLevels, kBinaryLevels, kCinLevels, kBinaryLevels, kFatherLevels};

struct Comparison {
  std::array<std::int8_t, kFieldCount> level{};
  // True when the best name agreement pairs a given name with a family name.
  bool names_swapped = false;
};

// Compares two prepared records field by field. Names are compared both straight and
// with given/family names swapped, keeping the orientation that agrees better. Birth
// dates respect precision: two exact dates agree (kDateExact), have day and month
// swapped (kDateTransposed) or disagree; a year-only date agrees with any date of that
// year (kDateYear); an estimated year agrees loosely with dates up to two years away
// (kDateNear).
Comparison compare(const PreparedRecord& a, const PreparedRecord& b);

// m and u probabilities per field and level, and the prior log-odds of a match.
struct MatchWeights {
  std::array<std::vector<double>, kFieldCount> m, u;
  double prior_log_odds = 0;

  // ln(m/u) of `level` for `field`; 0 for kMissing.
  double weight(int field, int level) const;
};

// The weights estimated on the development data and documented in docs/matching.md.
const MatchWeights& default_weights();

// Sum of the field weights of `comparison`, except that an agreeing birth date counts
// for nothing when the given names disagree outright and no identity card agrees (twins;
// see docs/matching.md).
double log_likelihood_ratio(const Comparison& comparison, const MatchWeights& weights);

// logistic(prior_log_odds + log_likelihood_ratio): the match probability in [0,1].
double match_probability(const Comparison& comparison, const MatchWeights& weights);

// Score of two records in [0,1] with the default weights.
double score(const PreparedRecord& a, const PreparedRecord& b);
double score(const PersonRecord& a, const PersonRecord& b);

}  // namespace jisr::match

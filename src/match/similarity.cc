// src/match/similarity.cc
#include "match/similarity.h"

#include <cmath>
#include <cstdlib>

#include "match/name_similarity.h"
#include "match/text_distance.h"

namespace jisr::match {

namespace {

constexpr double kExactAt = 0.99;
constexpr double kHighAt = 0.88;
constexpr double kMediumAt = 0.70;

std::int8_t name_level(const NameAgreement& agreement, bool present) {
  if (!present) return kMissing;
  if (agreement.full >= kExactAt) return kNameExact;
  if (agreement.full >= kHighAt) return kNameHigh;
  if (agreement.partial >= kHighAt) return kNamePartial;
  if (agreement.full >= kMediumAt) return kNameMedium;
  return kNameNone;
}

std::int8_t date_level(const BirthDate& a, const BirthDate& b) {
  if (a.precision == DatePrecision::kNone || b.precision == DatePrecision::kNone) return kMissing;
  const int years_apart = std::abs(a.year - b.year);
  if (a.precision == DatePrecision::kExact && b.precision == DatePrecision::kExact) {
    if (years_apart != 0) return kDateNone;
    if (a.month == b.month && a.day == b.day) return kDateExact;
    // Day and month swapped while typing: 1999-07-04 for 1999-04-07.
    if (a.month == b.day && a.day == b.month) return kDateTransposed;
    return kDateNone;
  }
  const bool estimated =
      a.precision == DatePrecision::kEstimated || b.precision == DatePrecision::kEstimated;
  if (years_apart == 0) return kDateYear;
  if (estimated && years_apart <= 2) return kDateNear;
  return kDateNone;
}

std::int8_t binary_level(bool present, bool agree) {
  if (!present) return kMissing;
  return agree ? kAgree : kDisagree;
}

struct NameFields {
  std::array<const NameForm*, 2> first, last;
  bool has_first() const { return !first[0]->empty() || !first[1]->empty(); }
  bool has_last() const { return !last[0]->empty() || !last[1]->empty(); }
};

NameFields names_of(const PreparedRecord& r) {
  return {{&r.first_arabic, &r.first_latin}, {&r.last_arabic, &r.last_latin}};
}

}  // namespace

Comparison compare(const PreparedRecord& a, const PreparedRecord& b) {
  Comparison comparison;
  const NameFields na = names_of(a), nb = names_of(b);
  NameAgreement first = compare_name_field(na.first, nb.first);
  NameAgreement last = compare_name_field(na.last, nb.last);
  bool first_present = na.has_first() && nb.has_first();
  bool last_present = na.has_last() && nb.has_last();
  // Swapped given and family names: adopt the swap only when it is clearly better, so a
  // "Hassan Hassani" pair is not read upside down.
  // (Skipped when the straight reading already agrees well: it cannot gain 0.3.)
  const bool try_swap = first.full + last.full < 1.7;
  const NameAgreement first_swapped =
      try_swap ? compare_name_field(na.first, nb.last) : NameAgreement{};
  const NameAgreement last_swapped =
      try_swap ? compare_name_field(na.last, nb.first) : NameAgreement{};
  if (try_swap && first_swapped.full + last_swapped.full > first.full + last.full + 0.3) {
    first = first_swapped;
    last = last_swapped;
    first_present = na.has_first() && nb.has_last();
    last_present = na.has_last() && nb.has_first();
    comparison.names_swapped = true;
  }
  comparison.level[kFirstName] = name_level(first, first_present);
  comparison.level[kLastName] = name_level(last, last_present);
  comparison.level[kBirthDate] = date_level(a.birth, b.birth);
  comparison.level[kSex] =
      binary_level(a.sex != Sex::kUnknown && b.sex != Sex::kUnknown, a.sex == b.sex);
  if (a.cin.empty() || b.cin.empty()) {
    comparison.level[kCin] = kMissing;
  } else {
    comparison.level[kCin] = a.cin == b.cin                 ? kCinExact
                             : one_typo_apart(a.cin, b.cin) ? kCinTypo
                                                            : kCinNone;
  }
  comparison.level[kProvince] =
      binary_level(!a.province.empty() && !b.province.empty(), a.province == b.province);
  if (a.father.empty() || b.father.empty()) {
    comparison.level[kFatherName] = kMissing;
  } else {
    const NameAgreement father = compare_name_forms(a.father, b.father);
    comparison.level[kFatherName] = father.full >= kExactAt  ? kFatherExact
                                    : father.full >= kHighAt ? kFatherHigh
                                    : father.partial >= kHighAt || father.full >= kMediumAt
                                        ? kFatherMedium
                                        : kFatherNone;
  }
  return comparison;
}

double MatchWeights::weight(int field, int level) const {
  if (level < 0) return 0.0;
  const auto index = static_cast<std::size_t>(level);
  return std::log(m[static_cast<std::size_t>(field)][index] /
                  u[static_cast<std::size_t>(field)][index]);
}

double log_likelihood_ratio(const Comparison& comparison, const MatchWeights& weights) {
  double total = 0;
  for (int field = 0; field < kFieldCount; ++field) {
    total += weights.weight(field, comparison.level[static_cast<std::size_t>(field)]);
  }
  // Twins break the independence assumption: they share family name, father, province
  // and birth date, and only the given name tells them apart. So when given names
  // clearly differ, an agreeing birth date is no evidence of a match (an identity card
  // still is).
  const std::int8_t first = comparison.level[kFirstName];
  const std::int8_t date = comparison.level[kBirthDate];
  if (first == kNameNone && comparison.level[kCin] != kCinExact && date >= 0) {
    total -= std::max(0.0, weights.weight(kBirthDate, date));
  } else if (comparison.level[kLastName] == kNameNone && comparison.level[kCin] != kCinExact &&
             date >= 0) {
    // The same for unrelated namesakes: the birth date's u was estimated on candidate pairs
    // whose names already look alike, but at national scale a common given name (Youssef,
    // Fatima) is shared by several children born the same day in the same province. When
    // the family names clearly differ, the date alone must not make them one person.
    total -= std::max(0.0, weights.weight(kBirthDate, date));
  }
  return total;
}

double match_probability(const Comparison& comparison, const MatchWeights& weights) {
  const double log_odds = weights.prior_log_odds + log_likelihood_ratio(comparison, weights);
  return 1.0 / (1.0 + std::exp(-log_odds));
}

double score(const PreparedRecord& a, const PreparedRecord& b) {
  return match_probability(compare(a, b), default_weights());
}

double score(const PersonRecord& a, const PersonRecord& b) {
  return score(prepare(a), prepare(b));
}

}  // namespace jisr::match

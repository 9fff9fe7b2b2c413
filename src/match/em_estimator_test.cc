// src/match/em_estimator_test.cc
#include "match/em_estimator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>

namespace jisr::match {
namespace {

// Draws comparison vectors from known m/u tables and checks that EM, started from the
// generic starting point, recovers them without seeing the labels.
TEST(EmEstimator, RecoversKnownProbabilities) {
  MatchWeights truth = starting_weights();
  truth.m[kFirstName] = {0.85, 0.08, 0.02, 0.04, 0.01};
  truth.u[kFirstName] = {0.05, 0.02, 0.03, 0.10, 0.80};
  truth.m[kBirthDate] = {0.75, 0.05, 0.15, 0.04, 0.01};
  truth.u[kBirthDate] = {0.002, 0.001, 0.05, 0.05, 0.897};
  std::uint64_t state = 42;
  auto uniform = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  auto draw = [&](const std::vector<double>& p) {
    double r = uniform(), acc = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (r < (acc += p[i])) return static_cast<std::int8_t>(i);
    }
    return static_cast<std::int8_t>(p.size() - 1);
  };
  std::vector<Comparison> comparisons;
  std::vector<bool> labels;
  for (int i = 0; i < 60000; ++i) {
    const bool match = uniform() < 0.1;
    Comparison c;
    for (std::size_t f = 0; f < kFieldCount; ++f)
      c.level[f] = draw(match ? truth.m[f] : truth.u[f]);
    comparisons.push_back(c);
    labels.push_back(match);
  }
  const EmResult result = estimate_weights_em(comparisons, starting_weights());
  EXPECT_NEAR(result.match_share, 0.1, 0.01);
  for (std::size_t f : {std::size_t{kFirstName}, std::size_t{kBirthDate}, std::size_t{kCin}}) {
    for (std::size_t l = 0; l < truth.m[f].size(); ++l) {
      EXPECT_NEAR(result.weights.m[f][l], truth.m[f][l], 0.02) << "field " << f << " level " << l;
      EXPECT_NEAR(result.weights.u[f][l], truth.u[f][l], 0.02) << "field " << f << " level " << l;
    }
  }
  // The supervised counterpart agrees.
  std::unique_ptr<bool[]> flags(new bool[labels.size()]);
  for (std::size_t i = 0; i < labels.size(); ++i) flags[i] = labels[i];
  const MatchWeights labelled =
      estimate_weights_labelled(comparisons, std::span<const bool>(flags.get(), labels.size()));
  EXPECT_NEAR(labelled.m[kFirstName][0], 0.85, 0.02);
}

TEST(EmEstimator, PriorsKeepUnseenLevelsFinite) {
  // All matches agree on province in this sample; the prior still leaves a move possible.
  std::vector<Comparison> comparisons(1000);
  for (std::size_t i = 0; i < comparisons.size(); ++i) {
    comparisons[i].level.fill(kMissing);
    comparisons[i].level[kFirstName] = i % 10 == 0 ? kNameExact : kNameNone;
    comparisons[i].level[kProvince] = i % 10 == 0 ? kAgree : kDisagree;
  }
  EmOptions options;
  options.m_prior_counts = domain_m_priors(100);
  const EmResult result = estimate_weights_em(comparisons, starting_weights(), options);
  EXPECT_GT(result.weights.m[kProvince][kDisagree], 0.03);
  EXPECT_GT(result.weights.weight(kProvince, kDisagree), -4.0);
}

TEST(EmEstimator, EmptyInputReturnsTheStart) {
  const EmResult result = estimate_weights_em({}, starting_weights());
  EXPECT_EQ(result.weights.m[kSex], starting_weights().m[kSex]);
}

}  // namespace
}  // namespace jisr::match

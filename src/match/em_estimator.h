// src/match/em_estimator.h
//
// Estimation of the Fellegi–Sunter m and u probabilities from data.
//
// The main estimator is unsupervised: expectation–maximisation over the comparison
// vectors of candidate pairs (those that share a blocking key), under the usual
// assumption that fields agree independently given the match status. It needs no labels,
// so it can be re-run on any registry. A supervised counterpart counts levels among
// labelled pairs; comparing both is how docs/matching.md checks the EM values.
#pragma once

#include <span>

#include "match/similarity.h"

namespace jisr::match {

struct EmOptions {
  int max_iterations = 200;
  // Stop when no probability moves by more than this between iterations.
  double tolerance = 1e-7;
  // Dirichlet pseudo-count added to every level of every field, so that a level never
  // seen in one class keeps a finite weight (real registries are messier than samples).
  double pseudo_count = 1.0;
  // Extra pseudo-counts added to the match-class counts of chosen field levels: prior
  // knowledge about levels a sample may not show at all (a sample where nobody moved
  // province would otherwise make a move an almost certain non-match). Indexed
  // [field][level]; empty vectors add nothing.
  std::array<std::vector<double>, kFieldCount> m_prior_counts;
  // The same for the non-match class.
  std::array<std::vector<double>, kFieldCount> u_prior_counts;
};

struct EmResult {
  MatchWeights weights;    // m, u, and prior_log_odds = ln(λ / (1 - λ))
  double match_share = 0;  // λ: estimated share of matches among the comparisons
  int iterations = 0;
};

// Runs EM from `start` (its m, u and prior give the first E step). Identical comparison
// vectors are grouped first, so millions of pairs cost only their distinct patterns.
EmResult estimate_weights_em(std::span<const Comparison> comparisons, const MatchWeights& start,
                             const EmOptions& options = {});

// m and u counted among labelled pairs (is_match[i] tells pair i), with the same
// pseudo-count. prior_log_odds is the log-odds of the labelled match share.
MatchWeights estimate_weights_labelled(std::span<const Comparison> comparisons,
                                       std::span<const bool> is_match, double pseudo_count = 1.0);

// The domain priors used for default_weights(): 8% of true duplicates show another
// province (people move between registrations), 2% an estimated year off by 1-2 years,
// 2% only part of a compound given name ("Fatima" for "Fatima Zahra"), 0.3% a different
// sex code (data-entry slips), expressed as pseudo-counts for a sample of `matches`
// expected true pairs. See docs/matching.md.
std::array<std::vector<double>, kFieldCount> domain_m_priors(double matches);

// Non-match counterpart: 0.75% of non-matching candidate pairs fall within two years of
// an estimated birth year. Together with the 2% above this gives kDateNear a weight of
// about +1 (like an agreeing year): the dev data hold no estimated dates to learn from.
std::array<std::vector<double>, kFieldCount> domain_u_priors(double non_matches);

// The hand-set starting point of EM: rough beliefs (names agree for most matches and
// few non-matches...) written down before looking at any data. See docs/matching.md.
MatchWeights starting_weights();

}  // namespace jisr::match

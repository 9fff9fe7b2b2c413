// src/match/em_estimator.cc
#include "match/em_estimator.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace jisr::match {

namespace {

using Pattern = std::array<std::int8_t, kFieldCount>;

std::map<Pattern, double> group_patterns(std::span<const Comparison> comparisons) {
  std::map<Pattern, double> counts;
  for (const Comparison& c : comparisons) counts[c.level] += 1.0;
  return counts;
}

std::array<std::vector<double>, kFieldCount> zero_tables() {
  std::array<std::vector<double>, kFieldCount> tables;
  for (int f = 0; f < kFieldCount; ++f) {
    tables[static_cast<std::size_t>(f)].assign(
        static_cast<std::size_t>(kLevelCount[static_cast<std::size_t>(f)]), 0.0);
  }
  return tables;
}

// Normalises counts + pseudo-count into probabilities, field by field.
void normalise(std::array<std::vector<double>, kFieldCount>& tables, double pseudo_count) {
  for (auto& levels : tables) {
    double total = 0;
    for (double& v : levels) total += (v += pseudo_count);
    for (double& v : levels) v /= total;
  }
}

}  // namespace

MatchWeights starting_weights() {
  MatchWeights w;
  w.m[kFirstName] = {0.70, 0.15, 0.05, 0.05, 0.05};
  w.u[kFirstName] = {0.05, 0.05, 0.05, 0.15, 0.70};
  w.m[kLastName] = {0.70, 0.15, 0.05, 0.05, 0.05};
  w.u[kLastName] = {0.10, 0.05, 0.05, 0.10, 0.70};
  w.m[kBirthDate] = {0.70, 0.03, 0.15, 0.07, 0.05};
  w.u[kBirthDate] = {0.01, 0.01, 0.05, 0.10, 0.83};
  w.m[kSex] = {0.97, 0.03};
  w.u[kSex] = {0.50, 0.50};
  w.m[kCin] = {0.90, 0.05, 0.05};
  w.u[kCin] = {0.01, 0.01, 0.98};
  w.m[kProvince] = {0.90, 0.10};
  w.u[kProvince] = {0.10, 0.90};
  w.m[kFatherName] = {0.70, 0.10, 0.10, 0.10};
  w.u[kFatherName] = {0.10, 0.05, 0.15, 0.70};
  w.prior_log_odds = std::log(0.1 / 0.9);
  return w;
}

std::array<std::vector<double>, kFieldCount> domain_m_priors(double matches) {
  std::array<std::vector<double>, kFieldCount> prior;
  prior[kProvince] = {0.0, 0.08 * matches};
  prior[kBirthDate] = {0.0, 0.0, 0.0, 0.02 * matches, 0.0};
  prior[kSex] = {0.0, 0.003 * matches};
  prior[kFirstName] = {0.0, 0.0, 0.02 * matches, 0.0, 0.0};
  return prior;
}

std::array<std::vector<double>, kFieldCount> domain_u_priors(double non_matches) {
  std::array<std::vector<double>, kFieldCount> prior;
  prior[kBirthDate] = {0.0, 0.0, 0.0, 0.0075 * non_matches, 0.0};
  return prior;
}

EmResult estimate_weights_em(std::span<const Comparison> comparisons, const MatchWeights& start,
                             const EmOptions& options) {
  EmResult result;
  result.weights = start;
  double share = 1.0 / (1.0 + std::exp(-start.prior_log_odds));
  const std::map<Pattern, double> patterns = group_patterns(comparisons);
  if (patterns.empty()) {
    result.match_share = share;
    return result;
  }
  MatchWeights& w = result.weights;
  for (result.iterations = 1; result.iterations <= options.max_iterations; ++result.iterations) {
    auto m_counts = zero_tables(), u_counts = zero_tables();
    double match_mass = 0, total_mass = 0;
    for (const auto& [pattern, count] : patterns) {
      // E step in log space: products of many small probabilities underflow otherwise.
      double log_m = std::log(share), log_u = std::log(1.0 - share);
      for (std::size_t f = 0; f < kFieldCount; ++f) {
        if (pattern[f] < 0) continue;
        log_m += std::log(w.m[f][static_cast<std::size_t>(pattern[f])]);
        log_u += std::log(w.u[f][static_cast<std::size_t>(pattern[f])]);
      }
      const double g = 1.0 / (1.0 + std::exp(log_u - log_m));
      match_mass += count * g;
      total_mass += count;
      for (std::size_t f = 0; f < kFieldCount; ++f) {
        if (pattern[f] < 0) continue;
        m_counts[f][static_cast<std::size_t>(pattern[f])] += count * g;
        u_counts[f][static_cast<std::size_t>(pattern[f])] += count * (1.0 - g);
      }
    }
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      const auto& prior = options.m_prior_counts[f];
      for (std::size_t l = 0; l < prior.size() && l < m_counts[f].size(); ++l)
        m_counts[f][l] += prior[l];
    }
    normalise(m_counts, options.pseudo_count);
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      const auto& prior = options.u_prior_counts[f];
      for (std::size_t l = 0; l < prior.size() && l < u_counts[f].size(); ++l)
        u_counts[f][l] += prior[l];
    }
    normalise(u_counts, options.pseudo_count);
    const double new_share = std::clamp(match_mass / total_mass, 1e-6, 1.0 - 1e-6);
    double change = std::abs(new_share - share);
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      for (std::size_t l = 0; l < m_counts[f].size(); ++l) {
        change = std::max(
            {change, std::abs(m_counts[f][l] - w.m[f][l]), std::abs(u_counts[f][l] - w.u[f][l])});
      }
    }
    w.m = std::move(m_counts);
    w.u = std::move(u_counts);
    share = new_share;
    if (change < options.tolerance) break;
  }
  result.match_share = share;
  w.prior_log_odds = std::log(share / (1.0 - share));
  return result;
}

MatchWeights estimate_weights_labelled(std::span<const Comparison> comparisons,
                                       std::span<const bool> is_match, double pseudo_count) {
  MatchWeights w;
  w.m = zero_tables();
  w.u = zero_tables();
  double matches = 0;
  for (std::size_t i = 0; i < comparisons.size() && i < is_match.size(); ++i) {
    auto& table = is_match[i] ? w.m : w.u;
    matches += is_match[i] ? 1 : 0;
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      const std::int8_t level = comparisons[i].level[f];
      if (level >= 0) table[f][static_cast<std::size_t>(level)] += 1.0;
    }
  }
  normalise(w.m, pseudo_count);
  normalise(w.u, pseudo_count);
  const double n = static_cast<double>(std::min(comparisons.size(), is_match.size()));
  const double share = std::clamp((matches + 0.5) / (n + 1.0), 1e-6, 1.0 - 1e-6);
  w.prior_log_odds = std::log(share / (1.0 - share));
  return w;
}

}  // namespace jisr::match

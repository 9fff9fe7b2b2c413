// src/match/text_distance.cc
#include "match/text_distance.h"

#include <algorithm>
#include <array>
#include <utility>

namespace jisr::match {

namespace {
constexpr std::size_t kMaxKey = 64;
}

std::size_t osa_distance(std::string_view a, std::string_view b) {
  a = a.substr(0, std::min(a.size(), kMaxKey));
  b = b.substr(0, std::min(b.size(), kMaxKey));
  if (a.empty()) return b.size();
  if (b.empty()) return a.size();
  // Three rolling rows: the transposition rule looks two rows back.
  std::array<std::size_t, kMaxKey + 1> before{}, previous{}, current{};
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t best = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        best = std::min(best, before[j - 2] + 1);
      }
      current[j] = best;
    }
    before = previous;
    previous = current;
  }
  return previous[b.size()];
}

double edit_similarity(std::string_view a, std::string_view b) {
  const std::size_t longest = std::max(std::min(a.size(), kMaxKey), std::min(b.size(), kMaxKey));
  if (longest == 0) return 1.0;
  return 1.0 - static_cast<double>(osa_distance(a, b)) / static_cast<double>(longest);
}

double edit_similarity_ceiling(std::size_t a_size, std::size_t b_size) {
  a_size = std::min(a_size, kMaxKey);
  b_size = std::min(b_size, kMaxKey);
  const std::size_t longest = std::max(a_size, b_size);
  if (longest == 0) return 1.0;
  const std::size_t shortest = std::min(a_size, b_size);
  return 1.0 - static_cast<double>(longest - shortest) / static_cast<double>(longest);
}

double jaro_winkler(std::string_view a, std::string_view b) {
  a = a.substr(0, std::min(a.size(), kMaxKey));
  b = b.substr(0, std::min(b.size(), kMaxKey));
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  std::array<bool, kMaxKey> a_matched{}, b_matched{};
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(b.size(), i + window + 1);
    for (std::size_t j = lo; j < hi; ++j) {
      if (!b_matched[j] && a[i] == b[j]) {
        a_matched[i] = b_matched[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (matches == 0) return 0.0;
  std::size_t half_transpositions = 0;
  for (std::size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!a_matched[i]) continue;
    while (!b_matched[j]) ++j;
    if (a[i] != b[j]) ++half_transpositions;
    ++j;
  }
  const double m = static_cast<double>(matches);
  const double jaro = (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
                       (m - static_cast<double>(half_transpositions) / 2.0) / m) /
                      3.0;
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

bool one_typo_apart(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a == b) return false;
  std::size_t first = 0;
  while (a[first] == b[first]) ++first;
  // One substitution: everything after the first difference agrees.
  if (a.substr(first + 1) == b.substr(first + 1)) return true;
  // One adjacent swap.
  return first + 1 < a.size() && a[first] == b[first + 1] && a[first + 1] == b[first] &&
         a.substr(first + 2) == b.substr(first + 2);
}

double vowel_tolerant_similarity(std::string_view a, std::string_view b, bool (*is_soft)(char)) {
  a = a.substr(0, std::min(a.size(), kMaxKey));
  b = b.substr(0, std::min(b.size(), kMaxKey));
  const std::size_t longest = std::max(a.size(), b.size());
  if (longest == 0) return 1.0;
  // Per-position costs, computed once: the inner loop then touches only arrays.
  std::array<float, kMaxKey> cost_a{}, cost_b{};
  std::array<bool, kMaxKey> soft_a{}, soft_b{};
  for (std::size_t i = 0; i < a.size(); ++i) {
    soft_a[i] = is_soft(a[i]);
    cost_a[i] = soft_a[i] && i + 1 != a.size() ? 0.5f : 1.0f;
  }
  for (std::size_t j = 0; j < b.size(); ++j) {
    soft_b[j] = is_soft(b[j]);
    cost_b[j] = soft_b[j] && j + 1 != b.size() ? 0.5f : 1.0f;
  }
  std::array<float, kMaxKey + 1> row_a{}, row_b{};
  float* previous = row_a.data();
  float* current = row_b.data();
  previous[0] = 0;
  for (std::size_t j = 1; j <= b.size(); ++j) previous[j] = previous[j - 1] + cost_b[j - 1];
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = previous[0] + cost_a[i - 1];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      float substitution = 0;
      if (a[i - 1] != b[j - 1]) {
        // A vowel standing for a consonant is a real difference.
        substitution =
            soft_a[i - 1] != soft_b[j - 1] ? 1.0f : std::max(cost_a[i - 1], cost_b[j - 1]);
      }
      current[j] = std::min({previous[j] + cost_a[i - 1], current[j - 1] + cost_b[j - 1],
                             previous[j - 1] + substitution});
    }
    std::swap(previous, current);
  }
  return std::max(0.0,
                  1.0 - static_cast<double>(previous[b.size()]) / static_cast<double>(longest));
}

}  // namespace jisr::match

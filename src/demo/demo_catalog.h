// src/demo/demo_catalog.h
//
// The small tables and helpers behind the demo data (src/demo/demo_data.cc): a portable
// PRNG, calendar days, regional weights, institution and association names, services per
// case module. No database here.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jisr::demo {

// splitmix64: tiny and identical on every platform (std::*_distribution is not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  std::int64_t below(std::int64_t n) {
    return n <= 0 ? 0 : static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n));
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + below(hi - lo + 1); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  // Zipf-like: low indexes (common names) come up more often.
  std::size_t skewed(std::size_t n) {
    const auto a = below(static_cast<std::int64_t>(n)), b = below(static_cast<std::int64_t>(n));
    return static_cast<std::size_t>(a < b ? a : b);
  }
  // An index drawn with the given relative weights (at least one positive).
  std::size_t weighted(const std::vector<int>& weights);

 private:
  std::uint64_t state_;
};

// Calendar days since 1970-01-01 (UTC).
using Day = std::int64_t;
// "YYYY-MM-DD" → day; throws std::invalid_argument on a malformed date.
Day parse_day(const std::string& text);
std::string day_text(Day d);
// The moment `minute` minutes after midnight UTC of day `d`.
std::chrono::system_clock::time_point moment(Day d, int minute);
// Today (UTC).
Day today_utc();

// A name in French and Arabic.
struct Bilingual {
  std::string_view fr;
  std::string_view ar;
};

// Region code → population share (‰), for where people live (2014 census, rounded).
const std::vector<std::pair<std::string, int>>& regional_population_weights();
// Institution category → how an EPS of it is named.
Bilingual institution_name_base(std::string_view category);
// Association names and causes (combined into names like "Association Al Amal pour
// l'enfance").
const std::vector<Bilingual>& association_names();
const std::vector<Bilingual>& association_causes();
// Service types (migration 0008's catalog) typical of a case module.
const std::vector<std::string>& services_for_module(std::string_view module);
// Reasons typed for referrals and declines.
const std::vector<std::string>& referral_reasons();
const std::vector<std::string>& decline_reasons();
// Plan goals and actions per module (French, as a social worker would type them).
const std::vector<std::string>& goals_for_module(std::string_view module);
const std::vector<std::string>& actions_for_module(std::string_view module);
// Neighbourhoods for addresses.
const std::vector<std::string_view>& neighbourhoods();

}  // namespace jisr::demo

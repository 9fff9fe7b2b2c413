// src/platform/util/time.cc
#include "platform/util/time.h"

#include <cstdio>
#include <ctime>

namespace jisr::timeutil {

std::string format_utc(Clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

namespace {
thread_local std::optional<Clock::time_point> t_simulated;
}  // namespace

std::string now_utc() {
  return format_utc(t_simulated ? *t_simulated : Clock::now());
}

std::string real_now_utc() {
  return format_utc(Clock::now());
}

SimulatedClock::SimulatedClock(Clock::time_point t) : previous_(t_simulated) {
  t_simulated = t;
}

SimulatedClock::~SimulatedClock() {
  t_simulated = previous_;
}

void SimulatedClock::set(Clock::time_point t) {
  t_simulated = t;
}

std::optional<Clock::time_point> parse_utc(std::string_view text) {
  int y, mo, d, h, mi, s, ms = 0;
  char z = 0;
  const std::string t(text);
  int n =
      std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &s, &ms, &z);
  if (n != 8 || z != 'Z') {
    ms = 0;
    n = std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z);
    if (n != 7 || z != 'Z') return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  const std::time_t secs = timegm(&tm);
  return Clock::from_time_t(secs) + std::chrono::milliseconds(ms);
}

std::string display_utc(std::string_view stored) {
  if (stored.size() < 19) return std::string(stored);
  std::string out;
  out.append(stored.substr(8, 2)).append("/").append(stored.substr(5, 2)).append("/");
  out.append(stored.substr(0, 4)).append(" ").append(stored.substr(11, 8)).append(" UTC");
  return out;
}

bool is_valid_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const int y = std::stoi(std::string(text.substr(0, 4)));
  const int m = std::stoi(std::string(text.substr(5, 2)));
  const int d = std::stoi(std::string(text.substr(8, 2)));
  if (y < 1800 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

}  // namespace jisr::timeutil

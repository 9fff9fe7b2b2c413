// src/platform/util/time.cc
#include "platform/util/time.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace jisr::timeutil {

namespace {

// The general path, as it always was: gmtime_r (glibc's takes the time zone lock) and
// snprintf.
std::string format_utc_slow(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

void put_digits(char* out, std::int64_t value, int width) {
  for (int k = width - 1; k >= 0; --k) {
    out[k] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// The text of second `secs` (since 1970, >= 0, before year 10000), "YYYY-MM-DDTHH:MM:SS",
// into `out` (19 characters): the proleptic Gregorian calendar from a count of days, by
// 400-year eras of 146,097 days starting on 1 March (the leap day ends an era's year).
void format_second(std::int64_t secs, char* out) {
  const std::int64_t days = secs / 86400;
  const std::int64_t in_day = secs % 86400;
  const std::int64_t z = days + 719468;  // days since 0000-03-01
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;                                       // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // March = 0
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  put_digits(out, year, 4);
  out[4] = '-';
  put_digits(out + 5, month, 2);
  out[7] = '-';
  put_digits(out + 8, day, 2);
  out[10] = 'T';
  put_digits(out + 11, in_day / 3600, 2);
  out[13] = ':';
  put_digits(out + 14, in_day / 60 % 60, 2);
  out[16] = ':';
  put_digits(out + 17, in_day % 60, 2);
}

// The last second formatted on this thread: a load formats thousands of times per second.
struct SecondText {
  std::int64_t secs = -1;
  char text[19] = {};
};
thread_local SecondText t_second;

}  // namespace

std::string format_utc(Clock::time_point t) {
  const std::int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  // 253402300800 s: 10000-01-01T00:00:00Z. Outside [1970, 9999] the general path.
  if (ms < 0 || ms >= 253402300800000) return format_utc_slow(ms);
  const std::int64_t secs = ms / 1000;
  if (t_second.secs != secs) {
    format_second(secs, t_second.text);
    t_second.secs = secs;
  }
  std::string out(24, '\0');
  std::copy(t_second.text, t_second.text + 19, out.begin());
  out[19] = '.';
  put_digits(out.data() + 20, ms % 1000, 3);
  out[23] = 'Z';
  return out;
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

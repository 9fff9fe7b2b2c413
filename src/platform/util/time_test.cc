// src/platform/util/time_test.cc — format_utc's calendar arithmetic against gmtime_r.
#include "platform/util/time.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>

namespace jisr::timeutil {
namespace {

std::string with_gmtime(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

Clock::time_point at_ms(std::int64_t ms) {
  return Clock::time_point(std::chrono::milliseconds(ms));
}

TEST(TimeFormat, KnownInstants) {
  EXPECT_EQ(format_utc(at_ms(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc(at_ms(951782400000)), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(format_utc(at_ms(1796041392345)), "2026-11-30T12:23:12.345Z");
  EXPECT_EQ(format_utc(at_ms(4107542399999)), "2100-02-28T23:59:59.999Z");
  EXPECT_EQ(format_utc(at_ms(4107542400000)), "2100-03-01T00:00:00.000Z");
  EXPECT_EQ(format_utc(at_ms(7258118399999)), "2199-12-31T23:59:59.999Z");
}

TEST(TimeFormat, SameAsGmtimeOver230YearsAndWithinOneSecond) {
  std::mt19937_64 rng(7);
  // Clock::time_point counts nanoseconds in 64 bits: it reaches the year 2262.
  std::uniform_int_distribution<std::int64_t> any(0, 7258118399999);
  for (int k = 0; k < 200000; ++k) {
    const std::int64_t ms = any(rng);
    ASSERT_EQ(format_utc(at_ms(ms)), with_gmtime(ms)) << ms;
    // The same second again (the cached part) with another millisecond, and the next second.
    const std::int64_t again = ms - ms % 1000 + (ms + 517) % 1000;
    ASSERT_EQ(format_utc(at_ms(again)), with_gmtime(again)) << again;
    ASSERT_EQ(format_utc(at_ms(ms + 1000)), with_gmtime(ms + 1000)) << ms + 1000;
  }
  // Every day boundary of 1999-2001 (leap years 2000, not 1900/2100 rules at work above).
  for (std::int64_t day = 10592; day < 11688; ++day) {
    for (std::int64_t ms : {day * 86400000 - 1, day * 86400000}) {
      ASSERT_EQ(format_utc(at_ms(ms)), with_gmtime(ms)) << ms;
    }
  }
}

TEST(TimeFormat, ParsesWhatItWrites) {
  const auto t = at_ms(1796041392345);
  EXPECT_EQ(parse_utc(format_utc(t)), t);
}

}  // namespace
}  // namespace jisr::timeutil

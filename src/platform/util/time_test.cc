// src/platform/util/time_test.cc — format_utc on instants whose text is known.
#include "platform/util/time.h"

#include <gtest/gtest.h>

namespace jisr::timeutil {
namespace {

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

TEST(TimeFormat, ParsesWhatItWrites) {
  const auto t = at_ms(1796041392345);
  EXPECT_EQ(parse_utc(format_utc(t)), t);
}

}  // namespace
}  // namespace jisr::timeutil

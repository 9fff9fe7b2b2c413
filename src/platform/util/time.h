// src/platform/util/time.h — UTC timestamps as stored (RFC 3339 with milliseconds, "Z").
// Stored as text so both engines sort and compare them the same way.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace jisr::timeutil {

using Clock = std::chrono::system_clock;

// "2026-11-29T10:03:12.345Z"
std::string format_utc(Clock::time_point t);
std::string now_utc();
// Parses what format_utc writes (and the same without milliseconds). Empty on malformed.
std::optional<Clock::time_point> parse_utc(std::string_view text);
// "29/11/2026 10:03:12 UTC": how pages show a time (UX.md: dd/mm/yyyy in fr and ar).
std::string display_utc(std::string_view stored);
// True when `text` is a real calendar date "YYYY-MM-DD".
bool is_valid_date(std::string_view text);

}  // namespace jisr::timeutil

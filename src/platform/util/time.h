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
// The current time as stored: the real time, or the simulated time of a SimulatedClock alive
// on this thread.
std::string now_utc();
// The real current time, whatever SimulatedClock says (the audit log's timestamps).
std::string real_now_utc();

// Makes now_utc() on this thread return a time chosen by the caller while it is alive: a
// loader that replays history (demo data) dates records as they would have been when the
// events happened. Ids (ULIDs) and the audit log keep the real time.
class SimulatedClock {
 public:
  explicit SimulatedClock(Clock::time_point t);
  ~SimulatedClock();
  SimulatedClock(const SimulatedClock&) = delete;
  SimulatedClock& operator=(const SimulatedClock&) = delete;
  void set(Clock::time_point t);

 private:
  std::optional<Clock::time_point> previous_;
};
// Parses what format_utc writes (and the same without milliseconds). Empty on malformed.
std::optional<Clock::time_point> parse_utc(std::string_view text);
// "29/11/2026 10:03:12 UTC": how pages show a time (UX.md: dd/mm/yyyy in fr and ar).
std::string display_utc(std::string_view stored);
// True when `text` is a real calendar date "YYYY-MM-DD".
bool is_valid_date(std::string_view text);

}  // namespace jisr::timeutil

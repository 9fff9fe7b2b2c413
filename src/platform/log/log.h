// src/platform/log/log.h
//
// Structured logging: one JSON object per line on standard error, e.g.
//   {"ts":"2026-11-29T10:00:00.123Z","level":"info","event":"http_request","request_id":"...",
//    "method":"GET","path":"/territories","status":200,"ms":1.2}
// Never log personal data (names, identifiers, note text): log record ids instead.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace jisr::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using FieldValue = std::variant<std::string_view, std::int64_t, double, bool>;
using Field = std::pair<std::string_view, FieldValue>;

// Sets the minimum level and the format ("json" lines, or "text" for a terminal).
void configure(Level min_level, bool json);

void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void debug(std::string_view event, std::initializer_list<Field> f = {}) {
  write(Level::kDebug, event, f);
}
inline void info(std::string_view event, std::initializer_list<Field> f = {}) {
  write(Level::kInfo, event, f);
}
inline void warn(std::string_view event, std::initializer_list<Field> f = {}) {
  write(Level::kWarn, event, f);
}
inline void error(std::string_view event, std::initializer_list<Field> f = {}) {
  write(Level::kError, event, f);
}

// Parses "debug", "info", "warn", "error"; throws std::invalid_argument otherwise.
Level parse_level(std::string_view name);

}  // namespace jisr::log

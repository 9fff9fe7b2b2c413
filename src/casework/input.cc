// src/casework/input.cc
#include "casework/input.h"

#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>

#include "platform/util/time.h"

namespace jisr::casework {

std::optional<std::string> json_text(const nlohmann::json& body, const char* key, Errors& errors) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    errors[key] = "validation.invalid_type";
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<std::optional<std::string>> json_nullable_text(const nlohmann::json& body,
                                                             const char* key, Errors& errors) {
  auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  if (it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    errors[key] = "validation.invalid_type";
    return std::nullopt;
  }
  const std::string v = trim(it->get<std::string>());
  if (v.empty()) return std::optional<std::string>();
  return std::optional<std::string>(v);
}

std::optional<std::int64_t> json_int(const nlohmann::json& body, const char* key, Errors& errors) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) {
    errors[key] = "validation.invalid_type";
    return std::nullopt;
  }
  return it->get<std::int64_t>();
}

std::optional<bool> json_bool(const nlohmann::json& body, const char* key, Errors& errors) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) {
    errors[key] = "validation.invalid_boolean";
    return std::nullopt;
  }
  return it->get<bool>();
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::optional<std::string> non_blank(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  std::string t = trim(*s);
  if (t.empty()) return std::nullopt;
  return t;
}

std::string today() {
  return timeutil::now_utc().substr(0, 10);
}

std::string add_to_date(const std::string& date, int years, int months, int days) {
  using namespace std::chrono;
  int y = std::stoi(date.substr(0, 4));
  int m = std::stoi(date.substr(5, 2));
  int d = std::stoi(date.substr(8, 2));
  int total = (y + years) * 12 + (m - 1) + months;
  year_month ym{year{total / 12}, month{static_cast<unsigned>(total % 12 + 1)}};
  const unsigned last = static_cast<unsigned>((ym / std::chrono::last).day());
  year_month_day ymd{ym.year(), ym.month(), day{std::min(static_cast<unsigned>(d), last)}};
  sys_days sd = sys_days{ymd} + std::chrono::days{days};
  year_month_day out{sd};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(out.year()),
                static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()));
  return buf;
}

std::string days_ago_utc(int days) {
  return timeutil::format_utc(timeutil::Clock::now() - std::chrono::hours(24 * days));
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  std::int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
  return v;
}

}  // namespace jisr::casework

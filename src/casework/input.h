// src/casework/input.h
//
// Small helpers shared by the casework services and handlers: reading typed JSON fields
// (a wrong type becomes a per-field validation reason, never a crash), trimming, dates.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace jisr::casework {

using Errors = std::map<std::string, std::string>;

// A string field: absent or null → empty; another type → errors[key] = validation.invalid_type.
std::optional<std::string> json_text(const nlohmann::json& body, const char* key, Errors& errors);
// For PATCH: absent → nullopt; null or "" → optional(nullopt); string → optional(value).
std::optional<std::optional<std::string>> json_nullable_text(const nlohmann::json& body,
                                                             const char* key, Errors& errors);
std::optional<std::int64_t> json_int(const nlohmann::json& body, const char* key, Errors& errors);
std::optional<bool> json_bool(const nlohmann::json& body, const char* key, Errors& errors);

// Without leading and trailing white space.
std::string trim(const std::string& s);
// The trimmed text, or empty when it is blank.
std::optional<std::string> non_blank(const std::optional<std::string>& s);

// Today's date in UTC, "YYYY-MM-DD".
std::string today();
// `date` ("YYYY-MM-DD") moved by whole years, months and days (day clamped to the month).
std::string add_to_date(const std::string& date, int years, int months, int days);
// The timestamp `days` days before now, as stored (RFC 3339 UTC).
std::string days_ago_utc(int days);

// Parses a form's integer field; empty on anything else.
std::optional<std::int64_t> parse_int(const std::string& text);

}  // namespace jisr::casework

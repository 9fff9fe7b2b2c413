// src/platform/web/api.h — helpers for the JSON API conventions of API.md (lists, cursors,
// JSON bodies).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "platform/http/request.h"
#include "platform/http/response.h"

namespace jisr::web {

inline constexpr int kDefaultLimit = 50;
inline constexpr int kMaxLimit = 500;

struct ListParams {
  int limit = kDefaultLimit;
  std::optional<std::string> after;  // the decoded cursor: the sort key to continue after
};

// Reads ?limit= (1..500, default 50) and ?cursor=. Throws BadRequest with the field and a
// catalog key as reason ("error.invalid_limit", "error.invalid_cursor").
ListParams parse_list_params(const http::Request& request);

// Cursors are opaque to clients: base64url of "v1:" + the sort key of the last item.
std::string encode_cursor(std::string_view last_key);
std::optional<std::string> decode_cursor(std::string_view cursor);

// Serialises `body` as the response (UTF-8, invalid sequences replaced).
http::Response json_response(int status, const nlohmann::json& body);

// Parses a JSON request body; throws BadRequest("error.malformed_json") on bad syntax or
// when the body is not a JSON object.
nlohmann::json parse_json_body(const http::Request& request);

}  // namespace jisr::web

// src/platform/web/list_response.h — the JSON list page of the API ({"items", "next_cursor"}),
// kept out of api.h because it needs the whole of nlohmann/json.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "platform/web/api.h"

namespace jisr::web {

// A list page per API.md, {"items": [...], "next_cursor": ...}, from `rows` read with
// limit + 1: the extra row only says there is a next page; `key(row)` is the sort key the
// cursor continues after (encoded here).
template <typename T, typename ToJson, typename Key>
http::Response list_response(std::vector<T> rows, int limit, ToJson to_json, Key key) {
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.pop_back();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& row : rows) items.push_back(to_json(row));
  nlohmann::json body = {{"items", std::move(items)}, {"next_cursor", nullptr}};
  if (more) body["next_cursor"] = encode_cursor(key(rows.back()));
  return json_response(200, body);
}

}  // namespace jisr::web

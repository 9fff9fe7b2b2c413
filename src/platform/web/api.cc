// src/platform/web/api.cc
#include "platform/web/api.h"

#include <sodium.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "platform/error.h"

namespace jisr::web {

ListParams parse_list_params(const http::Request& request) {
  ListParams p;
  if (auto limit = request.query("limit")) {
    int value = 0;
    const auto* end = limit->data() + limit->size();
    auto [ptr, ec] = std::from_chars(limit->data(), end, value);
    if (ec != std::errc{} || ptr != end || value < 1 || value > kMaxLimit) {
      throw BadRequest("error.bad_request", {{"limit", "error.invalid_limit"}});
    }
    p.limit = value;
  }
  if (auto cursor = request.query("cursor"); cursor && !cursor->empty()) {
    p.after = decode_cursor(*cursor);
    if (!p.after) throw BadRequest("error.bad_request", {{"cursor", "error.invalid_cursor"}});
  }
  return p;
}

std::string encode_cursor(std::string_view last_key) {
  const std::string raw = "v1:" + std::string(last_key);
  std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::optional<std::string> decode_cursor(std::string_view cursor) {
  if (cursor.size() > 1024) return std::nullopt;
  std::string bin(cursor.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), cursor.data(),
                        cursor.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  bin.resize(len);
  if (bin.rfind("v1:", 0) != 0) return std::nullopt;
  return bin.substr(3);
}

http::Response json_response(int status, const nlohmann::json& body) {
  return http::Response::json_text(
      status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

nlohmann::json parse_json_body(const http::Request& request) {
  nlohmann::json doc = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) throw BadRequest("error.malformed_json");
  return doc;
}

}  // namespace jisr::web

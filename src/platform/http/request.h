// src/platform/http/request.h
//
// Our own HTTP request type. Handlers see only this, never the server library's types, so
// the library (RESTinio today) can be swapped and handlers are testable without sockets.
#pragma once

#include <any>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jisr::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(Method m);
Method parse_method(std::string_view name);

struct Request {
  Method method = Method::kGet;
  std::string path;          // percent-decoded path, without the query string
  std::string query_string;  // raw, after '?'
  // Header names are stored lower-case; values as received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;
  std::string request_id;                          // set by the server pipeline
  std::map<std::string, std::string> path_params;  // filled by the router
  std::string route;                               // the matched route pattern, for metrics
  std::string lang = "fr";                         // negotiated language of the response
  // Set by the authentication step of the pipeline (an access::Principal); empty when the
  // caller is anonymous. Kept type-erased so the platform knows nothing of users.
  std::any auth;
  bool session_expired = false;  // a session cookie was presented but is no longer valid

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
  // A query parameter, percent-decoded ('+' is a space); the first if repeated.
  std::optional<std::string> query(std::string_view name) const;
  // A cookie from the Cookie header.
  std::optional<std::string> cookie(std::string_view name) const;
  // A path parameter captured by the router; throws std::out_of_range if the route has none.
  const std::string& param(const std::string& name) const { return path_params.at(name); }
};

// Percent-decodes `in`; with `plus_is_space`, '+' decodes to ' ' (form and query encoding).
// Invalid escapes are kept as they are.
std::string percent_decode(std::string_view in, bool plus_is_space);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string percent_encode(std::string_view in);

// Parses an application/x-www-form-urlencoded body or a query string.
std::vector<std::pair<std::string, std::string>> parse_urlencoded(std::string_view body);

}  // namespace jisr::http

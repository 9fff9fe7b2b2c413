// src/platform/http/response.h — our own HTTP response type (see request.h).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jisr::http {

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Sets a header, replacing any header of the same name (case-insensitive).
  void set_header(std::string_view name, std::string value);
  // Adds a header even if one of that name exists (Set-Cookie).
  void add_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
  const std::string* header(std::string_view name) const;

  static Response html(int status, std::string body);
  static Response json_text(int status, std::string body);  // body is serialised JSON
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  // 303 See Other to a local path (the caller guarantees it is local).
  static Response redirect(std::string location);
};

struct CookieOptions {
  std::string path = "/";
  long max_age_seconds = -1;  // -1: session cookie
  bool http_only = true;
  bool secure = false;
  std::string same_site = "Lax";
};

// Formats a Set-Cookie header value. `value` must already be cookie-safe.
std::string format_set_cookie(std::string_view name, std::string_view value,
                              const CookieOptions& options);

// Reason phrase for a status code ("Not Found").
std::string_view status_reason(int status);

}  // namespace jisr::http

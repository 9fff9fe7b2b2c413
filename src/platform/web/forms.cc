// src/platform/web/forms.cc
#include "platform/web/forms.h"

namespace jisr::web {

bool is_form_post(const http::Request& request) {
  const auto type = request.header("content-type");
  return type && type->rfind("application/x-www-form-urlencoded", 0) == 0;
}

std::string multipart_boundary(std::string_view content_type) {
  if (content_type.rfind("multipart/form-data", 0) != 0) return "";
  const auto pos = content_type.find("boundary=");
  if (pos == std::string_view::npos) return "";
  std::string_view b = content_type.substr(pos + 9);
  b = b.substr(0, b.find(';'));
  if (b.size() >= 2 && b.front() == '"' && b.back() == '"') b = b.substr(1, b.size() - 2);
  if (b.empty() || b.size() > 70) return "";  // RFC 2046: 1 to 70 characters
  return std::string(b);
}

bool parse_multipart(std::string_view body, std::string_view boundary,
                     std::map<std::string, std::string>& fields) {
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return false;
  pos += delimiter.size();
  while (true) {
    if (body.substr(pos, 2) == "--") return true;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") return false;
    pos += 2;
    const auto headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) return false;
    const std::string_view headers = body.substr(pos, headers_end - pos);
    const auto content_start = headers_end + 4;
    const auto next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) return false;
    // Content-Disposition: form-data; name="field"; filename="x.csv"
    std::string name;
    std::size_t line_start = 0;
    while (line_start <= headers.size()) {
      auto line_end = headers.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = headers.size();
      std::string_view line = headers.substr(line_start, line_end - line_start);
      std::string lower(line.substr(0, 20));
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.rfind("content-disposition:", 0) == 0) {
        const auto n = line.find("name=\"");
        if (n != std::string_view::npos && (n == 0 || line[n - 1] == ' ' || line[n - 1] == ';')) {
          const auto end = line.find('"', n + 6);
          if (end == std::string_view::npos) return false;
          name = std::string(line.substr(n + 6, end - n - 6));
        }
      }
      line_start = line_end + 2;
    }
    if (name.empty()) return false;
    fields.emplace(name, std::string(body.substr(content_start, next - content_start)));
    pos = next + 2 + delimiter.size();
  }
}

Form::Form(const http::Request& request) {
  if (is_form_post(request)) {
    for (auto& [k, v] : http::parse_urlencoded(request.body)) fields_.emplace(k, v);
    return;
  }
  const auto boundary = multipart_boundary(request.header("content-type").value_or(""));
  if (!boundary.empty() && !parse_multipart(request.body, boundary, fields_)) fields_.clear();
}

const std::string& Form::get(const std::string& name) const {
  static const std::string empty;
  auto it = fields_.find(name);
  return it == fields_.end() ? empty : it->second;
}

std::optional<std::string> Form::optional(const std::string& name) const {
  auto it = fields_.find(name);
  if (it == fields_.end()) return std::nullopt;
  return it->second;
}

}  // namespace jisr::web

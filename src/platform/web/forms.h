// src/platform/web/forms.h — reading HTML form posts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "platform/http/request.h"

namespace jisr::web {

// The fields of an application/x-www-form-urlencoded or multipart/form-data body (first value
// of each name; an uploaded file's field holds the file's bytes). Other content types, and a
// malformed multipart body, give an empty map: the handler then sees missing fields and
// answers with its usual validation errors (and a CSRF check fails).
class Form {
 public:
  explicit Form(const http::Request& request);
  // The field's value, or "" when absent.
  const std::string& get(const std::string& name) const;
  std::optional<std::string> optional(const std::string& name) const;
  bool has(const std::string& name) const { return fields_.count(name) > 0; }

 private:
  std::map<std::string, std::string> fields_;
};

bool is_form_post(const http::Request& request);

// Parses a multipart/form-data body with `boundary` into name -> value (first of each name).
// Returns false when the body is not well formed.
bool parse_multipart(std::string_view body, std::string_view boundary,
                     std::map<std::string, std::string>& fields);

// The boundary parameter of a multipart Content-Type, or empty.
std::string multipart_boundary(std::string_view content_type);

}  // namespace jisr::web

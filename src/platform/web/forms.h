// src/platform/web/forms.h — reading HTML form posts.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "platform/http/request.h"

namespace jisr::web {

// The fields of an application/x-www-form-urlencoded body (first value of each name).
// Other content types give an empty map.
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

}  // namespace jisr::web

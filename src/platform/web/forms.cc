// src/platform/web/forms.cc
#include "platform/web/forms.h"

namespace jisr::web {

bool is_form_post(const http::Request& request) {
  const auto type = request.header("content-type");
  return type && type->rfind("application/x-www-form-urlencoded", 0) == 0;
}

Form::Form(const http::Request& request) {
  if (!is_form_post(request)) return;
  for (auto& [k, v] : http::parse_urlencoded(request.body)) fields_.emplace(k, v);
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

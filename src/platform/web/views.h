// src/platform/web/views.h
//
// HTML templates (web/templates/**/*.mustache; mustache as kainjow renders it, see template.h;
// escaping by default).
// Static text in a template is written `{{t:message.key}}`; at load time it is replaced, per
// language, by the HTML-escaped message, so each language has its own compiled template
// and translation costs nothing per request. A message may itself contain `{{placeholders}}`
// that the template data fills.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "platform/i18n/catalog.h"

namespace jisr::web {

class Views {
 public:
  // Loads every template under `dir` (names are paths without extension, e.g.
  // "territory/index") for every language. Throws std::runtime_error naming the template
  // when one does not parse or uses a message key missing from a catalog.
  Views(const std::filesystem::path& dir, const i18n::Catalogs& catalogs);
  ~Views();
  Views(const Views&) = delete;
  Views& operator=(const Views&) = delete;

  // Renders template `name` in `lang` with `data`. Throws std::out_of_range for an unknown
  // template (a programming error).
  std::string render(std::string_view name, std::string_view lang,
                     const nlohmann::json& data) const;
  bool has(std::string_view name) const;

 private:
  struct Compiled;
  std::map<std::string, std::unique_ptr<Compiled>, std::less<>> by_key_;  // "lang:name"
};

// Replaces every `{{t:key}}` in `text` with the message of `lang`, escaped as the templates'
// values are (append_html_escaped). Throws std::runtime_error for a key that the catalog of
// `lang` lacks. Exposed for tests.
std::string substitute_messages(std::string_view text, std::string_view lang,
                                const i18n::Catalogs& catalogs);

}  // namespace jisr::web

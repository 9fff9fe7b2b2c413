// src/platform/i18n/catalog.h
//
// Message catalogs (web/locales/{fr,ar,en}.json: flat objects of dotted key -> text) and
// the choice of a request's language. Every user-visible sentence comes from here.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jisr::i18n {

// The supported languages, in the order the switcher shows them. French is the default.
inline constexpr std::string_view kDefaultLanguage = "fr";
const std::vector<std::string>& languages();
bool is_supported(std::string_view lang);
bool is_rtl(std::string_view lang);
// The language's own name ("Français", "العربية", "English").
std::string native_name(std::string_view lang);

class Catalogs {
 public:
  // Loads `<dir>/<lang>.json` for every supported language, plus `<dir>/<module>/<lang>.json`
  // of each module folder (so modules keep their messages apart). Throws std::runtime_error
  // naming the file when one is missing or is not a flat JSON object of strings, or when
  // two files define the same key.
  static Catalogs load(const std::filesystem::path& dir);
  // Builds catalogs from memory (tests).
  static Catalogs from_maps(std::map<std::string, std::map<std::string, std::string>> maps);

  // The message for `key` in `lang`; falls back to French, then to the key itself, so that a
  // missing translation shows up visibly instead of crashing.
  const std::string& get(std::string_view lang, std::string_view key) const;
  bool has(std::string_view lang, std::string_view key) const;
  // The message with "{{name}}" placeholders replaced by `params` (not escaped: for JSON
  // and plain text; HTML goes through the template engine, which escapes).
  std::string format(std::string_view lang, std::string_view key,
                     const std::map<std::string, std::string>& params) const;
  // All keys of one language, sorted.
  std::vector<std::string> keys(std::string_view lang) const;

 private:
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> by_lang_;
};

// Chooses the language of a request: an explicit `?lang=`, then the cookie, then the best
// supported entry of Accept-Language (by q-value), then French. Unsupported values are
// ignored, never echoed.
std::string negotiate(const std::optional<std::string>& query_lang,
                      const std::optional<std::string>& cookie_lang,
                      const std::optional<std::string>& accept_language);

}  // namespace jisr::i18n

// src/platform/web/views.cc
#include "platform/web/views.h"

#include "platform/web/template.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace jisr::web {

struct Views::Compiled {
  explicit Compiled(const std::string& text) : tmpl(text) {}
  Template tmpl;
};

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read template " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string substitute_messages(std::string_view text, std::string_view lang,
                                const i18n::Catalogs& catalogs) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (true) {
    const auto open = text.find("{{t:", pos);
    if (open == std::string_view::npos) break;
    const auto close = text.find("}}", open);
    if (close == std::string_view::npos) throw std::runtime_error("unclosed {{t: tag");
    const std::string key(text.substr(open + 4, close - open - 4));
    if (!catalogs.has(lang, key)) {
      throw std::runtime_error("message '" + key + "' is missing from the '" + std::string(lang) +
                               "' catalog");
    }
    out.append(text.substr(pos, open - pos));
    append_html_escaped(out, catalogs.get(lang, key));
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

Views::Views(const std::filesystem::path& dir, const i18n::Catalogs& catalogs) {
  if (!std::filesystem::is_directory(dir)) {
    throw std::runtime_error("template directory not found: " + dir.string());
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".mustache") continue;
    auto name = std::filesystem::relative(entry.path(), dir).replace_extension("").string();
    const std::string text = read_file(entry.path());
    for (const auto& lang : i18n::languages()) {
      std::string localized;
      try {
        localized = substitute_messages(text, lang, catalogs);
      } catch (const std::exception& e) {
        throw std::runtime_error("template " + name + ": " + e.what());
      }
      std::unique_ptr<Compiled> compiled;
      try {
        compiled = std::make_unique<Compiled>(localized);
      } catch (const std::exception& e) {
        throw std::runtime_error("template " + name + " (" + lang +
                                 ") does not parse: " + e.what());
      }
      by_key_.emplace(lang + ":" + name, std::move(compiled));
    }
  }
}

Views::~Views() = default;

bool Views::has(std::string_view name) const {
  return by_key_.count(std::string(i18n::kDefaultLanguage) + ":" + std::string(name)) > 0;
}

std::string Views::render(std::string_view name, std::string_view lang,
                          const nlohmann::json& data) const {
  const std::string key = std::string(lang) + ":" + std::string(name);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) throw std::out_of_range("no template named " + key);
  return it->second->tmpl.render(data);
}

}  // namespace jisr::web

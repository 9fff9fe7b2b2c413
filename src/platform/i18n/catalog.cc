// src/platform/i18n/catalog.cc
#include "platform/i18n/catalog.h"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace jisr::i18n {

const std::vector<std::string>& languages() {
  static const std::vector<std::string> langs = {"fr", "ar", "en"};
  return langs;
}

bool is_supported(std::string_view lang) {
  const auto& l = languages();
  return std::find(l.begin(), l.end(), lang) != l.end();
}

bool is_rtl(std::string_view lang) {
  return lang == "ar";
}

std::string native_name(std::string_view lang) {
  if (lang == "fr") return "Français";
  if (lang == "ar") return "العربية";
  if (lang == "en") return "English";
  return std::string(lang);
}

namespace {

void load_file(const std::filesystem::path& path, std::map<std::string, std::string>& into) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read message catalog " + path.string());
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("message catalog " + path.string() + " is not valid JSON: " +
                             e.what());
  }
  if (!doc.is_object()) {
    throw std::runtime_error("message catalog " + path.string() + " must be a JSON object");
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (!it->is_string()) {
      throw std::runtime_error("message catalog " + path.string() + ": value of '" + it.key() +
                               "' must be a string");
    }
    if (!into.emplace(it.key(), it->get<std::string>()).second) {
      throw std::runtime_error("message catalog " + path.string() + ": key '" + it.key() +
                               "' is already defined in another catalog file");
    }
  }
}

}  // namespace

Catalogs Catalogs::load(const std::filesystem::path& dir) {
  std::map<std::string, std::map<std::string, std::string>> maps;
  std::vector<std::filesystem::path> module_dirs;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.is_directory()) module_dirs.push_back(entry.path());
    }
  }
  std::sort(module_dirs.begin(), module_dirs.end());
  for (const auto& lang : languages()) {
    auto& m = maps[lang];
    load_file(dir / (lang + ".json"), m);
    for (const auto& module : module_dirs) load_file(module / (lang + ".json"), m);
  }
  return from_maps(std::move(maps));
}

Catalogs Catalogs::from_maps(std::map<std::string, std::map<std::string, std::string>> maps) {
  Catalogs c;
  for (auto& [lang, m] : maps) {
    auto& target = c.by_lang_[lang];
    for (auto& [k, v] : m) target.emplace(k, std::move(v));
  }
  return c;
}

const std::string& Catalogs::get(std::string_view lang, std::string_view key) const {
  for (std::string_view l : {lang, kDefaultLanguage}) {
    if (auto it = by_lang_.find(l); it != by_lang_.end()) {
      if (auto m = it->second.find(key); m != it->second.end()) return m->second;
    }
  }
  // Not found anywhere: keep the key itself so the gap is visible. Stored so the returned
  // reference stays valid (the set of missing keys is small and fixed by the code).
  static std::mutex mu;
  static std::map<std::string, std::string, std::less<>> missing;
  std::lock_guard lock(mu);
  auto [it, _] = missing.emplace(std::string(key), std::string(key));
  return it->second;
}

bool Catalogs::has(std::string_view lang, std::string_view key) const {
  auto it = by_lang_.find(lang);
  return it != by_lang_.end() && it->second.find(key) != it->second.end();
}

std::string Catalogs::format(std::string_view lang, std::string_view key,
                             const std::map<std::string, std::string>& params) const {
  std::string out = get(lang, key);
  for (const auto& [name, value] : params) {
    const std::string tag = "{{" + name + "}}";
    for (auto pos = out.find(tag); pos != std::string::npos;
         pos = out.find(tag, pos + value.size())) {
      out.replace(pos, tag.size(), value);
    }
  }
  return out;
}

std::vector<std::string> Catalogs::keys(std::string_view lang) const {
  std::vector<std::string> out;
  if (auto it = by_lang_.find(lang); it != by_lang_.end()) {
    for (const auto& [k, v] : it->second) out.push_back(k);
  }
  return out;
}

std::string negotiate(const std::optional<std::string>& query_lang,
                      const std::optional<std::string>& cookie_lang,
                      const std::optional<std::string>& accept_language) {
  if (query_lang && is_supported(*query_lang)) return *query_lang;
  if (cookie_lang && is_supported(*cookie_lang)) return *cookie_lang;
  if (accept_language) {
    // "ar-MA,ar;q=0.9,fr;q=0.8": take the supported primary tag with the highest q.
    std::string best;
    double best_q = 0.0;
    std::stringstream ss(*accept_language);
    std::string item;
    while (std::getline(ss, item, ',')) {
      std::string tag = item.substr(0, item.find(';'));
      tag.erase(std::remove_if(tag.begin(), tag.end(), ::isspace), tag.end());
      double q = 1.0;
      if (auto qpos = item.find(";q="); qpos != std::string::npos) {
        try {
          q = std::stod(item.substr(qpos + 3));
        } catch (const std::exception&) {
          q = 0.0;
        }
      }
      std::string primary = tag.substr(0, tag.find('-'));
      std::transform(primary.begin(), primary.end(), primary.begin(), ::tolower);
      if (is_supported(primary) && q > best_q) {
        best = primary;
        best_q = q;
      }
    }
    if (!best.empty()) return best;
  }
  return std::string(kDefaultLanguage);
}

}  // namespace jisr::i18n

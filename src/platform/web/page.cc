// src/platform/web/page.cc
#include "platform/web/page.h"

#include <nlohmann/json.hpp>

namespace jisr::web {

bool is_local_path(std::string_view next) {
  return !next.empty() && next.front() == '/' &&
         (next.size() == 1 || (next[1] != '/' && next[1] != '\\')) &&
         next.find_first_of("\r\n") == std::string_view::npos;
}

std::string language_switch_href(const http::Request& request, std::string_view lang) {
  std::string next = request.path;
  if (!request.query_string.empty()) next += "?" + request.query_string;
  return "/lang/" + std::string(lang) + "?next=" + http::percent_encode(next);
}

http::Response PageRenderer::render(const http::Request& request, int status,
                                    std::string_view template_name, std::string_view title_key,
                                    std::string_view section, const nlohmann::json& data) const {
  const std::string& lang = request.lang;
  nlohmann::json layout;
  layout["lang"] = lang;
  layout["dir"] = i18n::is_rtl(lang) ? "rtl" : "ltr";
  layout["title"] = catalogs_.get(lang, title_key);
  layout["request_id"] = request.request_id;
  layout["asset"] = {
      {"bootstrap_css", assets_.url(i18n::is_rtl(lang) ? "vendor/bootstrap.rtl.min.css"
                                                       : "vendor/bootstrap.min.css")},
      {"app_css", assets_.url("app.css")},
      {"font_css", assets_.url("fonts.css")},
      {"htmx_js", assets_.url("vendor/htmx.min.js")},
      {"app_js", assets_.url("app.js")},
  };
  layout["active"] = nlohmann::json::object();
  if (!section.empty()) layout["active"][std::string(section)] = true;
  nlohmann::json langs = nlohmann::json::array();
  for (const auto& code : i18n::languages()) {
    langs.push_back({{"code", code},
                     {"name", i18n::native_name(code)},
                     {"href", language_switch_href(request, code)},
                     {"current", code == lang}});
  }
  layout["languages"] = std::move(langs);
  if (decorator_) decorator_(request, layout);
  layout["content"] = views_.render(template_name, lang, data);
  http::Response r = http::Response::html(status, views_.render("layout/base", lang, layout));
  r.set_header("Content-Language", lang);
  return r;
}

}  // namespace jisr::web

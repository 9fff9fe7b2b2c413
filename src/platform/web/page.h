// src/platform/web/page.h
//
// Renders a full HTML page: the module's template inside web/templates/layout/base, with
// the language, direction, assets and language switcher filled in.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "platform/http/request.h"
#include "platform/http/response.h"
#include "platform/i18n/catalog.h"
#include "platform/web/assets.h"
#include "platform/web/views.h"

namespace jisr::web {

class PageRenderer {
 public:
  // Adds request-dependent data to every layout (the signed-in user, the CSRF token).
  using LayoutDecorator = std::function<void(const http::Request&, nlohmann::json& layout)>;

  PageRenderer(const Views& views, const i18n::Catalogs& catalogs, const AssetStore& assets)
      : views_(views), catalogs_(catalogs), assets_(assets) {}

  void set_layout_decorator(LayoutDecorator d) { decorator_ = std::move(d); }

  // Renders `template_name` with `data`, inside the layout. `title_key` is the catalog key
  // of the page title; `section` marks the active navigation entry ("territories").
  http::Response render(const http::Request& request, int status, std::string_view template_name,
                        std::string_view title_key, std::string_view section,
                        const nlohmann::json& data) const;

  const i18n::Catalogs& catalogs() const { return catalogs_; }

 private:
  const Views& views_;
  const i18n::Catalogs& catalogs_;
  const AssetStore& assets_;
  LayoutDecorator decorator_;
};

// The link that switches to `lang` and comes back to the current page.
std::string language_switch_href(const http::Request& request, std::string_view lang);

// True when `next` is a safe local redirect target ("/x", not "//host" or "/\host").
bool is_local_path(std::string_view next);

}  // namespace jisr::web

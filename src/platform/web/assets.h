// src/platform/web/assets.h
//
// Static files (our CSS/JS and the npm packages' builds) served under content-hashed URLs,
// "/assets/<hash>/<name>", with a one-year immutable cache and an ETag. CSS files are
// rewritten at load so that their relative url(...) references (fonts) point at the hashed
// URLs too. Everything is loaded into memory at start: the set is small and fixed.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "platform/http/request.h"
#include "platform/http/response.h"

namespace jisr::web {

struct AssetSource {
  std::string name;            // logical name, e.g. "vendor/bootstrap.rtl.min.css"
  std::filesystem::path file;  // where it is on disk
};

class AssetStore {
 public:
  // Loads every source. Sources that CSS refers to must come before (or with) the CSS; the
  // store resolves references after loading all. Throws std::runtime_error naming a missing
  // file or a CSS reference to an unregistered asset.
  explicit AssetStore(const std::vector<AssetSource>& sources);

  // The public URL of a logical asset; throws std::out_of_range for an unknown name.
  const std::string& url(std::string_view name) const;
  // Serves a request for "/assets/..." (the part after "/assets/" in `rest`): 200, 304 on a
  // matching If-None-Match, or 404.
  http::Response serve(const http::Request& request, std::string_view rest) const;
  std::size_t total_bytes() const;

 private:
  struct Asset {
    std::string name;
    std::string content;
    std::string content_type;
    std::string etag;
    std::string url;
  };
  std::map<std::string, Asset, std::less<>> by_name_;
  std::map<std::string, const Asset*, std::less<>> by_url_;
};

// Content type by file extension.
std::string content_type_for(std::string_view name);

// Rewrites relative url(...) references of a CSS text. `resolve` gets the path relative to
// the CSS's own logical directory (e.g. "vendor/files/x.woff2") and returns the new URL.
// data:, absolute and fragment URLs are left alone.
std::string rewrite_css_urls(std::string_view css, std::string_view css_name,
                             const std::function<std::string(const std::string&)>& resolve);

}  // namespace jisr::web

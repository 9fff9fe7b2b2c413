// src/platform/web/assets.cc
#include "platform/web/assets.h"

#include <sodium.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

namespace jisr::web {
namespace {

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read asset " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string short_hash(std::string_view content) {
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size(), nullptr, 0);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (int i = 0; i < 6; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 15]);
  }
  return hex;
}

// Joins a relative reference onto a directory, resolving "." and "..".
std::string join_relative(std::string_view dir, std::string_view ref) {
  std::vector<std::string> parts;
  auto push_all = [&parts](std::string_view s) {
    std::size_t start = 0;
    while (start <= s.size()) {
      auto slash = s.find('/', start);
      auto end = slash == std::string_view::npos ? s.size() : slash;
      std::string part(s.substr(start, end - start));
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.push_back(part);
      }
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
  };
  push_all(dir);
  push_all(ref);
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out.push_back('/');
    out += p;
  }
  return out;
}

}  // namespace

std::string content_type_for(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".woff")) return "font/woff";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

std::string rewrite_css_urls(std::string_view css, std::string_view css_name,
                             const std::function<std::string(const std::string&)>& resolve) {
  const auto slash = css_name.rfind('/');
  const std::string_view dir =
      slash == std::string_view::npos ? std::string_view{} : css_name.substr(0, slash);
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const auto open = css.find("url(", pos);
    if (open == std::string_view::npos) break;
    const auto close = css.find(')', open);
    if (close == std::string_view::npos) break;
    std::string_view ref = css.substr(open + 4, close - open - 4);
    std::string quote;
    if (!ref.empty() && (ref.front() == '"' || ref.front() == '\'')) {
      quote = std::string(1, ref.front());
      ref = ref.substr(1, ref.size() >= 2 ? ref.size() - 2 : 0);
    }
    out.append(css.substr(pos, open - pos));
    const bool leave = ref.empty() || ref.rfind("data:", 0) == 0 || ref.front() == '/' ||
                       ref.front() == '#' || ref.find("://") != std::string_view::npos;
    if (leave) {
      out.append(css.substr(open, close - open + 1));
    } else {
      // Drop any ?query or #fragment used for cache busting.
      std::string_view path = ref.substr(0, ref.find_first_of("?#"));
      out.append("url(").append(quote).append(resolve(join_relative(dir, path)));
      out.append(quote).append(")");
    }
    pos = close + 1;
  }
  out.append(css.substr(pos));
  return out;
}

AssetStore::AssetStore(const std::vector<AssetSource>& sources) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  for (const auto& src : sources) {
    Asset a;
    a.name = src.name;
    a.content = read_all(src.file);
    a.content_type = content_type_for(src.name);
    by_name_.emplace(src.name, std::move(a));
  }
  // Non-CSS first so CSS can point at their final URLs; CSS referring to CSS is not needed.
  auto finish = [this](Asset& a) {
    const std::string hash = short_hash(a.content);
    a.etag = "\"" + hash + "\"";
    a.url = "/assets/" + hash + "/" + a.name;
    by_url_[a.url.substr(8)] = &a;
  };
  for (auto& [name, a] : by_name_) {
    if (a.content_type.rfind("text/css", 0) != 0) finish(a);
  }
  for (auto& [name, a] : by_name_) {
    if (a.content_type.rfind("text/css", 0) != 0) continue;
    a.content = rewrite_css_urls(a.content, a.name, [&](const std::string& target) {
      auto it = by_name_.find(target);
      if (it == by_name_.end() || it->second.url.empty()) {
        throw std::runtime_error("stylesheet " + a.name + " refers to " + target +
                                 ", which is not a registered asset");
      }
      return it->second.url;
    });
    finish(a);
  }
}

const std::string& AssetStore::url(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) throw std::out_of_range("unknown asset " + std::string(name));
  return it->second.url;
}

http::Response AssetStore::serve(const http::Request& request, std::string_view rest) const {
  auto it = by_url_.find(rest);
  if (it == by_url_.end()) {
    http::Response r = http::Response::text(404, "Not Found\n");
    r.set_header("Cache-Control", "no-store");
    return r;
  }
  const Asset& a = *it->second;
  http::Response r;
  r.set_header("Cache-Control", "public, max-age=31536000, immutable");
  r.set_header("ETag", a.etag);
  if (auto inm = request.header("if-none-match"); inm && inm->find(a.etag) != std::string::npos) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.set_header("Content-Type", a.content_type);
  r.body = a.content;
  return r;
}

std::size_t AssetStore::total_bytes() const {
  std::size_t n = 0;
  for (const auto& [name, a] : by_name_) n += a.content.size();
  return n;
}

}  // namespace jisr::web

// src/platform/http/router.cc
#include "platform/http/router.h"

#include <map>
#include <stdexcept>

namespace jisr::http {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literal;
  std::unique_ptr<Node> capture;  // "{name}"
  std::string capture_name;
  std::unique_ptr<Node> rest;  // "{name*}": the remainder of the path
  std::string rest_name;
  std::map<Method, Handler> handlers;
  std::string pattern;
};

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  if (!path.empty() && path[0] == '/') start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    parts.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  // "/" is the root: no segments.
  if (parts.size() == 1 && parts[0].empty()) parts.clear();
  return parts;
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

void Router::add(Method method, std::string pattern, Handler handler) {
  if (pattern.empty() || pattern[0] != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  Node* node = root_.get();
  const auto parts = split_path(pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto part = parts[i];
    if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
      std::string name(part.substr(1, part.size() - 2));
      if (!name.empty() && name.back() == '*') {
        if (i + 1 != parts.size()) {
          throw std::invalid_argument("{name*} must be the last segment: " + pattern);
        }
        name.pop_back();
        if (!node->rest) node->rest = std::make_unique<Node>();
        node->rest_name = name;
        node = node->rest.get();
      } else {
        if (!node->capture) {
          node->capture = std::make_unique<Node>();
          node->capture_name = name;
        } else if (node->capture_name != name) {
          throw std::invalid_argument("conflicting parameter names at the same place: " + pattern);
        }
        node = node->capture.get();
      }
    } else {
      auto& child = node->literal[std::string(part)];
      if (!child) child = std::make_unique<Node>();
      node = child.get();
    }
  }
  if (node->handlers.count(method)) {
    throw std::invalid_argument("route registered twice: " + std::string(method_name(method)) +
                                " " + pattern);
  }
  node->handlers.emplace(method, std::move(handler));
  node->pattern = pattern;
  registered_.emplace_back(method, std::move(pattern));
}

Router::Match Router::match(Request& request) const {
  Match result;
  const auto parts = split_path(request.path);
  // Depth-first search: literal children first, then a capture, then a rest capture.
  std::map<std::string, std::string> params;
  struct Finder {
    const std::vector<std::string_view>& parts;
    std::map<std::string, std::string>& params;
    const Node* walk(const Node* node, std::size_t i) {
      if (i == parts.size()) return node->handlers.empty() ? nullptr : node;
      if (auto it = node->literal.find(parts[i]); it != node->literal.end()) {
        if (const Node* n = walk(it->second.get(), i + 1)) return n;
      }
      if (node->capture && !parts[i].empty()) {
        params[node->capture_name] = std::string(parts[i]);
        if (const Node* n = walk(node->capture.get(), i + 1)) return n;
        params.erase(node->capture_name);
      }
      if (node->rest && !node->rest->handlers.empty()) {
        std::string rest;
        for (std::size_t j = i; j < parts.size(); ++j) {
          if (j > i) rest.push_back('/');
          rest.append(parts[j]);
        }
        params[node->rest_name] = std::move(rest);
        return node->rest.get();
      }
      return nullptr;
    }
  } finder{parts, params};
  const Node* node = finder.walk(root_.get(), 0);
  if (!node) return result;
  result.path_known = true;
  for (const auto& [m, h] : node->handlers) result.allowed.push_back(m);
  auto it = node->handlers.find(request.method);
  if (it == node->handlers.end() && request.method == Method::kHead) {
    it = node->handlers.find(Method::kGet);
  }
  if (it == node->handlers.end()) return result;
  result.handler = &it->second;
  request.path_params = std::move(params);
  request.route = node->pattern;
  return result;
}

std::vector<std::pair<Method, std::string>> Router::routes() const {
  return registered_;
}

}  // namespace jisr::http

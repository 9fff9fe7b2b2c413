// src/platform/http/router.h
//
// Maps (method, path) to a handler. Patterns are literal segments and `{name}` captures of
// one segment, e.g. "/api/v1/organizations/{id}"; a last segment `{name*}` captures the rest
// of the path (static files). Literal segments win over captures regardless of the order
// routes were added in.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/http/request.h"
#include "platform/http/response.h"

namespace jisr::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers a route. Throws std::invalid_argument on a malformed pattern or when the same
  // method and pattern are registered twice (a wiring bug caught at start).
  void add(Method method, std::string pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null: no route
    bool path_known = false;           // some route has this path with another method (405)
    std::vector<Method> allowed;       // methods of that path, for the Allow header
  };
  // Finds the handler for the request and fills `request.path_params` and `request.route`.
  // HEAD falls back to GET.
  Match match(Request& request) const;

  // Every registered (method, pattern), in registration order (for the OpenAPI test).
  std::vector<std::pair<Method, std::string>> routes() const;

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::pair<Method, std::string>> registered_;
};

}  // namespace jisr::http

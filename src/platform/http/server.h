// src/platform/http/server.h
//
// The HTTP server: accepts connections and hands each complete request to one dispatch
// function. The only file that includes RESTinio is server.cc (it is slow to compile).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "platform/http/request.h"
#include "platform/http/response.h"

namespace jisr::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t threads = 8;  // handlers are synchronous (database calls): size for waiting
  // Bodies above this are refused while reading (the connection is dropped). The dispatch
  // function applies the real, smaller limit and answers 413, which RESTinio cannot do.
  std::size_t hard_body_limit_bytes = 64 << 20;
  std::chrono::seconds read_timeout{30};     // to receive a whole request
  std::chrono::seconds write_timeout{30};    // to send a whole response
  std::chrono::seconds handler_timeout{60};  // for a handler to produce a response
  std::chrono::seconds drain_timeout{20};    // SIGTERM: wait for in-flight requests
};

using Dispatch = std::function<Response(Request&)>;

// Runs the server until SIGTERM or SIGINT, then stops accepting, lets in-flight requests
// finish (up to drain_timeout) and returns. `on_listening` is called once the socket is
// bound. Throws std::runtime_error when the address cannot be bound.
void serve(const ServerOptions& options, Dispatch dispatch,
           const std::function<void()>& on_listening);

}  // namespace jisr::http

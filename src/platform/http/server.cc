// src/platform/http/server.cc — the RESTinio adapter. Keep RESTinio includes in this file.
#include "platform/http/server.h"

#include <pthread.h>
#include <csignal>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include <restinio/all.hpp>

namespace jisr::http {
namespace {

using Traits = restinio::default_traits_t;  // thread-safe (strands, asio timers)
using HttpServer = restinio::http_server_t<Traits>;

Request to_request(const restinio::request_handle_t& req) {
  Request out;
  const auto& h = req->header();
  out.method = parse_method(h.method().c_str());
  out.path = percent_decode(h.path(), false);
  out.query_string = std::string(h.query());
  for (const auto& field : h) {
    std::string name(field.name());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = req->body();
  out.remote_address = req->remote_endpoint().address().to_string();
  return out;
}

}  // namespace

void serve(const ServerOptions& options, Dispatch dispatch,
           const std::function<void()>& on_listening) {
  // Signals are taken by this thread with sigwait; the pool threads inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::atomic<int> in_flight{0};
  std::atomic<bool> draining{false};

  auto handler = [&](restinio::request_handle_t req) -> restinio::request_handling_status_t {
    in_flight.fetch_add(1);
    Request request = to_request(req);
    Response response = dispatch(request);
    auto builder = req->create_response(restinio::http_status_line_t{
        restinio::http_status_code_t{static_cast<std::uint16_t>(response.status)},
        std::string(status_reason(response.status))});
    for (auto& [name, value] : response.headers) builder.append_header(name, std::move(value));
    if (request.method != Method::kHead) builder.set_body(std::move(response.body));
    if (draining.load()) builder.connection_close();
    // In flight until the response is written, so a drain never cuts a response short.
    builder.done([&in_flight](const auto&) { in_flight.fetch_sub(1); });
    return restinio::request_accepted();
  };

  HttpServer server{
      restinio::own_io_context(), [&](auto& settings) {
        settings.address(options.address)
            .port(options.port)
            .request_handler(handler)
            .read_next_http_message_timelimit(options.read_timeout)
            .write_http_response_timelimit(options.write_timeout)
            .handle_request_timeout(options.handler_timeout)
            .incoming_http_msg_limits(
                restinio::incoming_http_msg_limits_t{}.max_body_size(options.hard_body_limit_bytes))
            .concurrent_accepts_count(2)
            .separate_accept_and_create_connect(true);
      }};

  restinio::on_pool_runner_t<HttpServer> runner{options.threads, server};
  std::promise<std::exception_ptr> opened;
  runner.start([&opened]() noexcept { opened.set_value(nullptr); },
               [&opened](std::exception_ptr e) noexcept { opened.set_value(e); });
  if (auto error = opened.get_future().get()) {
    runner.wait();
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot listen on " + options.address + ":" +
                               std::to_string(options.port) + ": " + e.what());
    }
  }
  on_listening();

  int signal = 0;
  sigwait(&signals, &signal);

  // Graceful shutdown: stop accepting, ask keep-alive clients to close, let every request
  // already received finish and be written, then stop the pool.
  draining.store(true);
  std::promise<void> closed;
  server.close_async([&closed] { closed.set_value(); },
                     [&closed](std::exception_ptr) { closed.set_value(); });
  closed.get_future().wait();
  const auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
  while (in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  runner.stop();
  runner.wait();
}

}  // namespace jisr::http

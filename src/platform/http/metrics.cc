// src/platform/http/metrics.cc
#include "platform/http/metrics.h"

#include <cstdio>
#include <tuple>

namespace jisr::http {

const std::vector<double>& Metrics::buckets() {
  static const std::vector<double> b = {0.001, 0.0025, 0.005, 0.01, 0.02, 0.05,
                                        0.1,   0.25,   0.5,   1.0,  2.5,  5.0};
  return b;
}

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void Metrics::observe(const std::string& route, const std::string& method, int status,
                      double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, method, status}];
  auto& h = latency_[route];
  if (h.counts.empty()) h.counts.assign(buckets().size(), 0);
  for (std::size_t i = 0; i < buckets().size(); ++i) {
    if (seconds <= buckets()[i]) {
      ++h.counts[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::add_collector(std::function<void(std::string&)> render) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(render));
}

std::string Metrics::render() const {
  std::string out;
  char num[64];
  std::vector<std::function<void(std::string&)>> collectors;
  {
    std::lock_guard lock(mu_);
    out += "# HELP jisr_http_requests_total HTTP requests by route, method and status.\n";
    out += "# TYPE jisr_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto& [route, method, status] = key;
      out += "jisr_http_requests_total{route=\"" + prometheus_label(route) + "\",method=\"" +
             method + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP jisr_http_request_duration_seconds Time to produce a response, by route.\n";
    out += "# TYPE jisr_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
      const std::string label = "route=\"" + prometheus_label(route) + "\"";
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < buckets().size(); ++i) {
        cumulative += h.counts[i];
        std::snprintf(num, sizeof num, "%g", buckets()[i]);
        out += "jisr_http_request_duration_seconds_bucket{" + label + ",le=\"" + num + "\"} " +
               std::to_string(cumulative) + "\n";
      }
      out += "jisr_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
             std::to_string(h.count) + "\n";
      std::snprintf(num, sizeof num, "%.6f", h.sum);
      out += "jisr_http_request_duration_seconds_sum{" + label + "} " + num + "\n";
      out += "jisr_http_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) +
             "\n";
    }
    collectors = collectors_;
  }
  for (const auto& c : collectors) c(out);
  return out;
}

}  // namespace jisr::http

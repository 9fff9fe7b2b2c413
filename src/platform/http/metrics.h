// src/platform/http/metrics.h
//
// Request counters and latency histograms per route, rendered in the Prometheus text format
// at /metrics together with gauges supplied by other layers (database pool). Label values
// are route patterns ("/api/v1/organizations/{id}"), never raw paths, so cardinality stays
// bounded whatever clients send.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace jisr::http {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static const std::vector<double>& buckets();

  void observe(const std::string& route, const std::string& method, int status, double seconds);

  // A gauge or counter whose value is read at scrape time: `render` appends complete
  // Prometheus lines (with # HELP / # TYPE) to its argument.
  void add_collector(std::function<void(std::string&)> render);

  std::string render() const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> counts;  // per bucket, not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::vector<std::function<void(std::string&)>> collectors_;
};

// Escapes a Prometheus label value.
std::string prometheus_label(const std::string& value);

}  // namespace jisr::http

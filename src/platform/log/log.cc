// src/platform/log/log.cc
#include "platform/log/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace jisr::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::atomic<bool> g_json{true};

spdlog::logger& sink() {
  // A dedicated logger writing the already formatted line as is, thread-safe.
  static auto logger = [] {
    auto l =
        std::make_shared<spdlog::logger>("jisr", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

std::string timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void configure(Level min_level, bool json) {
  g_min_level.store(static_cast<int>(min_level));
  g_json.store(json);
}

Level parse_level(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warn") return Level::kWarn;
  if (name == "error") return Level::kError;
  throw std::invalid_argument("unknown log level: " + std::string(name));
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < g_min_level.load()) return;
  nlohmann::json line;
  line["ts"] = timestamp();
  line["level"] = level_name(level);
  line["event"] = event;
  for (const auto& [key, value] : fields) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            line[std::string(key)] = std::string(v);
          } else {
            line[std::string(key)] = v;
          }
        },
        value);
  }
  if (g_json.load()) {
    // 'replace' keeps a line valid JSON even if a field carries invalid UTF-8.
    sink().info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    std::string text =
        line["ts"].get<std::string>() + " " + level_name(level) + " " + std::string(event);
    for (auto it = line.begin(); it != line.end(); ++it) {
      if (it.key() == "ts" || it.key() == "level" || it.key() == "event") continue;
      text +=
          " " + it.key() + "=" +
          (it->is_string() ? it->get<std::string>()
                           : it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    sink().info(text);
  }
}

}  // namespace jisr::log

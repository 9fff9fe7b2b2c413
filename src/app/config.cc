// src/app/config.cc
#include "app/config.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace jisr::app {

std::pair<std::string, std::uint16_t> parse_listen(const std::string& value) {
  const auto bad = [&value]() {
    return std::invalid_argument("--listen must be HOST:PORT (e.g. 127.0.0.1:8080), got '" + value +
                                 "'");
  };
  const auto colon = value.rfind(':');
  if (colon == std::string::npos) throw bad();
  std::string host = value.substr(0, colon);
  const std::string port_text = value.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  if (port_text.empty() || port_text.size() > 5) throw bad();
  for (char c : port_text) {
    if (c < '0' || c > '9') throw bad();
  }
  const long port = std::stol(port_text);
  if (port < 1 || port > 65535) throw bad();
  return {host, static_cast<std::uint16_t>(port)};
}

std::string default_web_root() {
  if (const char* env = std::getenv("JISR_WEB_ROOT"); env && *env) return env;
#ifdef JISR_SOURCE_DIR
  if (std::filesystem::is_directory(std::filesystem::path(JISR_SOURCE_DIR) / "web")) {
    return JISR_SOURCE_DIR;
  }
#endif
  return std::filesystem::current_path().string();
}

}  // namespace jisr::app

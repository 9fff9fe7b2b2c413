// src/app/config.h — configuration helpers shared by the subcommands.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace jisr::app {

// Parses "HOST:PORT", "[IPV6]:PORT" or ":PORT" (all interfaces). Throws
// std::invalid_argument with a message naming the value.
std::pair<std::string, std::uint16_t> parse_listen(const std::string& value);

// Where web/ and node_modules/ are: $JISR_WEB_ROOT, else the source tree this binary was
// built from, else the current directory.
std::string default_web_root();

}  // namespace jisr::app

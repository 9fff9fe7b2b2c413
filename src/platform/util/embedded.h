// src/platform/util/embedded.h — files compiled into the binary (migrations, reference
// data); see cmake/embed.cmake.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace jisr {

struct EmbeddedFile {
  std::string_view path;     // relative to the repository root, e.g. "migrations/0001_x.sql"
  std::string_view content;  // the bytes, not NUL-terminated
};

// All embedded files, sorted by the build as globbed (not guaranteed; sort if order matters).
const std::vector<EmbeddedFile>& embedded_files();

// The content of the embedded file at `path`, if any.
std::optional<std::string_view> embedded_file(std::string_view path);

}  // namespace jisr

// src/platform/export/csv_write.h — writing CSV (RFC 4180 quoting) for exports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jisr::csv {

// The UTF-8 byte order mark: with it, Excel opens a UTF-8 CSV with the right characters.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One line with `separator` between fields and CRLF at the end; a field containing the
// separator, a quote, CR or LF is quoted with its quotes doubled. A field starting with
// = + - @ (a formula for spreadsheets) is prefixed with ' so that it stays text.
std::string format_row(const std::vector<std::string>& fields, char separator);

}  // namespace jisr::csv

// src/platform/util/csv.h — RFC 4180 CSV reading (quoted fields, doubled quotes, CRLF),
// with the separator detected between ',' and ';' (French Excel writes ';').
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace jisr::csv {

class ParseError : public std::runtime_error {
 public:
  ParseError(std::size_t line, const std::string& what)
      : std::runtime_error("line " + std::to_string(line) + ": " + what), line_(line) {}
  std::size_t line() const { return line_; }

 private:
  std::size_t line_;
};

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> row_lines;  // line number (1-based) where each row starts
  char separator = ',';
};

// Parses `text` (a UTF-8 BOM is skipped). With `separator` 0, the separator is the one of
// ',' and ';' that occurs more often in the header line outside quotes. Blank lines are
// skipped. Throws ParseError on an unterminated quote or invalid UTF-8.
Table parse(std::string_view text, char separator = 0);

// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace jisr::csv

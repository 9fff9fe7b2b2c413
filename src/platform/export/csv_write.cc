// src/platform/export/csv_write.cc
#include "platform/export/csv_write.h"

namespace jisr::csv {

std::string format_row(const std::vector<std::string>& fields, char separator) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(separator);
    std::string f = fields[i];
    // Spreadsheet formula injection: a cell typed by a user must never run as a formula.
    // A plain negative number ("-7.6") stays a number.
    if (!f.empty() &&
        (f[0] == '=' || f[0] == '+' || f[0] == '@' ||
         (f[0] == '-' && f.find_first_not_of("0123456789.,", 1) != std::string::npos))) {
      f.insert(f.begin(), '\'');
    }
    if (f.find_first_of(std::string{separator, '"', '\r', '\n'}) != std::string::npos) {
      std::string q = "\"";
      for (char c : f) {
        if (c == '"') q.push_back('"');
        q.push_back(c);
      }
      q.push_back('"');
      f = std::move(q);
    }
    out += f;
  }
  out += "\r\n";
  return out;
}

}  // namespace jisr::csv

// src/platform/export/xlsx.h
//
// Writes one-sheet XLSX workbooks with libxlsxwriter in constant-memory mode (rows go to
// a temporary file as they come, so a large export does not grow the process), with the
// sheet right-to-left when asked (Arabic). Knows cells and rows, nothing of the domain.
//
// Usage:
//   xlsx::Writer w({"Établissements", false});
//   w.add_row({std::string("Nom"), std::string("Capacité")}, /*bold=*/true);
//   w.add_row({std::string("Dar Al Atfal"), std::int64_t{40}});
//   std::string bytes = w.finish();
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace jisr::xlsx {

// An empty cell, text, a whole number or a decimal number.
using Cell = std::variant<std::monostate, std::string, std::int64_t, double>;

struct Options {
  std::string sheet_name = "Sheet1";  // cut to 31 characters; []:*?/\ replaced
  bool right_to_left = false;
};

class Writer {
 public:
  // Throws std::runtime_error when the workbook cannot be created.
  explicit Writer(const Options& options);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Appends a row below the previous one; `bold` for a header row.
  void add_row(const std::vector<Cell>& cells, bool bold = false);
  // Closes the workbook and returns the bytes of the .xlsx file; the writer is then done.
  // Throws std::runtime_error when libxlsxwriter reports an error.
  std::string finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

inline constexpr const char* kContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace jisr::xlsx

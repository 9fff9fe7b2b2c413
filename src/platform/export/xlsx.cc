// src/platform/export/xlsx.cc
#include "platform/export/xlsx.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace jisr::xlsx {

struct Writer::State {
  std::string path;
  lxw_workbook* workbook = nullptr;
  lxw_worksheet* sheet = nullptr;
  lxw_format* bold = nullptr;
  lxw_row_t row = 0;
};

namespace {

std::string safe_sheet_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    out.push_back(std::string("[]:*?/\\").find(c) == std::string::npos ? c : '-');
  }
  // 31 characters at most, cut on a UTF-8 character boundary.
  std::size_t chars = 0, i = 0;
  for (; i < out.size(); ++i) {
    if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 && ++chars > 31) break;
  }
  out.resize(i);
  return out.empty() ? "Sheet1" : out;
}

}  // namespace

Writer::Writer(const Options& options) : state_(std::make_unique<State>()) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "jisr-xlsx-XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw std::runtime_error("xlsx: cannot create a temporary file");
  ::close(fd);
  state_->path = tmpl;
  lxw_workbook_options o = {};
  o.constant_memory = LXW_TRUE;
  state_->workbook = workbook_new_opt(state_->path.c_str(), &o);
  if (!state_->workbook) {
    std::filesystem::remove(state_->path);
    throw std::runtime_error("xlsx: cannot create the workbook");
  }
  state_->sheet =
      workbook_add_worksheet(state_->workbook, safe_sheet_name(options.sheet_name).c_str());
  if (!state_->sheet) throw std::runtime_error("xlsx: cannot add the worksheet");
  if (options.right_to_left) worksheet_right_to_left(state_->sheet);
  state_->bold = workbook_add_format(state_->workbook);
  format_set_bold(state_->bold);
}

Writer::~Writer() {
  if (state_->workbook) workbook_close(state_->workbook);
  if (!state_->path.empty()) {
    std::error_code ec;
    std::filesystem::remove(state_->path, ec);
  }
}

void Writer::add_row(const std::vector<Cell>& cells, bool bold) {
  if (!state_->workbook) throw std::logic_error("xlsx: add_row after finish");
  lxw_format* format = bold ? state_->bold : nullptr;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    const auto col = static_cast<lxw_col_t>(c);
    if (const auto* s = std::get_if<std::string>(&cells[c])) {
      worksheet_write_string(state_->sheet, state_->row, col, s->c_str(), format);
    } else if (const auto* i = std::get_if<std::int64_t>(&cells[c])) {
      worksheet_write_number(state_->sheet, state_->row, col, static_cast<double>(*i), format);
    } else if (const auto* d = std::get_if<double>(&cells[c])) {
      worksheet_write_number(state_->sheet, state_->row, col, *d, format);
    }
  }
  ++state_->row;
}

std::string Writer::finish() {
  if (!state_->workbook) throw std::logic_error("xlsx: finish called twice");
  const lxw_error err = workbook_close(state_->workbook);
  state_->workbook = nullptr;
  if (err != LXW_NO_ERROR) {
    throw std::runtime_error(std::string("xlsx: ") + lxw_strerror(err));
  }
  std::ifstream in(state_->path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace jisr::xlsx

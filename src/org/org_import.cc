// src/org/org_import.cc
#include "org/org_import.h"

#include <algorithm>
#include <set>

#include "platform/error.h"
#include "platform/util/csv.h"

namespace jisr::org {
namespace {

const std::vector<std::string>& required_columns() {
  static const std::vector<std::string> v = {"kind", "name_fr", "name_ar", "province"};
  return v;
}

// "org.validation.negative" -> "negative"
std::string code_of(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

std::string header_name(std::string h) {
  const auto b = h.find_first_not_of(" \t");
  const auto e = h.find_last_not_of(" \t");
  h = b == std::string::npos ? "" : h.substr(b, e - b + 1);
  std::transform(h.begin(), h.end(), h.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return h;
}

std::vector<std::string> split_services(const std::string& cell) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : cell) {
    if (c == '|') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

// The line (1-based) of the first byte that is not UTF-8; a line feed never sits inside a
// multi-byte sequence, so lines can be checked one by one.
std::size_t first_invalid_line(std::string_view text) {
  std::size_t line = 1, start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (!csv::is_valid_utf8(text.substr(start, end - start))) return line;
    start = end + 1;
    ++line;
  }
  return 1;
}

bool looks_like_utf16(std::string_view text) {
  return text.size() >= 2 &&
         ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'));
}

}  // namespace

const std::vector<std::string>& import_columns() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out = input_fields();
    // services after category, as in exports.
    auto it = std::find(out.begin(), out.end(), "category");
    out.insert(it + 1, "services");
    return out;
  }();
  return v;
}

const std::vector<std::string>& ignored_columns() {
  static const std::vector<std::string> v = {"id", "region", "residents_female", "residents_male",
                                             "occupancy_rate"};
  return v;
}

ImportResult import_csv(OrgService& service, const access::Principal& by, const audit::Actor& actor,
                        std::string_view text, bool dry_run) {
  if (!by.can(access::Action::kOrganizationWrite)) throw Forbidden();
  ImportResult result;
  auto fail = [&result](std::size_t row, std::string column, std::string code, std::string key) {
    result.errors.push_back({row, std::move(column), std::move(code), std::move(key)});
    return result;
  };
  if (looks_like_utf16(text)) return fail(1, "", "invalid_encoding", "org.import.invalid_encoding");
  if (!csv::is_valid_utf8(text)) {
    return fail(first_invalid_line(text), "", "invalid_encoding", "org.import.invalid_encoding");
  }
  csv::Table table;
  try {
    table = csv::parse(text);
  } catch (const csv::ParseError& e) {
    if (!csv::is_valid_utf8(text)) {
      return fail(e.line(), "", "invalid_encoding", "org.import.invalid_encoding");
    }
    return fail(e.line(), "", "malformed", "org.import.malformed");
  }
  if (table.header.empty() || (table.header.size() == 1 && header_name(table.header[0]).empty())) {
    return fail(1, "", "empty_file", "org.import.empty_file");
  }

  // The header: every required column, no unknown or repeated one.
  std::vector<std::string> columns;
  std::set<std::string> seen;
  for (const auto& raw : table.header) {
    const std::string h = header_name(raw);
    columns.push_back(h);
    if (!is_one_of(import_columns(), h) && !is_one_of(ignored_columns(), h)) {
      fail(1, h, "unknown_column", "org.import.unknown_column");
    } else if (!seen.insert(h).second) {
      fail(1, h, "duplicate_column", "org.import.duplicate_column");
    }
  }
  for (const auto& r : required_columns()) {
    if (!seen.count(r)) fail(1, r, "missing_column", "org.import.missing_column");
  }
  if (!result.errors.empty()) return result;
  if (table.rows.empty()) return fail(1, "", "no_rows", "org.import.no_rows");

  // One transaction for the whole file: earlier rows are visible to later ones (a name
  // repeated in the file is a duplicate), and nothing stays unless every row is good.
  db::Transaction tx(service.db(), db::TxMode::kWrite);
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const auto& cells = table.rows[i];
    const std::size_t line = i < table.row_lines.size() ? table.row_lines[i] : i + 2;
    if (cells.size() != columns.size()) {
      fail(line, "", cells.size() < columns.size() ? "missing_fields" : "extra_fields",
           cells.size() < columns.size() ? "org.import.missing_fields" : "org.import.extra_fields");
      continue;
    }
    OrgInput in;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (is_one_of(ignored_columns(), columns[c])) continue;
      if (columns[c] == "services") {
        in.services = split_services(cells[c]);
      } else {
        in.fields[columns[c]] = cells[c];
      }
    }
    try {
      service.create_in(tx.conn(), by, actor, in);
      ++result.created;
    } catch (const Invalid& e) {
      for (const auto& [field, key] : e.fields()) fail(line, field, code_of(key), key);
    } catch (const Conflict& e) {
      for (const auto& [field, key] : e.fields()) fail(line, field, "duplicate", key);
    } catch (const Forbidden&) {
      fail(line, "province", "out_of_scope", "org.import.out_of_scope");
    }
  }
  if (!result.errors.empty()) {
    result.created = 0;
    return result;  // the transaction rolls back
  }
  if (!dry_run) {
    tx.commit();
    result.committed = true;
  }
  return result;
}

}  // namespace jisr::org

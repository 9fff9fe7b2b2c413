// src/org/org_export.h
//
// Exports of the filtered organizations list: CSV (UTF-8 with BOM, ';' separator, as
// French Excel expects; the header is the column codes of docs/import.md, so an export
// can be edited and imported back) and XLSX (translated headers, right-to-left sheet in
// Arabic). Only what the caller may see is exported; the caller writes the audit entry.
#pragma once

#include <functional>
#include <string>

#include "org/org_service.h"

namespace jisr::org {

// The columns of an export: the import columns plus read-only ones (id first; region and
// occupancy at the end).
const std::vector<std::string>& export_columns();

struct ExportResult {
  std::string body;
  std::int64_t rows = 0;
};

ExportResult export_csv(OrgService& service, const access::Principal& by, const OrgFilter& filter,
                        const Sort& sort);

// `label` translates a column code into the header text; `sheet_name` names the sheet.
ExportResult export_xlsx(OrgService& service, const access::Principal& by, const OrgFilter& filter,
                         const Sort& sort, bool right_to_left, const std::string& sheet_name,
                         const std::function<std::string(const std::string&)>& label);

}  // namespace jisr::org

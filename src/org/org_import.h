// src/org/org_import.h
//
// Import of organizations and institutions from a CSV file (docs/import.md): UTF-8 with or
// without BOM, ',' or ';' separators. Every row is validated by the service's own rules; a
// dry run reports every row-level error and writes nothing; a real import writes all rows
// in one transaction (with one audit entry per record) or, if any row is wrong, nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "org/org_service.h"

namespace jisr::org {

struct ImportError {
  std::size_t row = 0;  // line of the file (the header is line 1)
  std::string column;   // CSV column, or "" for the whole row/file
  std::string code;     // stable code: invalid_encoding, missing_column, negative, ...
  std::string message_key;
};

struct ImportResult {
  int created = 0;  // rows valid (dry run) or written (import)
  std::vector<ImportError> errors;
  bool committed = false;
};

// The columns the import reads, and the read-only columns of exports that it ignores.
const std::vector<std::string>& import_columns();
const std::vector<std::string>& ignored_columns();

// Needs organization.write (Forbidden); rows outside the caller's scope are row errors.
ImportResult import_csv(OrgService& service, const access::Principal& by, const audit::Actor& actor,
                        std::string_view text, bool dry_run);

}  // namespace jisr::org

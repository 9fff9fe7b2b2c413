// src/org/org_store.h
//
// The SQL of the organizations registry: reading and writing organizations with their
// institution part, services, staff and authorization history. No rules here: the caller
// (org_service) has checked permission, scope and validity and holds the transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "org/organization.h"
#include "platform/db/database.h"

namespace jisr::org {

struct OrgFilter {
  std::optional<std::string> kind;
  std::optional<std::string> province;
  std::optional<std::string> region;
  std::optional<std::string> category;
  std::optional<std::string> authorization_status;
  std::optional<std::string> q;  // part of a name or of the authorization number
  // Institutions whose authorization (authorized or provisional) expires on or before
  // this date, expired ones included.
  std::optional<std::string> expiring_by;
};

enum class SortKey { kName, kProvince, kCapacity, kExpiry };
struct Sort {
  SortKey key = SortKey::kName;
  bool descending = false;
  std::string lang = "fr";  // kName sorts on the name in this language's script
};
// "name", "-capacity", ... ; nullopt when unknown.
std::optional<Sort> parse_sort(const std::string& text);
std::string format_sort(const Sort& s);

// Where a page ended: the sort value and the id of its last row (opaque to clients).
struct After {
  std::string value;
  std::string id;
};
std::string encode_after(const After& a);
std::optional<After> decode_after(const std::string& text);

// `scope_sql` is a condition over o.region_code / o.province_code / o.id with its
// parameters already in `params`.
struct Listed {
  Organization org;
  std::string sort_value;  // for the cursor after this row
};
std::vector<Listed> list(db::Connection& conn, const std::string& scope_sql,
                         std::vector<db::Value> params, const OrgFilter& filter, const Sort& sort,
                         const std::optional<After>& after, int limit);
std::int64_t count(db::Connection& conn, const std::string& scope_sql,
                   std::vector<db::Value> params, const OrgFilter& filter);
// Calls `fn` for every matching organization in sort order, a page at a time (exports).
void for_each(db::Connection& conn, const std::string& scope_sql,
              const std::vector<db::Value>& params, const OrgFilter& filter, const Sort& sort,
              const std::function<void(const Organization&)>& fn);

std::optional<Organization> find(db::Connection& conn, const std::string& id);
void insert(db::Connection& conn, const Organization& o);
// Writes `o` (whose version is already the new one) if the row still has `expected_version`;
// false when it does not (a concurrent edit).
bool update(db::Connection& conn, const Organization& o, std::int64_t expected_version);

void add_history(db::Connection& conn, const std::string& organization_id,
                 const AuthorizationChange& change);
std::vector<AuthorizationChange> history(db::Connection& conn, const std::string& organization_id);

// The duplicate rule: another organization of the same kind in the same province with the
// same French or Arabic name (compared by name_key). Returns the field that collides.
std::optional<std::string> duplicate_field(db::Connection& conn, const Organization& o);

}  // namespace jisr::org

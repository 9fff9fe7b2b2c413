// src/org/org_export.cc
#include "org/org_export.h"

#include <cstdio>

#include "org/occupancy.h"
#include "org/org_import.h"
#include "platform/export/csv_write.h"
#include "platform/export/xlsx.h"

namespace jisr::org {
namespace {

std::string decimal(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", d);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// One row as cells, in export_columns() order.
std::vector<xlsx::Cell> cells_of(const Organization& o, const Occupancy& occ) {
  std::vector<xlsx::Cell> out;
  const Institution* i = o.institution ? &*o.institution : nullptr;
  auto text = [](const std::optional<std::string>& s) -> xlsx::Cell {
    if (s) return *s;
    return std::monostate{};
  };
  for (const auto& c : export_columns()) {
    if (c == "id")
      out.emplace_back(o.id);
    else if (c == "kind")
      out.emplace_back(o.kind);
    else if (c == "name_fr")
      out.push_back(text(o.name_fr));
    else if (c == "name_ar")
      out.push_back(text(o.name_ar));
    else if (c == "province")
      out.emplace_back(o.province_code);
    else if (c == "region")
      out.emplace_back(o.region_code);
    else if (c == "address")
      out.push_back(text(o.address));
    else if (c == "phone")
      out.push_back(text(o.phone));
    else if (c == "email")
      out.push_back(text(o.email));
    else if (!i)
      out.emplace_back(std::monostate{});
    else if (c == "category")
      out.emplace_back(i->category);
    else if (c == "services") {
      std::string s;
      for (const auto& x : i->services) s += (s.empty() ? "" : "|") + x;
      out.emplace_back(s);
    } else if (c == "managed_by")
      out.push_back(text(i->managed_by));
    else if (c == "director")
      out.push_back(text(i->director));
    else if (c == "capacity_female")
      out.emplace_back(i->capacity_female);
    else if (c == "capacity_male")
      out.emplace_back(i->capacity_male);
    else if (c.rfind("staff_", 0) == 0) {
      auto it = i->staff.find(c.substr(6));
      out.emplace_back(it == i->staff.end() ? std::int64_t{0} : it->second);
    } else if (c == "latitude") {
      out.push_back(i->latitude ? xlsx::Cell(*i->latitude) : xlsx::Cell(std::monostate{}));
    } else if (c == "longitude") {
      out.push_back(i->longitude ? xlsx::Cell(*i->longitude) : xlsx::Cell(std::monostate{}));
    } else if (c == "authorization_status")
      out.emplace_back(i->authorization.status);
    else if (c == "authorization_number")
      out.push_back(text(i->authorization.number));
    else if (c == "authorization_date")
      out.push_back(text(i->authorization.date));
    else if (c == "authorization_expires_on")
      out.push_back(text(i->authorization.expires_on));
    else if (c == "residents_female")
      out.emplace_back(occ.female);
    else if (c == "residents_male")
      out.emplace_back(occ.male);
    else if (c == "occupancy_rate") {
      out.push_back(i->capacity() > 0 ? xlsx::Cell(static_cast<double>(occ.total()) /
                                                   static_cast<double>(i->capacity()))
                                      : xlsx::Cell(std::monostate{}));
    } else
      out.emplace_back(std::monostate{});
  }
  return out;
}

std::string as_text(const xlsx::Cell& c) {
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&c)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&c)) return decimal(*d);
  return "";
}

// Streams the list a page at a time, with the occupancy of each page in one call.
void each_row(OrgService& service, const access::Principal& by, const OrgFilter& filter,
              const Sort& sort, const std::function<void(const std::vector<xlsx::Cell>&)>& fn) {
  std::vector<Organization> page;
  auto flush = [&] {
    std::vector<std::string> ids;
    for (const auto& o : page) {
      if (o.institution) ids.push_back(o.id);
    }
    std::map<std::string, Occupancy> occ;
    if (!ids.empty()) {
      auto lease = service.db().acquire();
      occ = occupancies_of(*lease, ids);
    }
    for (const auto& o : page) {
      auto it = occ.find(o.id);
      fn(cells_of(o, it == occ.end() ? Occupancy{} : it->second));
    }
    page.clear();
  };
  service.for_each(by, filter, sort, [&](const Organization& o) {
    page.push_back(o);
    if (page.size() >= 500) flush();
  });
  flush();
}

}  // namespace

const std::vector<std::string>& export_columns() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out = {"id"};
    for (const auto& c : import_columns()) out.push_back(c);
    for (const char* c : {"region", "residents_female", "residents_male", "occupancy_rate"}) {
      out.emplace_back(c);
    }
    return out;
  }();
  return v;
}

ExportResult export_csv(OrgService& service, const access::Principal& by, const OrgFilter& filter,
                        const Sort& sort) {
  ExportResult r;
  r.body = std::string(csv::kUtf8Bom) + csv::format_row(export_columns(), ';');
  each_row(service, by, filter, sort, [&r](const std::vector<xlsx::Cell>& cells) {
    std::vector<std::string> fields;
    for (const auto& c : cells) fields.push_back(as_text(c));
    r.body += csv::format_row(fields, ';');
    ++r.rows;
  });
  return r;
}

ExportResult export_xlsx(OrgService& service, const access::Principal& by, const OrgFilter& filter,
                         const Sort& sort, bool right_to_left, const std::string& sheet_name,
                         const std::function<std::string(const std::string&)>& label) {
  xlsx::Writer w({sheet_name, right_to_left});
  std::vector<xlsx::Cell> header;
  for (const auto& c : export_columns()) header.emplace_back(label(c));
  w.add_row(header, true);
  ExportResult r;
  each_row(service, by, filter, sort, [&](const std::vector<xlsx::Cell>& cells) {
    w.add_row(cells);
    ++r.rows;
  });
  r.body = w.finish();
  return r;
}

}  // namespace jisr::org

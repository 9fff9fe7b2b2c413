// src/org/org_web_common.cc
#include "org/org_web_common.h"

#include <nlohmann/json.hpp>

#include "org/org_export.h"
#include "platform/error.h"
#include "platform/export/xlsx.h"
#include "platform/web/api.h"

namespace jisr::org {

OrgFilter filter_from_query(const http::Request& r) {
  OrgFilter f;
  auto read = [&r](const char* name, std::optional<std::string>& target,
                   const std::vector<std::string>* vocabulary) {
    auto v = r.query(name);
    if (!v || v->empty()) return;
    if (vocabulary && !is_one_of(*vocabulary, *v)) {
      throw BadRequest("error.bad_request", {{name, "org.error.invalid_filter"}});
    }
    target = *v;
  };
  read("kind", f.kind, &kinds());
  read("province", f.province, nullptr);
  read("region", f.region, nullptr);
  read("category", f.category, &categories());
  read("authorization_status", f.authorization_status, &authorization_statuses());
  read("q", f.q, nullptr);
  if (f.q && f.q->size() > 200)
    throw BadRequest("error.bad_request", {{"q", "validation.too_long"}});
  return f;
}

Sort sort_from_query(const http::Request& r) {
  auto s = parse_sort(r.query("sort").value_or(""));
  if (!s) throw BadRequest("error.bad_request", {{"sort", "org.error.invalid_sort"}});
  s->lang = r.lang;
  return *s;
}

std::optional<After> after_from_query(const http::Request& r) {
  auto c = r.query("cursor");
  if (!c || c->empty()) return std::nullopt;
  auto decoded = web::decode_cursor(*c);
  std::optional<After> a;
  if (decoded) a = decode_after(*decoded);
  if (!a) throw BadRequest("error.invalid_cursor", {{"cursor", "error.invalid_cursor"}});
  return a;
}

std::string cursor_of(const Listed& last) {
  return web::encode_cursor(encode_after({last.sort_value, last.org.id}));
}

http::Response export_response(OrgService& service, const web::ModuleContext& ctx,
                               const http::Request& r, const OrgFilter& filter, const Sort& sort,
                               const std::string& file_stem) {
  const auto& p = access::require(r, access::Action::kExport);
  const auto& by = access::require(r, access::Action::kOrganizationRead);
  const std::string format = r.query("format").value_or("csv");
  if (format != "csv" && format != "xlsx") {
    throw BadRequest("error.bad_request", {{"format", "org.error.invalid_format"}});
  }
  ExportResult result;
  http::Response resp;
  if (format == "csv") {
    result = export_csv(service, by, filter, sort);
    resp = http::Response::text(200, std::move(result.body), "text/csv; charset=utf-8");
  } else {
    result = export_xlsx(service, by, filter, sort, r.lang == "ar",
                         ctx.catalogs.get(r.lang, "org.export.sheet"),
                         [&ctx, &r](const std::string& column) {
                           return ctx.catalogs.get(r.lang, "org.column." + column);
                         });
    resp = http::Response::text(200, std::move(result.body), xlsx::kContentType);
  }
  resp.set_header("Content-Disposition",
                  "attachment; filename=\"" + file_stem + "." + format + "\"");
  nlohmann::json details = {{"format", format}, {"rows", result.rows}};
  nlohmann::json f = nlohmann::json::object();
  for (const auto& [k, v] : {std::pair{"kind", filter.kind},
                             {"province", filter.province},
                             {"region", filter.region},
                             {"category", filter.category},
                             {"authorization_status", filter.authorization_status},
                             {"q", filter.q},
                             {"expiring_by", filter.expiring_by}}) {
    if (v) f[k] = *v;
  }
  details["filter"] = std::move(f);
  audit::Place place;
  switch (p.scope.level) {
    case access::ScopeLevel::kRegion:
      place.region_code = p.scope.code;
      break;
    case access::ScopeLevel::kProvince:
      place.province_code = p.scope.code;
      break;
    case access::ScopeLevel::kOrganization:
      place.organization_id = p.scope.code;
      break;
    case access::ScopeLevel::kNational:
      break;
  }
  audit::record(ctx.db, access::actor_of(r), "export", "organization", std::nullopt, details,
                place);
  return resp;
}

}  // namespace jisr::org

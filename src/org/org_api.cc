// src/org/org_api.cc
#include "org/org_api.h"

#include <nlohmann/json.hpp>

#include "access/principal.h"
#include "org/occupancy.h"
#include "org/org_import.h"
#include "org/org_web_common.h"
#include "platform/error.h"
#include "platform/web/api.h"

namespace jisr::org {
namespace {

using access::Action;

// A scalar as the text the validation reads: strings as they are, integers and decimals
// printed, null as "" (clears). Other types are an error on the field.
void scalar(const nlohmann::json& v, const std::string& flat, OrgInput& in,
            std::map<std::string, std::string>& errors) {
  if (v.is_null()) {
    in.fields[flat] = "";
  } else if (v.is_string()) {
    in.fields[flat] = v.get<std::string>();
  } else if (v.is_number_integer()) {
    in.fields[flat] = std::to_string(v.get<std::int64_t>());
  } else if (v.is_number()) {
    in.fields[flat] = v.dump();
  } else {
    errors[api_field_name(flat)] = "validation.invalid_type";
  }
}

void text_only(const nlohmann::json& body, const char* key, OrgInput& in,
               std::map<std::string, std::string>& errors) {
  auto it = body.find(key);
  if (it == body.end()) return;
  if (!it->is_null() && !it->is_string()) {
    errors[key] = "validation.invalid_type";
    return;
  }
  in.fields[key] = it->is_null() ? "" : it->get<std::string>();
}

// Renames the fields of a service error to the API's names and rethrows it.
[[noreturn]] void rethrow_api_names(const Error& e) {
  std::map<std::string, std::string> fields;
  for (const auto& [f, k] : e.fields()) fields[api_field_name(f)] = k;
  if (e.http_status() == 409) throw Conflict(e.code(), e.message_key(), fields);
  throw Invalid(fields, e.message_key());
}

nlohmann::json full_json(OrgService& service, const access::Principal& p, const Organization& o) {
  if (!o.institution) return to_json(o);
  auto lease = service.db().acquire();
  const Occupancy occ = occupancy_of(*lease, o.id);
  const auto hist = history(*lease, o.id);
  (void)p;
  return to_json(o, &occ, &hist);
}

nlohmann::json list_body(OrgService& service, std::vector<Listed> rows, int limit,
                         std::int64_t total) {
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.pop_back();
  std::vector<std::string> ids;
  for (const auto& l : rows) {
    if (l.org.institution) ids.push_back(l.org.id);
  }
  std::map<std::string, Occupancy> occ;
  if (!ids.empty()) {
    auto lease = service.db().acquire();
    occ = occupancies_of(*lease, ids);
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& l : rows) {
    auto it = occ.find(l.org.id);
    const Occupancy o = it == occ.end() ? Occupancy{} : it->second;
    items.push_back(to_json(l.org, l.org.institution ? &o : nullptr));
  }
  nlohmann::json body = {{"items", std::move(items)}, {"next_cursor", nullptr}, {"total", total}};
  if (more) body["next_cursor"] = cursor_of(rows.back());
  return body;
}

std::int64_t version_of(const nlohmann::json& body, std::map<std::string, std::string>& errors) {
  auto it = body.find("version");
  if (it == body.end() || !it->is_number_integer()) {
    errors["version"] = "validation.required";
    return 0;
  }
  return it->get<std::int64_t>();
}

}  // namespace

std::string api_field_name(const std::string& flat) {
  if (flat == "capacity_female") return "capacity.female";
  if (flat == "capacity_male") return "capacity.male";
  if (flat == "latitude") return "coordinates.lat";
  if (flat == "longitude") return "coordinates.lon";
  if (flat.rfind("staff_", 0) == 0) return "staff." + flat.substr(6);
  if (flat.rfind("authorization_", 0) == 0) return "authorization." + flat.substr(14);
  return flat;
}

OrgInput input_from_json(const nlohmann::json& body, std::map<std::string, std::string>& errors) {
  OrgInput in;
  for (const char* key : {"kind", "name_fr", "name_ar", "province", "address", "phone", "email",
                          "category", "managed_by", "director"}) {
    text_only(body, key, in, errors);
  }
  if (auto it = body.find("services"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) {
      errors["services"] = "validation.invalid_type";
    } else {
      in.services.emplace();
      for (const auto& s : *it) {
        if (!s.is_string()) {
          errors["services"] = "validation.invalid_type";
        } else {
          in.services->push_back(s.get<std::string>());
        }
      }
    }
  } else if (it != body.end()) {
    in.services.emplace();
  }
  auto object = [&](const char* key, const std::vector<std::pair<std::string, std::string>>& map,
                    bool allow_null) -> const nlohmann::json* {
    auto it = body.find(key);
    if (it == body.end()) return nullptr;
    if (it->is_null() && allow_null) {
      for (const auto& [sub, flat] : map) in.fields[flat] = "";
      return nullptr;
    }
    if (!it->is_object()) {
      errors[key] = "validation.invalid_type";
      return nullptr;
    }
    for (const auto& [sub, flat] : map) {
      if (auto s = it->find(sub); s != it->end()) scalar(*s, flat, in, errors);
    }
    return &*it;
  };
  object("capacity", {{"female", "capacity_female"}, {"male", "capacity_male"}}, false);
  object("coordinates", {{"lat", "latitude"}, {"lon", "longitude"}}, true);
  if (const auto* a = object("authorization",
                             {{"status", "authorization_status"},
                              {"number", "authorization_number"},
                              {"date", "authorization_date"},
                              {"expires_on", "authorization_expires_on"}},
                             false)) {
    (void)a;
  }
  std::vector<std::pair<std::string, std::string>> staff;
  for (const auto& f : staff_functions()) staff.emplace_back(f, "staff_" + f);
  if (const auto* s = object("staff", staff, false)) {
    for (const auto& [k, v] : s->items()) {
      if (!is_one_of(staff_functions(), k))
        errors["staff." + k] = "org.validation.unknown_staff_function";
    }
  }
  return in;
}

void register_api_routes(http::Router& router, const web::ModuleContext& ctx,
                         std::shared_ptr<OrgService> service) {
  using http::Method;

  router.add(Method::kGet, "/api/v1/organizations", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kOrganizationRead);
    const auto params = web::parse_list_params(r);
    const auto filter = filter_from_query(r);
    const auto sort = sort_from_query(r);
    auto rows = service->list(p, filter, sort, after_from_query(r), params.limit + 1);
    return web::json_response(
        200, list_body(*service, std::move(rows), params.limit, service->count(p, filter)));
  });

  router.add(Method::kPost, "/api/v1/organizations", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kOrganizationWrite);
    const auto body = web::parse_json_body(r);
    std::map<std::string, std::string> errors;
    OrgInput in = input_from_json(body, errors);
    if (!errors.empty()) throw Invalid(errors);
    try {
      auto o = service->create(p, access::actor_of(r), in);
      auto resp = web::json_response(201, full_json(*service, p, o));
      resp.set_header("Location", "/api/v1/organizations/" + o.id);
      return resp;
    } catch (const Invalid& e) {
      rethrow_api_names(e);
    } catch (const Conflict& e) {
      rethrow_api_names(e);
    }
  });

  router.add(Method::kGet, "/api/v1/organizations/{id}", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kOrganizationRead);
    return web::json_response(200, full_json(*service, p, service->get(p, r.param("id"))));
  });

  router.add(Method::kPatch, "/api/v1/organizations/{id}", [service](http::Request& r) {
    const auto& p = access::require_login(r);
    if (!p.can(Action::kOrganizationWrite) && !p.can(Action::kInstitutionWrite)) {
      throw Forbidden();
    }
    const auto body = web::parse_json_body(r);
    std::map<std::string, std::string> errors;
    const auto version = version_of(body, errors);
    OrgInput in = input_from_json(body, errors);
    if (!errors.empty()) throw Invalid(errors);
    try {
      auto o = service->update(p, access::actor_of(r), r.param("id"), in, version);
      return web::json_response(200, full_json(*service, p, o));
    } catch (const Invalid& e) {
      rethrow_api_names(e);
    } catch (const Conflict& e) {
      if (e.code() == "stale_version") throw;
      rethrow_api_names(e);
    }
  });

  router.add(Method::kGet, "/api/v1/institutions/expiring", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kOrganizationRead);
    const auto params = web::parse_list_params(r);
    OrgFilter filter = filter_from_query(r);
    filter.kind = "eps";
    int days = kExpiryWarningDays;
    if (auto d = r.query("within_days"); d && !d->empty()) {
      try {
        days = std::stoi(*d);
      } catch (const std::exception&) {
        days = -1;
      }
      if (days < 0 || days > 3650) {
        throw BadRequest("error.bad_request", {{"within_days", "org.error.invalid_days"}});
      }
    }
    filter.expiring_by = OrgService::today_plus(days);
    Sort sort;
    sort.key = SortKey::kExpiry;
    auto rows = service->list(p, filter, sort, after_from_query(r), params.limit + 1);
    auto body = list_body(*service, std::move(rows), params.limit, service->count(p, filter));
    const std::string today = OrgService::today_plus(0);
    for (auto& item : body["items"]) {
      const std::string exp = item["authorization"]["expires_on"].get<std::string>();
      item["expired"] = exp < today;
    }
    body["expiring_by"] = *filter.expiring_by;
    return web::json_response(200, body);
  });

  router.add(Method::kPost, "/api/v1/organizations/import", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kOrganizationWrite);
    const std::string dry = r.query("dry_run").value_or("false");
    if (dry != "true" && dry != "false") {
      throw BadRequest("error.bad_request", {{"dry_run", "validation.invalid_boolean"}});
    }
    const bool dry_run = dry == "true";
    auto result = import_csv(*service, p, access::actor_of(r), r.body, dry_run);
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : result.errors) {
      errors.push_back({{"row", e.row},
                        {"column", e.column.empty() ? nlohmann::json() : nlohmann::json(e.column)},
                        {"code", e.code},
                        {"message", ctx.catalogs.get(r.lang, e.message_key)}});
    }
    nlohmann::json body = {{"created", result.created}, {"dry_run", dry_run}, {"errors", errors}};
    if (!result.errors.empty()) {
      body["error"] = {{"code", "import_failed"},
                       {"message", ctx.catalogs.get(r.lang, "org.import.failed")}};
      return web::json_response(422, body);
    }
    return web::json_response(dry_run ? 200 : 201, body);
  });

  router.add(Method::kGet, "/api/v1/organizations/export", [service, ctx](http::Request& r) {
    access::require(r, Action::kOrganizationRead);
    return export_response(*service, ctx, r, filter_from_query(r), sort_from_query(r),
                           "organizations");
  });
}

}  // namespace jisr::org

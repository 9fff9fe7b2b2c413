// src/territory/territory_http.cc
#include "territory/territory_http.h"

#include <map>
#include <nlohmann/json.hpp>

#include "platform/error.h"
#include "platform/web/api.h"
#include "territory/territory.h"

namespace jisr::territory {
namespace {

nlohmann::json to_json(const Territory& t) {
  return {{"id", t.code},
          {"code", t.code},
          {"level", t.level},
          {"parent_code", t.parent_code ? nlohmann::json(*t.parent_code) : nlohmann::json()},
          {"kind", t.kind},
          {"name_fr", t.name_fr},
          {"name_ar", t.name_ar}};
}

ListFilter filter_from(const http::Request& r) {
  ListFilter f;
  if (auto level = r.query("level"); level && !level->empty()) {
    if (*level != "region" && *level != "province") {
      throw BadRequest("error.bad_request", {{"level", "error.invalid_level"}});
    }
    f.level = *level;
  }
  if (auto parent = r.query("parent"); parent && !parent->empty()) f.parent_code = *parent;
  return f;
}

http::Response list_api(const web::ModuleContext& ctx, http::Request& r) {
  const auto params = web::parse_list_params(r);
  const auto filter = filter_from(r);
  auto lease = ctx.db.acquire();
  auto rows = list(*lease, filter, params.after, params.limit + 1);
  nlohmann::json items = nlohmann::json::array();
  const bool more = static_cast<int>(rows.size()) > params.limit;
  if (more) rows.pop_back();
  for (const auto& t : rows) items.push_back(to_json(t));
  nlohmann::json body = {{"items", std::move(items)}, {"next_cursor", nullptr}};
  if (more) body["next_cursor"] = web::encode_cursor(rows.back().code);
  return web::json_response(200, body);
}

http::Response get_api(const web::ModuleContext& ctx, http::Request& r) {
  auto lease = ctx.db.acquire();
  auto t = find(*lease, r.param("code"));
  if (!t) throw NotFound("error.unknown_territory");
  return web::json_response(200, to_json(*t));
}

http::Response page(const web::ModuleContext& ctx, http::Request& r) {
  std::vector<Territory> all;
  {
    auto lease = ctx.db.acquire();
    all = list(*lease, {}, std::nullopt, 1000);
  }
  const bool ar = r.lang == "ar";
  auto names = [ar](const Territory& t, nlohmann::json& out) {
    out["name"] = ar ? t.name_ar : t.name_fr;
    out["name_other"] = ar ? t.name_fr : t.name_ar;
    out["other_lang"] = ar ? "fr" : "ar";
  };
  std::map<std::string, nlohmann::json> regions;  // by code: ordered
  int province_count = 0;
  for (const auto& t : all) {
    if (t.level != "region") continue;
    nlohmann::json region = {{"code", t.code}, {"provinces", nlohmann::json::array()}};
    names(t, region);
    regions[t.code] = std::move(region);
  }
  for (const auto& t : all) {
    if (t.level != "province" || !t.parent_code) continue;
    auto it = regions.find(*t.parent_code);
    if (it == regions.end()) continue;
    nlohmann::json p = {{"code", t.code},
                        {"kind", t.kind},
                        {"kind_label", ctx.catalogs.get(r.lang, "territory.kind." + t.kind)}};
    names(t, p);
    it->second["provinces"].push_back(std::move(p));
    ++province_count;
  }
  nlohmann::json list = nlohmann::json::array();
  for (auto& [code, region] : regions) {
    region["province_count"] = region["provinces"].size();
    list.push_back(std::move(region));
  }
  nlohmann::json data = {{"regions", std::move(list)},
                         {"region_count", regions.size()},
                         {"province_count", province_count}};
  return ctx.pages.render(r, 200, "territory/index", "page.territories.title", "territories", data);
}

}  // namespace

void register_routes(http::Router& router, const web::ModuleContext& ctx) {
  router.add(http::Method::kGet, "/api/v1/territories",
             [ctx](http::Request& r) { return list_api(ctx, r); });
  router.add(http::Method::kGet, "/api/v1/territories/{code}",
             [ctx](http::Request& r) { return get_api(ctx, r); });
  router.add(http::Method::kGet, "/territories", [ctx](http::Request& r) { return page(ctx, r); });
}

void describe_api(nlohmann::json& paths, nlohmann::json& schemas) {
  schemas["Territory"] = {
      {"type", "object"},
      {"required", {"id", "code", "level", "kind", "name_fr", "name_ar"}},
      {"properties",
       {{"id", {{"type", "string"}, {"description", "Same as code."}}},
        {"code", {{"type", "string"}, {"example", "MA-CAS"}, {"description", "ISO 3166-2:MA"}}},
        {"level", {{"type", "string"}, {"enum", {"region", "province"}}}},
        {"parent_code", {{"type", "string"}, {"nullable", true}}},
        {"kind", {{"type", "string"}, {"enum", {"region", "province", "prefecture"}}}},
        {"name_fr", {{"type", "string"}}},
        {"name_ar", {{"type", "string"}}}}}};
  schemas["TerritoryList"] = {
      {"type", "object"},
      {"required", {"items", "next_cursor"}},
      {"properties",
       {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Territory"}}}}},
        {"next_cursor", {{"type", "string"}, {"nullable", true}}}}}};
  paths["/api/v1/territories"]["get"] = {
      {"summary", "List regions and provinces/prefectures"},
      {"operationId", "listTerritories"},
      {"parameters",
       {{{"name", "level"},
         {"in", "query"},
         {"schema", {{"type", "string"}, {"enum", {"region", "province"}}}}},
        {{"name", "parent"},
         {"in", "query"},
         {"description", "Region code: its provinces only"},
         {"schema", {{"type", "string"}}}},
        {{"$ref", "#/components/parameters/limit"}},
        {{"$ref", "#/components/parameters/cursor"}}}},
      {"responses",
       {{"200",
         {{"description", "A page of territories ordered by code"},
          {"content",
           {{"application/json",
             {{"schema", {{"$ref", "#/components/schemas/TerritoryList"}}}}}}}}},
        {"400", {{"$ref", "#/components/responses/BadRequest"}}}}}};
  paths["/api/v1/territories/{code}"]["get"] = {
      {"summary", "One territory"},
      {"operationId", "getTerritory"},
      {"parameters",
       {{{"name", "code"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}}},
      {"responses",
       {{"200",
         {{"description", "The territory"},
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Territory"}}}}}}}}},
        {"404", {{"$ref", "#/components/responses/NotFound"}}}}}};
}

}  // namespace jisr::territory

// src/org/org_api_doc.cc — the OpenAPI description of the registry's API.
#include <nlohmann/json.hpp>

#include "org/org_http.h"
#include "org/organization.h"

namespace jisr::org {
namespace {

nlohmann::json ref(const char* name) {
  return {
      {"application/json", {{"schema", {{"$ref", std::string("#/components/schemas/") + name}}}}}};
}

nlohmann::json err(const char* text) {
  return {
      {"description", text},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

nlohmann::json query(const char* name, nlohmann::json schema, const char* description = "") {
  nlohmann::json p = {{"name", name}, {"in", "query"}, {"schema", std::move(schema)}};
  if (*description) p["description"] = description;
  return p;
}

nlohmann::json enum_of(const std::vector<std::string>& v) {
  return {{"type", "string"}, {"enum", v}};
}

nlohmann::json filters() {
  return nlohmann::json::array(
      {query("kind", enum_of(kinds())),
       query("province", {{"type", "string"}}, "Province/prefecture code (MA-CAS)"),
       query("region", {{"type", "string"}}, "Region code (MA-06)"),
       query("category", enum_of(categories())),
       query("authorization_status", enum_of(authorization_statuses())),
       query("q", {{"type", "string"}},
             "Part of a name (French or Arabic) or of the authorization number"),
       query("sort",
             {{"type", "string"},
              {"enum",
               {"name", "-name", "province", "-province", "capacity", "-capacity", "expiry",
                "-expiry"}}},
             "Sort key; '-' for descending")});
}

const nlohmann::json kId = {
    {"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};

}  // namespace

void describe_api(nlohmann::json& paths, nlohmann::json& schemas) {
  nlohmann::json counts = {{"type", "object"}, {"properties", nlohmann::json::object()}};
  for (const auto& f : staff_functions()) {
    counts["properties"][f] = {{"type", "integer"}, {"minimum", 0}};
  }
  schemas["Organization"] = {
      {"type", "object"},
      {"description",
       "An organization; when kind is eps (an institution under law 65.15) it also has the "
       "institution fields. Validation errors name fields with dots (capacity.female)."},
      {"required", {"id", "kind", "province", "version"}},
      {"properties",
       {{"id", {{"type", "string"}, {"readOnly", true}}},
        {"kind", enum_of(kinds())},
        {"name_fr", {{"type", "string"}, {"nullable", true}}},
        {"name_ar", {{"type", "string"}, {"nullable", true}}},
        {"province", {{"type", "string"}, {"example", "MA-CAS"}}},
        {"region", {{"type", "string"}, {"readOnly", true}}},
        {"address", {{"type", "string"}, {"nullable", true}}},
        {"phone", {{"type", "string"}, {"nullable", true}}},
        {"email", {{"type", "string"}, {"nullable", true}}},
        {"version", {{"type", "integer"}}},
        {"created_at", {{"type", "string"}, {"format", "date-time"}, {"readOnly", true}}},
        {"updated_at", {{"type", "string"}, {"format", "date-time"}, {"readOnly", true}}},
        {"category", enum_of(categories())},
        {"services", {{"type", "array"}, {"items", enum_of(services())}}},
        {"managed_by",
         {{"type", "string"}, {"nullable", true}, {"description", "Organization id"}}},
        {"director", {{"type", "string"}, {"nullable", true}}},
        {"capacity",
         {{"type", "object"},
          {"properties",
           {{"female", {{"type", "integer"}, {"minimum", 0}}},
            {"male", {{"type", "integer"}, {"minimum", 0}}},
            {"total", {{"type", "integer"}, {"readOnly", true}}}}}}},
        {"staff", counts},
        {"coordinates",
         {{"type", "object"},
          {"nullable", true},
          {"properties",
           {{"lat", {{"type", "number"}, {"minimum", 20.5}, {"maximum", 36.5}}},
            {"lon", {{"type", "number"}, {"minimum", -17.5}, {"maximum", -0.9}}}}}}},
        {"authorization",
         {{"type", "object"},
          {"properties",
           {{"status", enum_of(authorization_statuses())},
            {"number", {{"type", "string"}, {"nullable", true}}},
            {"date", {{"type", "string"}, {"format", "date"}, {"nullable", true}}},
            {"expires_on", {{"type", "string"}, {"format", "date"}, {"nullable", true}}}}}}},
        {"occupancy",
         {{"type", "object"},
          {"readOnly", true},
          {"description", "Derived from admissions, never typed in"},
          {"properties",
           {{"female", {{"type", "integer"}}},
            {"male", {{"type", "integer"}}},
            {"total", {{"type", "integer"}}},
            {"rate", {{"type", "number"}, {"nullable", true}}},
            {"staff_to_resident_ratio", {{"type", "number"}, {"nullable", true}}}}}}},
        {"authorization_history",
         {{"type", "array"},
          {"readOnly", true},
          {"description", "Only in GET /api/v1/organizations/{id}"},
          {"items", {{"type", "object"}}}}}}}};
  schemas["OrganizationList"] = {
      {"type", "object"},
      {"required", {"items", "next_cursor", "total"}},
      {"properties",
       {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Organization"}}}}},
        {"next_cursor", {{"type", "string"}, {"nullable", true}}},
        {"total",
         {{"type", "integer"}, {"description", "Matching records in the caller's scope"}}}}}};
  schemas["ImportResult"] = {{"type", "object"},
                             {"properties",
                              {{"created", {{"type", "integer"}}},
                               {"dry_run", {{"type", "boolean"}}},
                               {"errors",
                                {{"type", "array"},
                                 {"items",
                                  {{"type", "object"},
                                   {"properties",
                                    {{"row", {{"type", "integer"}}},
                                     {"column", {{"type", "string"}, {"nullable", true}}},
                                     {"code", {{"type", "string"}}},
                                     {"message", {{"type", "string"}}}}}}}}}}}};

  auto list_params = filters();
  list_params.push_back({{"$ref", "#/components/parameters/limit"}});
  list_params.push_back({{"$ref", "#/components/parameters/cursor"}});
  paths["/api/v1/organizations"]["get"] = {
      {"summary", "Organizations and institutions in the caller's scope"},
      {"operationId", "listOrganizations"},
      {"parameters", list_params},
      {"responses",
       {{"200", {{"description", "A page"}, {"content", ref("OrganizationList")}}},
        {"400", {{"$ref", "#/components/responses/BadRequest"}}},
        {"403", err("Not allowed")}}}};
  paths["/api/v1/organizations"]["post"] = {
      {"summary", "Create an organization (an institution with kind eps)"},
      {"operationId", "createOrganization"},
      {"requestBody", {{"required", true}, {"content", ref("Organization")}}},
      {"responses",
       {{"201", {{"description", "Created"}, {"content", ref("Organization")}}},
        {"403", err("Not allowed, or outside the caller's scope")},
        {"409", err("duplicate: same kind, name and province as an existing organization")},
        {"422", err("Invalid fields")}}}};
  paths["/api/v1/organizations/{id}"]["get"] = {
      {"summary", "One organization, with occupancy and authorization history"},
      {"operationId", "getOrganization"},
      {"parameters", {kId}},
      {"responses",
       {{"200", {{"description", "The organization"}, {"content", ref("Organization")}}},
        {"404", {{"$ref", "#/components/responses/NotFound"}}}}}};
  paths["/api/v1/organizations/{id}"]["patch"] = {
      {"summary",
       "Edit; `version` must be current. Capacity, staff, services, director and coordinates "
       "need institution.write, other fields organization.write"},
      {"operationId", "updateOrganization"},
      {"parameters", {kId}},
      {"requestBody", {{"required", true}, {"content", ref("Organization")}}},
      {"responses",
       {{"200", {{"description", "Updated"}, {"content", ref("Organization")}}},
        {"403", err("Not allowed")},
        {"404", {{"$ref", "#/components/responses/NotFound"}}},
        {"409", err("Stale version or duplicate")},
        {"422", err("Invalid fields")}}}};
  auto expiring_params = filters();
  expiring_params.push_back(query("within_days", {{"type", "integer"}, {"default", 90}}));
  expiring_params.push_back({{"$ref", "#/components/parameters/limit"}});
  expiring_params.push_back({{"$ref", "#/components/parameters/cursor"}});
  paths["/api/v1/institutions/expiring"]["get"] = {
      {"summary",
       "Institutions (authorized or provisional) whose authorization has expired or expires "
       "within `within_days` days, soonest first; items carry `expired`"},
      {"operationId", "listExpiringInstitutions"},
      {"parameters", expiring_params},
      {"responses",
       {{"200", {{"description", "A page"}, {"content", ref("OrganizationList")}}},
        {"403", err("Not allowed")}}}};
  paths["/api/v1/organizations/import"]["post"] = {
      {"summary",
       "Import organizations from CSV (docs/import.md). All rows or none; a dry run writes "
       "nothing"},
      {"operationId", "importOrganizations"},
      {"parameters", {query("dry_run", {{"type", "boolean"}, {"default", false}})}},
      {"requestBody",
       {{"required", true}, {"content", {{"text/csv", {{"schema", {{"type", "string"}}}}}}}}},
      {"responses",
       {{"200", {{"description", "Dry run: no error"}, {"content", ref("ImportResult")}}},
        {"201", {{"description", "Imported"}, {"content", ref("ImportResult")}}},
        {"403", err("Not allowed")},
        {"413", {{"$ref", "#/components/responses/PayloadTooLarge"}}},
        {"422",
         {{"description", "Row errors; nothing written"}, {"content", ref("ImportResult")}}}}}};
  auto export_params = filters();
  export_params.push_back(query("format", {{"type", "string"}, {"enum", {"csv", "xlsx"}}}));
  paths["/api/v1/organizations/export"]["get"] = {
      {"summary",
       "Export the filtered list: CSV (UTF-8 with BOM, ';') or XLSX. Written to the audit log"},
      {"operationId", "exportOrganizations"},
      {"parameters", export_params},
      {"responses",
       {{"200",
         {{"description", "The file"},
          {"content",
           {{"text/csv", {{"schema", {{"type", "string"}}}}},
            {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}}},
        {"403", err("Not allowed")}}}};
}

}  // namespace jisr::org

// src/app/openapi.cc
#include "app/openapi.h"

#include <nlohmann/json.hpp>

#include "access/access_http.h"
#include "audit/audit_http.h"
#include "casework/casework_http.h"
#include "dedupreview/review_http.h"
#include "org/org_http.h"
#include "person/person_http.h"
#include "territory/territory_http.h"

namespace jisr::app {
namespace {

nlohmann::json build() {
  nlohmann::json doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "Jisr API"},
                 {"version", "1"},
                 {"description",
                  "JSON API of Jisr, the information system for social protection (Ministry of "
                  "Solidarity, Social Inclusion and Family / INDH). Lists use ?limit= and "
                  "?cursor=; errors use the body {error: {code, message, fields}}."}};
  doc["servers"] = {{{"url", "/"}}};
  nlohmann::json paths = nlohmann::json::object();
  nlohmann::json schemas = nlohmann::json::object();
  schemas["Error"] = {
      {"type", "object"},
      {"required", {"error"}},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", {"code", "message"}},
          {"properties",
           {{"code", {{"type", "string"}}},
            {"message", {{"type", "string"}, {"description", "In the caller's language"}}},
            {"fields", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}}}}}}};
  auto error_response = [](const char* text) {
    return nlohmann::json{
        {"description", text},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  };
  nlohmann::json responses = {
      {"BadRequest", error_response("Malformed request or parameter")},
      {"NotFound", error_response("Not found or not visible to the caller")},
      {"PayloadTooLarge", error_response("Request body too large")}};
  nlohmann::json parameters = {
      {"limit",
       {{"name", "limit"},
        {"in", "query"},
        {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}, {"default", 50}}}}},
      {"cursor",
       {{"name", "cursor"},
        {"in", "query"},
        {"description", "next_cursor of the previous page"},
        {"schema", {{"type", "string"}}}}},
      {"lang",
       {{"name", "lang"},
        {"in", "query"},
        {"schema", {{"type", "string"}, {"enum", {"fr", "ar", "en"}}}}}}};

  paths["/api/v1/openapi.json"]["get"] = {
      {"summary", "This document"},
      {"operationId", "getOpenApi"},
      {"responses", {{"200", {{"description", "OpenAPI 3 document"}}}}}};
  territory::describe_api(paths, schemas);
  access::AccessModule::describe_api(paths, schemas);
  audit::describe_api(paths, schemas);
  org::describe_api(paths, schemas);
  person::describe_api(paths, schemas);
  casework::describe_api(paths, schemas);
  dedupreview::describe_api(paths, schemas);

  doc["paths"] = std::move(paths);
  doc["components"] = {
      {"schemas", std::move(schemas)},
      {"responses", std::move(responses)},
      {"parameters", std::move(parameters)},
      {"securitySchemes",
       {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
        {"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "jisr_session"}}}}}};
  doc["security"] = {{{"bearer", nlohmann::json::array()}}, {{"session", nlohmann::json::array()}}};
  return doc;
}

}  // namespace

const nlohmann::json& openapi_document() {
  static const nlohmann::json doc = build();
  return doc;
}

}  // namespace jisr::app

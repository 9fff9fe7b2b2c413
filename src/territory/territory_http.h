// src/territory/territory_http.h — the territories API and page.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::territory {

// GET /api/v1/territories, GET /api/v1/territories/{code}, GET /territories.
void register_routes(http::Router& router, const web::ModuleContext& ctx);

// Adds this module's paths and schemas to an OpenAPI document.
void describe_api(nlohmann::json& paths, nlohmann::json& schemas);

}  // namespace jisr::territory

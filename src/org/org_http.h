// src/org/org_http.h
//
// The organizations registry on the web: the JSON API (/api/v1/organizations,
// /api/v1/institutions/expiring, import and export) and the pages (/institutions,
// /organizations, their forms, the expiring list and the import page).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::org {

void register_routes(http::Router& router, const web::ModuleContext& ctx);

// Adds this module's API paths and schemas to the OpenAPI document.
void describe_api(nlohmann::json& paths, nlohmann::json& schemas);

}  // namespace jisr::org

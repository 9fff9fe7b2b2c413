// src/casework/casework_http.h
//
// Casework on the web: the JSON API (cases, their services, notes, assessment and plan;
// referrals; admissions; alerts) and the pages (caseload, case page, forms, referral queue,
// admission and discharge).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::casework {

// Registers every casework route (API and pages).
void register_routes(http::Router& router, const web::ModuleContext& ctx);

// Adds the casework API paths and schemas to the OpenAPI document.
void describe_api(nlohmann::json& paths, nlohmann::json& schemas);

// The API routes only (casework_api.cc) and the pages only (casework_pages.cc).
void register_api_routes(http::Router& router, const web::ModuleContext& ctx);
void register_page_routes(http::Router& router, const web::ModuleContext& ctx);

}  // namespace jisr::casework

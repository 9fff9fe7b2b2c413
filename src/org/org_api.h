// src/org/org_api.h — the registry's JSON API routes (see API.md and describe_api).
#pragma once

#include <memory>

#include <nlohmann/json_fwd.hpp>

#include "org/org_input.h"
#include "org/org_service.h"
#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::org {

void register_api_routes(http::Router& router, const web::ModuleContext& ctx,
                         std::shared_ptr<OrgService> service);

// A JSON body (API shape: capacity {female, male}, authorization {...}, staff {...},
// coordinates {lat, lon}, services [...]) as an OrgInput. Wrong types are per-field
// errors under the API's names ("capacity.female").
OrgInput input_from_json(const nlohmann::json& body, std::map<std::string, std::string>& errors);

// The API's name of a flat input field: capacity_female -> capacity.female,
// latitude -> coordinates.lat, authorization_date -> authorization.date.
std::string api_field_name(const std::string& flat);

}  // namespace jisr::org

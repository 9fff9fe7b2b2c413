// src/audit/audit_http.h — GET /api/v1/audit and the /audit page (auditors and admins).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::audit {

void register_routes(http::Router& router, const web::ModuleContext& ctx);
void describe_api(nlohmann::json& paths, nlohmann::json& schemas);

}  // namespace jisr::audit

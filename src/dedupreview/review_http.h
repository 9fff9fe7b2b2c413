// src/dedupreview/review_http.h — the duplicate review queue: API (list, dismiss) and the
// page "Doublons probables / تكرارات محتملة".
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::dedupreview {

// GET /api/v1/duplicate-reviews, POST /api/v1/duplicate-reviews/{id}/dismiss,
// GET /duplicate-reviews, POST /duplicate-reviews/{id}/dismiss.
void register_routes(http::Router& router, const web::ModuleContext& ctx);

// Adds the API routes above to the OpenAPI paths and schemas.
void describe_api(nlohmann::json& paths, nlohmann::json& schemas);

}  // namespace jisr::dedupreview

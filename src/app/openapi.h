// src/app/openapi.h — the OpenAPI 3 description served at /api/v1/openapi.json, assembled
// from each module's describe_api().
#pragma once

#include <nlohmann/json_fwd.hpp>

namespace jisr::app {

// The whole document (built once, then reused).
const nlohmann::json& openapi_document();

}  // namespace jisr::app

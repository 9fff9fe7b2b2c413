// src/person/person_http.h — the people API and pages (search, register, file, edit).
#pragma once

#include <functional>

#include <nlohmann/json_fwd.hpp>

#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::person {

// Other modules add sections (cases, admissions, referrals) to a person's file: each
// contributor returns JSON for the file template, keyed by section name.
using FileSection =
    std::function<void(const http::Request&, const std::string& person_id, nlohmann::json& file)>;

void register_routes(http::Router& router, const web::ModuleContext& ctx,
                     std::vector<FileSection> sections = {});
void describe_api(nlohmann::json& paths, nlohmann::json& schemas);

}  // namespace jisr::person

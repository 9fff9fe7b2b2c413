// src/person/person_http.h — the people API and pages (search, register, file, edit).
#pragma once

#include <functional>

#include <nlohmann/json_fwd.hpp>

#include "platform/db/database.h"
#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::person {

// Other modules add sections (cases, admissions, referrals) to a person's file: each
// contributor returns JSON for the file template, keyed by section name. It reads through
// `conn`, inside the file page's one read transaction (it must not commit it).
using FileSection = std::function<void(const http::Request&, const std::string& person_id,
                                       db::Connection& conn, nlohmann::json& file)>;

class PersonSearch;

// `search`, when given, serves ?q= and the duplicate warning (it must outlive the router).
void register_routes(http::Router& router, const web::ModuleContext& ctx,
                     std::vector<FileSection> sections = {}, PersonSearch* search = nullptr);
void describe_api(nlohmann::json& paths, nlohmann::json& schemas);

}  // namespace jisr::person

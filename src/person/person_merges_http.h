// src/person/person_merges_http.h — the administrators' list of merges (page and API), each
// linking to the merged record's undo page.
#pragma once

#include <memory>

#include <nlohmann/json_fwd.hpp>

#include "person/person_service.h"
#include "platform/http/router.h"
#include "platform/web/module.h"

namespace jisr::person {

// GET /people/merges (page, 25 a page) and GET /api/v1/people/merges: merges whose merged
// record is in the caller's scope, newest first, needing person.unmerge. ?include_undone=1
// lists undone merges too; ?cursor= continues, ?limit= (1..500) sizes a page.
void register_merge_routes(http::Router& router, const web::ModuleContext& ctx,
                           std::shared_ptr<PersonService> service);

// Adds GET /api/v1/people/merges and its MergeListItem schema to the OpenAPI description.
void describe_merges_api(nlohmann::json& paths, nlohmann::json& schemas);

}  // namespace jisr::person

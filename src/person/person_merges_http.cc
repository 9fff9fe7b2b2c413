// src/person/person_merges_http.cc
#include "person/person_merges_http.h"

#include <nlohmann/json.hpp>

#include "access/principal.h"
#include "platform/error.h"
#include "platform/util/time.h"
#include "platform/web/api.h"
#include "platform/web/list_response.h"

namespace jisr::person {
namespace {

using access::Action;

constexpr int kPageSize = 25;

// The list's sort key "merged_at|id" as a cursor, and back (BadRequest when malformed).
std::string sort_key_of(const PersonService::MergeListItem& m) {
  return m.merged_at + "|" + m.id;
}

std::string cursor_of(const PersonService::MergeListItem& m) {
  return web::encode_cursor(sort_key_of(m));
}

std::optional<PersonService::MergeCursor> after_of(const web::ListParams& params) {
  if (!params.after) return std::nullopt;
  const auto bar = params.after->find('|');
  if (bar == std::string::npos || bar == 0 || bar + 1 == params.after->size()) {
    throw BadRequest("error.bad_request", {{"cursor", "error.invalid_cursor"}});
  }
  return PersonService::MergeCursor{params.after->substr(0, bar), params.after->substr(bar + 1)};
}

bool include_undone(const http::Request& r) {
  return r.query("include_undone") == "1";
}

nlohmann::json to_json(const PersonService::MergeListItem& m) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  return {{"id", m.id},
          {"person_id", m.person_id},
          {"file_number", m.file_number},
          {"into_id", m.into_id},
          {"into_file_number", m.into_file_number},
          {"merged_at", m.merged_at},
          {"merged_by", opt(m.merged_by)},
          {"undone", m.undone_at.has_value()},
          {"undone_at", opt(m.undone_at)}};
}

}  // namespace

void register_merge_routes(http::Router& router, const web::ModuleContext& ctx,
                           std::shared_ptr<PersonService> service) {
  using http::Method;
  router.add(Method::kGet, "/api/v1/people/merges", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonUnmerge);
    const auto params = web::parse_list_params(r);
    return web::list_response(
        service->list_merges(p, after_of(params), params.limit + 1, include_undone(r)),
        params.limit, [](const auto& m) { return to_json(m); }, sort_key_of);
  });

  // Like the other administrators' lists (users, audit log), reading it is not a read of a
  // person's file: it shows file numbers only, and writes no access-log entry.
  router.add(Method::kGet, "/people/merges", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonUnmerge);
    const auto params = web::parse_list_params(r);
    const int limit = r.query("limit") ? params.limit : kPageSize;
    const bool all = include_undone(r);
    auto merges = service->list_merges(p, after_of(params), limit + 1, all);
    const bool more = static_cast<int>(merges.size()) > limit;
    if (more) merges.pop_back();
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& m : merges) {
      rows.push_back({{"href", "/people/" + m.person_id},
                      {"file_number", m.file_number},
                      {"into_file_number", m.into_file_number},
                      {"merged_at", timeutil::display_utc(m.merged_at)},
                      {"merged_by", m.merged_by.value_or("—")},
                      {"undone", m.undone_at.has_value()}});
    }
    auto keep = [&](bool with_undone, const std::string& cursor) {
      std::string href = "/people/merges?include_undone=" + std::string(with_undone ? "1" : "0");
      if (r.query("limit")) href += "&limit=" + std::to_string(limit);
      if (!cursor.empty()) href += "&cursor=" + cursor;
      return href;
    };
    nlohmann::json data = {{"items", rows},
                           {"include_undone", all},
                           {"toggle_href", keep(!all, "")},
                           {"empty", rows.empty()}};
    if (more) data["next_href"] = keep(all, cursor_of(merges.back()));
    if (params.after) data["first_href"] = keep(all, "");
    return ctx.pages.render(r, 200, "person/merges", "person.page.merges", "person_merges", data);
  });
}

void describe_merges_api(nlohmann::json& paths, nlohmann::json& schemas) {
  schemas["MergeListItem"] = {
      {"type", "object"},
      {"description", "A merge of two files: file numbers only, no person's name"},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"person_id", {{"type", "string"}, {"description", "The merged record (undo page)"}}},
        {"file_number", {{"type", "string"}}},
        {"into_id", {{"type", "string"}, {"description", "The survivor"}}},
        {"into_file_number", {{"type", "string"}}},
        {"merged_at", {{"type", "string"}, {"format", "date-time"}}},
        {"merged_by", {{"type", "string"}, {"nullable", true}, {"description", "Username"}}},
        {"undone", {{"type", "boolean"}}},
        {"undone_at", {{"type", "string"}, {"nullable", true}, {"format", "date-time"}}}}}};
  auto query = [](const char* name, const char* type, const char* description) {
    return nlohmann::json{{"name", name},
                          {"in", "query"},
                          {"required", false},
                          {"description", description},
                          {"schema", {{"type", type}}}};
  };
  paths["/api/v1/people/merges"]["get"] = {
      {"summary",
       "Merges whose merged record is in scope, newest first (person.unmerge); not undone "
       "ones unless include_undone=1"},
      {"operationId", "listMerges"},
      {"parameters",
       {query("include_undone", "string", "1: undone merges too"),
        query("limit", "integer", "1..500, default 50"),
        query("cursor", "string", "next_cursor of the previous page")}},
      {"responses",
       {{"200",
         {{"description", "A page of merges"},
          {"content",
           {{"application/json",
             {{"schema",
               {{"type", "object"},
                {"properties",
                 {{"items",
                   {{"type", "array"},
                    {"items", {{"$ref", "#/components/schemas/MergeListItem"}}}}},
                  {"next_cursor", {{"type", "string"}, {"nullable", true}}}}}}}}}}}}},
        {"403",
         {{"description", "Lacks person.unmerge"},
          {"content",
           {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}}}};
}

}  // namespace jisr::person

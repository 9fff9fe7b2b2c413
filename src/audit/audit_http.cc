// src/audit/audit_http.cc
#include "audit/audit_http.h"

#include <nlohmann/json.hpp>

#include "access/principal.h"
#include "access/scope.h"
#include "audit/audit.h"
#include "platform/error.h"
#include "platform/util/time.h"
#include "platform/web/api.h"
#include "platform/web/list_response.h"

namespace jisr::audit {
namespace {

// Dates in filters are "YYYY-MM-DD"; anything else is refused rather than compared as text.
std::optional<std::string> date_param(const http::Request& r, const char* name) {
  auto v = r.query(name);
  if (!v || v->empty()) return std::nullopt;
  if (!timeutil::is_valid_date(*v)) {
    throw BadRequest("error.bad_request", {{name, "validation.invalid_date"}});
  }
  return v;
}

Filter filter_from(const http::Request& r) {
  Filter f;
  auto text = [&r](const char* name) -> std::optional<std::string> {
    auto v = r.query(name);
    if (!v || v->empty()) return std::nullopt;
    return v;
  };
  f.user = text("user");
  f.record_type = text("record_type");
  f.record_id = text("record_id");
  f.action = text("action");
  f.from = date_param(r, "from");
  f.to = date_param(r, "to");
  return f;
}

std::optional<std::int64_t> seq_cursor(const web::ListParams& p) {
  if (!p.after) return std::nullopt;
  try {
    return std::stoll(*p.after);
  } catch (const std::exception&) {
    throw BadRequest("error.bad_request", {{"cursor", "error.invalid_cursor"}});
  }
}

// Entries a scoped auditor may read: those of records inside the scope. National scope sees
// every entry, including those with no territory (logins, tokens).
ScopeCondition scope_of(const access::Principal& p) {
  if (p.scope.level == access::ScopeLevel::kNational) return nullptr;
  const access::Scope scope = p.scope;
  return [scope](std::vector<db::Value>& params) {
    return access::scope_condition(scope, "region_code", "province_code", "organization_id",
                                   params);
  };
}

nlohmann::json parsed_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(*text) : j;
}

nlohmann::json to_json(const Entry& e) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  return {{"seq", e.seq},
          {"at", e.at},
          {"user_id", opt(e.user_id)},
          {"username", opt(e.username)},
          {"action", e.action},
          {"record_type", e.record_type},
          {"record_id", opt(e.record_id)},
          {"ip", e.ip},
          {"request_id", e.request_id},
          {"before", parsed_or_null(e.before)},
          {"after", parsed_or_null(e.after)},
          {"hash", e.hash}};
}

std::string short_value(const nlohmann::json& v) {
  if (v.is_null()) return "—";
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void register_routes(http::Router& router, const web::ModuleContext& ctx) {
  router.add(http::Method::kGet, "/api/v1/audit", [ctx](http::Request& r) {
    const auto& p = access::require(r, access::Action::kAuditRead);
    const auto params = web::parse_list_params(r);
    const auto filter = filter_from(r);
    return web::list_response(
        list(ctx.db, filter, seq_cursor(params), params.limit + 1, scope_of(p)), params.limit,
        [](const auto& e) { return to_json(e); },
        [](const auto& e) { return std::to_string(e.seq); });
  });

  router.add(http::Method::kGet, "/audit", [ctx](http::Request& r) {
    const auto& p = access::require(r, access::Action::kAuditRead);
    const auto params = web::parse_list_params(r);
    const auto filter = filter_from(r);
    auto entries = list(ctx.db, filter, seq_cursor(params), params.limit + 1, scope_of(p));
    const bool more = static_cast<int>(entries.size()) > params.limit;
    if (more) entries.pop_back();
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& e : entries) {
      nlohmann::json changes = nlohmann::json::array();
      const auto before = parsed_or_null(e.before);
      const auto after = parsed_or_null(e.after);
      if (after.is_object()) {
        for (auto it = after.begin(); it != after.end(); ++it) {
          const auto b =
              before.is_object() && before.contains(it.key()) ? before[it.key()] : nlohmann::json();
          changes.push_back(
              {{"field", it.key()}, {"before", short_value(b)}, {"after", short_value(*it)}});
        }
      }
      rows.push_back({{"seq", e.seq},
                      {"at", timeutil::display_utc(e.at)},
                      {"username", e.username.value_or("—")},
                      {"action_label", ctx.catalogs.get(r.lang, "audit.action." + e.action)},
                      {"record_type", ctx.catalogs.get(r.lang, "record." + e.record_type)},
                      {"record_id", e.record_id.value_or("")},
                      {"ip", e.ip},
                      {"request_id", e.request_id},
                      {"changes", changes}});
    }
    auto opt = [](const std::optional<std::string>& v) { return v.value_or(""); };
    auto options = [&](std::vector<std::string> values, const std::string& prefix,
                       const std::optional<std::string>& selected, const std::string& all_key) {
      nlohmann::json out = nlohmann::json::array();
      out.push_back(
          {{"value", ""}, {"label", ctx.catalogs.get(r.lang, all_key)}, {"selected", !selected}});
      for (const auto& v : values) {
        out.push_back({{"value", v},
                       {"label", ctx.catalogs.get(r.lang, prefix + v)},
                       {"selected", selected == v}});
      }
      return out;
    };
    nlohmann::json data = {
        {"entries", rows},
        {"filters",
         {{"user", opt(filter.user)},
          {"record_type", opt(filter.record_type)},
          {"record_id", opt(filter.record_id)},
          {"action", opt(filter.action)},
          {"from", opt(filter.from)},
          {"to", opt(filter.to)}}},
        {"action_options",
         options({"create",         "update",       "delete",  "view",         "export",
                  "login",          "login_failed", "logout",  "token_create", "token_revoke",
                  "password_reset", "disable",      "enable",  "transition",   "reopen",
                  "assign",         "accept",       "decline", "complete",     "discharge",
                  "merge",          "unmerge"},
                 "audit.action.", filter.action, "page.audit.action_all")},
        {"record_type_options",
         options({"user", "session", "token", "organization", "person", "case", "case_note",
                  "case_service", "case_goal", "case_action", "case_assessment", "referral",
                  "admission"},
                 "record.", filter.record_type, "page.audit.record_type_all")}};
    auto keep = [&](const std::string& cursor) {
      std::string href = "/audit?user=" + http::percent_encode(opt(filter.user)) +
                         "&record_type=" + http::percent_encode(opt(filter.record_type)) +
                         "&record_id=" + http::percent_encode(opt(filter.record_id)) +
                         "&action=" + http::percent_encode(opt(filter.action)) +
                         "&from=" + http::percent_encode(opt(filter.from)) +
                         "&to=" + http::percent_encode(opt(filter.to));
      if (!cursor.empty()) href += "&cursor=" + cursor;
      return href;
    };
    if (more) data["next_href"] = keep(web::encode_cursor(std::to_string(entries.back().seq)));
    if (params.after) data["first_href"] = keep("");
    return ctx.pages.render(r, 200, "audit/index", "page.audit.title", "audit", data);
  });
}

void describe_api(nlohmann::json& paths, nlohmann::json& schemas) {
  schemas["AuditEntry"] = {{"type", "object"},
                           {"properties",
                            {{"seq", {{"type", "integer"}}},
                             {"at", {{"type", "string"}, {"format", "date-time"}}},
                             {"user_id", {{"type", "string"}, {"nullable", true}}},
                             {"username", {{"type", "string"}, {"nullable", true}}},
                             {"action", {{"type", "string"}}},
                             {"record_type", {{"type", "string"}}},
                             {"record_id", {{"type", "string"}, {"nullable", true}}},
                             {"ip", {{"type", "string"}}},
                             {"request_id", {{"type", "string"}}},
                             {"before", {{"type", "object"}, {"nullable", true}}},
                             {"after", {{"type", "object"}, {"nullable", true}}},
                             {"hash", {{"type", "string"}}}}}};
  nlohmann::json params = nlohmann::json::array();
  for (const char* name : {"user", "record_type", "record_id", "action"}) {
    params.push_back({{"name", name}, {"in", "query"}, {"schema", {{"type", "string"}}}});
  }
  for (const char* name : {"from", "to"}) {
    params.push_back(
        {{"name", name}, {"in", "query"}, {"schema", {{"type", "string"}, {"format", "date"}}}});
  }
  params.push_back({{"$ref", "#/components/parameters/limit"}});
  params.push_back({{"$ref", "#/components/parameters/cursor"}});
  paths["/api/v1/audit"]["get"] = {
      {"summary", "Audit and access log, newest first (auditors and admins)"},
      {"operationId", "listAudit"},
      {"parameters", params},
      {"responses",
       {{"200", {{"description", "A page of entries"}}},
        {"403", {{"description", "Not allowed"}}}}}};
}

}  // namespace jisr::audit

// src/dedupreview/review_http.cc
#include "dedupreview/review_http.h"

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "dedupreview/review_service.h"
#include "platform/error.h"
#include "platform/util/time.h"
#include "platform/web/api.h"
#include "platform/web/forms.h"
#include "platform/web/list_response.h"

namespace jisr::dedupreview {
namespace {

using access::Action;

nlohmann::json review_json(const Review& r) {
  return {{"id", r.id},
          {"score", r.score},
          {"status", r.status},
          {"found_at", r.found_at},
          {"decided_at", r.decided_at ? nlohmann::json(*r.decided_at) : nlohmann::json(nullptr)},
          {"person_a", person::to_json(r.a)},
          {"person_b", person::to_json(r.b)}};
}

std::string province_name(db::Connection& conn, const std::string& code, const std::string& lang) {
  auto rows =
      conn.query("SELECT name_fr, name_ar FROM territories WHERE code = $1", {db::Value(code)});
  if (rows.empty()) return code;
  return db::text_or(rows.rows[0][lang == "ar" ? 1 : 0], code);
}

nlohmann::json side(const web::ModuleContext& ctx, db::Connection& conn, const std::string& lang,
                    const person::Person& p) {
  std::string birth = p.birth_date.value_or("");
  if (birth.size() == 10)
    birth = birth.substr(8, 2) + "/" + birth.substr(5, 2) + "/" + birth.substr(0, 4);
  if (!birth.empty() && p.birth_date_precision != "exact")
    birth += " (" + ctx.catalogs.get(lang, "person.precision." + p.birth_date_precision) + ")";
  const auto join = [](const std::optional<std::string>& a, const std::optional<std::string>& b) {
    std::string out = a.value_or("");
    if (b && !b->empty()) out += (out.empty() ? "" : " ") + *b;
    return out;
  };
  return {{"id", p.id},
          {"href", "/people/" + p.id},
          {"file_number", p.file_number},
          {"name_lat", join(p.first_name_lat, p.last_name_lat)},
          {"name_ar", join(p.first_name_ar, p.last_name_ar)},
          {"birth", birth},
          {"province", province_name(conn, p.province_code, lang)}};
}

}  // namespace

void register_routes(http::Router& router, const web::ModuleContext& ctx) {
  using http::Method;
  auto service = std::make_shared<ReviewService>(ctx.db);

  router.add(Method::kGet, "/api/v1/duplicate-reviews", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonDedupReview);
    const auto params = web::parse_list_params(r);
    return web::list_response(
        service->list(p, r.query("status").value_or("pending"), params.after, params.limit + 1),
        params.limit, [](const auto& review) { return review_json(review); },
        [](const auto& review) { return review.id; });
  });

  router.add(Method::kPost, "/api/v1/duplicate-reviews/{id}/dismiss", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonDedupReview);
    return web::json_response(200,
                              review_json(service->dismiss(p, access::actor_of(r), r.param("id"))));
  });

  router.add(Method::kGet, "/duplicate-reviews", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonDedupReview);
    const auto params = web::parse_list_params(r);
    auto reviews = service->list(p, "pending", params.after, params.limit + 1);
    const bool more = static_cast<int>(reviews.size()) > params.limit;
    if (more) reviews.pop_back();
    auto lease = ctx.db.acquire();
    nlohmann::json items = nlohmann::json::array();
    for (const auto& review : reviews) {
      char score[16];
      std::snprintf(score, sizeof score, "%.0f %%", review.score * 100);
      items.push_back({{"id", review.id},
                       {"score", score},
                       {"a", side(ctx, *lease, r.lang, review.a)},
                       {"b", side(ctx, *lease, r.lang, review.b)}});
    }
    nlohmann::json data = {{"items", items},
                           {"has_items", !items.empty()},
                           {"csrf", p.csrf_token},
                           {"dismissed", r.query("dismissed").value_or("") == "1"}};
    if (more)
      data["next_href"] = "/duplicate-reviews?cursor=" + web::encode_cursor(reviews.back().id);
    if (params.after) data["first_href"] = "/duplicate-reviews";
    return ctx.pages.render(r, 200, "dedupreview/list", "dedupreview.page.title",
                            "duplicate_reviews", data);
  });

  router.add(Method::kPost, "/duplicate-reviews/{id}/dismiss", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonDedupReview);
    try {
      service->dismiss(p, access::actor_of(r), r.param("id"));
    } catch (const Conflict&) {
      // Already decided (another coordinator was quicker): the list no longer shows it.
    }
    return http::Response::redirect("/duplicate-reviews?dismissed=1");
  });
}

void describe_api(nlohmann::json& paths, nlohmann::json& schemas) {
  auto err = [](const char* d) {
    return nlohmann::json{
        {"description", d},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  };
  schemas["DuplicateReview"] = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"score", {{"type", "number"}, {"description", "match probability in [0,1]"}}},
        {"status", {{"type", "string"}, {"enum", {"pending", "dismissed", "merged"}}}},
        {"found_at", {{"type", "string"}}},
        {"decided_at", {{"type", "string"}, {"nullable", true}}},
        {"person_a", {{"$ref", "#/components/schemas/Person"}}},
        {"person_b", {{"$ref", "#/components/schemas/Person"}}}}}};
  paths["/api/v1/duplicate-reviews"]["get"] = {
      {"summary",
       "Likely duplicate pairs found by `jisr dedup --db`, both people in the caller's scope"},
      {"operationId", "listDuplicateReviews"},
      {"parameters",
       {{{"name", "status"},
         {"in", "query"},
         {"schema", {{"type", "string"}, {"enum", {"pending", "dismissed", "merged"}}}}},
        {{"$ref", "#/components/parameters/limit"}},
        {{"$ref", "#/components/parameters/cursor"}}}},
      {"responses",
       {{"200", {{"description", "A page of pairs (items, next_cursor)"}}},
        {"422", err("Invalid status")}}}};
  paths["/api/v1/duplicate-reviews/{id}/dismiss"]["post"] = {
      {"summary",
       "Not the same person: dismiss a pending pair (audited; re-runs keep it dismissed)"},
      {"operationId", "dismissDuplicateReview"},
      {"parameters",
       {{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}}},
      {"responses",
       {{"200",
         {{"description", "The dismissed pair"},
          {"content",
           {{"application/json",
             {{"schema", {{"$ref", "#/components/schemas/DuplicateReview"}}}}}}}}},
        {"404", err("Unknown pair, or a person out of scope")},
        {"409", err("Already decided")}}}};
}

}  // namespace jisr::dedupreview

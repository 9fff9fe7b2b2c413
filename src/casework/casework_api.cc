// src/casework/casework_api.cc — the casework JSON API (API.md).
#include <nlohmann/json.hpp>

#include "access/principal.h"
#include "casework/admissions.h"
#include "casework/alerts.h"
#include "casework/assessment.h"
#include "casework/case_services.h"
#include "casework/cases.h"
#include "casework/casework_http.h"
#include "casework/input.h"
#include "casework/notes.h"
#include "casework/plan.h"
#include "casework/referrals.h"
#include "casework/workflow.h"
#include "platform/error.h"
#include "platform/web/api.h"

namespace jisr::casework {
namespace {

using access::Action;
using access::actor_of;
using access::require;
using http::Method;

nlohmann::json case_json(const CaseRecord& rec, const std::string& lang) {
  auto j = to_json(rec.c);
  j["person_name"] = person::display_name(rec.person, lang);
  return j;
}

// A list page per API.md: {"items": [...], "next_cursor": ...}; `rows` holds limit + 1 rows.
template <typename T, typename ToJson, typename Key>
http::Response list_response(std::vector<T> rows, int limit, ToJson to, Key key) {
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.pop_back();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& row : rows) items.push_back(to(row));
  nlohmann::json body = {{"items", std::move(items)}, {"next_cursor", nullptr}};
  if (more) body["next_cursor"] = web::encode_cursor(key(rows.back()));
  return web::json_response(200, body);
}

std::optional<std::string> query_value(const http::Request& r, const char* name) {
  auto v = r.query(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

bool query_flag(const http::Request& r, const char* name) {
  auto v = r.query(name);
  if (!v || v->empty() || *v == "false" || *v == "0") return false;
  if (*v == "true" || *v == "1") return true;
  throw BadRequest("error.bad_request", {{name, "validation.invalid_boolean"}});
}

void throw_if(const Errors& errors) {
  if (!errors.empty()) throw Invalid(errors);
}

http::Response created(const nlohmann::json& body) {
  return web::json_response(201, body);
}

void cases_api(http::Router& router, const web::ModuleContext& ctx) {
  db::Database& db = ctx.db;
  router.add(Method::kPost, "/api/v1/cases", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    const auto body = web::parse_json_body(r);
    Errors errors;
    NewCase in;
    in.person_id = json_text(body, "person_id", errors).value_or("");
    in.module = json_text(body, "module", errors).value_or("");
    in.risk_level = json_text(body, "risk_level", errors).value_or("medium");
    in.owner_org_id = json_text(body, "owner_org", errors);
    in.assigned_user_id = non_blank(json_text(body, "assigned_user_id", errors));
    in.summary = json_text(body, "summary", errors);
    in.review_due_on = non_blank(json_text(body, "review_due_on", errors));
    throw_if(errors);
    return created(case_json(CaseService(db).open(p, actor_of(r), in), r.lang));
  });
  router.add(Method::kGet, "/api/v1/cases", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    const auto params = web::parse_list_params(r);
    CaseFilter f;
    f.person_id = query_value(r, "person");
    f.status = query_value(r, "status");
    if (f.status && *f.status != "active" && !is_status(*f.status)) {
      throw BadRequest("error.bad_request", {{"status", "case.validation.invalid_status"}});
    }
    f.module = query_value(r, "module");
    f.mine = query_flag(r, "mine");
    auto rows = CaseService(db).list(p, f, params.after, params.limit + 1);
    return list_response(
        std::move(rows), params.limit, [&r](const CaseRecord& c) { return case_json(c, r.lang); },
        [](const CaseRecord& c) { return c.c.id; });
  });
  router.add(Method::kGet, "/api/v1/cases/{id}", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    auto rec = CaseService(db).get(p, r.param("id"));
    audit::record(db, actor_of(r), "view", "case", rec.c.id, nullptr, place_of(rec));
    return web::json_response(200, case_json(rec, r.lang));
  });
  router.add(Method::kPatch, "/api/v1/cases/{id}", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    const auto body = web::parse_json_body(r);
    Errors errors;
    const auto version = json_int(body, "version", errors);
    if (!version && !errors.count("version")) errors["version"] = "validation.required";
    CasePatch patch;
    patch.risk_level = json_text(body, "risk_level", errors);
    patch.assigned_user_id = json_nullable_text(body, "assigned_user_id", errors);
    patch.summary = json_nullable_text(body, "summary", errors);
    patch.review_due_on = json_nullable_text(body, "review_due_on", errors);
    throw_if(errors);
    return web::json_response(
        200,
        case_json(CaseService(db).update(p, actor_of(r), r.param("id"), patch, *version), r.lang));
  });
  router.add(Method::kPost, "/api/v1/cases/{id}/transition", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    const auto body = web::parse_json_body(r);
    Errors errors;
    const auto to = json_text(body, "to", errors);
    if (!to && !errors.count("to")) errors["to"] = "validation.required";
    const auto reason = json_text(body, "closure_reason", errors);
    const auto version = json_int(body, "version", errors);
    throw_if(errors);
    return web::json_response(
        200,
        case_json(CaseService(db).transition(p, actor_of(r), r.param("id"), *to, reason, version),
                  r.lang));
  });
}

void case_parts_api(http::Router& router, const web::ModuleContext& ctx) {
  db::Database& db = ctx.db;
  router.add(Method::kPost, "/api/v1/cases/{id}/services", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    const auto body = web::parse_json_body(r);
    Errors errors;
    NewCaseService in;
    in.type = json_text(body, "type", errors).value_or("");
    in.provider_org_id = json_text(body, "provider_org", errors);
    in.date = json_text(body, "date", errors).value_or("");
    in.quantity = json_int(body, "quantity", errors);
    in.status = json_text(body, "status", errors).value_or("delivered");
    in.comment = json_text(body, "comment", errors);
    throw_if(errors);
    return created(to_json(record_service(db, p, actor_of(r), r.param("id"), in)));
  });
  router.add(Method::kGet, "/api/v1/cases/{id}/services", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : list_services(db, p, r.param("id"))) items.push_back(to_json(s));
    return web::json_response(200, {{"items", items}, {"next_cursor", nullptr}});
  });
  router.add(Method::kPost, "/api/v1/cases/{id}/notes", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    const auto body = web::parse_json_body(r);
    Errors errors;
    const auto text = json_text(body, "body", errors).value_or("");
    const auto confidential = json_bool(body, "confidential", errors).value_or(false);
    throw_if(errors);
    return created(to_json(add_note(db, p, actor_of(r), r.param("id"), text, confidential)));
  });
  router.add(Method::kGet, "/api/v1/cases/{id}/notes", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& n : list_notes(db, p, r.param("id"))) items.push_back(to_json(n));
    return web::json_response(200, {{"items", items}, {"next_cursor", nullptr}});
  });
  router.add(Method::kPut, "/api/v1/cases/{id}/assessment", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    const auto body = web::parse_json_body(r);
    auto it = body.find("domains");
    if (it == body.end() || !it->is_array()) throw Invalid("domains", "validation.required");
    std::vector<DomainScore> scores;
    Errors errors;
    for (const auto& d : *it) {
      if (!d.is_object()) throw Invalid("domains", "validation.invalid_type");
      Errors e;
      DomainScore s;
      s.domain = json_text(d, "domain", e).value_or("");
      s.score = json_int(d, "score", e);
      s.comment = json_text(d, "comment", e);
      if (!e.empty()) errors["domains." + s.domain] = e.begin()->second;
      scores.push_back(std::move(s));
    }
    throw_if(errors);
    return web::json_response(200,
                              to_json(save_assessment(db, p, actor_of(r), r.param("id"), scores)));
  });
  router.add(Method::kGet, "/api/v1/cases/{id}/assessment", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    return web::json_response(200, to_json(get_assessment(db, p, r.param("id"))));
  });
  router.add(Method::kPost, "/api/v1/cases/{id}/plan", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    const auto body = web::parse_json_body(r);
    Errors errors;
    const auto kind = json_text(body, "kind", errors).value_or("");
    if (kind == "goal") {
      const auto title = json_text(body, "title", errors).value_or("");
      throw_if(errors);
      const auto g = add_goal(db, p, actor_of(r), r.param("id"), title);
      return created(
          {{"id", g.id}, {"case_id", g.case_id}, {"title", g.title}, {"created_at", g.created_at}});
    }
    if (kind != "action") errors["kind"] = "case.validation.invalid_plan_kind";
    NewAction in;
    in.goal_id = json_text(body, "goal_id", errors);
    in.title = json_text(body, "title", errors).value_or("");
    in.responsible_user_id = json_text(body, "responsible_user_id", errors);
    in.responsible = json_text(body, "responsible", errors);
    in.due_on = json_text(body, "due_on", errors);
    throw_if(errors);
    return created(to_json(add_action(db, p, actor_of(r), r.param("id"), in)));
  });
  router.add(Method::kGet, "/api/v1/cases/{id}/plan", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    return web::json_response(200, to_json(get_plan(db, p, r.param("id"))));
  });
  router.add(
      Method::kPost, "/api/v1/cases/{id}/plan/actions/{action_id}/done", [&db](http::Request& r) {
        const auto& p = require(r, Action::kCaseWrite);
        const auto body = web::parse_json_body(r);
        Errors errors;
        auto done_on = json_text(body, "done_on", errors);
        throw_if(errors);
        if (!done_on) done_on = today();
        return web::json_response(200, to_json(set_action_done(db, p, actor_of(r), r.param("id"),
                                                               r.param("action_id"), done_on)));
      });
}

void referrals_api(http::Router& router, const web::ModuleContext& ctx) {
  db::Database& db = ctx.db;
  router.add(Method::kPost, "/api/v1/referrals", [&db](http::Request& r) {
    const auto& p = require(r, Action::kReferralManage);
    const auto body = web::parse_json_body(r);
    Errors errors;
    NewReferral in;
    in.case_id = json_text(body, "case_id", errors).value_or("");
    in.to_org_id = json_text(body, "to_org", errors).value_or("");
    in.kind = json_text(body, "kind", errors).value_or("service");
    in.service_type = json_text(body, "service_type", errors);
    in.reason = json_text(body, "reason", errors).value_or("");
    in.consent = json_bool(body, "consent", errors);
    throw_if(errors);
    return created(to_json(ReferralService(db).create(p, actor_of(r), in), r.lang));
  });
  router.add(Method::kGet, "/api/v1/referrals", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    const auto params = web::parse_list_params(r);
    ReferralFilter f;
    f.queue = query_value(r, "queue");
    if (f.queue && *f.queue != "incoming" && *f.queue != "outgoing") {
      throw BadRequest("error.bad_request", {{"queue", "referral.validation.invalid_queue"}});
    }
    f.status = query_value(r, "status");
    f.case_id = query_value(r, "case");
    f.person_id = query_value(r, "person");
    auto rows = ReferralService(db).list(p, f, params.after, params.limit + 1);
    return list_response(
        std::move(rows), params.limit, [&r](const ReferralRecord& x) { return to_json(x, r.lang); },
        [](const ReferralRecord& x) { return x.r.id; });
  });
  router.add(Method::kGet, "/api/v1/referrals/{id}", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    return web::json_response(200, to_json(ReferralService(db).get(p, r.param("id")), r.lang));
  });
  router.add(Method::kPost, "/api/v1/referrals/{id}/accept", [&db](http::Request& r) {
    const auto& p = require(r, Action::kReferralManage);
    return web::json_response(
        200, to_json(ReferralService(db).accept(p, actor_of(r), r.param("id")), r.lang));
  });
  router.add(Method::kPost, "/api/v1/referrals/{id}/decline", [&db](http::Request& r) {
    const auto& p = require(r, Action::kReferralManage);
    const auto body = web::parse_json_body(r);
    Errors errors;
    auto reason = json_text(body, "reason", errors);
    if (!reason) reason = json_text(body, "decline_reason", errors);
    throw_if(errors);
    return web::json_response(200, to_json(ReferralService(db).decline(
                                               p, actor_of(r), r.param("id"), reason.value_or("")),
                                           r.lang));
  });
  router.add(Method::kPost, "/api/v1/referrals/{id}/complete", [&db](http::Request& r) {
    const auto& p = require(r, Action::kReferralManage);
    return web::json_response(
        200, to_json(ReferralService(db).complete(p, actor_of(r), r.param("id")), r.lang));
  });
}

void admissions_api(http::Router& router, const web::ModuleContext& ctx) {
  db::Database& db = ctx.db;
  router.add(Method::kPost, "/api/v1/admissions", [&db](http::Request& r) {
    const auto& p = require(r, Action::kAdmissionManage);
    const auto body = web::parse_json_body(r);
    Errors errors;
    NewAdmission in;
    in.person_id = json_text(body, "person_id", errors).value_or("");
    in.institution_id = json_text(body, "institution_id", errors).value_or("");
    in.admitted_on = json_text(body, "admitted_on", errors).value_or("");
    in.reason = json_text(body, "reason", errors).value_or("");
    in.over_capacity_reason = json_text(body, "over_capacity_reason", errors);
    in.case_id = json_text(body, "case_id", errors);
    throw_if(errors);
    return created(to_json(AdmissionService(db).admit(p, actor_of(r), in), r.lang));
  });
  router.add(Method::kGet, "/api/v1/admissions", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    const auto params = web::parse_list_params(r);
    AdmissionFilter f;
    f.institution_id = query_value(r, "institution");
    f.person_id = query_value(r, "person");
    if (auto c = query_value(r, "current")) f.current = query_flag(r, "current");
    auto rows = AdmissionService(db).list(p, f, params.after, params.limit + 1);
    return list_response(
        std::move(rows), params.limit,
        [&r](const AdmissionRecord& x) { return to_json(x, r.lang); },
        [](const AdmissionRecord& x) { return x.a.id; });
  });
  router.add(Method::kGet, "/api/v1/admissions/{id}", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    return web::json_response(200, to_json(AdmissionService(db).get(p, r.param("id")), r.lang));
  });
  router.add(Method::kPost, "/api/v1/admissions/{id}/discharge", [&db](http::Request& r) {
    const auto& p = require(r, Action::kAdmissionManage);
    const auto body = web::parse_json_body(r);
    Errors errors;
    Discharge in;
    in.discharged_on = json_text(body, "discharged_on", errors).value_or("");
    in.reason = json_text(body, "reason", errors).value_or("");
    if (in.reason.empty()) in.reason = json_text(body, "discharge_reason", errors).value_or("");
    in.destination = json_text(body, "destination", errors);
    throw_if(errors);
    return web::json_response(
        200, to_json(AdmissionService(db).discharge(p, actor_of(r), r.param("id"), in), r.lang));
  });
  router.add(Method::kGet, "/api/v1/alerts", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    const bool mine = query_flag(r, "mine");
    auto lease = db.acquire();
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : alerts_for(*lease, p, mine, r.lang)) items.push_back(to_json(a));
    return web::json_response(200, {{"items", items}, {"next_cursor", nullptr}});
  });
}

}  // namespace

void register_api_routes(http::Router& router, const web::ModuleContext& ctx) {
  cases_api(router, ctx);
  case_parts_api(router, ctx);
  referrals_api(router, ctx);
  admissions_api(router, ctx);
}

void register_routes(http::Router& router, const web::ModuleContext& ctx) {
  register_api_routes(router, ctx);
  register_page_routes(router, ctx);
}

}  // namespace jisr::casework

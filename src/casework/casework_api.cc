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
#include "casework/person_view.h"
#include "casework/plan.h"
#include "casework/referrals.h"
#include "casework/workflow.h"
#include "person/person.h"
#include "platform/error.h"
#include "platform/web/api.h"
#include "platform/web/list_response.h"

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

using web::list_response;

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

// The JSON body of a request, read field by field: a field of the wrong type is noted as a
// per-field reason instead of failing at once, and check() throws Invalid with all of them.
class Body {
 public:
  explicit Body(http::Request& r) : json_(web::parse_json_body(r)) {}

  std::optional<std::string> text(const char* key) { return json_text(json_, key, errors_); }
  std::string text_or(const char* key, const char* fallback) {
    return text(key).value_or(fallback);
  }
  std::optional<std::optional<std::string>> nullable_text(const char* key) {
    return json_nullable_text(json_, key, errors_);
  }
  std::optional<std::int64_t> integer(const char* key) { return json_int(json_, key, errors_); }
  std::optional<bool> flag(const char* key) { return json_bool(json_, key, errors_); }
  // A field the request must have (validation.required when absent or null).
  template <typename T>
  T required(const char* key, std::optional<T> v) {
    if (!v && !errors_.count(key)) errors_[key] = "validation.required";
    return v.value_or(T{});
  }
  // The `version` every PATCH carries.
  std::int64_t version() { return required("version", integer("version")); }
  const nlohmann::json& json() const { return json_; }
  Errors& errors() { return errors_; }
  // Throws Invalid with every field noted so far.
  void check() const {
    if (!errors_.empty()) throw Invalid(errors_);
  }

 private:
  nlohmann::json json_;
  Errors errors_;
};

http::Response ok(const nlohmann::json& body) {
  return web::json_response(200, body);
}

http::Response created(const nlohmann::json& body) {
  return web::json_response(201, body);
}

// A whole (unpaged) list: {"items": [...], "next_cursor": null}.
template <typename T>
http::Response items_response(const std::vector<T>& rows) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& row : rows) items.push_back(to_json(row));
  return ok({{"items", std::move(items)}, {"next_cursor", nullptr}});
}

NewCase new_case_from(Body& b) {
  NewCase in;
  in.person_id = b.text_or("person_id", "");
  in.module = b.text_or("module", "");
  in.risk_level = b.text_or("risk_level", "medium");
  in.owner_org_id = b.text("owner_org");
  in.assigned_user_id = non_blank(b.text("assigned_user_id"));
  in.summary = b.text("summary");
  in.review_due_on = non_blank(b.text("review_due_on"));
  return in;
}

CasePatch case_patch_from(Body& b) {
  CasePatch patch;
  patch.risk_level = b.text("risk_level");
  patch.assigned_user_id = b.nullable_text("assigned_user_id");
  patch.summary = b.nullable_text("summary");
  patch.review_due_on = b.nullable_text("review_due_on");
  return patch;
}

NewCaseService new_service_from(Body& b) {
  NewCaseService in;
  in.type = b.text_or("type", "");
  in.provider_org_id = b.text("provider_org");
  in.date = b.text_or("date", "");
  in.quantity = b.integer("quantity");
  in.status = b.text_or("status", "delivered");
  in.comment = b.text("comment");
  return in;
}

CaseServicePatch service_patch_from(Body& b) {
  CaseServicePatch patch;
  patch.status = b.text("status");
  patch.date = b.text("date");
  patch.quantity = b.integer("quantity");
  patch.comment = b.nullable_text("comment");
  return patch;
}

NewAction new_action_from(Body& b) {
  NewAction in;
  in.goal_id = b.text("goal_id");
  in.title = b.text_or("title", "");
  in.responsible_user_id = b.text("responsible_user_id");
  in.responsible = b.text("responsible");
  in.due_on = b.text("due_on");
  return in;
}

NewReferral new_referral_from(Body& b) {
  NewReferral in;
  in.case_id = b.text_or("case_id", "");
  in.to_org_id = b.text_or("to_org", "");
  in.kind = b.text_or("kind", "service");
  in.service_type = b.text("service_type");
  in.reason = b.text_or("reason", "");
  in.consent = b.flag("consent");
  return in;
}

NewAdmission new_admission_from(Body& b) {
  NewAdmission in;
  in.person_id = b.text_or("person_id", "");
  in.institution_id = b.text_or("institution_id", "");
  in.admitted_on = b.text_or("admitted_on", "");
  in.reason = b.text_or("reason", "");
  in.over_capacity_reason = b.text("over_capacity_reason");
  in.case_id = b.text("case_id");
  return in;
}

Discharge discharge_from(Body& b) {
  Discharge in;
  in.discharged_on = b.text_or("discharged_on", "");
  in.reason = b.text_or("reason", "");
  if (in.reason.empty()) in.reason = b.text_or("discharge_reason", "");
  in.destination = b.text("destination");
  return in;
}

std::vector<DomainScore> scores_from(Body& b) {
  auto it = b.json().find("domains");
  if (it == b.json().end() || !it->is_array()) throw Invalid("domains", "validation.required");
  std::vector<DomainScore> scores;
  for (const auto& d : *it) {
    if (!d.is_object()) throw Invalid("domains", "validation.invalid_type");
    Errors e;
    DomainScore s;
    s.domain = json_text(d, "domain", e).value_or("");
    s.score = json_int(d, "score", e);
    s.comment = json_text(d, "comment", e);
    if (!e.empty()) b.errors()["domains." + s.domain] = e.begin()->second;
    scores.push_back(std::move(s));
  }
  return scores;
}

void cases_api(http::Router& router, const web::ModuleContext& ctx) {
  db::Database& db = ctx.db;
  router.add(Method::kPost, "/api/v1/cases", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    Body b(r);
    const auto in = new_case_from(b);
    b.check();
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
    return ok(case_json(rec, r.lang));
  });
  router.add(Method::kPatch, "/api/v1/cases/{id}", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    Body b(r);
    const auto version = b.version();
    const auto patch = case_patch_from(b);
    b.check();
    return ok(
        case_json(CaseService(db).update(p, actor_of(r), r.param("id"), patch, version), r.lang));
  });
  router.add(Method::kPost, "/api/v1/cases/{id}/transition", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    Body b(r);
    const auto to = b.required("to", b.text("to"));
    const auto reason = b.text("closure_reason");
    const auto version = b.integer("version");
    b.check();
    return ok(case_json(
        CaseService(db).transition(p, actor_of(r), r.param("id"), to, reason, version), r.lang));
  });
}

void case_parts_api(http::Router& router, const web::ModuleContext& ctx) {
  db::Database& db = ctx.db;
  router.add(Method::kPost, "/api/v1/cases/{id}/services", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    Body b(r);
    const auto in = new_service_from(b);
    b.check();
    return created(to_json(record_service(db, p, actor_of(r), r.param("id"), in)));
  });
  router.add(Method::kGet, "/api/v1/cases/{id}/services", [&db](http::Request& r) {
    return items_response(list_services(db, require(r, Action::kCaseRead), r.param("id")));
  });
  router.add(Method::kPatch, "/api/v1/cases/{id}/services/{service_id}", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    Body b(r);
    const auto version = b.version();
    const auto patch = service_patch_from(b);
    b.check();
    return ok(to_json(
        update_service(db, p, actor_of(r), r.param("id"), r.param("service_id"), patch, version)));
  });
  router.add(Method::kGet, "/api/v1/service-types", [&db](http::Request& r) {
    access::require_login(r);
    auto lease = db.acquire();
    return items_response(service_types(*lease));
  });
  router.add(Method::kPost, "/api/v1/cases/{id}/notes", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    Body b(r);
    const auto text = b.text_or("body", "");
    const auto confidential = b.flag("confidential").value_or(false);
    b.check();
    return created(to_json(add_note(db, p, actor_of(r), r.param("id"), text, confidential)));
  });
  router.add(Method::kGet, "/api/v1/cases/{id}/notes", [&db](http::Request& r) {
    return items_response(list_notes(db, require(r, Action::kCaseRead), r.param("id")));
  });
  router.add(Method::kPut, "/api/v1/cases/{id}/assessment", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    Body b(r);
    const auto scores = scores_from(b);
    b.check();
    return ok(to_json(save_assessment(db, p, actor_of(r), r.param("id"), scores)));
  });
  router.add(Method::kGet, "/api/v1/cases/{id}/assessment", [&db](http::Request& r) {
    return ok(to_json(get_assessment(db, require(r, Action::kCaseRead), r.param("id"))));
  });
  router.add(Method::kPost, "/api/v1/cases/{id}/plan", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseWrite);
    Body b(r);
    const auto kind = b.text_or("kind", "");
    if (kind == "goal") {
      const auto title = b.text_or("title", "");
      b.check();
      const auto g = add_goal(db, p, actor_of(r), r.param("id"), title);
      return created(
          {{"id", g.id}, {"case_id", g.case_id}, {"title", g.title}, {"created_at", g.created_at}});
    }
    if (kind != "action") b.errors()["kind"] = "case.validation.invalid_plan_kind";
    const auto in = new_action_from(b);
    b.check();
    return created(to_json(add_action(db, p, actor_of(r), r.param("id"), in)));
  });
  router.add(Method::kGet, "/api/v1/cases/{id}/plan", [&db](http::Request& r) {
    return ok(to_json(get_plan(db, require(r, Action::kCaseRead), r.param("id"))));
  });
  router.add(
      Method::kPost, "/api/v1/cases/{id}/plan/actions/{action_id}/done", [&db](http::Request& r) {
        const auto& p = require(r, Action::kCaseWrite);
        Body b(r);
        auto done_on = b.text("done_on");
        b.check();
        if (!done_on) done_on = today();
        return ok(to_json(
            set_action_done(db, p, actor_of(r), r.param("id"), r.param("action_id"), done_on)));
      });
}

void referrals_api(http::Router& router, const web::ModuleContext& ctx) {
  db::Database& db = ctx.db;
  router.add(Method::kPost, "/api/v1/referrals", [&db](http::Request& r) {
    const auto& p = require(r, Action::kReferralManage);
    Body b(r);
    const auto in = new_referral_from(b);
    b.check();
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
    return ok(to_json(ReferralService(db).get(p, r.param("id")), r.lang));
  });
  router.add(Method::kPost, "/api/v1/referrals/{id}/accept", [&db](http::Request& r) {
    const auto& p = require(r, Action::kReferralManage);
    return ok(to_json(ReferralService(db).accept(p, actor_of(r), r.param("id")), r.lang));
  });
  router.add(Method::kPost, "/api/v1/referrals/{id}/decline", [&db](http::Request& r) {
    const auto& p = require(r, Action::kReferralManage);
    Body b(r);
    auto reason = b.text("reason");
    if (!reason) reason = b.text("decline_reason");
    b.check();
    return ok(to_json(
        ReferralService(db).decline(p, actor_of(r), r.param("id"), reason.value_or("")), r.lang));
  });
  router.add(Method::kPost, "/api/v1/referrals/{id}/complete", [&db](http::Request& r) {
    const auto& p = require(r, Action::kReferralManage);
    return ok(to_json(ReferralService(db).complete(p, actor_of(r), r.param("id")), r.lang));
  });
}

void admissions_api(http::Router& router, const web::ModuleContext& ctx) {
  db::Database& db = ctx.db;
  router.add(Method::kPost, "/api/v1/admissions", [&db](http::Request& r) {
    const auto& p = require(r, Action::kAdmissionManage);
    Body b(r);
    const auto in = new_admission_from(b);
    b.check();
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
    return ok(to_json(AdmissionService(db).get(p, r.param("id")), r.lang));
  });
  router.add(Method::kPost, "/api/v1/admissions/{id}/discharge", [&db](http::Request& r) {
    const auto& p = require(r, Action::kAdmissionManage);
    Body b(r);
    const auto in = discharge_from(b);
    b.check();
    return ok(to_json(AdmissionService(db).discharge(p, actor_of(r), r.param("id"), in), r.lang));
  });
  router.add(Method::kGet, "/api/v1/alerts", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    const bool mine = query_flag(r, "mine");
    const auto params = web::parse_list_params(r);
    auto lease = db.acquire();
    auto page = alerts_page(*lease, p, mine, r.lang, params.after, params.limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& a : page.alerts) items.push_back(to_json(a));
    return ok({{"items", std::move(items)},
               {"next_cursor", page.next ? nlohmann::json(web::encode_cursor(*page.next))
                                         : nlohmann::json(nullptr)}});
  });
}

// The services of a person across the cases the caller may see, a page at a time.
void person_services_api(http::Router& router, const web::ModuleContext& ctx) {
  db::Database& db = ctx.db;
  router.add(Method::kGet, "/api/v1/people/{id}/services", [&db](http::Request& r) {
    const auto& p = require(r, Action::kCaseRead);
    const auto params = web::parse_list_params(r);
    audit::Place place;
    std::vector<ServiceSummary> rows;
    {
      auto lease = db.acquire();
      auto who = person::find_visible(*lease, p, r.param("id"));
      if (!who) throw NotFound();
      rows = services_of_person(*lease, p, who->id, r.lang, params.after, params.limit + 1);
      place = person::place_of(*who);
    }
    // Part of the person's file: its read is access-logged like the file's.
    audit::record(db, actor_of(r), "view", "person", r.param("id"), nullptr, place);
    return list_response(
        std::move(rows), params.limit, [](const ServiceSummary& s) { return to_json(s); },
        [](const ServiceSummary& s) { return service_key(s); });
  });
}

}  // namespace

void register_api_routes(http::Router& router, const web::ModuleContext& ctx) {
  cases_api(router, ctx);
  case_parts_api(router, ctx);
  referrals_api(router, ctx);
  admissions_api(router, ctx);
  person_services_api(router, ctx);
}

void register_routes(http::Router& router, const web::ModuleContext& ctx) {
  register_api_routes(router, ctx);
  register_page_routes(router, ctx);
}

}  // namespace jisr::casework

// src/casework/casework_pages.cc
//
// The casework pages: the caseload (a social worker's home), the case page with its forms,
// opening a case from a person, the referral queue, admission and discharge. Forms post with
// the session's _csrf; a refused form is shown again with the error beside each field and
// the values typed; a saved form redirects (303) back to the page.
#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "access/principal.h"
#include "casework/admissions.h"
#include "casework/alerts.h"
#include "casework/assessment.h"
#include "casework/case_services.h"
#include "casework/cases.h"
#include "casework/casework_http.h"
#include "casework/input.h"
#include "casework/institution_facts.h"
#include "casework/notes.h"
#include "casework/plan.h"
#include "casework/referrals.h"
#include "casework/vocabulary.h"
#include "casework/workflow.h"
#include "org/occupancy.h"
#include "platform/error.h"
#include "platform/util/time.h"
#include "platform/web/forms.h"

namespace jisr::casework {
namespace {

using access::Action;
using access::actor_of;
using access::Principal;
using access::require;
using http::Method;
using json = nlohmann::json;

// A form of a page that was refused: its name, what was typed and the reason per field.
struct FormState {
  std::string form;
  json values = json::object();
  Errors errors;
};

std::string label(const web::ModuleContext& ctx, const std::string& lang, const std::string& key) {
  return ctx.catalogs.get(lang, key);
}

json options(const web::ModuleContext& ctx, const std::string& lang, const std::string& prefix,
             const std::vector<std::string>& codes, const std::string& selected,
             bool blank = false) {
  json out = json::array();
  if (blank)
    out.push_back({{"value", ""},
                   {"label", label(ctx, lang, "caseload.choose")},
                   {"selected", selected.empty()}});
  for (const auto& c : codes) {
    out.push_back(
        {{"value", c}, {"label", label(ctx, lang, prefix + c)}, {"selected", c == selected}});
  }
  return out;
}

json org_options(const std::vector<OrgFacts>& orgs, const std::string& lang,
                 const std::string& selected, const std::optional<std::string>& exclude,
                 const std::string& blank_label) {
  json out = json::array();
  out.push_back({{"value", ""}, {"label", blank_label}, {"selected", selected.empty()}});
  for (const auto& o : orgs) {
    if (exclude && o.id == *exclude) continue;
    out.push_back({{"value", o.id},
                   {"label", o.name(lang) + " (" + o.province_code + ")"},
                   {"selected", o.id == selected}});
  }
  return out;
}

json translate(const web::ModuleContext& ctx, const std::string& lang, const Errors& errors) {
  json out = json::object();
  for (const auto& [field, key] : errors) {
    std::string f = field;
    for (auto& ch : f) {
      if (ch == '.') ch = '_';
    }
    out[f] = label(ctx, lang, key);
  }
  return out;
}

std::string value_of(const json& values, const char* key) {
  auto it = values.find(key);
  return it != values.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Dates as pages show them: 29/11/2026 (UX.md).
std::string display_date(const std::string& date) {
  if (date.size() < 10) return date;
  return date.substr(8, 2) + "/" + date.substr(5, 2) + "/" + date.substr(0, 4);
}

json person_json(const person::Person& p, const std::string& lang, const web::ModuleContext& ctx) {
  const std::string other = person::other_script_name(p, lang);
  return {{"id", p.id},
          {"name", person::display_name(p, lang)},
          {"name_other", other},
          {"other_lang", lang == "ar" ? "fr" : "ar"},
          {"file_number", p.file_number},
          {"sex_label", label(ctx, lang, "case.sex." + p.sex)},
          {"birth_date",
           p.birth_date ? (p.birth_date->size() == 4 ? *p.birth_date : display_date(*p.birth_date))
                        : ""},
          {"href", "/people/" + p.id}};
}

// The case page, with `state` the refused form if any.
http::Response render_case(const web::ModuleContext& ctx, const http::Request& r,
                           const Principal& p, const std::string& id, int status,
                           const FormState& state) {
  db::Database& db = ctx.db;
  const std::string& lang = r.lang;
  CaseService cases(db);
  const CaseRecord rec = cases.get(p, id);
  const Case& c = rec.c;
  const bool can_write = p.can(Action::kCaseWrite);
  // No connection is held across the page: the assessment, plan, notes, services and
  // referrals below borrow their own, and 64 requests each holding one while waiting for a
  // second drained the pool (every case page waited the 5 s timeout under load).
  auto owner = org_facts(*db.acquire(), c.owner_org_id);
  json data;
  data["csrf"] = p.csrf_token;
  data["person"] = person_json(rec.person, lang, ctx);
  std::string assigned_name;
  if (c.assigned_user_id) {
    auto u = db.acquire()->query("SELECT display_name FROM users WHERE id = $1",
                                 {db::Value(*c.assigned_user_id)});
    if (!u.empty()) assigned_name = db::text_or(u.rows[0][0], "");
  }
  data["case"] = {{"id", c.id},
                  {"version", std::to_string(c.version)},
                  {"status", c.status},
                  {"status_label", label(ctx, lang, "case.status." + c.status)},
                  {"module_label", label(ctx, lang, "case.module." + c.module)},
                  {"risk_level", c.risk_level},
                  {"risk_label", label(ctx, lang, "case.risk." + c.risk_level)},
                  {"owner_org_name", owner ? owner->name(lang) : c.owner_org_id},
                  {"assigned_name", assigned_name},
                  {"opened_on", display_date(c.opened_on)},
                  {"summary", c.summary.value_or("")},
                  {"closed", c.status == "closed"},
                  {"closure_reason_label",
                   c.closure_reason ? label(ctx, lang, "case.closure." + *c.closure_reason) : ""}};
  data["can_write"] = can_write;
  data["risk_options"] = options(ctx, lang, "case.risk.", risk_levels(), c.risk_level);
  auto errors_for = [&](const std::string& form) {
    return state.form == form ? translate(ctx, lang, state.errors) : json::object();
  };
  auto values_for = [&](const std::string& form) {
    return state.form == form ? state.values : json::object();
  };
  // Workflow buttons: every legal next status; closing has its own form with a reason.
  json moves = json::array();
  bool can_close = false;
  for (const auto& next : next_statuses(c.status)) {
    if (next == "closed") {
      can_close = true;
      continue;
    }
    moves.push_back(
        {{"to", next},
         {"label", label(ctx, lang,
                         c.status == "closed" ? "case.action.reopen" : "case.action.to_" + next)}});
  }
  data["moves"] = moves;
  data["can_close"] = can_close && can_write;
  data["closure_options"] = options(ctx, lang, "case.closure.", closure_reasons(),
                                    value_of(values_for("close"), "closure_reason"), true);
  data["close_errors"] = errors_for("close");
  data["transition_errors"] = errors_for("transition");
  data["risk_errors"] = errors_for("risk");

  // Assessment: the module's domains with their scores.
  const Assessment assessment = get_assessment(db, p, id);
  json domains = json::array();
  const json typed = values_for("assessment");
  for (const auto& d : assessment.domains) {
    std::string score = d.score ? std::to_string(*d.score) : "";
    std::string comment = d.comment.value_or("");
    if (!typed.empty()) {
      score = value_of(typed, ("score_" + d.domain).c_str());
      comment = value_of(typed, ("comment_" + d.domain).c_str());
    }
    json scores = json::array();
    scores.push_back({{"value", ""}, {"label", "—"}, {"selected", score.empty()}});
    for (int i = 0; i <= 4; ++i) {
      const std::string v = std::to_string(i);
      scores.push_back({{"value", v},
                        {"label", v + " — " + label(ctx, lang, "case.score." + v)},
                        {"selected", v == score}});
    }
    domains.push_back({{"domain", d.domain},
                       {"label", label(ctx, lang, "case.domain." + d.domain)},
                       {"score", score},
                       {"score_options", scores},
                       {"comment", comment}});
  }
  data["assessment"] = {
      {"domains", domains},
      {"assessed_at",
       assessment.assessed_at ? timeutil::display_utc(*assessment.assessed_at) : ""}};
  data["assessment_errors"] = errors_for("assessment");

  // Plan: goals with their actions, then actions without a goal.
  const Plan plan = get_plan(db, p, id);
  const std::string day = today();
  auto action_json = [&](const PlanAction& a) {
    return json{{"id", a.id},
                {"title", a.title},
                {"responsible", a.responsible_name.value_or("")},
                {"due_on", a.due_on ? display_date(*a.due_on) : ""},
                {"done_on", a.done_on ? display_date(*a.done_on) : ""},
                {"done", a.done_on.has_value()},
                {"overdue", a.overdue(day)},
                {"done_action", "/cases/" + id + "/actions/" + a.id + "/done"}};
  };
  json goals = json::array();
  json goal_options = json::array();
  goal_options.push_back({{"value", ""}, {"label", label(ctx, lang, "case.plan.no_goal")}});
  for (const auto& g : plan.goals) {
    json actions = json::array();
    for (const auto& a : plan.actions) {
      if (a.goal_id == g.id) actions.push_back(action_json(a));
    }
    goals.push_back({{"id", g.id}, {"title", g.title}, {"actions", actions}});
    goal_options.push_back({{"value", g.id},
                            {"label", g.title},
                            {"selected", value_of(values_for("action"), "goal_id") == g.id}});
  }
  json loose = json::array();
  for (const auto& a : plan.actions) {
    if (!a.goal_id) loose.push_back(action_json(a));
  }
  data["plan"] = {{"goals", goals}, {"loose_actions", loose}, {"goal_options", goal_options}};
  data["goal_values"] = values_for("goal");
  data["goal_errors"] = errors_for("goal");
  data["action_values"] = values_for("action");
  data["action_errors"] = errors_for("action");

  // Notes: confidential ones only for those allowed, marked as such.
  json notes = json::array();
  for (const auto& n : list_notes(db, p, id)) {
    notes.push_back({{"body", n.body},
                     {"confidential", n.confidential},
                     {"author", n.author_name.value_or("")},
                     {"at", timeutil::display_utc(n.created_at)}});
  }
  data["notes"] = notes;
  data["may_write_confidential"] = may_read_confidential(p, c);
  data["note_values"] = values_for("note");
  data["note_errors"] = errors_for("note");

  // Services and the catalog of types.
  const auto types = service_types(*db.acquire());
  std::map<std::string, std::string> type_names;
  std::vector<std::string> type_codes;
  for (const auto& t : types) {
    type_names[t.code] = t.name(lang);
    type_codes.push_back(t.code);
  }
  std::map<std::string, std::string> org_names;
  auto org_name = [&](const std::string& oid) {
    auto it = org_names.find(oid);
    if (it != org_names.end()) return it->second;
    auto f = org_facts(*db.acquire(), oid);
    return org_names[oid] = f ? f->name(lang) : oid;
  };
  json services = json::array();
  const json edited = values_for("service_edit");
  for (const auto& s : list_services(db, p, id)) {
    json item = {{"id", s.id},
                 {"type_label", type_names.count(s.type) ? type_names[s.type] : s.type},
                 {"provider", org_name(s.provider_org_id)},
                 {"date", display_date(s.date)},
                 {"quantity", s.quantity},
                 {"status", s.status},
                 {"status_label", label(ctx, lang, "service.status." + s.status)}};
    if (can_write) {
      // The edit form: the stored values, or what was typed when this form was refused.
      const bool refused = value_of(edited, "service_id") == s.id;
      json v = refused ? edited
                       : json{{"status", s.status},
                              {"date", s.date},
                              {"quantity", std::to_string(s.quantity)},
                              {"comment", s.comment.value_or("")},
                              {"version", std::to_string(s.version)}};
      std::vector<std::string> allowed;
      for (const auto& st : service_statuses()) {
        if (service_move_allowed(s.status, st)) allowed.push_back(st);
      }
      item["edit"] = {{"action", "/cases/" + id + "/services/" + s.id + "/edit"},
                      {"open", refused},
                      {"values", v},
                      {"errors", refused ? errors_for("service_edit") : json::object()},
                      {"status_options",
                       options(ctx, lang, "service.status.", allowed, value_of(v, "status"))}};
    }
    services.push_back(std::move(item));
  }
  data["services"] = services;
  const json sv = values_for("service");
  json type_options = json::array();
  type_options.push_back({{"value", ""}, {"label", label(ctx, lang, "caseload.choose")}});
  for (const auto& t : types) {
    type_options.push_back(
        {{"value", t.code}, {"label", t.name(lang)}, {"selected", value_of(sv, "type") == t.code}});
  }
  // The organizations to choose from (up to 500 full records) only when a form shows them:
  // the provider (can_write) and the receiving organization (can_refer).
  const bool can_refer = p.can(Action::kReferralManage) && c.status != "closed";
  const auto orgs = can_write || can_refer ? org_choices(*db.acquire(), rec.person.region_code)
                                           : std::vector<OrgFacts>{};
  data["service_values"] = sv.empty() ? json{{"date", day}, {"quantity", "1"}} : sv;
  data["service_type_options"] = type_options;
  data["service_status_options"] =
      options(ctx, lang, "service.status.", service_statuses(),
              value_of(sv, "status").empty() ? "delivered" : value_of(sv, "status"));
  data["provider_options"] = org_options(orgs, lang, value_of(sv, "provider_org"), std::nullopt,
                                         label(ctx, lang, "service.provider_default"));
  data["service_errors"] = errors_for("service");

  // Referrals of this case and the form to refer.
  ReferralFilter rf;
  rf.case_id = id;
  json referrals = json::array();
  for (const auto& x : ReferralService(db).list(p, rf, std::nullopt, 200)) {
    referrals.push_back({{"id", x.r.id},
                         {"to", org_name(x.r.to_org_id)},
                         {"reason", x.r.reason},
                         {"status", x.r.status},
                         {"status_label", label(ctx, lang, "referral.status." + x.r.status)},
                         {"decline_reason", x.r.decline_reason.value_or("")},
                         {"date", display_date(x.r.created_at.substr(0, 10))}});
  }
  data["referrals"] = referrals;
  const json rv = values_for("referral");
  data["can_refer"] = can_refer;
  data["referral_values"] = rv;
  data["referral_org_options"] = org_options(orgs, lang, value_of(rv, "to_org"), c.owner_org_id,
                                             label(ctx, lang, "caseload.choose"));
  data["referral_kind_options"] =
      options(ctx, lang, "referral.kind.", {"service", "admission"},
              value_of(rv, "kind").empty() ? "service" : value_of(rv, "kind"));
  json rtype = type_options;
  for (auto& o : rtype) o["selected"] = o["value"] == value_of(rv, "service_type");
  data["referral_type_options"] = rtype;
  data["referral_errors"] = errors_for("referral");
  data["can_admit"] = p.can(Action::kAdmissionManage);
  if (r.query("saved")) data["notice"] = label(ctx, lang, "caseload.saved");
  (void)type_codes;
  return ctx.pages.render(r, status, "casework/case", "case.page.title", "caseload", data);
}

// Runs a write of the case page: on success redirects to the section, on a refusal shows
// the page again with the form's errors and values.
template <typename Fn>
http::Response case_form(const web::ModuleContext& ctx, http::Request& r, Action action,
                         const std::string& form_name, const std::string& anchor, json values,
                         Fn&& write) {
  const Principal& p = require(r, action);
  const std::string id = r.param("id");
  try {
    write(p);
    return http::Response::redirect("/cases/" + id + "?saved=" + form_name + "#" + anchor);
  } catch (const Invalid& e) {
    return render_case(ctx, r, p, id, 422, {form_name, std::move(values), e.fields()});
  } catch (const Conflict& e) {
    return render_case(ctx, r, p, id, 409,
                       {form_name, std::move(values), {{"form", e.message_key()}}});
  }
}

json form_values(const web::Form& form, std::initializer_list<const char*> keys) {
  json v = json::object();
  for (const char* k : keys) v[k] = form.get(k);
  return v;
}

void case_page_routes(http::Router& router, const web::ModuleContext& ctx) {
  router.add(Method::kGet, "/cases/{id}", [ctx](http::Request& r) {
    const Principal& p = require(r, Action::kCaseRead);
    auto resp = render_case(ctx, r, p, r.param("id"), 200, {});
    auto rec = CaseService(ctx.db).get(p, r.param("id"));
    audit::record(ctx.db, actor_of(r), "view", "case", rec.c.id, nullptr, place_of(rec));
    return resp;
  });
  router.add(Method::kPost, "/cases/{id}/transition", [ctx](http::Request& r) {
    web::Form form(r);
    const std::string to = form.get("to");
    const bool closing = to == "closed";
    return case_form(ctx, r, Action::kCaseWrite, closing ? "close" : "transition", "workflow",
                     form_values(form, {"to", "closure_reason"}), [&](const Principal& p) {
                       CaseService(ctx.db).transition(p, actor_of(r), r.param("id"), to,
                                                      form.optional("closure_reason"),
                                                      parse_int(form.get("version")));
                     });
  });
  router.add(Method::kPost, "/cases/{id}/risk", [ctx](http::Request& r) {
    web::Form form(r);
    return case_form(ctx, r, Action::kCaseWrite, "risk", "workflow",
                     form_values(form, {"risk_level"}), [&](const Principal& p) {
                       CasePatch patch;
                       patch.risk_level = form.get("risk_level");
                       CaseService(ctx.db).update(p, actor_of(r), r.param("id"), patch,
                                                  parse_int(form.get("version")).value_or(-1));
                     });
  });
  router.add(Method::kPost, "/cases/{id}/assessment", [ctx](http::Request& r) {
    web::Form form(r);
    const Principal& p0 = require(r, Action::kCaseWrite);
    const auto rec = CaseService(ctx.db).get(p0, r.param("id"));
    json values = json::object();
    std::vector<DomainScore> scores;
    Errors typed;
    for (const auto& d : assessment_domains(rec.c.module)) {
      const std::string score = form.get("score_" + d);
      const std::string comment = form.get("comment_" + d);
      values["score_" + d] = score;
      values["comment_" + d] = comment;
      if (score.empty() && trim(comment).empty()) continue;
      auto n = parse_int(score);
      if (!n) typed["domains." + d] = "case.validation.invalid_score";
      scores.push_back({d, n, comment});
    }
    return case_form(ctx, r, Action::kCaseWrite, "assessment", "assessment", values,
                     [&](const Principal& p) {
                       if (!typed.empty()) throw Invalid(typed);
                       save_assessment(ctx.db, p, actor_of(r), r.param("id"), scores);
                     });
  });
  router.add(Method::kPost, "/cases/{id}/goals", [ctx](http::Request& r) {
    web::Form form(r);
    return case_form(ctx, r, Action::kCaseWrite, "goal", "plan", form_values(form, {"title"}),
                     [&](const Principal& p) {
                       add_goal(ctx.db, p, actor_of(r), r.param("id"), form.get("title"));
                     });
  });
  router.add(Method::kPost, "/cases/{id}/actions", [ctx](http::Request& r) {
    web::Form form(r);
    return case_form(ctx, r, Action::kCaseWrite, "action", "plan",
                     form_values(form, {"goal_id", "title", "responsible", "due_on"}),
                     [&](const Principal& p) {
                       NewAction in;
                       in.goal_id = form.get("goal_id");
                       in.title = form.get("title");
                       in.responsible = form.get("responsible");
                       in.due_on = form.get("due_on");
                       add_action(ctx.db, p, actor_of(r), r.param("id"), in);
                     });
  });
  router.add(Method::kPost, "/cases/{id}/actions/{action_id}/done", [ctx](http::Request& r) {
    return case_form(
        ctx, r, Action::kCaseWrite, "done", "plan", json::object(), [&](const Principal& p) {
          set_action_done(ctx.db, p, actor_of(r), r.param("id"), r.param("action_id"), today());
        });
  });
  router.add(Method::kPost, "/cases/{id}/notes", [ctx](http::Request& r) {
    web::Form form(r);
    return case_form(ctx, r, Action::kCaseWrite, "note", "notes",
                     form_values(form, {"body", "confidential"}), [&](const Principal& p) {
                       add_note(ctx.db, p, actor_of(r), r.param("id"), form.get("body"),
                                form.get("confidential") == "1");
                     });
  });
  router.add(Method::kPost, "/cases/{id}/services", [ctx](http::Request& r) {
    web::Form form(r);
    return case_form(ctx, r, Action::kCaseWrite, "service", "services",
                     form_values(form, {"type", "provider_org", "date", "quantity", "status"}),
                     [&](const Principal& p) {
                       NewCaseService in;
                       in.type = form.get("type");
                       in.provider_org_id = form.get("provider_org");
                       in.date = form.get("date");
                       in.status = form.get("status");
                       if (!form.get("quantity").empty()) {
                         in.quantity = parse_int(form.get("quantity"));
                         if (!in.quantity) {
                           throw Invalid("quantity", "service.validation.invalid_quantity");
                         }
                       }
                       record_service(ctx.db, p, actor_of(r), r.param("id"), in);
                     });
  });
  router.add(Method::kPost, "/cases/{id}/services/{service_id}/edit", [ctx](http::Request& r) {
    web::Form form(r);
    json values = form_values(form, {"status", "date", "quantity", "comment", "version"});
    values["service_id"] = r.param("service_id");
    return case_form(ctx, r, Action::kCaseWrite, "service_edit", "services", values,
                     [&](const Principal& p) {
                       CaseServicePatch patch;
                       patch.status = form.get("status");
                       patch.date = form.get("date");
                       patch.comment = std::optional<std::string>(form.get("comment"));
                       patch.quantity = parse_int(form.get("quantity"));
                       if (!patch.quantity) {
                         throw Invalid("quantity", "service.validation.invalid_quantity");
                       }
                       update_service(ctx.db, p, actor_of(r), r.param("id"), r.param("service_id"),
                                      patch, parse_int(form.get("version")).value_or(-1));
                     });
  });
  router.add(Method::kPost, "/cases/{id}/referrals", [ctx](http::Request& r) {
    web::Form form(r);
    return case_form(ctx, r, Action::kReferralManage, "referral", "referrals",
                     form_values(form, {"to_org", "kind", "service_type", "reason", "consent"}),
                     [&](const Principal& p) {
                       NewReferral in;
                       in.case_id = r.param("id");
                       in.to_org_id = form.get("to_org");
                       in.kind = form.get("kind").empty() ? "service" : form.get("kind");
                       in.service_type = form.get("service_type");
                       in.reason = form.get("reason");
                       in.consent = form.get("consent") == "1";
                       ReferralService(ctx.db).create(p, actor_of(r), in);
                     });
  });
}

http::Response render_new_case(const web::ModuleContext& ctx, const http::Request& r,
                               const Principal& p, const person::Person& who, int status,
                               const json& values, const Errors& errors) {
  const std::string& lang = r.lang;
  json data;
  data["csrf"] = p.csrf_token;
  data["person"] = person_json(who, lang, ctx);
  data["action"] = "/people/" + who.id + "/cases/new";
  data["values"] = values;
  data["errors"] = translate(ctx, lang, errors);
  data["module_options"] =
      options(ctx, lang, "case.module.", modules(), value_of(values, "module"), true);
  data["risk_options"] =
      options(ctx, lang, "case.risk.", risk_levels(),
              value_of(values, "risk_level").empty() ? "medium" : value_of(values, "risk_level"));
  if (!p.organization_id || !is_field_worker(p)) {
    auto lease = ctx.db.acquire();
    const std::string selected = value_of(values, "owner_org").empty()
                                     ? p.organization_id.value_or("")
                                     : value_of(values, "owner_org");
    data["owner_options"] = org_options(org_choices(*lease, who.region_code), lang, selected,
                                        std::nullopt, label(ctx, lang, "caseload.choose"));
    data["has_owner_options"] = true;
  }
  return ctx.pages.render(r, status, "casework/case_new", "case.new.title", "caseload", data);
}

std::optional<person::Person> visible_person(const web::ModuleContext& ctx, const Principal& p,
                                             const std::string& id) {
  auto lease = ctx.db.acquire();
  return person::find_visible(*lease, p, id);
}

void new_case_routes(http::Router& router, const web::ModuleContext& ctx) {
  router.add(Method::kGet, "/people/{id}/cases/new", [ctx](http::Request& r) {
    const Principal& p = require(r, Action::kCaseWrite);
    auto who = visible_person(ctx, p, r.param("id"));
    if (!who) throw NotFound();
    return render_new_case(ctx, r, p, *who, 200, json::object(), {});
  });
  router.add(Method::kPost, "/people/{id}/cases/new", [ctx](http::Request& r) {
    const Principal& p = require(r, Action::kCaseWrite);
    auto who = visible_person(ctx, p, r.param("id"));
    if (!who) throw NotFound();
    web::Form form(r);
    const json values =
        form_values(form, {"module", "risk_level", "owner_org", "summary", "review_due_on"});
    NewCase in;
    in.person_id = who->id;
    in.module = form.get("module");
    in.risk_level = form.get("risk_level").empty() ? "medium" : form.get("risk_level");
    in.owner_org_id = non_blank(form.optional("owner_org"));
    in.summary = form.get("summary");
    in.review_due_on = non_blank(form.optional("review_due_on"));
    try {
      auto rec = CaseService(ctx.db).open(p, actor_of(r), in);
      return http::Response::redirect("/cases/" + rec.c.id);
    } catch (const Invalid& e) {
      return render_new_case(ctx, r, p, *who, 422, values, e.fields());
    }
  });
}

json alerts_json(const web::ModuleContext& ctx, const std::string& lang,
                 const std::vector<Alert>& alerts) {
  json out = json::array();
  for (const auto& a : alerts) {
    out.push_back({{"kind", a.kind},
                   {"label", label(ctx, lang, "alert.kind." + a.kind)},
                   {"person_name", a.person_name},
                   {"title", a.title.value_or("")},
                   {"date", display_date(a.date)},
                   {"href", a.href}});
  }
  return out;
}

// The page number in `?name=N` (from 1; 1 when absent or not a number).
std::int64_t page_number(const http::Request& r, const std::string& name) {
  std::int64_t page_no = 1;
  if (auto q = r.query(name)) {
    try {
      page_no = std::max<std::int64_t>(1, std::stoll(*q));
    } catch (const std::exception&) {
    }
  }
  return page_no;
}

// The number of the last page of `total` items in pages of `size` (1 when there are none).
std::int64_t last_page(std::int64_t total, std::int64_t size) {
  return std::max<std::int64_t>(1, (total + size - 1) / size);
}

// Referrals per page of each queue of the referrals page.
constexpr std::int64_t kReferralPageSize = 20;

// Cases per page of the caseload.
constexpr std::int64_t kCaseloadPageSize = 25;
// Alerts of each kind on the caseload (the first ones: alerts_for gives each kind in order of
// urgency); ?alerts=all shows them all. A worker with hundreds of cases had every one of up to
// 4 × kMaxAlertsPerKind alerts on the page (185 KB for 470 alerts).
constexpr std::size_t kCaseloadAlertsPerKind = 10;

void caseload_routes(http::Router& router, const web::ModuleContext& ctx) {
  router.add(Method::kGet, "/caseload", [ctx](http::Request& r) {
    const Principal& p = require(r, Action::kCaseRead);
    const std::string& lang = r.lang;
    CaseFilter f;
    f.mine = true;
    f.status = "active";
    // Pages of kCaseloadPageSize cases (?page=N, from 1); a page past the end shows the last.
    std::int64_t page_no = page_number(r, "page");
    CaseService service(ctx.db);
    auto found = service.page(p, f, (page_no - 1) * kCaseloadPageSize, kCaseloadPageSize);
    const std::int64_t last = last_page(found.total, kCaseloadPageSize);
    if (page_no > last) {
      page_no = last;
      found = service.page(p, f, (page_no - 1) * kCaseloadPageSize, kCaseloadPageSize);
    }
    const auto& cases = found.cases;
    auto lease = ctx.db.acquire();
    // The next open action of each case (the earliest due), in one query. Every action of
    // the page's cases is read and the open ones with a due date are kept here: with those
    // conditions in the SQL, SQLite walked the index of every open action of the database
    // (case_actions_open_due) instead of looking up the page's 25 cases.
    std::map<std::string, std::pair<std::string, std::string>> next;  // case -> (due, title)
    if (!cases.empty()) {
      std::vector<db::Value> params;
      std::string in;
      for (const auto& c : cases) {
        params.emplace_back(c.c.id);
        in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
      }
      for (const auto& row :
           lease
               ->query("SELECT case_id, due_on, title, done_on FROM case_actions WHERE case_id "
                       "IN (" +
                           in + ") ORDER BY due_on DESC",
                       params)
               .rows) {
        if (db::as_text(row[3]) || !db::as_text(row[1])) continue;  // done, or no due date
        next[db::text_or(row[0], "")] = {db::text_or(row[1], ""), db::text_or(row[2], "")};
      }
    }
    const std::string day = today();
    json rows = json::array();
    for (const auto& rec : cases) {
      json row = {{"id", rec.c.id},
                  {"href", "/cases/" + rec.c.id},
                  {"person", person_json(rec.person, lang, ctx)},
                  {"module_label", label(ctx, lang, "case.module." + rec.c.module)},
                  {"status", rec.c.status},
                  {"status_label", label(ctx, lang, "case.status." + rec.c.status)},
                  {"risk_level", rec.c.risk_level},
                  {"risk_label", label(ctx, lang, "case.risk." + rec.c.risk_level)}};
      if (auto it = next.find(rec.c.id); it != next.end()) {
        row["next_action"] = it->second.second;
        row["next_due"] = display_date(it->second.first);
        row["next_overdue"] = it->second.first < day;
      }
      rows.push_back(std::move(row));
    }
    const bool all_alerts = r.query("alerts") == "all";
    std::vector<Alert> shown;
    std::size_t hidden = 0;
    {
      std::map<std::string, std::size_t> per_kind;
      for (auto& a : alerts_for(*lease, p, true, lang)) {
        if (all_alerts || per_kind[a.kind]++ < kCaseloadAlertsPerKind) {
          shown.push_back(std::move(a));
        } else {
          ++hidden;
        }
      }
    }
    const json alerts = alerts_json(ctx, lang, shown);
    const std::int64_t first = (page_no - 1) * kCaseloadPageSize + 1;
    json pager = {{"from", std::to_string(rows.empty() ? 0 : first)},
                  {"to", std::to_string(first - 1 + static_cast<std::int64_t>(rows.size()))},
                  {"total", std::to_string(found.total)},
                  {"paged", found.total > kCaseloadPageSize}};
    const std::string keep = all_alerts ? "&alerts=all" : "";
    if (page_no > 1) pager["prev_href"] = "/caseload?page=" + std::to_string(page_no - 1) + keep;
    if (page_no < last) {
      pager["next_href"] = "/caseload?page=" + std::to_string(page_no + 1) + keep;
    }
    json data = {{"cases", rows},
                 {"has_cases", !rows.empty()},
                 {"pager", pager},
                 {"alerts", alerts},
                 {"has_alerts", !alerts.empty()}};
    if (hidden > 0) {
      data["alerts_more"] = {
          {"count", std::to_string(hidden + shown.size())},
          {"href", "/caseload?alerts=all" +
                       (page_no > 1 ? "&page=" + std::to_string(page_no) : std::string())}};
    }
    return ctx.pages.render(r, 200, "casework/caseload", "caseload.title", "caseload", data);
  });
}

http::Response render_queue(const web::ModuleContext& ctx, const http::Request& r,
                            const Principal& p, int status, const std::string& failed_id,
                            const Errors& errors) {
  const std::string& lang = r.lang;
  ReferralService referrals(ctx.db);
  // The lists first: queue_page() borrows its own connection, and holding one while waiting
  // for a second drained the pool at 64 concurrent queues (every request waited the 5 s
  // timeout). Pages of kReferralPageSize (?incoming_page=N, ?outgoing_page=N, from 1; a page
  // past the end shows the last): the whole queues were 365 KB for an organization with
  // 1,773 referrals.
  json pagers = json::object();
  std::map<std::string, std::int64_t> page_of;
  for (const char* queue : {"incoming", "outgoing"}) {
    page_of[queue] = page_number(r, std::string(queue) + "_page");
  }
  auto queue_of = [&](const std::string& queue) {
    std::int64_t& page_no = page_of[queue];
    auto found = referrals.queue_page(p, queue, (page_no - 1) * kReferralPageSize,
                                      static_cast<int>(kReferralPageSize));
    const std::int64_t last = last_page(found.total, kReferralPageSize);
    if (page_no > last) {
      page_no = last;
      found = referrals.queue_page(p, queue, (page_no - 1) * kReferralPageSize,
                                   static_cast<int>(kReferralPageSize));
    }
    return found;
  };
  const auto incoming_list = queue_of("incoming");
  const auto outgoing_list = queue_of("outgoing");
  // The link to page `n` of `queue`, keeping the other queue's page.
  auto href = [&](const std::string& queue, std::int64_t n) {
    std::string query;
    for (const auto& [q, page_no] : page_of) {
      const std::int64_t v = q == queue ? n : page_no;
      if (v > 1) query += (query.empty() ? "?" : "&") + q + "_page=" + std::to_string(v);
    }
    return "/referrals" + query + "#" + queue + "-title";
  };
  auto pager_of = [&](const std::string& queue, const ReferralPage& found) {
    const std::int64_t page_no = page_of[queue];
    const std::int64_t first = (page_no - 1) * kReferralPageSize + 1;
    const auto shown = static_cast<std::int64_t>(found.referrals.size());
    json pager = {{"from", std::to_string(shown == 0 ? 0 : first)},
                  {"to", std::to_string(first - 1 + shown)},
                  {"total", std::to_string(found.total)},
                  {"paged", found.total > kReferralPageSize}};
    if (page_no > 1) pager["prev_href"] = href(queue, page_no - 1);
    if (page_no < last_page(found.total, kReferralPageSize)) {
      pager["next_href"] = href(queue, page_no + 1);
    }
    return pager;
  };
  auto lease = ctx.db.acquire();
  std::map<std::string, std::string> names;
  auto org_name = [&](const std::string& id) {
    auto it = names.find(id);
    if (it != names.end()) return it->second;
    auto f = org_facts(*lease, id);
    return names[id] = f ? f->name(lang) : id;
  };
  auto rows = [&](const ReferralPage& page) {
    json out = json::array();
    for (const auto& x : page.referrals) {
      const auto hours = x.r.response_hours();
      json row = {{"id", x.r.id},
                  {"person_name", person::display_name(x.person, lang)},
                  {"from", org_name(x.r.from_org_id)},
                  {"to", org_name(x.r.to_org_id)},
                  {"kind_label", label(ctx, lang, "referral.kind." + x.r.kind)},
                  {"reason", x.r.reason},
                  {"status", x.r.status},
                  {"status_label", label(ctx, lang, "referral.status." + x.r.status)},
                  {"pending", x.r.status == "pending"},
                  {"accepted", x.r.status == "accepted"},
                  {"decline_reason", x.r.decline_reason.value_or("")},
                  {"date", display_date(x.r.created_at.substr(0, 10))},
                  {"response_hours", hours ? std::to_string(static_cast<long>(*hours)) : ""},
                  {"case_href", "/cases/" + x.r.case_id}};
      if (x.r.id == failed_id) row["errors"] = translate(ctx, lang, errors);
      out.push_back(std::move(row));
    }
    return out;
  };
  const json outgoing = rows(outgoing_list);
  // The answer forms come back to the same page of the incoming queue.
  const std::int64_t incoming_page = page_of["incoming"];
  json data = {
      {"csrf", p.csrf_token},
      {"incoming", rows(incoming_list)},
      {"incoming_pager", pager_of("incoming", incoming_list)},
      {"outgoing", outgoing},
      {"outgoing_pager", pager_of("outgoing", outgoing_list)},
      {"has_outgoing", !outgoing.empty()},
      {"page_query", incoming_page > 1 ? "?incoming_page=" + std::to_string(incoming_page) : ""},
      {"can_answer", p.can(Action::kReferralManage)},
      {"has_org", p.organization_id.has_value()}};
  if (r.query("saved")) data["notice"] = label(ctx, lang, "caseload.saved");
  return ctx.pages.render(r, status, "casework/referrals", "referral.queue.title", "referrals",
                          data);
}

void referral_routes(http::Router& router, const web::ModuleContext& ctx) {
  router.add(Method::kGet, "/referrals", [ctx](http::Request& r) {
    const Principal& p = require(r, Action::kCaseRead);
    return render_queue(ctx, r, p, 200, "", {});
  });
  for (const char* verb : {"accept", "decline", "complete"}) {
    const std::string v(verb);
    router.add(Method::kPost, "/referrals/{id}/" + v, [ctx, v](http::Request& r) {
      const Principal& p = require(r, Action::kReferralManage);
      web::Form form(r);
      ReferralService s(ctx.db);
      try {
        if (v == "accept") s.accept(p, actor_of(r), r.param("id"));
        if (v == "decline") s.decline(p, actor_of(r), r.param("id"), form.get("decline_reason"));
        if (v == "complete") s.complete(p, actor_of(r), r.param("id"));
        const auto page = r.query("incoming_page");
        return http::Response::redirect(
            "/referrals?saved=1" +
            (page ? "&incoming_page=" + std::to_string(page_number(r, "incoming_page"))
                  : std::string()));
      } catch (const Invalid& e) {
        return render_queue(ctx, r, p, 422, r.param("id"), e.fields());
      } catch (const Conflict& e) {
        return render_queue(ctx, r, p, 409, r.param("id"), {{"form", e.message_key()}});
      }
    });
  }
}

http::Response render_admit(const web::ModuleContext& ctx, const http::Request& r,
                            const Principal& p, const person::Person& who, int status,
                            const json& values, const Errors& errors) {
  const std::string& lang = r.lang;
  auto lease = ctx.db.acquire();
  json data;
  data["csrf"] = p.csrf_token;
  data["person"] = person_json(who, lang, ctx);
  data["action"] = "/people/" + who.id + "/admissions/new";
  data["values"] = values.empty() ? json{{"admitted_on", today()}} : values;
  data["errors"] = translate(ctx, lang, errors);
  json insts = json::array();
  insts.push_back({{"value", ""}, {"label", label(ctx, lang, "caseload.choose")}});
  const auto occupancy_ids = institution_choices(*lease, p.scope, p.organization_id);
  for (const auto& o : occupancy_ids) {
    const auto occ = org::occupancy_of(*lease, o.id);
    insts.push_back(
        {{"value", o.id},
         {"label", o.name(lang) + " (" + o.province_code + ") — " + std::to_string(occ.female) +
                       "/" + std::to_string(o.capacity_female) + " F, " + std::to_string(occ.male) +
                       "/" + std::to_string(o.capacity_male) + " M"},
         {"selected", value_of(values, "institution_id") == o.id}});
  }
  data["institution_options"] = insts;
  // Say why the list is empty rather than offer a form that cannot be sent.
  data["no_institution"] = occupancy_ids.empty();
  data["reason_options"] = options(ctx, lang, "admission.reason.", admission_reasons(),
                                   value_of(values, "reason"), true);
  data["over_capacity"] =
      errors.count("over_capacity_reason") > 0 || !value_of(values, "over_capacity_reason").empty();
  return ctx.pages.render(r, status, "casework/admission_new", "admission.new.title", "caseload",
                          data);
}

http::Response render_discharge(const web::ModuleContext& ctx, const http::Request& r,
                                const Principal& p, const AdmissionRecord& rec, int status,
                                const json& values, const Errors& errors) {
  const std::string& lang = r.lang;
  auto lease = ctx.db.acquire();
  auto inst = org_facts(*lease, rec.a.institution_id);
  json data;
  data["csrf"] = p.csrf_token;
  data["person"] = person_json(rec.person, lang, ctx);
  data["institution_name"] = inst ? inst->name(lang) : rec.a.institution_id;
  data["admitted_on"] = display_date(rec.a.admitted_on);
  data["action"] = "/admissions/" + rec.a.id + "/discharge";
  data["values"] = values.empty() ? json{{"discharged_on", today()}} : values;
  data["errors"] = translate(ctx, lang, errors);
  data["discharged"] = rec.a.discharged_on.has_value();
  data["reason_options"] = options(ctx, lang, "admission.discharge_reason.", discharge_reasons(),
                                   value_of(values, "discharge_reason"), true);
  return ctx.pages.render(r, status, "casework/discharge", "admission.discharge.title", "caseload",
                          data);
}

void admission_routes(http::Router& router, const web::ModuleContext& ctx) {
  router.add(Method::kGet, "/people/{id}/admissions/new", [ctx](http::Request& r) {
    const Principal& p = require(r, Action::kAdmissionManage);
    auto who = visible_person(ctx, p, r.param("id"));
    if (!who) throw NotFound();
    return render_admit(ctx, r, p, *who, 200, json::object(), {});
  });
  router.add(Method::kPost, "/people/{id}/admissions/new", [ctx](http::Request& r) {
    const Principal& p = require(r, Action::kAdmissionManage);
    auto who = visible_person(ctx, p, r.param("id"));
    if (!who) throw NotFound();
    web::Form form(r);
    const json values =
        form_values(form, {"institution_id", "admitted_on", "reason", "over_capacity_reason"});
    NewAdmission in;
    in.person_id = who->id;
    in.institution_id = form.get("institution_id");
    in.admitted_on = form.get("admitted_on");
    in.reason = form.get("reason");
    in.over_capacity_reason = form.get("over_capacity_reason");
    try {
      AdmissionService(ctx.db).admit(p, actor_of(r), in);
      return http::Response::redirect("/people/" + who->id + "?admitted=1");
    } catch (const Invalid& e) {
      return render_admit(ctx, r, p, *who, 422, values, e.fields());
    } catch (const Conflict& e) {
      return render_admit(ctx, r, p, *who, 409, values, {{"form", e.message_key()}});
    }
  });
  router.add(Method::kGet, "/admissions/{id}/discharge", [ctx](http::Request& r) {
    const Principal& p = require(r, Action::kAdmissionManage);
    const auto rec = AdmissionService(ctx.db).get(p, r.param("id"));
    return render_discharge(ctx, r, p, rec, 200, json::object(), {});
  });
  router.add(Method::kPost, "/admissions/{id}/discharge", [ctx](http::Request& r) {
    const Principal& p = require(r, Action::kAdmissionManage);
    AdmissionService s(ctx.db);
    const auto rec = s.get(p, r.param("id"));
    web::Form form(r);
    const json values = form_values(form, {"discharged_on", "discharge_reason", "destination"});
    Discharge in{form.get("discharged_on"), form.get("discharge_reason"),
                 form.optional("destination")};
    try {
      s.discharge(p, actor_of(r), rec.a.id, in);
      return http::Response::redirect("/people/" + rec.a.person_id + "?discharged=1");
    } catch (const Invalid& e) {
      return render_discharge(ctx, r, p, rec, 422, values, e.fields());
    } catch (const Conflict& e) {
      return render_discharge(ctx, r, p, rec, 409, values, {{"form", e.message_key()}});
    }
  });
}

}  // namespace

void register_page_routes(http::Router& router, const web::ModuleContext& ctx) {
  caseload_routes(router, ctx);
  case_page_routes(router, ctx);
  new_case_routes(router, ctx);
  referral_routes(router, ctx);
  admission_routes(router, ctx);
}

}  // namespace jisr::casework

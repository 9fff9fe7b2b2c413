// src/person/person_http.cc
#include "person/person_http.h"

#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "person/person_merges_http.h"
#include "person/person_service.h"
#include "platform/error.h"
#include "platform/util/time.h"
#include "platform/web/api.h"
#include "platform/web/forms.h"
#include "platform/web/list_response.h"

namespace jisr::person {
namespace {

using access::Action;

// ---- JSON input -----------------------------------------------------------------------------

PersonInput input_from_json(const nlohmann::json& body,
                            std::map<std::string, std::string>& errors) {
  PersonInput in;
  auto str = [&](const char* key, std::optional<std::string>& out) {
    auto it = body.find(key);
    if (it == body.end()) return;
    if (it->is_null()) {
      out = std::string();
    } else if (it->is_string()) {
      out = it->get<std::string>();
    } else {
      errors[key] = "validation.invalid_type";
    }
  };
  str("first_name_ar", in.first_name_ar);
  str("last_name_ar", in.last_name_ar);
  str("first_name_lat", in.first_name_lat);
  str("last_name_lat", in.last_name_lat);
  str("sex", in.sex);
  str("birth_date", in.birth_date);
  str("birth_date_precision", in.birth_date_precision);
  str("cin", in.cin);
  str("birth_certificate_number", in.birth_certificate_number);
  str("rnp_rsu_id", in.rnp_rsu_id);
  str("disability_card_number", in.disability_card_number);
  str("nationality", in.nationality);
  str("father_first_name", in.father_first_name);
  str("province", in.province);
  if (auto it = body.find("target_groups"); it != body.end()) {
    if (!it->is_array()) {
      errors["target_groups"] = "validation.invalid_type";
    } else {
      std::vector<std::string> groups;
      for (const auto& g : *it) {
        if (g.is_string())
          groups.push_back(g.get<std::string>());
        else
          errors["target_groups"] = "validation.invalid_type";
      }
      in.target_groups = groups;
    }
  }
  if (auto it = body.find("consent"); it != body.end()) {
    if (it->is_object() && it->contains("given") && (*it)["given"].is_boolean()) {
      in.consent_given = (*it)["given"].get<bool>();
    } else if (it->is_boolean()) {
      in.consent_given = it->get<bool>();
    } else {
      errors["consent"] = "validation.invalid_type";
    }
  }
  return in;
}

PersonInput input_from_form(const web::Form& f) {
  PersonInput in;
  for (auto [key, field] :
       std::initializer_list<std::pair<const char*, std::optional<std::string> PersonInput::*>>{
           {"first_name_ar", &PersonInput::first_name_ar},
           {"last_name_ar", &PersonInput::last_name_ar},
           {"first_name_lat", &PersonInput::first_name_lat},
           {"last_name_lat", &PersonInput::last_name_lat},
           {"sex", &PersonInput::sex},
           {"birth_date", &PersonInput::birth_date},
           {"birth_date_precision", &PersonInput::birth_date_precision},
           {"cin", &PersonInput::cin},
           {"birth_certificate_number", &PersonInput::birth_certificate_number},
           {"rnp_rsu_id", &PersonInput::rnp_rsu_id},
           {"disability_card_number", &PersonInput::disability_card_number},
           {"nationality", &PersonInput::nationality},
           {"father_first_name", &PersonInput::father_first_name},
           {"province", &PersonInput::province}}) {
    in.*field = f.get(key);
  }
  std::vector<std::string> groups;
  for (const auto& code : target_group_codes()) {
    if (f.get("tg_" + code) == "1") groups.push_back(code);
  }
  in.target_groups = groups;
  in.consent_given = f.get("consent") == "1";
  return in;
}

// ---- page helpers ---------------------------------------------------------------------------

std::string territory_name(db::Connection& conn, const std::string& code, const std::string& lang) {
  auto r =
      conn.query("SELECT name_fr, name_ar FROM territories WHERE code = $1", {db::Value(code)});
  if (r.empty()) return code;
  return db::text_or(r.rows[0][lang == "ar" ? 1 : 0], code);
}

std::string birth_label(const web::ModuleContext& ctx, const std::string& lang, const Person& p) {
  if (!p.birth_date) return "";
  std::string shown = *p.birth_date;
  if (shown.size() == 10)
    shown = shown.substr(8, 2) + "/" + shown.substr(5, 2) + "/" + shown.substr(0, 4);
  if (p.birth_date_precision != "exact") {
    shown += " (" + ctx.catalogs.get(lang, "person.precision." + p.birth_date_precision) + ")";
  }
  return shown;
}

nlohmann::json summary(const web::ModuleContext& ctx, db::Connection& conn, const std::string& lang,
                       const Person& p) {
  return {{"id", p.id},
          {"href", "/people/" + p.id},
          {"file_number", p.file_number},
          {"name", display_name(p, lang)},
          {"name_other", other_script_name(p, lang)},
          {"other_lang", lang == "ar" ? "fr" : "ar"},
          {"sex_label", ctx.catalogs.get(lang, "person.sex." + p.sex)},
          {"birth", birth_label(ctx, lang, p)},
          {"cin", p.cin.value_or("")},
          {"province", territory_name(conn, p.province_code, lang)}};
}

nlohmann::json options(const std::vector<std::pair<std::string, std::string>>& values,
                       const std::string& selected) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [v, label] : values) {
    out.push_back({{"value", v}, {"label", label}, {"selected", v == selected}});
  }
  return out;
}

nlohmann::json province_options(db::Connection& conn, const std::string& lang,
                                const std::string& selected, const std::string& blank_label) {
  std::vector<std::pair<std::string, std::string>> v = {{"", blank_label}};
  for (const auto& r : conn.query("SELECT code, name_fr, name_ar FROM territories WHERE level = "
                                  "'province' ORDER BY name_fr")
                           .rows) {
    v.emplace_back(db::text_or(r[0], ""),
                   db::text_or(r[lang == "ar" ? 2 : 1], "") + " (" + db::text_or(r[0], "") + ")");
  }
  return options(v, selected);
}

nlohmann::json form_values(const Person& p) {
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& g : p.target_groups) groups[g] = true;
  return {{"first_name_ar", p.first_name_ar.value_or("")},
          {"last_name_ar", p.last_name_ar.value_or("")},
          {"first_name_lat", p.first_name_lat.value_or("")},
          {"last_name_lat", p.last_name_lat.value_or("")},
          {"sex", p.sex},
          {"birth_date", p.birth_date.value_or("")},
          {"birth_date_precision", p.birth_date_precision},
          {"cin", p.cin.value_or("")},
          {"birth_certificate_number", p.birth_certificate_number.value_or("")},
          {"rnp_rsu_id", p.rnp_rsu_id.value_or("")},
          {"disability_card_number", p.disability_card_number.value_or("")},
          {"nationality", p.nationality},
          {"father_first_name", p.father_first_name.value_or("")},
          {"province", p.province_code},
          {"consent", p.consent_given},
          {"version", std::to_string(p.version)},
          {"groups", groups}};
}

// The person form's values as submitted (create and edit), to show it again with its errors:
// every text field as typed, consent, and the target groups `in` read from the form.
nlohmann::json submitted_values(const web::Form& form, const PersonInput& in) {
  nlohmann::json values = {{"nationality", form.get("nationality")},
                           {"consent", form.get("consent") == "1"}};
  for (const char* k : {"first_name_ar", "last_name_ar", "first_name_lat", "last_name_lat", "sex",
                        "birth_date", "birth_date_precision", "cin", "birth_certificate_number",
                        "rnp_rsu_id", "disability_card_number", "father_first_name", "province"}) {
    values[k] = form.get(k);
  }
  values["groups"] = nlohmann::json::object();
  for (const auto& g : in.target_groups.value_or(std::vector<std::string>{}))
    values["groups"][g] = true;
  return values;
}

http::Response render_form(const web::ModuleContext& ctx, const http::Request& r, int status,
                           const nlohmann::json& values,
                           const std::map<std::string, std::string>& errors,
                           const std::string& action, bool is_new,
                           const std::vector<DuplicateCandidate>& duplicates = {}) {
  const auto& lang = r.lang;
  const auto* p = access::principal_of(r);
  auto lease = ctx.db.acquire();
  auto value = [&](const char* k) {
    return values.contains(k) && values[k].is_string() ? values[k].get<std::string>() : "";
  };
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& code : target_group_codes()) {
    const bool checked = values.contains("groups") && values["groups"].contains(code);
    groups.push_back({{"code", code},
                      {"label", ctx.catalogs.get(lang, "person.group." + code)},
                      {"checked", checked}});
  }
  nlohmann::json errs = nlohmann::json::object();
  for (const auto& [k, v] : errors) errs[k] = ctx.catalogs.get(lang, v);
  nlohmann::json dups = nlohmann::json::array();
  for (const auto& d : duplicates) {
    auto s = summary(ctx, *lease, lang, d.person);
    s["score"] = std::to_string(static_cast<int>(d.score * 100 + 0.5)) + " %";
    dups.push_back(std::move(s));
  }
  nlohmann::json data = {
      {"is_new", is_new},
      {"action", action},
      {"csrf", p ? p->csrf_token : ""},
      {"values", values},
      {"errors", errs},
      {"has_errors", !errors.empty()},
      {"sex_options", options({{"", ctx.catalogs.get(lang, "person.form.blank")},
                               {"F", ctx.catalogs.get(lang, "person.sex.F")},
                               {"M", ctx.catalogs.get(lang, "person.sex.M")}},
                              value("sex"))},
      {"precision_options",
       options({{"exact", ctx.catalogs.get(lang, "person.precision.exact")},
                {"year", ctx.catalogs.get(lang, "person.precision.year")},
                {"estimated", ctx.catalogs.get(lang, "person.precision.estimated")}},
               value("birth_date_precision").empty() ? "exact" : value("birth_date_precision"))},
      {"province_options", province_options(*lease, lang, value("province"),
                                            ctx.catalogs.get(lang, "person.form.blank"))},
      {"groups", groups}};
  if (!dups.empty()) data["duplicates"] = dups;
  return ctx.pages.render(r, status, "person/form", is_new ? "person.page.new" : "person.page.edit",
                          "people", data);
}

// The undo page of a merged record, for administrators (who do not read files: it shows
// the two file numbers and what moved, not the person). On a survivor it lists the records
// merged into it, each linking to its own undo page.
http::Response render_unmerge(const web::ModuleContext& ctx, PersonService& service,
                              const http::Request& r, const std::string& error_key) {
  const auto& p = access::require(r, Action::kPersonUnmerge);
  const auto* principal = access::principal_of(r);
  std::optional<Person> person;
  {
    auto lease = ctx.db.acquire();  // returned before the service borrows its own
    person = find_visible(*lease, p, r.param("id"));
  }
  if (!person) throw NotFound();
  nlohmann::json data = {{"id", person->id},
                         {"file_number", person->file_number},
                         {"csrf", principal ? principal->csrf_token : ""},
                         {"undone", r.query("undone").has_value()}};
  if (!error_key.empty()) data["error"] = ctx.catalogs.get(r.lang, error_key);
  nlohmann::json merged_records = nlohmann::json::array();
  for (const auto& m : service.merged_into(p, person->id)) {
    merged_records.push_back({{"file_number", m.file_number},
                              {"merged_at", timeutil::display_utc(m.merged_at)},
                              {"href", "/people/" + m.id}});
  }
  data["has_merged_records"] = !merged_records.empty();
  data["merged_records"] = std::move(merged_records);
  if (auto m = service.last_merge(p, person->id)) {
    auto lease = ctx.db.acquire();
    auto into = find(*lease, m->into_id);
    nlohmann::json merge = {{"into_file_number", into ? into->file_number : m->into_id},
                            {"merged_at", timeutil::display_utc(m->merged_at)},
                            {"action", "/people/" + person->id + "/unmerge"}};
    for (const char* k : {"cases", "admissions", "referrals"}) {
      merge[std::string("n_") + k] = m->moved.value(k, nlohmann::json::array()).size();
    }
    data["merge"] = merge;
  }
  return ctx.pages.render(r, 200, "person/unmerge", "person.page.unmerge", "people", data);
}

// The "merge into..." page: step 1 asks for the survivor's file number, step 2 shows both
// files side by side for confirmation.
http::Response render_merge(const web::ModuleContext& ctx, const http::Request& r, int status,
                            const Person& person, const std::optional<Person>& into,
                            const std::string& entered, const std::string& error_key) {
  const auto* principal = access::principal_of(r);
  auto lease = ctx.db.acquire();
  nlohmann::json data = {{"person", summary(ctx, *lease, r.lang, person)},
                         {"action", "/people/" + person.id + "/merge"},
                         {"csrf", principal ? principal->csrf_token : ""},
                         {"entered", entered}};
  if (!error_key.empty()) data["error"] = ctx.catalogs.get(r.lang, error_key);
  if (into) {
    data["into"] = summary(ctx, *lease, r.lang, *into);
    data["confirming"] = true;
  }
  return ctx.pages.render(r, status, "person/merge", "person.page.merge", "people", data);
}

}  // namespace

void register_routes(http::Router& router, const web::ModuleContext& ctx,
                     std::vector<FileSection> sections, PersonSearch* search) {
  using http::Method;
  auto service = std::make_shared<PersonService>(ctx.db, search);
  register_merge_routes(router, ctx, service);  // /people/merges (literal: before {id})

  // ---- API ----------------------------------------------------------------------------------
  router.add(Method::kPost, "/api/v1/people", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonWrite);
    const auto body = web::parse_json_body(r);
    std::map<std::string, std::string> errors;
    auto in = input_from_json(body, errors);
    bool confirm = false;
    if (auto it = body.find("confirm_new"); it != body.end()) {
      if (!it->is_boolean())
        errors["confirm_new"] = "validation.invalid_type";
      else
        confirm = it->get<bool>();
    }
    if (!errors.empty()) throw Invalid(errors);
    try {
      auto created = service->create(p, access::actor_of(r), in, confirm);
      auto resp = web::json_response(201, to_json(created));
      resp.set_header("Location", "/api/v1/people/" + created.id);
      return resp;
    } catch (const PossibleDuplicate& d) {
      nlohmann::json candidates = nlohmann::json::array();
      for (const auto& c : d.candidates()) {
        candidates.push_back(
            {{"id", c.person.id}, {"score", c.score}, {"file_number", c.person.file_number}});
      }
      // The documented error body, with API.md's `candidates` added.
      nlohmann::json err = {{"code", "possible_duplicate"},
                            {"message", ctx.catalogs.get(r.lang, "person.possible_duplicate")},
                            {"candidates", candidates}};
      return web::json_response(409, {{"error", err}});
    }
  });

  router.add(Method::kGet, "/api/v1/people", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonRead);
    const auto params = web::parse_list_params(r);
    PersonFilter f;
    f.q = r.query("q");
    f.province = r.query("province");
    f.target_group = r.query("target_group");
    return web::list_response(
        service->list(p, f, params.after, params.limit + 1), params.limit,
        [](const auto& person) { return to_json(person); },
        [](const auto& person) { return person.id; });
  });

  router.add(Method::kGet, "/api/v1/people/{id}", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonRead);
    const auto person = service->open_file(p, access::actor_of(r), r.param("id"));
    if (person.status == "merged" && person.merged_into) {
      // A merged file answers 307 to its survivor (clients that follow redirects land
      // there); the body is the merged record itself, with `merged_into`. Temporary, not
      // permanent: an administrator may undo the merge.
      auto resp = web::json_response(307, to_json(person));
      resp.set_header("Location", "/api/v1/people/" + *person.merged_into);
      return resp;
    }
    return web::json_response(200, to_json(person));
  });

  router.add(Method::kPost, "/api/v1/people/{id}/merge", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonMerge);
    const auto body = web::parse_json_body(r);
    auto into = body.find("into");
    if (into == body.end() || !into->is_string()) {
      throw Invalid("into", into == body.end() ? "validation.required" : "validation.invalid_type");
    }
    return web::json_response(200, to_json(service->merge(p, access::actor_of(r), r.param("id"),
                                                          into->get<std::string>())));
  });

  router.add(Method::kPost, "/api/v1/people/{id}/unmerge", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonUnmerge);
    return web::json_response(200,
                              to_json(service->unmerge(p, access::actor_of(r), r.param("id"))));
  });

  router.add(Method::kPatch, "/api/v1/people/{id}", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonWrite);
    const auto body = web::parse_json_body(r);
    std::map<std::string, std::string> errors;
    auto in = input_from_json(body, errors);
    auto version = body.find("version");
    if (version == body.end() || !version->is_number_integer())
      errors["version"] = "validation.required";
    if (!errors.empty()) throw Invalid(errors);
    return web::json_response(200, to_json(service->update(p, access::actor_of(r), r.param("id"),
                                                           in, version->get<std::int64_t>())));
  });

  router.add(Method::kPost, "/api/v1/people/{id}/relations", [service](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonWrite);
    const auto body = web::parse_json_body(r);
    std::map<std::string, std::string> errors;
    auto text = [&](const char* key) {
      auto it = body.find(key);
      if (it == body.end() || !it->is_string()) {
        errors[key] = it == body.end() ? "validation.required" : "validation.invalid_type";
        return std::string();
      }
      return it->get<std::string>();
    };
    const auto other = text("related_person_id");
    const auto kind = text("kind");
    if (!errors.empty()) throw Invalid(errors);
    service->add_relation(p, access::actor_of(r), r.param("id"), other, kind);
    http::Response resp;
    resp.status = 204;
    return resp;
  });

  // ---- pages --------------------------------------------------------------------------------
  router.add(Method::kGet, "/people", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonRead);
    const auto params = web::parse_list_params(r);
    PersonFilter f;
    const std::string q = r.query("q").value_or("");
    const std::string province = r.query("province").value_or("");
    if (!q.empty()) f.q = q;
    if (!province.empty()) f.province = province;
    auto people = service->list(p, f, params.after, params.limit + 1);
    const bool more = static_cast<int>(people.size()) > params.limit;
    if (more) people.pop_back();
    auto lease = ctx.db.acquire();
    nlohmann::json items = nlohmann::json::array();
    for (const auto& person : people) items.push_back(summary(ctx, *lease, r.lang, person));
    auto keep = [&](const std::string& cursor) {
      std::string href =
          "/people?q=" + http::percent_encode(q) + "&province=" + http::percent_encode(province);
      if (!cursor.empty()) href += "&cursor=" + cursor;
      return href;
    };
    nlohmann::json data = {
        {"items", items},
        {"q", q},
        {"searched", !q.empty() || !province.empty()},
        {"province_options", province_options(*lease, r.lang, province,
                                              ctx.catalogs.get(r.lang, "person.all_provinces"))}};
    if (p.can(Action::kPersonWrite)) data["new_href"] = "/people/new";
    if (more) data["next_href"] = keep(web::encode_cursor(people.back().id));
    if (params.after) data["first_href"] = keep("");
    return ctx.pages.render(r, 200, "person/list", "person.page.list", "people", data);
  });

  router.add(Method::kGet, "/people/new", [ctx](http::Request& r) {
    access::require(r, Action::kPersonWrite);
    return render_form(ctx, r, 200, {{"nationality", "MA"}, {"birth_date_precision", "exact"}}, {},
                       "/people/new", true);
  });

  router.add(Method::kPost, "/people/new", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonWrite);
    web::Form form(r);
    auto in = input_from_form(form);
    const nlohmann::json values = submitted_values(form, in);
    try {
      auto created = service->create(p, access::actor_of(r), in, form.get("confirm_new") == "1");
      return http::Response::redirect("/people/" + created.id);
    } catch (const Invalid& e) {
      return render_form(ctx, r, 422, values, e.fields(), "/people/new", true);
    } catch (const PossibleDuplicate& d) {
      return render_form(ctx, r, 409, values, {}, "/people/new", true, d.candidates());
    }
  });

  router.add(Method::kGet, "/people/{id}", [service, ctx, sections](http::Request& r) {
    const auto* who = access::principal_of(r);
    if (who && !who->can(Action::kPersonRead) && who->can(Action::kPersonUnmerge)) {
      // An administrator opening a merged record (or one just unmerged, or a survivor) gets
      // the undo page, not the file; any other record stays forbidden.
      std::optional<Person> target;
      {
        auto lease = ctx.db.acquire();
        target = find_visible(*lease, *who, r.param("id"));
      }
      // A survivor lists the records merged into it (links to their undo pages).
      if (target && (target->status == "merged" || r.query("undone") ||
                     !service->merged_into(*who, target->id, 1).empty())) {
        return render_unmerge(ctx, *service, r, {});
      }
    }
    const auto& p = access::require(r, Action::kPersonRead);
    nlohmann::json file;
    {
      // The whole file in one read transaction on one connection (the person, its relations,
      // its history, the other modules' sections): one snapshot, and SQLite checks its page
      // cache once per page instead of once per query — each commit of the access log by
      // another connection empties it. Nothing in it borrows a second connection (requests
      // holding one and waiting for another would drain the pool); the access-log entry is
      // queued (audit::Deferred) and waited for after the handler.
      db::Transaction tx(ctx.db, db::TxMode::kRead);
      auto& conn = tx.conn();
      const Person person = service->open_file(conn, p, access::actor_of(r), r.param("id"));
      if (person.status == "merged" && person.merged_into) {
        return http::Response::redirect("/people/" + *person.merged_into +
                                        "?merged_from=" + http::percent_encode(person.id));
      }
      const auto related = service->relations(conn, p, person.id);
      file = summary(ctx, conn, r.lang, person);
      if (auto from = r.query("merged_from")) {
        auto merged = find_visible(conn, p, *from);
        if (merged && merged->merged_into == person.id) file["merged_from"] = merged->file_number;
      }
      if (p.can(Action::kPersonMerge) && person.status != "merged") {
        file["merge_href"] = "/people/" + person.id + "/merge";
      }
      file["nationality"] = person.nationality;
      file["birth_certificate_number"] = person.birth_certificate_number.value_or("");
      file["rnp_rsu_id"] = person.rnp_rsu_id.value_or("");
      file["disability_card_number"] = person.disability_card_number.value_or("");
      file["father_first_name"] = person.father_first_name.value_or("");
      file["consent_given"] = person.consent_given;
      file["consent_at"] = person.consent_at ? timeutil::display_utc(*person.consent_at) : "";
      file["status_label"] = ctx.catalogs.get(r.lang, "person.status." + person.status);
      nlohmann::json groups = nlohmann::json::array();
      for (const auto& g : person.target_groups)
        groups.push_back(ctx.catalogs.get(r.lang, "person.group." + g));
      file["groups"] = groups;
      nlohmann::json relations = nlohmann::json::array();
      for (const auto& rel : related) {
        auto s = summary(ctx, conn, r.lang, rel.other);
        s["kind_label"] = ctx.catalogs.get(r.lang, "person.relation." + rel.kind);
        relations.push_back(s);
      }
      file["relations"] = relations;
      nlohmann::json history = nlohmann::json::array();
      audit::Filter hf;
      hf.record_type = "person";
      hf.record_id = person.id;
      hf.exclude_action = "view";
      for (const auto& e : audit::list(conn, hf, std::nullopt, 20)) {
        history.push_back({{"at", timeutil::display_utc(e.at)},
                           {"username", e.username.value_or("—")},
                           {"action_label", ctx.catalogs.get(r.lang, "audit.action." + e.action)}});
      }
      file["history"] = history;
      if (p.can(Action::kPersonWrite)) file["edit_href"] = "/people/" + person.id + "/edit";
      for (const auto& section : sections) section(r, person.id, conn, file);
      tx.commit();
    }
    return ctx.pages.render(r, 200, "person/file", "person.page.file", "people", file);
  });

  router.add(Method::kGet, "/people/{id}/merge", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonMerge);
    const Person person = service->open_file(p, access::actor_of(r), r.param("id"));
    if (person.status == "merged") throw NotFound();
    return render_merge(ctx, r, 200, person, std::nullopt, "", "");
  });

  router.add(Method::kPost, "/people/{id}/merge", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonMerge);
    web::Form form(r);
    std::optional<Person> person;
    {
      auto lease = ctx.db.acquire();
      person = find_visible(*lease, p, r.param("id"));
    }
    if (!person || person->status == "merged") throw NotFound();
    const auto entered = form.get("into_file_number");
    if (form.get("confirm") != "1") {
      auto into = service->find_by_file_number(p, entered);
      if (!into || into->status == "merged") {
        return render_merge(ctx, r, 422, *person, std::nullopt, entered,
                            "person.merge.error.unknown_file");
      }
      if (into->id == person->id) {
        return render_merge(ctx, r, 409, *person, std::nullopt, entered, "person.merge.error.self");
      }
      return render_merge(ctx, r, 200, *person, into, entered, "");
    }
    try {
      auto survivor = service->merge(p, access::actor_of(r), person->id, form.get("into"));
      return http::Response::redirect("/people/" + survivor.id +
                                      "?merged_from=" + http::percent_encode(person->id));
    } catch (const Conflict& e) {
      return render_merge(ctx, r, 409, *person, std::nullopt, entered, e.message_key());
    } catch (const Invalid&) {
      return render_merge(ctx, r, 422, *person, std::nullopt, entered,
                          "person.merge.error.unknown_file");
    }
  });

  router.add(Method::kPost, "/people/{id}/unmerge", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonUnmerge);
    web::Form form(r);
    try {
      service->unmerge(p, access::actor_of(r), r.param("id"));
    } catch (const Conflict& e) {
      return render_unmerge(ctx, *service, r, e.message_key());
    }
    return http::Response::redirect("/people/" + r.param("id") + "?undone=1");
  });

  router.add(Method::kGet, "/people/{id}/edit", [ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonWrite);
    std::optional<Person> person;
    {
      auto lease = ctx.db.acquire();  // returned before the access log borrows its own
      person = find_visible(*lease, p, r.param("id"));
    }
    if (!person) throw NotFound();
    // The edit form shows the whole file: it is a read of the file like any other.
    audit::record(ctx.db, access::actor_of(r), "view", "person", person->id, nullptr,
                  place_of(*person));
    return render_form(ctx, r, 200, form_values(*person), {}, "/people/" + person->id + "/edit",
                       false);
  });

  router.add(Method::kPost, "/people/{id}/edit", [service, ctx](http::Request& r) {
    const auto& p = access::require(r, Action::kPersonWrite);
    web::Form form(r);
    auto in = input_from_form(form);
    nlohmann::json values = submitted_values(form, in);
    values["version"] = form.get("version");
    std::int64_t version = -1;
    try {
      version = std::stoll(form.get("version"));
    } catch (const std::exception&) {
    }
    const std::string action = "/people/" + r.param("id") + "/edit";
    try {
      service->update(p, access::actor_of(r), r.param("id"), in, version);
      return http::Response::redirect("/people/" + r.param("id"));
    } catch (const Invalid& e) {
      return render_form(ctx, r, 422, values, e.fields(), action, false);
    } catch (const Conflict& e) {
      return render_form(ctx, r, 409, values, {{"form", e.message_key()}}, action, false);
    }
  });
}

void describe_api(nlohmann::json& paths, nlohmann::json& schemas) {
  auto err = [](const char* d) {
    return nlohmann::json{
        {"description", d},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  };
  const nlohmann::json id_param = {
      {"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}};
  describe_merges_api(paths, schemas);
  schemas["Person"] = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"file_number", {{"type", "string"}}},
        {"first_name_ar", {{"type", "string"}, {"nullable", true}}},
        {"last_name_ar", {{"type", "string"}, {"nullable", true}}},
        {"first_name_lat", {{"type", "string"}, {"nullable", true}}},
        {"last_name_lat", {{"type", "string"}, {"nullable", true}}},
        {"sex", {{"type", "string"}, {"enum", {"F", "M"}}}},
        {"birth_date",
         {{"type", "string"}, {"nullable", true}, {"description", "YYYY-MM-DD or YYYY"}}},
        {"birth_date_precision", {{"type", "string"}, {"enum", {"exact", "year", "estimated"}}}},
        {"cin", {{"type", "string"}, {"nullable", true}}},
        {"province", {{"type", "string"}}},
        {"target_groups", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"consent", {{"type", "object"}}},
        {"status", {{"type", "string"}, {"enum", {"active", "deceased", "merged"}}}},
        {"version", {{"type", "integer"}}}}}};
  paths["/api/v1/people"]["post"] = {
      {"summary", "Register a person (409 possible_duplicate with candidates unless confirm_new)"},
      {"operationId", "createPerson"},
      {"requestBody",
       {{"required", true},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Person"}}}}}}}}},
      {"responses",
       {{"201", {{"description", "Created"}}},
        {"409", err("Possible duplicate")},
        {"422", err("Invalid fields")}}}};
  paths["/api/v1/people"]["get"] = {
      {"summary",
       "People in the caller's scope. ?q= is a ranked fuzzy name search (any script, typos, "
       "partial names; best first) unless it is a file number or a CIN (exact)"},
      {"operationId", "listPeople"},
      {"parameters",
       {{{"name", "q"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        {{"name", "province"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        {{"name", "target_group"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        {{"$ref", "#/components/parameters/limit"}},
        {{"$ref", "#/components/parameters/cursor"}}}},
      {"responses", {{"200", {{"description", "A page of people"}}}}}};
  paths["/api/v1/people/{id}"]["get"] = {
      {"summary", "Open a person's file (written to the access log)"},
      {"operationId", "getPerson"},
      {"parameters", {id_param}},
      {"responses",
       {{"200", {{"description", "The person"}}}, {"404", err("Not found or out of scope")}}}};
  paths["/api/v1/people/{id}"]["patch"] = {{"summary", "Edit a person; `version` must be current"},
                                           {"operationId", "updatePerson"},
                                           {"parameters", {id_param}},
                                           {"responses",
                                            {{"200", {{"description", "Updated"}}},
                                             {"409", err("Stale version")},
                                             {"422", err("Invalid fields")}}}};
  paths["/api/v1/people/{id}/merge"]["post"] = {
      {"summary",
       "Merge this person into `into` (person.merge): cases, admissions, referrals, relations "
       "and organizations' access move to the survivor, missing identifiers are copied; the "
       "merged file then answers GET with 307 to the survivor"},
      {"operationId", "mergePerson"},
      {"parameters", {id_param}},
      {"requestBody",
       {{"required", true},
        {"content",
         {{"application/json",
           {{"schema",
             {{"type", "object"},
              {"required", {"into"}},
              {"properties", {{"into", {{"type", "string"}}}}}}}}}}}}},
      {"responses",
       {{"200", {{"description", "The survivor"}}},
        {"404", err("Not found or out of scope")},
        {"409", err("merge_self, already_merged or both_admitted")},
        {"422", err("Unknown survivor")}}}};
  paths["/api/v1/people/{id}/unmerge"]["post"] = {
      {"summary", "Undo the last merge of this person (person.unmerge): restores what moved"},
      {"operationId", "unmergePerson"},
      {"parameters", {id_param}},
      {"responses",
       {{"200", {{"description", "The restored person"}}},
        {"404", err("Not found or out of scope")},
        {"409", err("not_merged or survivor_merged")}}}};
  paths["/api/v1/people/{id}"]["get"]["responses"]["307"] = {
      {"description", "Merged: Location is the survivor; the body is the merged record"}};
  paths["/api/v1/people/{id}/relations"]["post"] = {
      {"summary", "Relate two people (parent, child, sibling, guardian, ward, kafil, makfoul)"},
      {"operationId", "addRelation"},
      {"parameters", {id_param}},
      {"responses", {{"204", {{"description", "Added"}}}, {"409", err("Already related")}}}};
}

}  // namespace jisr::person

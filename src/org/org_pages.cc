// src/org/org_pages.cc
#include "org/org_pages.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "access/principal.h"
#include "org/occupancy.h"
#include "org/org_import.h"
#include "org/org_web_common.h"
#include "platform/error.h"
#include "platform/web/api.h"
#include "platform/web/forms.h"

namespace jisr::org {
namespace {

using access::Action;
using access::Principal;
using nlohmann::json;

struct Names {
  std::string fr, ar;
};

// Every territory's names by code (87 rows: read once per page).
std::map<std::string, Names> territory_names(db::Database& db) {
  std::map<std::string, Names> out;
  auto lease = db.acquire();
  for (const auto& r : lease->query("SELECT code, name_fr, name_ar FROM territories").rows) {
    out[db::text_or(r[0], "")] = {db::text_or(r[1], ""), db::text_or(r[2], "")};
  }
  return out;
}

std::string territory_name(const std::map<std::string, Names>& names, const std::string& code,
                           const std::string& lang) {
  auto it = names.find(code);
  if (it == names.end()) return code;
  return lang == "ar" ? it->second.ar : it->second.fr;
}

// "2027-03-01" -> "01/03/2027" (UX.md: dd/mm/yyyy in French and Arabic).
std::string display_date(const std::optional<std::string>& d) {
  if (!d || d->size() != 10) return d.value_or("");
  return d->substr(8, 2) + "/" + d->substr(5, 2) + "/" + d->substr(0, 4);
}

std::string percent(double rate) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f %%", rate * 100.0);
  return buf;
}

std::string two_decimals(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", r);
  return buf;
}

// Two decimals, with the decimal comma of French and of Moroccan Arabic administrative
// writing ("3,29"), the point in English. (Coordinates keep the point everywhere.)
std::string ratio(double r, const std::string& lang) {
  std::string out = two_decimals(r);
  if (lang != "en") std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

json options(const web::ModuleContext& ctx, const std::string& lang,
             const std::vector<std::string>& codes, const std::string& prefix,
             const std::string& selected, const std::string& all_key = "") {
  json out = json::array();
  if (!all_key.empty()) {
    out.push_back({{"value", ""},
                   {"label", ctx.catalogs.get(lang, all_key)},
                   {"selected", selected.empty()}});
  }
  for (const auto& c : codes) {
    out.push_back(
        {{"value", c}, {"label", ctx.catalogs.get(lang, prefix + c)}, {"selected", c == selected}});
  }
  return out;
}

json territory_options(db::Database& db, const std::string& level, const std::string& lang,
                       const std::string& selected, const std::string& all_label) {
  json out = json::array();
  out.push_back({{"value", ""}, {"label", all_label}, {"selected", selected.empty()}});
  auto lease = db.acquire();
  for (const auto& r :
       lease
           ->query("SELECT code, name_fr, name_ar FROM territories WHERE level = $1 "
                   "ORDER BY name_fr",
                   {db::Value(level)})
           .rows) {
    const std::string code = db::text_or(r[0], "");
    out.push_back({{"value", code},
                   {"label", db::text_or(r[lang == "ar" ? 2 : 1], code) + " (" + code + ")"},
                   {"selected", code == selected}});
  }
  return out;
}

std::string status_class(const std::string& status) {
  if (status == "authorized") return "status-badge--active";
  if (status == "provisional" || status == "pending") return "text-bg-warning";
  return "text-bg-danger";
}

// The row of a list: names in the page's script with the other beside them.
json list_row(const web::ModuleContext& ctx, const std::string& lang, const Organization& o,
              const std::map<std::string, Names>& names, const std::string& today) {
  const bool ar = lang == "ar";
  const auto& main = ar ? o.name_ar : o.name_fr;
  const auto& other = ar ? o.name_fr : o.name_ar;
  json row = {{"id", o.id},
              {"href", (o.institution ? "/institutions/" : "/organizations/") + o.id},
              {"name", main ? *main : other.value_or("")},
              {"name_other", main && other ? *other : ""},
              {"other_lang", ar ? "fr" : "ar"},
              {"name_lang", main ? lang : (ar ? "fr" : "ar")},
              {"kind_label", ctx.catalogs.get(lang, "org.kind." + o.kind)},
              {"province", territory_name(names, o.province_code, lang)},
              {"province_code", o.province_code}};
  if (o.institution) {
    const auto& i = *o.institution;
    const auto& a = i.authorization;
    row["category_label"] = ctx.catalogs.get(lang, "org.category." + i.category);
    row["capacity"] = i.capacity();
    row["status"] = a.status;
    row["status_label"] = ctx.catalogs.get(lang, "org.status." + a.status);
    row["status_class"] = status_class(a.status);
    row["expires_on"] = display_date(a.expires_on);
    row["expired"] = a.expires_on && *a.expires_on < today;
  }
  return row;
}

// Keeps the current filters in pager and sort links.
std::string query_without(const http::Request& r, const std::vector<std::string>& drop) {
  std::string out;
  for (const auto& [k, v] : http::parse_urlencoded(r.query_string)) {
    if (std::find(drop.begin(), drop.end(), k) != drop.end() || v.empty()) continue;
    out += (out.empty() ? "" : "&") + http::percent_encode(k) + "=" + http::percent_encode(v);
  }
  return out;
}

bool can_edit_any(const Principal& p) {
  return p.can(Action::kOrganizationWrite) || p.can(Action::kInstitutionWrite);
}

// ---- lists ------------------------------------------------------------------------------

http::Response list_page(OrgService& service, const web::ModuleContext& ctx, http::Request& r,
                         bool institutions) {
  const Principal& p = access::require(r, Action::kOrganizationRead);
  const auto params = web::parse_list_params(r);
  OrgFilter filter = filter_from_query(r);
  if (institutions) filter.kind = "eps";
  const Sort sort = sort_from_query(r);
  auto rows = service.list(p, filter, sort, after_from_query(r), params.limit + 1);
  const bool more = static_cast<int>(rows.size()) > params.limit;
  if (more) rows.pop_back();
  const auto names = territory_names(ctx.db);
  const std::string today = OrgService::today_plus(0);
  json items = json::array();
  for (const auto& l : rows) items.push_back(list_row(ctx, r.lang, l.org, names, today));
  const std::string base = institutions ? "/institutions" : "/organizations";
  const std::string keep = query_without(r, {"cursor", "lang"});
  const auto total = service.count(p, filter);
  json data = {
      {"items", items},
      {"institutions", institutions},
      {"action", base},
      {"q", filter.q.value_or("")},
      {"count_label",
       ctx.catalogs.format(
           r.lang, institutions ? "org.list.count_institutions" : "org.list.count_organizations",
           {{"count", std::to_string(total)}})},
      {"region_options", territory_options(ctx.db, "region", r.lang, filter.region.value_or(""),
                                           ctx.catalogs.get(r.lang, "org.filter.all_regions"))},
      {"province_options",
       territory_options(ctx.db, "province", r.lang, filter.province.value_or(""),
                         ctx.catalogs.get(r.lang, "org.filter.all_provinces"))},
      {"category_options", options(ctx, r.lang, categories(), "org.category.",
                                   filter.category.value_or(""), "org.filter.all_categories")},
      {"status_options",
       options(ctx, r.lang, authorization_statuses(), "org.status.",
               filter.authorization_status.value_or(""), "org.filter.all_statuses")},
      {"kind_options",
       options(ctx, r.lang, kinds(), "org.kind.", institutions ? "" : filter.kind.value_or(""),
               "org.filter.all_kinds")},
      {"sort_options",
       options(ctx, r.lang, {"name", "-name", "province", "capacity", "-capacity", "expiry"},
               "org.sort.", format_sort(sort))}};
  if (p.can(Action::kOrganizationWrite)) {
    data["new_href"] = base + "/new";
    data["import_href"] = "/organizations/import";
  }
  if (p.can(Action::kExport)) {
    std::string q = query_without(r, {"cursor", "lang", "limit"});
    if (institutions) q += std::string(q.empty() ? "" : "&") + "kind=eps";
    data["export_csv_href"] =
        "/api/v1/organizations/export?" + q + (q.empty() ? "" : "&") + "format=csv";
    data["export_xlsx_href"] =
        "/api/v1/organizations/export?" + q + (q.empty() ? "" : "&") + "format=xlsx";
  }
  if (more) {
    data["next_href"] =
        base + "?" + keep + (keep.empty() ? "" : "&") + "cursor=" + cursor_of(rows.back());
  }
  if (r.query("cursor")) data["first_href"] = base + (keep.empty() ? "" : "?" + keep);
  return ctx.pages.render(r, 200, "org/list",
                          institutions ? "org.page.institutions" : "org.page.organizations",
                          institutions ? "institutions" : "organizations", data);
}

http::Response expiring_page(OrgService& service, const web::ModuleContext& ctx, http::Request& r) {
  const Principal& p = access::require(r, Action::kOrganizationRead);
  const auto params = web::parse_list_params(r);
  OrgFilter filter;
  filter.kind = "eps";
  filter.expiring_by = OrgService::today_plus(kExpiryWarningDays);
  Sort sort;
  sort.key = SortKey::kExpiry;
  auto rows = service.list(p, filter, sort, after_from_query(r), params.limit + 1);
  const bool more = static_cast<int>(rows.size()) > params.limit;
  if (more) rows.pop_back();
  const auto names = territory_names(ctx.db);
  const std::string today = OrgService::today_plus(0);
  json items = json::array();
  for (const auto& l : rows) items.push_back(list_row(ctx, r.lang, l.org, names, today));
  json data = {
      {"items", items},
      {"count_label", ctx.catalogs.format(r.lang, "org.list.count_institutions",
                                          {{"count", std::to_string(service.count(p, filter))}})}};
  if (more) data["next_href"] = "/institutions/expiring?cursor=" + cursor_of(rows.back());
  return ctx.pages.render(r, 200, "org/expiring", "org.page.expiring", "institutions", data);
}

// ---- record page -------------------------------------------------------------------------

http::Response record_page(OrgService& service, const web::ModuleContext& ctx, http::Request& r,
                           bool institution_path) {
  const Principal& p = access::require(r, Action::kOrganizationRead);
  const Organization o = service.get(p, r.param("id"));
  if (institution_path != o.institution.has_value()) {
    return http::Response::redirect((o.institution ? "/institutions/" : "/organizations/") + o.id);
  }
  const auto names = territory_names(ctx.db);
  const std::string lang = r.lang;
  const std::string today = OrgService::today_plus(0);
  json data = list_row(ctx, lang, o, names, today);
  data["region"] = territory_name(names, o.region_code, lang);
  data["address"] = o.address.value_or("");
  data["phone"] = o.phone.value_or("");
  data["email"] = o.email.value_or("");
  data["name_fr"] = o.name_fr.value_or("");
  data["name_ar"] = o.name_ar.value_or("");
  data["version"] = o.version;
  if (r.query("saved") == "1") data["notice"] = ctx.catalogs.get(lang, "org.form.saved");
  const bool editable = (o.institution ? can_edit_any(p) : p.can(Action::kOrganizationWrite));
  if (editable)
    data["edit_href"] =
        std::string(institution_path ? "/institutions/" : "/organizations/") + o.id + "/edit";
  if (o.institution) {
    const Institution& i = *o.institution;
    auto lease = ctx.db.acquire();
    const Occupancy occ = occupancy_of(*lease, o.id);
    const json oj = occupancy_json(i, occ);
    data["is_eps"] = true;
    data["director"] = i.director.value_or("");
    if (i.managed_by) {
      auto m = find(*lease, *i.managed_by);
      if (m && access::contains(p.scope, location_of(*m))) {
        data["managed_by_name"] = m->display_name(lang);
        data["managed_by_href"] = "/organizations/" + m->id;
      } else if (m) {
        data["managed_by_name"] = m->display_name(lang);
      }
    }
    data["capacity_female"] = i.capacity_female;
    data["capacity_male"] = i.capacity_male;
    data["capacity_total"] = i.capacity();
    data["residents_female"] = occ.female;
    data["residents_male"] = occ.male;
    data["residents_total"] = occ.total();
    data["occupancy_rate"] = oj["rate"].is_null() ? "—" : percent(oj["rate"].get<double>());
    data["staff_ratio"] = oj["staff_to_resident_ratio"].is_null()
                              ? ctx.catalogs.get(lang, "org.institution.no_residents")
                              : ratio(oj["staff_to_resident_ratio"].get<double>(), lang);
    json staff = json::array();
    for (const auto& f : staff_functions()) {
      auto it = i.staff.find(f);
      staff.push_back({{"label", ctx.catalogs.get(lang, "org.staff." + f)},
                       {"count", it == i.staff.end() ? 0 : it->second}});
    }
    data["staff"] = staff;
    data["staff_total"] = i.staff_total();
    json svc = json::array();
    for (const auto& s : i.services)
      svc.push_back({{"label", ctx.catalogs.get(lang, "org.service." + s)}});
    data["services"] = svc;
    if (i.latitude && i.longitude) {
      data["coordinates"] = two_decimals(*i.latitude) + ", " + two_decimals(*i.longitude);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6f,%.6f", *i.latitude, *i.longitude);
      data["coordinates"] = std::string(buf);
    }
    const auto& a = i.authorization;
    data["authorization_number"] = a.number.value_or("");
    data["authorization_date"] = display_date(a.date);
    if (a.expires_on && (a.status == "authorized" || a.status == "provisional")) {
      if (*a.expires_on < today) {
        data["expiry_alert"] = ctx.catalogs.get(lang, "org.institution.expired");
      } else if (*a.expires_on <= OrgService::today_plus(kExpiryWarningDays)) {
        data["expiry_alert"] = ctx.catalogs.get(lang, "org.institution.expires_soon");
      }
    }
    json hist = json::array();
    for (const auto& c : history(*lease, o.id)) {
      hist.push_back(
          {{"at", display_date(c.changed_at.substr(0, 10))},
           {"by", c.changed_by.value_or("")},
           {"from", c.status_from ? ctx.catalogs.get(lang, "org.status." + *c.status_from) : ""},
           {"to", ctx.catalogs.get(lang, "org.status." + c.to.status)},
           {"number", c.to.number.value_or("")},
           {"date", display_date(c.to.date)},
           {"expires_on", display_date(c.to.expires_on)}});
    }
    data["history"] = hist;
  }
  return ctx.pages.render(r, 200, o.institution ? "org/institution" : "org/organization",
                          o.institution ? "org.page.institution" : "org.page.organization",
                          o.institution ? "institutions" : "organizations", data);
}

// ---- forms -------------------------------------------------------------------------------

json values_of(const Organization& o) {
  json v = {{"kind", o.kind},
            {"name_fr", o.name_fr.value_or("")},
            {"name_ar", o.name_ar.value_or("")},
            {"province", o.province_code},
            {"address", o.address.value_or("")},
            {"phone", o.phone.value_or("")},
            {"email", o.email.value_or("")},
            {"version", std::to_string(o.version)}};
  if (o.institution) {
    const auto& i = *o.institution;
    v["category"] = i.category;
    v["managed_by"] = i.managed_by.value_or("");
    v["director"] = i.director.value_or("");
    v["capacity_female"] = std::to_string(i.capacity_female);
    v["capacity_male"] = std::to_string(i.capacity_male);
    for (const auto& f : staff_functions()) {
      auto it = i.staff.find(f);
      v["staff_" + f] = std::to_string(it == i.staff.end() ? 0 : it->second);
    }
    char buf[32];
    if (i.latitude) {
      std::snprintf(buf, sizeof buf, "%.6f", *i.latitude);
      v["latitude"] = std::string(buf);
    }
    if (i.longitude) {
      std::snprintf(buf, sizeof buf, "%.6f", *i.longitude);
      v["longitude"] = std::string(buf);
    }
    v["authorization_status"] = i.authorization.status;
    v["authorization_number"] = i.authorization.number.value_or("");
    v["authorization_date"] = i.authorization.date.value_or("");
    v["authorization_expires_on"] = i.authorization.expires_on.value_or("");
    v["services"] = i.services;
  }
  return v;
}

http::Response render_form(OrgService& service, const web::ModuleContext& ctx,
                           const http::Request& r, int status, bool is_eps,
                           const Organization* existing, const json& values, const json& errors) {
  const Principal& p = access::require_login(r);
  auto value = [&values](const std::string& k) {
    auto it = values.find(k);
    return it != values.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::vector<std::string> chosen;
  if (auto it = values.find("services"); it != values.end() && it->is_array()) {
    for (const auto& s : *it) chosen.push_back(s.get<std::string>());
  }
  json service_options = json::array();
  for (const auto& s : services()) {
    service_options.push_back(
        {{"value", s},
         {"label", ctx.catalogs.get(r.lang, "org.service." + s)},
         {"checked", std::find(chosen.begin(), chosen.end(), s) != chosen.end()}});
  }
  json staff_fields = json::array();
  for (const auto& f : staff_functions()) {
    const std::string name = "staff_" + f;
    staff_fields.push_back({{"name", name},
                            {"label", ctx.catalogs.get(r.lang, "org.staff." + f)},
                            {"value", value(name)},
                            {"error", errors.contains(name) ? errors[name] : json()}});
  }
  // Managing organizations: the non-EPS organizations the caller can see.
  json managers = json::array();
  managers.push_back({{"value", ""},
                      {"label", ctx.catalogs.get(r.lang, "org.form.none")},
                      {"selected", value("managed_by").empty()}});
  if (is_eps) {
    Sort by_name;
    by_name.lang = r.lang;
    for (const auto& l : service.list(p, {}, by_name, std::nullopt, 500)) {
      if (l.org.kind == "eps") continue;
      managers.push_back({{"value", l.org.id},
                          {"label", l.org.display_name(r.lang) + " (" + l.org.province_code + ")"},
                          {"selected", l.org.id == value("managed_by")}});
    }
  }
  const std::string base = is_eps ? "/institutions" : "/organizations";
  json data = {
      {"is_new", existing == nullptr},
      {"is_eps", is_eps},
      {"csrf", p.csrf_token},
      {"values", values},
      {"errors", errors},
      {"identity_locked", !p.can(Action::kOrganizationWrite)},
      {"action", existing ? base + "/" + existing->id + "/edit" : base + "/new"},
      {"cancel_href", existing ? base + "/" + existing->id : base},
      {"kind_options", options(ctx, r.lang, kinds(), "org.kind.", value("kind"))},
      {"province_options", territory_options(ctx.db, "province", r.lang, value("province"),
                                             ctx.catalogs.get(r.lang, "org.form.choose"))},
      {"category_options",
       options(ctx, r.lang, categories(), "org.category.", value("category"), "org.form.choose")},
      {"status_options",
       options(ctx, r.lang, authorization_statuses(), "org.status.",
               value("authorization_status").empty() ? "pending" : value("authorization_status"))},
      {"service_options", service_options},
      {"staff_fields", staff_fields},
      {"manager_options", managers}};
  const std::string title =
      existing ? (is_eps ? "org.page.edit_institution" : "org.page.edit_organization")
               : (is_eps ? "org.page.new_institution" : "org.page.new_organization");
  return ctx.pages.render(r, status, "org/form", title, is_eps ? "institutions" : "organizations",
                          data);
}

// The posted form as an OrgInput; fields absent from the post (disabled inputs) are left
// out so that they stay unchanged. `values` gets what was typed, for a re-render.
OrgInput input_from_form(const http::Request& r, json& values) {
  web::Form form(r);
  OrgInput in;
  for (const auto& f : input_fields()) {
    if (form.has(f)) {
      in.fields[f] = form.get(f);
      values[f] = form.get(f);
    }
  }
  if (form.has("services_present")) {
    in.services.emplace();
    json chosen = json::array();
    for (const auto& [k, v] : http::parse_urlencoded(r.body)) {
      if (k == "services") {
        in.services->push_back(v);
        chosen.push_back(v);
      }
    }
    values["services"] = chosen;
  }
  return in;
}

json translate(const web::ModuleContext& ctx, const std::string& lang,
               const std::map<std::string, std::string>& fields) {
  json out = json::object();
  for (const auto& [f, key] : fields) out[f] = ctx.catalogs.get(lang, key);
  return out;
}

http::Response post_new(OrgService& service, const web::ModuleContext& ctx, http::Request& r,
                        bool is_eps) {
  const Principal& p = access::require(r, Action::kOrganizationWrite);
  json values = json::object();
  OrgInput in = input_from_form(r, values);
  if (is_eps) {
    in.fields["kind"] = "eps";
    values["kind"] = "eps";
  }
  try {
    auto o = service.create(p, access::actor_of(r), in);
    return http::Response::redirect((is_eps ? "/institutions/" : "/organizations/") + o.id +
                                    "?saved=1");
  } catch (const Invalid& e) {
    return render_form(service, ctx, r, 422, is_eps, nullptr, values,
                       translate(ctx, r.lang, e.fields()));
  } catch (const Conflict& e) {
    auto fields = e.fields();
    fields["form"] = e.message_key();
    return render_form(service, ctx, r, 409, is_eps, nullptr, values,
                       translate(ctx, r.lang, fields));
  } catch (const Forbidden&) {
    return render_form(
        service, ctx, r, 403, is_eps, nullptr, values,
        translate(ctx, r.lang, {{"province", "org.validation.province_out_of_scope"}}));
  }
}

http::Response post_edit(OrgService& service, const web::ModuleContext& ctx, http::Request& r,
                         bool is_eps) {
  const Principal& p = access::require_login(r);
  if (!can_edit_any(p)) throw Forbidden();
  const Organization current = service.get(p, r.param("id"));
  if (current.institution.has_value() != is_eps) throw NotFound();
  json values = values_of(current);
  OrgInput in = input_from_form(r, values);
  in.fields.erase("kind");
  if (!is_eps) {
    web::Form form(r);
    if (form.has("kind")) in.fields["kind"] = form.get("kind");
  }
  std::int64_t version = -1;
  try {
    version = std::stoll(web::Form(r).get("version"));
  } catch (const std::exception&) {
  }
  values["version"] = web::Form(r).get("version");
  try {
    service.update(p, access::actor_of(r), current.id, in, version);
    return http::Response::redirect((is_eps ? "/institutions/" : "/organizations/") + current.id +
                                    "?saved=1");
  } catch (const Invalid& e) {
    return render_form(service, ctx, r, 422, is_eps, &current, values,
                       translate(ctx, r.lang, e.fields()));
  } catch (const Conflict& e) {
    auto fields = e.fields();
    fields["form"] = e.message_key();
    return render_form(service, ctx, r, 409, is_eps, &current, values,
                       translate(ctx, r.lang, fields));
  }
}

// ---- import ------------------------------------------------------------------------------

http::Response import_page(OrgService& service, const web::ModuleContext& ctx, http::Request& r,
                           bool post) {
  const Principal& p = access::require(r, Action::kOrganizationWrite);
  json data = {{"csrf", p.csrf_token}, {"dry_run", true}};
  if (post) {
    web::Form form(r);
    const bool dry_run = form.get("mode") != "import";
    data["dry_run"] = dry_run;
    // A chosen file wins over the text area; after a dry run its content is shown in the
    // text area, so that "Import" does not need the file chosen again.
    const std::string& csv = form.get("file").empty() ? form.get("csv") : form.get("file");
    data["csv"] = csv;
    auto result = import_csv(service, p, access::actor_of(r), csv, dry_run);
    json errors = json::array();
    for (const auto& e : result.errors) {
      errors.push_back({{"row", e.row},
                        {"column", e.column},
                        {"code", e.code},
                        {"message", ctx.catalogs.get(r.lang, e.message_key)}});
    }
    data["errors"] = errors;
    data["has_errors"] = !errors.empty();
    if (errors.empty()) {
      data["notice"] =
          ctx.catalogs.format(r.lang, dry_run ? "org.import.dry_run_ok" : "org.import.done",
                              {{"count", std::to_string(result.created)}});
      if (!dry_run) data.erase("csv");
    }
    return ctx.pages.render(r, errors.empty() ? 200 : 422, "org/import", "org.page.import",
                            "organizations", data);
  }
  return ctx.pages.render(r, 200, "org/import", "org.page.import", "organizations", data);
}

}  // namespace

void register_page_routes(http::Router& router, const web::ModuleContext& ctx,
                          std::shared_ptr<OrgService> service) {
  using http::Method;
  for (const bool eps : {true, false}) {
    const std::string base = eps ? "/institutions" : "/organizations";
    router.add(Method::kGet, base,
               [service, ctx, eps](http::Request& r) { return list_page(*service, ctx, r, eps); });
    router.add(Method::kGet, base + "/new", [service, ctx, eps](http::Request& r) {
      access::require(r, Action::kOrganizationWrite);
      json values = {{"kind", eps ? "eps" : "association"}, {"authorization_status", "pending"}};
      return render_form(*service, ctx, r, 200, eps, nullptr, values, json::object());
    });
    router.add(Method::kPost, base + "/new",
               [service, ctx, eps](http::Request& r) { return post_new(*service, ctx, r, eps); });
    router.add(Method::kGet, base + "/{id}", [service, ctx, eps](http::Request& r) {
      return record_page(*service, ctx, r, eps);
    });
    router.add(Method::kGet, base + "/{id}/edit", [service, ctx, eps](http::Request& r) {
      const Principal& p = access::require_login(r);
      if (!can_edit_any(p)) throw Forbidden();
      const Organization o = service->get(p, r.param("id"));
      if (o.institution.has_value() != eps) throw NotFound();
      if (!eps && !p.can(Action::kOrganizationWrite)) throw Forbidden();
      return render_form(*service, ctx, r, 200, eps, &o, values_of(o), json::object());
    });
    router.add(Method::kPost, base + "/{id}/edit",
               [service, ctx, eps](http::Request& r) { return post_edit(*service, ctx, r, eps); });
  }
  router.add(Method::kGet, "/institutions/expiring",
             [service, ctx](http::Request& r) { return expiring_page(*service, ctx, r); });
  router.add(Method::kGet, "/organizations/import",
             [service, ctx](http::Request& r) { return import_page(*service, ctx, r, false); });
  router.add(Method::kPost, "/organizations/import",
             [service, ctx](http::Request& r) { return import_page(*service, ctx, r, true); });
}

}  // namespace jisr::org

// src/access/access_http.cc
#include "access/access_http.h"

#include <nlohmann/json.hpp>

#include "platform/error.h"
#include "platform/util/crypto.h"
#include "platform/web/api.h"
#include "platform/web/forms.h"
#include "platform/web/page.h"

namespace jisr::access {
namespace {

bool is_unsafe(http::Method m) {
  return m == http::Method::kPost || m == http::Method::kPut || m == http::Method::kPatch ||
         m == http::Method::kDelete;
}

std::string session_cookie(const std::string& value, bool secure, long max_age) {
  http::CookieOptions o;
  o.secure = secure;
  o.max_age_seconds = max_age;
  return http::format_set_cookie(kSessionCookie, value, o);
}

std::string local_next(const std::optional<std::string>& next) {
  if (next && web::is_local_path(*next) && next->rfind("/login", 0) != 0) return *next;
  return "/";
}

// --- JSON input helpers: a wrong type is a validation error on that field -----------------

std::optional<std::string> json_string(const nlohmann::json& body, const char* key,
                                       std::map<std::string, std::string>& errors) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    errors[key] = "validation.invalid_type";
    return std::nullopt;
  }
  return it->get<std::string>();
}

// For PATCH: absent → nullopt; null → optional(nullopt); string → optional(value).
std::optional<std::optional<std::string>> json_nullable(
    const nlohmann::json& body, const char* key, std::map<std::string, std::string>& errors) {
  auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  if (it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    errors[key] = "validation.invalid_type";
    return std::nullopt;
  }
  return std::optional<std::string>(it->get<std::string>());
}

void read_scope(const nlohmann::json& body, std::optional<std::string>& level,
                std::optional<std::string>& code, std::map<std::string, std::string>& errors) {
  auto it = body.find("scope");
  if (it == body.end()) return;
  if (!it->is_object()) {
    errors["scope_level"] = "validation.invalid_scope";
    return;
  }
  level = json_string(*it, "level", errors);
  code = json_string(*it, "code", errors);
  if (errors.count("level")) errors["scope_level"] = errors["level"], errors.erase("level");
  if (errors.count("code")) errors["scope_code"] = errors["code"], errors.erase("code");
}

// --- pages ---------------------------------------------------------------------------------

nlohmann::json select_options(const std::vector<std::pair<std::string, std::string>>& values,
                              const std::string& selected) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [value, label] : values) {
    out.push_back({{"value", value}, {"label", label}, {"selected", value == selected}});
  }
  return out;
}

std::string scope_label(const web::ModuleContext& ctx, const std::string& lang, const Scope& s,
                        db::Connection& conn) {
  std::string label = ctx.catalogs.get(lang, "scope." + std::string(scope_level_name(s.level)));
  if (s.level == ScopeLevel::kRegion || s.level == ScopeLevel::kProvince) {
    auto t =
        conn.query("SELECT name_fr, name_ar FROM territories WHERE code = $1", {db::Value(s.code)});
    if (!t.empty()) {
      label += " — " + db::text_or(t.rows[0][lang == "ar" ? 1 : 0], s.code);
    }
  } else if (s.level == ScopeLevel::kOrganization) {
    auto o =
        conn.query("SELECT name_fr, name_ar FROM organizations WHERE id = $1", {db::Value(s.code)});
    if (!o.empty()) {
      const auto fr = db::as_text(o.rows[0][0]);
      const auto ar = db::as_text(o.rows[0][1]);
      label += " — " + (lang == "ar" ? (ar ? *ar : fr.value_or("")) : (fr ? *fr : ar.value_or("")));
    }
  }
  return label;
}

struct FormLists {
  nlohmann::json roles, scope_levels, territories, organizations, languages;
};

FormLists form_lists(const web::ModuleContext& ctx, const std::string& lang,
                     const nlohmann::json& values) {
  auto value = [&values](const char* k) {
    auto it = values.find(k);
    return it != values.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  FormLists l;
  std::vector<std::pair<std::string, std::string>> v;
  for (Role r : all_roles()) {
    v.emplace_back(std::string(role_name(r)),
                   ctx.catalogs.get(lang, "role." + std::string(role_name(r))));
  }
  l.roles = select_options(v, value("role"));
  v.clear();
  for (const char* s : {"national", "region", "province", "organization"}) {
    v.emplace_back(s, ctx.catalogs.get(lang, std::string("scope.") + s));
  }
  l.scope_levels = select_options(v, value("scope_level"));
  v.clear();
  v.emplace_back("", ctx.catalogs.get(lang, "field.scope_code_none"));
  auto lease = ctx.db.acquire();
  auto rows = lease->query("SELECT code, level, name_fr, name_ar FROM territories ORDER BY code");
  for (const auto& r : rows.rows) {
    const auto code = db::text_or(r[0], "");
    v.emplace_back(code, code + " — " + db::text_or(r[lang == "ar" ? 3 : 2], ""));
  }
  l.territories = select_options(v, value("scope_code"));
  v.clear();
  auto orgs = lease->query(
      "SELECT id, name_fr, name_ar, province_code FROM organizations ORDER BY name_fr LIMIT 1000");
  for (const auto& r : orgs.rows) {
    const auto name = db::as_text(r[lang == "ar" ? 2 : 1]);
    v.emplace_back(db::text_or(r[0], ""), name.value_or(db::text_or(r[lang == "ar" ? 1 : 2], "")) +
                                              " (" + db::text_or(r[3], "") + ")");
  }
  // No organizations yet: an empty list, so the page can say so instead of a lone blank.
  if (!v.empty()) v.insert(v.begin(), {"", ctx.catalogs.get(lang, "field.organization_none")});
  l.organizations = select_options(v, value("organization_id"));
  v.clear();
  for (const char* code : {"fr", "ar", "en"}) v.emplace_back(code, i18n::native_name(code));
  l.languages =
      select_options(v, value("preferred_language").empty() ? "fr" : value("preferred_language"));
  return l;
}

nlohmann::json translate_errors(const web::ModuleContext& ctx, const std::string& lang,
                                const std::map<std::string, std::string>& fields) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [field, key] : fields) out[field] = ctx.catalogs.get(lang, key);
  return out;
}

http::Response render_user_form(const web::ModuleContext& ctx, const http::Request& r, int status,
                                bool is_new, const nlohmann::json& values,
                                const nlohmann::json& errors, const User* existing,
                                const std::string& notice_key = "") {
  const auto* p = principal_of(r);
  auto lists = form_lists(ctx, r.lang, values);
  nlohmann::json data = {{"is_new", is_new},
                         {"csrf", p ? p->csrf_token : ""},
                         {"values", values},
                         {"errors", errors},
                         {"role_options", lists.roles},
                         {"scope_level_options", lists.scope_levels},
                         {"territory_options", lists.territories},
                         {"organization_options", lists.organizations},
                         {"language_options", lists.languages}};
  if (!notice_key.empty()) data["notice"] = ctx.catalogs.get(r.lang, notice_key);
  if (is_new) {
    data["action"] = "/admin/users/new";
  } else if (existing) {
    const std::string base = "/admin/users/" + existing->id;
    data["action"] = base;
    data["user_id"] = existing->id;
    data["password_action"] = base + "/password";
    data["status_action"] = base + (existing->active ? "/disable" : "/enable");
    data["status_button_label"] =
        ctx.catalogs.get(r.lang, existing->active ? "page.users.disable" : "page.users.enable");
    data["active"] = existing->active;
    data["no_password"] = !has_password(*existing);
  }
  return ctx.pages.render(r, status, "access/user_form",
                          is_new ? "page.users.new" : "page.users.edit", "users", data);
}

nlohmann::json form_values(const User& u) {
  return {{"username", u.username},
          {"display_name", u.display_name},
          {"email", u.email.value_or("")},
          {"preferred_language", u.preferred_language},
          {"role", std::string(role_name(u.role))},
          {"scope_level", std::string(scope_level_name(u.scope.level))},
          {"scope_code", u.scope.code},
          {"organization_id", u.organization_id.value_or("")},
          {"version", std::to_string(u.version)}};
}

std::optional<std::string> non_empty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

std::string expired_session_cookie(bool secure) {
  return session_cookie("", secure, 0);
}

AccessModule::AccessModule(db::Database& db, AccessOptions options)
    : db_(db),
      options_(options),
      users_(db),
      throttle_(db, options.throttle),
      login_(db, users_, throttle_) {}

void AccessModule::authenticate(http::Request& request) {
  if (auto header = request.header("authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (header->rfind(kBearer, 0) != 0) throw Unauthorized();
    auto p = authenticate_token(db_, header->substr(kBearer.size()));
    if (!p) throw Unauthorized();
    request.auth = std::move(*p);
    return;
  }
  if (auto cookie = request.cookie(kSessionCookie); cookie && !cookie->empty()) {
    if (auto p = authenticate_session(db_, *cookie, options_.session)) {
      request.auth = std::move(*p);
    } else {
      request.session_expired = true;
    }
  }
}

void AccessModule::check_csrf(const http::Request& request) const {
  if (!is_unsafe(request.method)) return;
  const Principal* p = principal_of(request);
  if (!p || p->via != Principal::Via::kSession) return;
  std::string presented = request.header("x-csrf-token").value_or("");
  if (presented.empty()) presented = web::Form(request).get("_csrf");
  if (!crypto::equals_constant_time(presented, p->csrf_token)) throw Forbidden("error.csrf");
}

void AccessModule::decorate_layout(const http::Request& request, nlohmann::json& layout) const {
  const Principal* p = principal_of(request);
  layout["csrf"] = p && p->via == Principal::Via::kSession ? p->csrf_token : "";
  nlohmann::json can = nlohmann::json::object();
  if (p) {
    layout["user"] = {{"display_name", p->display_name},
                      {"username", p->username},
                      {"role", std::string(role_name(p->role))}};
    can["admin_users"] = p->can(Action::kUserRead);
    can["people"] = p->can(Action::kPersonRead);
    can["audit"] = p->can(Action::kAuditRead);
    can["organizations"] = p->can(Action::kOrganizationRead);
    can["casework"] = p->can(Action::kCaseRead);
    // The referral queues are an organization's: no menu entry to an always empty page.
    can["referral_queues"] = p->can(Action::kCaseRead) && p->organization_id.has_value();
    can["dedup_review"] = p->can(Action::kPersonDedupReview);
    can["person_merges"] = p->can(Action::kPersonUnmerge);
  }
  layout["can"] = can;
}

void AccessModule::register_routes(http::Router& router, const web::ModuleContext& ctx) {
  using http::Method;
  const bool secure = options_.secure_cookies;
  const SessionPolicy policy = options_.session;

  // ---- login / logout ----------------------------------------------------------------------
  auto render_login = [ctx, secure](const http::Request& r, int status, const std::string& next,
                                    const std::string& username, const std::string& error_key,
                                    const std::string& notice_key) {
    // Double-submit token: the same random value in a cookie and in the form. A forged
    // cross-site form cannot read the cookie, so it cannot fill the field.
    std::string csrf = r.cookie(kLoginCsrfCookie).value_or("");
    const bool fresh = csrf.size() < 32 || csrf.size() > 64;
    if (fresh) csrf = crypto::random_token(32);
    nlohmann::json data = {{"csrf", csrf}, {"next", next}, {"username", username}};
    if (!error_key.empty()) data["error"] = ctx.catalogs.get(r.lang, error_key);
    if (!notice_key.empty()) data["notice"] = ctx.catalogs.get(r.lang, notice_key);
    auto resp = ctx.pages.render(r, status, "access/login", "page.login.title", "login", data);
    if (fresh) {
      http::CookieOptions o;
      o.secure = secure;
      resp.add_header("Set-Cookie", http::format_set_cookie(kLoginCsrfCookie, csrf, o));
    }
    return resp;
  };

  router.add(Method::kGet, "/login", [render_login](http::Request& r) {
    const std::string next = local_next(r.query("next"));
    if (principal_of(r)) return http::Response::redirect(next);
    const bool expired = r.session_expired || r.query("expired") == "1";
    return render_login(r, 200, next, "", "", expired ? "auth.session_expired" : "");
  });

  router.add(Method::kPost, "/login", [this, render_login, secure, policy](http::Request& r) {
    web::Form form(r);
    const std::string next = local_next(form.optional("next"));
    const std::string cookie = r.cookie(kLoginCsrfCookie).value_or("");
    if (!crypto::equals_constant_time(form.get("_csrf"), cookie)) throw Forbidden("error.csrf");
    const std::string username = form.get("username");
    User user;
    try {
      user = login_.check_credentials(username, form.get("password"), actor_of(r));
    } catch (const RateLimited&) {
      return render_login(r, 429, next, username, "auth.rate_limited", "");
    } catch (const Unauthorized&) {
      return render_login(r, 401, next, username, "auth.login_failed", "");
    }
    // A new session id at every login; any session the browser had is ended.
    if (auto old = r.cookie(kSessionCookie); old && !old->empty()) delete_session(db_, *old);
    db::Transaction tx(db_, db::TxMode::kWrite);
    auto session = create_session(tx.conn(), user.id, r.remote_address,
                                  r.header("user-agent").value_or(""), policy);
    audit::Actor actor = actor_of(r);
    actor.user_id = user.id;
    actor.username = user.username;
    audit::append(tx.conn(), actor, "login", "session", std::nullopt, nullptr, nullptr,
                  {user.home_region, user.home_province, user.organization_id});
    tx.commit();
    auto resp = http::Response::redirect(next);
    resp.add_header(
        "Set-Cookie",
        session_cookie(session.secret, secure,
                       static_cast<long>(std::chrono::seconds(policy.absolute).count())));
    return resp;
  });

  router.add(Method::kPost, "/logout", [this, secure](http::Request& r) {
    require_login(r);
    if (auto cookie = r.cookie(kSessionCookie)) delete_session(db_, *cookie);
    db::Transaction tx(db_, db::TxMode::kWrite);
    audit::append(tx.conn(), actor_of(r), "logout", "session", std::nullopt, nullptr, nullptr);
    tx.commit();
    auto resp = http::Response::redirect("/login");
    resp.add_header("Set-Cookie", expired_session_cookie(secure));
    return resp;
  });

  // ---- tokens and identity -----------------------------------------------------------------
  router.add(Method::kPost, "/api/v1/auth/token", [this](http::Request& r) {
    const auto body = web::parse_json_body(r);
    std::map<std::string, std::string> errors;
    const auto username = json_string(body, "username", errors).value_or("");
    const auto password = json_string(body, "password", errors).value_or("");
    int days = kDefaultTokenDays;
    if (auto it = body.find("expires_in_days"); it != body.end()) {
      if (!it->is_number_integer() || it->get<int>() < 1 || it->get<int>() > kMaxTokenDays) {
        errors["expires_in_days"] = "validation.invalid_token_days";
      } else {
        days = it->get<int>();
      }
    }
    if (username.empty()) errors["username"] = "validation.required";
    if (password.empty()) errors["password"] = "validation.required";
    if (!errors.empty()) throw Invalid(errors);
    const User user = login_.check_credentials(username, password, actor_of(r));
    db::Transaction tx(db_, db::TxMode::kWrite);
    auto token = create_token(tx.conn(), user.id, days, "api");
    audit::Actor actor = actor_of(r);
    actor.user_id = user.id;
    actor.username = user.username;
    audit::append(tx.conn(), actor, "token_create", "token", token.id, nullptr,
                  {{"expires_at", token.expires_at}});
    tx.commit();
    return web::json_response(
        200, {{"token", token.secret}, {"id", token.id}, {"expires_at", token.expires_at}});
  });

  router.add(Method::kDelete, "/api/v1/auth/tokens/current", [this](http::Request& r) {
    const Principal& p = require_login(r);
    if (p.via != Principal::Via::kToken) throw BadRequest("error.bad_request");
    db::Transaction tx(db_, db::TxMode::kWrite);
    revoke_token(tx.conn(), p.token_id);
    audit::append(tx.conn(), actor_of(r), "token_revoke", "token", p.token_id, nullptr, nullptr);
    tx.commit();
    http::Response resp;
    resp.status = 204;
    return resp;
  });

  router.add(Method::kGet, "/api/v1/me", [](http::Request& r) {
    const Principal& p = require_login(r);
    return web::json_response(
        200, {{"id", p.user_id},
              {"username", p.username},
              {"display_name", p.display_name},
              {"role", std::string(role_name(p.role))},
              {"scope",
               {{"level", std::string(scope_level_name(p.scope.level))},
                {"code", p.scope.code.empty() ? nlohmann::json() : nlohmann::json(p.scope.code)}}},
              {"organization_id",
               p.organization_id ? nlohmann::json(*p.organization_id) : nlohmann::json()},
              {"preferred_language", p.preferred_language}});
  });

  // ---- users API ---------------------------------------------------------------------------
  router.add(Method::kGet, "/api/v1/users", [this](http::Request& r) {
    const Principal& p = require(r, Action::kUserRead);
    const auto params = web::parse_list_params(r);
    UserFilter f;
    f.q = r.query("q");
    if (auto role = r.query("role"); role && !role->empty()) f.role = *role;
    if (auto active = r.query("active")) {
      if (*active == "true")
        f.active = true;
      else if (*active == "false")
        f.active = false;
      else if (!active->empty())
        throw BadRequest("error.bad_request", {{"active", "validation.invalid_boolean"}});
    }
    auto users = users_.list(p, f, params.after, params.limit + 1);
    const bool more = static_cast<int>(users.size()) > params.limit;
    if (more) users.pop_back();
    nlohmann::json items = nlohmann::json::array();
    for (const auto& u : users) items.push_back(to_json(u));
    nlohmann::json body = {{"items", items}, {"next_cursor", nullptr}};
    if (more) body["next_cursor"] = web::encode_cursor(users.back().id);
    return web::json_response(200, body);
  });

  router.add(Method::kPost, "/api/v1/users", [this](http::Request& r) {
    const Principal& p = require(r, Action::kUserManage);
    const auto body = web::parse_json_body(r);
    std::map<std::string, std::string> errors;
    NewUser in;
    in.username = json_string(body, "username", errors).value_or("");
    in.display_name = json_string(body, "display_name", errors).value_or("");
    in.email = json_string(body, "email", errors);
    in.preferred_language = json_string(body, "preferred_language", errors).value_or("fr");
    in.organization_id = json_string(body, "organization_id", errors);
    in.role = json_string(body, "role", errors).value_or("");
    std::optional<std::string> level, code;
    read_scope(body, level, code, errors);
    in.scope_level = level.value_or("");
    in.scope_code = code.value_or("");
    in.password = json_string(body, "password", errors).value_or("");
    if (!errors.empty()) throw Invalid(errors);
    auto u = users_.create(&p, actor_of(r), in);
    auto resp = web::json_response(201, to_json(u));
    resp.set_header("Location", "/api/v1/users/" + u.id);
    return resp;
  });

  router.add(Method::kGet, "/api/v1/users/{id}", [this](http::Request& r) {
    const Principal& p = require(r, Action::kUserRead);
    return web::json_response(200, to_json(users_.get(p, r.param("id"))));
  });

  router.add(Method::kPatch, "/api/v1/users/{id}", [this](http::Request& r) {
    const Principal& p = require(r, Action::kUserManage);
    const auto body = web::parse_json_body(r);
    std::map<std::string, std::string> errors;
    auto version = body.find("version");
    if (version == body.end() || !version->is_number_integer()) {
      errors["version"] = "validation.required";
    }
    UserPatch patch;
    patch.display_name = json_string(body, "display_name", errors);
    patch.email = json_nullable(body, "email", errors);
    patch.preferred_language = json_string(body, "preferred_language", errors);
    patch.organization_id = json_nullable(body, "organization_id", errors);
    patch.role = json_string(body, "role", errors);
    read_scope(body, patch.scope_level, patch.scope_code, errors);
    if (!errors.empty()) throw Invalid(errors);
    auto u = users_.update(p, actor_of(r), r.param("id"), patch, version->get<std::int64_t>());
    return web::json_response(200, to_json(u));
  });

  router.add(Method::kPost, "/api/v1/users/{id}/disable", [this](http::Request& r) {
    const Principal& p = require(r, Action::kUserManage);
    return web::json_response(200,
                              to_json(users_.set_active(p, actor_of(r), r.param("id"), false)));
  });
  router.add(Method::kPost, "/api/v1/users/{id}/enable", [this](http::Request& r) {
    const Principal& p = require(r, Action::kUserManage);
    return web::json_response(200, to_json(users_.set_active(p, actor_of(r), r.param("id"), true)));
  });
  router.add(Method::kPost, "/api/v1/users/{id}/password", [this](http::Request& r) {
    const Principal& p = require(r, Action::kUserManage);
    const auto body = web::parse_json_body(r);
    std::map<std::string, std::string> errors;
    const auto password = json_string(body, "password", errors).value_or("");
    if (!errors.empty()) throw Invalid(errors);
    users_.reset_password(&p, actor_of(r), r.param("id"), password, password);
    http::Response resp;
    resp.status = 204;
    return resp;
  });

  // ---- user administration pages -----------------------------------------------------------
  router.add(Method::kGet, "/admin/users", [this, ctx](http::Request& r) {
    const Principal& p = require(r, Action::kUserRead);
    const auto params = web::parse_list_params(r);
    UserFilter f;
    const std::string q = r.query("q").value_or("");
    const std::string role = r.query("role").value_or("");
    const std::string status = r.query("status").value_or("");
    if (!q.empty()) f.q = q;
    if (!role.empty()) f.role = role;
    if (status == "active") f.active = true;
    if (status == "disabled") f.active = false;
    auto users = users_.list(p, f, params.after, params.limit + 1);
    const bool more = static_cast<int>(users.size()) > params.limit;
    if (more) users.pop_back();
    nlohmann::json rows = nlohmann::json::array();
    auto lease = ctx.db.acquire();
    for (const auto& u : users) {
      std::string org_name;
      if (u.organization_id) {
        auto o = lease->query("SELECT name_fr, name_ar FROM organizations WHERE id = $1",
                              {db::Value(*u.organization_id)});
        if (!o.empty())
          org_name = db::text_or(o.rows[0][r.lang == "ar" ? 1 : 0], db::text_or(o.rows[0][0], ""));
      }
      rows.push_back(
          {{"id", u.id},
           {"username", u.username},
           {"display_name", u.display_name},
           {"email", u.email.value_or("")},
           {"role_label", ctx.catalogs.get(r.lang, "role." + std::string(role_name(u.role)))},
           {"scope_label", scope_label(ctx, r.lang, u.scope, *lease)},
           {"organization_name", org_name},
           {"active", u.active},
           {"password_set", has_password(u)}});
      // The user's page is the administration form: linked for those who may use it only.
      if (p.can(Action::kUserManage)) rows.back()["href"] = "/admin/users/" + u.id;
    }
    auto keep = [&](const std::string& cursor) {
      std::string href = "/admin/users?q=" + http::percent_encode(q) +
                         "&role=" + http::percent_encode(role) +
                         "&status=" + http::percent_encode(status);
      if (!cursor.empty()) href += "&cursor=" + cursor;
      return href;
    };
    std::vector<std::pair<std::string, std::string>> role_values = {
        {"", ctx.catalogs.get(r.lang, "page.users.role_all")}};
    for (Role ro : all_roles()) {
      role_values.emplace_back(std::string(role_name(ro)),
                               ctx.catalogs.get(r.lang, "role." + std::string(role_name(ro))));
    }
    nlohmann::json data = {
        {"users", rows},
        {"q", q},
        {"role_options", select_options(role_values, role)},
        {"status_options",
         select_options({{"", ctx.catalogs.get(r.lang, "page.users.status_all")},
                         {"active", ctx.catalogs.get(r.lang, "page.users.status_active")},
                         {"disabled", ctx.catalogs.get(r.lang, "page.users.status_disabled")}},
                        status)}};
    if (p.can(Action::kUserManage)) data["new_href"] = "/admin/users/new";
    if (more) data["next_href"] = keep(web::encode_cursor(users.back().id));
    if (params.after) data["first_href"] = keep("");
    return ctx.pages.render(r, 200, "access/users", "page.users.title", "users", data);
  });

  router.add(Method::kGet, "/admin/users/new", [ctx](http::Request& r) {
    require(r, Action::kUserManage);
    return render_user_form(ctx, r, 200, true,
                            {{"preferred_language", r.lang}, {"scope_level", "national"}},
                            nlohmann::json::object(), nullptr);
  });

  router.add(Method::kPost, "/admin/users/new", [this, ctx](http::Request& r) {
    const Principal& p = require(r, Action::kUserManage);
    web::Form form(r);
    NewUser in;
    in.username = form.get("username");
    in.display_name = form.get("display_name");
    in.email = non_empty(form.get("email"));
    in.preferred_language = form.get("preferred_language");
    in.organization_id = non_empty(form.get("organization_id"));
    in.role = form.get("role");
    in.scope_level = form.get("scope_level");
    in.scope_code = form.get("scope_code");
    in.password = form.get("password");
    nlohmann::json values = {{"username", in.username},
                             {"display_name", in.display_name},
                             {"email", form.get("email")},
                             {"preferred_language", in.preferred_language},
                             {"organization_id", form.get("organization_id")},
                             {"role", in.role},
                             {"scope_level", in.scope_level},
                             {"scope_code", in.scope_code}};
    std::map<std::string, std::string> errors;
    if (form.get("password") != form.get("password_confirm")) {
      errors["password_confirm"] = "validation.passwords_differ";
    }
    try {
      if (!errors.empty()) {
        // Still validate the rest, so every problem is shown at once.
        try {
          validate_password(in.password, std::nullopt);
        } catch (const Invalid& e) {
          for (const auto& [k, v] : e.fields()) errors[k] = v;
        }
        throw Invalid(errors);
      }
      auto u = users_.create(&p, actor_of(r), in);
      return http::Response::redirect("/admin/users/" + u.id + "?saved=1");
    } catch (const Invalid& e) {
      auto all = e.fields();
      for (const auto& [k, v] : errors) all.emplace(k, v);
      return render_user_form(ctx, r, 422, true, values, translate_errors(ctx, r.lang, all),
                              nullptr);
    }
  });

  router.add(Method::kGet, "/admin/users/{id}", [this, ctx](http::Request& r) {
    const Principal& p = require(r, Action::kUserManage);
    const User u = users_.get(p, r.param("id"));
    std::string notice;
    if (r.query("saved") == "1") notice = "page.users.saved";
    if (r.query("password") == "1") notice = "page.users.password_changed";
    return render_user_form(ctx, r, 200, false, form_values(u), nlohmann::json::object(), &u,
                            notice);
  });

  router.add(Method::kPost, "/admin/users/{id}", [this, ctx](http::Request& r) {
    const Principal& p = require(r, Action::kUserManage);
    const User current = users_.get(p, r.param("id"));
    web::Form form(r);
    UserPatch patch;
    patch.display_name = form.get("display_name");
    patch.email = non_empty(form.get("email"));
    patch.preferred_language = form.get("preferred_language");
    patch.organization_id = non_empty(form.get("organization_id"));
    patch.role = form.get("role");
    patch.scope_level = form.get("scope_level");
    patch.scope_code = form.get("scope_code");
    std::int64_t version = 0;
    try {
      version = std::stoll(form.get("version"));
    } catch (const std::exception&) {
      version = -1;
    }
    nlohmann::json values = form_values(current);
    for (const char* k : {"display_name", "email", "preferred_language", "organization_id", "role",
                          "scope_level", "scope_code", "version"}) {
      values[k] = form.get(k);
    }
    try {
      users_.update(p, actor_of(r), current.id, patch, version);
      return http::Response::redirect("/admin/users/" + current.id + "?saved=1");
    } catch (const Invalid& e) {
      return render_user_form(ctx, r, 422, false, values, translate_errors(ctx, r.lang, e.fields()),
                              &current);
    } catch (const Conflict& e) {
      return render_user_form(ctx, r, 409, false, values,
                              translate_errors(ctx, r.lang, {{"form", e.message_key()}}), &current);
    }
  });

  router.add(Method::kPost, "/admin/users/{id}/password", [this, ctx](http::Request& r) {
    const Principal& p = require(r, Action::kUserManage);
    const User current = users_.get(p, r.param("id"));
    web::Form form(r);
    try {
      users_.reset_password(&p, actor_of(r), current.id, form.get("password"),
                            form.get("password_confirm"));
      return http::Response::redirect("/admin/users/" + current.id + "?password=1");
    } catch (const Invalid& e) {
      return render_user_form(ctx, r, 422, false, form_values(current),
                              translate_errors(ctx, r.lang, e.fields()), &current);
    }
  });

  for (const bool enable : {false, true}) {
    router.add(Method::kPost, enable ? "/admin/users/{id}/enable" : "/admin/users/{id}/disable",
               [this, enable](http::Request& r) {
                 const Principal& p = require(r, Action::kUserManage);
                 users_.set_active(p, actor_of(r), r.param("id"), enable);
                 return http::Response::redirect("/admin/users/" + r.param("id"));
               });
  }
}

void AccessModule::describe_api(nlohmann::json& paths, nlohmann::json& schemas) {
  const nlohmann::json json_body = {{"application/json", {{"schema", {{"type", "object"}}}}}};
  auto ref = [](const char* name) {
    return nlohmann::json{{"application/json",
                           {{"schema", {{"$ref", std::string("#/components/schemas/") + name}}}}}};
  };
  auto err = [](const char* code) {
    return nlohmann::json{
        {"description", code},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  };
  schemas["User"] = {
      {"type", "object"},
      {"properties",
       {{"id", {{"type", "string"}}},
        {"username", {{"type", "string"}}},
        {"display_name", {{"type", "string"}}},
        {"email", {{"type", "string"}, {"nullable", true}}},
        {"preferred_language", {{"type", "string"}, {"enum", {"fr", "ar", "en"}}}},
        {"organization_id", {{"type", "string"}, {"nullable", true}}},
        {"role", {{"type", "string"}}},
        {"scope",
         {{"type", "object"},
          {"properties",
           {{"level",
             {{"type", "string"}, {"enum", {"national", "region", "province", "organization"}}}},
            {"code", {{"type", "string"}, {"nullable", true}}}}}}},
        {"active", {{"type", "boolean"}}},
        {"version", {{"type", "integer"}}},
        {"created_at", {{"type", "string"}, {"format", "date-time"}}},
        {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}};
  schemas["Token"] = {{"type", "object"},
                      {"properties",
                       {{"token", {{"type", "string"}}},
                        {"id", {{"type", "string"}}},
                        {"expires_at", {{"type", "string"}, {"format", "date-time"}}}}}};
  paths["/api/v1/auth/token"]["post"] = {
      {"summary", "Exchange a username and password for an API token"},
      {"operationId", "createToken"},
      {"security", nlohmann::json::array()},
      {"requestBody", {{"required", true}, {"content", json_body}}},
      {"responses",
       {{"200", {{"description", "The token (shown once)"}, {"content", ref("Token")}}},
        {"401", err("Wrong username or password (one message for both)")},
        {"429", err("Too many failed attempts")}}}};
  paths["/api/v1/auth/tokens/current"]["delete"] = {
      {"summary", "Revoke the token used for this request"},
      {"operationId", "revokeCurrentToken"},
      {"responses", {{"204", {{"description", "Revoked"}}}, {"401", err("Not authenticated")}}}};
  paths["/api/v1/me"]["get"] = {
      {"summary", "The authenticated user"},
      {"operationId", "getMe"},
      {"responses", {{"200", {{"description", "The user"}}}, {"401", err("Not authenticated")}}}};
  paths["/api/v1/users"]["get"] = {
      {"summary", "Users in the caller's scope"},
      {"operationId", "listUsers"},
      {"parameters",
       {{{"name", "q"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        {{"name", "role"}, {"in", "query"}, {"schema", {{"type", "string"}}}},
        {{"name", "active"}, {"in", "query"}, {"schema", {{"type", "boolean"}}}},
        {{"$ref", "#/components/parameters/limit"}},
        {{"$ref", "#/components/parameters/cursor"}}}},
      {"responses", {{"200", {{"description", "A page of users"}}}, {"403", err("Not allowed")}}}};
  paths["/api/v1/users"]["post"] = {
      {"summary", "Create a user (admin)"},
      {"operationId", "createUser"},
      {"requestBody", {{"required", true}, {"content", json_body}}},
      {"responses",
       {{"201", {{"description", "Created"}, {"content", ref("User")}}},
        {"403", err("Not allowed")},
        {"422", err("Invalid fields")}}}};
  paths["/api/v1/users/{id}"]["get"] = {
      {"summary", "One user"},
      {"operationId", "getUser"},
      {"parameters",
       {{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}}},
      {"responses",
       {{"200", {{"description", "The user"}, {"content", ref("User")}}},
        {"404", err("Not found")}}}};
  paths["/api/v1/users/{id}"]["patch"] = {
      {"summary", "Edit a user; `version` must be current"},
      {"operationId", "updateUser"},
      {"parameters",
       {{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}}},
      {"requestBody", {{"required", true}, {"content", json_body}}},
      {"responses",
       {{"200", {{"description", "Updated"}, {"content", ref("User")}}},
        {"409", err("Stale version")},
        {"422", err("Invalid fields")}}}};
  for (const char* action : {"disable", "enable", "password"}) {
    paths[std::string("/api/v1/users/{id}/") + action]["post"] = {
        {"summary", std::string(action) == "password" ? "Set a new password (admin)"
                                                      : std::string(action) + " a user"},
        {"operationId", std::string(action) + "User"},
        {"parameters",
         {{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}}}},
        {"responses",
         {{"200", {{"description", "Done"}}},
          {"204", {{"description", "Done"}}},
          {"404", err("Not found")}}}};
  }
}

}  // namespace jisr::access

// src/access/users.cc
#include "access/users.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>
#include <string_view>

#include "platform/error.h"
#include "platform/util/crypto.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::access {
namespace {

constexpr const char* kColumns =
    "id, username, display_name, email, preferred_language, organization_id, role, "
    "scope_level, scope_code, home_region, home_province, active, version, created_at, "
    "updated_at, password_hash";

// Stored as the password hash of an account without a password. Argon2id hashes begin with
// "$argon2"; this is not one, so no password verifies against it (and LoginService does not
// even try: it verifies the dummy hash instead).
constexpr std::string_view kNoPassword = "!no-password";

User from_row(const std::vector<db::Value>& r) {
  User u;
  u.id = db::text_or(r[0], "");
  u.username = db::text_or(r[1], "");
  u.display_name = db::text_or(r[2], "");
  u.email = db::as_text(r[3]);
  u.preferred_language = db::text_or(r[4], "fr");
  u.organization_id = db::as_text(r[5]);
  u.role = parse_role(db::text_or(r[6], "")).value_or(Role::kSocialWorker);
  u.scope.level = parse_scope_level(db::text_or(r[7], "")).value_or(ScopeLevel::kNational);
  u.scope.code = db::text_or(r[8], "");
  u.home_region = db::as_text(r[9]);
  u.home_province = db::as_text(r[10]);
  u.active = db::as_int(r[11]).value_or(0) != 0;
  u.version = db::as_int(r[12]).value_or(1);
  u.created_at = db::text_or(r[13], "");
  u.updated_at = db::text_or(r[14], "");
  u.password_hash = db::text_or(r[15], "");
  return u;
}

Location location_of(const User& u) {
  return {u.home_region, u.home_province, u.organization_id};
}

audit::Place place_of(const User& u) {
  return {u.home_region, u.home_province, u.organization_id};
}

// The user's home territory follows from the scope; an organization's comes from its row.
struct Resolved {
  std::optional<std::string> home_region;
  std::optional<std::string> home_province;
};

Resolved resolve_scope(db::Connection& conn, const Scope& scope,
                       const std::optional<std::string>& organization_id,
                       std::map<std::string, std::string>& errors) {
  Resolved r;
  auto territory = [&conn](const std::string& code) {
    return conn.query("SELECT level, parent_code FROM territories WHERE code = $1",
                      {db::Value(code)});
  };
  switch (scope.level) {
    case ScopeLevel::kNational:
      break;
    case ScopeLevel::kRegion: {
      auto t = territory(scope.code);
      if (t.empty() || db::text_or(t.rows[0][0], "") != "region") {
        errors["scope_code"] = "validation.unknown_territory";
      } else {
        r.home_region = scope.code;
      }
      break;
    }
    case ScopeLevel::kProvince: {
      auto t = territory(scope.code);
      if (t.empty() || db::text_or(t.rows[0][0], "") != "province") {
        errors["scope_code"] = "validation.unknown_territory";
      } else {
        r.home_province = scope.code;
        r.home_region = db::as_text(t.rows[0][1]);
      }
      break;
    }
    case ScopeLevel::kOrganization: {
      auto o = conn.query("SELECT province_code, region_code FROM organizations WHERE id = $1",
                          {db::Value(scope.code)});
      if (o.empty()) {
        errors["scope_code"] = "validation.unknown_organization";
      } else {
        r.home_province = db::as_text(o.rows[0][0]);
        r.home_region = db::as_text(o.rows[0][1]);
      }
      break;
    }
  }
  if (organization_id && !errors.count("organization_id")) {
    auto o = conn.query("SELECT 1 FROM organizations WHERE id = $1", {db::Value(*organization_id)});
    if (o.empty()) errors["organization_id"] = "validation.unknown_organization";
  }
  return r;
}

bool valid_email(const std::string& e) {
  static const std::regex re(R"(^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$)");
  return e.size() <= 254 && std::regex_match(e, re);
}

bool valid_username(const std::string& u) {
  static const std::regex re(R"(^[a-z0-9._-]{3,64}$)");
  return std::regex_match(u, re);
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Validates the fields common to create and update, collecting per-field reasons.
void validate_common(const std::string& display_name, const std::optional<std::string>& email,
                     const std::string& language, const std::string& role,
                     const std::string& scope_level, const std::string& scope_code,
                     std::map<std::string, std::string>& errors) {
  if (display_name.empty())
    errors["display_name"] = "validation.required";
  else if (display_name.size() > 200)
    errors["display_name"] = "validation.too_long";
  if (email && !valid_email(*email)) errors["email"] = "validation.invalid_email";
  if (language != "fr" && language != "ar" && language != "en") {
    errors["preferred_language"] = "validation.invalid_language";
  }
  if (!parse_role(role)) errors["role"] = "validation.invalid_role";
  const auto level = parse_scope_level(scope_level);
  if (!level) {
    errors["scope_level"] = "validation.invalid_scope";
  } else if (*level != ScopeLevel::kNational && scope_code.empty()) {
    errors["scope_code"] = "validation.scope_code_required";
  }
}

// An actor may only manage users who sit inside its own scope.
void require_manageable(const Principal* by, const Location& where) {
  if (!by) return;  // command line
  if (!by->can(Action::kUserManage)) throw Forbidden();
  if (!contains(by->scope, where)) throw Forbidden();
}

void revoke_credentials(db::Connection& conn, const std::string& user_id) {
  conn.query("DELETE FROM sessions WHERE user_id = $1", {db::Value(user_id)});
  conn.query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
             {db::Value(timeutil::now_utc()), db::Value(user_id)});
}

}  // namespace

nlohmann::json to_json(const User& u) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"email", opt(u.email)},
          {"preferred_language", u.preferred_language},
          {"organization_id", opt(u.organization_id)},
          {"role", std::string(role_name(u.role))},
          {"scope",
           {{"level", std::string(scope_level_name(u.scope.level))},
            {"code", u.scope.code.empty() ? nlohmann::json() : nlohmann::json(u.scope.code)}}},
          {"active", u.active},
          {"password_set", has_password(u)},
          {"version", u.version},
          {"created_at", u.created_at},
          {"updated_at", u.updated_at}};
}

void validate_password(const std::string& password, const std::optional<std::string>& confirm) {
  std::map<std::string, std::string> errors;
  // Length in characters, not bytes: an Arabic passphrase counts its letters.
  const auto chars = std::count_if(password.begin(), password.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  if (static_cast<std::size_t>(chars) < kMinPasswordLength) {
    errors["password"] = "validation.password_too_short";
  } else if (password.size() > kMaxPasswordLength) {
    errors["password"] = "validation.password_too_long";
  }
  if (confirm && *confirm != password) errors["password_confirm"] = "validation.passwords_differ";
  if (!errors.empty()) throw Invalid(errors);
}

bool has_password(const User& u) {
  return u.password_hash != kNoPassword;
}

User UserService::create(const Principal* by, const audit::Actor& actor, const NewUser& in) {
  return create_user(by, actor, in, /*with_password=*/true);
}

User UserService::create_without_password(const Principal* by, const audit::Actor& actor,
                                          const NewUser& in) {
  if (!in.password.empty()) {
    throw std::invalid_argument("create_without_password: the password must be empty");
  }
  return create_user(by, actor, in, /*with_password=*/false);
}

User UserService::create_user(const Principal* by, const audit::Actor& actor, const NewUser& in,
                              bool with_password) {
  if (by && !by->can(Action::kUserManage)) throw Forbidden();
  std::map<std::string, std::string> errors;
  User u;
  u.username = trimmed(in.username);
  std::transform(u.username.begin(), u.username.end(), u.username.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!valid_username(u.username)) errors["username"] = "validation.username_format";
  u.display_name = trimmed(in.display_name);
  if (in.email && !trimmed(*in.email).empty()) u.email = trimmed(*in.email);
  u.preferred_language = in.preferred_language.empty() ? "fr" : in.preferred_language;
  if (in.organization_id && !in.organization_id->empty()) u.organization_id = in.organization_id;
  validate_common(u.display_name, u.email, u.preferred_language, in.role, in.scope_level,
                  trimmed(in.scope_code), errors);
  if (with_password) {
    try {
      validate_password(in.password, std::nullopt);
    } catch (const Invalid& e) {
      for (const auto& [f, r] : e.fields()) errors[f] = r;
    }
  }
  if (auto role = parse_role(in.role)) u.role = *role;
  if (auto level = parse_scope_level(in.scope_level)) {
    u.scope = {*level, *level == ScopeLevel::kNational ? "" : trimmed(in.scope_code)};
  }

  db::Transaction tx(db_, db::TxMode::kWrite);
  if (!errors.count("scope_level") && !errors.count("scope_code")) {
    auto resolved = resolve_scope(tx.conn(), u.scope, u.organization_id, errors);
    u.home_region = resolved.home_region;
    u.home_province = resolved.home_province;
  }
  if (!errors.count("username") &&
      !tx.query("SELECT 1 FROM users WHERE username = $1", {db::Value(u.username)}).empty()) {
    errors["username"] = "validation.username_taken";
  }
  if (!errors.empty()) throw Invalid(errors);
  require_manageable(by, location_of(u));

  u.id = ids::new_id();
  u.created_at = u.updated_at = timeutil::now_utc();
  u.password_hash = with_password ? crypto::hash_password(in.password) : std::string(kNoPassword);
  try {
    tx.query(std::string("INSERT INTO users(") + kColumns +
                 ", password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                 "$12, $13, $14, $15, $16, $17)",
             {db::Value(u.id), db::Value(u.username), db::Value(u.display_name),
              db::optional_text(u.email), db::Value(u.preferred_language),
              db::optional_text(u.organization_id), db::Value(std::string(role_name(u.role))),
              db::Value(std::string(scope_level_name(u.scope.level))),
              u.scope.code.empty() ? db::null() : db::Value(u.scope.code),
              db::optional_text(u.home_region), db::optional_text(u.home_province),
              db::Value(std::int64_t{1}), db::Value(u.version), db::Value(u.created_at),
              db::Value(u.updated_at), db::Value(u.password_hash), db::Value(u.created_at)});
  } catch (const db::UniqueViolation&) {
    throw Invalid("username", "validation.username_taken");
  }
  audit::append(tx.conn(), actor, "create", "user", u.id, nullptr, to_json(u), place_of(u));
  tx.commit();
  return u;
}

User UserService::update(const Principal& by, const audit::Actor& actor, const std::string& id,
                         const UserPatch& patch, std::int64_t expected_version) {
  if (!by.can(Action::kUserManage)) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto current = find_by_id(tx.conn(), id);
  if (!current || !contains(by.scope, location_of(*current))) throw NotFound();
  if (current->version != expected_version) {
    throw Conflict("stale_version", "error.stale_version");
  }
  User u = *current;
  if (patch.display_name) u.display_name = trimmed(*patch.display_name);
  if (patch.email) {
    u.email = (*patch.email && !trimmed(**patch.email).empty())
                  ? std::optional<std::string>(trimmed(**patch.email))
                  : std::nullopt;
  }
  if (patch.preferred_language) u.preferred_language = *patch.preferred_language;
  if (patch.organization_id) {
    u.organization_id = (*patch.organization_id && !(*patch.organization_id)->empty())
                            ? *patch.organization_id
                            : std::nullopt;
  }
  const std::string role = patch.role ? *patch.role : std::string(role_name(u.role));
  const std::string level =
      patch.scope_level ? *patch.scope_level : std::string(scope_level_name(u.scope.level));
  std::string code = patch.scope_code ? trimmed(*patch.scope_code) : u.scope.code;
  if (level == "national") code.clear();
  std::map<std::string, std::string> errors;
  validate_common(u.display_name, u.email, u.preferred_language, role, level, code, errors);
  if (auto r = parse_role(role)) u.role = *r;
  if (auto l = parse_scope_level(level)) u.scope = {*l, code};
  if (!errors.count("scope_level") && !errors.count("scope_code")) {
    auto resolved = resolve_scope(tx.conn(), u.scope, u.organization_id, errors);
    u.home_region = resolved.home_region;
    u.home_province = resolved.home_province;
  }
  if (!errors.empty()) throw Invalid(errors);
  // The user must stay inside the actor's scope after the change too.
  require_manageable(&by, location_of(u));
  u.version = current->version + 1;
  u.updated_at = timeutil::now_utc();
  auto result = tx.query(
      "UPDATE users SET display_name = $1, email = $2, preferred_language = $3, "
      "organization_id = $4, role = $5, scope_level = $6, scope_code = $7, home_region = $8, "
      "home_province = $9, version = $10, updated_at = $11 WHERE id = $12 AND version = $13",
      {db::Value(u.display_name), db::optional_text(u.email), db::Value(u.preferred_language),
       db::optional_text(u.organization_id), db::Value(std::string(role_name(u.role))),
       db::Value(std::string(scope_level_name(u.scope.level))),
       u.scope.code.empty() ? db::null() : db::Value(u.scope.code),
       db::optional_text(u.home_region), db::optional_text(u.home_province), db::Value(u.version),
       db::Value(u.updated_at), db::Value(u.id), db::Value(expected_version)});
  if (result.affected_rows != 1) throw Conflict("stale_version", "error.stale_version");
  auto [before, after] = audit::diff(to_json(*current), to_json(u));
  before.erase("version");
  before.erase("updated_at");
  after.erase("version");
  after.erase("updated_at");
  audit::append(tx.conn(), actor, "update", "user", u.id, before, after, place_of(u));
  tx.commit();
  return u;
}

User UserService::set_active(const Principal& by, const audit::Actor& actor, const std::string& id,
                             bool active) {
  if (!by.can(Action::kUserManage)) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto current = find_by_id(tx.conn(), id);
  if (!current || !contains(by.scope, location_of(*current))) throw NotFound();
  if (current->id == by.user_id && !active) {
    throw Invalid("form", "validation.cannot_disable_self");
  }
  User u = *current;
  if (u.active == active) return u;
  u.active = active;
  u.version += 1;
  u.updated_at = timeutil::now_utc();
  tx.query("UPDATE users SET active = $1, version = $2, updated_at = $3 WHERE id = $4",
           {db::Value(std::int64_t{active ? 1 : 0}), db::Value(u.version), db::Value(u.updated_at),
            db::Value(u.id)});
  if (!active) revoke_credentials(tx.conn(), u.id);
  audit::append(tx.conn(), actor, active ? "enable" : "disable", "user", u.id,
                {{"active", !active}}, {{"active", active}}, place_of(u));
  tx.commit();
  return u;
}

void UserService::reset_password(const Principal* by, const audit::Actor& actor,
                                 const std::string& id, const std::string& password,
                                 const std::string& confirm) {
  if (by && !by->can(Action::kUserManage)) throw Forbidden();
  validate_password(password, confirm);
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto current = find_by_id(tx.conn(), id);
  if (!current || (by && !contains(by->scope, location_of(*current)))) throw NotFound();
  const auto now = timeutil::now_utc();
  tx.query(
      "UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2, "
      "version = version + 1 WHERE id = $3",
      {db::Value(crypto::hash_password(password)), db::Value(now), db::Value(id)});
  // A reset password ends every open session: whoever knew the old one is out.
  revoke_credentials(tx.conn(), id);
  audit::append(tx.conn(), actor, "password_reset", "user", id, nullptr, nullptr,
                place_of(*current));
  tx.commit();
}

User UserService::get(const Principal& by, const std::string& id) {
  if (!by.can(Action::kUserRead)) throw Forbidden();
  auto lease = db_.acquire();
  auto u = find_by_id(*lease, id);
  if (!u || !contains(by.scope, location_of(*u))) throw NotFound();
  return *u;
}

std::vector<User> UserService::list(const Principal& by, const UserFilter& filter,
                                    const std::optional<std::string>& after_id, int limit) {
  if (!by.can(Action::kUserRead)) throw Forbidden();
  std::vector<db::Value> params;
  std::string sql =
      std::string("SELECT ") + kColumns + " FROM users WHERE " +
      scope_condition(by.scope, "home_region", "home_province", "organization_id", params);
  if (filter.q && !filter.q->empty()) {
    std::string like = "%";
    for (char c : *filter.q) {
      if (c == '%' || c == '_' || c == '\\') like.push_back('\\');
      like.push_back(c);
    }
    like.push_back('%');
    params.emplace_back(like);
    const auto n = std::to_string(params.size());
    sql += " AND (LOWER(username) LIKE LOWER(CAST($" + n +
           " AS TEXT)) ESCAPE '\\' OR LOWER(display_name) LIKE LOWER(CAST($" + n + " AS TEXT)" +
           ") ESCAPE '\\')";
  }
  if (filter.role) {
    params.emplace_back(*filter.role);
    sql += " AND role = $" + std::to_string(params.size());
  }
  if (filter.active) {
    params.emplace_back(std::int64_t{*filter.active ? 1 : 0});
    sql += " AND active = $" + std::to_string(params.size());
  }
  if (after_id) {
    params.emplace_back(*after_id);
    sql += " AND id > $" + std::to_string(params.size());
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY id LIMIT $" + std::to_string(params.size());
  auto lease = db_.acquire();
  auto rows = lease->query(sql, params);
  std::vector<User> out;
  for (const auto& r : rows.rows) out.push_back(from_row(r));
  return out;
}

std::optional<User> UserService::find_by_username(db::Connection& conn,
                                                  const std::string& username) {
  std::string lowered = username;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto rows = conn.query(std::string("SELECT ") + kColumns + " FROM users WHERE username = $1",
                         {db::Value(lowered)});
  if (rows.empty()) return std::nullopt;
  return from_row(rows.rows[0]);
}

std::optional<User> UserService::find_by_id(db::Connection& conn, const std::string& id) {
  auto rows =
      conn.query(std::string("SELECT ") + kColumns + " FROM users WHERE id = $1", {db::Value(id)});
  if (rows.empty()) return std::nullopt;
  return from_row(rows.rows[0]);
}

}  // namespace jisr::access

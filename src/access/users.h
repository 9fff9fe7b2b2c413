// src/access/users.h
//
// User accounts: the service that creates, edits, disables and lists them, with the
// permission and scope checks and the audit entry of every change in the same transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "access/principal.h"
#include "audit/audit.h"
#include "platform/db/database.h"

namespace jisr::access {

struct User {
  std::string id;
  std::string username;
  std::string display_name;
  std::optional<std::string> email;
  std::string preferred_language = "fr";
  std::optional<std::string> organization_id;
  Role role = Role::kSocialWorker;
  Scope scope;
  std::optional<std::string> home_region;
  std::optional<std::string> home_province;
  bool active = true;
  std::int64_t version = 1;
  std::string created_at;
  std::string updated_at;
  std::string password_hash;  // never leaves this module's services
};

// The public view of a user (API and audit): never the password hash, only whether one is
// set ("password_set": false for an account made by create_without_password).
nlohmann::json to_json(const User& u);

struct NewUser {
  std::string username;
  std::string display_name;
  std::optional<std::string> email;
  std::string preferred_language = "fr";
  std::optional<std::string> organization_id;
  std::string role;
  std::string scope_level;
  std::string scope_code;
  std::string password;
};

// Fields of a PATCH: absent fields are left as they are.
struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<std::optional<std::string>> email;  // set to null to clear
  std::optional<std::string> preferred_language;
  std::optional<std::optional<std::string>> organization_id;
  std::optional<std::string> role;
  std::optional<std::string> scope_level;
  std::optional<std::string> scope_code;
};

struct UserFilter {
  std::optional<std::string> q;  // part of username or display name
  std::optional<std::string> role;
  std::optional<bool> active;
};

inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 1024;

class UserService {
 public:
  explicit UserService(db::Database& db) : db_(db) {}

  // Creates a user. `by` is null for the command line (`jisr user add`), which is trusted;
  // otherwise it needs user.manage and the new user must fall inside its scope.
  // Throws Invalid (422) with per-field reasons, Forbidden, Conflict.
  User create(const Principal* by, const audit::Actor& actor, const NewUser& input);

  // Creates a user who cannot log in yet: the same checks, permission, scope and audit entry
  // as create(), but no password is set and no Argon2id hash is computed (≈ 0.1–0.3 s and
  // 64 MiB each). The account stores a marker that is not a password hash (has_password() is
  // false); LoginService refuses it with the answer of a wrong password, after verifying the
  // dummy hash so that it takes the same time, until an administrator sets a password
  // (reset_password: the admin page, the API or `jisr user passwd`). Meant for accounts made
  // in bulk (the demo data's caseload workers). `input.password` must be empty, else
  // std::invalid_argument. The audit entry's `after` carries "password_set": false.
  User create_without_password(const Principal* by, const audit::Actor& actor,
                               const NewUser& input);

  // Applies `patch` if `expected_version` is current (else Conflict "stale_version").
  User update(const Principal& by, const audit::Actor& actor, const std::string& id,
              const UserPatch& patch, std::int64_t expected_version);

  // Disables or enables. Disabling ends the user's sessions and revokes their tokens in the
  // same transaction.
  User set_active(const Principal& by, const audit::Actor& actor, const std::string& id,
                  bool active);

  void reset_password(const Principal* by, const audit::Actor& actor, const std::string& id,
                      const std::string& password, const std::string& confirm);

  // A user visible to `by` (user.read and in scope), else NotFound.
  User get(const Principal& by, const std::string& id);

  // Users visible to `by`, ordered by id, after `after_id`, at most `limit` (+1 fetched by
  // the caller to detect a next page is up to the caller: this returns at most `limit`).
  std::vector<User> list(const Principal& by, const UserFilter& filter,
                         const std::optional<std::string>& after_id, int limit);

  // For authentication only: the user with that username, whatever their state.
  std::optional<User> find_by_username(db::Connection& conn, const std::string& username);
  std::optional<User> find_by_id(db::Connection& conn, const std::string& id);

 private:
  User create_user(const Principal* by, const audit::Actor& actor, const NewUser& input,
                   bool with_password);

  db::Database& db_;
};

// False for an account created by create_without_password() whose password has not been set
// yet: no password logs it in.
bool has_password(const User& u);

// Throws Invalid naming `password` when it is too short or too long, and `password_confirm`
// when the confirmation differs (if given).
void validate_password(const std::string& password, const std::optional<std::string>& confirm);

}  // namespace jisr::access

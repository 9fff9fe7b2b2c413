// src/app/cli_admin.cc
#include "app/cli_admin.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "access/sessions.h"
#include "access/users.h"
#include "audit/audit.h"
#include "platform/error.h"

namespace jisr::app {
namespace {

// Reads a password from the terminal without echo, or one line from standard input.
std::string read_password(bool from_stdin, const std::string& prompt) {
  std::string line;
  if (!from_stdin && isatty(STDIN_FILENO)) {
    std::cerr << prompt << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  } else {
    std::getline(std::cin, line);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

audit::Actor cli_actor() {
  audit::Actor a;
  a.username = "cli:" + std::string(getenv("USER") ? getenv("USER") : "root");
  a.ip = "local";
  a.request_id = "cli";
  return a;
}

void print_invalid(const Invalid& e) {
  std::cerr << "jisr: invalid input:\n";
  for (const auto& [field, reason] : e.fields()) {
    std::cerr << "  " << field << ": " << reason << "\n";
  }
}

}  // namespace

void add_admin_commands(CLI::App& cli, DatabaseOpener opener,
                        const std::function<void(CLI::App*)>& add_db_options, int& result,
                        std::function<void()>& pending) {
  // ---- user -----------------------------------------------------------------------------
  auto* user = cli.add_subcommand("user", "Manage user accounts");
  user->require_subcommand(1);
  struct UserArgs {
    std::string username, role, scope = "national", display_name, email, lang = "fr", org;
    bool password_stdin = false;
  };
  auto ua = std::make_shared<UserArgs>();
  auto* add = user->add_subcommand("add", "Create a user (the first admin, for instance)");
  add->add_option("--username", ua->username, "Login name: 3-64 of a-z 0-9 . _ -")->required();
  add->add_option("--role", ua->role,
                  "admin, national_supervisor, regional_supervisor, "
                  "provincial_coordinator, eps_director, social_worker, "
                  "association_worker, inspector or auditor")
      ->required();
  add->add_option("--scope", ua->scope,
                  "national, region:MA-06, province:MA-CAS or organization:ID")
      ->capture_default_str();
  add->add_option("--display-name", ua->display_name, "Full name (default: the username)");
  add->add_option("--email", ua->email, "E-mail address");
  add->add_option("--lang", ua->lang, "Preferred language: fr, ar or en")->capture_default_str();
  add->add_option("--org", ua->org, "Organization id the user belongs to");
  add->add_flag("--password-stdin", ua->password_stdin,
                "Read the password from standard input instead of prompting");
  add_db_options(add);
  add->callback([ua, opener, &result, &pending] {
    pending = [ua, opener, &result] {
      const auto scope = access::parse_scope(ua->scope);
      if (!scope) {
        std::cerr << "jisr: --scope must be national, region:CODE, province:CODE or "
                     "organization:ID\n";
        result = 1;
        return;
      }
      access::NewUser in;
      in.username = ua->username;
      in.role = ua->role;
      in.scope_level = std::string(access::scope_level_name(scope->level));
      in.scope_code = scope->code;
      in.display_name = ua->display_name.empty() ? ua->username : ua->display_name;
      if (!ua->email.empty()) in.email = ua->email;
      in.preferred_language = ua->lang;
      if (!ua->org.empty()) in.organization_id = ua->org;
      in.password = read_password(ua->password_stdin, "Password (12 characters at least): ");
      if (!ua->password_stdin && isatty(STDIN_FILENO)) {
        if (read_password(false, "Repeat the password: ") != in.password) {
          std::cerr << "jisr: the two passwords differ\n";
          result = 1;
          return;
        }
      }
      auto db = opener();
      access::UserService users(*db);
      try {
        auto u = users.create(nullptr, cli_actor(), in);
        std::cout << "user " << u.username << " created (id " << u.id << ", role "
                  << access::role_name(u.role) << ", scope " << access::format_scope(u.scope)
                  << ")\n";
        result = 0;
      } catch (const Invalid& e) {
        print_invalid(e);
        result = 1;
      }
    };
  });

  auto* passwd = user->add_subcommand("passwd", "Set a user's password");
  auto passwd_user = std::make_shared<std::string>();
  auto passwd_stdin = std::make_shared<bool>(false);
  passwd->add_option("--username", *passwd_user, "The user")->required();
  passwd->add_flag("--password-stdin", *passwd_stdin, "Read the password from standard input");
  add_db_options(passwd);
  passwd->callback([passwd_user, passwd_stdin, opener, &result, &pending] {
    pending = [passwd_user, passwd_stdin, opener, &result] {
      auto db = opener();
      access::UserService users(*db);
      std::optional<access::User> u;
      {
        auto lease = db->acquire();
        u = users.find_by_username(*lease, *passwd_user);
      }
      if (!u) {
        std::cerr << "jisr: no user named " << *passwd_user << "\n";
        result = 1;
        return;
      }
      const auto password = read_password(*passwd_stdin, "New password (12 characters at least): ");
      try {
        users.reset_password(nullptr, cli_actor(), u->id, password, password);
        std::cout << "password of " << u->username << " changed; their sessions and tokens ended\n";
        result = 0;
      } catch (const Invalid& e) {
        print_invalid(e);
        result = 1;
      }
    };
  });

  // ---- token ----------------------------------------------------------------------------
  auto* token = cli.add_subcommand("token", "Manage API tokens");
  token->require_subcommand(1);
  auto tok_user = std::make_shared<std::string>();
  auto tok_days = std::make_shared<int>(access::kDefaultTokenDays);
  auto* create = token->add_subcommand("create", "Print a new API token for a user (for scripts)");
  create->add_option("--user", *tok_user, "Username")->required();
  create->add_option("--days", *tok_days, "Validity in days")
      ->check(CLI::Range(1, access::kMaxTokenDays))
      ->capture_default_str();
  add_db_options(create);
  create->callback([tok_user, tok_days, opener, &result, &pending] {
    pending = [tok_user, tok_days, opener, &result] {
      auto db = opener();
      access::UserService users(*db);
      db::Transaction tx(*db, db::TxMode::kWrite);
      auto u = users.find_by_username(tx.conn(), *tok_user);
      if (!u || !u->active) {
        std::cerr << "jisr: no active user named " << *tok_user << "\n";
        result = 1;
        return;
      }
      auto t = access::create_token(tx.conn(), u->id, *tok_days, "cli");
      audit::append(tx.conn(), cli_actor(), "token_create", "token", t.id, nullptr,
                    {{"user_id", u->id}, {"expires_at", t.expires_at}});
      tx.commit();
      std::cout << t.secret << "\n";
      std::cerr << "token " << t.id << " for " << u->username << ", expires " << t.expires_at
                << "\n";
      result = 0;
    };
  });
  auto tok_id = std::make_shared<std::string>();
  auto* revoke = token->add_subcommand("revoke", "Revoke an API token by its id");
  revoke->add_option("--id", *tok_id, "Token id (printed by `token create`)")->required();
  add_db_options(revoke);
  revoke->callback([tok_id, opener, &result, &pending] {
    pending = [tok_id, opener, &result] {
      auto db = opener();
      db::Transaction tx(*db, db::TxMode::kWrite);
      if (!access::revoke_token(tx.conn(), *tok_id)) {
        std::cerr << "jisr: no active token with id " << *tok_id << "\n";
        result = 1;
        return;
      }
      audit::append(tx.conn(), cli_actor(), "token_revoke", "token", *tok_id, nullptr, nullptr);
      tx.commit();
      std::cout << "token " << *tok_id << " revoked\n";
      result = 0;
    };
  });

  // ---- audit ----------------------------------------------------------------------------
  auto* audit_cmd = cli.add_subcommand("audit", "Audit log tools");
  audit_cmd->require_subcommand(1);
  auto* verify = audit_cmd->add_subcommand(
      "verify", "Check the whole hash chain of the audit log; name the first broken entry");
  add_db_options(verify);
  verify->callback([opener, &result, &pending] {
    pending = [opener, &result] {
      auto db = opener();
      const auto r = audit::verify(*db);
      if (r.ok) {
        std::cout << "audit chain ok: " << r.entries << " entries\n";
        result = 0;
      } else {
        std::cout << "audit chain broken at entry " << r.broken_seq << ": " << r.reason << "\n";
        result = 1;
      }
    };
  });
}

}  // namespace jisr::app

// src/access/permissions.cc
#include "access/permissions.h"

#include <array>
#include <nlohmann/json.hpp>

namespace jisr::access {
namespace {

struct RoleInfo {
  Role role;
  const char* name;
};
constexpr std::array kRoles = {
    RoleInfo{Role::kAdmin, "admin"},
    RoleInfo{Role::kNationalSupervisor, "national_supervisor"},
    RoleInfo{Role::kRegionalSupervisor, "regional_supervisor"},
    RoleInfo{Role::kProvincialCoordinator, "provincial_coordinator"},
    RoleInfo{Role::kEpsDirector, "eps_director"},
    RoleInfo{Role::kSocialWorker, "social_worker"},
    RoleInfo{Role::kAssociationWorker, "association_worker"},
    RoleInfo{Role::kInspector, "inspector"},
    RoleInfo{Role::kAuditor, "auditor"},
};

struct ActionInfo {
  Action action;
  const char* name;
  const char* description;
};
constexpr std::array kActions = {
    ActionInfo{Action::kUserRead, "user.read", "See user accounts"},
    ActionInfo{Action::kUserManage, "user.manage",
               "Create, edit and disable users; reset passwords"},
    ActionInfo{Action::kAuditRead, "audit.read", "Read the audit and access log"},
    ActionInfo{Action::kOrganizationRead, "organization.read",
               "See organizations and institutions"},
    ActionInfo{Action::kOrganizationWrite, "organization.write",
               "Create and edit organizations and institutions"},
    ActionInfo{Action::kInstitutionWrite, "institution.write",
               "Edit an institution's capacity, staff and services"},
    ActionInfo{Action::kPersonRead, "person.read", "Open a person's file"},
    ActionInfo{Action::kPersonWrite, "person.write", "Register and edit people"},
    ActionInfo{Action::kPersonMerge, "person.merge",
               "Merge two files of the same person (both in scope)"},
    ActionInfo{Action::kPersonUnmerge, "person.unmerge", "Undo a merge of two files"},
    ActionInfo{Action::kCaseRead, "case.read", "See cases"},
    ActionInfo{Action::kCaseWrite, "case.write", "Open, assess, plan and close cases"},
    ActionInfo{Action::kConfidentialNoteRead, "note.confidential.read",
               "Read confidential notes (also requires the owning organization or a "
               "supervisor scope)"},
    ActionInfo{Action::kReferralManage, "referral.manage", "Refer, accept and decline referrals"},
    ActionInfo{Action::kAdmissionManage, "admission.manage", "Admit to and discharge from EPS"},
    ActionInfo{Action::kExport, "export", "Export lists (CSV, XLSX)"},
    ActionInfo{Action::kIndicatorRead, "indicator.read", "See indicators and dashboards"},
    ActionInfo{Action::kInspectionManage, "inspection.manage",
               "Record inspections and corrective actions"},
    ActionInfo{Action::kPersonDedupReview, "person.dedup_review",
               "Review likely duplicate people (pairs where both are in scope) and dismiss pairs"},
};

// Rows: actions; columns: roles in the order of kRoles.
// admin, national_sup, regional_sup, provincial_coord, eps_director, social_worker,
// association_worker, inspector, auditor
constexpr bool Y = true, N = false;
struct Row {
  Action action;
  std::array<bool, 9> roles;
};
constexpr std::array kTable = {
    Row{Action::kUserRead, {Y, Y, Y, Y, N, N, N, N, Y}},
    Row{Action::kUserManage, {Y, N, N, N, N, N, N, N, N}},
    Row{Action::kAuditRead, {Y, N, N, N, N, N, N, N, Y}},
    Row{Action::kOrganizationRead, {Y, Y, Y, Y, Y, Y, Y, Y, Y}},
    Row{Action::kOrganizationWrite, {Y, Y, N, Y, N, N, N, N, N}},
    Row{Action::kInstitutionWrite, {Y, Y, N, Y, Y, N, N, N, N}},
    Row{Action::kPersonRead, {N, Y, Y, Y, Y, Y, Y, N, Y}},
    Row{Action::kPersonWrite, {N, N, N, Y, Y, Y, Y, N, N}},
    Row{Action::kPersonMerge, {N, Y, Y, Y, N, N, N, N, N}},
    Row{Action::kPersonUnmerge, {Y, N, N, N, N, N, N, N, N}},
    Row{Action::kCaseRead, {N, Y, Y, Y, Y, Y, Y, N, Y}},
    Row{Action::kCaseWrite, {N, N, N, Y, Y, Y, Y, N, N}},
    Row{Action::kConfidentialNoteRead, {N, Y, Y, Y, Y, Y, Y, N, N}},
    Row{Action::kReferralManage, {N, N, N, Y, Y, Y, Y, N, N}},
    Row{Action::kAdmissionManage, {N, N, N, Y, Y, Y, N, N, N}},
    Row{Action::kExport, {Y, Y, Y, Y, Y, N, N, Y, Y}},
    Row{Action::kIndicatorRead, {Y, Y, Y, Y, Y, N, N, Y, Y}},
    Row{Action::kInspectionManage, {N, N, N, N, N, N, N, Y, N}},
    Row{Action::kPersonDedupReview, {N, Y, Y, Y, N, N, N, N, N}},
};
static_assert(kTable.size() == kActions.size(), "every action has a row");

std::size_t role_index(Role r) {
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    if (kRoles[i].role == r) return i;
  }
  return kRoles.size();
}

}  // namespace

const std::vector<Role>& all_roles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> out;
    for (const auto& r : kRoles) out.push_back(r.role);
    return out;
  }();
  return roles;
}

const std::vector<Action>& all_actions() {
  static const std::vector<Action> actions = [] {
    std::vector<Action> out;
    for (const auto& a : kActions) out.push_back(a.action);
    return out;
  }();
  return actions;
}

std::string_view role_name(Role r) {
  return kRoles[role_index(r)].name;
}

std::optional<Role> parse_role(std::string_view name) {
  for (const auto& r : kRoles) {
    if (name == r.name) return r.role;
  }
  return std::nullopt;
}

std::string_view action_name(Action a) {
  for (const auto& info : kActions) {
    if (info.action == a) return info.name;
  }
  return "?";
}

std::string_view action_description(Action a) {
  for (const auto& info : kActions) {
    if (info.action == a) return info.description;
  }
  return "?";
}

bool allowed(Role role, Action action) {
  const std::size_t col = role_index(role);
  if (col >= kRoles.size()) return false;
  for (const auto& row : kTable) {
    if (row.action == action) return row.roles[col];
  }
  return false;
}

std::string permissions_markdown() {
  std::string out =
      "# Permissions — role × action\n\n"
      "Generated from `src/access/permissions.cc` by `jisr permissions`; a unit test keeps "
      "this file identical to the code. A permitted action applies only to records inside "
      "the user's scope (national, a region, a province or an organization); a record out "
      "of scope answers 404 and is absent from lists, searches, counts and exports.\n\n"
      "| action | meaning |";
  for (const auto& r : kRoles) out += std::string(" ") + r.name + " |";
  out += "\n|---|---|";
  for (std::size_t i = 0; i < kRoles.size(); ++i) out += ":-:|";
  out += "\n";
  for (const auto& row : kTable) {
    out += "| `" + std::string(action_name(row.action)) + "` | " +
           std::string(action_description(row.action)) + " |";
    for (bool yes : row.roles) out += yes ? " ✓ |" : " · |";
    out += "\n";
  }
  out +=
      "\nNotes: the administrator manages accounts and reference data but does not read or "
      "write people's files; auditors read everything in scope, every read is logged, and "
      "they change nothing; inspectors see institutions and record inspections.\n";
  return out;
}

}  // namespace jisr::access

namespace jisr::access {

std::string permissions_json() {
  nlohmann::json doc;
  doc["roles"] = nlohmann::json::array();
  for (const auto& r : kRoles) doc["roles"].push_back(r.name);
  doc["actions"] = nlohmann::json::array();
  doc["allowed"] = nlohmann::json::object();
  for (const auto& row : kTable) {
    const std::string action(action_name(row.action));
    doc["actions"].push_back(action);
    doc["allowed"][action] = nlohmann::json::array();
    for (std::size_t i = 0; i < kRoles.size(); ++i) {
      if (row.roles[i]) doc["allowed"][action].push_back(kRoles[i].name);
    }
  }
  return doc.dump(2) + "\n";
}

}  // namespace jisr::access

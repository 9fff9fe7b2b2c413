// src/access/permissions.h
//
// Roles, actions and the one permission table of Jisr. Every check in the service layer
// asks `allowed(role, action)`; docs/permissions.md is generated from this table
// (`jisr permissions`), and a test keeps the two identical. Whether a permitted action
// applies to a given record is the scope's business (scope.h), not this table's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jisr::access {

enum class Role {
  kAdmin,
  kNationalSupervisor,
  kRegionalSupervisor,
  kProvincialCoordinator,
  kEpsDirector,
  kSocialWorker,
  kAssociationWorker,
  kInspector,
  kAuditor,
};

enum class Action {
  kUserRead,    // see user accounts (within scope)
  kUserManage,  // create, edit, disable users, reset passwords
  kAuditRead,   // read the audit and access log
  kOrganizationRead,
  kOrganizationWrite,
  kInstitutionWrite,  // EPS: identity, capacity, staff, authorization
  kPersonRead,
  kPersonWrite,
  kPersonMerge,    // merge two files of the same person
  kPersonUnmerge,  // undo a merge
  kCaseRead,
  kCaseWrite,
  kConfidentialNoteRead,
  kReferralManage,
  kAdmissionManage,
  kExport,
  kIndicatorRead,
  kInspectionManage,
  kPersonDedupReview,  // work the review queue of likely duplicate people
};

const std::vector<Role>& all_roles();
const std::vector<Action>& all_actions();

std::string_view role_name(Role r);  // "provincial_coordinator"
std::optional<Role> parse_role(std::string_view name);
std::string_view action_name(Action a);  // "user.manage"
std::string_view action_description(Action a);

// The permission table.
bool allowed(Role role, Action action);

// docs/permissions.md, generated from the table.
std::string permissions_markdown();
// The table as JSON: {"roles": [...], "actions": [...], "allowed": {action: [roles]}}, for
// the authorization matrix tests.
std::string permissions_json();

}  // namespace jisr::access

// src/org/org_service.h
//
// The organizations registry service: creates, edits, reads and lists organizations and
// institutions (EPS) with the permission and scope checks of the caller, the validation of
// org_input.h, the duplicate rule and the audit entry of every change in the same
// transaction. A record outside the caller's scope is NotFound and absent from lists,
// counts and exports.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "access/principal.h"
#include "audit/audit.h"
#include "org/org_input.h"
#include "org/org_store.h"
#include "org/organization.h"
#include "platform/db/database.h"

namespace jisr::org {

inline constexpr int kExpiryWarningDays = 90;

class OrgService {
 public:
  explicit OrgService(db::Database& db) : db_(db) {}

  // Creates an organization (an institution when kind is eps). Needs organization.write and
  // the new record inside the caller's scope (else Forbidden). Throws Invalid with per-field
  // reasons, Conflict("duplicate") with the colliding name field.
  Organization create(const access::Principal& by, const audit::Actor& actor,
                      const OrgInput& input);
  // The same inside the caller's open write transaction on `conn` (imports: one
  // transaction for the whole file).
  Organization create_in(db::Connection& conn, const access::Principal& by,
                         const audit::Actor& actor, const OrgInput& input);

  // Applies `input` if `expected_version` is current (else Conflict "stale_version").
  // Capacity, staff, services, director and coordinates need institution.write; every other
  // field needs organization.write (Forbidden otherwise). Out of scope: NotFound.
  Organization update(const access::Principal& by, const audit::Actor& actor, const std::string& id,
                      const OrgInput& input, std::int64_t expected_version);

  // An organization visible to `by` (organization.read and in scope), else NotFound.
  Organization get(const access::Principal& by, const std::string& id);
  // Its authorization history, oldest first (same visibility as get()).
  std::vector<AuthorizationChange> history(const access::Principal& by, const std::string& id);

  // Organizations visible to `by` matching `filter`, in `sort` order, after `after`, at most
  // `limit`.
  std::vector<Listed> list(const access::Principal& by, const OrgFilter& filter, const Sort& sort,
                           const std::optional<After>& after, int limit);
  std::int64_t count(const access::Principal& by, const OrgFilter& filter);
  // Every matching organization, streamed in pages (exports).
  void for_each(const access::Principal& by, const OrgFilter& filter, const Sort& sort,
                const std::function<void(const Organization&)>& fn);

  // The date `days` after today (UTC), "YYYY-MM-DD": the bound of the expiring list.
  static std::string today_plus(int days);

  db::Database& db() { return db_; }

 private:
  db::Database& db_;
};

// Where an organization sits, for scope checks and audit entries.
access::Location location_of(const Organization& o);
audit::Place place_of(const Organization& o);

}  // namespace jisr::org

// src/org/org_service.cc
#include "org/org_service.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "platform/error.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::org {
namespace {

using access::Action;
using access::Principal;

std::string scope_sql(const Principal& by, std::vector<db::Value>& params) {
  return access::scope_condition(by.scope, "o.region_code", "o.province_code", "o.id", params);
}

std::optional<std::string> changed_by(const audit::Actor& actor) {
  return actor.username;
}

}  // namespace

access::Location location_of(const Organization& o) {
  return {o.region_code, o.province_code, o.id};
}

audit::Place place_of(const Organization& o) {
  return {o.region_code, o.province_code, o.id};
}

std::string OrgService::today_plus(int days) {
  using namespace std::chrono;
  const auto day = floor<std::chrono::days>(system_clock::now()) + std::chrono::days(days);
  const year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Organization OrgService::create(const Principal& by, const audit::Actor& actor,
                                const OrgInput& input) {
  if (!by.can(Action::kOrganizationWrite)) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  Organization o = create_in(tx.conn(), by, actor, input);
  tx.commit();
  return o;
}

Organization OrgService::create_in(db::Connection& conn, const Principal& by,
                                   const audit::Actor& actor, const OrgInput& input) {
  if (!by.can(Action::kOrganizationWrite)) throw Forbidden();
  std::map<std::string, std::string> errors;
  Organization o = apply_input(conn, Organization{}, input, errors);
  if (!errors.empty()) throw Invalid(errors);
  o.id = ids::new_id();
  if (!access::contains(by.scope, location_of(o))) throw Forbidden();
  if (auto field = duplicate_field(conn, o)) {
    throw Conflict("duplicate", "org.error.duplicate", {{*field, "org.validation.duplicate"}});
  }
  o.version = 1;
  o.created_at = o.updated_at = timeutil::now_utc();
  insert(conn, o);
  if (o.institution) {
    add_history(conn, o.id,
                {o.created_at, changed_by(actor), std::nullopt, o.institution->authorization});
  }
  audit::append(conn, actor, "create", "organization", o.id, nullptr, to_json(o), place_of(o));
  return o;
}

Organization OrgService::update(const Principal& by, const audit::Actor& actor,
                                const std::string& id, const OrgInput& input,
                                std::int64_t expected_version) {
  const bool org_write = by.can(Action::kOrganizationWrite);
  const bool inst_write = by.can(Action::kInstitutionWrite);
  if (!org_write && !inst_write) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto current = find(tx.conn(), id);
  if (!current || !access::contains(by.scope, location_of(*current))) throw NotFound();
  if (current->version != expected_version) {
    throw Conflict("stale_version", "error.stale_version");
  }
  std::map<std::string, std::string> errors;
  Organization o = apply_input(tx.conn(), *current, input, errors);
  if (!errors.empty()) throw Invalid(errors);
  const auto changed = changed_fields(*current, o);
  if (changed.empty()) return *current;
  for (const auto& f : changed) {
    const bool allowed = is_institution_field(f) ? inst_write : org_write;
    if (!allowed) throw Forbidden();
  }
  // The record must stay inside the caller's scope after the change too.
  if (!access::contains(by.scope, location_of(o))) throw Forbidden();
  if (auto field = duplicate_field(tx.conn(), o)) {
    throw Conflict("duplicate", "org.error.duplicate", {{*field, "org.validation.duplicate"}});
  }
  o.version = current->version + 1;
  o.updated_at = timeutil::now_utc();
  if (!org::update(tx.conn(), o, expected_version)) {
    throw Conflict("stale_version", "error.stale_version");
  }
  if (o.institution && current->institution &&
      !(o.institution->authorization == current->institution->authorization)) {
    add_history(tx.conn(), o.id,
                {o.updated_at, changed_by(actor), current->institution->authorization.status,
                 o.institution->authorization});
  }
  auto [before, after] = audit::diff(to_json(*current), to_json(o));
  for (auto* j : {&before, &after}) {
    j->erase("version");
    j->erase("updated_at");
  }
  audit::append(tx.conn(), actor, "update", "organization", o.id, before, after, place_of(o));
  tx.commit();
  return o;
}

Organization OrgService::get(const Principal& by, const std::string& id) {
  if (!by.can(Action::kOrganizationRead)) throw Forbidden();
  auto lease = db_.acquire();
  auto o = find(*lease, id);
  if (!o || !access::contains(by.scope, location_of(*o))) throw NotFound();
  return *o;
}

std::vector<AuthorizationChange> OrgService::history(const Principal& by, const std::string& id) {
  get(by, id);
  auto lease = db_.acquire();
  return org::history(*lease, id);
}

std::vector<Listed> OrgService::list(const Principal& by, const OrgFilter& filter, const Sort& sort,
                                     const std::optional<After>& after, int limit) {
  if (!by.can(Action::kOrganizationRead)) throw Forbidden();
  std::vector<db::Value> params;
  const std::string scope = scope_sql(by, params);
  auto lease = db_.acquire();
  return org::list(*lease, scope, params, filter, sort, after, limit);
}

std::int64_t OrgService::count(const Principal& by, const OrgFilter& filter) {
  if (!by.can(Action::kOrganizationRead)) throw Forbidden();
  std::vector<db::Value> params;
  const std::string scope = scope_sql(by, params);
  auto lease = db_.acquire();
  return org::count(*lease, scope, params, filter);
}

void OrgService::for_each(const Principal& by, const OrgFilter& filter, const Sort& sort,
                          const std::function<void(const Organization&)>& fn) {
  if (!by.can(Action::kOrganizationRead)) throw Forbidden();
  std::vector<db::Value> params;
  const std::string scope = scope_sql(by, params);
  auto lease = db_.acquire();
  org::for_each(*lease, scope, params, filter, sort, fn);
}

}  // namespace jisr::org

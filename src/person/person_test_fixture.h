// src/person/person_test_fixture.h — test-only: the provincial coordinators the service tests
// of people (and of the duplicate review queue) act as, and a child they register. Include from
// *_test.cc files only.
#pragma once

#include <initializer_list>
#include <string>

#include "access/principal.h"
#include "person/person_service.h"
#include "platform/db/database.h"

namespace jisr::person::test_fixture {

// Inserts one provincial coordinator user per province: id "u-<province>", username
// "c-<province>", scope that province (people's created_by must name an existing user).
inline void add_coordinators(db::Connection& conn,
                             std::initializer_list<const char*> provinces = {"MA-CAS", "MA-RAB"}) {
  for (const char* prov : provinces) {
    conn.query(
        "INSERT INTO users(id, username, display_name, role, scope_level, scope_code, "
        "password_hash, created_at, updated_at, password_changed_at) VALUES ($1, $2, 'C', "
        "'provincial_coordinator', 'province', $3, 'x', 'n', 'n', 'n')",
        {db::Value(std::string("u-") + prov), db::Value(std::string("c-") + prov),
         db::Value(std::string(prov))});
  }
}

// The principal of the coordinator add_coordinators() made for `province`.
inline access::Principal coordinator(const std::string& province) {
  access::Principal p;
  p.user_id = "u-" + province;
  p.username = "c-" + province;
  p.role = access::Role::kProvincialCoordinator;
  p.scope = {access::ScopeLevel::kProvince, province};
  return p;
}

// A child to register in Casablanca: Youssef Alaoui / يوسف العلوي, male, born in 2014 (a
// year only), a child without family support.
inline PersonInput child_in_casablanca() {
  PersonInput in;
  in.first_name_ar = "يوسف";
  in.last_name_ar = "العلوي";
  in.first_name_lat = "Youssef";
  in.last_name_lat = "Alaoui";
  in.sex = "M";
  in.birth_date = "2014";
  in.province = "MA-CAS";
  in.target_groups = std::vector<std::string>{"children_without_family"};
  return in;
}

}  // namespace jisr::person::test_fixture

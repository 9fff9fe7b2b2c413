// src/org/org_test.cc — service tests of the organizations registry on a migrated SQLite.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../tests/unit/test_db.h"
#include "org/occupancy.h"
#include "org/org_api.h"
#include "org/org_import.h"
#include "org/org_service.h"
#include "platform/error.h"

namespace jisr::org {
namespace {

using access::Principal;
using access::Role;
using access::ScopeLevel;

Principal principal(Role role, ScopeLevel level, const std::string& code) {
  Principal p;
  p.user_id = "u-" + code;
  p.username = "tester";
  p.role = role;
  p.scope = {level, code};
  return p;
}

OrgInput eps_input(const std::string& name, const std::string& province = "MA-CAS") {
  OrgInput in;
  in.fields = {{"kind", "eps"},          {"name_fr", name},         {"province", province},
               {"category", "children"}, {"capacity_female", "10"}, {"capacity_male", "5"}};
  in.services = std::vector<std::string>{"meals", "accommodation"};
  return in;
}

class OrgServiceTest : public testing::MigratedDb {
 protected:
  Principal admin_ = principal(Role::kAdmin, ScopeLevel::kNational, "");
  Principal coord_ = principal(Role::kProvincialCoordinator, ScopeLevel::kProvince, "MA-CAS");
  audit::Actor actor_{std::nullopt, std::string("tester"), "127.0.0.1", "req"};
};

TEST_F(OrgServiceTest, CreatesAnInstitutionWithRegionServicesAndHistory) {
  OrgService s(*db_);
  auto o = s.create(admin_, actor_, eps_input("Dar Test"));
  EXPECT_EQ(o.region_code, "MA-06");
  ASSERT_TRUE(o.institution);
  EXPECT_EQ(o.institution->capacity(), 15);
  EXPECT_EQ(o.institution->services, (std::vector<std::string>{"accommodation", "meals"}));
  EXPECT_EQ(o.institution->authorization.status, "pending");
  auto got = s.get(admin_, o.id);
  EXPECT_EQ(got.institution->services, o.institution->services);
  EXPECT_EQ(s.history(admin_, o.id).size(), 1u);
}

TEST_F(OrgServiceTest, ValidationCollectsEveryFieldError) {
  OrgService s(*db_);
  auto in = eps_input("Bad");
  in.fields["province"] = "MA-NOPE";
  in.fields["capacity_female"] = "-3";
  in.fields["capacity_male"] = "2.5";
  in.fields["authorization_date"] = "2025-06-01";
  in.fields["authorization_expires_on"] = "2025-05-31";
  in.fields["latitude"] = "-7.6";
  in.fields["longitude"] = "33.5";
  in.fields["phone"] = "call me";
  try {
    s.create(admin_, actor_, in);
    FAIL() << "expected Invalid";
  } catch (const Invalid& e) {
    const auto& f = e.fields();
    EXPECT_EQ(f.at("province"), "org.validation.unknown_province");
    EXPECT_EQ(f.at("capacity_female"), "org.validation.negative");
    EXPECT_EQ(f.at("capacity_male"), "org.validation.not_a_whole_number");
    EXPECT_EQ(f.at("authorization_expires_on"), "org.validation.expiry_before_date");
    EXPECT_EQ(f.at("latitude"), "org.validation.outside_morocco");
    EXPECT_EQ(f.at("phone"), "org.validation.invalid_phone");
  }
}

TEST_F(OrgServiceTest, DuplicateNameInSameProvinceAndKindIsAConflict) {
  OrgService s(*db_);
  s.create(admin_, actor_, eps_input("Dar  Al Amal"));
  try {
    s.create(admin_, actor_, eps_input("dar al amal "));
    FAIL() << "expected Conflict";
  } catch (const Conflict& e) {
    EXPECT_EQ(e.code(), "duplicate");
    EXPECT_EQ(e.fields().count("name_fr"), 1u);
  }
  EXPECT_NO_THROW(s.create(admin_, actor_, eps_input("Dar Al Amal", "MA-RAB")));
}

TEST_F(OrgServiceTest, ScopeHidesOtherProvincesFromGetListAndCount) {
  OrgService s(*db_);
  auto cas = s.create(admin_, actor_, eps_input("Casa"));
  auto rab = s.create(admin_, actor_, eps_input("Rabat", "MA-RAB"));
  EXPECT_NO_THROW(s.get(coord_, cas.id));
  EXPECT_THROW(s.get(coord_, rab.id), NotFound);
  auto rows = s.list(coord_, {}, {}, std::nullopt, 50);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].org.id, cas.id);
  EXPECT_EQ(s.count(coord_, {}), 1);
  EXPECT_EQ(s.count(admin_, {}), 2);
  EXPECT_THROW(s.create(coord_, actor_, eps_input("Elsewhere", "MA-RAB")), Forbidden);
}

TEST_F(OrgServiceTest, DirectorMayEditCapacityButNotIdentityOrAuthorization) {
  OrgService s(*db_);
  auto o = s.create(admin_, actor_, eps_input("Mine"));
  auto director = principal(Role::kEpsDirector, ScopeLevel::kOrganization, o.id);
  OrgInput cap;
  cap.fields["capacity_female"] = "40";
  auto updated = s.update(director, actor_, o.id, cap, 1);
  EXPECT_EQ(updated.institution->capacity_female, 40);
  EXPECT_EQ(updated.version, 2);
  OrgInput name;
  name.fields["name_fr"] = "Renamed";
  EXPECT_THROW(s.update(director, actor_, o.id, name, 2), Forbidden);
  OrgInput status;
  status.fields["authorization_status"] = "closed";
  EXPECT_THROW(s.update(director, actor_, o.id, status, 2), Forbidden);
  EXPECT_THROW(s.update(director, actor_, o.id, cap, 1), Conflict);  // stale version
}

TEST_F(OrgServiceTest, AuthorizationChangesAreKeptInTheHistory) {
  OrgService s(*db_);
  auto o = s.create(admin_, actor_, eps_input("History"));
  OrgInput a;
  a.fields = {{"authorization_status", "authorized"},
              {"authorization_number", "A-9"},
              {"authorization_date", "2024-01-01"},
              {"authorization_expires_on", "2029-01-01"}};
  s.update(admin_, actor_, o.id, a, 1);
  auto h = s.history(admin_, o.id);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].status_from, "pending");
  EXPECT_EQ(h[1].to.status, "authorized");
  EXPECT_EQ(h[1].to.expires_on, "2029-01-01");
}

TEST_F(OrgServiceTest, ExpiringFilterKeepsAuthorizedExpiringSoonOrExpired) {
  OrgService s(*db_);
  auto make = [&](const std::string& name, const std::string& status, int days) {
    auto in = eps_input(name);
    in.fields["authorization_status"] = status;
    in.fields["authorization_number"] = "N";
    in.fields["authorization_date"] = "2000-01-01";
    in.fields["authorization_expires_on"] = OrgService::today_plus(days);
    return s.create(admin_, actor_, in).id;
  };
  auto soon = make("Soon", "authorized", 10);
  auto expired = make("Expired", "provisional", -1);
  make("Later", "authorized", 120);
  make("Closed", "closed", 5);
  OrgFilter f;
  f.expiring_by = OrgService::today_plus(kExpiryWarningDays);
  Sort sort;
  sort.key = SortKey::kExpiry;
  auto rows = s.list(admin_, f, sort, std::nullopt, 50);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].org.id, expired);
  EXPECT_EQ(rows[1].org.id, soon);
}

TEST_F(OrgServiceTest, CursorPaginationFollowsTheSort) {
  OrgService s(*db_);
  for (int i = 0; i < 5; ++i) {
    auto in = eps_input("Pager " + std::to_string(i));
    in.fields["capacity_male"] = std::to_string(i * 10);
    s.create(admin_, actor_, in);
  }
  Sort sort = *parse_sort("-capacity");
  std::vector<std::int64_t> seen;
  std::optional<After> after;
  for (int page = 0; page < 5; ++page) {
    auto rows = s.list(admin_, {}, sort, after, 2);
    for (const auto& r : rows) seen.push_back(r.org.institution->capacity());
    if (rows.size() < 2) break;
    after = After{rows.back().sort_value, rows.back().org.id};
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{50, 40, 30, 20, 10}));
}

TEST_F(OrgServiceTest, AnInstitutionWithoutAdmissionsHasNoResidents) {
  OrgService s(*db_);
  auto o = s.create(admin_, actor_, eps_input("Occupancy"));
  auto lease = db_->acquire();
  auto occ = occupancy_of(*lease, o.id);
  EXPECT_EQ(occ.total(), 0);
  auto j = occupancy_json(*o.institution, occ);
  EXPECT_EQ(j["rate"].get<double>(), 0.0);
  EXPECT_TRUE(j["staff_to_resident_ratio"].is_null());
}

TEST_F(OrgServiceTest, ImportDryRunWritesNothingAndRealImportIsAllOrNothing) {
  OrgService s(*db_);
  const std::string good =
      "\xEF\xBB\xBFkind;name_fr;name_ar;province;category;capacity_female;latitude;longitude\r\n"
      "association;Asso Import;;MA-CAS;;;;\r\n"
      "eps;Centre Import;;MA-CAS;women;12;33,57;-7,59\r\n";
  auto dry = import_csv(s, admin_, actor_, good, true);
  EXPECT_TRUE(dry.errors.empty());
  EXPECT_EQ(dry.created, 2);
  EXPECT_EQ(s.count(admin_, {}), 0);
  auto real = import_csv(s, admin_, actor_, good, false);
  EXPECT_TRUE(real.committed);
  EXPECT_EQ(s.count(admin_, {}), 2);

  const std::string bad =
      "kind,name_fr,name_ar,province,category\n"
      "eps,Fine One,,MA-CAS,children\n"
      "eps,Fine One,,MA-CAS,children\n"  // duplicate of the row above
      "eps,Bad Province,,MA-ZZZ,children\n";
  auto r = import_csv(s, admin_, actor_, bad, false);
  EXPECT_FALSE(r.committed);
  EXPECT_EQ(r.created, 0);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].row, 3u);
  EXPECT_EQ(r.errors[0].code, "duplicate");
  EXPECT_EQ(r.errors[1].row, 4u);
  EXPECT_EQ(r.errors[1].column, "province");
  EXPECT_EQ(r.errors[1].code, "unknown_province");
  EXPECT_EQ(s.count(admin_, {}), 2);
}

TEST_F(OrgServiceTest, ImportReportsEncodingAndColumns) {
  OrgService s(*db_);
  auto latin = import_csv(s, admin_, actor_,
                          "kind;name_fr;name_ar;province\nassociation;\xE9t\xE9;;MA-CAS\n", true);
  ASSERT_EQ(latin.errors.size(), 1u);
  EXPECT_EQ(latin.errors[0].code, "invalid_encoding");
  EXPECT_EQ(latin.errors[0].row, 2u);
  auto cols = import_csv(s, admin_, actor_, "kind;name_fr;province;shoe_size\n", true);
  ASSERT_EQ(cols.errors.size(), 2u);
  EXPECT_EQ(cols.errors[0].code, "unknown_column");
  EXPECT_EQ(cols.errors[1].code, "missing_column");
  EXPECT_EQ(cols.errors[1].column, "name_ar");
}

TEST(OrgApi, JsonBodiesBecomeInputWithApiFieldNames) {
  std::map<std::string, std::string> errors;
  auto in =
      input_from_json(nlohmann::json::parse(R"({"kind":"eps","capacity":{"female":3,"male":"x"},
      "coordinates":null,"authorization":{"status":"authorized"},"staff":{"nurses":2,"cooks":1},
      "services":["meals"]})"),
                      errors);
  EXPECT_EQ(in.fields.at("capacity_female"), "3");
  EXPECT_EQ(in.fields.at("capacity_male"), "x");
  EXPECT_EQ(in.fields.at("latitude"), "");
  EXPECT_EQ(in.fields.at("authorization_status"), "authorized");
  EXPECT_EQ(in.fields.at("staff_nurses"), "2");
  EXPECT_EQ(errors.at("staff.cooks"), "org.validation.unknown_staff_function");
  EXPECT_EQ(api_field_name("authorization_expires_on"), "authorization.expires_on");
  EXPECT_EQ(api_field_name("latitude"), "coordinates.lat");
}

}  // namespace
}  // namespace jisr::org

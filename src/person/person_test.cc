#include "person/person.h"

// GCC 12 reports a false "may be used uninitialized" inside std::optional<std::string> once
// display_name() is inlined here (GCC bug 105562 family); the code reads only engaged values.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <gtest/gtest.h>

#include "../../tests/unit/test_db.h"
#include "person/person_service.h"
#include "person/person_test_fixture.h"
#include "platform/error.h"

namespace jisr::person {
namespace {

TEST(PersonRulesTest, CinFormat) {
  EXPECT_EQ(check_cin("BE123456"), "");
  EXPECT_EQ(check_cin("A1"), "");
  EXPECT_NE(check_cin("12AB"), "");
  EXPECT_NE(check_cin("ABC123"), "");
  EXPECT_NE(check_cin("be123456"), "");
  EXPECT_NE(check_cin("BE1234567"), "");
}

TEST(PersonRulesTest, BirthDateKeepsItsPrecisionAndIsNeverInTheFuture) {
  const std::string today = "2026-11-29";
  EXPECT_EQ(check_birth_date("2010-02-28", "exact", today), "");
  EXPECT_EQ(check_birth_date("2012", "year", today), "");
  EXPECT_EQ(check_birth_date("2012", "estimated", today), "");
  EXPECT_EQ(check_birth_date("2012", "exact", today), "validation.exact_date_needs_day");
  EXPECT_EQ(check_birth_date("2025-02-30", "exact", today), "validation.invalid_date");
  EXPECT_EQ(check_birth_date("2026-11-30", "exact", today), "validation.birth_date_in_future");
  EXPECT_EQ(check_birth_date("2027", "year", today), "validation.birth_date_in_future");
  EXPECT_EQ(check_birth_date("2012", "roughly", today), "validation.invalid_precision");
}

TEST(PersonRulesTest, ScopeOnAPersonIdNeedsNoPeopleRowForNationalAndOrganization) {
  access::Principal pr;
  std::vector<db::Value> params = {db::Value("x")};
  pr.scope.level = access::ScopeLevel::kNational;
  EXPECT_EQ(scope_condition_on_id(pr, "c.person_id", params), "1=1");
  pr.scope = {access::ScopeLevel::kOrganization, "ORG1"};
  EXPECT_EQ(scope_condition_on_id(pr, "c.person_id", params),
            "EXISTS (SELECT 1 FROM person_access pa WHERE pa.person_id = c.person_id AND "
            "pa.organization_id = $2)");
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(db::as_text(params[1]), "ORG1");
  // The people condition is the same one, on the row's id.
  EXPECT_EQ(scope_condition(pr, "p", params),
            "EXISTS (SELECT 1 FROM person_access pa WHERE pa.person_id = p.id AND "
            "pa.organization_id = $3)");
  // A region or a province needs the person's row: no condition, no parameter.
  for (auto level : {access::ScopeLevel::kRegion, access::ScopeLevel::kProvince}) {
    pr.scope = {level, "MA-CAS"};
    EXPECT_EQ(scope_condition_on_id(pr, "c.person_id", params), std::nullopt);
    EXPECT_EQ(params.size(), 3u);
  }
}

TEST(PersonRulesTest, NameShownInThePageScript) {
  Person p;
  p.first_name_ar = "يوسف";
  p.last_name_ar = "العلوي";
  p.first_name_lat = "Youssef";
  p.last_name_lat = "Alaoui";
  EXPECT_EQ(display_name(p, "ar"), "يوسف العلوي");
  EXPECT_EQ(display_name(p, "fr"), "Youssef Alaoui");
  EXPECT_EQ(other_script_name(p, "fr"), "يوسف العلوي");
  p.first_name_lat.reset();
  p.last_name_lat.reset();
  EXPECT_EQ(display_name(p, "fr"), "يوسف العلوي");
  EXPECT_EQ(other_script_name(p, "fr"), "");
}

class PersonServiceTest : public testing::MigratedDb {
 protected:
  access::Principal coordinator(const std::string& province) {
    access::Principal p;
    p.user_id = "u-" + province;
    p.username = "coord";
    p.role = access::Role::kProvincialCoordinator;
    p.scope = {access::ScopeLevel::kProvince, province};
    return p;
  }
  PersonInput child() { return test_fixture::child_in_casablanca(); }
  audit::Actor actor{std::nullopt, std::string("t"), "127.0.0.1", "r"};
};

TEST_F(PersonServiceTest, RegisterDerivesRegionAndNumbersFiles) {
  // Users referenced by created_by must exist: the principal's user id is a foreign key.
  {
    auto lease = db_->acquire();
    lease->query(
        "INSERT INTO users(id, username, display_name, role, scope_level, scope_code, "
        "password_hash, created_at, updated_at, password_changed_at) VALUES ('u-MA-CAS', 'c', "
        "'C', 'provincial_coordinator', 'province', 'MA-CAS', 'x', 'n', 'n', 'n')");
  }
  PersonService service(*db_);
  auto a = service.create(coordinator("MA-CAS"), actor, child(), false);
  EXPECT_EQ(a.region_code, "MA-06");
  EXPECT_EQ(a.birth_date_precision, "year");
  auto in = child();
  in.first_name_lat = "Mehdi";
  in.first_name_ar = "مهدي";
  auto b = service.create(coordinator("MA-CAS"), actor, in, false);
  EXPECT_NE(a.file_number, b.file_number);
  EXPECT_LT(a.file_number, b.file_number);
}

TEST_F(PersonServiceTest, DuplicateWarningOnlyNamesVisiblePeople) {
  test_fixture::add_coordinators(*db_->acquire());
  PersonService service(*db_);
  auto first = service.create(coordinator("MA-CAS"), actor, child(), false);
  EXPECT_THROW(service.create(coordinator("MA-CAS"), actor, child(), false), PossibleDuplicate);
  // Rabat's coordinator registering the same names in Rabat is not told about Casablanca's
  // file (that would leak it).
  auto in = child();
  in.province = "MA-RAB";
  EXPECT_NO_THROW(service.create(coordinator("MA-RAB"), actor, in, false));
  EXPECT_NO_THROW(service.create(coordinator("MA-CAS"), actor, child(), true));
  // Out of scope: not found, and absent from lists.
  EXPECT_THROW(service.open_file(coordinator("MA-RAB"), actor, first.id), NotFound);
  for (const auto& p : service.list(coordinator("MA-RAB"), {}, std::nullopt, 100)) {
    EXPECT_EQ(p.province_code, "MA-RAB");
  }
}

TEST_F(PersonServiceTest, InvalidInputChangesNothing) {
  PersonService service(*db_);
  PersonInput in;
  in.sex = "X";
  in.birth_date = "2999-01-01";
  in.cin = "12";
  in.province = "MA-XXX";
  try {
    service.create(coordinator("MA-CAS"), actor, in, false);
    FAIL();
  } catch (const Invalid& e) {
    EXPECT_EQ(e.fields().at("name"), "validation.name_required");
    EXPECT_EQ(e.fields().at("sex"), "validation.invalid_sex");
    EXPECT_EQ(e.fields().at("birth_date"), "validation.birth_date_in_future");
    EXPECT_EQ(e.fields().at("cin"), "validation.invalid_cin");
    EXPECT_EQ(e.fields().at("province"), "validation.unknown_territory");
  }
  auto lease = db_->acquire();
  EXPECT_EQ(db::as_int(lease->query("SELECT count(*) FROM people").rows[0][0]), 0);
}

TEST_F(PersonServiceTest, ListMergesForAdministratorsNewestFirstInScopeAndPaged) {
  test_fixture::add_coordinators(*db_->acquire());
  PersonService service(*db_);
  auto person = [&](const char* province, const char* name) {
    auto in = child();
    in.province = province;
    in.first_name_lat = name;
    return service.create(test_fixture::coordinator(province), actor, in, true);
  };
  auto survivor = person("MA-CAS", "Survivor");
  std::vector<Person> merged;
  for (const char* name : {"Ali", "Omar", "Said"}) {
    merged.push_back(person("MA-CAS", name));
    service.merge(test_fixture::coordinator("MA-CAS"), actor, merged.back().id, survivor.id);
  }
  auto rabat = person("MA-RAB", "Rabat");
  auto rabat_gone = person("MA-RAB", "Gone");
  service.merge(test_fixture::coordinator("MA-RAB"), actor, rabat_gone.id, rabat.id);

  db_->acquire()->query(
      "INSERT INTO users(id, username, display_name, role, scope_level, scope_code, "
      "password_hash, created_at, updated_at, password_changed_at) VALUES ('u-admin', 'admin', "
      "'A', 'admin', 'national', NULL, 'x', 'n', 'n', 'n')");
  access::Principal admin;
  admin.user_id = "u-admin";
  admin.role = access::Role::kAdmin;
  admin.scope = {access::ScopeLevel::kNational, ""};
  access::Principal casablanca_admin = admin;
  casablanca_admin.scope = {access::ScopeLevel::kProvince, "MA-CAS"};

  auto all = service.list_merges(admin, std::nullopt, 50);
  ASSERT_EQ(all.size(), 4u);
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_GE(all[i - 1].merged_at, all[i].merged_at);
  EXPECT_EQ(all.front().person_id, rabat_gone.id);  // the newest
  EXPECT_EQ(all.front().file_number, rabat_gone.file_number);
  EXPECT_EQ(all.front().into_file_number, rabat.file_number);
  EXPECT_EQ(all.front().merged_by, "c-MA-RAB");
  EXPECT_FALSE(all.front().undone_at);

  // Scope: Casablanca's administrator does not see Rabat's merge.
  auto cas = service.list_merges(casablanca_admin, std::nullopt, 50);
  ASSERT_EQ(cas.size(), 3u);
  for (const auto& m : cas) EXPECT_EQ(m.into_id, survivor.id);

  // Pages of 2 continue after the last key, without repeats or gaps.
  auto first = service.list_merges(admin, std::nullopt, 2);
  ASSERT_EQ(first.size(), 2u);
  auto rest = service.list_merges(
      admin, PersonService::MergeCursor{first.back().merged_at, first.back().id}, 2);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(first[0].id, all[0].id);
  EXPECT_EQ(first[1].id, all[1].id);
  EXPECT_EQ(rest[0].id, all[2].id);
  EXPECT_EQ(rest[1].id, all[3].id);

  // An undone merge leaves the list unless asked for.
  service.unmerge(admin, actor, merged[0].id);
  auto active = service.list_merges(admin, std::nullopt, 50);
  EXPECT_EQ(active.size(), 3u);
  for (const auto& m : active) EXPECT_NE(m.person_id, merged[0].id);
  auto with_undone = service.list_merges(admin, std::nullopt, 50, true);
  ASSERT_EQ(with_undone.size(), 4u);
  int undone = 0;
  for (const auto& m : with_undone) undone += m.undone_at ? 1 : 0;
  EXPECT_EQ(undone, 1);

  // Coordinators merge but do not unmerge: the list is not theirs.
  EXPECT_THROW(service.list_merges(test_fixture::coordinator("MA-CAS"), std::nullopt, 50),
               Forbidden);
}

}  // namespace
}  // namespace jisr::person

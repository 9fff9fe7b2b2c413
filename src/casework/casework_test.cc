// src/casework/casework_test.cc — casework rules on a migrated SQLite database: who reads
// confidential notes, one institution at a time, capacity by sex, discharge dates, occupancy.
#include <gtest/gtest.h>

#include "../../tests/unit/test_db.h"
#include "access/users.h"
#include "casework/admissions.h"
#include "casework/case_services.h"
#include "casework/cases.h"
#include "casework/plan.h"
#include "org/occupancy.h"
#include "platform/error.h"

namespace jisr::casework {
namespace {

access::Principal principal(access::Role role, access::Scope scope,
                            std::optional<std::string> org) {
  access::Principal p;
  p.user_id = "U";
  p.role = role;
  p.scope = std::move(scope);
  p.organization_id = std::move(org);
  return p;
}

TEST(ConfidentialityTest, OwningOrganizationAndSupervisorsOnly) {
  Case c;
  c.owner_org_id = "ORG-A";
  const access::Scope prov{access::ScopeLevel::kProvince, "MA-CAS"};
  EXPECT_TRUE(may_read_confidential(principal(access::Role::kSocialWorker, prov, "ORG-A"), c));
  EXPECT_FALSE(may_read_confidential(principal(access::Role::kSocialWorker, prov, "ORG-B"), c));
  EXPECT_FALSE(may_read_confidential(principal(access::Role::kEpsDirector, prov, "ORG-B"), c));
  EXPECT_TRUE(may_read_confidential(principal(access::Role::kProvincialCoordinator, prov, {}), c));
  EXPECT_TRUE(may_read_confidential(principal(access::Role::kNationalSupervisor, {}, {}), c));
  // case.read without note.confidential.read: never, even in the owning organization.
  EXPECT_FALSE(may_read_confidential(principal(access::Role::kAuditor, prov, "ORG-A"), c));
  EXPECT_TRUE(is_field_worker(principal(access::Role::kAssociationWorker, prov, "ORG-A")));
  EXPECT_FALSE(is_field_worker(principal(access::Role::kEpsDirector, prov, "ORG-A")));
}

class AdmissionRulesTest : public testing::MigratedDb {
 protected:
  void SetUp() override {
    MigratedDb::SetUp();
    db::Transaction tx(*db_, db::TxMode::kWrite);
    const auto region = db::text_or(
        tx.query("SELECT parent_code FROM territories WHERE code = 'MA-CAS'").rows.at(0).at(0), "");
    for (const char* id : {"EPS1", "ASSOC"}) {
      tx.query(
          "INSERT INTO organizations(id, kind, name_fr, province_code, region_code, version, "
          "created_at, updated_at) VALUES ($1, $2, $3, 'MA-CAS', $4, 1, 'x', 'x')",
          {db::Value(std::string(id)), db::Value(std::string(id) == "EPS1" ? "eps" : "association"),
           db::Value(std::string(id)), db::Value(region)});
    }
    tx.query(
        "INSERT INTO institutions(organization_id, category, capacity_female, capacity_male) "
        "VALUES ('EPS1', 'children', 1, 0)");
    int n = 0;
    for (const char* sex : {"F", "F", "M"}) {
      const std::string id = "P" + std::to_string(++n);
      tx.query(
          "INSERT INTO people(id, file_number, first_name_lat, sex, province_code, region_code, "
          "version, created_at, updated_at) VALUES ($1, $1, 'Test', $2, 'MA-CAS', $3, 1, 'x', "
          "'x')",
          {db::Value(id), db::Value(std::string(sex)), db::Value(region)});
    }
    tx.commit();
    access::UserService users(*db_);
    access::NewUser u;
    u.username = "sw-eps";
    u.display_name = "Worker";
    u.role = "social_worker";
    u.scope_level = "province";
    u.scope_code = "MA-CAS";
    u.organization_id = "EPS1";
    u.password = "correct horse battery";
    const auto created = users.create(nullptr, audit::Actor{}, u);
    worker_ =
        principal(access::Role::kSocialWorker, {access::ScopeLevel::kProvince, "MA-CAS"}, "EPS1");
    worker_.user_id = created.id;
  }

  NewAdmission admission(const std::string& person) {
    return {person, "EPS1", "2026-01-10", "judicial_order", std::nullopt, std::nullopt};
  }

  // A child-protection case of P1, opened by worker_.
  CaseRecord open_case_of_p1() {
    NewCase nc;
    nc.person_id = "P1";
    nc.module = "child_protection";
    return CaseService(*db_).open(worker_, audit::Actor{}, nc);
  }

  // The single number `sql` selects.
  std::int64_t count(const std::string& sql) {
    auto lease = db_->acquire();
    return db::as_int(lease->query(sql).rows.at(0).at(0)).value_or(-1);
  }

  access::Principal worker_;
};

TEST_F(AdmissionRulesTest, CapacityOneAtATimeDischargeAndOccupancy) {
  AdmissionService s(*db_);
  const audit::Actor actor;
  const auto first = s.admit(worker_, actor, admission("P1"));
  EXPECT_FALSE(first.a.over_capacity);
  EXPECT_THROW(s.admit(worker_, actor, admission("P1")), Conflict);
  // Capacity F = 1 is reached: a second girl needs a reason, and is flagged.
  try {
    s.admit(worker_, actor, admission("P2"));
    FAIL() << "over capacity without a reason";
  } catch (const Invalid& e) {
    EXPECT_EQ(e.fields().count("over_capacity_reason"), 1u);
  }
  auto with_reason = admission("P2");
  with_reason.over_capacity_reason = "Décision du juge";
  EXPECT_TRUE(s.admit(worker_, actor, with_reason).a.over_capacity);
  // Male capacity 0: the first boy is already over capacity.
  auto boy = admission("P3");
  boy.over_capacity_reason = "Urgence";
  EXPECT_TRUE(s.admit(worker_, actor, boy).a.over_capacity);
  {
    auto lease = db_->acquire();
    const auto occ = org::occupancy_of(*lease, "EPS1");
    EXPECT_EQ(occ.female, 2);
    EXPECT_EQ(occ.male, 1);
    EXPECT_EQ(org::occupancies_of(*lease, {"EPS1", "ASSOC"}).at("EPS1").total(), 3);
  }
  EXPECT_THROW(s.discharge(worker_, actor, first.a.id, {"2026-01-09", "kafala", std::nullopt}),
               Invalid);
  EXPECT_THROW(s.discharge(worker_, actor, first.a.id, {"2026-01-11", "holiday", std::nullopt}),
               Invalid);
  s.discharge(worker_, actor, first.a.id, {"2026-01-10", "return_to_family", "Famille"});
  EXPECT_THROW(s.discharge(worker_, actor, first.a.id, {"2026-01-12", "other", std::nullopt}),
               Conflict);
  auto lease = db_->acquire();
  EXPECT_EQ(org::occupancy_of(*lease, "EPS1").female, 1);
}

TEST_F(AdmissionRulesTest, OnlyInstitutionsAndOnlyInScope) {
  AdmissionService s(*db_);
  auto to_assoc = admission("P1");
  to_assoc.institution_id = "ASSOC";
  EXPECT_THROW(s.admit(worker_, audit::Actor{}, to_assoc), Invalid);
  auto far = principal(access::Role::kSocialWorker, {access::ScopeLevel::kProvince, "MA-RAB"},
                       std::nullopt);
  far.user_id = worker_.user_id;
  EXPECT_THROW(s.admit(far, audit::Actor{}, admission("P1")), Invalid);  // person not visible
  auto auditor = principal(access::Role::kAuditor, {}, std::nullopt);
  EXPECT_THROW(s.admit(auditor, audit::Actor{}, admission("P1")), Forbidden);
}

// Several services of a case in one call: each is checked as record_service checks one and
// gets its own row and audit entry; one invalid service writes none of them.
TEST_F(AdmissionRulesTest, RecordServicesChecksEachAndAuditsEachOrWritesNone) {
  const auto c = open_case_of_p1();
  NewCaseService meals{"meals", std::nullopt, "2026-01-10", 14, "delivered", std::nullopt};
  NewCaseService visit{
      "psychological_support", std::string("ASSOC"), "2026-01-11", std::nullopt, "planned",
      std::string("Suivi")};
  const auto written = record_services(*db_, worker_, audit::Actor{}, c.c.id, {meals, visit});
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0].provider_org_id, "EPS1");  // the case's owner by default
  EXPECT_EQ(written[1].provider_org_id, "ASSOC");
  EXPECT_EQ(written[1].quantity, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_services"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE record_type = 'case_service' AND "
                  "action = 'create'"),
            2);
  NewCaseService unknown = meals;
  unknown.type = "teleportation";
  NewCaseService future = meals;
  future.date = "2999-01-01";
  for (const auto& bad : {unknown, future}) {
    EXPECT_THROW(record_services(*db_, worker_, audit::Actor{}, c.c.id, {meals, bad}), Invalid);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_services"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE record_type = 'case_service'"), 2);
  EXPECT_TRUE(audit::verify(*db_).ok);
}

// A goal and its actions in one call: each is checked as add_goal/add_action check one and
// gets its own row and audit entry; one invalid action writes none of them; the case must
// be writable by the caller, as for add_goal.
TEST_F(AdmissionRulesTest, AddPlanChecksEachAndAuditsEachOrWritesNone) {
  const auto c = open_case_of_p1();
  NewAction school;
  school.title = "Inscription scolaire";
  school.due_on = "2026-03-01";
  school.responsible_user_id = worker_.user_id;
  NewAction health;
  health.title = "Bilan de santé";
  health.responsible = "Équipe sociale";
  const auto added = add_plan(*db_, worker_, audit::Actor{}, c.c.id, "Scolarité", {school, health});
  ASSERT_EQ(added.actions.size(), 2u);
  EXPECT_EQ(added.actions[0].goal_id, added.goal.id);  // attached to the new goal
  EXPECT_EQ(added.actions[1].goal_id, added.goal.id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_goals"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_actions WHERE goal_id IS NOT NULL"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE record_type IN ('case_goal', "
                  "'case_action') AND action = 'create' AND region_code IS NOT NULL"),
            3);
  // The checks of add_action: a date, a responsible user of the owner organization.
  NewAction bad_date = health;
  bad_date.due_on = "2026-02-30";
  NewAction outsider = health;
  outsider.responsible_user_id = "NOBODY";
  for (const auto& bad : {bad_date, outsider}) {
    EXPECT_THROW(add_plan(*db_, worker_, audit::Actor{}, c.c.id, "Santé", {health, bad}), Invalid);
  }
  EXPECT_THROW(add_plan(*db_, worker_, audit::Actor{}, c.c.id, "  ", {health}), Invalid);
  // Out of scope: not found, as for add_goal.
  auto far =
      principal(access::Role::kSocialWorker, {access::ScopeLevel::kProvince, "MA-RAB"}, "EPS1");
  EXPECT_THROW(add_plan(*db_, far, audit::Actor{}, c.c.id, "Santé", {health}), NotFound);
  EXPECT_THROW(add_goal(*db_, far, audit::Actor{}, c.c.id, "Santé"), NotFound);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_goals"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_actions"), 2);
  EXPECT_TRUE(audit::verify(*db_).ok);
}

// transition_head: the checks and writes of transition, returning the case and its person's
// territory.
TEST_F(AdmissionRulesTest, TransitionHeadChecksAsTransition) {
  CaseService cases(*db_);
  const auto c = open_case_of_p1();
  const auto head =
      cases.transition_head(worker_, audit::Actor{}, c.c.id, "assessment", std::nullopt, 1);
  EXPECT_EQ(head.c.status, "assessment");
  EXPECT_EQ(head.c.version, 2);
  EXPECT_EQ(head.province_code, "MA-CAS");
  EXPECT_EQ(head.region_code, c.person.region_code);
  EXPECT_THROW(
      cases.transition_head(worker_, audit::Actor{}, c.c.id, "review", std::nullopt, std::nullopt),
      Conflict);  // illegal move
  EXPECT_THROW(cases.transition_head(worker_, audit::Actor{}, c.c.id, "plan", std::nullopt, 1),
               Conflict);  // stale version
  EXPECT_THROW(
      cases.transition_head(worker_, audit::Actor{}, c.c.id, "closed", std::nullopt, std::nullopt),
      Invalid);  // no closure reason
  auto auditor = principal(access::Role::kAuditor, {}, std::nullopt);
  EXPECT_THROW(
      cases.transition_head(auditor, audit::Actor{}, c.c.id, "plan", std::nullopt, std::nullopt),
      Forbidden);
  EXPECT_EQ(cases.get(worker_, c.c.id).c.status, "assessment");
  EXPECT_TRUE(audit::verify(*db_).ok);
}

}  // namespace
}  // namespace jisr::casework

#include "person/person_search.h"

#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "../../tests/unit/test_db.h"
#include "person/person_service.h"
#include "person/person_test_fixture.h"
#include "platform/error.h"

namespace jisr::person {
namespace {

class PersonSearchTest : public testing::MigratedDb {
 protected:
  void SetUp() override {
    MigratedDb::SetUp();
    auto lease = db_->acquire();
    test_fixture::add_coordinators(*lease);
    region_of_cas_ = db::text_or(
        lease->query("SELECT parent_code FROM territories WHERE code = 'MA-CAS'").rows[0][0], "");
  }
  access::Principal principal(access::ScopeLevel level, const std::string& code,
                              access::Role role = access::Role::kProvincialCoordinator) {
    access::Principal p;
    p.user_id = "u-MA-CAS";
    p.username = "coord";
    p.role = role;
    p.scope = {level, code};
    return p;
  }
  access::Principal coordinator(const std::string& province) {
    auto p = principal(access::ScopeLevel::kProvince, province);
    p.user_id = "u-" + province;
    return p;
  }
  PersonInput named(const std::string& first, const std::string& last, const std::string& prov) {
    PersonInput in;
    in.first_name_lat = first;
    in.last_name_lat = last;
    in.sex = "M";
    in.birth_date = "2014";
    in.province = prov;
    return in;
  }
  static std::vector<std::string> ids(const std::vector<PersonSearch::Hit>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.push_back(h.id);
    return out;
  }
  audit::Actor actor{std::nullopt, std::string("t"), "127.0.0.1", "r"};
  std::string region_of_cas_;
};

TEST_F(PersonSearchTest, FollowsCreatesEditsAndMergesOfItsOwnServer) {
  PersonSearch search(*db_);
  EXPECT_EQ(search.load().people, 0u);
  PersonService service(*db_, &search);
  auto cas = coordinator("MA-CAS");
  auto a = service.create(cas, actor, named("Zakaria", "Benjelloun", "MA-CAS"), true);
  EXPECT_EQ(ids(search.search(cas, "benjeloun zakaria", 10)), std::vector<std::string>{a.id});
  PersonInput edit;
  edit.last_name_lat = "Lahlou";
  a = service.update(cas, actor, a.id, edit, a.version);
  EXPECT_EQ(ids(search.search(cas, "zakaria lahlou", 10)), std::vector<std::string>{a.id});
  EXPECT_TRUE(search.search(cas, "benjelloun", 10).empty());

  auto b = service.create(cas, actor, named("Zakaria", "Lahlou", "MA-CAS"), true);
  auto both = ids(search.search(cas, "zakaria lahlou", 10));
  std::sort(both.begin(), both.end());
  auto want = std::vector<std::string>{a.id, b.id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(both, want);
  auto supervisor =
      principal(access::ScopeLevel::kProvince, "MA-CAS", access::Role::kProvincialCoordinator);
  service.merge(supervisor, actor, b.id, a.id);
  EXPECT_EQ(ids(search.search(cas, "zakaria lahlou", 10)), std::vector<std::string>{a.id});
  // A new server loading now sees the same.
  PersonSearch fresh(*db_);
  fresh.load();
  EXPECT_EQ(ids(fresh.search(cas, "zakaria lahlou", 10)), std::vector<std::string>{a.id});
}

TEST_F(PersonSearchTest, AnotherServerSeesWritesThroughTheChangeLog) {
  PersonSearch mine(*db_), other(*db_);
  mine.load();
  other.load();
  PersonService service(*db_, &mine);
  auto cas = coordinator("MA-CAS");
  auto p = service.create(cas, actor, named("Imane", "Sqalli", "MA-CAS"), true);
  EXPECT_EQ(ids(other.search(cas, "imane sqalli", 10)), std::vector<std::string>{p.id});
  PersonInput edit;
  edit.first_name_lat = "Ilham";
  service.update(cas, actor, p.id, edit, p.version);
  EXPECT_EQ(ids(other.search(cas, "ilham sqalli", 10)), std::vector<std::string>{p.id});
  EXPECT_TRUE(other.search(cas, "imane", 10).empty());
}

TEST_F(PersonSearchTest, ALateChangeLogNumberIsStillApplied) {
  // On PostgreSQL a transaction holding seq n may commit after the one holding n+1. Here:
  // the row n+2 is visible first, then n+1 appears; both changes reach the index.
  PersonService plain(*db_);  // no index: writes only the database and the log
  auto cas = coordinator("MA-CAS");
  auto a = plain.create(cas, actor, named("Hamza", "Ouazzani", "MA-CAS"), true);
  auto b = plain.create(cas, actor, named("Yassine", "Kettani", "MA-CAS"), true);
  PersonSearch search(*db_);
  search.load();
  search.sync();
  const auto n = search.applied_seq();
  auto lease = db_->acquire();
  lease->query("UPDATE people SET last_name_lat = 'Sefrioui' WHERE id = $1", {db::Value(b.id)});
  lease->query("INSERT INTO person_changes(seq, person_id, at) VALUES ($1, $2, 'x')",
               {db::Value(n + 2), db::Value(b.id)});
  EXPECT_EQ(ids(search.search(cas, "yassine sefrioui", 10)), std::vector<std::string>{b.id});
  EXPECT_EQ(search.applied_seq(), n + 2);
  lease->query("UPDATE people SET last_name_lat = 'Guessous' WHERE id = $1", {db::Value(a.id)});
  lease->query("INSERT INTO person_changes(seq, person_id, at) VALUES ($1, $2, 'x')",
               {db::Value(n + 1), db::Value(a.id)});
  EXPECT_EQ(ids(search.search(cas, "hamza guessous", 10)), std::vector<std::string>{a.id});
}

TEST_F(PersonSearchTest, InMemoryScopeAgreesWithSqlScope) {
  PersonSearch search(*db_);
  search.load();
  PersonService service(*db_, &search);
  std::vector<Person> people;
  for (int i = 0; i < 3; ++i) {
    people.push_back(service.create(coordinator("MA-CAS"), actor,
                                    named("Salma", "Tahiri" + std::string(1, 'a' + i), "MA-CAS"),
                                    true));
    people.push_back(service.create(coordinator("MA-RAB"), actor,
                                    named("Salma", "Tahiri" + std::string(1, 'a' + i), "MA-RAB"),
                                    true));
  }
  const std::vector<access::Principal> principals = {
      principal(access::ScopeLevel::kNational, "", access::Role::kAuditor),
      principal(access::ScopeLevel::kRegion, region_of_cas_, access::Role::kRegionalSupervisor),
      principal(access::ScopeLevel::kProvince, "MA-CAS"),
      principal(access::ScopeLevel::kProvince, "MA-RAB"),
      principal(access::ScopeLevel::kProvince, "MA-TNG"),
  };
  auto lease = db_->acquire();
  for (const auto& by : principals) {
    std::size_t visible = 0;
    for (const auto& p : people) {
      const bool sql = find_visible(*lease, by, p.id).has_value();
      EXPECT_EQ(search.visible_in_memory(by, p.id), sql)
          << access::format_scope(by.scope) << " " << p.province_code;
      visible += sql ? 1 : 0;
    }
    // And a search counts exactly the visible ones.
    EXPECT_EQ(search.search(by, "salma", 50).size(), visible) << access::format_scope(by.scope);
  }
}

TEST_F(PersonSearchTest, DuplicateWarningIsFuzzyAndScoped) {
  PersonSearch search(*db_);
  search.load();
  PersonService service(*db_, &search);
  auto cas = coordinator("MA-CAS");
  auto in = named("Mohammed", "El Alaoui", "MA-CAS");
  in.birth_date = "2012-04-03";
  auto first = service.create(cas, actor, in, false);
  auto typo = named("Mohamed", "Elalaoui", "MA-CAS");
  typo.birth_date = "2012-04-03";
  try {
    service.create(cas, actor, typo, false);
    ADD_FAILURE() << "no duplicate warning";
  } catch (const PossibleDuplicate& d) {
    ASSERT_FALSE(d.candidates().empty());
    EXPECT_EQ(d.candidates()[0].person.id, first.id);
    EXPECT_GT(d.candidates()[0].score, PersonService::kDuplicateThreshold);
  }
  // Rabat's coordinator is not told about Casablanca's file.
  auto rab = typo;
  rab.province = "MA-RAB";
  EXPECT_NO_THROW(service.create(coordinator("MA-RAB"), actor, rab, false));
  // Another birth date: another person.
  auto other = typo;
  other.birth_date = "1980";
  EXPECT_NO_THROW(service.create(cas, actor, other, false));
}

// The duplicate check runs inside the registration's write transaction: its change-log sync
// and index search use that transaction's connection instead of borrowing a second one from
// the pool (with a pool of one, the borrow timed out: a registration could not complete, and
// under many concurrent registrations half the pool waited on the other half).
TEST_F(PersonSearchTest, DuplicateCheckBorrowsNoSecondConnection) {
  db::PoolOptions one;
  one.size = 1;
  one.acquire_timeout = std::chrono::milliseconds(300);
  auto small = db::open("sqlite:" + db_path(), one);
  PersonSearch search(*small);
  search.load();
  auto cas = coordinator("MA-CAS");
  // Written by another server (no index here): this server learns of it through the change
  // log, so the duplicate check's sync has a row to reload.
  auto in = named("Mohammed", "El Alaoui", "MA-CAS");
  in.birth_date = "2012-04-03";
  auto first = PersonService(*small).create(cas, actor, in, true);
  PersonService service(*small, &search);
  auto typo = named("Mohamed", "Elalaoui", "MA-CAS");
  typo.birth_date = "2012-04-03";
  try {
    service.create(cas, actor, typo, false);
    ADD_FAILURE() << "no duplicate warning";
  } catch (const PossibleDuplicate& d) {
    ASSERT_FALSE(d.candidates().empty());
    EXPECT_EQ(d.candidates()[0].person.id, first.id);
  }
  EXPECT_EQ(small->stats().timeouts_total, 0u);
  // A registration that finds no duplicate goes through, and is then searchable.
  auto other = service.create(cas, actor, named("Ghita", "Bennis", "MA-CAS"), false);
  EXPECT_EQ(ids(search.search(cas, "ghita bennis", 10)), std::vector<std::string>{other.id});
  EXPECT_EQ(small->stats().timeouts_total, 0u);
}

TEST_F(PersonSearchTest, MergeRulesAndExactUndo) {
  PersonSearch search(*db_);
  search.load();
  PersonService service(*db_, &search);
  auto cas = coordinator("MA-CAS");
  auto in = named("Rachid", "Bennis", "MA-CAS");
  in.cin = "BE12345";
  auto a = service.create(cas, actor, in, true);
  auto b = service.create(cas, actor, named("Rachid", "Benis", "MA-CAS"), true);
  auto c = service.create(cas, actor, named("Latifa", "Bennis", "MA-CAS"), true);
  service.add_relation(cas, actor, a.id, c.id, "sibling");
  service.add_relation(cas, actor, b.id, c.id, "sibling");  // the same relation on the survivor

  auto worker = cas;
  worker.role = access::Role::kSocialWorker;
  EXPECT_THROW(service.merge(worker, actor, a.id, b.id), Forbidden);
  EXPECT_THROW(service.merge(coordinator("MA-RAB"), actor, a.id, b.id), NotFound);
  EXPECT_THROW(service.merge(cas, actor, a.id, a.id), Conflict);

  auto survivor = service.merge(cas, actor, a.id, b.id);
  EXPECT_EQ(survivor.cin, std::optional<std::string>("BE12345"));
  EXPECT_THROW(service.merge(cas, actor, c.id, a.id), Conflict);  // into a merged file
  EXPECT_EQ(service.relations(cas, b.id).size(), 1u);             // not twice
  EXPECT_TRUE(service.relations(cas, a.id).empty());

  auto admin = principal(access::ScopeLevel::kNational, "", access::Role::kAdmin);
  EXPECT_THROW(service.unmerge(cas, actor, a.id), Forbidden);
  auto restored = service.unmerge(admin, actor, a.id);
  EXPECT_EQ(restored.status, "active");
  EXPECT_FALSE(restored.merged_into);
  EXPECT_THROW(service.unmerge(admin, actor, a.id), Conflict);
  EXPECT_EQ(service.relations(cas, a.id).size(), 1u);
  EXPECT_EQ(service.relations(cas, b.id).size(), 1u);  // its own relation stays
  auto lease = db_->acquire();
  EXPECT_FALSE(find(*lease, b.id)->cin);
  EXPECT_EQ(ids(search.search(cas, "rachid bennis", 1)), std::vector<std::string>{a.id});
}

}  // namespace
}  // namespace jisr::person

#include "demo/demo_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../../tests/unit/test_db.h"
#include "access/permissions.h"
#include "audit/audit.h"
#include "demo/demo_catalog.h"
#include "person/person.h"

namespace jisr::demo {
namespace {

constexpr const char* kToday = "2026-06-15";

std::string add_days(const std::string& day, int days) {
  return day_text(parse_day(day) + days);
}

class DemoDataTest : public jisr::testing::MigratedDb {
 protected:
  std::int64_t count(const std::string& sql, std::initializer_list<db::Value> params = {}) {
    auto lease = db_->acquire();
    return db::as_int(lease->query(sql, params).rows.at(0).at(0)).value_or(-1);
  }
  static DemoDataOptions small(std::int64_t people, std::uint64_t seed) {
    DemoDataOptions o;
    o.people = people;
    o.seed = seed;
    o.institutions = 120;
    o.today = kToday;
    return o;
  }
};

TEST_F(DemoDataTest, SmallLoadHasEveryKindOfRecordAndPassesTheAuditChain) {
  auto o = small(300, 11);
  o.truth_out = (dir_ / "truth.csv").string();
  auto index_sql = [&] {
    std::string out;
    auto lease = db_->acquire();
    for (const auto& r : lease
                             ->query("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                     "ORDER BY tbl_name, rowid")
                             .rows) {
      out += db::text_or(r[0], "") + " " + db::text_or(r[1], "") + "\n";
    }
    return out;
  };
  const std::string indexes_before = index_sql();
  std::int64_t last_progress = 0;
  std::vector<std::string> stages;
  const auto s = generate(*db_, o, [&](const Progress& p) {
    last_progress = p.people_done;
    if (!p.stage.empty()) stages.push_back(p.stage);
  });
  EXPECT_EQ(last_progress, 300);
  // The secondary indexes dropped for the load are all there again, as they were and in the
  // same order within each table (SQLite's planner breaks ties by that order), and their
  // build was reported.
  EXPECT_EQ(index_sql(), indexes_before);
  EXPECT_NE(indexes_before.find("audit_log_record"), std::string::npos);
  ASSERT_FALSE(stages.empty());
  EXPECT_NE(stages.front().find("building index"), std::string::npos);
  // The indexes of the tables the transitions update and the registrations grow are built
  // at the end too (the four of `cases` holding the status among them).
  for (const char* index :
       {"cases_status", "cases_owner_org", "people_last_lat", "referrals_to_org"}) {
    EXPECT_TRUE(std::any_of(stages.begin(), stages.end(), [&](const std::string& st) {
      return st.find(index) != std::string::npos;
    })) << index;
  }

  // Counts, as reported and as stored.
  EXPECT_EQ(count("SELECT COUNT(*) FROM people"), s.people);
  EXPECT_EQ(s.people, 300 + s.duplicates);
  EXPECT_GE(s.duplicates, 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), s.cases);
  EXPECT_GT(s.cases, 240);  // ~90 % of 300
  EXPECT_LT(s.cases, 300);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_services"), s.services);
  EXPECT_GT(s.services, 3 * 300);  // about 5 per person
  EXPECT_LT(s.services, 7 * 300);
  EXPECT_EQ(count("SELECT COUNT(*) FROM organizations WHERE kind = 'eps'"), s.institutions);
  EXPECT_NEAR(static_cast<double>(s.institutions), 120.0, 6.0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM organizations WHERE kind = 'entraide'"), 75);

  // Every write went through a service and is audited; the chain verifies.
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), s.writes);
  const auto verified = audit::verify(*db_);
  EXPECT_TRUE(verified.ok) << verified.reason;
  EXPECT_EQ(verified.entries, s.writes);

  // Every workflow state, and reopened cases.
  for (const char* status : {"open", "assessment", "plan", "services", "review", "closed"}) {
    EXPECT_GT(count("SELECT COUNT(*) FROM cases WHERE status = $1", {db::Value(status)}), 0)
        << status;
  }
  EXPECT_GT(count("SELECT COUNT(*) FROM case_transitions WHERE from_status = 'closed' AND "
                  "to_status = 'open'"),
            0);
  EXPECT_GT(count("SELECT COUNT(*) FROM case_assessment_domains"), 0);
  // Overdue plan actions of open cases; referrals in every state, some pending > 7 days.
  EXPECT_GT(count("SELECT COUNT(*) FROM case_actions a JOIN cases c ON c.id = a.case_id WHERE "
                  "a.done_on IS NULL AND a.due_on < $1 AND c.status <> 'closed'",
                  {db::Value(kToday)}),
            0);
  EXPECT_GT(count("SELECT COUNT(*) FROM case_actions WHERE done_on IS NOT NULL"), 0);
  for (const char* status : {"pending", "accepted", "declined", "completed"}) {
    EXPECT_GT(count("SELECT COUNT(*) FROM referrals WHERE status = $1", {db::Value(status)}), 0)
        << status;
  }
  EXPECT_GT(count("SELECT COUNT(*) FROM referrals WHERE status = 'pending' AND created_at < $1",
                  {db::Value(add_days(kToday, -7))}),
            0);
  // Admissions with discharges; institutions expiring within 90 days and expired.
  EXPECT_GT(count("SELECT COUNT(*) FROM admissions WHERE discharged_on IS NULL"), 0);
  EXPECT_GT(count("SELECT COUNT(*) FROM admissions WHERE discharged_on IS NOT NULL"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM admissions WHERE over_capacity = 1"), 0);
  EXPECT_GT(count("SELECT COUNT(*) FROM institutions WHERE authorization_expires_on >= $1 AND "
                  "authorization_expires_on <= $2",
                  {db::Value(kToday), db::Value(add_days(kToday, 90))}),
            0);
  EXPECT_GT(count("SELECT COUNT(*) FROM institutions WHERE authorization_expires_on < $1",
                  {db::Value(kToday)}),
            0);

  // One account per role, with the demo password printed.
  std::set<std::string> roles;
  for (const auto& a : s.accounts) {
    roles.insert(a.role);
    EXPECT_EQ(a.password, "jisr-demo-2026");
  }
  EXPECT_EQ(roles.size(), 9u);
  for (const auto& role : roles) {
    EXPECT_EQ(count("SELECT COUNT(*) FROM users WHERE role = $1", {db::Value(role)}) > 0, true)
        << role;
  }

  // Ages fit the target groups; adults' CINs are valid.
  EXPECT_EQ(count("SELECT COUNT(*) FROM people WHERE target_groups LIKE '%elderly%' AND "
                  "SUBSTR(birth_date, 1, 4) > '1966'"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM people WHERE target_groups LIKE '%street_children%' AND "
                  "SUBSTR(birth_date, 1, 4) < '2003'"),
            0);
  auto lease = db_->acquire();
  int cins = 0;
  for (const auto& r :
       lease->query("SELECT cin, birth_date FROM people WHERE cin IS NOT NULL").rows) {
    EXPECT_EQ(person::check_cin(db::text_or(r[0], "")), "") << db::text_or(r[0], "");
    EXPECT_LE(db::text_or(r[1], "").substr(0, 4), "2008");  // adults only
    ++cins;
  }
  EXPECT_GT(cins, 50);
  // Both scripts, and spelling variants of one name.
  EXPECT_GT(count("SELECT COUNT(*) FROM (SELECT first_name_ar FROM people GROUP BY first_name_ar "
                  "HAVING COUNT(DISTINCT first_name_lat) > 1) v"),
            5);

  // The hidden duplicates: listed in the truth file, both files present.
  std::ifstream truth(*o.truth_out);
  std::string line;
  std::getline(truth, line);
  EXPECT_EQ(line, "file_number_a,file_number_b,variant");
  int pairs = 0;
  while (std::getline(truth, line)) {
    const auto a = line.substr(0, line.find(','));
    const auto rest = line.substr(line.find(',') + 1);
    const auto b = rest.substr(0, rest.find(','));
    EXPECT_EQ(count("SELECT COUNT(*) FROM people WHERE file_number IN ($1, $2)",
                    {db::Value(a), db::Value(b)}),
              2)
        << line;
    ++pairs;
  }
  EXPECT_EQ(pairs, s.duplicates);
}

TEST_F(DemoDataTest, SameSeedSameContentOtherSeedOtherContent) {
  generate(*db_, small(60, 7));
  const std::string first = canonical_dump(*db_);
  auto other = [&](std::uint64_t seed) {
    const auto path = dir_ / ("seed-" + std::to_string(seed) + ".db");
    auto db = db::open("sqlite:" + path.string(), {});
    db::migrate(*db, app::all_migrations());
    generate(*db, small(60, seed));
    return canonical_dump(*db);
  };
  const std::string again = other(7);
  EXPECT_GT(first.size(), 10000u);
  EXPECT_TRUE(first == again) << "same seed, different content";
  EXPECT_NE(first, other(8));
  // A database that already holds data is refused.
  EXPECT_THROW(generate(*db_, small(5, 1)), std::invalid_argument);
}

TEST_F(DemoDataTest, TheLoadsSpeedUpsLeaveTheContentAsItIs) {
  // Deferred indexes and background checkpoints on (the defaults) and off: the same data.
  auto o = small(150, 5);
  generate(*db_, o);
  const std::string fast = canonical_dump(*db_);
  const auto path = dir_ / "plain.db";
  auto db = db::open("sqlite:" + path.string(), {});
  db::migrate(*db, app::all_migrations());
  o.defer_indexes = false;
  o.background_checkpoints = false;
  generate(*db, o);
  EXPECT_GT(fast.size(), 10000u);
  EXPECT_TRUE(fast == canonical_dump(*db)) << "the speed-ups changed the content";
  const auto verified = audit::verify(*db_);
  EXPECT_TRUE(verified.ok) << verified.reason;
}

TEST(DemoCatalogTest, DaysRoundTripAndRegionalWeightsFollowThePublishedOrder) {
  EXPECT_EQ(day_text(parse_day("2024-02-29")), "2024-02-29");
  EXPECT_EQ(day_text(parse_day("2026-01-01") - 1), "2025-12-31");
  EXPECT_THROW(parse_day("2026-02-30"), std::invalid_argument);
  std::map<std::string, int> w(regional_eps_weights().begin(), regional_eps_weights().end());
  EXPECT_EQ(w.size(), 12u);
  for (const auto& [region, weight] : w) {
    if (region != "MA-07" && region != "MA-03") {
      EXPECT_LT(weight, w["MA-03"]) << region;
    }
    if (region != "MA-12") {
      EXPECT_GT(weight, w["MA-12"]) << region;
    }
  }
}

}  // namespace
}  // namespace jisr::demo

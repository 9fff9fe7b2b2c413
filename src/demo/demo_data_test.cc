#include "demo/demo_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../../tests/unit/test_db.h"
#include "access/login.h"
#include "access/permissions.h"
#include "access/users.h"
#include "audit/audit.h"
#include "demo/demo_catalog.h"
#include "person/person.h"
#include "platform/error.h"

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
  // Every case has an assigned user of its owning organization, of the role that
  // organization's workers have (association worker in an association, social worker
  // elsewhere), and every plan action's responsible user is its case's worker.
  void expect_every_case_has_a_worker_of_its_organization() {
    EXPECT_GT(count("SELECT COUNT(*) FROM cases"), 0);
    EXPECT_EQ(
        count("SELECT COUNT(*) FROM cases c LEFT JOIN users u ON u.id = c.assigned_user_id "
              "WHERE u.id IS NULL OR u.organization_id IS NOT c.owner_org_id OR u.active <> 1"),
        0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM cases c JOIN users u ON u.id = c.assigned_user_id JOIN "
                    "organizations o ON o.id = c.owner_org_id WHERE (o.kind = 'association') <> "
                    "(u.role = 'association_worker') OR u.role NOT IN ('social_worker', "
                    "'association_worker')"),
              0);
    EXPECT_GT(count("SELECT COUNT(*) FROM case_actions"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM case_actions a JOIN cases c ON c.id = a.case_id WHERE "
                    "a.responsible_user_id IS NOT c.assigned_user_id"),
              0);
  }
  // The most cases (open ones only, or all) any user is assigned.
  std::int64_t most_cases_of_a_user(bool open_only) {
    return count(std::string("SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM cases "
                             "WHERE assigned_user_id IS NOT NULL") +
                 (open_only ? " AND status <> 'closed'" : "") + " GROUP BY assigned_user_id) m");
  }
  std::int64_t open_cases_of(const std::string& username) {
    return count(
        "SELECT COUNT(*) FROM cases c JOIN users u ON u.id = c.assigned_user_id WHERE "
        "u.username = $1 AND c.status <> 'closed'",
        {db::Value(username)});
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

  // Caseloads (default caps, 40 to 60 cases per worker): every case has a worker of its
  // organization and nobody holds more than 60. The demo field accounts were given a full
  // caseload, whatever the size of the load (kDemoPeople), with cases in several states and
  // overdue actions; their organizations' further cases went to other workers.
  expect_every_case_has_a_worker_of_its_organization();
  EXPECT_LE(most_cases_of_a_user(false), 60);
  EXPECT_GE(most_cases_of_a_user(false), 40);
  for (const char* login : {"socialworker", "association"}) {
    const auto open = open_cases_of(login);
    EXPECT_GE(open, 20) << login;
    EXPECT_LE(open, 60) << login;
    const db::Value who{std::string(login)};
    EXPECT_GE(count("SELECT COUNT(DISTINCT c.status) FROM cases c JOIN users u ON u.id = "
                    "c.assigned_user_id WHERE u.username = $1",
                    {who}),
              5)
        << login;
    EXPECT_GT(count("SELECT COUNT(*) FROM case_actions a JOIN cases c ON c.id = a.case_id JOIN "
                    "users u ON u.id = a.responsible_user_id WHERE u.username = $1 AND a.done_on "
                    "IS NULL AND a.due_on < $2 AND c.status <> 'closed'",
                    {who, db::Value(kToday)}),
              0)
        << login;
    EXPECT_GE(count("SELECT COUNT(*) FROM users w JOIN users u ON u.organization_id = "
                    "w.organization_id WHERE w.username = $1",
                    {who}),
              2)
        << login << ": no second worker in the organization";
  }
  EXPECT_EQ(s.users, count("SELECT COUNT(*) FROM users"));
  EXPECT_EQ(s.worker_accounts, s.users - 10);  // the 9 demo accounts and demo-loader
  EXPECT_GT(s.worker_accounts, 50);

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

TEST_F(DemoDataTest, CaseloadWorkersAreCreatedAsNeededWithoutPasswordAndNoneHoldsMoreThanTheCap) {
  auto o = small(300, 3);
  o.caseload_min = 4;
  o.caseload_max = 6;
  const auto s = generate(*db_, o);
  expect_every_case_has_a_worker_of_its_organization();
  EXPECT_LE(most_cases_of_a_user(true), 6);
  EXPECT_LE(most_cases_of_a_user(false), 6);
  EXPECT_EQ(most_cases_of_a_user(false), 6);  // some worker got the largest cap drawn
  // A new worker only when the current one has its cap: each organization's last worker
  // may have fewer than 4 cases, no other one.
  EXPECT_LE(count("SELECT COUNT(*) FROM (SELECT assigned_user_id FROM cases GROUP BY "
                  "assigned_user_id HAVING COUNT(*) < 4) m"),
            count("SELECT COUNT(DISTINCT owner_org_id) FROM cases"));
  EXPECT_GE(count("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM users WHERE organization_id "
                  "IS NOT NULL GROUP BY organization_id) m"),
            8);  // the demo organizations: ≈ 56 cases each
  EXPECT_EQ(count("SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE "
                  "c.assigned_user_id = u.id) AND u.username LIKE '%.%'"),
            0);  // no account made for nothing

  // The workers: "given.family" usernames (a number from the second holder of a name on),
  // no password; the demo accounts have theirs. Each creation is audited.
  access::UserService users(*db_);
  std::int64_t without = 0, with = 0;
  {
    auto lease = db_->acquire();
    for (const auto& r : lease->query("SELECT username FROM users").rows) {
      const auto u = users.find_by_username(*lease, db::text_or(r[0], ""));
      ASSERT_TRUE(u);
      if (access::has_password(*u)) {
        ++with;
        EXPECT_EQ(u->username.find('.'), std::string::npos) << u->username;
      } else {
        ++without;
        EXPECT_NE(u->username.find('.'), std::string::npos) << u->username;
        EXPECT_NE(u->display_name.find(' '), std::string::npos) << u->display_name;
        EXPECT_EQ(u->scope.level, access::ScopeLevel::kOrganization);
      }
    }
  }
  EXPECT_EQ(with, 10);
  EXPECT_EQ(without, s.worker_accounts);
  EXPECT_GT(count("SELECT COUNT(*) FROM users WHERE username GLOB '*.*[0-9]'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE record_type = 'user' AND action = "
                  "'create' AND after LIKE '%\"password_set\":false%'"),
            s.worker_accounts);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), s.writes);
  // Such an account does not log in, whatever the password.
  access::ThrottlePolicy policy;
  policy.delay_step = std::chrono::milliseconds(0);
  access::Throttle throttle(*db_, policy);
  access::LoginService login(*db_, users, throttle);
  const std::string worker =
      db::text_or(db_->acquire()
                      ->query("SELECT MIN(username) FROM users WHERE username LIKE '%.%'")
                      .rows.at(0)
                      .at(0),
                  "");
  const audit::Actor actor{std::nullopt, std::string("test"), "127.0.0.1", "req-1"};
  EXPECT_THROW(login.check_credentials(worker, "jisr-demo-2026", actor), Unauthorized);
  EXPECT_THROW(login.check_credentials(worker, "", actor), Unauthorized);

  // Bad caps are refused (on a fresh database: a used one is refused anyway).
  auto fresh = db::open("sqlite:" + (dir_ / "caps.db").string(), {});
  db::migrate(*fresh, app::all_migrations());
  o.caseload_min = 7;
  EXPECT_THROW(generate(*fresh, o), std::invalid_argument);
  o.caseload_min = 0;
  o.caseload_max = 0;
  EXPECT_THROW(generate(*fresh, o), std::invalid_argument);
  o.caseload_min = o.caseload_max = 1;
  o.people = 3;
  EXPECT_NO_THROW(generate(*fresh, o));  // and the failed attempts left it fresh
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

#include "audit/audit.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "../../tests/unit/test_db.h"

namespace jisr::audit {
namespace {

class AuditTest : public testing::MigratedDb {
 protected:
  void append_n(int n) {
    for (int i = 0; i < n; ++i) {
      db::Transaction tx(*db_, db::TxMode::kWrite);
      append(tx.conn(),
             {std::string("u1"), std::string("amina"), "10.0.0.1", "r" + std::to_string(i)},
             "update", "person", "P" + std::to_string(i), {{"name", "old"}}, {{"name", "new"}});
      tx.commit();
    }
  }
};

TEST_F(AuditTest, IntactChainVerifies) {
  append_n(5);
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 5);
}

TEST_F(AuditTest, AnEditedEntryIsNamed) {
  append_n(5);
  {
    auto lease = db_->acquire();
    lease->query("UPDATE audit_log SET after = '{\"name\":\"forged\"}' WHERE seq = 3");
  }
  auto r = verify(*db_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 3);
}

TEST_F(AuditTest, ADeletedEntryIsNamed) {
  append_n(5);
  {
    auto lease = db_->acquire();
    lease->query("DELETE FROM audit_log WHERE seq = 2");
  }
  auto r = verify(*db_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 2);
}

TEST_F(AuditTest, RecomputedHashStillBreaksTheNextLink) {
  append_n(4);
  {
    // A careful forger recomputes entry 2's own hash; entry 3 still links to the old one.
    auto lease = db_->acquire();
    auto rows = list(*lease, {}, std::nullopt, 10);
    Entry e2;
    for (const auto& e : rows) {
      if (e.seq == 2) e2 = e;
    }
    e2.after = "{\"name\":\"forged\"}";
    lease->query("UPDATE audit_log SET after = $1, hash = $2 WHERE seq = 2",
                 {db::Value(*e2.after), db::Value(compute_hash(e2))});
  }
  auto r = verify(*db_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 3);
}

TEST_F(AuditTest, TruncatedTailIsDetected) {
  append_n(4);
  {
    auto lease = db_->acquire();
    lease->query("DELETE FROM audit_log WHERE seq = 4");
  }
  auto r = verify(*db_);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.broken_seq, 4);
}

TEST_F(AuditTest, RolledBackChangeLeavesNoEntry) {
  {
    db::Transaction tx(*db_, db::TxMode::kWrite);
    append(tx.conn(), {}, "create", "user", "U1", nullptr, {{"username", "x"}});
    // no commit
  }
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.entries, 0);
}

TEST_F(AuditTest, FiltersAndNewestFirst) {
  append_n(3);
  auto lease = db_->acquire();
  auto all = list(*lease, {}, std::nullopt, 10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].seq, 3);
  Filter f;
  f.record_id = "P1";
  auto one = list(*lease, f, std::nullopt, 10);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].record_id, "P1");
  EXPECT_EQ(list(*lease, {}, 2, 10).size(), 1u);  // before seq 2
}

TEST(AuditDiffTest, OnlyChangedFields) {
  auto [b, a] = diff({{"x", 1}, {"y", "same"}}, {{"x", 2}, {"y", "same"}, {"z", true}});
  EXPECT_EQ(b, (nlohmann::json{{"x", 1}, {"z", nullptr}}));
  EXPECT_EQ(a, (nlohmann::json{{"x", 2}, {"z", true}}));
}

}  // namespace
}  // namespace jisr::audit

namespace jisr::audit {
namespace {

TEST_F(AuditTest, HistoryCanLeaveOutViews) {
  append_n(2);
  audit::record(*db_, {}, "view", "person", "P1", nullptr);
  auto lease = db_->acquire();
  Filter f;
  f.record_id = "P1";
  EXPECT_EQ(list(*lease, f, std::nullopt, 10).size(), 2u);
  f.exclude_action = "view";
  auto changes = list(*lease, f, std::nullopt, 10);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].action, "update");
}

// Reads of files are logged through a group commit: concurrent callers share commits, yet
// every caller's entry is written exactly once and the chain stays intact.
TEST_F(AuditTest, ConcurrentRecordsAreAllWrittenOnceInOneChain) {
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string rid = "t" + std::to_string(t) + "-" + std::to_string(i);
        record(*db_, {std::string("u1"), std::string("amina"), "10.0.0.1", rid}, "view", "person",
               "P" + rid, nullptr);
      }
    });
  }
  for (auto& th : threads) th.join();
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, kThreads * kPerThread);
  auto lease = db_->acquire();
  auto rows = lease->query("SELECT request_id FROM audit_log");
  std::set<std::string> ids;
  for (const auto& row : rows.rows) ids.insert(*db::as_text(row[0]));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

// Inside a db::Batch the chain head is kept in memory and written back at each outer commit:
// the chain stays intact across intermediate commits, rolled-back savepoints (whose entries
// vanish and must not leave the head ahead of the log) and ordinary appends after the batch.
TEST_F(AuditTest, BatchedAppendsKeepOneChainAcrossCommitsAndRollbacks) {
  append_n(2);  // before the batch: the head is read from the database
  const Actor actor{std::string("u1"), std::string("amina"), "10.0.0.1", "batch"};
  {
    db::Batch batch(*db_, {/*ops_per_commit=*/3, /*relax_durability=*/false});
    for (int i = 0; i < 10; ++i) {
      db::Transaction tx(*db_, db::TxMode::kWrite);
      append(tx.conn(), actor, "create", "person", "B" + std::to_string(i), nullptr, {{"i", i}});
      if (i % 4 == 1) continue;  // rolled back: its entry must disappear from the chain
      tx.commit();
    }
    // A rollback just before an outer commit: the head written back must be the log's.
    {
      db::Transaction tx(*db_, db::TxMode::kWrite);
      append(tx.conn(), actor, "create", "person", "last", nullptr, {{"i", 99}});
    }
    EXPECT_GE(batch.commits(), 2);
    batch.finish();
  }
  append_n(1);  // after the batch: ordinary appends continue the chain from the head
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason << " at " << r.broken_seq;
  EXPECT_EQ(r.entries, 2 + 7 + 1);  // 10 batched appends, 3 rolled back (i = 1, 5, 9)
  auto lease = db_->acquire();
  auto head = lease->query("SELECT seq FROM audit_head WHERE id = 1");
  EXPECT_EQ(db::as_int(head.rows.at(0).at(0)), 10);
  EXPECT_TRUE(
      lease->query("SELECT 1 FROM audit_log WHERE record_id IN ('B1', 'B5', 'last')").empty());
}

// A batch dropped without finish() rolls back its uncommitted tail: the head committed
// with the last outer commit still matches the last committed entry.
TEST_F(AuditTest, AnAbandonedBatchLeavesTheCommittedChainIntact) {
  const Actor actor{std::string("u1"), std::string("amina"), "10.0.0.1", "batch"};
  {
    db::Batch batch(*db_, {/*ops_per_commit=*/4, /*relax_durability=*/false});
    for (int i = 0; i < 6; ++i) {
      db::Transaction tx(*db_, db::TxMode::kWrite);
      append(tx.conn(), actor, "create", "person", "B" + std::to_string(i), nullptr, {{"i", i}});
      tx.commit();
    }
  }
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 4);
  append_n(1);
  r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 5);
}

}  // namespace
}  // namespace jisr::audit

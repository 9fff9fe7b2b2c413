#include "audit/committer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "../../tests/unit/test_db.h"

namespace jisr::audit {
namespace {

class CommitterTest : public testing::MigratedDb {
 protected:
  ReadEntry entry(const std::string& record_id) {
    return {{std::string("u1"), std::string("amina"), "10.0.0.1", "req-" + record_id},
            "view",
            "person",
            record_id,
            nullptr,
            {},
            {}};
  }
  // Counted through a connection of its own: what another process would see.
  std::int64_t on_disk(const std::string& record_id) {
    auto other = db::open("sqlite:" + db_path(), {});
    auto lease = other->acquire();
    return *db::as_int(
        lease->query("SELECT count(*) FROM audit_log WHERE record_id = $1", {db::Value(record_id)})
            .rows.at(0)
            .at(0));
  }
};

// A caller that waits finds its entry committed: visible to another connection.
TEST_F(CommitterTest, AnEntryIsCommittedWhenItsWaitReturns) {
  Committer c;
  auto ticket = c.submit(*db_, entry("P1"));
  c.wait(*ticket);
  EXPECT_TRUE(ticket->done);
  EXPECT_EQ(on_disk("P1"), 1);
  EXPECT_TRUE(verify(*db_).ok);
}

// Many concurrent callers: each entry is written exactly once, the chain stays intact, and
// entries queued while a transaction runs share the next one (fewer commits than entries).
TEST_F(CommitterTest, ConcurrentEntriesShareCommitsAndKeepOneChain) {
  Committer c;
  constexpr int kThreads = 16, kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> not_visible{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto ticket = c.submit(*db_, entry(id));
        c.wait(*ticket);
        auto lease = db_->acquire();
        if (lease->query("SELECT 1 FROM audit_log WHERE record_id = $1", {db::Value(id)}).empty()) {
          not_visible.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(not_visible.load(), 0) << "wait() returned before the entry was committed";
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, kThreads * kPerThread);
  EXPECT_LT(c.commits(), static_cast<std::uint64_t>(kThreads * kPerThread));
  auto lease = db_->acquire();
  std::set<std::string> ids;
  for (const auto& row : lease->query("SELECT record_id FROM audit_log").rows)
    ids.insert(*db::as_text(row[0]));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

// An entry the database refuses fails its own caller only; the others of the same
// transaction are written, and the chain has no hole.
TEST_F(CommitterTest, ARefusedEntryFailsOnlyItsOwnCaller) {
  {
    auto lease = db_->acquire();
    lease->exec_script(
        "CREATE TRIGGER refuse_bad BEFORE INSERT ON audit_log WHEN NEW.record_id = 'bad' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END;");
  }
  Committer c;
  // Queued before anyone waits, the three meet in one transaction.
  std::vector<std::shared_ptr<ReadTicket>> tickets;
  tickets.push_back(c.submit(*db_, entry("good1")));
  tickets.push_back(c.submit(*db_, entry("bad")));
  tickets.push_back(c.submit(*db_, entry("good2")));
  EXPECT_NO_THROW(c.wait(*tickets[0]));
  EXPECT_THROW(c.wait(*tickets[1]), db::DbError);
  EXPECT_NO_THROW(c.wait(*tickets[2]));
  EXPECT_EQ(on_disk("good1"), 1);
  EXPECT_EQ(on_disk("bad"), 0);
  EXPECT_EQ(on_disk("good2"), 1);
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 2);
}

// stop() writes what is queued; entries submitted afterwards are written by submit() itself,
// never dropped.
TEST_F(CommitterTest, StopWritesTheQueueAndLaterEntriesAreWrittenInline) {
  Committer c;
  std::vector<std::shared_ptr<ReadTicket>> tickets;
  for (int i = 0; i < 5; ++i) tickets.push_back(c.submit(*db_, entry("q" + std::to_string(i))));
  c.stop();
  for (auto& t : tickets) {
    EXPECT_TRUE(t->done);
    EXPECT_NO_THROW(c.wait(*t));
  }
  auto late = c.submit(*db_, entry("late"));
  EXPECT_TRUE(late->done);
  EXPECT_EQ(on_disk("late"), 1);
  c.stop();  // idempotent
  EXPECT_EQ(verify(*db_).entries, 6);
}

// record() under a Deferred returns before the entry is written; wait() returns once it is
// on disk, and reports a write error to the caller.
TEST_F(CommitterTest, DeferredRecordsAreDurableAfterWait) {
  {
    Deferred d;
    db::Transaction hold(*db_, db::TxMode::kWrite);  // nothing can be written meanwhile
    record(*db_, {std::string("u1"), std::string("amina"), "10.0.0.1", "r"}, "view", "person", "D1",
           nullptr);  // returns: it does not wait for the write lock
    EXPECT_EQ(on_disk("D1"), 0);
    hold.commit();
    d.wait();
    EXPECT_EQ(on_disk("D1"), 1);
  }
  {
    auto lease = db_->acquire();
    lease->exec_script("DELETE FROM audit_head");
  }
  Deferred d;
  record(*db_, {}, "view", "person", "D2", nullptr);
  EXPECT_THROW(d.wait(), db::DbError);
  EXPECT_NO_THROW(d.wait());  // reported once
  EXPECT_EQ(on_disk("D2"), 0);
}

// Without a Deferred, record() returns only once the entry is durable, and throws its error.
TEST_F(CommitterTest, RecordWithoutDeferredWaits) {
  record(*db_, {}, "view", "person", "S1", nullptr);
  EXPECT_EQ(on_disk("S1"), 1);
  {
    auto lease = db_->acquire();
    lease->exec_script("DELETE FROM audit_head");
  }
  EXPECT_THROW(record(*db_, {}, "view", "person", "S2", nullptr), db::DbError);
}

}  // namespace
}  // namespace jisr::audit

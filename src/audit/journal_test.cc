#include "audit/journal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "../../tests/unit/test_db.h"
#include "audit/audit.h"
#include "audit/committer.h"
#include "platform/util/time.h"

namespace jisr::audit {
namespace {

class JournalTest : public testing::MigratedDb {
 protected:
  static ReadEntry entry(const std::string& record_id, const std::string& at = "") {
    ReadEntry e;
    e.actor = {std::string("u1"), std::string("amina"), "10.0.0.1", "req-" + record_id};
    e.action = "view";
    e.record_type = "person";
    e.record_id = record_id;
    e.details = {{"section", "file"}};
    e.place.region_code = "01";
    e.at = at.empty() ? timeutil::real_now_utc() : at;
    return e;
  }
  std::string prefix() const { return db_path() + "-access-journal"; }
  static JournalOptions no_thread() {
    JournalOptions o;
    o.ingester_thread = false;
    return o;
  }
  // Journal files present next to the database.
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& de : std::filesystem::directory_iterator(dir_)) {
      const auto name = de.path().filename().string();
      if (name.rfind("test.db-access-journal.", 0) == 0) out.push_back(de.path().string());
    }
    return out;
  }
  std::int64_t count(const std::string& sql) {
    auto lease = db_->acquire();
    return *db::as_int(lease->query(sql).rows.at(0).at(0));
  }
  // A journal file written by hand: header and records of `ids`.
  std::string write_journal(const std::string& generation, const std::vector<std::string>& ids,
                            const std::string& tail = "") {
    const std::string id = std::string(32, 'a').replace(0, generation.size(), generation);
    const std::string path =
        prefix() + "." + std::string(16 - generation.size(), '0') + generation + "." + id;
    std::ofstream out(path, std::ios::binary);
    out << journal_format::header(id);
    for (const auto& r : ids) out << journal_format::encode(entry(r));
    out << tail;
    return path;
  }
  static std::int64_t data_version(db::Database& other) {
    auto lease = other.acquire();
    return *db::as_int(lease->query("PRAGMA data_version").rows.at(0).at(0));
  }
};

// Every field written is read back, `at` included.
TEST_F(JournalTest, RemovingTheFilesOfADeletedDatabase) {
  write_journal("1", {"P1"});
  write_journal("2", {"P2"});
  const std::string other =
      (dir_ / ("other.db-access-journal.0000000000000001." + std::string(32, 'b'))).string();
  std::ofstream(other) << "x";
  ASSERT_EQ(files().size(), 2U);
  EXPECT_EQ(remove_journal_files(db_path()), 2U);
  EXPECT_TRUE(files().empty());
  EXPECT_TRUE(std::filesystem::exists(other)) << "another database's journal is left alone";
}

TEST_F(JournalTest, RecordsRoundTrip) {
  ReadEntry e = entry("P1", "2026-01-02T03:04:05.678Z");
  e.actor.user_id.reset();
  e.place.organization_id = "ORG1";
  e.details = {{"export", "csv"}, {"rows", 12}, {"text", "é ع \"q\""}};
  const std::string path = write_journal("1", {});
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << journal_format::encode(e) << journal_format::encode(entry("P2"));
  }
  const auto scan = journal_format::read_file(path, 0);
  ASSERT_EQ(scan.entries.size(), 2u);
  EXPECT_FALSE(scan.torn);
  EXPECT_EQ(scan.end, std::filesystem::file_size(path));
  const ReadEntry& r = scan.entries[0];
  EXPECT_EQ(r.at, "2026-01-02T03:04:05.678Z");
  EXPECT_FALSE(r.actor.user_id);
  EXPECT_EQ(r.actor.username, "amina");
  EXPECT_EQ(r.actor.ip, "10.0.0.1");
  EXPECT_EQ(r.actor.request_id, "req-P1");
  EXPECT_EQ(r.action, "view");
  EXPECT_EQ(r.record_type, "person");
  EXPECT_EQ(r.record_id, "P1");
  EXPECT_EQ(r.details, e.details);
  EXPECT_EQ(r.place.region_code, "01");
  EXPECT_FALSE(r.place.province_code);
  EXPECT_EQ(r.place.organization_id, "ORG1");
  EXPECT_EQ(scan.entries[1].record_id, "P2");
}

// A record cut short by a crash in the middle of an append is dropped, at the end only.
TEST_F(JournalTest, TornLastRecordIsDropped) {
  const std::string whole = journal_format::encode(entry("P3"));
  const std::string path = write_journal("1", {"P1", "P2"}, whole.substr(0, whole.size() - 5));
  const auto scan = journal_format::read_file(path, 0);
  ASSERT_EQ(scan.entries.size(), 2u);
  EXPECT_TRUE(scan.torn);
  EXPECT_EQ(scan.end, std::filesystem::file_size(path) - (whole.size() - 5));

  // Recovered by a journal: two entries, the chain intact, the file gone.
  Journal j(*db_, prefix(), no_thread());
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'view'"), 2);
  EXPECT_TRUE(verify(*db_).ok);
  EXPECT_TRUE(files().empty());
}

// A bad checksum before the last record is corruption: refused, nothing ingested.
TEST_F(JournalTest, CorruptedMiddleRecordIsRefused) {
  const std::string path = write_journal("1", {"P1", "P2", "P3"});
  {
    // Flip a byte inside the second record's payload.
    std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
    const auto second = journal_format::kHeaderSize + journal_format::encode(entry("P1")).size();
    f.seekp(static_cast<std::streamoff>(second + 30));
    f.put('#');
  }
  EXPECT_THROW(journal_format::read_file(path, 0), JournalCorrupt);
  try {
    Journal j(*db_, prefix(), no_thread());
    FAIL() << "a corrupt journal was accepted";
  } catch (const JournalCorrupt& e) {
    EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 0);
  EXPECT_EQ(files().size(), 1u);  // kept for inspection
}

// A process dies after its entries are durable in the journal and before they are ingested:
// the next start ingests each exactly once, and a second recovery adds nothing.
TEST_F(JournalTest, CrashBeforeIngestionIsRecoveredExactlyOnce) {
  {
    Journal j(*db_, prefix(), no_thread());
    std::vector<ReadEntry> es;
    for (int i = 0; i < 30; ++i) es.push_back(entry("C" + std::to_string(i)));
    std::vector<const ReadEntry*> first, second;
    for (int i = 0; i < 30; ++i) (i < 10 ? first : second).push_back(&es[i]);
    j.append(first);
    j.flush();  // 10 ingested: the table holds the offset
    j.append(second);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 10);
    j.abandon_for_testing();  // "dies": nothing more is ingested, the file stays
  }
  ASSERT_EQ(files().size(), 1u);
  // A leftover of a crash in the middle of creating a file is removed too.
  std::ofstream(prefix() + ".0000000000000009.partial.new") << "JIS";
  {
    Journal j(*db_, prefix(), no_thread());
    EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 30);
    EXPECT_EQ(count("SELECT count(DISTINCT record_id) FROM audit_log"), 30);
    EXPECT_TRUE(files().empty());
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_journal"), 0);
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 30);

  // The same file found again (e.g. a crash between the last commit and the delete) adds
  // nothing: its offset is stored.
  const std::string again = write_journal("5", {"D1", "D2"});
  { Journal j(*db_, prefix(), no_thread()); }
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 32);
  {
    std::ofstream out(again, std::ios::binary);  // same id, same records
    out << journal_format::header(std::string(32, 'a').replace(0, 1, "5"));
    out << journal_format::encode(entry("D1")) << journal_format::encode(entry("D2"));
  }
  {
    // Its row was deleted with the file, so this copy counts as new: the guard is the row,
    // kept until the file is gone. Simulate the crash window instead: row present.
    auto lease = db_->acquire();
    lease->query("INSERT INTO audit_journal(id, ingested) VALUES ($1, $2)",
                 {db::Value(std::string(32, 'a').replace(0, 1, "5")),
                  db::Value(static_cast<std::int64_t>(std::filesystem::file_size(again)))});
  }
  { Journal j(*db_, prefix(), no_thread()); }
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 32);
  EXPECT_TRUE(verify(*db_).ok);
}

// The entry's `at` is when it was recorded, not when it was ingested.
TEST_F(JournalTest, AtIsTheRecordTime) {
  write_journal("1", {});
  ReadEntry old = entry("T1", "2020-05-06T07:08:09.000Z");
  {
    Journal j(*db_, prefix(), no_thread());
    j.append({&old});
    j.flush();
  }
  auto lease = db_->acquire();
  EXPECT_EQ(
      db::text_or(lease->query("SELECT at FROM audit_log WHERE record_id = 'T1'").rows.at(0).at(0),
                  ""),
      "2020-05-06T07:08:09.000Z");
  EXPECT_TRUE(verify(*db_).ok);
}

// Through record(): the entry is durable in the journal when record() returns, and the
// database file is not changed (another connection's data_version stays) until ingestion;
// list(Database&) and verify() see it at once (flush); views get their seq at ingestion.
TEST_F(JournalTest, RecordGoesToTheJournalNotTheDatabase) {
  open_journal(*db_, no_thread());
  auto other = db::open("sqlite:" + db_path(), {});
  const auto version = data_version(*other);
  const std::string before = timeutil::real_now_utc();
  record(*db_, {std::string("u1"), std::string("amina"), "10.0.0.1", "r1"}, "view", "person", "R1",
         nullptr);
  record(*db_, {std::string("u1"), std::string("amina"), "10.0.0.1", "r2"}, "view", "person", "R2",
         nullptr);
  EXPECT_EQ(data_version(*other), version) << "a view was committed to the database";
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 0);
  ASSERT_EQ(files().size(), 1u);
  EXPECT_EQ(journal_format::read_file(files()[0], 0).entries.size(), 2u);

  Filter f;
  f.action = "view";
  const auto listed = list(*db_, f, std::nullopt, 10);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].record_id, "R2");
  EXPECT_EQ(listed[1].record_id, "R1");
  EXPECT_GE(listed[1].at, before);
  EXPECT_NE(data_version(*other), version);
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, 2);
}

// Many threads record at once while the ingester thread runs and rotates files: every
// entry is ingested exactly once, the chain is intact, and stop() leaves no file.
TEST_F(JournalTest, ConcurrentRecordsWithIngesterAndRotation) {
  JournalOptions o;
  o.interval = std::chrono::milliseconds(5);
  o.wake_at = 7;
  o.rotate_bytes = 2000;  // a few entries per file
  open_journal(*db_, o);
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        record(*db_, {std::nullopt, std::nullopt, "ip", "r"}, "view", "person",
               "t" + std::to_string(t) + "-" + std::to_string(i), nullptr);
      }
    });
  }
  for (auto& th : threads) th.join();
  journal_of(*db_)->stop();
  EXPECT_TRUE(files().empty());
  EXPECT_GT(journal_of(*db_)->ingest_transactions(), 1u);
  EXPECT_EQ(count("SELECT count(DISTINCT record_id) FROM audit_log"), kThreads * kPerThread);
  auto r = verify(*db_);
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.entries, kThreads * kPerThread);
}

// Destroying the database (a clean shutdown) ingests what waits.
TEST_F(JournalTest, CleanShutdownDrains) {
  open_journal(*db_, no_thread());
  record(*db_, {}, "view", "person", "S1", nullptr);
  db_.reset();
  EXPECT_TRUE(files().empty());
  db_ = db::open("sqlite:" + db_path(), {});
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE record_id = 'S1'"), 1);
}

}  // namespace
}  // namespace jisr::audit

#include "platform/db/database.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "platform/db/migrate.h"

namespace jisr::db {
namespace {

class TempDb : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jisr-db-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    PoolOptions o;
    o.size = 2;
    o.acquire_timeout = std::chrono::milliseconds(200);
    db_ = open("sqlite:" + (dir_ / "t.db").string(), o);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(TempDb, PlaceholdersBindByNumberWhateverTheirOrder) {
  auto c = db_->acquire();
  auto r = c->query("SELECT $2 || '-' || $1, $1 IS NULL, $3", {Value("a"), Value("b"), null()});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(as_text(r.rows[0][0]), "b-a");
  EXPECT_EQ(as_int(r.rows[0][1]), 0);
  EXPECT_EQ(as_text(r.rows[0][2]), std::nullopt);
}

TEST_F(TempDb, MissingParameterIsAnError) {
  auto c = db_->acquire();
  EXPECT_THROW(c->query("SELECT $2", {Value("only one")}), DbError);
}

TEST_F(TempDb, WalAndForeignKeysAreOn) {
  auto c = db_->acquire();
  EXPECT_EQ(as_text(c->query("PRAGMA journal_mode").rows[0][0]), "wal");
  EXPECT_EQ(as_int(c->query("PRAGMA foreign_keys").rows[0][0]), 1);
  c->exec_script(
      "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id));");
  EXPECT_THROW(c->query("INSERT INTO c(p) VALUES (42)"), DbError);
}

TEST_F(TempDb, UniqueViolationIsTyped) {
  auto c = db_->acquire();
  c->exec_script("CREATE TABLE u(k TEXT UNIQUE)");
  c->query("INSERT INTO u VALUES ($1)", {Value("x")});
  EXPECT_THROW(c->query("INSERT INTO u VALUES ($1)", {Value("x")}), UniqueViolation);
}

TEST_F(TempDb, TransactionRollsBackUnlessCommitted) {
  {
    auto c = db_->acquire();
    c->exec_script("CREATE TABLE t(v INTEGER)");
  }
  {
    Transaction tx(*db_, TxMode::kWrite);
    tx.query("INSERT INTO t VALUES (1)");
    // no commit: destroyed here
  }
  {
    Transaction tx(*db_, TxMode::kWrite);
    tx.query("INSERT INTO t VALUES (2)");
    tx.commit();
  }
  auto c = db_->acquire();
  auto r = c->query("SELECT v FROM t");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(as_int(r.rows[0][0]), 2);
}

TEST_F(TempDb, PoolTimesOutWhenExhaustedAndCountsIt) {
  auto a = db_->acquire();
  auto b = db_->acquire();
  EXPECT_THROW(db_->acquire(), ConnectionError);
  EXPECT_EQ(db_->stats().timeouts_total, 1u);
  EXPECT_EQ(db_->stats().in_use, 2);
}

TEST_F(TempDb, ConnectionIsReusedAfterRelease) {
  { auto a = db_->acquire(); }
  { auto b = db_->acquire(); }
  EXPECT_EQ(db_->stats().open, 1);
}

TEST_F(TempDb, PoolHandsOutTheConnectionReturnedLast) {
  // Its SQLite page cache is the warmest: the last returned goes out first.
  Connection* first = nullptr;
  Connection* second = nullptr;
  {
    auto a = db_->acquire();
    auto b = db_->acquire();
    first = &*a;
    second = &*b;
  }  // b is returned first, then a
  {
    auto c = db_->acquire();
    EXPECT_EQ(&*c, first);
  }
  auto d = db_->acquire();
  EXPECT_EQ(&*d, first);
  auto e = db_->acquire();
  EXPECT_EQ(&*e, second);
}

TEST_F(TempDb, TransactionsKeepWorkingThroughPreparedBeginAndCommit) {
  db_->acquire()->exec_script("CREATE TABLE pc(v INTEGER)");
  for (int i = 0; i < 3; ++i) {
    Transaction tx(*db_, i % 2 ? TxMode::kWrite : TxMode::kRead);
    tx.query("INSERT INTO pc(v) VALUES ($1)", {Value(std::int64_t{i})});
    if (i < 2) tx.commit();  // the third rolls back
  }
  auto c = db_->acquire();
  EXPECT_EQ(as_int(c->query("SELECT count(*) FROM pc").rows[0][0]), 2);
  EXPECT_TRUE(c->alive());  // no transaction left open
}

TEST_F(TempDb, ForEachStreamsRows) {
  auto c = db_->acquire();
  c->exec_script("CREATE TABLE n(v INTEGER); INSERT INTO n VALUES (1),(2),(3);");
  std::int64_t sum = 0;
  c->for_each("SELECT v FROM n WHERE v >= $1", {Value(std::int64_t{2})},
              [&](const std::vector<Value>& row) { sum += *as_int(row[0]); });
  EXPECT_EQ(sum, 5);
}

TEST_F(TempDb, ForEachLeftByAnExceptionHoldsNoSnapshot) {
  auto a = db_->acquire();
  auto b = db_->acquire();
  a->exec_script("CREATE TABLE n(v INTEGER); INSERT INTO n VALUES (1),(2),(3);");
  struct Stop {};
  EXPECT_THROW(a->for_each("SELECT v FROM n", {}, [](const std::vector<Value>&) { throw Stop{}; }),
               Stop);
  b->query("INSERT INTO n VALUES (4)");
  // An active statement would keep `a` on the snapshot it started, without the new row.
  EXPECT_EQ(as_int(a->query("SELECT count(*) FROM n").rows[0][0]), 4);
}

TEST_F(TempDb, MigrationsApplyOnceInOrder) {
  std::vector<Migration> ms = migrations_from_files({
      {"migrations/0002_b.sql", "INSERT INTO a VALUES (2);"},
      {"migrations/0001_a.sql", "CREATE TABLE a(v INTEGER);"},
      {"migrations/0001_a.pg.sql", "THIS IS NOT RUN ON SQLITE;"},
  });
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(migrate(*db_, ms), 2);
  EXPECT_EQ(migrate(*db_, ms), 0);
  EXPECT_EQ(applied_versions(*db_), (std::vector<int>{1, 2}));
}

TEST_F(TempDb, FailingMigrationLeavesSchemaAsItWasAndSaysWhich) {
  std::vector<Migration> ms = migrations_from_files({
      {"0001_ok.sql", "CREATE TABLE ok(v INTEGER);"},
      {"0002_broken.sql", "CREATE TABLE half(v INTEGER); INSERT INTO nowhere VALUES (1);"},
  });
  try {
    migrate(*db_, ms);
    FAIL() << "expected MigrationError";
  } catch (const MigrationError& e) {
    EXPECT_EQ(e.version(), 2);
    EXPECT_NE(std::string(e.what()).find("broken"), std::string::npos);
  }
  EXPECT_EQ(applied_versions(*db_), (std::vector<int>{1}));
  auto c = db_->acquire();
  auto r = c->query("SELECT count(*) FROM sqlite_master WHERE name = 'half'");
  EXPECT_EQ(as_int(r.rows[0][0]), 0) << "the failed migration's table must not exist";
}

// ---- Batch ---------------------------------------------------------------------------------

// The batch contract, run on any engine: `db` must be a fresh database with table bt(v).
void check_batch_savepoints(Database& db) {
  {
    Batch batch(db, {/*ops_per_commit=*/1000, /*relax_durability=*/true});
    {
      Transaction tx(db, TxMode::kWrite);
      tx.query("INSERT INTO bt(v) VALUES (1)");
      tx.commit();
    }
    try {
      Transaction tx(db, TxMode::kWrite);
      tx.query("INSERT INTO bt(v) VALUES (2)");
      tx.query("INSERT INTO no_such_table VALUES (1)");  // fails: this call's work is undone
      tx.commit();
      ADD_FAILURE() << "expected a DbError";
    } catch (const DbError&) {
    }
    {
      Transaction tx(db, TxMode::kWrite);
      tx.query("INSERT INTO bt(v) VALUES (3)");
      {
        Transaction inner(db, TxMode::kWrite);  // nested, rolled back alone
        inner.query("INSERT INTO bt(v) VALUES (4)");
      }
      tx.commit();
    }
    {
      Transaction tx(db, TxMode::kWrite);
      tx.query("INSERT INTO bt(v) VALUES (5)");
      // not committed: rolled back alone
    }
    // Nothing is visible to another connection before the outer commit.
    std::thread([&] {
      auto other = db.acquire();
      EXPECT_EQ(as_int(other->query("SELECT COUNT(*) FROM bt").rows[0][0]), 0);
    }).join();
    batch.finish();
    EXPECT_EQ(batch.commits(), 1);
  }
  auto c = db.acquire();
  std::vector<std::int64_t> got;
  for (const auto& r : c->query("SELECT v FROM bt ORDER BY v").rows) got.push_back(*as_int(r[0]));
  EXPECT_EQ(got, (std::vector<std::int64_t>{1, 3}));
}

TEST_F(TempDb, BatchInnerTransactionsAreSavepoints) {
  db_->acquire()->exec_script("CREATE TABLE bt(v INTEGER)");
  {
    Batch batch(*db_, {1000, /*relax_durability=*/true});
    Transaction tx(*db_, TxMode::kRead);
    EXPECT_EQ(as_int(tx.query("PRAGMA synchronous").rows[0][0]), 0) << "OFF during the load";
  }
  check_batch_savepoints(*db_);
  auto a = db_->acquire();
  auto b = db_->acquire();  // both pooled connections: FULL again on each
  EXPECT_EQ(as_int(a->query("PRAGMA synchronous").rows[0][0]), 2);
  EXPECT_EQ(as_int(b->query("PRAGMA synchronous").rows[0][0]), 2);
}

TEST_F(TempDb, BatchCommitsEveryNInnerCommitsAndRollsBackTheTailWithoutFinish) {
  db_->acquire()->exec_script("CREATE TABLE bt(v INTEGER)");
  {
    Batch batch(*db_, {/*ops_per_commit=*/3, /*relax_durability=*/false});
    for (int i = 0; i < 7; ++i) {
      Transaction tx(*db_, TxMode::kWrite);
      tx.query("INSERT INTO bt(v) VALUES ($1)", {Value(std::int64_t{i})});
      tx.commit();
      if (i == 2) {
        std::thread([&] {
          auto other = db_->acquire();
          EXPECT_EQ(as_int(other->query("SELECT COUNT(*) FROM bt").rows[0][0]), 3);
        }).join();
      }
    }
    EXPECT_EQ(batch.commits(), 2);
    // destroyed without finish(): the 7th insert is rolled back
  }
  EXPECT_EQ(as_int(db_->acquire()->query("SELECT COUNT(*) FROM bt").rows[0][0]), 6);
}

TEST_F(TempDb, BatchBackgroundCheckpointsKeepTheWalBoundedAndEndWithTheBatch) {
  db_->acquire()->exec_script("CREATE TABLE bt(v INTEGER, pad TEXT)");
  const std::string pad(4000, 'x');
  std::int64_t checkpoints = 0;
  {
    Batch batch(*db_, {/*ops_per_commit=*/10, /*relax_durability=*/true,
                       /*background_checkpoints=*/true});
    for (int i = 0; i < 2000; ++i) {  // 200 outer commits, about 8.5 MB of pages
      Transaction tx(*db_, TxMode::kWrite);
      tx.query("INSERT INTO bt(v, pad) VALUES ($1, $2)", {Value(std::int64_t{i}), Value(pad)});
      tx.commit();
    }
    {
      Transaction tx(*db_, TxMode::kRead);  // the batch's connection: no automatic checkpoint
      EXPECT_EQ(as_int(tx.query("PRAGMA wal_autocheckpoint").rows[0][0]), 0);
    }
    batch.finish();
    EXPECT_EQ(batch.commits(), 201);
    checkpoints = batch.background_checkpoints();
  }
  // Most commits were checkpointed by the thread; the loading thread did every 4th itself,
  // so the WAL started over again and again instead of growing to the size of the data.
  EXPECT_GT(checkpoints, 100);
  const auto wal = std::filesystem::file_size(dir_ / "t.db-wal");
  EXPECT_LT(wal, 3u * 1024 * 1024) << "the WAL did not start over";
  auto a = db_->acquire();
  auto b = db_->acquire();  // the pool's connections: ordinary settings again
  for (auto* c : {&a, &b}) {
    EXPECT_EQ(as_int((*c)->query("PRAGMA wal_autocheckpoint").rows[0][0]), 1000);
    EXPECT_EQ(as_int((*c)->query("PRAGMA synchronous").rows[0][0]), 2);
  }
  EXPECT_EQ(as_int(a->query("SELECT COUNT(*) FROM bt").rows[0][0]), 2000);
  EXPECT_EQ(as_int(a->query("SELECT SUM(v) FROM bt").rows[0][0]), 1999 * 2000 / 2);
  EXPECT_EQ(as_text(a->query("PRAGMA integrity_check").rows[0][0]), "ok");
}

TEST_F(TempDb, BatchIsPerThreadAndOrdinaryTransactionsAreUnchangedAfterIt) {
  db_->acquire()->exec_script("CREATE TABLE bt(v INTEGER)");
  {
    Batch batch(*db_, {});
    EXPECT_EQ(Batch::active(*db_), &batch);
    std::thread([&] { EXPECT_EQ(Batch::active(*db_), nullptr); }).join();
    batch.finish();
    EXPECT_EQ(Batch::active(*db_), nullptr);
  }
  {
    Transaction tx(*db_, TxMode::kWrite);
    tx.query("INSERT INTO bt(v) VALUES (9)");
    tx.commit();
  }
  EXPECT_EQ(as_int(db_->acquire()->query("SELECT COUNT(*) FROM bt").rows[0][0]), 1);
  EXPECT_EQ(db_->stats().in_use, 0);
}

// PostgreSQL: set JISR_TEST_PG_URL to a database the test may create a table in.
TEST(BatchPostgresTest, InnerTransactionsAreSavepoints) {
  const char* url = std::getenv("JISR_TEST_PG_URL");
  if (!url || !*url) GTEST_SKIP() << "JISR_TEST_PG_URL not set";
  auto db = open(url, {});
  db->acquire()->exec_script("DROP TABLE IF EXISTS bt; CREATE TABLE bt(v INTEGER)");
  check_batch_savepoints(*db);
  db->acquire()->exec_script("DROP TABLE bt");
}

// PostgreSQL in a batch: statements are prepared once and SAVEPOINT/RELEASE go to the server
// in one pipeline with the next statement. Errors keep their type and their transaction.
TEST(BatchPostgresTest, PreparedAndPipelinedStatementsKeepErrorsAndSavepoints) {
  const char* url = std::getenv("JISR_TEST_PG_URL");
  if (!url || !*url) GTEST_SKIP() << "JISR_TEST_PG_URL not set";
  auto db = open(url, {/*size=*/1});
  db->acquire()->exec_script("DROP TABLE IF EXISTS bu; CREATE TABLE bu(v INTEGER PRIMARY KEY)");
  const std::string insert = "INSERT INTO bu(v) VALUES ($1)";
  {
    Batch batch(*db, {1000, /*relax_durability=*/true});
    for (std::int64_t v : {1, 2}) {
      Transaction tx(*db, TxMode::kWrite);
      tx.query(insert, {Value(v)});
      tx.commit();
    }
    // The first statement after the (deferred) savepoint fails: still a UniqueViolation,
    // and only this call's work is undone.
    try {
      Transaction tx(*db, TxMode::kWrite);
      tx.query(insert, {Value(std::int64_t{1})});
      ADD_FAILURE() << "expected a UniqueViolation";
    } catch (const UniqueViolation&) {
    }
    {
      Transaction tx(*db, TxMode::kWrite);
      tx.query(insert, {Value(std::int64_t{3})});
      tx.query(insert, {Value(std::int64_t{4})});
      // not committed: rolled back
    }
    {
      Transaction tx(*db, TxMode::kWrite);
      EXPECT_THROW(tx.query("SELECT no_such_column FROM bu"), DbError);
    }
    {
      Transaction tx(*db, TxMode::kRead);
      std::vector<std::int64_t> seen;
      tx.conn().for_each("SELECT v FROM bu ORDER BY v", {},
                         [&](const std::vector<Value>& r) { seen.push_back(*as_int(r[0])); });
      EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2}));
      const auto prepared = tx.query("SELECT COUNT(*) FROM pg_prepared_statements");
      EXPECT_GE(as_int(prepared.rows[0][0]), 1) << "the INSERT was prepared";
      tx.commit();
    }
    batch.finish();
  }
  auto c = db->acquire();  // the batch's connection (pool of one)
  EXPECT_EQ(as_int(c->query("SELECT COUNT(*) FROM pg_prepared_statements").rows[0][0]), 0)
      << "deallocated once the batch is over";
  EXPECT_EQ(as_int(c->query("SELECT COUNT(*) FROM bu").rows[0][0]), 2);
  EXPECT_THROW(c->query(insert, {Value(std::int64_t{2})}), UniqueViolation);
  c->exec_script("DROP TABLE bu");
}

TEST(MigrationFilesTest, MalformedNamesAreRefused) {
  EXPECT_THROW(migrations_from_files({{"1_x.sql", ""}}), std::invalid_argument);
  EXPECT_THROW(migrations_from_files({{"0001_a.sql", ""}, {"0001_b.sql", ""}}),
               std::invalid_argument);
}

TEST(OpenTest, UnknownSchemeAndUnreachableDatabaseAreClearErrors) {
  EXPECT_THROW(open("mysql://x", {}), std::invalid_argument);
  try {
    open("sqlite:/nonexistent-dir/sub/x.db", {});
    FAIL() << "expected ConnectionError";
  } catch (const ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/sub/x.db"), std::string::npos);
  }
}

TEST(OpenTest, PostgresErrorNamesTheUrlWithoutPassword) {
  try {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    open("postgresql://jisr:s3cret@127.0.0.1:1/jisr?connect_timeout=2", {});
    FAIL() << "expected ConnectionError";
  } catch (const ConnectionError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find("s3cret"), std::string::npos) << msg;
    EXPECT_NE(msg.find("postgresql://jisr:***@127.0.0.1:1/jisr"), std::string::npos) << msg;
  }
}

TEST(RedactTest, PasswordsAreHidden) {
  EXPECT_EQ(redact_url("postgresql://u:p@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(redact_url("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(redact_url("postgresql://h/db?user=u&password=p"),
            "postgresql://h/db?user=u&password=***");
  EXPECT_EQ(redact_url("sqlite:jisr.db"), "sqlite:jisr.db");
}

}  // namespace
}  // namespace jisr::db

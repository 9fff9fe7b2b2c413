// tests/unit/test_db.h — a migrated SQLite database in a temporary folder, for service tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "app/migrations.h"
#include "platform/db/database.h"
#include "platform/db/migrate.h"

namespace jisr::testing {

class MigratedDb : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jisr-unit-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = db::open("sqlite:" + (dir_ / "test.db").string(), {});
    db::migrate(*db_, app::all_migrations());
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string db_path() const { return (dir_ / "test.db").string(); }

  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
};

}  // namespace jisr::testing

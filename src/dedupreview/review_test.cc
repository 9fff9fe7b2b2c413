// src/dedupreview/review_test.cc
#include "dedupreview/review_service.h"

// GCC 12 false positive on std::optional<std::string> copies (see person_test.cc).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <gtest/gtest.h>

#include <algorithm>

#include "../../tests/unit/test_db.h"
#include "person/person_service.h"
#include "person/person_test_fixture.h"
#include "platform/error.h"

namespace jisr::dedupreview {
namespace {

class ReviewServiceTest : public testing::MigratedDb {
 protected:
  void SetUp() override {
    MigratedDb::SetUp();
    person::test_fixture::add_coordinators(*db_->acquire());
  }
  static access::Principal coordinator(const std::string& province) {
    return person::test_fixture::coordinator(province);
  }
  person::Person add(const char* first_ar, const char* last_ar, const char* first_lat,
                     const char* last_lat, const char* birth, const char* province) {
    person::PersonInput in;
    if (*first_ar) in.first_name_ar = first_ar;
    if (*last_ar) in.last_name_ar = last_ar;
    if (*first_lat) in.first_name_lat = first_lat;
    if (*last_lat) in.last_name_lat = last_lat;
    in.sex = "M";
    in.birth_date = birth;
    in.province = province;
    return person::PersonService(*db_).create(coordinator(province), actor, in, true);
  }
  audit::Actor actor{std::nullopt, std::string("t"), "127.0.0.1", "r"};
};

TEST_F(ReviewServiceTest, PairsAreScopedDismissedAndNeverResurrected) {
  const auto a = add("", "", "Youssef", "Alaoui", "2014-03-02", "MA-CAS");
  const auto b = add("يوسف", "العلوي", "Youssouf", "El Alaoui", "2014-03-02", "MA-CAS");
  const auto c = add("", "", "Youssef", "Alaoui", "2014-03-02", "MA-RAB");  // moved? maybe
  add("", "", "Fatima", "Tazi", "1990-07-01", "MA-CAS");
  const RunStats first = run_into_queue(*db_, actor);
  EXPECT_EQ(first.people, 4u);
  EXPECT_GE(first.likely_pairs, 1u);
  EXPECT_EQ(first.new_pairs, first.likely_pairs);

  ReviewService service(*db_);
  const auto cas = service.list(coordinator("MA-CAS"), "pending", std::nullopt, 50);
  ASSERT_EQ(cas.size(), 1u);  // (a, b); any pair with c is out of Casablanca's scope
  const std::vector<std::string> pair = {cas[0].a.id, cas[0].b.id};
  EXPECT_TRUE(std::find(pair.begin(), pair.end(), a.id) != pair.end());
  EXPECT_TRUE(std::find(pair.begin(), pair.end(), b.id) != pair.end());
  EXPECT_GT(cas[0].score, 0.5);
  for (const auto& r : service.list(coordinator("MA-RAB"), "pending", std::nullopt, 50)) {
    EXPECT_EQ(r.a.province_code, "MA-RAB");
    EXPECT_EQ(r.b.province_code, "MA-RAB");
  }
  (void)c;

  // Rabat may not dismiss Casablanca's pair; a social worker may not at all.
  EXPECT_THROW(service.dismiss(coordinator("MA-RAB"), actor, cas[0].id), NotFound);
  access::Principal worker = coordinator("MA-CAS");
  worker.role = access::Role::kSocialWorker;
  EXPECT_THROW(service.dismiss(worker, actor, cas[0].id), Forbidden);
  EXPECT_THROW(service.list(worker, "pending", std::nullopt, 50), Forbidden);

  const Review dismissed = service.dismiss(coordinator("MA-CAS"), actor, cas[0].id);
  EXPECT_EQ(dismissed.status, "dismissed");
  EXPECT_EQ(dismissed.decided_by.value_or(""), "u-MA-CAS");
  EXPECT_THROW(service.dismiss(coordinator("MA-CAS"), actor, cas[0].id), Conflict);
  EXPECT_TRUE(service.list(coordinator("MA-CAS"), "pending", std::nullopt, 50).empty());
  EXPECT_EQ(service.list(coordinator("MA-CAS"), "dismissed", std::nullopt, 50).size(), 1u);

  // A re-run finds the same pairs, files none again, and keeps the dismissal.
  const RunStats second = run_into_queue(*db_, actor);
  EXPECT_EQ(second.likely_pairs, first.likely_pairs);
  EXPECT_EQ(second.new_pairs, 0u);
  EXPECT_EQ(second.known_pairs, first.likely_pairs);
  EXPECT_TRUE(service.list(coordinator("MA-CAS"), "pending", std::nullopt, 50).empty());
  auto lease = db_->acquire();
  EXPECT_EQ(db::as_int(lease->query("SELECT count(*) FROM duplicate_reviews").rows[0][0]),
            static_cast<std::int64_t>(first.likely_pairs));
  EXPECT_EQ(db::as_int(lease
                           ->query("SELECT count(*) FROM audit_log WHERE record_type = "
                                   "'duplicate_review' AND record_id = $1",
                                   {db::Value(cas[0].id)})
                           .rows[0][0]),
            1);
  EXPECT_THROW(service.list(coordinator("MA-CAS"), "bogus", std::nullopt, 50), Invalid);
}

TEST_F(ReviewServiceTest, PairsAreStoredInChunksOnceEach) {
  // Five families of two spellings each: at least five likely pairs, stored two to a
  // statement (several full chunks and a last partial one), then re-run three to a statement.
  const char* families[] = {"Alaoui", "Bennani", "Tazi", "Idrissi", "Fassi"};
  for (const char* family : families) {
    const std::string other = std::string("El ") + family;
    add("", "", "Youssef", family, "2014-03-02", "MA-CAS");
    add("", "", "Youssouf", other.c_str(), "2014-03-02", "MA-CAS");
  }
  const RunStats first = run_into_queue(*db_, actor, {}, 2);
  ASSERT_GE(first.likely_pairs, 5u);
  EXPECT_EQ(first.new_pairs, first.likely_pairs);
  auto lease = db_->acquire();
  const auto rows = [&] {
    return lease->query(
        "SELECT person_a, person_b, status, found_at, last_seen_at FROM duplicate_reviews "
        "ORDER BY person_a, person_b");
  };
  const auto filed = rows();
  ASSERT_EQ(filed.rows.size(), first.likely_pairs);
  for (const auto& r : filed.rows) {
    EXPECT_LT(db::text_or(r[0], ""), db::text_or(r[1], ""));  // byte order, each pair once
    EXPECT_EQ(db::text_or(r[2], ""), "pending");
    EXPECT_EQ(db::text_or(r[3], ""), db::text_or(r[4], ""));
  }

  const RunStats second = run_into_queue(*db_, actor, {}, 3);
  EXPECT_EQ(second.likely_pairs, first.likely_pairs);
  EXPECT_EQ(second.new_pairs, 0u);
  EXPECT_EQ(second.known_pairs, first.likely_pairs);
  const auto again = rows();
  ASSERT_EQ(again.rows.size(), filed.rows.size());
  for (std::size_t i = 0; i < again.rows.size(); ++i) {
    EXPECT_EQ(db::text_or(again.rows[i][0], ""), db::text_or(filed.rows[i][0], ""));
    EXPECT_EQ(db::text_or(again.rows[i][3], ""), db::text_or(filed.rows[i][3], ""));  // found_at
  }
}

}  // namespace
}  // namespace jisr::dedupreview

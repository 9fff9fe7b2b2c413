// src/match/similarity_test.cc
#include "match/similarity.h"

#include <gtest/gtest.h>

namespace jisr::match {
namespace {

PersonRecord person(const char* first_ar, const char* last_ar, const char* first_lat,
                    const char* last_lat, Sex sex, const char* birth, const char* province,
                    const char* cin = "", const char* father = "") {
  PersonRecord r;
  r.first_name_ar = first_ar;
  r.last_name_ar = last_ar;
  r.first_name_lat = first_lat;
  r.last_name_lat = last_lat;
  r.sex = sex;
  r.birth = parse_birth_date(birth);
  r.province = province;
  r.cin = cin;
  r.father_first_name = father;
  return r;
}

TEST(ParseBirthDate, ReadsPrecision) {
  EXPECT_EQ(parse_birth_date("1987-01-05").precision, DatePrecision::kExact);
  EXPECT_EQ(parse_birth_date("1987").precision, DatePrecision::kYear);
  EXPECT_EQ(parse_birth_date("~1950").precision, DatePrecision::kEstimated);
  EXPECT_EQ(parse_birth_date("1950?").year, 1950);
  EXPECT_EQ(parse_birth_date("1987-02-30").precision, DatePrecision::kNone);
  EXPECT_EQ(parse_birth_date("2000-02-29").precision, DatePrecision::kExact);
  EXPECT_EQ(parse_birth_date("05/01/1987").precision, DatePrecision::kNone);
  EXPECT_EQ(parse_birth_date("").precision, DatePrecision::kNone);
}

TEST(Compare, DateLevelsRespectPrecision) {
  auto level = [](const char* a, const char* b) {
    return compare(prepare(person("", "", "Ali", "Tazi", Sex::kMale, a, "MA-CAS")),
                   prepare(person("", "", "Ali", "Tazi", Sex::kMale, b, "MA-CAS")))
        .level[kBirthDate];
  };
  EXPECT_EQ(level("1987-01-05", "1987-01-05"), kDateExact);
  EXPECT_EQ(level("1987-04-07", "1987-07-04"), kDateTransposed);
  EXPECT_EQ(level("1987-04-07", "1987-09-04"), kDateNone);
  EXPECT_EQ(level("1987", "1987-09-04"), kDateYear);
  EXPECT_EQ(level("1987", "1988"), kDateNone);
  EXPECT_EQ(level("~1950", "1952-03-01"), kDateNear);
  EXPECT_EQ(level("~1950", "1950"), kDateYear);
  EXPECT_EQ(level("~1950", "1953"), kDateNone);
  EXPECT_EQ(level("", "1953"), kMissing);
}

TEST(Compare, CinExactTypoOrDifferent) {
  auto level = [](const char* a, const char* b) {
    return compare(prepare(person("", "", "Ali", "Tazi", Sex::kMale, "", "", a)),
                   prepare(person("", "", "Ali", "Tazi", Sex::kMale, "", "", b)))
        .level[kCin];
  };
  EXPECT_EQ(level("AB123456", "ab 123456"), kCinExact);
  EXPECT_EQ(level("AB123456", "AB123465"), kCinTypo);
  EXPECT_EQ(level("AB123456", "K77"), kCinNone);
  EXPECT_EQ(level("", "K77"), kMissing);
}

TEST(Score, SamePersonAcrossScriptsScoresHigh) {
  const PersonRecord arabic = person("محمد", "العلوي", "", "", Sex::kMale, "1987-01-05", "MA-CAS");
  const PersonRecord latin =
      person("", "", "Mhamed", "El Alaoui", Sex::kMale, "1987-01-05", "MA-CAS");
  EXPECT_GT(score(arabic, latin), 0.9);
  const PersonRecord year_only = person("", "", "Mohammed", "Alaoui", Sex::kMale, "1987", "MA-CAS");
  EXPECT_GT(score(arabic, year_only), 0.5);
}

TEST(Score, SwappedNamesStillMatch) {
  const PersonRecord straight =
      person("", "", "Youssef", "Bennani", Sex::kMale, "1990-03-02", "MA-FES");
  const PersonRecord swapped =
      person("", "", "Bennani", "Youssef", Sex::kMale, "1990-03-02", "MA-FES");
  const Comparison c = compare(prepare(straight), prepare(swapped));
  EXPECT_TRUE(c.names_swapped);
  EXPECT_EQ(c.level[kFirstName], kNameExact);
  EXPECT_GT(score(straight, swapped), 0.9);
}

TEST(Score, DifferentPeopleWithTheSameNameScoreLow) {
  const PersonRecord a =
      person("محمد", "العلوي", "Mohamed", "Alaoui", Sex::kMale, "1951-10-17", "MA-BEM");
  const PersonRecord b = person("", "", "Mohamed", "Alaoui", Sex::kMale, "2003-06-03", "MA-NAD");
  EXPECT_LT(score(a, b), 0.05);
}

TEST(Score, SiblingsDifferByGivenNameAndSex) {
  const PersonRecord sister =
      person("مريم", "النعيمي", "", "", Sex::kFemale, "2007-11-20", "MA-JDI");
  const PersonRecord brother =
      person("كريم", "النعيمي", "", "", Sex::kMale, "2007-11-20", "MA-JDI");
  EXPECT_LT(score(sister, brother), 0.5);
}

TEST(Score, IdentityCardOutweighsSpelling) {
  const PersonRecord a =
      person("", "", "Hsalima", "El-Hamidi", Sex::kFemale, "1989-05-23", "MA-OUJ", "S96061");
  const PersonRecord b =
      person("حليمة", "الحميدي", "", "", Sex::kFemale, "1989-05-23", "MA-OUJ", "S96061");
  EXPECT_GT(score(a, b), 0.99);
}

TEST(Score, SameGivenNameAndBirthDayButAnotherFamilyIsNotAMatch) {
  // Two boys called Youssef born the same day in Casablanca, of different families.
  const auto a = person("يوسف", "العلوي", "Youssef", "Alaoui", Sex::kMale, "2012-05-03", "MA-CAS");
  const auto b = person("يوسف", "بناني", "Youssef", "Bennani", Sex::kMale, "2012-05-03", "MA-CAS");
  EXPECT_LT(score(a, b), 0.5);
  // The same family name spelt another way stays a match.
  const auto c = person("", "", "Youssef", "El Alaoui", Sex::kMale, "2012-05-03", "MA-CAS");
  EXPECT_GT(score(a, c), 0.9);
  // And an identity card still outweighs everything.
  auto d = b;
  auto e = a;
  d.cin = "BK123456";
  e.cin = "BK123456";
  EXPECT_GT(score(d, e), 0.5);
}

TEST(Score, IsInUnitInterval) {
  const PersonRecord empty;
  const double s = score(empty, empty);
  EXPECT_GE(s, 0.0);
  EXPECT_LE(s, 1.0);
}

TEST(DefaultWeights, AgreementNeverCountsAgainstAMatch) {
  const MatchWeights& w = default_weights();
  // The best level of each field must carry more weight than its worst level.
  for (int field = 0; field < kFieldCount; ++field) {
    const int last = kLevelCount[static_cast<std::size_t>(field)] - 1;
    EXPECT_GT(w.weight(field, 0), w.weight(field, last)) << "field " << field;
    EXPECT_LT(w.weight(field, last), 0.0) << "field " << field;
  }
}

}  // namespace
}  // namespace jisr::match

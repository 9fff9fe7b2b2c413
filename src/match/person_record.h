// src/match/person_record.h
//
// The person record that matching compares, and its once-per-record analysis.
#pragma once

#include <string>
#include <string_view>

#include "match/name_form.h"

namespace jisr::match {

enum class Sex : unsigned char { kUnknown, kFemale, kMale };

// How much of a birth date is known. Registries hold exact dates, years alone ("1975")
// and estimates for people without civil-status papers ("~1950").
enum class DatePrecision : unsigned char { kNone, kExact, kYear, kEstimated };

struct BirthDate {
  int year = 0;
  int month = 0;  // 0 unless kExact
  int day = 0;    // 0 unless kExact
  DatePrecision precision = DatePrecision::kNone;
};

// Parses "YYYY-MM-DD" (exact), "YYYY" (year) and "~YYYY" or "YYYY?" (estimated year).
// Anything else, including an impossible month or day, gives precision kNone.
BirthDate parse_birth_date(std::string_view text);

// "F"/"M" (any case; also "female"/"male", "f"/"h" for the French "homme") -> Sex.
Sex parse_sex(std::string_view text);

// Every name field is optional; a name may be in Arabic, in Latin, or both.
struct PersonRecord {
  std::string first_name_ar;
  std::string last_name_ar;
  std::string first_name_lat;
  std::string last_name_lat;
  Sex sex = Sex::kUnknown;
  BirthDate birth;
  std::string cin;       // national identity card number
  std::string province;  // ISO 3166-2:MA code
  std::string father_first_name;
};

// A record analysed once so that comparing it with many others costs no normalisation.
// Name forms are filed by the script actually found, not by the column (a Latin name
// typed in an Arabic column still meets Latin names).
struct PreparedRecord {
  NameForm first_arabic, first_latin, last_arabic, last_latin, father;
  Sex sex = Sex::kUnknown;
  BirthDate birth;
  std::string cin;  // upper-case letters and digits only
  std::string province;
};

PreparedRecord prepare(const PersonRecord& record);

}  // namespace jisr::match

// src/match/person_record.cc
#include "match/person_record.h"

#include <cctype>

namespace jisr::match {

namespace {

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

void file_name(const std::string& text, NameForm& arabic_slot, NameForm& latin_slot) {
  NameForm form = analyze_name(text);
  if (form.script == Script::kArabic && arabic_slot.empty()) {
    arabic_slot = std::move(form);
  } else if (form.script == Script::kLatin && latin_slot.empty()) {
    latin_slot = std::move(form);
  }
}

}  // namespace

BirthDate parse_birth_date(std::string_view text) {
  text = trim(text);
  BirthDate date;
  bool estimated = false;
  if (text.starts_with("~")) {
    estimated = true;
    text.remove_prefix(1);
  } else if (text.ends_with("?")) {
    estimated = true;
    text.remove_suffix(1);
  }
  if (text.size() == 4 && all_digits(text)) {
    date.year = to_int(text);
    date.precision = estimated ? DatePrecision::kEstimated : DatePrecision::kYear;
    return date;
  }
  if (!estimated && text.size() == 10 && text[4] == '-' && text[7] == '-' &&
      all_digits(text.substr(0, 4)) && all_digits(text.substr(5, 2)) &&
      all_digits(text.substr(8, 2))) {
    const int year = to_int(text.substr(0, 4)), month = to_int(text.substr(5, 2)),
              day = to_int(text.substr(8, 2));
    if (month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month)) {
      return {year, month, day, DatePrecision::kExact};
    }
  }
  return {};
}

Sex parse_sex(std::string_view text) {
  text = trim(text);
  if (text.empty()) return Sex::kUnknown;
  const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text.front())));
  if (c == 'f') return Sex::kFemale;
  if (c == 'm' || c == 'h') return Sex::kMale;
  return Sex::kUnknown;
}

PreparedRecord prepare(const PersonRecord& record) {
  PreparedRecord prepared;
  file_name(record.first_name_ar, prepared.first_arabic, prepared.first_latin);
  file_name(record.first_name_lat, prepared.first_arabic, prepared.first_latin);
  file_name(record.last_name_ar, prepared.last_arabic, prepared.last_latin);
  file_name(record.last_name_lat, prepared.last_arabic, prepared.last_latin);
  prepared.father = analyze_name(record.father_first_name);
  prepared.sex = record.sex;
  prepared.birth = record.birth;
  for (char c : record.cin) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      prepared.cin.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  prepared.province = std::string(trim(record.province));
  return prepared;
}

}  // namespace jisr::match

// src/person/person.cc
#include "person/person.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "platform/util/time.h"

namespace jisr::person {
namespace {

constexpr const char* kColumns =
    "p.id, p.file_number, p.first_name_ar, p.last_name_ar, p.first_name_lat, p.last_name_lat, "
    "p.sex, p.birth_date, p.birth_date_precision, p.cin, p.birth_certificate_number, "
    "p.rnp_rsu_id, p.disability_card_number, p.nationality, p.father_first_name, "
    "p.province_code, p.region_code, p.registered_by_org, p.target_groups, p.consent_given, "
    "p.consent_at, p.consent_recorded_by, p.status, p.merged_into, p.version, p.created_at, "
    "p.updated_at";

std::vector<std::string> split_groups(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

std::string columns() {
  return kColumns;
}

Person from_row(const std::vector<db::Value>& r) {
  Person p;
  p.id = db::text_or(r[0], "");
  p.file_number = db::text_or(r[1], "");
  p.first_name_ar = db::as_text(r[2]);
  p.last_name_ar = db::as_text(r[3]);
  p.first_name_lat = db::as_text(r[4]);
  p.last_name_lat = db::as_text(r[5]);
  p.sex = db::text_or(r[6], "");
  p.birth_date = db::as_text(r[7]);
  p.birth_date_precision = db::text_or(r[8], "exact");
  p.cin = db::as_text(r[9]);
  p.birth_certificate_number = db::as_text(r[10]);
  p.rnp_rsu_id = db::as_text(r[11]);
  p.disability_card_number = db::as_text(r[12]);
  p.nationality = db::text_or(r[13], "MA");
  p.father_first_name = db::as_text(r[14]);
  p.province_code = db::text_or(r[15], "");
  p.region_code = db::text_or(r[16], "");
  p.registered_by_org = db::as_text(r[17]);
  p.target_groups = split_groups(db::text_or(r[18], ""));
  p.consent_given = db::as_int(r[19]).value_or(0) != 0;
  p.consent_at = db::as_text(r[20]);
  p.consent_recorded_by = db::as_text(r[21]);
  p.status = db::text_or(r[22], "active");
  p.merged_into = db::as_text(r[23]);
  p.version = db::as_int(r[24]).value_or(1);
  p.created_at = db::text_or(r[25], "");
  p.updated_at = db::text_or(r[26], "");
  return p;
}

nlohmann::json to_json(const Person& p) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  return {{"id", p.id},
          {"file_number", p.file_number},
          {"first_name_ar", opt(p.first_name_ar)},
          {"last_name_ar", opt(p.last_name_ar)},
          {"first_name_lat", opt(p.first_name_lat)},
          {"last_name_lat", opt(p.last_name_lat)},
          {"sex", p.sex},
          {"birth_date", opt(p.birth_date)},
          {"birth_date_precision", p.birth_date_precision},
          {"cin", opt(p.cin)},
          {"birth_certificate_number", opt(p.birth_certificate_number)},
          {"rnp_rsu_id", opt(p.rnp_rsu_id)},
          {"disability_card_number", opt(p.disability_card_number)},
          {"nationality", p.nationality},
          {"father_first_name", opt(p.father_first_name)},
          {"province", p.province_code},
          {"region", p.region_code},
          {"registered_by_org", opt(p.registered_by_org)},
          {"target_groups", p.target_groups},
          {"consent",
           {{"given", p.consent_given},
            {"at", opt(p.consent_at)},
            {"recorded_by", opt(p.consent_recorded_by)}}},
          {"status", p.status},
          {"merged_into", opt(p.merged_into)},
          {"version", p.version},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

const std::vector<std::string>& target_group_codes() {
  static const std::vector<std::string> codes = {
      "children_without_family", "street_children", "women", "disability", "elderly", "homeless"};
  return codes;
}

std::string check_cin(const std::string& cin) {
  static const std::regex re(R"(^[A-Z]{1,2}[0-9]{1,6}$)");
  return std::regex_match(cin, re) ? "" : "validation.invalid_cin";
}

std::string check_birth_date(const std::string& date, const std::string& precision,
                             const std::string& today) {
  if (precision != "exact" && precision != "year" && precision != "estimated") {
    return "validation.invalid_precision";
  }
  const bool year_only = date.size() == 4;
  if (year_only) {
    for (char c : date) {
      if (c < '0' || c > '9') return "validation.invalid_date";
    }
    if (precision == "exact") return "validation.exact_date_needs_day";
    if (date < "1900") return "validation.invalid_date";
    if (date > today.substr(0, 4)) return "validation.birth_date_in_future";
    return "";
  }
  if (!timeutil::is_valid_date(date)) return "validation.invalid_date";
  if (date < "1900-01-01") return "validation.invalid_date";
  if (date > today) return "validation.birth_date_in_future";
  return "";
}

std::string display_name(const Person& p, const std::string& lang) {
  auto join = [](const std::optional<std::string>& a, const std::optional<std::string>& b) {
    std::string out = a.value_or("");
    if (b && !b->empty()) out += (out.empty() ? "" : " ") + *b;
    return out;
  };
  const std::string ar = join(p.first_name_ar, p.last_name_ar);
  const std::string lat = join(p.first_name_lat, p.last_name_lat);
  if (lang == "ar") return ar.empty() ? lat : ar;
  return lat.empty() ? ar : lat;
}

std::string other_script_name(const Person& p, const std::string& lang) {
  const std::string shown = display_name(p, lang);
  const std::string other = display_name(p, lang == "ar" ? "fr" : "ar");
  return other == shown ? "" : other;
}

std::string scope_condition(const access::Principal& pr, const std::string& alias,
                            std::vector<db::Value>& params) {
  switch (pr.scope.level) {
    case access::ScopeLevel::kNational:
      return "1=1";
    case access::ScopeLevel::kRegion:
      params.emplace_back(pr.scope.code);
      return alias + ".region_code = $" + std::to_string(params.size());
    case access::ScopeLevel::kProvince:
      params.emplace_back(pr.scope.code);
      return alias + ".province_code = $" + std::to_string(params.size());
    case access::ScopeLevel::kOrganization:
      return *scope_condition_on_id(pr, alias + ".id", params);
  }
  return "1=0";
}

std::optional<std::string> scope_condition_on_id(const access::Principal& pr,
                                                 const std::string& person_id,
                                                 std::vector<db::Value>& params) {
  switch (pr.scope.level) {
    case access::ScopeLevel::kNational:
      return "1=1";
    case access::ScopeLevel::kOrganization:
      params.emplace_back(pr.scope.code);
      return "EXISTS (SELECT 1 FROM person_access pa WHERE pa.person_id = " + person_id +
             " AND pa.organization_id = $" + std::to_string(params.size()) + ")";
    case access::ScopeLevel::kRegion:
    case access::ScopeLevel::kProvince:
      return std::nullopt;
  }
  return "1=0";
}

std::optional<Person> find_visible(db::Connection& conn, const access::Principal& principal,
                                   const std::string& person_id) {
  std::vector<db::Value> params = {db::Value(person_id)};
  const std::string where = scope_condition(principal, "p", params);
  auto rows = conn.query(
      std::string("SELECT ") + kColumns + " FROM people p WHERE p.id = $1 AND " + where, params);
  if (rows.empty()) return std::nullopt;
  return from_row(rows.rows[0]);
}

std::optional<Person> find(db::Connection& conn, const std::string& person_id) {
  auto rows = conn.query(std::string("SELECT ") + kColumns + " FROM people p WHERE p.id = $1",
                         {db::Value(person_id)});
  if (rows.empty()) return std::nullopt;
  return from_row(rows.rows[0]);
}

void grant_access(db::Connection& conn, const std::string& person_id,
                  const std::string& organization_id, const std::string& reason) {
  auto exists =
      conn.query("SELECT 1 FROM person_access WHERE person_id = $1 AND organization_id = $2",
                 {db::Value(person_id), db::Value(organization_id)});
  if (!exists.empty()) return;
  conn.query(
      "INSERT INTO person_access(person_id, organization_id, reason, since) VALUES ($1, $2, $3, "
      "$4)",
      {db::Value(person_id), db::Value(organization_id), db::Value(reason),
       db::Value(timeutil::now_utc())});
}

audit::Place place_of(const Person& p) {
  return {p.region_code, p.province_code, p.registered_by_org};
}

}  // namespace jisr::person

// src/org/org_input.cc
#include "org/org_input.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>

#include "platform/util/time.h"

namespace jisr::org {
namespace {

// Morocco, Western Sahara included, with a margin: catches swapped latitude/longitude.
constexpr double kMinLat = 20.5, kMaxLat = 36.5, kMinLon = -17.5, kMaxLon = -0.9;
constexpr std::int64_t kMaxCount = 100000;

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::optional<std::string> non_empty(const std::string& s) {
  auto t = trimmed(s);
  if (t.empty()) return std::nullopt;
  return t;
}

// Sets `target` from field `name` when present ("" clears). Checks the length.
void text_field(const OrgInput& in, const char* name, std::optional<std::string>& target,
                std::size_t max, std::map<std::string, std::string>& errors) {
  if (const auto* v = in.get(name)) {
    target = non_empty(*v);
    if (target && target->size() > max) errors[name] = "validation.too_long";
  }
}

// A whole number from 0 to kMaxCount; empty means 0.
void count_field(const OrgInput& in, const std::string& name, std::int64_t& target,
                 std::map<std::string, std::string>& errors) {
  const auto* v = in.get(name);
  if (!v) return;
  const std::string t = trimmed(*v);
  if (t.empty()) {
    target = 0;
    return;
  }
  std::int64_t n = 0;
  const char* begin = t.data();
  const char* end = t.data() + t.size();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, n);
  if (ec != std::errc() || ptr != end) {
    errors[name] = "org.validation.not_a_whole_number";
  } else if (n < 0) {
    errors[name] = "org.validation.negative";
  } else if (n > kMaxCount) {
    errors[name] = "org.validation.too_large";
  } else {
    target = n;
  }
}

// A decimal number ("33.57" or, as French spreadsheets write it, "33,57").
void coordinate_field(const OrgInput& in, const char* name, std::optional<double>& target,
                      double min, double max, std::map<std::string, std::string>& errors) {
  const auto* v = in.get(name);
  if (!v) return;
  std::string t = trimmed(*v);
  if (t.empty()) {
    target.reset();
    return;
  }
  std::replace(t.begin(), t.end(), ',', '.');
  static const std::regex re(R"(^[-+]?[0-9]{1,3}(\.[0-9]{1,10})?$)");
  if (!std::regex_match(t, re)) {
    errors[name] = "org.validation.not_a_number";
    return;
  }
  const double d = std::stod(t);
  if (d < min || d > max) {
    errors[name] = "org.validation.coordinate_range";
    return;
  }
  target = d;
}

bool valid_email(const std::string& e) {
  static const std::regex re(R"(^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$)");
  return e.size() <= 254 && std::regex_match(e, re);
}

bool valid_phone(const std::string& p) {
  static const std::regex re(R"(^\+?[0-9 ().-]{6,25}$)");
  return std::regex_match(p, re);
}

const std::vector<std::string>& institution_only_fields() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out = {"category",
                                    "managed_by",
                                    "director",
                                    "capacity_female",
                                    "capacity_male",
                                    "latitude",
                                    "longitude",
                                    "authorization_status",
                                    "authorization_number",
                                    "authorization_date",
                                    "authorization_expires_on"};
    for (const auto& f : staff_functions()) out.push_back("staff_" + f);
    return out;
  }();
  return v;
}

}  // namespace

const std::vector<std::string>& input_fields() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> out = {"kind",    "name_fr", "name_ar", "province",
                                    "address", "phone",   "email"};
    for (const auto& f : institution_only_fields()) out.push_back(f);
    return out;
  }();
  return v;
}

bool is_institution_field(const std::string& field) {
  return field == "services" || field == "director" || field == "capacity_female" ||
         field == "capacity_male" || field == "latitude" || field == "longitude" ||
         field.rfind("staff_", 0) == 0;
}

Organization apply_input(db::Connection& conn, const Organization& current, const OrgInput& in,
                         std::map<std::string, std::string>& errors) {
  Organization o = current;
  const bool creating = current.id.empty();
  if (const auto* kind = in.get("kind")) {
    const std::string k = trimmed(*kind);
    if (k.empty()) {
      errors["kind"] = "validation.required";
    } else if (!is_one_of(kinds(), k)) {
      errors["kind"] = "org.validation.unknown_kind";
    } else if (!creating && k != current.kind && (k == "eps" || current.kind == "eps")) {
      // An institution has a history (authorization, admissions): it stays an institution.
      errors["kind"] = "org.validation.kind_locked";
    } else {
      o.kind = k;
    }
  } else if (creating) {
    errors["kind"] = "validation.required";
  }
  text_field(in, "name_fr", o.name_fr, 300, errors);
  text_field(in, "name_ar", o.name_ar, 300, errors);
  if (!o.name_fr && !o.name_ar && !errors.count("name_fr")) {
    errors["name_fr"] = "org.validation.name_required";
    errors["name_ar"] = "org.validation.name_required";
  }
  if (const auto* p = in.get("province")) {
    const std::string code = trimmed(*p);
    if (code.empty()) {
      errors["province"] = "validation.required";
    } else {
      auto t = conn.query("SELECT level, parent_code FROM territories WHERE code = $1",
                          {db::Value(code)});
      if (t.empty() || db::text_or(t.rows[0][0], "") != "province") {
        errors["province"] = "org.validation.unknown_province";
      } else {
        o.province_code = code;
        o.region_code = db::text_or(t.rows[0][1], "");
      }
    }
  } else if (creating) {
    errors["province"] = "validation.required";
  }
  text_field(in, "address", o.address, 500, errors);
  text_field(in, "phone", o.phone, 40, errors);
  if (o.phone && !errors.count("phone") && !valid_phone(*o.phone)) {
    errors["phone"] = "org.validation.invalid_phone";
  }
  text_field(in, "email", o.email, 254, errors);
  if (o.email && !errors.count("email") && !valid_email(*o.email)) {
    errors["email"] = "validation.invalid_email";
  }

  if (o.kind != "eps") {
    o.institution.reset();
    for (const auto& f : institution_only_fields()) {
      if (const auto* v = in.get(f); v && !trimmed(*v).empty()) {
        errors[f] = "org.validation.not_an_institution";
      }
    }
    if (in.services && std::any_of(in.services->begin(), in.services->end(),
                                   [](const std::string& s) { return !trimmed(s).empty(); })) {
      errors["services"] = "org.validation.not_an_institution";
    }
    return o;
  }

  if (!o.institution) o.institution = Institution{};
  Institution& i = *o.institution;
  if (const auto* c = in.get("category")) {
    const std::string cat = trimmed(*c);
    if (cat.empty()) {
      errors["category"] = "validation.required";
    } else if (!is_one_of(categories(), cat)) {
      errors["category"] = "org.validation.unknown_category";
    } else {
      i.category = cat;
    }
  } else if (i.category.empty()) {
    errors["category"] = "validation.required";
  }
  if (in.services) {
    std::vector<std::string> chosen;
    for (const auto& raw : *in.services) {
      const std::string s = trimmed(raw);
      if (s.empty()) continue;
      if (!is_one_of(services(), s)) {
        errors["services"] = "org.validation.unknown_service";
      } else if (std::find(chosen.begin(), chosen.end(), s) == chosen.end()) {
        chosen.push_back(s);
      }
    }
    // Stored and shown in the vocabulary's order.
    i.services.clear();
    for (const auto& s : services()) {
      if (std::find(chosen.begin(), chosen.end(), s) != chosen.end()) i.services.push_back(s);
    }
  }
  if (const auto* m = in.get("managed_by")) {
    i.managed_by = non_empty(*m);
    if (i.managed_by) {
      if (*i.managed_by == o.id) {
        errors["managed_by"] = "org.validation.managed_by_self";
      } else if (conn.query("SELECT 1 FROM organizations WHERE id = $1", {db::Value(*i.managed_by)})
                     .empty()) {
        errors["managed_by"] = "validation.unknown_organization";
      }
    }
  }
  text_field(in, "director", i.director, 200, errors);
  count_field(in, "capacity_female", i.capacity_female, errors);
  count_field(in, "capacity_male", i.capacity_male, errors);
  for (const auto& f : staff_functions()) {
    std::int64_t n = 0;
    auto it = i.staff.find(f);
    if (it != i.staff.end()) n = it->second;
    count_field(in, "staff_" + f, n, errors);
    if (n > 0)
      i.staff[f] = n;
    else
      i.staff.erase(f);
  }
  coordinate_field(in, "latitude", i.latitude, -90, 90, errors);
  coordinate_field(in, "longitude", i.longitude, -180, 180, errors);
  if (!errors.count("latitude") && !errors.count("longitude")) {
    if (i.latitude.has_value() != i.longitude.has_value()) {
      errors[i.latitude ? "longitude" : "latitude"] = "org.validation.coordinates_pair";
    } else if (i.latitude && (*i.latitude < kMinLat || *i.latitude > kMaxLat ||
                              *i.longitude < kMinLon || *i.longitude > kMaxLon)) {
      errors["latitude"] = "org.validation.outside_morocco";
    }
  }

  Authorization& a = i.authorization;
  if (const auto* s = in.get("authorization_status")) {
    const std::string st = trimmed(*s);
    if (st.empty()) {
      a.status = "pending";
    } else if (!is_one_of(authorization_statuses(), st)) {
      errors["authorization_status"] = "org.validation.unknown_status";
    } else {
      a.status = st;
    }
  }
  if (const auto* n = in.get("authorization_number")) {
    a.number = non_empty(*n);
    if (a.number && a.number->size() > 100) errors["authorization_number"] = "validation.too_long";
  }
  for (const char* name : {"authorization_date", "authorization_expires_on"}) {
    if (const auto* d = in.get(name)) {
      auto& target = std::string(name) == "authorization_date" ? a.date : a.expires_on;
      target = non_empty(*d);
      if (target && !timeutil::is_valid_date(*target)) errors[name] = "validation.invalid_date";
    }
  }
  if (!errors.count("authorization_date") && !errors.count("authorization_expires_on") && a.date &&
      a.expires_on && *a.expires_on < *a.date) {
    errors["authorization_expires_on"] = "org.validation.expiry_before_date";
  }
  if (a.status == "authorized" || a.status == "provisional") {
    if (!a.number && !errors.count("authorization_number"))
      errors["authorization_number"] = "org.validation.required_for_status";
    if (!a.date && !errors.count("authorization_date"))
      errors["authorization_date"] = "org.validation.required_for_status";
  }
  return o;
}

std::vector<std::string> changed_fields(const Organization& b, const Organization& a) {
  std::vector<std::string> out;
  auto check = [&out](bool differs, const char* name) {
    if (differs) out.emplace_back(name);
  };
  check(b.kind != a.kind, "kind");
  check(b.name_fr != a.name_fr, "name_fr");
  check(b.name_ar != a.name_ar, "name_ar");
  check(b.province_code != a.province_code, "province");
  check(b.address != a.address, "address");
  check(b.phone != a.phone, "phone");
  check(b.email != a.email, "email");
  const Institution none;
  const Institution& bi = b.institution ? *b.institution : none;
  const Institution& ai = a.institution ? *a.institution : none;
  check(bi.category != ai.category, "category");
  check(bi.services != ai.services, "services");
  check(bi.managed_by != ai.managed_by, "managed_by");
  check(bi.director != ai.director, "director");
  check(bi.capacity_female != ai.capacity_female, "capacity_female");
  check(bi.capacity_male != ai.capacity_male, "capacity_male");
  for (const auto& f : staff_functions()) {
    auto x = bi.staff.find(f), y = ai.staff.find(f);
    const std::int64_t nb = x == bi.staff.end() ? 0 : x->second;
    const std::int64_t na = y == ai.staff.end() ? 0 : y->second;
    if (nb != na) out.push_back("staff_" + f);
  }
  check(bi.latitude != ai.latitude, "latitude");
  check(bi.longitude != ai.longitude, "longitude");
  check(bi.authorization.status != ai.authorization.status, "authorization_status");
  check(bi.authorization.number != ai.authorization.number, "authorization_number");
  check(bi.authorization.date != ai.authorization.date, "authorization_date");
  check(bi.authorization.expires_on != ai.authorization.expires_on, "authorization_expires_on");
  return out;
}

}  // namespace jisr::org

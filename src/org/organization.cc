// src/org/organization.cc
#include "org/organization.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace jisr::org {

const std::vector<std::string>& kinds() {
  static const std::vector<std::string> v = {"ministry",    "indh", "entraide", "ads",
                                             "association", "eps",  "health",   "school",
                                             "court",       "other"};
  return v;
}

const std::vector<std::string>& categories() {
  static const std::vector<std::string> v = {"children", "street_children", "women", "disability",
                                             "elderly",  "homeless",        "multi"};
  return v;
}

const std::vector<std::string>& services() {
  static const std::vector<std::string> v = {
      "accommodation",      "day_care",    "listening",    "rehabilitation",
      "education_training", "health_care", "psychosocial", "meals"};
  return v;
}

const std::vector<std::string>& staff_functions() {
  static const std::vector<std::string> v = {"educators",     "social_workers", "nurses",
                                             "psychologists", "administrative", "other"};
  return v;
}

const std::vector<std::string>& authorization_statuses() {
  static const std::vector<std::string> v = {"authorized",   "provisional", "pending",
                                             "unauthorized", "suspended",   "closed"};
  return v;
}

bool is_one_of(const std::vector<std::string>& vocabulary, std::string_view value) {
  return std::find(vocabulary.begin(), vocabulary.end(), value) != vocabulary.end();
}

std::int64_t Institution::staff_total() const {
  std::int64_t n = 0;
  for (const auto& [f, c] : staff) n += c;
  return n;
}

std::string Organization::display_name(std::string_view lang) const {
  const auto& first = lang == "ar" ? name_ar : name_fr;
  const auto& second = lang == "ar" ? name_fr : name_ar;
  return first ? *first : second.value_or("");
}

std::string name_key(std::string_view name) {
  std::string out;
  bool space = false;
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

namespace {
nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}
}  // namespace

nlohmann::json occupancy_json(const Institution& i, const Occupancy& o) {
  nlohmann::json j = {{"female", o.female},
                      {"male", o.male},
                      {"total", o.total()},
                      {"rate", nullptr},
                      {"staff_to_resident_ratio", nullptr}};
  if (i.capacity() > 0) {
    j["rate"] = static_cast<double>(o.total()) / static_cast<double>(i.capacity());
  }
  if (o.total() > 0) {
    j["staff_to_resident_ratio"] =
        static_cast<double>(i.staff_total()) / static_cast<double>(o.total());
  }
  return j;
}

nlohmann::json to_json(const Organization& o, const Occupancy* occupancy,
                       const std::vector<AuthorizationChange>* history) {
  nlohmann::json j = {{"id", o.id},
                      {"kind", o.kind},
                      {"name_fr", opt(o.name_fr)},
                      {"name_ar", opt(o.name_ar)},
                      {"province", o.province_code},
                      {"region", o.region_code},
                      {"address", opt(o.address)},
                      {"phone", opt(o.phone)},
                      {"email", opt(o.email)},
                      {"version", o.version},
                      {"created_at", o.created_at},
                      {"updated_at", o.updated_at}};
  if (!o.institution) return j;
  const Institution& i = *o.institution;
  nlohmann::json staff = nlohmann::json::object();
  for (const auto& f : staff_functions()) {
    auto it = i.staff.find(f);
    staff[f] = it == i.staff.end() ? 0 : it->second;
  }
  j["category"] = i.category;
  j["services"] = i.services;
  j["managed_by"] = opt(i.managed_by);
  j["director"] = opt(i.director);
  j["capacity"] = {
      {"female", i.capacity_female}, {"male", i.capacity_male}, {"total", i.capacity()}};
  j["staff"] = std::move(staff);
  j["coordinates"] = i.latitude && i.longitude
                         ? nlohmann::json{{"lat", *i.latitude}, {"lon", *i.longitude}}
                         : nlohmann::json();
  j["authorization"] = {{"status", i.authorization.status},
                        {"number", opt(i.authorization.number)},
                        {"date", opt(i.authorization.date)},
                        {"expires_on", opt(i.authorization.expires_on)}};
  if (occupancy) j["occupancy"] = occupancy_json(i, *occupancy);
  if (history) {
    nlohmann::json h = nlohmann::json::array();
    for (const auto& c : *history) {
      h.push_back({{"changed_at", c.changed_at},
                   {"changed_by", opt(c.changed_by)},
                   {"status_from", opt(c.status_from)},
                   {"status", c.to.status},
                   {"number", opt(c.to.number)},
                   {"date", opt(c.to.date)},
                   {"expires_on", opt(c.to.expires_on)}});
    }
    j["authorization_history"] = std::move(h);
  }
  return j;
}

}  // namespace jisr::org

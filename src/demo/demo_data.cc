// src/demo/demo_data.cc — the demo data generator (see demo_data.h).
#include "demo/demo_data.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "access/principal.h"
#include "access/users.h"
#include "casework/admissions.h"
#include "casework/assessment.h"
#include "casework/case_services.h"
#include "casework/cases.h"
#include "casework/plan.h"
#include "casework/referrals.h"
#include "casework/vocabulary.h"
#include "demo/demo_catalog.h"
#include "match/synthetic.h"
#include "org/org_service.h"
#include "person/person_service.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::demo {
namespace {

struct Province {
  std::string code, region, name_fr, name_ar;
};

struct Inst {
  std::string id, province, region, category;
  std::int64_t cap_f = 0, cap_m = 0, occ_f = 0, occ_m = 0;
  bool admitting = true;  // not closed, suspended or unauthorized
};

// Organizations that work with people in one province.
struct Local {
  std::string entraide;
  std::vector<std::string> associations;
  std::vector<std::size_t> institutions;  // indexes into Generator::insts_
};

// A target group, the case module that serves it, the institution category that shelters
// it, and the ages it spans.
struct Group {
  const char* code;
  const char* module;
  const char* category;
  int min_age, max_age;
  int weight;
};
constexpr std::array<Group, 7> kGroups = {{
    {"children_without_family", "child_protection", "children", 0, 17, 28},
    {"children_without_family", "leaving_care", "children", 18, 21, 5},
    {"street_children", "street_homeless", "street_children", 8, 17, 7},
    {"women", "women", "women", 18, 59, 20},
    {"disability", "disability", "disability", 4, 70, 15},
    {"elderly", "elderly", "elderly", 60, 94, 17},
    {"homeless", "street_homeless", "homeless", 18, 70, 8},
}};

// People 0 to kDemoPeople - 1 live in Casablanca and are files of the demo accounts'
// organizations (person()): the first 12 go in turn to the Entraide delegation, the
// association and the EPS, the next 144 to the delegation and the association in turn. That
// makes 76 people, ≈ 68 cases (a tenth of the people have none), for each of the two: more
// than the largest default cap (caseload_max), so at every size of load `socialworker` and
// `association` hold a full caseload and their organization has a second worker.
constexpr std::int64_t kDemoPeople = 156;

// Split "a|b|c" into its parts.
std::vector<std::string_view> variants(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find('|', start);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

class Generator {
 public:
  Generator(db::Database& db, const DemoDataOptions& o,
            const std::function<void(const Progress&)>& progress)
      : db_(db),
        o_(o),
        progress_(progress),
        rng_(o.seed * 0x9E3779B97F4A7C15ull + 0x1234567ull),
        // A sequence of its own for the caseload workers (caps, names): the main sequence,
        // hence the people, cases and their histories, does not depend on them.
        staff_rng_(o.seed * 0x9E3779B97F4A7C15ull + 0xCA5E10ADull),
        today_(o.today ? parse_day(*o.today) : today_utc()),
        clock_(moment(today_, 8 * 60)),
        orgs_(db),
        users_(db),
        people_(db),
        cases_(db),
        referrals_(db),
        admissions_(db) {}

  DemoDataSummary run() {
    if (o_.people < 0) throw std::invalid_argument("people must be >= 0");
    if (o_.institutions < 12) throw std::invalid_argument("institutions must be >= 12");
    if (o_.caseload_min < 1 || o_.caseload_max < o_.caseload_min) {
      throw std::invalid_argument("caseloads must be 1 <= caseload_min <= caseload_max");
    }
    load_provinces();
    create_loader();
    create_organizations();
    create_users();
    for (std::int64_t i = 0; i < o_.people; ++i) {
      person(i);
      if (progress_ && ((i + 1) % 250 == 0 || i + 1 == o_.people)) {
        progress_({i + 1, o_.people, s_.writes, {}});
      }
    }
    if (o_.truth_out) {
      std::ofstream out(*o_.truth_out);
      out << "file_number_a,file_number_b,variant\n" << truth_.str();
      if (!out) throw std::runtime_error("cannot write " + *o_.truth_out);
    }
    return s_;
  }

 private:
  // ---- reference ---------------------------------------------------------------------------
  void load_provinces() {
    auto lease = db_.acquire();
    for (const auto& r :
         lease
             ->query("SELECT code, parent_code, name_fr, name_ar FROM territories WHERE level = "
                     "'province' ORDER BY code")
             .rows) {
      provinces_.push_back({db::text_or(r[0], ""), db::text_or(r[1], ""), db::text_or(r[2], ""),
                            db::text_or(r[3], "")});
      by_region_[provinces_.back().region].push_back(provinces_.size() - 1);
    }
    if (provinces_.empty()) throw std::runtime_error("no territories: run the migrations first");
    for (const auto& [region, w] : regional_population_weights()) {
      if (!by_region_.count(region)) throw std::runtime_error("unknown region " + region);
      pop_regions_.push_back(region);
      pop_weights_.push_back(w);
    }
  }

  void at(Day d, int minute = -1) {
    if (minute < 0) minute = static_cast<int>(8 * 60 + rng_.below(9 * 60));
    clock_.set(moment(d, minute));
  }

  void create_loader() {
    // The account the generator acts as: its id is created_by of every record. It never
    // logs in (random password, not printed).
    at(today_ - 1500, 8 * 60);
    access::NewUser u;
    u.username = "demo-loader";
    u.display_name = "Chargement des données de démonstration";
    u.role = "provincial_coordinator";
    u.scope_level = "national";
    u.password = ids::new_id() + ids::new_id();
    const auto user = users_.create(nullptr, actor_, u);
    ++s_.users;
    ++s_.writes;
    loader_.user_id = user.id;
    loader_.username = user.username;
    loader_.display_name = user.display_name;
    loader_.role = access::Role::kProvincialCoordinator;
    loader_.scope = {access::ScopeLevel::kNational, ""};
    actor_.user_id = user.id;
    actor_.username = user.username;
  }

  // The loader acting for one organization (registering, owning, answering a referral).
  const access::Principal& as(const std::string& org) {
    loader_.organization_id = org;
    return loader_;
  }

  // ---- organizations -----------------------------------------------------------------------
  std::string create_org(std::map<std::string, std::string> fields,
                         std::optional<std::vector<std::string>> services = std::nullopt) {
    org::OrgInput in;
    in.fields = std::move(fields);
    in.services = std::move(services);
    loader_.organization_id.reset();
    const auto created = orgs_.create(loader_, actor_, in);
    org_names_[created.id] = created.name_fr.value_or(created.id);
    org_kinds_[created.id] = created.kind;
    ++s_.organizations;
    ++s_.writes;
    return created.id;
  }

  std::string phone(std::string_view prefix) {
    // One draw per statement: the order of evaluation of arguments is unspecified.
    const int a = static_cast<int>(rng_.between(20, 39));
    const int b = static_cast<int>(rng_.below(100));
    const int c = static_cast<int>(rng_.below(100));
    const int d = static_cast<int>(rng_.below(100));
    char buf[40];
    std::snprintf(buf, sizeof buf, "+212 %s %02d %02d %02d %02d", std::string(prefix).c_str(), a, b,
                  c, d);
    return buf;
  }

  void create_organizations() {
    at(today_ - 1500, 9 * 60);
    const auto& names = association_names();
    const auto& causes = association_causes();
    for (const auto& p : provinces_) {
      Local& local = locals_[p.code];
      local.entraide = create_org({{"kind", "entraide"},
                                   {"name_fr", "Délégation de l'Entraide Nationale – " + p.name_fr},
                                   {"name_ar", "مندوبية التعاون الوطني – " + p.name_ar},
                                   {"province", p.code},
                                   {"phone", phone("5")}});
      const auto first = rng_.below(static_cast<std::int64_t>(names.size()));
      for (int k = 0; k < 2; ++k) {
        const auto& n = names[static_cast<std::size_t>(first + k) % names.size()];
        const auto& c = causes[static_cast<std::size_t>(rng_.below(5))];
        local.associations.push_back(create_org(
            {{"kind", "association"},
             {"name_fr", "Association " + std::string(n.fr) + " " + std::string(c.fr)},
             {"name_ar", "جمعية " + std::string(n.ar) + " " + std::string(c.ar)},
             {"province", p.code},
             {"address", std::string(neighbourhoods()[static_cast<std::size_t>(rng_.below(10))]) +
                             ", " + p.name_fr},
             {"phone", phone("6")}}));
      }
    }
    // Institutions: a count per region from the regional weights, spread over its provinces
    // (each province of a region gets one before any gets a second).
    const auto& weights = regional_eps_weights();
    int weight_total = 0;
    for (const auto& [r, w] : weights) weight_total += w;
    const std::vector<std::string> categories = {
        "children", "street_children", "women", "disability", "elderly", "homeless", "multi"};
    const std::vector<int> category_weights = {30, 6, 14, 20, 17, 5, 8};
    const std::vector<std::string> statuses = {"authorized",   "provisional", "pending",
                                               "unauthorized", "suspended",   "closed"};
    const std::vector<int> status_weights = {72, 10, 8, 4, 3, 3};
    std::map<std::string, int> serial;  // province|category → count
    for (const auto& [region, w] : weights) {
      const int count = std::max(1, (o_.institutions * w + weight_total / 2) / weight_total);
      const auto& provs = by_region_.at(region);
      for (int k = 0; k < count; ++k) {
        const Province& p = provinces_[provs[static_cast<std::size_t>(k) % provs.size()]];
        const std::string category = categories[rng_.weighted(category_weights)];
        const int n = ++serial[p.code + "|" + category];
        const Bilingual base = institution_name_base(category);
        std::map<std::string, std::string> f = {
            {"kind", "eps"},
            {"name_fr", std::string(base.fr) + " " + p.name_fr + " " + std::to_string(n)},
            {"name_ar", std::string(base.ar) + " " + p.name_ar + " " + std::to_string(n)},
            {"province", p.code},
            {"category", category},
            {"address", std::string(neighbourhoods()[static_cast<std::size_t>(rng_.below(10))]) +
                            ", " + p.name_fr},
            {"phone", phone("5")}};
        // Capacity by category; women's centres take women only, a third of children's
        // homes take one sex only.
        std::int64_t cap = category == "multi"             ? rng_.between(60, 200)
                           : category == "children"        ? rng_.between(30, 150)
                           : category == "elderly"         ? rng_.between(30, 120)
                           : category == "disability"      ? rng_.between(20, 80)
                           : category == "street_children" ? rng_.between(20, 60)
                           : category == "homeless"        ? rng_.between(30, 100)
                                                           : rng_.between(15, 50);
        std::int64_t cap_f = cap / 2 + rng_.between(-cap / 10, cap / 10);
        if (category == "women") cap_f = cap;
        if (category == "children" && rng_.chance(0.33)) cap_f = rng_.chance(0.5) ? cap : 0;
        const std::int64_t cap_m = cap - cap_f;
        f["capacity_female"] = std::to_string(cap_f);
        f["capacity_male"] = std::to_string(cap_m);
        f["staff_educators"] = std::to_string(std::max<std::int64_t>(1, cap / 8));
        f["staff_social_workers"] = std::to_string(rng_.between(1, 4));
        f["staff_nurses"] = std::to_string(rng_.between(0, 3));
        f["staff_psychologists"] = std::to_string(rng_.between(0, 2));
        f["staff_administrative"] = std::to_string(rng_.between(2, 6));
        f["staff_other"] = std::to_string(rng_.between(1, 5));
        const auto& males = match::male_given_names();
        const auto& females = match::female_given_names();
        const auto& families = match::family_names();
        const bool director_female = rng_.chance(0.5);
        const auto& given = director_female ? females[rng_.skewed(females.size())]
                                            : males[rng_.skewed(males.size())];
        f["director"] = std::string(director_female ? "Mme " : "M. ") +
                        std::string(variants(given.latin)[0]) + " " +
                        std::string(variants(families[rng_.skewed(families.size())].latin)[0]);
        if (rng_.chance(0.6)) {
          const auto& assocs = locals_[p.code].associations;
          f["managed_by"] = assocs[static_cast<std::size_t>(rng_.below(2))];
        }
        // Authorization: most authorized for 5 years; some expiring within 90 days, some
        // expired, the rest in the other states.
        const std::string status = statuses[rng_.weighted(status_weights)];
        f["authorization_status"] = status;
        if (status != "pending") {
          Day expires;
          const auto roll = rng_.below(100);
          if (roll < 10) {
            expires = today_ + rng_.between(1, 89);  // expiring soon
          } else if (roll < 18) {
            expires = today_ - rng_.between(1, 400);  // expired
          } else {
            expires = today_ + rng_.between(91, 4 * 365);
          }
          const Day granted = expires - (status == "provisional" ? 365 : 5 * 365);
          f["authorization_number"] = "EPS-" + region.substr(3) + "-" +
                                      day_text(granted).substr(0, 4) + "-" +
                                      std::to_string(s_.institutions + 1);
          f["authorization_date"] = day_text(granted);
          f["authorization_expires_on"] = day_text(expires);
        }
        std::vector<std::string> services = {"accommodation", "meals"};
        if (category == "disability" && rng_.chance(0.5)) services = {"day_care"};
        for (const char* extra :
             {"listening", "rehabilitation", "education_training", "health_care", "psychosocial"}) {
          if (rng_.chance(0.45)) services.push_back(extra);
        }
        Inst inst;
        inst.id = create_org(std::move(f), services);
        inst.province = p.code;
        inst.region = region;
        inst.category = category;
        inst.cap_f = cap_f;
        inst.cap_m = cap_m;
        inst.admitting = status != "closed" && status != "suspended" && status != "unauthorized";
        insts_.push_back(inst);
        locals_[p.code].institutions.push_back(insts_.size() - 1);
        ++s_.institutions;
      }
    }
  }

  // ---- users -------------------------------------------------------------------------------
  std::string first_institution_in(const std::string& province) {
    for (std::size_t i : locals_[province].institutions) return insts_[i].id;
    for (const auto& inst : insts_) {
      if (inst.region == "MA-06") return inst.id;
    }
    return insts_.front().id;
  }

  void create_users() {
    at(today_ - 1490, 9 * 60);
    director_org_ = first_institution_in("MA-CAS");
    worker_org_ = locals_["MA-CAS"].entraide;
    association_org_ = locals_["MA-CAS"].associations[0];
    struct Spec {
      const char *username, *role, *level, *display;
      std::string code;
      std::string shown;
    };
    const std::vector<Spec> specs = {
        {"admin", "admin", "national", "Administrateur démo", "", "national"},
        {"supervisor", "national_supervisor", "national", "Superviseure nationale démo", "",
         "national"},
        {"regional", "regional_supervisor", "region", "Superviseur régional Marrakech-Safi démo",
         "MA-07", "region:MA-07"},
        {"coordinator", "provincial_coordinator", "province", "Coordinatrice Casablanca démo",
         "MA-CAS", "province:MA-CAS"},
        {"director", "eps_director", "organization", "Directrice d'EPS démo", director_org_,
         "organization:" + org_name(director_org_)},
        {"socialworker", "social_worker", "organization", "Assistante sociale démo", worker_org_,
         "organization:" + org_name(worker_org_)},
        {"association", "association_worker", "organization", "Travailleur associatif démo",
         association_org_, "organization:" + org_name(association_org_)},
        {"inspector", "inspector", "region", "Inspectrice Casablanca-Settat démo", "MA-06",
         "region:MA-06"},
        {"auditor", "auditor", "national", "Auditeur démo", "", "national"},
    };
    for (const auto& spec : specs) {
      access::NewUser u;
      u.username = spec.username;
      u.role = spec.role;
      u.scope_level = spec.level;
      u.scope_code = spec.code;
      u.display_name = spec.display;
      u.password = o_.password;
      if (std::string(spec.level) == "organization") u.organization_id = spec.code;
      const auto user = users_.create(nullptr, actor_, u);
      ++s_.users;
      ++s_.writes;
      if (user.username == "socialworker") worker_user_ = user.id;
      if (user.username == "association") association_user_ = user.id;
      s_.accounts.push_back({spec.role, spec.username, o_.password, spec.shown});
    }
    // The two demo field accounts are their organization's first caseload workers.
    staff_[worker_org_] = {worker_user_, 0, caseload_cap()};
    staff_[association_org_] = {association_user_, 0, caseload_cap()};
  }

  // ---- caseload workers --------------------------------------------------------------------
  // An organization's current worker: the account its new cases are assigned to.
  struct Staff {
    std::string user_id;
    std::int64_t given = 0;  // cases assigned to it so far
    std::int64_t cap = 0;    // cases it is given before the next worker account is made
  };

  std::int64_t caseload_cap() { return staff_rng_.between(o_.caseload_min, o_.caseload_max); }

  // The worker a new case of `org` is assigned to (counted as given to it): the current one,
  // or, when it has been given its cap of cases (or there is none yet), a new account.
  std::string assign_worker(const std::string& org) {
    Staff& st = staff_[org];
    if (st.user_id.empty() || st.given >= st.cap) st = {new_worker(org), 0, caseload_cap()};
    ++st.given;
    return st.user_id;
  }

  // Latin letters and digits of `latin`'s first spelling, in lower case ("El Alaoui" →
  // "elalaoui").
  static std::string login_part(std::string_view latin) {
    const std::string_view first = variants(latin)[0];  // a copy: the vector is a temporary
    std::string out;
    for (const char c : first) {
      const auto u = static_cast<unsigned char>(c);
      if (std::isalnum(u) && u < 0x80) out.push_back(static_cast<char>(std::tolower(u)));
    }
    return out;
  }

  // A social worker (association worker for an association) of `org`, created through
  // UserService without a password (no Argon2id hash per account; login impossible until an
  // administrator sets one). Name drawn from the name tables; username "given.family", with
  // a number from the second holder of a name on ("given.family2").
  std::string new_worker(const std::string& org) {
    const auto& males = match::male_given_names();
    const auto& females = match::female_given_names();
    const auto& families = match::family_names();
    const bool female = staff_rng_.chance(0.65);
    const auto& given = female ? females[staff_rng_.skewed(females.size())]
                               : males[staff_rng_.skewed(males.size())];
    const auto& family = families[staff_rng_.skewed(families.size())];
    std::string login = login_part(given.latin) + "." + login_part(family.latin);
    if (const int n = ++logins_[login]; n > 1) login += std::to_string(n);
    access::NewUser u;
    u.username = login;
    u.display_name =
        std::string(variants(given.latin)[0]) + " " + std::string(variants(family.latin)[0]);
    u.preferred_language = staff_rng_.chance(0.25) ? "ar" : "fr";
    u.role = org_kinds_.at(org) == "association" ? "association_worker" : "social_worker";
    u.scope_level = "organization";
    u.scope_code = org;
    u.organization_id = org;
    // Accounts are dated like the demo accounts, before any replayed event.
    clock_.set(moment(today_ - 1490, 9 * 60 + 30));
    const auto user = users_.create_without_password(nullptr, actor_, u);
    ++s_.users;
    ++s_.worker_accounts;
    ++s_.writes;
    return user.id;
  }

  std::string org_name(const std::string& id) { return org_names_.at(id); }

  // ---- people ------------------------------------------------------------------------------
  struct Name {
    std::size_t first, family, father;
    bool female;
  };

  std::string latin(const match::NameEntry& e, bool common) {
    const auto v = variants(e.latin);
    return std::string(
        common ? v[0]
               : v[static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(v.size())))]);
  }

  std::string cin_for(std::int64_t i, const Province& p) {
    // One or two letters (by province) then six digits; the digits are a permutation of
    // the person index, so no two generated people share a CIN.
    static constexpr std::array<const char*, 24> kPrefixes = {
        "A", "B", "BE", "BH", "BJ", "BK", "C", "CB", "D", "E", "EE", "F",
        "G", "H", "I",  "J",  "JA", "K",  "L", "M",  "N", "P", "Q",  "R"};
    std::size_t h = 0;
    for (char c : p.code) h = h * 31 + static_cast<unsigned char>(c);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s%06lld", kPrefixes[h % kPrefixes.size()],
                  static_cast<long long>((i * 7919 + 104729) % 1000000));
    return buf;
  }

  void person(std::int64_t i) {
    std::vector<int> weights;
    for (const auto& g : kGroups) weights.push_back(g.weight);
    const Group& g = kGroups[rng_.weighted(weights)];
    const bool female =
        std::string_view(g.code) == "women" ? true : rng_.chance(g.min_age < 18 ? 0.47 : 0.52);
    const int age = static_cast<int>(rng_.between(g.min_age, g.max_age));
    // Where: the first people live in Casablanca, where the demo organization accounts work
    // (kDemoPeople); then by regional population.
    const Province& p =
        i < kDemoPeople
            ? province("MA-CAS")
            : provinces_[pick(by_region_.at(pop_regions_[rng_.weighted(pop_weights_)]))];
    const auto& males = match::male_given_names();
    const auto& females = match::female_given_names();
    const auto& families = match::family_names();
    Name n{rng_.skewed(female ? females.size() : males.size()), rng_.skewed(families.size()),
           rng_.skewed(males.size()), female};
    const auto& first = female ? females[n.first] : males[n.first];
    const auto& family = families[n.family];

    const Day registered = today_ - rng_.between(10, 1460);
    const Day born = registered - age * 365 - rng_.between(0, 364);
    person::PersonInput in;
    in.first_name_ar = std::string(first.arabic);
    in.last_name_ar = std::string(family.arabic);
    if (!rng_.chance(0.04)) {  // a few files hold the Arabic name only
      in.first_name_lat = latin(first, rng_.chance(0.7));
      in.last_name_lat = latin(family, rng_.chance(0.7));
    }
    in.sex = female ? "F" : "M";
    if (age >= 60 && rng_.chance(0.3)) {
      in.birth_date = day_text(born).substr(0, 4);
      in.birth_date_precision = "year";
    } else if (std::string_view(g.code) == "street_children" && rng_.chance(0.4)) {
      in.birth_date = day_text(born);
      in.birth_date_precision = "estimated";
    } else {
      in.birth_date = day_text(born);
      in.birth_date_precision = "exact";
    }
    if (age >= 18 && rng_.chance(0.85)) in.cin = cin_for(i, p);
    in.father_first_name = latin(males[n.father], true);
    in.province = p.code;
    in.target_groups = std::vector<std::string>{g.code};
    if (std::string_view(g.code) != "disability" && rng_.chance(0.06)) {
      in.target_groups->push_back("disability");
    }
    in.consent_given = rng_.chance(0.92);

    // Which organization works with them: an institution of their category (admission), or
    // the Entraide delegation or an association of their province.
    Local& local = locals_[p.code];
    std::optional<std::size_t> inst;
    if (rng_.chance(0.3)) inst = institution_for(g.category, p, female);
    std::string owner;
    if (i < 12) {
      owner = std::array{worker_org_, association_org_, director_org_}[i % 3];
      if (owner == director_org_) inst = index_of(director_org_, female);
    } else if (i < kDemoPeople) {
      owner = i % 2 == 0 ? worker_org_ : association_org_;
    } else if (inst) {
      owner = insts_[*inst].id;
    } else {
      owner = rng_.chance(0.5) ? local.entraide
                               : local.associations[static_cast<std::size_t>(rng_.below(2))];
    }

    at(registered);
    const auto created = people_.create(as(owner), actor_, in, /*confirm_new=*/true);
    ++s_.people;
    ++s_.writes;

    if (rng_.chance(0.006) || i == 3 || i == o_.people / 2)
      duplicate(in, created.file_number, n, i);

    if (!rng_.chance(0.9)) return;  // registered, no case (yet)
    open_case(created.id, g, female, owner, inst, registered, p);
  }

  const Province& province(const std::string& code) {
    for (const auto& p : provinces_) {
      if (p.code == code) return p;
    }
    throw std::runtime_error("unknown province " + code);
  }

  std::size_t pick(const std::vector<std::size_t>& v) {
    return v[static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(v.size())))];
  }

  bool has_room(const Inst& inst, bool female) const {
    if (!inst.admitting) return false;
    return female ? inst.occ_f < inst.cap_f : inst.occ_m < inst.cap_m;
  }

  std::optional<std::size_t> index_of(const std::string& id, bool female) {
    for (std::size_t k = 0; k < insts_.size(); ++k) {
      if (insts_[k].id == id) return has_room(insts_[k], female) ? std::optional(k) : std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<std::size_t> institution_for(const std::string& category, const Province& p,
                                             bool female) {
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t k : pass == 0 ? locals_[p.code].institutions : all_in_region(p.region)) {
        const Inst& inst = insts_[k];
        if ((inst.category == category || inst.category == "multi") && has_room(inst, female)) {
          return k;
        }
      }
    }
    return std::nullopt;
  }

  std::vector<std::size_t> all_in_region(const std::string& region) {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < insts_.size(); ++k) {
      if (insts_[k].region == region) out.push_back(k);
    }
    return out;
  }

  // A second file for the same person: another Latin spelling, the Arabic name only, or the
  // Latin name only, registered later by another organization.
  void duplicate(const person::PersonInput& original, const std::string& file_number, const Name& n,
                 std::int64_t i) {
    person::PersonInput in = original;
    const auto& first =
        n.female ? match::female_given_names()[n.first] : match::male_given_names()[n.first];
    const auto& family = match::family_names()[n.family];
    std::string variant;
    switch (rng_.below(3)) {
      case 0: {
        const auto fv = variants(first.latin), lv = variants(family.latin);
        in.first_name_lat = std::string(fv[static_cast<std::size_t>(i) % fv.size()]);
        in.last_name_lat = std::string(lv[(static_cast<std::size_t>(i) + 1) % lv.size()]);
        if (in.first_name_lat == original.first_name_lat &&
            in.last_name_lat == original.last_name_lat)
          in.last_name_lat = std::string(lv.back());
        variant = "latin_spelling";
        break;
      }
      case 1:
        in.first_name_lat.reset();
        in.last_name_lat.reset();
        variant = "arabic_only";
        break;
      default:
        in.first_name_ar.reset();
        in.last_name_ar.reset();
        in.first_name_lat = latin(first, false);
        in.last_name_lat = latin(family, false);
        variant = "latin_only";
    }
    if (rng_.chance(0.5)) in.cin.reset();
    if (in.birth_date && in.birth_date->size() == 10 && rng_.chance(0.3)) {
      in.birth_date = in.birth_date->substr(0, 4);
      in.birth_date_precision = "year";
    }
    const Local& local = locals_[*in.province];
    at(today_ - rng_.between(0, 9));
    const auto dup = people_.create(as(local.associations[1]), actor_, in, /*confirm_new=*/true);
    ++s_.people;
    ++s_.duplicates;
    ++s_.writes;
    truth_ << file_number << ',' << dup.file_number << ',' << variant << '\n';
  }

  // ---- casework ----------------------------------------------------------------------------
  struct Event {
    Day day;
    int order;
    std::function<void()> run;
  };

  void open_case(const std::string& person_id, const Group& g, bool female,
                 const std::string& owner, std::optional<std::size_t> inst, Day registered,
                 const Province& p) {
    const std::string module = g.module;
    // Final state: open, assessment, plan, services, review, closed, or reopened (closed
    // then open again).
    const std::vector<std::string> finals = {"open",   "assessment", "plan",    "services",
                                             "review", "closed",     "reopened"};
    const std::string final_state = finals[rng_.weighted({8, 8, 10, 38, 10, 20, 6})];
    std::vector<std::string> path;
    const std::vector<std::string> full = {"assessment", "plan", "services", "review"};
    std::string closure = "goals_achieved";
    if (final_state == "closed" || final_state == "reopened") {
      if (rng_.chance(0.7)) {
        path = full;
      } else {
        path.assign(full.begin(), full.begin() + rng_.below(4));
        const std::vector<std::string> early = {"refused",     "moved_away", "not_eligible",
                                                "transferred", "deceased",   "other"};
        closure = early[static_cast<std::size_t>(rng_.below(6))];
        if (closure == "deceased" && g.min_age < 18) closure = "moved_away";
      }
      path.push_back("closed");
      if (final_state == "reopened") path.push_back("open");
    } else {
      for (const auto& s : full) {
        if (final_state == "open") break;
        path.push_back(s);
        if (s == final_state) break;
      }
      if (final_state == "review" && rng_.chance(0.2)) {  // another round of services
        path.push_back("services");
        path.push_back("review");
      }
    }
    const Day opened = std::min(today_, registered + rng_.between(0, 6));
    // Transition days: sorted, after the opening, not after today.
    std::vector<Day> days;
    for (std::size_t k = 0; k < path.size(); ++k) days.push_back(rng_.between(opened, today_));
    std::sort(days.begin(), days.end());

    casework::NewCase nc;
    nc.person_id = person_id;
    nc.module = module;
    nc.risk_level = casework::risk_levels()[rng_.weighted({30, 40, 22, 8})];
    // Every case has its worker, of the owning organization (caseloads: assign_worker).
    const std::string worker = assign_worker(owner);
    nc.assigned_user_id = worker;
    if (rng_.chance(0.3)) nc.review_due_on = day_text(opened + rng_.between(60, 400));
    at(opened);
    const auto rec = cases_.open(as(owner), actor_, nc);
    const std::string id = rec.c.id;
    ++s_.cases;
    ++s_.writes;

    std::vector<Event> events;
    int order = 0;
    auto add = [&](Day d, std::function<void()> fn) {
      events.push_back({std::min(d, today_), order++, std::move(fn)});
    };
    for (std::size_t k = 0; k < path.size(); ++k) {
      const std::string to = path[k];
      add(days[k], [this, id, to, closure, owner] {
        cases_.transition_head(as(owner), actor_, id, to,
                               to == "closed" ? std::optional(closure) : std::nullopt,
                               std::nullopt);
        ++s_.transitions;
        ++s_.writes;
      });
      const Day start = days[k];
      const Day end = k + 1 < days.size() ? days[k + 1] : today_;
      if (to == "assessment") {
        add(rng_.between(start, end), [this, id, module, owner] {
          std::vector<casework::DomainScore> scores;
          for (const auto& d : casework::assessment_domains(module)) {
            scores.push_back({d, rng_.below(5), std::nullopt});
          }
          casework::save_assessment(db_, as(owner), actor_, id, scores);
          ++s_.writes;
        });
      } else if (to == "plan") {
        plan(add, id, module, owner, worker, start, end);
      } else if (to == "services") {
        services(add, id, module, owner, p, start, end);
        if (rng_.chance(0.25)) referral(add, id, owner, p, start);
      }
    }
    if (inst) admission(add, person_id, id, *inst, female, g, opened);

    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      return a.day != b.day ? a.day < b.day : a.order < b.order;
    });
    for (auto& e : events) {
      at(e.day);
      e.run();
    }
  }

  template <typename Add>
  void plan(Add& add, const std::string& id, const std::string& module, const std::string& owner,
            const std::string& worker, Day start, Day end) {
    const auto& goals = goals_for_module(module);
    const std::string goal_title = goals[static_cast<std::size_t>(rng_.below(2))];
    const auto& actions = actions_for_module(module);
    const auto count = rng_.between(1, 3);
    std::vector<casework::NewAction> items;
    std::vector<std::optional<Day>> dones;
    for (std::int64_t k = 0; k < count; ++k) {
      casework::NewAction a;
      a.title = actions[static_cast<std::size_t>(rng_.below(4))];
      const Day due = start + rng_.between(7, 120);
      a.due_on = day_text(due);
      a.responsible_user_id = worker;  // the case's worker
      // Done (on time or a little late) when the due date has passed, mostly; the rest of
      // the past-due ones are overdue.
      std::optional<Day> done;
      const Day done_day = due + rng_.between(-5, 10);
      if (done_day <= today_ && rng_.chance(0.65)) done = std::max(start, done_day);
      items.push_back(std::move(a));
      dones.push_back(done);
    }
    // The goal and its actions are created the same day: one casework::add_plan call (one
    // transaction, one audit entry per goal and per action).
    auto action_ids = std::make_shared<std::vector<std::string>>();
    add(start, [this, id, owner, goal_title, items, action_ids] {
      const auto added = casework::add_plan(db_, as(owner), actor_, id, goal_title, items);
      for (const auto& a : added.actions) action_ids->push_back(a.id);
      const auto n = static_cast<std::int64_t>(added.actions.size());
      s_.plan_actions += n;
      s_.writes += 1 + n;
    });
    for (std::size_t k = 0; k < dones.size(); ++k) {
      if (!dones[k]) continue;
      const Day done = *dones[k];
      add(done, [this, id, owner, action_ids, k, done] {
        casework::set_action_done(db_, as(owner), actor_, id, action_ids->at(k), day_text(done));
        ++s_.writes;
      });
    }
    (void)end;
  }

  template <typename Add>
  void services(Add& add, const std::string& id, const std::string& module,
                const std::string& owner, const Province& p, Day start, Day end) {
    const auto& types = services_for_module(module);
    const auto count = rng_.between(4, 12);
    const Local& local = locals_[p.code];
    // Recorded together (casework::record_services: one transaction, one audit entry per
    // service), on the day of the last of them, at the latest the end of the phase.
    std::vector<casework::NewCaseService> batch;
    Day recorded = start;
    for (std::int64_t k = 0; k < count; ++k) {
      casework::NewCaseService s;
      s.type = types[static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(types.size())))];
      const auto roll = rng_.below(100);
      Day day = rng_.between(start, std::max(start, end));
      if (roll < 85) {
        s.status = "delivered";
      } else if (roll < 93) {
        s.status = "planned";
        day = std::max(day, today_ - 3) + rng_.between(0, 30);
      } else {
        s.status = "cancelled";
      }
      s.date = day_text(day);
      s.quantity = s.type == "accommodation" || s.type == "meals" ? rng_.between(7, 60) : 1;
      if (rng_.chance(0.12)) s.provider_org_id = local.entraide;
      recorded = std::max(recorded, std::min(day, end));
      batch.push_back(std::move(s));
    }
    add(recorded, [this, id, owner, batch] {
      const auto n = static_cast<std::int64_t>(
          casework::record_services(db_, as(owner), actor_, id, batch).size());
      s_.services += n;
      s_.writes += n;
    });
  }

  template <typename Add>
  void referral(Add& add, const std::string& id, const std::string& owner, const Province& p,
                Day start) {
    const Local& local = locals_[p.code];
    std::vector<std::string> targets = {local.entraide};
    targets.insert(targets.end(), local.associations.begin(), local.associations.end());
    for (std::size_t k : local.institutions) targets.push_back(insts_[k].id);
    targets.erase(std::remove(targets.begin(), targets.end(), owner), targets.end());
    if (targets.empty()) return;
    casework::NewReferral r;
    r.case_id = id;
    r.to_org_id =
        targets[static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(targets.size())))];
    r.kind = "service";
    r.service_type = services_for_module("")[static_cast<std::size_t>(rng_.below(4))];
    r.reason = referral_reasons()[static_cast<std::size_t>(rng_.below(6))];
    r.consent = true;
    const Day sent = rng_.between(start, today_);
    const auto outcome = rng_.below(100);  // pending 30, declined 20, accepted 15, completed 35
    const Day answered = sent + rng_.between(0, 12);
    const Day completed = answered + rng_.between(5, 60);
    auto ref_id = std::make_shared<std::string>();
    add(sent, [this, owner, r, ref_id] {
      *ref_id = referrals_.create(as(owner), actor_, r).r.id;
      ++s_.referrals;
      ++s_.writes;
    });
    if (outcome < 30 || answered > today_) return;
    const std::string to = r.to_org_id;
    if (outcome < 50) {
      const std::string why = decline_reasons()[static_cast<std::size_t>(rng_.below(3))];
      add(answered, [this, to, ref_id, why] {
        referrals_.decline(as(to), actor_, *ref_id, why);
        ++s_.writes;
      });
      return;
    }
    add(answered, [this, to, ref_id] {
      referrals_.accept(as(to), actor_, *ref_id);
      ++s_.writes;
    });
    if (outcome >= 65 && completed <= today_) {
      add(completed, [this, to, ref_id] {
        referrals_.complete(as(to), actor_, *ref_id);
        ++s_.writes;
      });
    }
  }

  template <typename Add>
  void admission(Add& add, const std::string& person_id, const std::string& case_id, std::size_t k,
                 bool female, const Group& g, Day opened) {
    Inst& inst = insts_[k];
    (female ? inst.occ_f : inst.occ_m) += 1;
    const std::string module = g.module;
    casework::NewAdmission a;
    a.person_id = person_id;
    a.institution_id = inst.id;
    a.case_id = case_id;
    a.admitted_on = day_text(opened);
    a.reason = module == "child_protection" ? (rng_.chance(0.6) ? "judicial_order" : "referral")
               : module == "elderly"        ? "own_request"
               : module == "women"          ? (rng_.chance(0.5) ? "emergency" : "own_request")
                                            : "referral";
    const Day out = opened + rng_.between(30, 900);
    const bool discharged = out <= today_ && rng_.chance(0.45);
    std::string why = "return_to_family";
    if (module == "child_protection") {
      why = std::array{"return_to_family", "kafala", "transfer", "runaway"}[rng_.below(4)];
    } else if (module == "elderly") {
      why = std::array{"death", "return_to_family", "transfer"}[rng_.below(3)];
    } else if (module == "leaving_care") {
      why = "autonomy_18";
    } else {
      why = std::array{"return_to_family", "transfer", "other"}[rng_.below(3)];
    }
    if (discharged) (female ? inst.occ_f : inst.occ_m) -= 1;
    auto adm_id = std::make_shared<std::string>();
    const std::string inst_id = inst.id;
    add(opened, [this, a, adm_id, inst_id] {
      *adm_id = admissions_.admit(as(inst_id), actor_, a).a.id;
      ++s_.admissions;
      ++s_.writes;
    });
    if (discharged) {
      casework::Discharge d{day_text(out), why, std::nullopt};
      add(out, [this, d, adm_id, inst_id] {
        admissions_.discharge(as(inst_id), actor_, *adm_id, d);
        ++s_.writes;
      });
    }
  }

  db::Database& db_;
  const DemoDataOptions& o_;
  const std::function<void(const Progress&)>& progress_;
  Rng rng_;
  Rng staff_rng_;
  Day today_;
  timeutil::SimulatedClock clock_;
  org::OrgService orgs_;
  access::UserService users_;
  person::PersonService people_;
  casework::CaseService cases_;
  casework::ReferralService referrals_;
  casework::AdmissionService admissions_;
  access::Principal loader_;
  audit::Actor actor_{std::nullopt, std::string("demo-data"), "local", "demo-data"};
  std::vector<Province> provinces_;
  std::map<std::string, std::vector<std::size_t>> by_region_;
  std::vector<std::string> pop_regions_;
  std::vector<int> pop_weights_;
  std::map<std::string, Local> locals_;
  std::vector<Inst> insts_;
  std::string director_org_, worker_org_, association_org_, worker_user_, association_user_;
  std::map<std::string, std::string> org_names_;
  std::map<std::string, std::string> org_kinds_;  // id → "entraide", "association", "eps"
  std::map<std::string, Staff> staff_;            // organization id → its current worker
  std::map<std::string, int> logins_;             // "given.family" → accounts holding it
  std::ostringstream truth_;
  DemoDataSummary s_;
};

// A secondary index dropped for the load and built again at its end.
struct DeferredIndex {
  std::string name;
  std::string sql;  // its CREATE INDEX statement, as stored in sqlite_master
};

// Tables whose rows the load's statements reach by primary key or a UNIQUE index only (never
// through a secondary index; checked with EXPLAIN QUERY PLAN over every statement of a load,
// docs/demo-data.md): maintaining their secondary indexes row by row costs more than
// building them once at the end. `cases` is updated by every transition, and four of its
// indexes hold the status. The list names tables, not indexes: an index added by a later
// migration is deferred too (check it is not one a load statement needs).
constexpr std::array<const char*, 8> kDeferredIndexTables = {
    "audit_log",  "case_services", "case_transitions", "case_actions",
    "case_goals", "cases",         "people",           "referrals"};

// SQLite: drops the non-UNIQUE secondary indexes of kDeferredIndexTables (a UNIQUE index
// enforces a rule and stays) and returns them in their creation order, so that they are
// built again in that order: SQLite's planner breaks ties between indexes by their order in
// the schema, and a loaded database must plan as a migrated one does. Other databases:
// nothing.
std::vector<DeferredIndex> drop_deferred_indexes(db::Database& db) {
  std::vector<DeferredIndex> out;
  if (db.dialect() != db::Dialect::kSqlite) return out;
  auto lease = db.acquire();
  for (const char* table : kDeferredIndexTables) {
    for (const auto& r : lease
                             ->query("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                     "AND tbl_name = $1 AND sql IS NOT NULL ORDER BY rowid",
                                     {db::Value(std::string(table))})
                             .rows) {
      DeferredIndex index{db::text_or(r[0], ""), db::text_or(r[1], "")};
      std::string head = index.sql.substr(0, 32);
      std::transform(head.begin(), head.end(), head.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (head.find("UNIQUE") != std::string::npos) continue;
      out.push_back(std::move(index));
    }
  }
  for (const auto& index : out) lease->exec_script("DROP INDEX \"" + index.name + "\"");
  return out;
}

// Builds the dropped indexes again (one transaction each), reporting each one.
void build_deferred_indexes(db::Database& db, const std::vector<DeferredIndex>& indexes,
                            const std::function<void(const Progress&)>& progress,
                            const Progress& done) {
  auto lease = db.acquire();
  for (std::size_t k = 0; k < indexes.size(); ++k) {
    if (progress) {
      Progress p = done;
      p.stage = "building index " + indexes[k].name + " (" + std::to_string(k + 1) + "/" +
                std::to_string(indexes.size()) + ")";
      progress(p);
    }
    lease->exec_script(indexes[k].sql);
  }
}

}  // namespace

DemoDataSummary generate(db::Database& db, const DemoDataOptions& options,
                         const std::function<void(const Progress&)>& progress) {
  {
    auto lease = db.acquire();
    const auto held = lease->query(
        "SELECT (SELECT COUNT(*) FROM people) + (SELECT COUNT(*) FROM organizations) + "
        "(SELECT COUNT(*) FROM users)");
    if (db::as_int(held.rows.at(0).at(0)).value_or(0) > 0) {
      throw std::invalid_argument(
          "the database already holds people, organizations or users: demo data is loaded into "
          "a fresh database");
    }
  }
  const auto deferred =
      options.defer_indexes ? drop_deferred_indexes(db) : std::vector<DeferredIndex>{};
  DemoDataSummary summary;
  try {
    db::Batch batch(
        db, {options.ops_per_commit, options.relax_durability, options.background_checkpoints});
    Generator g(db, options, progress);
    summary = g.run();
    batch.finish();
  } catch (...) {
    build_deferred_indexes(db, deferred, nullptr, {});  // the schema stays whole
    throw;
  }
  build_deferred_indexes(db, deferred, progress,
                         {options.people, options.people, summary.writes, {}});
  {
    // Planner statistics for the freshly loaded tables: without them SQLite's planner walks
    // every open plan action of the database for one organization's overdue-actions alert
    // (1.5 s at 20,000 people; 10 ms once analysed). ANALYZE takes ~0.6 s at that size.
    auto lease = db.acquire();
    lease->query("ANALYZE");
  }
  return summary;
}

std::function<void(const Progress&)> progress_printer(std::ostream& out, double every_seconds) {
  using Steady = std::chrono::steady_clock;
  const auto start = Steady::now();
  auto last = std::make_shared<Steady::time_point>(start);
  return [&out, every_seconds, start, last](const Progress& p) {
    const auto now = Steady::now();
    if (!p.stage.empty()) {  // a step after the people: always shown
      char buf[256];
      std::snprintf(buf, sizeof buf, "demo-data: %s, elapsed %.0fs\n", p.stage.c_str(),
                    std::chrono::duration<double>(now - start).count());
      out << buf << std::flush;
      return;
    }
    const bool end = p.people_done == p.people_total;
    if (!end && std::chrono::duration<double>(now - *last).count() < every_seconds) return;
    *last = now;
    const double elapsed = std::chrono::duration<double>(now - start).count();
    const double rate = elapsed > 0 ? static_cast<double>(p.people_done) / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(p.people_total - p.people_done) / rate : 0;
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "demo-data: people %lld/%lld (%.1f%%), %lld writes, %.0f people/s, %.0f "
                  "writes/s, elapsed %.0fs, ETA %.0fs\n",
                  static_cast<long long>(p.people_done), static_cast<long long>(p.people_total),
                  p.people_total ? 100.0 * static_cast<double>(p.people_done) /
                                       static_cast<double>(p.people_total)
                                 : 100.0,
                  static_cast<long long>(p.writes), rate,
                  elapsed > 0 ? static_cast<double>(p.writes) / elapsed : 0.0, elapsed, eta);
    out << buf << std::flush;
  };
}

std::string accounts_text(const std::vector<DemoAccount>& accounts) {
  std::string out;
  for (const auto& a : accounts) {
    std::string role = a.role;
    role.resize(std::max<std::size_t>(role.size(), 23), ' ');
    out += "  " + role + " " + a.username + " / " + a.password + "  (" + a.scope + ")\n";
  }
  return out;
}

std::string canonical_dump(db::Database& db) {
  // Business columns only, joined to readable keys (file numbers, organization names), in
  // a total order: ids and the times of writing differ from load to load.
  static const std::vector<std::string> queries = {
      "SELECT o.kind, o.name_fr, o.name_ar, o.province_code, o.phone, i.category, "
      "i.capacity_female, i.capacity_male, i.authorization_status, i.authorization_date, "
      "i.authorization_expires_on, i.director_name, m.name_fr FROM organizations o LEFT JOIN "
      "institutions i ON i.organization_id = o.id LEFT JOIN organizations m ON m.id = "
      "i.managed_by ORDER BY o.province_code, o.kind, o.name_fr",
      "SELECT u.username, u.display_name, u.preferred_language, u.role, u.scope_level, "
      "u.scope_code IS NULL, o.name_fr, u.active FROM users u LEFT JOIN organizations o ON o.id "
      "= u.organization_id ORDER BY u.username",
      "SELECT p.file_number, p.first_name_ar, p.last_name_ar, p.first_name_lat, p.last_name_lat, "
      "p.sex, p.birth_date, p.birth_date_precision, p.cin, p.province_code, p.target_groups, "
      "p.father_first_name, p.consent_given, o.name_fr, p.created_at FROM people p LEFT JOIN "
      "organizations o ON o.id = p.registered_by_org ORDER BY p.file_number",
      "SELECT p.file_number, c.module, c.status, c.risk_level, o.name_fr, c.opened_on, "
      "c.closure_reason, c.review_due_on, c.last_transition_at, u.username FROM cases c JOIN "
      "people p ON p.id = c.person_id JOIN organizations o ON o.id = c.owner_org_id LEFT JOIN "
      "users u ON u.id = c.assigned_user_id ORDER BY p.file_number, c.opened_on, c.module",
      "SELECT p.file_number, t.from_status, t.to_status, t.closure_reason, t.at FROM "
      "case_transitions t JOIN cases c ON c.id = t.case_id JOIN people p ON p.id = c.person_id "
      "ORDER BY p.file_number, t.at, t.from_status, t.to_status",
      "SELECT p.file_number, d.domain, d.score FROM case_assessment_domains d JOIN cases c ON "
      "c.id = d.case_id JOIN people p ON p.id = c.person_id ORDER BY p.file_number, d.domain",
      "SELECT p.file_number, a.title, a.due_on, a.done_on, a.responsible_text, u.username FROM "
      "case_actions a JOIN cases c ON c.id = a.case_id JOIN people p ON p.id = c.person_id LEFT "
      "JOIN users u ON u.id = a.responsible_user_id ORDER BY p.file_number, a.due_on, a.title, "
      "a.done_on",
      "SELECT p.file_number, s.service_type, s.service_date, s.quantity, s.status, o.name_fr "
      "FROM case_services s JOIN cases c ON c.id = s.case_id JOIN people p ON p.id = "
      "c.person_id JOIN organizations o ON o.id = s.provider_org_id ORDER BY p.file_number, "
      "s.service_date, s.service_type, s.status, s.quantity, o.name_fr",
      "SELECT p.file_number, f.name_fr, t.name_fr, r.service_type, r.reason, r.status, "
      "r.decline_reason, r.created_at, r.answered_at, r.completed_at FROM referrals r JOIN "
      "people p ON p.id = r.person_id JOIN organizations f ON f.id = r.from_org_id JOIN "
      "organizations t ON t.id = r.to_org_id ORDER BY p.file_number, r.created_at",
      "SELECT p.file_number, o.name_fr, a.admitted_on, a.reason, a.over_capacity, "
      "a.discharged_on, a.discharge_reason FROM admissions a JOIN people p ON p.id = a.person_id "
      "JOIN organizations o ON o.id = a.institution_id ORDER BY p.file_number, a.admitted_on",
  };
  std::ostringstream out;
  auto lease = db.acquire();
  for (const auto& sql : queries) {
    out << "## " << sql.substr(0, 40) << "\n";
    lease->for_each(sql, {}, [&](const std::vector<db::Value>& row) {
      for (std::size_t k = 0; k < row.size(); ++k) {
        if (k) out << '|';
        const auto& v = row[k];
        if (std::holds_alternative<std::monostate>(v)) {
          out << "∅";
        } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
          out << *n;
        } else if (const auto* d = std::get_if<double>(&v)) {
          out << *d;
        } else {
          out << std::get<std::string>(v);
        }
      }
      out << '\n';
    });
  }
  return out.str();
}

}  // namespace jisr::demo

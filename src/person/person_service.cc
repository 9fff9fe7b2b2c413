// src/person/person_service.cc
#include "person/person_service.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "match/similarity.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::person {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// An empty or blank value means "none".
std::optional<std::string> cleaned(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  auto t = trim(*v);
  if (t.empty()) return std::nullopt;
  return t;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string next_file_number(db::Connection& conn) {
  // Read-then-write inside the caller's write transaction (SQLite holds the write lock;
  // on PostgreSQL the UPDATE takes the row lock), so numbers never repeat. The row is
  // created with ON CONFLICT: two first registrations at once on PostgreSQL would otherwise
  // both insert it, and one would fail on the primary key.
  conn.query(
      "INSERT INTO counters(name, value) VALUES ('person_file', 0) ON CONFLICT (name) DO NOTHING");
  conn.query("UPDATE counters SET value = value + 1 WHERE name = 'person_file'");
  const auto value =
      db::as_int(conn.query("SELECT value FROM counters WHERE name = 'person_file'").rows[0][0])
          .value_or(0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "JSR-%s-%07lld", timeutil::now_utc().substr(0, 4).c_str(),
                static_cast<long long>(value));
  return buf;
}

bool inside_territory(const access::Principal& by, const Person& p) {
  switch (by.scope.level) {
    case access::ScopeLevel::kNational:
      return true;
    case access::ScopeLevel::kRegion:
      return p.region_code == by.scope.code;
    case access::ScopeLevel::kProvince:
      return p.province_code == by.scope.code;
    case access::ScopeLevel::kOrganization:
      return true;  // access comes from person_access
  }
  return false;
}

std::optional<std::string> organization_of(const access::Principal& by) {
  if (by.organization_id) return by.organization_id;
  if (by.scope.level == access::ScopeLevel::kOrganization) return by.scope.code;
  return std::nullopt;
}

// The columns a registration sets and an edit may change, with their values: one list, so
// that INSERT and UPDATE cannot drift apart.
std::vector<std::pair<const char*, db::Value>> editable_columns(const Person& p) {
  return {{"first_name_ar", db::optional_text(p.first_name_ar)},
          {"last_name_ar", db::optional_text(p.last_name_ar)},
          {"first_name_lat", db::optional_text(p.first_name_lat)},
          {"last_name_lat", db::optional_text(p.last_name_lat)},
          {"sex", db::Value(p.sex)},
          {"birth_date", db::optional_text(p.birth_date)},
          {"birth_date_precision", db::Value(p.birth_date_precision)},
          {"cin", db::optional_text(p.cin)},
          {"birth_certificate_number", db::optional_text(p.birth_certificate_number)},
          {"rnp_rsu_id", db::optional_text(p.rnp_rsu_id)},
          {"disability_card_number", db::optional_text(p.disability_card_number)},
          {"nationality", db::Value(p.nationality)},
          {"father_first_name", db::optional_text(p.father_first_name)},
          {"province_code", db::Value(p.province_code)},
          {"region_code", db::Value(p.region_code)},
          {"target_groups", db::Value(join(p.target_groups))},
          {"consent_given", db::Value(std::int64_t{p.consent_given ? 1 : 0})},
          {"consent_at", db::optional_text(p.consent_at)},
          {"consent_recorded_by", db::optional_text(p.consent_recorded_by)}};
}

// The fields an edit compares for the audit entry (never the whole row twice).
nlohmann::json audited_fields(const Person& p) {
  auto j = to_json(p);
  for (const char* k : {"version", "updated_at", "created_at", "id", "file_number"}) j.erase(k);
  return j;
}

// A query that names one file: a file number (JSR-...) or a CIN, upper-cased without
// spaces; empty for anything else (a name).
std::optional<std::string> exact_lookup(const std::string& q) {
  std::string t;
  for (char c : q) {
    if (c != ' ' && c != '\t')
      t.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (t.rfind("JSR-", 0) == 0) return t;
  if (!t.empty() && check_cin(t).empty()) return t;
  return std::nullopt;
}

// Loads these people (scope applied again in SQL) keyed by id.
std::map<std::string, Person> load_visible(db::Connection& conn, const access::Principal& by,
                                           const std::vector<std::string>& ids,
                                           const std::string& extra_condition = "",
                                           std::vector<db::Value> extra_params = {}) {
  std::map<std::string, Person> out;
  constexpr std::size_t kChunk = 200;
  for (std::size_t at = 0; at < ids.size(); at += kChunk) {
    std::vector<db::Value> params = extra_params;
    std::string in;
    for (std::size_t i = at; i < std::min(ids.size(), at + kChunk); ++i) {
      params.emplace_back(ids[i]);
      in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
    }
    const auto where = scope_condition(by, "p", params);
    for (const auto& row :
         conn.query("SELECT " + columns() + " FROM people p WHERE p.id IN (" + in +
                        ") AND p.status <> 'merged' AND " + where + extra_condition,
                    params)
             .rows) {
      auto person = from_row(row);
      out.emplace(person.id, std::move(person));
    }
  }
  return out;
}

}  // namespace

void apply_input(const PersonInput& in, Person& p, bool creating,
                 std::map<std::string, std::string>& errors) {
  auto set = [](const std::optional<std::string>& v, std::optional<std::string>& field) {
    if (v) field = cleaned(v);
  };
  set(in.first_name_ar, p.first_name_ar);
  set(in.last_name_ar, p.last_name_ar);
  set(in.first_name_lat, p.first_name_lat);
  set(in.last_name_lat, p.last_name_lat);
  for (const auto* name :
       {&p.first_name_ar, &p.last_name_ar, &p.first_name_lat, &p.last_name_lat}) {
    if (*name && name->value().size() > 100) errors["name"] = "validation.too_long";
  }
  if (!p.first_name_ar && !p.last_name_ar && !p.first_name_lat && !p.last_name_lat) {
    errors["name"] = "validation.name_required";
  }
  if (in.sex) p.sex = trim(*in.sex);
  if (p.sex != "F" && p.sex != "M")
    errors["sex"] = creating && !in.sex ? "validation.required" : "validation.invalid_sex";
  if (in.birth_date) p.birth_date = cleaned(in.birth_date);
  if (in.birth_date_precision && !trim(*in.birth_date_precision).empty()) {
    p.birth_date_precision = trim(*in.birth_date_precision);
  } else if (creating && p.birth_date && p.birth_date->size() == 4) {
    p.birth_date_precision = "year";
  }
  if (p.birth_date) {
    const auto reason =
        check_birth_date(*p.birth_date, p.birth_date_precision, timeutil::now_utc().substr(0, 10));
    if (!reason.empty()) errors["birth_date"] = reason;
  }
  if (in.cin) {
    p.cin = cleaned(in.cin);
    if (p.cin) {
      std::string upper = *p.cin;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      upper.erase(std::remove(upper.begin(), upper.end(), ' '), upper.end());
      p.cin = upper;
      const auto reason = check_cin(upper);
      if (!reason.empty()) errors["cin"] = reason;
    }
  }
  set(in.birth_certificate_number, p.birth_certificate_number);
  set(in.rnp_rsu_id, p.rnp_rsu_id);
  set(in.disability_card_number, p.disability_card_number);
  set(in.father_first_name, p.father_first_name);
  if (in.nationality && !trim(*in.nationality).empty()) {
    p.nationality = trim(*in.nationality);
    if (p.nationality.size() != 2) errors["nationality"] = "validation.invalid_nationality";
  }
  if (in.province) p.province_code = trim(*in.province);
  if (p.province_code.empty()) errors["province"] = "validation.required";
  if (in.target_groups) {
    p.target_groups.clear();
    for (const auto& g : *in.target_groups) {
      const auto& codes = target_group_codes();
      if (std::find(codes.begin(), codes.end(), g) == codes.end()) {
        errors["target_groups"] = "validation.invalid_target_group";
      } else if (std::find(p.target_groups.begin(), p.target_groups.end(), g) ==
                 p.target_groups.end()) {
        p.target_groups.push_back(g);
      }
    }
  }
}

std::vector<DuplicateCandidate> PersonService::duplicates(db::Connection& conn,
                                                          const access::Principal& by,
                                                          const Person& p) {
  if (search_) return fuzzy_duplicates(conn, by, p);
  // Exact signals only, until the cross-script matcher (src/match) takes over: the same CIN,
  // or the same names in one script and the same birth year. Only people the caller may
  // see are named, so the warning never reveals a file outside the scope.
  std::vector<db::Value> params;
  std::string sql = "SELECT " + columns() + " FROM people p WHERE p.status = 'active' AND (";
  std::vector<std::string> alternatives;
  if (p.cin) {
    params.emplace_back(*p.cin);
    alternatives.push_back("p.cin = $" + std::to_string(params.size()));
  }
  const std::string year = p.birth_date ? p.birth_date->substr(0, 4) : "";
  auto name_match = [&](const std::optional<std::string>& first,
                        const std::optional<std::string>& last, const char* first_col,
                        const char* last_col) {
    if (!first || !last) return;
    params.emplace_back(lower_ascii(*first));
    const auto a = std::to_string(params.size());
    params.emplace_back(lower_ascii(*last));
    const auto b = std::to_string(params.size());
    std::string cond = std::string("(LOWER(p.") + first_col + ") = $" + a + " AND LOWER(p." +
                       last_col + ") = $" + b;
    if (!year.empty()) {
      params.emplace_back(year);
      cond += " AND (p.birth_date IS NULL OR SUBSTR(p.birth_date, 1, 4) = $" +
              std::to_string(params.size()) + ")";
    }
    alternatives.push_back(cond + ")");
  };
  name_match(p.first_name_lat, p.last_name_lat, "first_name_lat", "last_name_lat");
  name_match(p.first_name_ar, p.last_name_ar, "first_name_ar", "last_name_ar");
  if (alternatives.empty()) return {};
  for (std::size_t i = 0; i < alternatives.size(); ++i) sql += (i ? " OR " : "") + alternatives[i];
  sql += ") AND " + scope_condition(by, "p", params) + " LIMIT 10";
  std::vector<DuplicateCandidate> out;
  for (const auto& row : conn.query(sql, params).rows) {
    DuplicateCandidate c{from_row(row), 0.0};
    c.score = (p.cin && c.person.cin == p.cin) ? 1.0 : 0.9;
    out.push_back(std::move(c));
  }
  return out;
}

Person PersonService::create(const access::Principal& by, const audit::Actor& actor,
                             const PersonInput& in, bool confirm_new) {
  if (!by.can(access::Action::kPersonWrite)) throw Forbidden();
  Person p;
  std::map<std::string, std::string> errors;
  apply_input(in, p, true, errors);
  db::Transaction tx(db_, db::TxMode::kWrite);
  if (!p.province_code.empty() && !errors.count("province")) {
    auto t = tx.query("SELECT level, parent_code FROM territories WHERE code = $1",
                      {db::Value(p.province_code)});
    if (t.empty() || db::text_or(t.rows[0][0], "") != "province") {
      errors["province"] = "validation.unknown_territory";
    } else {
      p.region_code = db::text_or(t.rows[0][1], "");
    }
  }
  if (!errors.empty()) throw Invalid(errors);
  if (!inside_territory(by, p)) throw Invalid("province", "validation.outside_scope");
  if (!confirm_new) {
    auto candidates = duplicates(tx.conn(), by, p);
    if (!candidates.empty()) throw PossibleDuplicate(std::move(candidates));
  }
  p.id = ids::new_id();
  p.file_number = next_file_number(tx.conn());
  p.registered_by_org = organization_of(by);
  p.created_at = p.updated_at = timeutil::now_utc();
  if (in.consent_given.value_or(false)) {
    p.consent_given = true;
    p.consent_at = p.created_at;
    p.consent_recorded_by = by.user_id;
  }
  std::vector<db::Value> params = {db::Value(p.id), db::Value(p.file_number),
                                   db::optional_text(p.registered_by_org), db::Value(p.created_at),
                                   db::Value(by.user_id)};
  std::string columns = "id, file_number, registered_by_org, created_at, created_by";
  std::string values = "$1, $2, $3, $4, $5";
  for (auto& [column, value] : editable_columns(p)) {
    params.push_back(std::move(value));
    columns += std::string(", ") + column;
    values += ", $" + std::to_string(params.size());
  }
  tx.query("INSERT INTO people(" + columns + ", updated_at, status, version) VALUES (" + values +
               ", $4, 'active', 1)",
           params);
  if (p.registered_by_org) grant_access(tx.conn(), p.id, *p.registered_by_org, "registration");
  record_change(tx.conn(), p.id);
  audit::append(tx.conn(), actor, "create", "person", p.id, nullptr, audited_fields(p),
                place_of(p));
  tx.commit();
  if (search_) search_->put(p);
  return p;
}

Person PersonService::open_file(const access::Principal& by, const audit::Actor& actor,
                                const std::string& id) {
  if (!by.can(access::Action::kPersonRead)) throw Forbidden();
  std::optional<Person> p;
  {
    auto lease = db_.acquire();
    p = find_visible(*lease, by, id);
  }
  if (!p) throw NotFound();
  audit::record(db_, actor, "view", "person", p->id, nullptr, place_of(*p));
  return *p;
}

Person PersonService::open_file(db::Connection& conn, const access::Principal& by,
                                const audit::Actor& actor, const std::string& id) {
  if (!by.can(access::Action::kPersonRead)) throw Forbidden();
  auto p = find_visible(conn, by, id);
  if (!p) throw NotFound();
  audit::record(db_, actor, "view", "person", p->id, nullptr, place_of(*p));
  return *p;
}

Person PersonService::update(const access::Principal& by, const audit::Actor& actor,
                             const std::string& id, const PersonInput& in,
                             std::int64_t expected_version) {
  if (!by.can(access::Action::kPersonWrite)) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto current = find_visible(tx.conn(), by, id);
  if (!current) throw NotFound();
  if (current->version != expected_version) throw Conflict("stale_version", "error.stale_version");
  Person p = *current;
  std::map<std::string, std::string> errors;
  apply_input(in, p, false, errors);
  if (p.province_code != current->province_code && !errors.count("province")) {
    auto t = tx.query("SELECT level, parent_code FROM territories WHERE code = $1",
                      {db::Value(p.province_code)});
    if (t.empty() || db::text_or(t.rows[0][0], "") != "province") {
      errors["province"] = "validation.unknown_territory";
    } else {
      p.region_code = db::text_or(t.rows[0][1], "");
    }
  }
  if (!errors.empty()) throw Invalid(errors);
  if (!inside_territory(by, p)) throw Invalid("province", "validation.outside_scope");
  if (in.consent_given && *in.consent_given != current->consent_given) {
    p.consent_given = *in.consent_given;
    p.consent_at = timeutil::now_utc();
    p.consent_recorded_by = by.user_id;
  }
  p.version = current->version + 1;
  p.updated_at = timeutil::now_utc();
  std::vector<db::Value> params;
  std::string assignments;
  for (auto& [column, value] : editable_columns(p)) {
    params.push_back(std::move(value));
    assignments += std::string(column) + " = $" + std::to_string(params.size()) + ", ";
  }
  const auto n = params.size();
  params.insert(params.end(), {db::Value(p.version), db::Value(p.updated_at), db::Value(p.id),
                               db::Value(expected_version)});
  auto result =
      tx.query("UPDATE people SET " + assignments + "version = $" + std::to_string(n + 1) +
                   ", updated_at = $" + std::to_string(n + 2) + " WHERE id = $" +
                   std::to_string(n + 3) + " AND version = $" + std::to_string(n + 4),
               params);
  if (result.affected_rows != 1) throw Conflict("stale_version", "error.stale_version");
  record_change(tx.conn(), p.id);
  auto [before, after] = audit::diff(audited_fields(*current), audited_fields(p));
  audit::append(tx.conn(), actor, "update", "person", p.id, before, after, place_of(p));
  tx.commit();
  return p;
}

std::vector<Person> PersonService::list(const access::Principal& by, const PersonFilter& filter,
                                        const std::optional<std::string>& after_id, int limit) {
  if (!by.can(access::Action::kPersonRead)) throw Forbidden();
  if (search_ && filter.q && !trim(*filter.q).empty() && !exact_lookup(*filter.q)) {
    return ranked(by, filter, after_id, limit);
  }
  std::vector<db::Value> params;
  std::string sql = "SELECT " + columns() + " FROM people p WHERE p.status <> 'merged' AND " +
                    scope_condition(by, "p", params);
  if (filter.q && !trim(*filter.q).empty() && search_) {
    // A file number or a CIN: equality (case and spaces ignored).
    params.emplace_back(*exact_lookup(*filter.q));
    const auto n = "$" + std::to_string(params.size());
    sql += " AND (p.file_number = " + n + " OR p.cin = " + n + ")";
  } else if (filter.q && !trim(*filter.q).empty()) {
    // Substring search over both scripts, the file number and the CIN. The cross-script
    // fuzzy index of the matching module replaces this for ranked search.
    std::string like = "%";
    for (char c : trim(*filter.q)) {
      if (c == '%' || c == '_' || c == '\\') like.push_back('\\');
      like.push_back(c);
    }
    like.push_back('%');
    params.emplace_back(lower_ascii(like));
    const auto n = "$" + std::to_string(params.size());
    sql += " AND (";
    const char* cols[] = {"first_name_lat", "last_name_lat", "first_name_ar",
                          "last_name_ar",   "file_number",   "cin"};
    for (std::size_t i = 0; i < std::size(cols); ++i) {
      sql += std::string(i ? " OR " : "") + "LOWER(p." + cols[i] + ") LIKE " + n + " ESCAPE '\\'";
    }
    sql += ")";
  }
  if (filter.province && !filter.province->empty()) {
    params.emplace_back(*filter.province);
    sql += " AND p.province_code = $" + std::to_string(params.size());
  }
  if (filter.target_group && !filter.target_group->empty()) {
    params.emplace_back("%," + *filter.target_group + ",%");
    sql += " AND (',' || p.target_groups || ',') LIKE $" + std::to_string(params.size());
  }
  if (after_id) {
    params.emplace_back(*after_id);
    sql += " AND p.id < $" + std::to_string(params.size());
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY p.id DESC LIMIT $" + std::to_string(params.size());
  auto lease = db_.acquire();
  std::vector<Person> out;
  for (const auto& row : lease->query(sql, params).rows) out.push_back(from_row(row));
  return out;
}

void PersonService::add_relation(const access::Principal& by, const audit::Actor& actor,
                                 const std::string& person_id, const std::string& related_id,
                                 const std::string& kind) {
  if (!by.can(access::Action::kPersonWrite)) throw Forbidden();
  static const std::map<std::string, std::string> inverse = {
      {"parent", "child"},  {"child", "parent"},  {"sibling", "sibling"}, {"guardian", "ward"},
      {"ward", "guardian"}, {"kafil", "makfoul"}, {"makfoul", "kafil"}};
  auto inv = inverse.find(kind);
  if (inv == inverse.end()) throw Invalid("kind", "validation.invalid_relation");
  if (person_id == related_id) throw Invalid("related_person_id", "validation.self_relation");
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto a = find_visible(tx.conn(), by, person_id);
  auto b = find_visible(tx.conn(), by, related_id);
  if (!a) throw NotFound();
  if (!b) throw Invalid("related_person_id", "validation.unknown_person");
  const auto now = timeutil::now_utc();
  try {
    tx.query(
        "INSERT INTO person_relations(person_id, related_person_id, kind, created_at) "
        "VALUES ($1, $2, $3, $4)",
        {db::Value(person_id), db::Value(related_id), db::Value(kind), db::Value(now)});
    tx.query(
        "INSERT INTO person_relations(person_id, related_person_id, kind, created_at) "
        "VALUES ($1, $2, $3, $4)",
        {db::Value(related_id), db::Value(person_id), db::Value(inv->second), db::Value(now)});
  } catch (const db::UniqueViolation&) {
    throw Conflict("duplicate_relation", "validation.duplicate_relation");
  }
  audit::append(tx.conn(), actor, "update", "person", person_id, nullptr,
                {{"relation", {{"kind", kind}, {"person_id", related_id}}}}, place_of(*a));
  tx.commit();
}

std::vector<PersonService::Relation> PersonService::relations(const access::Principal& by,
                                                              const std::string& person_id) {
  auto lease = db_.acquire();
  return relations(*lease, by, person_id);
}

std::vector<PersonService::Relation> PersonService::relations(db::Connection& conn,
                                                              const access::Principal& by,
                                                              const std::string& person_id) {
  std::vector<db::Value> params = {db::Value(person_id)};
  const auto where = scope_condition(by, "p", params);
  auto rows = conn.query("SELECT " + columns() +
                             ", r.kind FROM person_relations r JOIN people p ON p.id = "
                             "r.related_person_id WHERE r.person_id = $1 AND " +
                             where,
                         params);
  std::vector<Relation> out;
  for (const auto& row : rows.rows) {
    out.push_back({from_row(row), db::text_or(row.back(), "")});
  }
  return out;
}

std::vector<Person> PersonService::ranked(const access::Principal& by, const PersonFilter& filter,
                                          const std::optional<std::string>& after_id, int limit) {
  const std::string q = trim(*filter.q);
  std::string extra;
  std::vector<db::Value> params;
  if (filter.target_group && !filter.target_group->empty()) {
    params.emplace_back("%," + *filter.target_group + ",%");
    extra = " AND (',' || p.target_groups || ',') LIKE $1";
  }
  auto lease = db_.acquire();
  // A list is not a guess: a hit stays when every query word is part of the person's names
  // as typed (partial names), or when it scores at least kListFloor and 0.8 of the best
  // (typos, other script, other spelling).
  std::vector<std::string> words;
  {
    std::string word;
    for (char c : lower_ascii(q) + " ") {
      if (c == ' ' || c == '\t') {
        if (!word.empty()) words.push_back(word);
        word.clear();
      } else {
        word.push_back(c);
      }
    }
  }
  auto contains_words = [&](const Person& p) {
    std::string names;
    for (const auto* n : {&p.first_name_ar, &p.last_name_ar, &p.first_name_lat, &p.last_name_lat}) {
      if (*n) names += lower_ascii(**n) + " ";
    }
    return std::all_of(words.begin(), words.end(),
                       [&](const std::string& w) { return names.find(w) != std::string::npos; });
  };
  // Names hold no digits: a query with digits that is not a file number or a CIN is matched
  // as typed only (the index would read "12AB" as the one-letter name "b").
  const bool has_digit =
      std::any_of(q.begin(), q.end(), [](char c) { return c >= '0' && c <= '9'; });
  // People loaded so far (visible, in the target group), and the ids already asked for:
  // kept across the deeper searches below.
  std::map<std::string, Person> found;
  std::set<std::string> asked;
  // The index is asked for what the page needs (its hits are already filtered by the
  // caller's scope, and re-ranking costs per hit): this page and a margin for the hits the
  // list drops (weak matches, target group). When that is not enough (the cursor's person
  // is not among them, or the page is not full while the index may hold more), the search
  // is repeated 4x deeper, up to kSearchDepth. The depths tried follow from `limit` alone,
  // so a page is always computed from the same searches.
  const auto wanted = static_cast<std::size_t>(std::max(limit, 0));
  std::size_t depth = 32;
  while (depth < wanted + wanted / 2 + 16) depth *= 2;
  depth = std::min(depth, kSearchDepth);
  for (;;) {
    std::size_t index_hits = 0;
    const auto hits = search_->search(*lease, by, q, depth, filter.province, &index_hits);
    const bool complete = index_hits < depth || depth >= kSearchDepth;
    // People are loaded a chunk of hits at a time, as far as the page needs.
    std::size_t loaded = 0;
    auto load_up_to = [&](std::size_t index) {
      if (index < loaded) return;
      const std::size_t end = std::min(hits.size(), std::max(index + 1, loaded + 64));
      std::vector<std::string> ids;
      for (std::size_t i = loaded; i < end; ++i) {
        if (asked.insert(hits[i].id).second) ids.push_back(hits[i].id);
      }
      if (!ids.empty()) found.merge(load_visible(*lease, by, ids, extra, params));
      loaded = end;
    };
    const double best = hits.empty() || has_digit ? 2.0 : hits.front().score;
    std::vector<Person> out;
    bool started = !after_id;
    for (std::size_t i = 0; i < hits.size(); ++i) {
      const auto& h = hits[i];
      load_up_to(i);
      auto it = found.find(h.id);
      if (it == found.end()) continue;
      const bool strong = h.score >= kListFloor && h.score >= 0.8 * best;
      if (!strong && !contains_words(it->second)) continue;
      if (!started) {
        started = h.id == *after_id;
        continue;
      }
      out.push_back(it->second);
      if (static_cast<int>(out.size()) >= limit) return out;
    }
    if (complete) return out;
    depth = std::min(depth * 4, kSearchDepth);
  }
}

std::vector<DuplicateCandidate> PersonService::fuzzy_duplicates(db::Connection& conn,
                                                                const access::Principal& by,
                                                                const Person& p) {
  // Candidates: the same CIN (SQL, indexed), and the best name matches of the index; then
  // each is scored with the Fellegi–Sunter comparison (birth date, sex, CIN, province,
  // father's name). Only people the caller may see are ever named.
  std::vector<std::string> ids;
  if (p.cin) {
    std::vector<db::Value> params = {db::Value(*p.cin)};
    const auto where = scope_condition(by, "p", params);
    for (const auto& row :
         conn.query("SELECT p.id FROM people p WHERE p.cin = $1 AND p.status = 'active' AND " +
                        where + " LIMIT 20",
                    params)
             .rows) {
      ids.push_back(db::text_or(row[0], ""));
    }
  }
  // The same exact birth date (indexed): catches a duplicate whose names are so common that
  // it would not make the index's top list (thousands of "Mohamed Alaoui").
  if (p.birth_date && p.birth_date->size() == 10) {
    std::vector<db::Value> params = {db::Value(*p.birth_date)};
    const auto where = scope_condition(by, "p", params);
    for (const auto& row : conn.query("SELECT p.id FROM people p WHERE p.birth_date = $1 AND "
                                      "p.status = 'active' AND " +
                                          where + " LIMIT 500",
                                      params)
                               .rows) {
      auto id = db::text_or(row[0], "");
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
    }
  }
  std::string query;
  for (const auto* name :
       {&p.first_name_lat, &p.last_name_lat, &p.first_name_ar, &p.last_name_ar}) {
    if (*name) query += (query.empty() ? "" : " ") + **name;
  }
  for (const auto& hit : search_->search(conn, by, query, 50)) {
    if (std::find(ids.begin(), ids.end(), hit.id) == ids.end()) ids.push_back(hit.id);
  }
  const auto mine = match::prepare(match_record(p));
  std::vector<DuplicateCandidate> out;
  for (auto& [id, other] : load_visible(conn, by, ids, " AND p.status = 'active'")) {
    const double score = match::score(mine, match::prepare(match_record(other)));
    const bool same_cin = p.cin && other.cin == p.cin;
    if (score >= kDuplicateThreshold || same_cin) out.push_back({std::move(other), score});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.score != b.score ? a.score > b.score : a.person.id < b.person.id;
  });
  if (out.size() > 10) out.resize(10);
  return out;
}

std::optional<Person> PersonService::find_by_file_number(const access::Principal& by,
                                                         const std::string& file_number) {
  if (!by.can(access::Action::kPersonRead)) throw Forbidden();
  auto lease = db_.acquire();
  std::string upper = trim(file_number);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::vector<db::Value> params = {db::Value(upper)};
  const auto where = scope_condition(by, "p", params);
  auto rows = lease->query(
      "SELECT " + columns() + " FROM people p WHERE p.file_number = $1 AND " + where, params);
  if (rows.empty()) return std::nullopt;
  return from_row(rows.rows[0]);
}

namespace {

std::vector<std::string> ids_of(db::Connection& conn, const std::string& sql,
                                const std::string& person_id) {
  std::vector<std::string> out;
  for (const auto& row : conn.query(sql, {db::Value(person_id)}).rows) {
    out.push_back(db::text_or(row[0], ""));
  }
  return out;
}

// Moves rows of `table` listed in `ids` from person `from` to person `to`.
void move_rows(db::Connection& conn, const std::string& table, const nlohmann::json& ids,
               const std::string& from, const std::string& to) {
  for (const auto& id : ids) {
    conn.query("UPDATE " + table + " SET person_id = $1 WHERE id = $2 AND person_id = $3",
               {db::Value(to), db::Value(id.get<std::string>()), db::Value(from)});
  }
}

const char* const kIdentifierFields[] = {"cin", "birth_certificate_number", "rnp_rsu_id",
                                         "disability_card_number", "father_first_name"};

std::optional<std::string> identifier(const Person& p, const std::string& field) {
  if (field == "cin") return p.cin;
  if (field == "birth_certificate_number") return p.birth_certificate_number;
  if (field == "rnp_rsu_id") return p.rnp_rsu_id;
  if (field == "disability_card_number") return p.disability_card_number;
  if (field == "father_first_name") return p.father_first_name;
  return std::nullopt;
}

bool has_open_admission(db::Connection& conn, const std::string& person_id) {
  return !conn.query("SELECT 1 FROM admissions WHERE person_id = $1 AND discharged_on IS NULL",
                     {db::Value(person_id)})
              .empty();
}

}  // namespace

Person PersonService::merge(const access::Principal& by, const audit::Actor& actor,
                            const std::string& id, const std::string& into) {
  if (!by.can(access::Action::kPersonMerge)) throw Forbidden();
  if (id == into) throw Conflict("merge_self", "person.merge.error.self");
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto& conn = tx.conn();
  auto merged = find_visible(conn, by, id);
  if (!merged) throw NotFound();
  auto survivor = find_visible(conn, by, into);
  if (!survivor) throw Invalid("into", "validation.unknown_person");
  if (merged->status == "merged" || survivor->status == "merged") {
    throw Conflict("already_merged", "person.merge.error.already_merged");
  }
  if (has_open_admission(conn, id) && has_open_admission(conn, into)) {
    throw Conflict("both_admitted", "person.merge.error.both_admitted");
  }
  nlohmann::json moved = nlohmann::json::object();
  moved["cases"] = ids_of(conn, "SELECT id FROM cases WHERE person_id = $1 ORDER BY id", id);
  moved["admissions"] =
      ids_of(conn, "SELECT id FROM admissions WHERE person_id = $1 ORDER BY id", id);
  moved["referrals"] =
      ids_of(conn, "SELECT id FROM referrals WHERE person_id = $1 ORDER BY id", id);
  move_rows(conn, "cases", moved["cases"], id, into);
  move_rows(conn, "admissions", moved["admissions"], id, into);
  move_rows(conn, "referrals", moved["referrals"], id, into);

  // Relations: every row naming the merged person is removed and, rewritten to name the
  // survivor, added back unless it would relate the survivor to itself or already exists.
  nlohmann::json removed = nlohmann::json::array(), added = nlohmann::json::array();
  for (const auto& row :
       conn.query("SELECT person_id, related_person_id, kind, created_at FROM person_relations "
                  "WHERE person_id = $1 OR related_person_id = $1 ORDER BY person_id, "
                  "related_person_id, kind",
                  {db::Value(id)})
           .rows) {
    removed.push_back({db::text_or(row[0], ""), db::text_or(row[1], ""), db::text_or(row[2], ""),
                       db::text_or(row[3], "")});
  }
  conn.query("DELETE FROM person_relations WHERE person_id = $1 OR related_person_id = $1",
             {db::Value(id)});
  for (const auto& r : removed) {
    std::string a = r[0], b = r[1];
    if (a == id) a = into;
    if (b == id) b = into;
    if (a == b) continue;
    const std::string kind = r[2];
    if (!conn.query("SELECT 1 FROM person_relations WHERE person_id = $1 AND related_person_id = "
                    "$2 AND kind = $3",
                    {db::Value(a), db::Value(b), db::Value(kind)})
             .empty()) {
      continue;
    }
    conn.query(
        "INSERT INTO person_relations(person_id, related_person_id, kind, created_at) VALUES "
        "($1, $2, $3, $4)",
        {db::Value(a), db::Value(b), db::Value(kind), db::Value(r[3].get<std::string>())});
    added.push_back({a, b, kind});
  }
  moved["relations_removed"] = removed;
  moved["relations_added"] = added;

  // Organizations that worked with the merged person now work with the survivor.
  nlohmann::json access_added = nlohmann::json::array();
  for (const auto& row :
       conn.query("SELECT organization_id, reason FROM person_access WHERE person_id = $1 AND "
                  "organization_id NOT IN (SELECT organization_id FROM person_access WHERE "
                  "person_id = $2)",
                  {db::Value(id), db::Value(into)})
           .rows) {
    const auto org = db::text_or(row[0], "");
    grant_access(conn, into, org, "merge");
    access_added.push_back(org);
  }
  moved["access_added"] = access_added;

  // Identifiers the survivor lacks.
  nlohmann::json copied = nlohmann::json::object();
  for (const char* field : kIdentifierFields) {
    auto mine = identifier(*survivor, field);
    auto theirs = identifier(*merged, field);
    if (!mine && theirs) {
      conn.query(std::string("UPDATE people SET ") + field + " = $1 WHERE id = $2",
                 {db::Value(*theirs), db::Value(into)});
      copied[field] = *theirs;
    }
  }
  moved["identifiers_copied"] = copied;
  moved["previous_status"] = merged->status;

  const auto now = timeutil::now_utc();
  conn.query(
      "UPDATE people SET status = 'merged', merged_into = $1, version = version + 1, "
      "updated_at = $2 WHERE id = $3",
      {db::Value(into), db::Value(now), db::Value(id)});
  conn.query("UPDATE people SET version = version + 1, updated_at = $1 WHERE id = $2",
             {db::Value(now), db::Value(into)});
  const auto merge_id = ids::new_id();
  conn.query(
      "INSERT INTO person_merges(id, person_id, into_id, moved, merged_at, merged_by) VALUES "
      "($1, $2, $3, $4, $5, $6)",
      {db::Value(merge_id), db::Value(id), db::Value(into), db::Value(moved.dump()), db::Value(now),
       db::Value(by.user_id)});
  record_change(conn, id);
  record_change(conn, into);
  audit::append(conn, actor, "merge", "person", id, {{"status", merged->status}},
                {{"status", "merged"}, {"merged_into", into}, {"merge_id", merge_id}},
                place_of(*merged));
  audit::append(conn, actor, "update", "person", into, nullptr,
                {{"merged_from", id}, {"moved", moved}}, place_of(*survivor));
  auto result = find(conn, into);
  tx.commit();
  return *result;
}

std::optional<PersonService::MergeRecord> PersonService::last_merge(const access::Principal& by,
                                                                    const std::string& id) {
  if (!by.can(access::Action::kPersonUnmerge)) throw Forbidden();
  auto lease = db_.acquire();
  auto rows = lease->query(
      "SELECT id, person_id, into_id, merged_at, merged_by, moved FROM person_merges WHERE "
      "person_id = $1 AND undone_at IS NULL ORDER BY merged_at DESC, id DESC LIMIT 1",
      {db::Value(id)});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows.rows[0];
  MergeRecord m{db::text_or(r[0], ""), db::text_or(r[1], ""),
                db::text_or(r[2], ""), db::text_or(r[3], ""),
                db::as_text(r[4]),     nlohmann::json::parse(db::text_or(r[5], "{}"))};
  return m;
}

std::vector<PersonService::MergedRecord> PersonService::merged_into(const access::Principal& by,
                                                                    const std::string& into_id,
                                                                    int limit) {
  if (!by.can(access::Action::kPersonUnmerge)) throw Forbidden();
  std::vector<db::Value> params = {db::Value(into_id)};
  std::string sql =
      "SELECT p.id, p.file_number, m.merged_at FROM person_merges m "
      "JOIN people p ON p.id = m.person_id "
      "WHERE m.into_id = $1 AND m.undone_at IS NULL AND p.status = 'merged' "
      "AND p.merged_into = $1 AND " +
      scope_condition(by, "p", params);
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY m.merged_at DESC, m.id DESC LIMIT $" + std::to_string(params.size());
  auto lease = db_.acquire();
  std::vector<MergedRecord> out;
  for (const auto& r : lease->query(sql, params).rows) {
    out.push_back({db::text_or(r[0], ""), db::text_or(r[1], ""), db::text_or(r[2], "")});
  }
  return out;
}

std::vector<PersonService::MergeListItem> PersonService::list_merges(
    const access::Principal& by, const std::optional<MergeCursor>& after, int limit,
    bool include_undone) {
  if (!by.can(access::Action::kPersonUnmerge)) throw Forbidden();
  std::vector<db::Value> params;
  std::string sql =
      "SELECT m.id, m.person_id, p.file_number, m.into_id, s.file_number, m.merged_at, "
      "u.username, m.undone_at FROM person_merges m "
      "JOIN people p ON p.id = m.person_id JOIN people s ON s.id = m.into_id "
      "LEFT JOIN users u ON u.id = m.merged_by WHERE " +
      scope_condition(by, "p", params);
  if (!include_undone) sql += " AND m.undone_at IS NULL";
  if (after) {
    params.emplace_back(after->merged_at);
    const auto at = "$" + std::to_string(params.size());
    params.emplace_back(after->id);
    const auto id = "$" + std::to_string(params.size());
    sql += " AND (m.merged_at < " + at + " OR (m.merged_at = " + at + " AND m.id < " + id + "))";
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY m.merged_at DESC, m.id DESC LIMIT $" + std::to_string(params.size());
  auto lease = db_.acquire();
  std::vector<MergeListItem> out;
  for (const auto& r : lease->query(sql, params).rows) {
    out.push_back({db::text_or(r[0], ""), db::text_or(r[1], ""), db::text_or(r[2], ""),
                   db::text_or(r[3], ""), db::text_or(r[4], ""), db::text_or(r[5], ""),
                   db::as_text(r[6]), db::as_text(r[7])});
  }
  return out;
}

Person PersonService::unmerge(const access::Principal& by, const audit::Actor& actor,
                              const std::string& id) {
  if (!by.can(access::Action::kPersonUnmerge)) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto& conn = tx.conn();
  auto person = find_visible(conn, by, id);
  if (!person) throw NotFound();
  if (person->status != "merged" || !person->merged_into) {
    throw Conflict("not_merged", "person.merge.error.not_merged");
  }
  auto rows = conn.query(
      "SELECT id, into_id, moved FROM person_merges WHERE person_id = $1 AND undone_at IS NULL "
      "ORDER BY merged_at DESC, id DESC LIMIT 1",
      {db::Value(id)});
  if (rows.empty()) throw Conflict("not_merged", "person.merge.error.not_merged");
  const auto merge_id = db::text_or(rows.rows[0][0], "");
  const auto into = db::text_or(rows.rows[0][1], "");
  const auto moved = nlohmann::json::parse(db::text_or(rows.rows[0][2], "{}"));
  auto survivor = find(conn, into);
  if (!survivor) throw NotFound();
  if (survivor->status == "merged") {
    throw Conflict("survivor_merged", "person.merge.error.survivor_merged");
  }
  // An admission moved back must not give the survivor and the person two open stays:
  // the partial unique index would refuse it anyway; the survivor cannot have been
  // admitted elsewhere meanwhile if the moved admission is still open.
  move_rows(conn, "cases", moved.value("cases", nlohmann::json::array()), into, id);
  move_rows(conn, "admissions", moved.value("admissions", nlohmann::json::array()), into, id);
  move_rows(conn, "referrals", moved.value("referrals", nlohmann::json::array()), into, id);
  for (const auto& a : moved.value("relations_added", nlohmann::json::array())) {
    conn.query(
        "DELETE FROM person_relations WHERE person_id = $1 AND related_person_id = $2 AND kind = "
        "$3",
        {db::Value(a[0].get<std::string>()), db::Value(a[1].get<std::string>()),
         db::Value(a[2].get<std::string>())});
  }
  for (const auto& r : moved.value("relations_removed", nlohmann::json::array())) {
    if (!conn.query("SELECT 1 FROM person_relations WHERE person_id = $1 AND related_person_id = "
                    "$2 AND kind = $3",
                    {db::Value(r[0].get<std::string>()), db::Value(r[1].get<std::string>()),
                     db::Value(r[2].get<std::string>())})
             .empty()) {
      continue;
    }
    conn.query(
        "INSERT INTO person_relations(person_id, related_person_id, kind, created_at) VALUES "
        "($1, $2, $3, $4)",
        {db::Value(r[0].get<std::string>()), db::Value(r[1].get<std::string>()),
         db::Value(r[2].get<std::string>()), db::Value(r[3].get<std::string>())});
  }
  for (const auto& org : moved.value("access_added", nlohmann::json::array())) {
    conn.query("DELETE FROM person_access WHERE person_id = $1 AND organization_id = $2",
               {db::Value(into), db::Value(org.get<std::string>())});
  }
  const auto copied = moved.value("identifiers_copied", nlohmann::json::object());
  for (const auto& [field, value] : copied.items()) {
    bool known = false;
    for (const char* f : kIdentifierFields) known = known || field == f;
    if (!known) continue;
    // Only while the survivor still holds the copied value (an edit since wins).
    conn.query("UPDATE people SET " + field + " = NULL WHERE id = $1 AND " + field + " = $2",
               {db::Value(into), db::Value(value.get<std::string>())});
  }
  const auto now = timeutil::now_utc();
  conn.query(
      "UPDATE people SET status = $1, merged_into = NULL, version = version + 1, updated_at = $2 "
      "WHERE id = $3",
      {db::Value(moved.value("previous_status", std::string("active"))), db::Value(now),
       db::Value(id)});
  conn.query("UPDATE people SET version = version + 1, updated_at = $1 WHERE id = $2",
             {db::Value(now), db::Value(into)});
  conn.query("UPDATE person_merges SET undone_at = $1, undone_by = $2 WHERE id = $3",
             {db::Value(now), db::Value(by.user_id), db::Value(merge_id)});
  record_change(conn, id);
  record_change(conn, into);
  audit::append(
      conn, actor, "unmerge", "person", id, {{"status", "merged"}, {"merged_into", into}},
      {{"status", moved.value("previous_status", std::string("active"))}, {"merge_id", merge_id}},
      place_of(*person));
  auto result = find(conn, id);
  tx.commit();
  return *result;
}

}  // namespace jisr::person

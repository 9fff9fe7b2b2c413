// src/org/org_store.cc
#include "org/org_store.h"

#include <map>

#include "platform/util/ids.h"

namespace jisr::org {
namespace {

constexpr const char* kSelect =
    "SELECT o.id, o.kind, o.name_fr, o.name_ar, o.province_code, o.region_code, o.address, "
    "o.phone, o.email, o.version, o.created_at, o.updated_at, i.organization_id, i.category, "
    "i.managed_by, i.director_name, i.capacity_female, i.capacity_male, i.latitude, "
    "i.longitude, i.authorization_status, i.authorization_number, i.authorization_date, "
    "i.authorization_expires_on";
constexpr const char* kFrom =
    " FROM organizations o LEFT JOIN institutions i ON i.organization_id = o.id";
constexpr std::size_t kColumnCount = 24;

Organization from_row(const std::vector<db::Value>& r) {
  Organization o;
  o.id = db::text_or(r[0], "");
  o.kind = db::text_or(r[1], "");
  o.name_fr = db::as_text(r[2]);
  o.name_ar = db::as_text(r[3]);
  o.province_code = db::text_or(r[4], "");
  o.region_code = db::text_or(r[5], "");
  o.address = db::as_text(r[6]);
  o.phone = db::as_text(r[7]);
  o.email = db::as_text(r[8]);
  o.version = db::as_int(r[9]).value_or(1);
  o.created_at = db::text_or(r[10], "");
  o.updated_at = db::text_or(r[11], "");
  if (db::as_text(r[12])) {
    Institution i;
    i.category = db::text_or(r[13], "");
    i.managed_by = db::as_text(r[14]);
    i.director = db::as_text(r[15]);
    i.capacity_female = db::as_int(r[16]).value_or(0);
    i.capacity_male = db::as_int(r[17]).value_or(0);
    i.latitude = db::as_real(r[18]);
    i.longitude = db::as_real(r[19]);
    i.authorization.status = db::text_or(r[20], "pending");
    i.authorization.number = db::as_text(r[21]);
    i.authorization.date = db::as_text(r[22]);
    i.authorization.expires_on = db::as_text(r[23]);
    o.institution = std::move(i);
  }
  return o;
}

// Fills services and staff of the institutions among `orgs`, two queries in all.
void load_children(db::Connection& conn, std::vector<Organization*> orgs) {
  std::map<std::string, Organization*> by_id;
  for (auto* o : orgs) {
    if (o->institution) by_id[o->id] = o;
  }
  if (by_id.empty()) return;
  std::vector<db::Value> params;
  std::string in;
  for (const auto& [id, o] : by_id) {
    params.emplace_back(id);
    if (!in.empty()) in += ", ";
    in += "$" + std::to_string(params.size());
  }
  std::map<std::string, std::vector<std::string>> chosen;
  for (const auto& r : conn.query("SELECT organization_id, service FROM institution_services WHERE "
                                  "organization_id IN (" +
                                      in + ")",
                                  params)
                           .rows) {
    chosen[db::text_or(r[0], "")].push_back(db::text_or(r[1], ""));
  }
  for (auto& [id, list] : chosen) {
    auto& target = by_id[id]->institution->services;
    target.clear();
    for (const auto& s : services()) {
      for (const auto& c : list) {
        if (c == s) target.push_back(s);
      }
    }
  }
  for (const auto& r :
       conn.query("SELECT organization_id, function, headcount FROM institution_staff WHERE "
                  "organization_id IN (" +
                      in + ")",
                  params)
           .rows) {
    const auto n = db::as_int(r[2]).value_or(0);
    if (n > 0) by_id[db::text_or(r[0], "")]->institution->staff[db::text_or(r[1], "")] = n;
  }
}

std::string sort_expr(const Sort& s) {
  switch (s.key) {
    case SortKey::kName:
      return s.lang == "ar" ? "COALESCE(o.name_ar_key, o.name_fr_key, '')"
                            : "COALESCE(o.name_fr_key, o.name_ar_key, '')";
    case SortKey::kProvince:
      return "o.province_code";
    case SortKey::kCapacity:
      return "COALESCE(i.capacity_female + i.capacity_male, 0)";
    case SortKey::kExpiry:
      return "COALESCE(i.authorization_expires_on, '9999-12-31')";
  }
  return "o.id";
}

std::string next_param(std::vector<db::Value>& params, db::Value v) {
  params.push_back(std::move(v));
  return "$" + std::to_string(params.size());
}

std::string where(const std::string& scope_sql, std::vector<db::Value>& params,
                  const OrgFilter& f) {
  std::string sql = " WHERE " + scope_sql;
  auto eq = [&](const std::optional<std::string>& v, const char* column) {
    if (v && !v->empty()) sql += std::string(" AND ") + column + " = " + next_param(params, *v);
  };
  eq(f.kind, "o.kind");
  eq(f.province, "o.province_code");
  eq(f.region, "o.region_code");
  eq(f.category, "i.category");
  eq(f.authorization_status, "i.authorization_status");
  if (f.q && !f.q->empty()) {
    std::string like = "%";
    for (char c : name_key(*f.q)) {
      if (c == '%' || c == '_' || c == '\\') like.push_back('\\');
      like.push_back(c);
    }
    like.push_back('%');
    const std::string p = next_param(params, like);
    sql += " AND (o.name_fr_key LIKE " + p + " ESCAPE '\\' OR o.name_ar_key LIKE " + p +
           " ESCAPE '\\' OR LOWER(i.authorization_number) LIKE " + p + " ESCAPE '\\')";
  }
  if (f.expiring_by) {
    sql +=
        " AND i.authorization_status IN ('authorized', 'provisional')"
        " AND i.authorization_expires_on IS NOT NULL AND i.authorization_expires_on <= " +
        next_param(params, *f.expiring_by);
  }
  return sql;
}

void write_children(db::Connection& conn, const Organization& o) {
  conn.query("DELETE FROM institution_services WHERE organization_id = $1", {db::Value(o.id)});
  conn.query("DELETE FROM institution_staff WHERE organization_id = $1", {db::Value(o.id)});
  if (!o.institution) return;
  for (const auto& s : o.institution->services) {
    conn.query("INSERT INTO institution_services(organization_id, service) VALUES ($1, $2)",
               {db::Value(o.id), db::Value(s)});
  }
  for (const auto& [f, n] : o.institution->staff) {
    if (n <= 0) continue;
    conn.query(
        "INSERT INTO institution_staff(organization_id, function, headcount) VALUES ($1, $2, $3)",
        {db::Value(o.id), db::Value(f), db::Value(n)});
  }
}

db::Value opt_real(const std::optional<double>& d) {
  return d ? db::Value(*d) : db::null();
}

std::vector<db::Value> institution_values(const Organization& o) {
  const Institution& i = *o.institution;
  return {db::Value(i.category),
          db::optional_text(i.managed_by),
          db::optional_text(i.director),
          db::Value(i.capacity_female),
          db::Value(i.capacity_male),
          opt_real(i.latitude),
          opt_real(i.longitude),
          db::Value(i.authorization.status),
          db::optional_text(i.authorization.number),
          db::optional_text(i.authorization.date),
          db::optional_text(i.authorization.expires_on),
          db::Value(o.id)};
}

db::Value key_of(const std::optional<std::string>& name) {
  return name ? db::Value(name_key(*name)) : db::null();
}

}  // namespace

std::optional<Sort> parse_sort(const std::string& text) {
  Sort s;
  std::string key = text;
  if (!key.empty() && key[0] == '-') {
    s.descending = true;
    key.erase(0, 1);
  }
  if (key.empty() || key == "name")
    s.key = SortKey::kName;
  else if (key == "province")
    s.key = SortKey::kProvince;
  else if (key == "capacity")
    s.key = SortKey::kCapacity;
  else if (key == "expiry")
    s.key = SortKey::kExpiry;
  else
    return std::nullopt;
  return s;
}

std::string format_sort(const Sort& s) {
  const char* names[] = {"name", "province", "capacity", "expiry"};
  return std::string(s.descending ? "-" : "") + names[static_cast<int>(s.key)];
}

std::string encode_after(const After& a) {
  return a.value + '\n' + a.id;
}

std::optional<After> decode_after(const std::string& text) {
  const auto nl = text.rfind('\n');
  if (nl == std::string::npos) return std::nullopt;
  After a{text.substr(0, nl), text.substr(nl + 1)};
  if (!ids::looks_like_id(a.id)) return std::nullopt;
  return a;
}

std::vector<Listed> list(db::Connection& conn, const std::string& scope_sql,
                         std::vector<db::Value> params, const OrgFilter& filter, const Sort& sort,
                         const std::optional<After>& after, int limit) {
  const std::string expr = sort_expr(sort);
  std::string sql = std::string(kSelect) + ", CAST(" + expr + " AS TEXT)" + kFrom +
                    where(scope_sql, params, filter);
  if (after) {
    db::Value v(after->value);
    if (sort.key == SortKey::kCapacity) {
      try {
        v = db::Value(static_cast<std::int64_t>(std::stoll(after->value)));
      } catch (const std::exception&) {
        v = db::Value(std::int64_t{0});
      }
    }
    const std::string pv = next_param(params, v);
    const std::string pid = next_param(params, after->id);
    const char* op = sort.descending ? " < " : " > ";
    sql += " AND (" + expr + op + pv + " OR (" + expr + " = " + pv + " AND o.id" + op + pid + "))";
  }
  const char* dir = sort.descending ? " DESC" : " ASC";
  sql += " ORDER BY " + expr + dir + ", o.id" + dir + " LIMIT " +
         next_param(params, static_cast<std::int64_t>(limit));
  auto rows = conn.query(sql, params);
  std::vector<Listed> out;
  out.reserve(rows.size());
  for (const auto& r : rows.rows) out.push_back({from_row(r), db::text_or(r[kColumnCount], "")});
  std::vector<Organization*> ptrs;
  for (auto& l : out) ptrs.push_back(&l.org);
  load_children(conn, ptrs);
  return out;
}

std::int64_t count(db::Connection& conn, const std::string& scope_sql,
                   std::vector<db::Value> params, const OrgFilter& filter) {
  const std::string sql = std::string("SELECT COUNT(*)") + kFrom + where(scope_sql, params, filter);
  auto r = conn.query(sql, params);
  return r.empty() ? 0 : db::as_int(r.rows[0][0]).value_or(0);
}

void for_each(db::Connection& conn, const std::string& scope_sql,
              const std::vector<db::Value>& params, const OrgFilter& filter, const Sort& sort,
              const std::function<void(const Organization&)>& fn) {
  std::optional<After> after;
  constexpr int kPage = 500;
  for (;;) {
    auto page = list(conn, scope_sql, params, filter, sort, after, kPage);
    for (const auto& l : page) fn(l.org);
    if (static_cast<int>(page.size()) < kPage) return;
    after = After{page.back().sort_value, page.back().org.id};
  }
}

std::optional<Organization> find(db::Connection& conn, const std::string& id) {
  auto rows = conn.query(std::string(kSelect) + kFrom + " WHERE o.id = $1", {db::Value(id)});
  if (rows.empty()) return std::nullopt;
  Organization o = from_row(rows.rows[0]);
  load_children(conn, {&o});
  return o;
}

void insert(db::Connection& conn, const Organization& o) {
  conn.query(
      "INSERT INTO organizations(id, kind, name_fr, name_ar, province_code, region_code, address, "
      "phone, email, version, created_at, updated_at, name_fr_key, name_ar_key) VALUES ($1, $2, "
      "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
      {db::Value(o.id), db::Value(o.kind), db::optional_text(o.name_fr),
       db::optional_text(o.name_ar), db::Value(o.province_code), db::Value(o.region_code),
       db::optional_text(o.address), db::optional_text(o.phone), db::optional_text(o.email),
       db::Value(o.version), db::Value(o.created_at), db::Value(o.updated_at), key_of(o.name_fr),
       key_of(o.name_ar)});
  if (o.institution) {
    conn.query(
        "INSERT INTO institutions(category, managed_by, director_name, capacity_female, "
        "capacity_male, latitude, longitude, authorization_status, authorization_number, "
        "authorization_date, authorization_expires_on, organization_id) VALUES ($1, $2, $3, $4, "
        "$5, $6, $7, $8, $9, $10, $11, $12)",
        institution_values(o));
  }
  write_children(conn, o);
}

bool update(db::Connection& conn, const Organization& o, std::int64_t expected_version) {
  auto r = conn.query(
      "UPDATE organizations SET kind = $1, name_fr = $2, name_ar = $3, province_code = $4, "
      "region_code = $5, address = $6, phone = $7, email = $8, version = $9, updated_at = $10, "
      "name_fr_key = $11, name_ar_key = $12 WHERE id = $13 AND version = $14",
      {db::Value(o.kind), db::optional_text(o.name_fr), db::optional_text(o.name_ar),
       db::Value(o.province_code), db::Value(o.region_code), db::optional_text(o.address),
       db::optional_text(o.phone), db::optional_text(o.email), db::Value(o.version),
       db::Value(o.updated_at), key_of(o.name_fr), key_of(o.name_ar), db::Value(o.id),
       db::Value(expected_version)});
  if (r.affected_rows != 1) return false;
  if (o.institution) {
    conn.query(
        "UPDATE institutions SET category = $1, managed_by = $2, director_name = $3, "
        "capacity_female = $4, capacity_male = $5, latitude = $6, longitude = $7, "
        "authorization_status = $8, authorization_number = $9, authorization_date = $10, "
        "authorization_expires_on = $11 WHERE organization_id = $12",
        institution_values(o));
  }
  write_children(conn, o);
  return true;
}

void add_history(db::Connection& conn, const std::string& organization_id,
                 const AuthorizationChange& c) {
  conn.query(
      "INSERT INTO institution_authorization_history(id, organization_id, changed_at, changed_by, "
      "status_from, status_to, number, date, expires_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9)",
      {db::Value(ids::new_id()), db::Value(organization_id), db::Value(c.changed_at),
       db::optional_text(c.changed_by), db::optional_text(c.status_from), db::Value(c.to.status),
       db::optional_text(c.to.number), db::optional_text(c.to.date),
       db::optional_text(c.to.expires_on)});
}

std::vector<AuthorizationChange> history(db::Connection& conn, const std::string& organization_id) {
  auto rows = conn.query(
      "SELECT changed_at, changed_by, status_from, status_to, number, date, expires_on FROM "
      "institution_authorization_history WHERE organization_id = $1 ORDER BY changed_at, id",
      {db::Value(organization_id)});
  std::vector<AuthorizationChange> out;
  for (const auto& r : rows.rows) {
    AuthorizationChange c;
    c.changed_at = db::text_or(r[0], "");
    c.changed_by = db::as_text(r[1]);
    c.status_from = db::as_text(r[2]);
    c.to.status = db::text_or(r[3], "");
    c.to.number = db::as_text(r[4]);
    c.to.date = db::as_text(r[5]);
    c.to.expires_on = db::as_text(r[6]);
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<std::string> duplicate_field(db::Connection& conn, const Organization& o) {
  for (const auto& [name, column, field] : {std::tuple{o.name_fr, "name_fr_key", "name_fr"},
                                            std::tuple{o.name_ar, "name_ar_key", "name_ar"}}) {
    if (!name) continue;
    auto r = conn.query(std::string("SELECT 1 FROM organizations WHERE province_code = $1 AND "
                                    "kind = $2 AND ") +
                            column + " = $3 AND id <> $4",
                        {db::Value(o.province_code), db::Value(o.kind), db::Value(name_key(*name)),
                         db::Value(o.id)});
    if (!r.empty()) return std::string(field);
  }
  return std::nullopt;
}

}  // namespace jisr::org

// src/casework/assessment.cc
#include "casework/assessment.h"

#include <map>
#include <nlohmann/json.hpp>

#include "casework/cases.h"
#include "casework/input.h"
#include "casework/vocabulary.h"
#include "platform/error.h"
#include "platform/util/time.h"

namespace jisr::casework {
namespace {

Assessment load(db::Connection& conn, const Case& c) {
  Assessment a;
  a.case_id = c.id;
  a.module = c.module;
  a.assessed_at = c.assessed_at;
  std::map<std::string, DomainScore> stored;
  for (const auto& r :
       conn.query("SELECT domain, score, comment FROM case_assessment_domains WHERE case_id = $1",
                  {db::Value(c.id)})
           .rows) {
    DomainScore d{db::text_or(r[0], ""), db::as_int(r[1]), db::as_text(r[2])};
    stored[d.domain] = d;
  }
  for (const auto& domain : assessment_domains(c.module)) {
    auto it = stored.find(domain);
    a.domains.push_back(it == stored.end() ? DomainScore{domain, std::nullopt, std::nullopt}
                                           : it->second);
  }
  return a;
}

}  // namespace

nlohmann::json to_json(const Assessment& a) {
  nlohmann::json domains = nlohmann::json::array();
  for (const auto& d : a.domains) {
    domains.push_back({{"domain", d.domain},
                       {"score", d.score ? nlohmann::json(*d.score) : nlohmann::json()},
                       {"comment", d.comment ? nlohmann::json(*d.comment) : nlohmann::json()}});
  }
  return {{"case_id", a.case_id},
          {"module", a.module},
          {"domains", domains},
          {"assessed_at", a.assessed_at ? nlohmann::json(*a.assessed_at) : nlohmann::json()}};
}

Assessment get_assessment(db::Database& db, const access::Principal& by,
                          const std::string& case_id) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  auto lease = db.acquire();
  auto rec = find_visible_case(*lease, by, case_id);
  if (!rec) throw NotFound();
  return load(*lease, rec->c);
}

Assessment save_assessment(db::Database& db, const access::Principal& by, const audit::Actor& actor,
                           const std::string& case_id, const std::vector<DomainScore>& scores) {
  db::Transaction tx(db, db::TxMode::kWrite);
  CaseHead rec = require_writable_case_head(tx.conn(), by, case_id);
  Errors errors;
  const auto& domains = assessment_domains(rec.c.module);
  if (scores.empty()) errors["domains"] = "validation.required";
  for (const auto& s : scores) {
    const std::string key = "domains." + s.domain;
    if (!one_of(domains, s.domain)) {
      errors[key] = "case.validation.unknown_domain";
    } else if (!s.score || *s.score < 0 || *s.score > 4) {
      errors[key] = "case.validation.invalid_score";
    } else if (s.comment && s.comment->size() > 4000) {
      errors[key] = "validation.too_long";
    }
  }
  if (!errors.empty()) throw Invalid(errors);
  const Assessment before = load(tx.conn(), rec.c);
  const auto now = timeutil::now_utc();
  for (const auto& s : scores) {
    tx.query("DELETE FROM case_assessment_domains WHERE case_id = $1 AND domain = $2",
             {db::Value(case_id), db::Value(s.domain)});
    tx.query(
        "INSERT INTO case_assessment_domains(case_id, domain, score, comment, updated_at, "
        "updated_by) VALUES ($1, $2, $3, $4, $5, $6)",
        {db::Value(case_id), db::Value(s.domain), db::Value(*s.score),
         db::optional_text(non_blank(s.comment)), db::Value(now), db::Value(by.user_id)});
  }
  tx.query("UPDATE cases SET assessed_at = $1, assessed_by = $2 WHERE id = $3",
           {db::Value(now), db::Value(by.user_id), db::Value(case_id)});
  rec.c.assessed_at = now;
  const Assessment after = load(tx.conn(), rec.c);
  auto [b, a] = audit::diff(to_json(before), to_json(after));
  audit::append(tx.conn(), actor, "update", "case_assessment", case_id, b, a, place_of(rec));
  tx.commit();
  return after;
}

}  // namespace jisr::casework

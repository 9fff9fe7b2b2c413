// src/casework/notes.cc
#include "casework/notes.h"

#include <nlohmann/json.hpp>

#include "casework/cases.h"
#include "casework/input.h"
#include "platform/error.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::casework {

nlohmann::json to_json(const Note& n) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
  };
  return {{"id", n.id},
          {"case_id", n.case_id},
          {"body", n.body},
          {"confidential", n.confidential},
          {"author_user_id", opt(n.author_user_id)},
          {"author_name", opt(n.author_name)},
          {"author_org", opt(n.author_org_id)},
          {"created_at", n.created_at}};
}

Note add_note(db::Database& db, const access::Principal& by, const audit::Actor& actor,
              const std::string& case_id, const std::string& body, bool confidential) {
  db::Transaction tx(db, db::TxMode::kWrite);
  const CaseHead rec = require_writable_case_head(tx.conn(), by, case_id);
  if (confidential && !may_read_confidential(by, rec.c)) throw Forbidden();
  Note n;
  n.body = trim(body);
  if (n.body.empty()) throw Invalid("body", "validation.required");
  if (n.body.size() > 20000) throw Invalid("body", "validation.too_long");
  n.id = ids::new_id();
  n.case_id = case_id;
  n.confidential = confidential;
  n.author_user_id = by.user_id;
  n.author_name = by.display_name;
  n.author_org_id = by.organization_id;
  n.created_at = timeutil::now_utc();
  tx.query(
      "INSERT INTO case_notes(id, case_id, body, confidential, author_user_id, author_org_id, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {db::Value(n.id), db::Value(n.case_id), db::Value(n.body),
       db::Value(std::int64_t{confidential ? 1 : 0}), db::Value(by.user_id),
       db::optional_text(by.organization_id), db::Value(n.created_at)});
  // The log says a note was written and whether it is confidential, never its text.
  audit::append(tx.conn(), actor, "create", "case_note", n.id, nullptr,
                {{"case_id", case_id}, {"confidential", confidential}}, place_of(rec));
  tx.commit();
  return n;
}

std::vector<Note> list_notes(db::Database& db, const access::Principal& by,
                             const std::string& case_id) {
  if (!by.can(access::Action::kCaseRead)) throw Forbidden();
  auto lease = db.acquire();
  auto rec = find_visible_case(*lease, by, case_id);
  if (!rec) throw NotFound();
  std::string sql =
      "SELECT n.id, n.case_id, n.body, n.confidential, n.author_user_id, u.display_name, "
      "n.author_org_id, n.created_at FROM case_notes n LEFT JOIN users u ON u.id = "
      "n.author_user_id WHERE n.case_id = $1";
  if (!may_read_confidential(by, rec->c)) sql += " AND n.confidential = 0";
  sql += " ORDER BY n.id DESC LIMIT 500";
  std::vector<Note> out;
  for (const auto& r : lease->query(sql, {db::Value(case_id)}).rows) {
    Note n;
    n.id = db::text_or(r[0], "");
    n.case_id = db::text_or(r[1], "");
    n.body = db::text_or(r[2], "");
    n.confidential = db::as_int(r[3]).value_or(0) != 0;
    n.author_user_id = db::as_text(r[4]);
    n.author_name = db::as_text(r[5]);
    n.author_org_id = db::as_text(r[6]);
    n.created_at = db::text_or(r[7], "");
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace jisr::casework

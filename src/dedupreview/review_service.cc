// src/dedupreview/review_service.cc
#include "dedupreview/review_service.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>
#include <tuple>

#include "platform/error.h"
#include "platform/util/ids.h"
#include "platform/util/time.h"

namespace jisr::dedupreview {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The birth date as match::parse_birth_date() reads it: "YYYY-MM-DD", "YYYY" or "~YYYY".
std::string birth_text(const std::optional<std::string>& date, const std::string& precision) {
  if (!date || date->empty()) return "";
  if (precision == "estimated") return "~" + date->substr(0, 4);
  if (precision == "year") return date->substr(0, 4);
  return *date;
}

Review review_from_row(db::Connection& conn, const std::vector<db::Value>& row) {
  Review r;
  r.id = db::text_or(row[0], "");
  r.score = db::as_real(row[1]).value_or(0);
  r.status = db::text_or(row[2], "");
  r.found_at = db::text_or(row[3], "");
  r.decided_by = db::as_text(row[4]);
  r.decided_at = db::as_text(row[5]);
  auto a = person::find(conn, db::text_or(row[6], ""));
  auto b = person::find(conn, db::text_or(row[7], ""));
  if (!a || !b) throw db::DbError("duplicate review " + r.id + " names an unknown person");
  r.a = std::move(*a);
  r.b = std::move(*b);
  return r;
}

constexpr const char* kReviewColumns =
    "r.id, r.score, r.status, r.found_at, r.decided_by, r.decided_at, r.person_a, r.person_b";

}  // namespace

RunStats run_into_queue(db::Database& db, const audit::Actor& actor,
                        const match::DedupOptions& options, std::size_t store_chunk) {
  RunStats stats;
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> ids;
  std::vector<match::PersonRecord> records;
  {
    auto lease = db.acquire();
    lease->for_each(
        "SELECT id, first_name_ar, last_name_ar, first_name_lat, last_name_lat, sex, birth_date, "
        "birth_date_precision, cin, province_code, father_first_name FROM people "
        "WHERE status <> 'merged' ORDER BY id",
        {}, [&](const std::vector<db::Value>& row) {
          ids.push_back(db::text_or(row[0], ""));
          match::PersonRecord r;
          r.first_name_ar = db::text_or(row[1], "");
          r.last_name_ar = db::text_or(row[2], "");
          r.first_name_lat = db::text_or(row[3], "");
          r.last_name_lat = db::text_or(row[4], "");
          r.sex = match::parse_sex(db::text_or(row[5], ""));
          r.birth = match::parse_birth_date(
              birth_text(db::as_text(row[6]), db::text_or(row[7], "exact")));
          r.cin = db::text_or(row[8], "");
          r.province = db::text_or(row[9], "");
          r.father_first_name = db::text_or(row[10], "");
          records.push_back(std::move(r));
        });
  }
  stats.people = records.size();
  stats.read_seconds = seconds_since(started);

  started = std::chrono::steady_clock::now();
  const match::DedupResult result = match::run_dedup(records, ids, options);
  stats.candidate_pairs = result.candidate_pairs;
  stats.likely_pairs = result.pairs.size();
  stats.match_seconds = seconds_since(started);

  started = std::chrono::steady_clock::now();
  db::Transaction tx(db, db::TxMode::kWrite);
  const auto count = [&] {
    return db::as_int(tx.query("SELECT COUNT(*) FROM duplicate_reviews").rows[0][0]).value_or(0);
  };
  const std::int64_t before = count();
  const std::string now = timeutil::now_utc();
  // Each pair once, in byte order (a statement may not upsert the same row twice on
  // PostgreSQL); sorted, so that chunks touch neighbouring index pages.
  std::vector<std::tuple<std::string, std::string, double>> pairs;
  pairs.reserve(result.pairs.size());
  for (const match::ScoredPair& pair : result.pairs) {
    std::string a = ids[pair.a], b = ids[pair.b];
    if (b < a) std::swap(a, b);
    pairs.emplace_back(std::move(a), std::move(b), pair.score);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end(),
                          [](const auto& x, const auto& y) {
                            return std::get<0>(x) == std::get<0>(y) &&
                                   std::get<1>(x) == std::get<1>(y);
                          }),
              pairs.end());
  // One multi-row upsert per chunk (one round trip per pair was most of the store time on
  // PostgreSQL). A known pair keeps its status (dismissed stays dismissed) and gets the new
  // score.
  const std::size_t chunk = std::max<std::size_t>(1, store_chunk);
  for (std::size_t start = 0; start < pairs.size(); start += chunk) {
    const std::size_t end = std::min(pairs.size(), start + chunk);
    std::string sql =
        "INSERT INTO duplicate_reviews(id, person_a, person_b, score, status, found_at, "
        "last_seen_at) VALUES ";
    std::vector<db::Value> params = {db::Value(now)};
    params.reserve(1 + 4 * (end - start));
    for (std::size_t i = start; i < end; ++i) {
      const auto n = params.size();
      sql += i == start ? "(" : ", (";
      for (std::size_t k = 1; k <= 4; ++k) sql += "$" + std::to_string(n + k) + ", ";
      sql += "'pending', $1, $1)";
      params.emplace_back(ids::new_id());
      params.emplace_back(std::get<0>(pairs[i]));
      params.emplace_back(std::get<1>(pairs[i]));
      params.emplace_back(std::get<2>(pairs[i]));
    }
    sql +=
        " ON CONFLICT (person_a, person_b) DO UPDATE SET score = excluded.score, "
        "last_seen_at = excluded.last_seen_at";
    tx.query(sql, params);
  }
  const std::int64_t after = count();
  stats.new_pairs = static_cast<std::size_t>(after - before);
  stats.known_pairs = stats.likely_pairs - stats.new_pairs;
  audit::append(tx.conn(), actor, "create", "duplicate_review_run", std::nullopt, nullptr,
                {{"people", stats.people},
                 {"candidate_pairs", stats.candidate_pairs},
                 {"likely_pairs", stats.likely_pairs},
                 {"new_pairs", stats.new_pairs},
                 {"known_pairs", stats.known_pairs},
                 {"threshold", options.threshold}});
  tx.commit();
  stats.store_seconds = seconds_since(started);
  return stats;
}

std::vector<Review> ReviewService::list(const access::Principal& by, const std::string& status,
                                        const std::optional<std::string>& after_id, int limit) {
  if (!by.can(access::Action::kPersonDedupReview)) throw Forbidden();
  if (status != "pending" && status != "dismissed" && status != "merged")
    throw Invalid("status", "validation.invalid_choice");
  std::vector<db::Value> params = {db::Value(status)};
  std::string sql = std::string("SELECT ") + kReviewColumns +
                    " FROM duplicate_reviews r JOIN people pa ON pa.id = r.person_a "
                    "JOIN people pb ON pb.id = r.person_b WHERE r.status = $1 "
                    "AND pa.status <> 'merged' AND pb.status <> 'merged'";
  // A pair is visible only when the caller may see both people.
  sql += " AND " + person::scope_condition(by, "pa", params);
  sql += " AND " + person::scope_condition(by, "pb", params);
  if (after_id) {
    params.emplace_back(*after_id);
    sql += " AND r.id > $" + std::to_string(params.size());
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  sql += " ORDER BY r.id LIMIT $" + std::to_string(params.size());
  auto lease = db_.acquire();
  std::vector<Review> out;
  for (const auto& row : lease->query(sql, params).rows)
    out.push_back(review_from_row(*lease, row));
  return out;
}

Review ReviewService::dismiss(const access::Principal& by, const audit::Actor& actor,
                              const std::string& id) {
  if (!by.can(access::Action::kPersonDedupReview)) throw Forbidden();
  db::Transaction tx(db_, db::TxMode::kWrite);
  auto rows = tx.query(
      std::string("SELECT ") + kReviewColumns + " FROM duplicate_reviews r WHERE r.id = $1",
      {db::Value(id)});
  if (rows.empty()) throw NotFound();
  const std::string a_id = db::text_or(rows.rows[0][6], "");
  const std::string b_id = db::text_or(rows.rows[0][7], "");
  const auto a = person::find_visible(tx.conn(), by, a_id);
  const auto b = person::find_visible(tx.conn(), by, b_id);
  if (!a || !b) throw NotFound();
  if (db::text_or(rows.rows[0][2], "") != "pending")
    throw Conflict("review_not_pending", "dedupreview.error.not_pending");
  const std::string now = timeutil::now_utc();
  tx.query(
      "UPDATE duplicate_reviews SET status = 'dismissed', decided_by = $1, decided_at = $2 "
      "WHERE id = $3 AND status = 'pending'",
      {db::optional_text(by.user_id.empty() ? std::nullopt : std::optional(by.user_id)),
       db::Value(now), db::Value(id)});
  audit::append(tx.conn(), actor, "update", "duplicate_review", id, {{"status", "pending"}},
                {{"status", "dismissed"}, {"person_a", a_id}, {"person_b", b_id}},
                person::place_of(*a));
  auto updated =
      review_from_row(tx.conn(), tx.query(std::string("SELECT ") + kReviewColumns +
                                              " FROM duplicate_reviews r WHERE r.id = $1",
                                          {db::Value(id)})
                                     .rows[0]);
  tx.commit();
  return updated;
}

int dedup_db_main(db::Database& db, std::ostream& out, std::ostream& err) {
  audit::Actor actor;
  actor.username = "cli:dedup";
  actor.ip = "local";
  actor.request_id = "dedup";
  match::DedupOptions options;
  options.progress = &err;
  const auto started = std::chrono::steady_clock::now();
  const RunStats s = run_into_queue(db, actor, options);
  out << "people " << s.people << ", candidate pairs " << s.candidate_pairs << ", likely pairs "
      << s.likely_pairs << " (new " << s.new_pairs << ", already known " << s.known_pairs << ")\n";
  out << "time: read " << s.read_seconds << " s, match " << s.match_seconds << " s, store "
      << s.store_seconds << " s, total " << seconds_since(started) << " s\n";
  return 0;
}

}  // namespace jisr::dedupreview

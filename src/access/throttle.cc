// src/access/throttle.cc
#include "access/throttle.h"

#include <algorithm>

#include "platform/error.h"
#include "platform/util/time.h"

namespace jisr::access {
namespace {
std::string account_key(const std::string& account) {
  std::string lowered = account.substr(0, 128);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return "user:" + lowered;
}
std::string address_key(const std::string& address) {
  return "ip:" + address;
}
}  // namespace

void Throttle::check(const std::string& account, const std::string& address) {
  auto lease = db_.acquire();
  auto rows = lease->query(
      "SELECT locked_until FROM login_failures WHERE key IN ($1, $2) AND locked_until IS NOT NULL",
      {db::Value(account_key(account)), db::Value(address_key(address))});
  const auto now = timeutil::Clock::now();
  for (const auto& r : rows.rows) {
    auto until = timeutil::parse_utc(db::text_or(r[0], ""));
    if (until && now < *until) throw RateLimited();
  }
}

int Throttle::bump(db::Connection& conn, const std::string& key, int lock_threshold) {
  const auto now = timeutil::Clock::now();
  auto rows = conn.query("SELECT failures, first_failure_at FROM login_failures WHERE key = $1",
                         {db::Value(key)});
  int failures = 1;
  std::string first = timeutil::format_utc(now);
  if (!rows.empty()) {
    const auto started = timeutil::parse_utc(db::text_or(rows.rows[0][1], ""));
    if (started && now - *started < policy_.window) {
      failures = static_cast<int>(db::as_int(rows.rows[0][0]).value_or(0)) + 1;
      first = db::text_or(rows.rows[0][1], first);
    }
  }
  const db::Value locked =
      failures >= lock_threshold ? db::Value(timeutil::format_utc(now + policy_.lock)) : db::null();
  if (rows.empty()) {
    conn.query(
        "INSERT INTO login_failures(key, failures, first_failure_at, locked_until) "
        "VALUES ($1, $2, $3, $4)",
        {db::Value(key), db::Value(std::int64_t{failures}), db::Value(first), locked});
  } else {
    conn.query(
        "UPDATE login_failures SET failures = $2, first_failure_at = $3, locked_until = $4 "
        "WHERE key = $1",
        {db::Value(key), db::Value(std::int64_t{failures}), db::Value(first), locked});
  }
  return failures;
}

std::chrono::milliseconds Throttle::record_failure(const std::string& account,
                                                   const std::string& address) {
  db::Transaction tx(db_, db::TxMode::kWrite);
  const int failures = bump(tx.conn(), account_key(account), policy_.lock_after);
  bump(tx.conn(), address_key(address), policy_.lock_after_address);
  tx.commit();
  if (failures <= policy_.slow_after) return std::chrono::milliseconds(0);
  return std::min(policy_.max_delay, policy_.delay_step * (failures - policy_.slow_after));
}

void Throttle::record_success(const std::string& account) {
  auto lease = db_.acquire();
  lease->query("DELETE FROM login_failures WHERE key = $1", {db::Value(account_key(account))});
}

}  // namespace jisr::access

// src/access/throttle.h
//
// Login throttling, per account name and per client address, shared by every server
// through the database. After a few failures answers are slowed; after more, the key is
// refused (429) for a while. Unknown account names are throttled exactly like known ones,
// so the answers never reveal whether an account exists.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "platform/db/database.h"

namespace jisr::access {

struct ThrottlePolicy {
  int slow_after = 3;           // failures before answers are delayed
  int lock_after = 5;           // failures (per account) before refusing
  int lock_after_address = 20;  // failures per address before refusing
  std::chrono::minutes window{15};
  std::chrono::minutes lock{15};
  std::chrono::milliseconds delay_step{400};  // added per failure beyond slow_after
  std::chrono::milliseconds max_delay{2000};
};

class Throttle {
 public:
  Throttle(db::Database& db, ThrottlePolicy policy) : db_(db), policy_(policy) {}

  // Throws RateLimited when any of the keys is locked.
  void check(const std::string& account, const std::string& address);
  // Records a failure for both keys; returns how long to delay the answer.
  std::chrono::milliseconds record_failure(const std::string& account, const std::string& address);
  // A success clears the account's failures (not the address's).
  void record_success(const std::string& account);

  const ThrottlePolicy& policy() const { return policy_; }

 private:
  int bump(db::Connection& conn, const std::string& key, int lock_threshold);
  db::Database& db_;
  ThrottlePolicy policy_;
};

}  // namespace jisr::access

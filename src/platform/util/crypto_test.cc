// src/platform/util/crypto_test.cc
#include "platform/util/crypto.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace jisr::crypto {
namespace {

TEST(PasswordHashing, VerifiesWhatItHashed) {
  init();
  const std::string hash = hash_password("correct horse battery");
  EXPECT_TRUE(verify_password(hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(hash, "correct horse batterx"));
  EXPECT_FALSE(password_needs_rehash(hash));
}

// Many logins at once: every answer is right, and no more Argon2id calls than the gate
// allows ran together (each holds 64 MiB for its whole run).
TEST(PasswordHashing, ConcurrentCallsAreGated) {
  init();
  const std::string hash = hash_password("s3cret-pass");
  const std::size_t callers = password_hash_parallelism() * 3 + 1;
  std::atomic<int> right{0};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < callers; ++i) {
    threads.emplace_back([&, i] {
      const bool good = i % 2 == 0;
      if (verify_password(hash, good ? "s3cret-pass" : "wrong-pass") == good) ++right;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(right.load(), static_cast<int>(callers));
  EXPECT_GE(password_hash_parallelism(), 2u);
  EXPECT_GE(password_hash_peak_for_testing(), 1u);
  EXPECT_LE(password_hash_peak_for_testing(), password_hash_parallelism());
}

}  // namespace
}  // namespace jisr::crypto

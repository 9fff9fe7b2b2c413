// src/platform/util/bounded_queue_test.cc
#include "platform/util/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace jisr::util {
namespace {

TEST(BoundedQueue, DeliversEverythingInOrderThenEndsWhenClosed) {
  BoundedQueue<int> queue(3);
  std::thread producer([&] {
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(queue.push(i));
    queue.close();
  });
  std::vector<int> got;
  while (auto item = queue.pop()) got.push_back(*item);
  producer.join();
  ASSERT_EQ(got.size(), 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(got[static_cast<std::size_t>(i)], i);
  EXPECT_FALSE(queue.push(1)) << "closed";
}

TEST(BoundedQueue, NeverHoldsMoreThanItsCapacity) {
  BoundedQueue<int> queue(2);
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 5; ++i) {
      if (!queue.push(i)) return;
      ++pushed;
    }
  });
  // The producer fills the two places and waits for the third.
  for (int spins = 0; spins < 200 && pushed.load() < 2; ++spins)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(pushed.load(), 2);
  ASSERT_EQ(queue.pop(), 0);
  for (int spins = 0; spins < 200 && pushed.load() < 3; ++spins)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(pushed.load(), 3) << "one place freed, one more item in";
  queue.cancel();
  producer.join();
}

TEST(BoundedQueue, CancelWakesAWaitingProducerAndConsumer) {
  BoundedQueue<int> full(1);
  ASSERT_TRUE(full.push(7));
  std::atomic<bool> refused{false};
  std::thread producer([&] { refused = !full.push(8); });
  BoundedQueue<int> empty(1);
  std::atomic<bool> ended{false};
  std::thread consumer([&] { ended = !empty.pop().has_value(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  full.cancel();
  empty.cancel();
  producer.join();
  consumer.join();
  EXPECT_TRUE(refused.load());
  EXPECT_TRUE(ended.load());
  EXPECT_FALSE(full.pop().has_value()) << "cancel drops what was queued";
  EXPECT_TRUE(full.cancelled());
}

}  // namespace
}  // namespace jisr::util

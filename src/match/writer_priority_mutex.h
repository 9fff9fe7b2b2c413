// src/match/writer_priority_mutex.h
//
// A shared mutex that lets a waiting writer in first: once a writer asks for the lock, new
// readers wait, the readers already inside finish, and the writer enters. glibc's
// std::shared_mutex (pthread_rwlock default) prefers readers, so under constant search load
// an index update could wait without bound; here it waits at most for the searches that
// were already running. The price: a steady stream of writers delays readers (writes to
// the people index are rare — registrations and edits — and each takes microseconds).
//
// Meets the SharedMutex requirements, so std::unique_lock and std::shared_lock work.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace jisr::match {

class WriterPriorityMutex {
 public:
  WriterPriorityMutex() = default;
  WriterPriorityMutex(const WriterPriorityMutex&) = delete;
  WriterPriorityMutex& operator=(const WriterPriorityMutex&) = delete;

  // Exclusive ownership: blocks new readers at once, then waits for the current readers
  // and any current writer to leave.
  void lock();
  void unlock();

  // Shared ownership: waits while a writer holds the lock or waits for it.
  void lock_shared();
  void unlock_shared();

 private:
  std::mutex mutex_;
  std::condition_variable readers_may_enter_;
  std::condition_variable writer_may_enter_;
  std::size_t readers_ = 0;          // readers inside
  std::size_t writers_waiting_ = 0;  // writers queued
  bool writer_inside_ = false;
};

}  // namespace jisr::match

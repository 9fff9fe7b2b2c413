// src/match/writer_priority_mutex.cc
#include "match/writer_priority_mutex.h"

namespace jisr::match {

void WriterPriorityMutex::lock() {
  std::unique_lock guard(mutex_);
  ++writers_waiting_;
  writer_may_enter_.wait(guard, [this] { return !writer_inside_ && readers_ == 0; });
  --writers_waiting_;
  writer_inside_ = true;
}

void WriterPriorityMutex::unlock() {
  bool writers_queued = false;
  {
    std::lock_guard guard(mutex_);
    writer_inside_ = false;
    writers_queued = writers_waiting_ > 0;
  }
  if (writers_queued) writer_may_enter_.notify_one();
  readers_may_enter_.notify_all();
}

void WriterPriorityMutex::lock_shared() {
  std::unique_lock guard(mutex_);
  readers_may_enter_.wait(guard, [this] { return !writer_inside_ && writers_waiting_ == 0; });
  ++readers_;
}

void WriterPriorityMutex::unlock_shared() {
  bool last_with_writer_waiting = false;
  {
    std::lock_guard guard(mutex_);
    --readers_;
    last_with_writer_waiting = readers_ == 0 && writers_waiting_ > 0;
  }
  if (last_with_writer_waiting) writer_may_enter_.notify_one();
}

}  // namespace jisr::match

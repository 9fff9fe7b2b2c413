// src/audit/committer.cc
#include "audit/committer.h"

#include "audit/journal.h"

#include <utility>

namespace jisr::audit {
namespace {

// Bounds one transaction when thousands of entries pile up (a stalled disk): the entries
// past it go into the next transaction, right after.
constexpr std::size_t kMaxPerTransaction = 1024;

}  // namespace

Committer::Committer() = default;

Committer::~Committer() {
  stop();
}

std::shared_ptr<Committer::Ticket> Committer::submit(db::Database& db, ReadEntry entry) {
  auto ticket = std::make_shared<Ticket>();
  ticket->db = &db;
  ticket->entry = std::move(entry);
  {
    std::lock_guard lock(mu_);
    if (!stopped_) {
      queue_.push_back(ticket);
      return ticket;
    }
  }
  write(db, {ticket});  // stopped: written here, never dropped
  return ticket;
}

void Committer::wait(Ticket& ticket) {
  std::unique_lock lock(mu_);
  while (!ticket.done) {
    if (writing_) {
      done_cv_.wait(lock);
    } else {
      lead(lock);
    }
  }
  if (ticket.error) std::rethrow_exception(ticket.error);
}

void Committer::stop() {
  std::unique_lock lock(mu_);
  stopped_ = true;
  while (!queue_.empty() || writing_) {
    if (writing_) {
      done_cv_.wait(lock);
    } else {
      lead(lock);
    }
  }
}

std::uint64_t Committer::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

void Committer::lead(std::unique_lock<std::mutex>& lock) {
  writing_ = true;
  std::vector<std::shared_ptr<Ticket>> taken;
  if (queue_.size() <= kMaxPerTransaction) {
    taken.swap(queue_);
  } else {
    const auto cut = queue_.begin() + static_cast<std::ptrdiff_t>(kMaxPerTransaction);
    taken.assign(queue_.begin(), cut);
    queue_.erase(queue_.begin(), cut);
  }
  lock.unlock();  // entries queued meanwhile wait for the next leader
  // One transaction per database, each database's entries in their order of arrival.
  while (!taken.empty()) {
    db::Database* db = taken.front()->db;
    std::vector<std::shared_ptr<Ticket>> mine, others;
    for (auto& t : taken) (t->db == db ? mine : others).push_back(std::move(t));
    write(*db, mine);
    taken.swap(others);
  }
  lock.lock();
  writing_ = false;
  done_cv_.notify_all();  // the written callers, and the next leader
}

void Committer::write(db::Database& db, const std::vector<std::shared_ptr<Ticket>>& batch) {
  if (auto journal = journal_of(db)) {
    // One append and one fdatasync for the batch; all or nothing.
    std::exception_ptr error;
    std::vector<const ReadEntry*> entries;
    entries.reserve(batch.size());
    for (const auto& t : batch) entries.push_back(&t->entry);
    try {
      journal->append(entries);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(mu_);
      if (!error) ++commits_;
      for (const auto& t : batch) {
        t->error = error;
        t->done = true;
      }
    }
    done_cv_.notify_all();
    return;
  }
  auto write_all = [&db](const std::vector<std::shared_ptr<Ticket>>& tickets) {
    std::vector<const ReadEntry*> entries;
    entries.reserve(tickets.size());
    for (const auto& t : tickets) entries.push_back(&t->entry);
    db::Transaction tx(db, db::TxMode::kWrite);
    append_all(tx.conn(), entries);
    tx.commit();
  };
  std::vector<std::exception_ptr> errors(batch.size());
  std::uint64_t commits = 0;
  try {
    write_all(batch);
    ++commits;
  } catch (...) {
    if (batch.size() == 1) {
      errors[0] = std::current_exception();
    } else {
      // Alone, so that one entry that cannot be written fails only its own caller.
      for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
          write_all({batch[i]});
          ++commits;
        } catch (...) {
          errors[i] = std::current_exception();
        }
      }
    }
  }
  {
    std::lock_guard lock(mu_);
    commits_ += commits;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i]->error = errors[i];
      batch[i]->done = true;
    }
  }
  done_cv_.notify_all();
}

Committer& committer() {
  static Committer instance;
  return instance;
}

}  // namespace jisr::audit

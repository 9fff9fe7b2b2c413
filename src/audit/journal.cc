// src/audit/journal.cc
#include "audit/journal.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

#include <nlohmann/json.hpp>

#include "platform/log/log.h"

namespace jisr::audit {
namespace {

constexpr char kMagic[] = "JISRAJ1\n";
constexpr std::size_t kSumSize = 16;
constexpr std::size_t kRecordHead = 4 + kSumSize;
constexpr std::uint32_t kMaxPayload = 1 << 20;
// Entries moved by one transaction at most (a long outage leaves many waiting).
constexpr std::size_t kMaxPerTransaction = 10000;

[[noreturn]] void io_fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("access journal: " + what + " " + path + ": " + std::strerror(errno));
}

std::string checksum(std::string_view payload) {
  unsigned char out[kSumSize];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(payload.data()),
                     payload.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

nlohmann::json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}
std::optional<std::string> opt_of(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

ReadEntry decode(std::string_view payload) {
  const auto j = nlohmann::json::parse(payload);
  ReadEntry e;
  e.at = j.at("at").get<std::string>();
  e.actor.user_id = opt_of(j, "user_id");
  e.actor.username = opt_of(j, "username");
  e.actor.ip = j.at("ip").get<std::string>();
  e.actor.request_id = j.at("request_id").get<std::string>();
  e.action = j.at("action").get<std::string>();
  e.record_type = j.at("record_type").get<std::string>();
  e.record_id = opt_of(j, "record_id");
  e.details = j.at("details");
  e.place.region_code = opt_of(j, "region_code");
  e.place.province_code = opt_of(j, "province_code");
  e.place.organization_id = opt_of(j, "organization_id");
  return e;
}

std::uint32_t le32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint32_t>(u[0]) | (static_cast<std::uint32_t>(u[1]) << 8) |
         (static_cast<std::uint32_t>(u[2]) << 16) | (static_cast<std::uint32_t>(u[3]) << 24);
}

// Reads [from, limit) of `fd`.
std::string read_range(int fd, const std::string& path, std::uint64_t from, std::uint64_t limit) {
  std::string buf(limit > from ? limit - from : 0, '\0');
  std::size_t got = 0;
  while (got < buf.size()) {
    const auto n = ::pread(fd, buf.data() + got, buf.size() - got, static_cast<off_t>(from + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      io_fail("cannot read", path);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  buf.resize(got);
  return buf;
}

std::string read_header_id(int fd, const std::string& path) {
  const std::string h = read_range(fd, path, 0, journal_format::kHeaderSize);
  if (h.size() != journal_format::kHeaderSize || h.compare(0, 8, kMagic) != 0 || h.back() != '\n') {
    throw JournalCorrupt("access journal " + path +
                         " has no valid header (corrupt or not a journal)");
  }
  return h.substr(8, 32);
}

// The records of `buf` (the file's bytes from `from`), as journal_format::read_file.
// `reaches_limit`: the buffer ends where what may be read ends (else a record cut by its end
// is read by the next call); `tail_may_be_torn`: a bad last record there is a torn one.
journal_format::Scan scan_records(const std::string& buf, std::uint64_t from,
                                  const std::string& path, std::size_t max_entries,
                                  bool reaches_limit, bool tail_may_be_torn) {
  journal_format::Scan scan;
  std::size_t pos = 0;
  auto torn_or_corrupt = [&](const char* what) {
    if (!reaches_limit) return;  // cut by the slice's end: read by the next call
    if (!tail_may_be_torn) {
      throw JournalCorrupt("access journal " + path + " is corrupt at byte " +
                           std::to_string(from + pos) + ": " + what);
    }
    scan.torn = true;
  };
  while (pos < buf.size() && scan.entries.size() < max_entries) {
    const std::size_t left = buf.size() - pos;
    if (left < kRecordHead) {
      torn_or_corrupt("incomplete record");
      break;
    }
    const std::uint32_t len = le32(buf.data() + pos);
    if (len > kMaxPayload || kRecordHead + len > left) {
      torn_or_corrupt("incomplete record");
      break;
    }
    const std::string_view sum(buf.data() + pos + 4, kSumSize);
    const std::string_view payload(buf.data() + pos + kRecordHead, len);
    const bool last = reaches_limit && kRecordHead + len == left;
    if (checksum(payload) != sum) {
      if (last) {
        torn_or_corrupt("checksum mismatch");
        break;
      }
      throw JournalCorrupt("access journal " + path + " is corrupt at byte " +
                           std::to_string(from + pos) +
                           ": checksum mismatch before the last record (tampering or disk "
                           "corruption); the access log cannot be ingested");
    }
    try {
      scan.entries.push_back(decode(payload));
    } catch (const nlohmann::json::exception& e) {
      throw JournalCorrupt("access journal " + path + " has an unreadable record at byte " +
                           std::to_string(from + pos) + ": " + e.what());
    }
    pos += kRecordHead + len;
  }
  scan.end = from + pos;
  return scan;
}

void fsync_dir(const std::string& file) {
  auto dir = std::filesystem::path(file).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) io_fail("cannot open the folder of", file);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) io_fail("cannot sync the folder of", file);
}

std::string random_id() {
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return std::string(hex, 32);
}

// The names of the files of `dir` that start with `prefix`, sorted.
std::vector<std::string> files_named(const std::filesystem::path& dir, const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& de : std::filesystem::directory_iterator(dir)) {
    std::string name = de.path().filename().string();
    if (name.rfind(prefix, 0) == 0) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

namespace journal_format {

std::string header(const std::string& id) {
  return std::string(kMagic) + id + "\n";
}

std::string encode(const ReadEntry& e) {
  const nlohmann::json j = {{"at", e.at},
                            {"user_id", opt(e.actor.user_id)},
                            {"username", opt(e.actor.username)},
                            {"ip", e.actor.ip},
                            {"request_id", e.actor.request_id},
                            {"action", e.action},
                            {"record_type", e.record_type},
                            {"record_id", opt(e.record_id)},
                            {"details", e.details},
                            {"region_code", opt(e.place.region_code)},
                            {"province_code", opt(e.place.province_code)},
                            {"organization_id", opt(e.place.organization_id)}};
  const std::string payload = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (payload.size() > kMaxPayload) throw std::length_error("access journal: entry too large");
  std::string out;
  out.reserve(kRecordHead + payload.size());
  const auto n = static_cast<std::uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += checksum(payload);
  out += payload;
  return out;
}

Scan read_file(const std::string& path, std::uint64_t from) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) io_fail("cannot open", path);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  const std::string id = read_header_id(fd, path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) io_fail("cannot stat", path);
  from = std::max<std::uint64_t>(from, kHeaderSize);
  Scan scan = scan_records(read_range(fd, path, from, static_cast<std::uint64_t>(st.st_size)), from,
                           path, SIZE_MAX, true, true);
  scan.id = id;
  return scan;
}

}  // namespace journal_format

// One journal file, open (and flock'ed when `owned`) until removed.
struct Journal::File {
  std::string path;
  std::string id;
  int fd = -1;
  bool owned = false;      // holds the exclusive flock: written or deletable by us only
  bool recovered = false;  // left by an earlier process: its last record may be torn
  std::uint64_t size = 0;  // bytes written and synced (guarded by write_mu_)
  ~File() {
    if (fd >= 0) ::close(fd);
  }
};

Journal::Journal(db::Database& db, std::string prefix, JournalOptions options)
    : db_(db), prefix_(std::move(prefix)), options_(options) {
  recover();
  if (options_.ingester_thread) ingester_ = std::thread([this] { run_ingester(); });
}

Journal::~Journal() {
  try {
    stop();
  } catch (const std::exception& e) {
    log::error("access_journal_stop_failed", {{"error", std::string_view(e.what())}});
  }
}

void Journal::recover() {
  const std::filesystem::path p(prefix_);
  const auto dir = p.parent_path().empty() ? std::filesystem::path(".") : p.parent_path();
  const std::string base = p.filename().string() + ".";
  for (const auto& name : files_named(dir, base)) {  // by generation (zero-padded)
    const std::string path = (dir / name).string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;  // deleted meanwhile by its owner
    auto file = std::make_shared<File>();
    file->path = path;
    file->fd = fd;
    file->recovered = true;
    file->owned = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    const std::string rest = name.substr(base.size());
    if (rest.size() > 4 && rest.compare(rest.size() - 4, 4, ".new") == 0) {
      // A file whose creation did not finish: never appended to.
      if (file->owned) ::unlink(path.c_str());
      continue;
    }
    try {
      next_generation_ = std::max<std::uint64_t>(next_generation_, std::stoull(rest) + 1);
    } catch (const std::exception&) {
      continue;  // not one of ours
    }
    file->id = read_header_id(fd, path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) io_fail("cannot stat", path);
    file->size = static_cast<std::uint64_t>(st.st_size);
    const auto reached = ingest_file(*file, file->size, true);
    log::info("access_journal_recovered",
              {{"file", std::string_view(path)},
               {"torn_bytes", static_cast<std::int64_t>(file->size - reached)},
               {"deleted", file->owned}});
    if (file->owned) remove_file(*file);
  }
}

std::shared_ptr<Journal::File> Journal::create_file() {
  auto file = std::make_shared<File>();
  file->id = random_id();
  char generation[32];
  std::snprintf(generation, sizeof generation, "%016llu",
                static_cast<unsigned long long>(next_generation_++));
  file->path = prefix_ + "." + generation + "." + file->id;
  const std::string creating = file->path + ".new";
  file->fd = ::open(creating.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (file->fd < 0) io_fail("cannot create", creating);
  if (::flock(file->fd, LOCK_EX | LOCK_NB) != 0) io_fail("cannot lock", creating);
  file->owned = true;
  const std::string head = journal_format::header(file->id);
  if (::pwrite(file->fd, head.data(), head.size(), 0) != static_cast<ssize_t>(head.size()) ||
      ::fdatasync(file->fd) != 0) {
    ::unlink(creating.c_str());
    io_fail("cannot write", creating);
  }
  if (::rename(creating.c_str(), file->path.c_str()) != 0) {
    ::unlink(creating.c_str());
    io_fail("cannot rename", creating);
  }
  fsync_dir(file->path);
  file->size = head.size();
  return file;
}

void Journal::append(const std::vector<const ReadEntry*>& entries) {
  if (entries.empty()) return;
  std::string buf;
  for (const ReadEntry* e : entries) buf += journal_format::encode(*e);
  std::unique_lock lock(write_mu_);
  if (!current_) current_ = create_file();
  File& f = *current_;
  std::size_t done = 0;
  bool ok = true;
  while (done < buf.size()) {
    const auto n =
        ::pwrite(f.fd, buf.data() + done, buf.size() - done, static_cast<off_t>(f.size + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (ok && ::fdatasync(f.fd) != 0) ok = false;
  if (!ok) {
    const int err = errno;
    // What was written past `size` is never read by this process; the file is set aside
    // and deleted once what precedes it is ingested.
    if (::ftruncate(f.fd, static_cast<off_t>(f.size)) == 0) (void)::fdatasync(f.fd);
    retired_.push_back(std::move(current_));
    current_.reset();
    errno = err;
    io_fail("cannot append to", f.path);
  }
  f.size += buf.size();
  pending_ += entries.size();
  if (pending_ >= options_.wake_at) wake_.notify_one();
}

void Journal::run_ingester() {
  std::unique_lock lock(write_mu_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.interval,
                   [this] { return stopping_ || pending_ >= options_.wake_at; });
    if (stopping_) break;
    if (pending_ == 0 && retired_.empty()) continue;
    lock.unlock();
    try {
      ingest(false);
    } catch (const std::exception& e) {
      // Tried again at the next run; readers of the log (flush) get the error meanwhile.
      log::error("access_journal_ingest_failed", {{"error", std::string_view(e.what())}});
    }
    lock.lock();
  }
}

void Journal::ingest(bool retire_current) {
  std::lock_guard ingesting(ingest_mu_);
  std::vector<std::shared_ptr<File>> retired;
  std::shared_ptr<File> current;
  std::uint64_t limit = 0;
  {
    std::lock_guard lock(write_mu_);
    if (current_ && (retire_current || current_->size >= options_.rotate_bytes)) {
      retired_.push_back(std::move(current_));
      current_.reset();
    }
    retired = retired_;
    current = current_;
    if (current) limit = current->size;
    pending_ = 0;
  }
  // Older files first: their entries were recorded first.
  for (const auto& f : retired) {
    ingest_file(*f, f->size, false);
    remove_file(*f);
    std::lock_guard lock(write_mu_);
    retired_.erase(std::find(retired_.begin(), retired_.end(), f));
  }
  if (current) ingest_file(*current, limit, false);
}

std::uint64_t Journal::ingest_file(File& file, std::uint64_t limit, bool tail_may_be_torn) {
  while (true) {
    db::Transaction tx(db_, db::TxMode::kWrite);
    auto row = tx.query("SELECT ingested FROM audit_journal WHERE id = $1", {db::Value(file.id)});
    const std::uint64_t from =
        row.empty() ? journal_format::kHeaderSize
                    : static_cast<std::uint64_t>(db::as_int(row.rows[0][0]).value_or(0));
    if (from >= limit) return from;  // nothing new: rolled back, nothing written
    // Read in slices: a long outage may have left many megabytes.
    const std::uint64_t slice_end = std::min<std::uint64_t>(limit, from + (8u << 20));
    auto scan = scan_records(read_range(file.fd, file.path, from, slice_end), from, file.path,
                             kMaxPerTransaction, slice_end == limit, tail_may_be_torn);
    if (scan.entries.empty()) {
      if (slice_end != limit && !scan.torn) {
        throw JournalCorrupt("access journal " + file.path + ": record at byte " +
                             std::to_string(from) + " is larger than a slice");
      }
      return from;  // only a torn record is left
    }
    std::vector<const ReadEntry*> ptrs;
    ptrs.reserve(scan.entries.size());
    for (const auto& e : scan.entries) ptrs.push_back(&e);
    append_all(tx.conn(), ptrs);
    tx.query(
        "INSERT INTO audit_journal(id, ingested) VALUES ($1, $2) "
        "ON CONFLICT (id) DO UPDATE SET ingested = excluded.ingested",
        {db::Value(file.id), db::Value(static_cast<std::int64_t>(scan.end))});
    tx.commit();
    {
      std::lock_guard lock(write_mu_);
      ++transactions_;
    }
    if (scan.end >= limit || scan.torn) return scan.end;
  }
}

void Journal::remove_file(File& file) {
  if (!file.owned) return;  // another process writes it
  if (::unlink(file.path.c_str()) != 0 && errno != ENOENT) io_fail("cannot delete", file.path);
  fsync_dir(file.path);
  ::close(file.fd);
  file.fd = -1;
  db::Transaction tx(db_, db::TxMode::kWrite);
  tx.query("DELETE FROM audit_journal WHERE id = $1", {db::Value(file.id)});
  tx.commit();
}

void Journal::flush() {
  ingest(false);
}

void Journal::stop_ingester() {
  {
    std::lock_guard lock(write_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ingester_.joinable()) ingester_.join();
}

void Journal::stop() {
  stop_ingester();
  ingest(true);
}

void Journal::abandon_for_testing() {
  stop_ingester();
  std::lock_guard ingesting(ingest_mu_);
  std::lock_guard lock(write_mu_);
  current_.reset();
  retired_.clear();
}

std::uint64_t Journal::ingest_transactions() const {
  std::lock_guard lock(write_mu_);
  return transactions_;
}

std::string Journal::current_path() const {
  std::lock_guard lock(write_mu_);
  return current_ ? current_->path : std::string();
}

namespace {
const char kJournalKey = 0;
}  // namespace

void open_journal(db::Database& db, JournalOptions options) {
  if (db.sqlite_file().empty() || journal_of(db)) return;
  db.attach(&kJournalKey,
            std::make_shared<Journal>(db, db.sqlite_file() + "-access-journal", options));
}

std::shared_ptr<Journal> journal_of(const db::Database& db) {
  return std::static_pointer_cast<Journal>(db.attachment(&kJournalKey));
}

void flush(db::Database& db) {
  if (auto j = journal_of(db)) j->flush();
}

std::size_t remove_journal_files(const std::string& sqlite_file) {
  const std::filesystem::path file(sqlite_file);
  const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& name : files_named(dir, file.filename().string() + "-access-journal.")) {
    if (std::filesystem::remove(dir / name, ec)) ++removed;
  }
  return removed;
}

}  // namespace jisr::audit

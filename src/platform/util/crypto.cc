// src/platform/util/crypto.cc
#include "platform/util/crypto.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <semaphore>
#include <stdexcept>
#include <thread>

namespace jisr::crypto {
namespace {

std::atomic<PasswordProfile> g_profile{PasswordProfile::kInteractive};

unsigned long long opslimit() {
  return g_profile.load() == PasswordProfile::kModerate ? crypto_pwhash_OPSLIMIT_MODERATE
                                                        : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}
std::size_t memlimit() {
  return g_profile.load() == PasswordProfile::kModerate ? crypto_pwhash_MEMLIMIT_MODERATE
                                                        : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

// At most password_hash_parallelism() Argon2id calls at once. Each holds its memory (64 MiB
// with the interactive profile, 256 MiB moderate) for its whole run and is CPU-bound: more at
// once than cores adds memory, not logins per second. Eight concurrent logins held 512 MiB
// and took the 1M bench's server past its 1 GB budget (bench/RESULTS.md).
constexpr std::ptrdiff_t kMaxParallelism = 64;
std::ptrdiff_t parallelism() {
  static const std::ptrdiff_t n = std::clamp<std::ptrdiff_t>(
      static_cast<std::ptrdiff_t>(std::thread::hardware_concurrency()), 2, kMaxParallelism);
  return n;
}
std::counting_semaphore<kMaxParallelism>& gate() {
  static std::counting_semaphore<kMaxParallelism> semaphore(parallelism());
  return semaphore;
}
std::atomic<std::size_t> g_running{0}, g_peak{0};

// Holds one place of the gate for the lifetime of one Argon2id call.
class GatePass {
 public:
  GatePass() {
    gate().acquire();
    const std::size_t now = g_running.fetch_add(1) + 1;
    std::size_t peak = g_peak.load();
    while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
    }
  }
  ~GatePass() {
    g_running.fetch_sub(1);
    gate().release();
  }
  GatePass(const GatePass&) = delete;
  GatePass& operator=(const GatePass&) = delete;
};

}  // namespace

std::size_t password_hash_parallelism() {
  return static_cast<std::size_t>(parallelism());
}

std::size_t password_hash_peak_for_testing() {
  return g_peak.load();
}

void init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string random_token(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string hash_hex(std::string_view data) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, sizeof digest * 2);
}

bool equals_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void set_password_profile(PasswordProfile profile) {
  g_profile.store(profile);
}

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  const GatePass pass;
  if (crypto_pwhash_str(out, password.data(), password.size(), opslimit(), memlimit()) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  const std::string h(hash);  // crypto_pwhash_str_verify wants a NUL-terminated string
  const GatePass pass;
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash) {
  const std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), opslimit(), memlimit()) != 0;
}

}  // namespace jisr::crypto

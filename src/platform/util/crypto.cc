// src/platform/util/crypto.cc
#include "platform/util/crypto.h"

#include <sodium.h>

#include <atomic>
#include <stdexcept>

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

}  // namespace

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
  if (crypto_pwhash_str(out, password.data(), password.size(), opslimit(), memlimit()) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  const std::string h(hash);  // crypto_pwhash_str_verify wants a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view hash) {
  const std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), opslimit(), memlimit()) != 0;
}

}  // namespace jisr::crypto

// src/platform/util/crypto.h — randomness, token hashing and password hashing (libsodium).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jisr::crypto {

// Calls sodium_init(); safe to call many times. Throws std::runtime_error on failure.
void init();

// `bytes` random bytes encoded as base64url without padding (a session id, a token).
std::string random_token(std::size_t bytes = 32);

// Hex BLAKE2b-256 of `data`: how tokens and session ids are stored (a stolen database does
// not yield usable credentials), and the audit chain's link.
std::string hash_hex(std::string_view data);

// Constant-time comparison (CSRF tokens).
bool equals_constant_time(std::string_view a, std::string_view b);

// Password hashing with Argon2id. The cost profile is chosen once at start: "interactive"
// (the default: 64 MiB, 2 passes — above OWASP's minimum for Argon2id) or "moderate"
// (256 MiB, 3 passes, about a second per login). Hashes record their own parameters, so a
// change of profile is detected by needs_rehash() and the hash is renewed at next login.
enum class PasswordProfile { kInteractive, kModerate };
void set_password_profile(PasswordProfile profile);
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);
bool password_needs_rehash(std::string_view hash);
// hash_password() and verify_password() run at most this many at once (the number of cores,
// at least 2); further callers wait. Each Argon2id call holds its memory for its whole run.
std::size_t password_hash_parallelism();
// Tests only: the most hash or verify calls that have run at once in this process.
std::size_t password_hash_peak_for_testing();

}  // namespace jisr::crypto

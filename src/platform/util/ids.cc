// src/platform/util/ids.cc
#include "platform/util/ids.h"

#include <sodium.h>

#include <chrono>
#include <cstdint>

namespace jisr::ids {
namespace {
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}

std::string new_id() {
  const auto ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  unsigned char random[10];
  randombytes_buf(random, sizeof random);
  std::string out(26, '0');
  // 10 characters of time (50 bits, the top 2 always zero).
  for (int i = 9; i >= 0; --i)
    out[static_cast<std::size_t>(9 - i)] = kAlphabet[(ms >> (i * 5)) & 31];
  // 16 characters of randomness (80 bits).
  std::uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 5; ++i) hi = (hi << 8) | random[i];
  for (int i = 5; i < 10; ++i) lo = (lo << 8) | random[i];
  for (int i = 0; i < 8; ++i)
    out[static_cast<std::size_t>(10 + i)] = kAlphabet[(hi >> ((7 - i) * 5)) & 31];
  for (int i = 0; i < 8; ++i)
    out[static_cast<std::size_t>(18 + i)] = kAlphabet[(lo >> ((7 - i) * 5)) & 31];
  return out;
}

bool looks_like_id(std::string_view id) {
  if (id.size() != 26) return false;
  for (char c : id) {
    bool ok = false;
    for (const char* a = kAlphabet; *a; ++a) ok = ok || *a == c;
    if (!ok) return false;
  }
  return true;
}

}  // namespace jisr::ids

// src/match/utf8.h
//
// Minimal UTF-8 <-> code point conversion for the matching code, which works on short
// name strings and wants to avoid a round trip through ICU for plain letters.
#pragma once

#include <string>
#include <string_view>

namespace jisr::match {

// Code points of `utf8`. Invalid or truncated sequences are skipped byte by byte, so a
// damaged name still yields its readable letters.
std::u32string decode_utf8(std::string_view utf8);

// Appends the UTF-8 encoding of `code_point` (which must be a Unicode scalar value).
void append_utf8(std::string& out, char32_t code_point);

// UTF-8 encoding of `code_points`.
std::string encode_utf8(std::u32string_view code_points);

}  // namespace jisr::match

// src/platform/util/ids.h — record identifiers.
//
// Ids are ULIDs: 26 characters of Crockford base32, a 48-bit millisecond timestamp then 80
// random bits. They sort by creation time (cursor pagination by id is chronological), need no
// database sequence (several servers, offline field devices later) and reveal no count.
#pragma once

#include <string>
#include <string_view>

namespace jisr::ids {

std::string new_id();
// True when `id` has the shape of an id (26 Crockford base32 characters).
bool looks_like_id(std::string_view id);

}  // namespace jisr::ids

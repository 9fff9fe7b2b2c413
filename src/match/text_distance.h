// src/match/text_distance.h
//
// Edit distances on short keys (name skeletons, CIN numbers). Inputs are byte strings;
// callers pass ASCII keys or UTF-8 text they accept to compare byte-wise.
#pragma once

#include <cstddef>
#include <string_view>

namespace jisr::match {

// Optimal-string-alignment distance (Levenshtein plus adjacent transposition, each
// edit costing 1) between `a` and `b`. Keys longer than 64 bytes are compared on their
// first 64 bytes: names never get that long, and the bound keeps the work on the stack.
std::size_t osa_distance(std::string_view a, std::string_view b);

// 1 - osa_distance / max(len): 1 for equal strings, 0 for strings with nothing in
// common. Two empty strings are equal (1).
double edit_similarity(std::string_view a, std::string_view b);
// The most edit_similarity() can give for keys of these lengths (bytes): they differ by at
// least their difference in length. Lets a caller skip keys that cannot reach a floor.
double edit_similarity_ceiling(std::size_t a_size, std::size_t b_size);

// Jaro-Winkler similarity in [0,1] (prefix scale 0.1, prefix up to 4), byte-wise.
double jaro_winkler(std::string_view a, std::string_view b);

// True when `a` and `b` have the same length and differ by exactly one substituted
// character or one swap of two adjacent characters — the typos a clerk makes when
// copying an identity-card number.
bool one_typo_apart(std::string_view a, std::string_view b);

// Similarity 1 - cost / max(len) under an edit distance where inserting, deleting or
// substituting a "soft" character (a vowel) costs 0.5 instead of 1 — except at the last
// position of either string, where the vowel marks gender (Karim/Karima, Amine/Amina)
// and costs a full edit. `is_soft` classifies bytes.
double vowel_tolerant_similarity(std::string_view a, std::string_view b, bool (*is_soft)(char));

}  // namespace jisr::match

// src/match/synthetic.h
//
// Deterministic synthetic Moroccan person records with known duplicates, for tests and
// benchmarks. No real person is represented: names are drawn from lists of common given
// and family names, each with its Arabic spelling and the Latin spellings seen in
// registries. The "messy" profile adds what real files hold and the dev set lacks:
// swapped given/family names, names split across scripts, estimated birth years, moved
// provinces, missing fields, typos, and look-alike relatives (siblings, twins).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "match/person_record.h"

namespace jisr::match {

// A name in Arabic and its Latin spellings seen in registries, '|'-separated (the most
// common first).
struct NameEntry {
  std::string_view arabic;
  std::string_view latin;
};

// The name tables behind the generator, most common names first (also used by the demo
// data of src/demo/).
std::span<const NameEntry> male_given_names();
std::span<const NameEntry> female_given_names();
std::span<const NameEntry> family_names();

struct SyntheticOptions {
  std::size_t people = 1000;  // distinct persons (entities)
  std::uint64_t seed = 1;
  bool messy = true;  // false: only spelling/script variation, like the dev set
  // Share of persons registered more than once (each duplicate person gets 2-4 records).
  double duplicated_share = 0.4;
  // Share of persons that have a sibling in the set (same family name, father, province).
  double sibling_share = 0.1;
};

struct SyntheticSet {
  std::vector<std::string> ids;  // "S0000001"...
  std::vector<PersonRecord> records;
  std::vector<std::uint32_t> entity;  // person index of each record
};

// Generates the records; the same options always give the same records on any platform
// (own PRNG, no std::distribution).
SyntheticSet generate_synthetic(const SyntheticOptions& options);

// The set as records.csv / truth.csv text (same columns as the dev set).
std::string to_records_csv(const SyntheticSet& set);
std::string to_truth_csv(const SyntheticSet& set);

// A noisy search query for record `index`: some of its name words, in one script or
// mixed, with an occasional typo. Deterministic in (set, index, seed).
std::string noisy_query(const SyntheticSet& set, std::size_t index, std::uint64_t seed);

}  // namespace jisr::match

// src/match/name_similarity.h
//
// How alike two names are, in [0,1], whatever their scripts, token order, particles and
// compounding. Builds on the forms of name_form.h.
#pragma once

#include <span>

#include "match/name_form.h"

namespace jisr::match {

// Similarity of two name tokens. Same script: the phonetic keys (Latin) or canonical
// letters (Arabic) under vowel_tolerant_similarity(), floored at 0.85 when the consonant
// skeletons agree. Across scripts: 1 when the skeletons agree and every long vowel Arabic
// writes is in the Latin spelling; 0.9 when one is missing (علوي vs Ali) or the consonants
// repeat differently; 0.8 when Latin writes another vowel there (حسين vs Hassan); else the
// edit similarity of the skeletons.
double token_similarity(const NameToken& a, Script script_a, const NameToken& b, Script script_b);

struct NameAgreement {
  // Similarity of the whole names (token alignment or glued keys, the better).
  double full = 0;
  // Similarity over the shorter name only: high when one name is part of the other
  // ("Fatima" within "Fatima Zahra").
  double partial = 0;
};

// Order-insensitive comparison of two analysed names: core tokens (particles set
// aside) are paired greedily by similarity; the glued keys catch "Fatimazahra" vs
// "Fatima Zahra" and "Benali" vs "Ben Ali". Empty forms give {0, 0}.
NameAgreement compare_name_forms(const NameForm& a, const NameForm& b);

// Compares one name field given in up to two scripts on each side (empty forms are
// skipped). When both sides share a script, only same-script pairs count — they are
// more discriminating than skeletons; otherwise Arabic is compared with Latin.
NameAgreement compare_name_field(std::span<const NameForm* const> a,
                                 std::span<const NameForm* const> b);

}  // namespace jisr::match

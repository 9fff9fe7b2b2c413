// src/match/weights.cc
//
// The default Fellegi–Sunter weights. Values were produced by
// estimate_weights_em() over the 26,265 candidate pairs that blocking yields on
// /work/shared/data/dedup-dev (no labels used), by estimate_weights_from_records() in
// dedup.h: EM from starting_weights() with pseudo-count 1; a first pass gives the match
// share, a second adds the domain priors domain_m_priors()/domain_u_priors() for the
// levels the dev data cannot show (province moves, estimated birth years, sex slips).
// docs/matching.md lists them with their weights ln(m/u) and compares them with the
// labelled estimate. Re-run: bench/dedup_eval.sh --estimate.
#include "match/similarity.h"

namespace jisr::match {

const MatchWeights& default_weights() {
  static const MatchWeights weights = [] {
    MatchWeights w;
    // Levels: exact, high, partial, medium, none.
    w.m[kFirstName] = {0.8543, 0.04168, 0.02003, 0.06768, 0.01628};
    w.u[kFirstName] = {0.6304, 0.03934, 0.08747, 0.03409, 0.2087};
    w.m[kLastName] = {0.8723, 0.04068, 0.005734, 0.06708, 0.01424};
    w.u[kLastName] = {0.4062, 0.03478, 0.00167, 0.1243, 0.433};
    // Levels: exact, day/month transposed, same year, near (estimated ±2), none.
    w.m[kBirthDate] = {0.6443, 0.0482, 0.2844, 0.02041, 0.00267};
    w.u[kBirthDate] = {0.0007814, 0.0002553, 0.1305, 0.007609, 0.8609};
    // Levels: agree, disagree.
    w.m[kSex] = {0.9935, 0.006527};
    w.u[kSex] = {0.8848, 0.1152};
    // Levels: exact, one typo, different.
    w.m[kCin] = {0.9965, 0.001361, 0.002172};
    w.u[kCin] = {0.0002079, 0.0002067, 0.9996};
    // Levels: agree, disagree.
    w.m[kProvince] = {0.9201, 0.07995};
    w.u[kProvince] = {0.02942, 0.9706};
    // Levels: exact, high, medium, none.
    w.m[kFatherName] = {0.9727, 0.01317, 0.007738, 0.0064};
    w.u[kFatherName] = {0.1108, 0.0006066, 0.06898, 0.8196};
    w.prior_log_odds = -2.26;
    return w;
  }();
  return weights;
}

}  // namespace jisr::match

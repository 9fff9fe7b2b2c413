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
    w.m[kFirstName] = {0.8575, 0.03851, 0.02004, 0.06809, 0.01585};
    w.u[kFirstName] = {0.6327, 0.03852, 0.08755, 0.03402, 0.2072};
    w.m[kLastName] = {0.8772, 0.03562, 0.005732, 0.06648, 0.01499};
    w.u[kLastName] = {0.4203, 0.01994, 0.001671, 0.1401, 0.418};
    // Levels: exact, day/month transposed, same year, near (estimated ±2), none.
    w.m[kBirthDate] = {0.6444, 0.0482, 0.2843, 0.02041, 0.002674};
    w.u[kBirthDate] = {0.0007697, 0.0002552, 0.1305, 0.00761, 0.8609};
    // Levels: agree, disagree.
    w.m[kSex] = {0.9935, 0.006543};
    w.u[kSex] = {0.8848, 0.1152};
    // Levels: exact, one typo, different.
    w.m[kCin] = {0.9965, 0.001361, 0.002158};
    w.u[kCin] = {0.0002078, 0.0002067, 0.9996};
    // Levels: agree, disagree.
    w.m[kProvince] = {0.92, 0.08003};
    w.u[kProvince] = {0.0294, 0.9706};
    // Levels: exact, high, medium, none.
    w.m[kFatherName] = {0.9746, 0.01129, 0.007754, 0.006351};
    w.u[kFatherName] = {0.1109, 0.0006076, 0.06905, 0.8194};
    w.prior_log_odds = -2.2595;
    return w;
  }();
  return weights;
}

}  // namespace jisr::match

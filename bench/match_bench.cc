// bench/match_bench.cc — matching benchmarks (src/match): normalisation, pair scoring,
// fuzzy search at 100k and 1M people, batch dedup of 1M records. Synthetic data only
// (match/synthetic.h), generated deterministically. Results: bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "match/blocking.h"
#include "match/dedup.h"
#include "match/name_form.h"
#include "match/normalize.h"
#include "match/search_index.h"
#include "match/similarity.h"
#include "match/synthetic.h"
#include "match/utf8.h"

namespace {

using namespace jisr::match;

const SyntheticSet& people(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<SyntheticSet>> cache;
  auto& slot = cache[n];
  if (!slot) {
    SyntheticOptions options;
    options.people = n;
    options.seed = 99;
    options.duplicated_share = 0.3;
    slot = std::make_unique<SyntheticSet>(generate_synthetic(options));
  }
  return *slot;
}

// Names of 10k synthetic records, analysed round-robin (per-thread memo warm, as in a
// batch where names repeat).
void BM_AnalyzeName(benchmark::State& state) {
  const SyntheticSet& set = people(10000);
  std::vector<std::string> names;
  for (const PersonRecord& r : set.records) {
    for (const std::string* f :
         {&r.first_name_ar, &r.last_name_ar, &r.first_name_lat, &r.last_name_lat}) {
      if (!f->empty()) names.push_back(*f);
    }
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(analyze_name(names[i]));
    i = (i + 1) % names.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyzeName);

// Arabic skeletons of random 6-letter words (28^6 = 481M of them), so the per-thread
// memo almost never answers: the cost of NFKC check + ICU Arabic-Latin + rules.
void BM_ArabicSkeletonUncached(benchmark::State& state) {
  std::uint64_t seed = 12345;
  for (auto _ : state) {
    std::string word;
    for (int k = 0; k < 6; ++k) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      append_utf8(word,
                  static_cast<char32_t>(0x0628 + (seed >> 33) % 26));  // ب .. غ ف ق ك ل م ن ه و ي
    }
    benchmark::DoNotOptimize(arabic_skeleton(word));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ArabicSkeletonUncached);

void BM_FoldLatin(benchmark::State& state) {
  const char* names[] = {"Mohamed El Alaoui", "Aïcha Ben-Ali", "Fatima-Ezzahra",
                         "L'Houssaine Ouali"};
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(fold_latin(names[i++ % 4]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FoldLatin);

// score() of candidate pairs from blocking (prepared records: the batch case).
void BM_ScorePair(benchmark::State& state) {
  const SyntheticSet& set = people(10000);
  std::vector<PreparedRecord> prepared;
  for (const PersonRecord& r : set.records) prepared.push_back(prepare(r));
  const std::vector<PackedPair> pairs = candidate_pairs(prepared);
  std::size_t i = 0;
  for (auto _ : state) {
    const PackedPair p = pairs[i++ % pairs.size()];
    benchmark::DoNotOptimize(score(prepared[pair_first(p)], prepared[pair_second(p)]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ScorePair);

void BM_Search(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  static std::map<std::size_t, std::unique_ptr<SearchIndex>> indexes;
  SyntheticOptions options;
  options.people = n;
  options.seed = 5;
  options.duplicated_share = 0;
  static std::map<std::size_t, std::unique_ptr<SyntheticSet>> sets;
  if (!sets[n]) sets[n] = std::make_unique<SyntheticSet>(generate_synthetic(options));
  const SyntheticSet& set = *sets[n];
  if (!indexes[n]) {
    indexes[n] = std::make_unique<SearchIndex>();
    for (std::size_t i = 0; i < set.records.size(); ++i) indexes[n]->add(i, set.records[i]);
  }
  const SearchIndex& index = *indexes[n];
  std::vector<std::string> queries;
  for (std::size_t i = 0; i < 2000; ++i)
    queries.push_back(noisy_query(set, (i * 7919) % set.records.size(), 1));
  std::size_t q = 0;
  std::vector<double> micros;
  micros.reserve(1 << 16);
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(index.search(queries[q++ % queries.size()], 10));
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = micros[micros.size() / 2];
  state.counters["p95_us"] = micros[micros.size() * 95 / 100];
  state.counters["people"] = static_cast<double>(index.size());
  state.counters["index_MB"] = static_cast<double>(index.memory_bytes()) / 1e6;
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Search)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// Batch dedup of synthetic records (2 threads), end to end from PersonRecords.
void BM_Dedup(benchmark::State& state) {
  SyntheticOptions options;
  options.people = static_cast<std::size_t>(state.range(0));
  options.seed = 8;
  options.duplicated_share = 0.25;
  const SyntheticSet set = generate_synthetic(options);
  DedupResult result;
  for (auto _ : state) {
    DedupOptions dedup;
    dedup.threads = 2;
    result = run_dedup(set.records, set.ids, dedup);
  }
  state.counters["records"] = static_cast<double>(set.records.size());
  state.counters["candidates"] = static_cast<double>(result.candidate_pairs);
  state.counters["pairs"] = static_cast<double>(result.pairs.size());
}
BENCHMARK(BM_Dedup)->Arg(100000)->Arg(800000)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

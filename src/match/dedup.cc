// src/match/dedup.cc
#include "match/dedup.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "platform/util/csv.h"

namespace jisr::match {

namespace {

constexpr std::size_t kProgressFrom = 100000;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The first line of `text` holding invalid UTF-8, or 0 when it is all valid.
std::size_t first_invalid_utf8_line(std::string_view text) {
  std::size_t line = 1, start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (!csv::is_valid_utf8(text.substr(start, end - start))) return line;
    ++line;
    start = end + 1;
  }
  return 0;
}

csv::Table parse_table(std::string_view text, std::string_view what) {
  if (const std::size_t bad = first_invalid_utf8_line(text); bad != 0) {
    throw DedupInputError(std::string(what) + " line " + std::to_string(bad) + ": invalid UTF-8");
  }
  try {
    return csv::parse(text, ',');
  } catch (const csv::ParseError& e) {
    throw DedupInputError(std::string(what) + " " + e.what());
  }
}

std::vector<std::size_t> column_indexes(const csv::Table& table,
                                        const std::vector<std::string_view>& names,
                                        std::string_view what) {
  std::vector<std::size_t> indexes;
  for (std::string_view name : names) {
    auto found = std::find(table.header.begin(), table.header.end(), name);
    if (found == table.header.end()) {
      throw DedupInputError(std::string(what) + " line 1: missing column '" + std::string(name) +
                            "'");
    }
    indexes.push_back(static_cast<std::size_t>(found - table.header.begin()));
  }
  return indexes;
}

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) {
    for (std::size_t i = 0; i < n; ++i) parent_[i] = static_cast<std::uint32_t>(i);
  }
  std::uint32_t find(std::uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void unite(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<std::uint32_t> parent_;
};

// Runs body(begin, end) over [0, n) split in `threads` contiguous slices.
template <typename Body>
void parallel_for(std::size_t n, unsigned threads, Body body) {
  threads = std::max(
      1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(n / 1024, 1))));
  if (threads == 1) {
    body(std::size_t{0}, n);
    return;
  }
  std::vector<std::thread> workers;
  const std::size_t slice = (n + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t begin = std::min(n, t * slice), end = std::min(n, begin + slice);
    workers.emplace_back([=] { body(begin, end); });
  }
  for (std::thread& worker : workers) worker.join();
}

std::string format_score(double score) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4f", score);
  return buffer;
}

}  // namespace

RecordTable read_records_csv(std::string_view csv_text) {
  const csv::Table table = parse_table(csv_text, "records.csv");
  const std::vector<std::size_t> col =
      column_indexes(table,
                     {"record_id", "first_name_ar", "last_name_ar", "first_name_lat",
                      "last_name_lat", "sex", "birth_date", "cin", "province", "father_first_name"},
                     "records.csv");
  RecordTable out;
  out.ids.reserve(table.rows.size());
  out.records.reserve(table.rows.size());
  std::unordered_set<std::string_view> seen;
  seen.reserve(table.rows.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::vector<std::string>& row = table.rows[r];
    const std::size_t line = table.row_lines[r];
    auto cell = [&](std::size_t c) -> const std::string& {
      static const std::string kEmpty;
      return col[c] < row.size() ? row[col[c]] : kEmpty;
    };
    if (cell(0).empty())
      throw DedupInputError("records.csv line " + std::to_string(line) + ": empty record_id");
    PersonRecord record;
    record.first_name_ar = cell(1);
    record.last_name_ar = cell(2);
    record.first_name_lat = cell(3);
    record.last_name_lat = cell(4);
    record.sex = parse_sex(cell(5));
    record.birth = parse_birth_date(cell(6));
    if (record.birth.precision == DatePrecision::kNone && !cell(6).empty())
      ++out.unparsed_birth_dates;
    record.cin = cell(7);
    record.province = cell(8);
    record.father_first_name = cell(9);
    out.ids.push_back(cell(0));
    out.records.push_back(std::move(record));
  }
  for (std::size_t r = 0; r < out.ids.size(); ++r) {
    if (!seen.insert(out.ids[r]).second) {
      throw DedupInputError("records.csv line " + std::to_string(table.row_lines[r]) +
                            ": record_id '" + out.ids[r] + "' appears twice");
    }
  }
  return out;
}

DedupResult run_dedup(const std::vector<PersonRecord>& records, std::vector<std::string> ids,
                      const DedupOptions& options) {
  const auto start = Clock::now();
  DedupResult result;
  result.record_ids = std::move(ids);
  const std::size_t n = records.size();
  const MatchWeights& weights = options.weights != nullptr ? *options.weights : default_weights();
  auto score = [&weights](const PreparedRecord& a, const PreparedRecord& b) {
    return match_probability(compare(a, b), weights);
  };
  auto progress = [&](const std::string& message) {
    if (options.progress != nullptr) {
      *options.progress << "dedup: " << message << " (" << std::fixed << std::setprecision(1)
                        << seconds_since(start) << " s)\n"
                        << std::flush;
    }
  };

  std::vector<PreparedRecord> prepared(n);
  parallel_for(n, options.threads, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) prepared[i] = prepare(records[i]);
  });
  progress("analysed " + std::to_string(n) + " records");

  const std::vector<PackedPair> candidates = candidate_pairs(prepared, options.blocking);
  result.candidate_pairs = candidates.size();
  progress(std::to_string(candidates.size()) + " candidate pairs");

  // Each worker keeps its slice's accepted pairs; slices are in order, so concatenating
  // them keeps the (a, b) order of `candidates`.
  const unsigned workers = std::max(1u, options.threads);
  std::vector<std::vector<ScoredPair>> accepted(workers);
  {
    std::vector<std::thread> threads;
    const std::size_t slice = (candidates.size() + workers - 1) / workers;
    for (unsigned t = 0; t < workers; ++t) {
      threads.emplace_back([&, t] {
        const std::size_t begin = std::min(candidates.size(), t * slice);
        const std::size_t end = std::min(candidates.size(), begin + slice);
        for (std::size_t k = begin; k < end; ++k) {
          const std::uint32_t a = pair_first(candidates[k]), b = pair_second(candidates[k]);
          const double s = score(prepared[a], prepared[b]);
          if (s >= options.threshold) accepted[t].push_back({a, b, s});
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  for (auto& part : accepted) result.pairs.insert(result.pairs.end(), part.begin(), part.end());
  progress(std::to_string(result.pairs.size()) + " pairs at or above " +
           format_score(options.threshold));

  if (options.transitive_closure) {
    UnionFind clusters(n);
    for (const ScoredPair& p : result.pairs) clusters.unite(p.a, p.b);
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> members;
    for (const ScoredPair& p : result.pairs) {
      members[clusters.find(p.a)];
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      auto found = members.find(clusters.find(i));
      if (found != members.end()) found->second.push_back(i);
    }
    std::unordered_set<PackedPair> present;
    for (const ScoredPair& p : result.pairs) present.insert(pack_pair(p.a, p.b));
    for (const auto& [root, group] : members) {
      if (group.size() > 50) continue;  // a giant cluster is a chaining error, not a person
      for (std::size_t i = 0; i < group.size(); ++i) {
        for (std::size_t j = i + 1; j < group.size(); ++j) {
          if (present.count(pack_pair(group[i], group[j])) != 0) continue;
          const double s = score(prepared[group[i]], prepared[group[j]]);
          if (s >= options.closure_threshold) result.pairs.push_back({group[i], group[j], s});
        }
      }
    }
    std::sort(result.pairs.begin(), result.pairs.end(),
              [](const ScoredPair& x, const ScoredPair& y) {
                return x.a != y.a ? x.a < y.a : x.b < y.b;
              });
    progress(std::to_string(result.pairs.size()) + " pairs after closure");
  }
  result.seconds = seconds_since(start);
  return result;
}

DedupResult run_dedup_csv(std::string_view records_csv, const DedupOptions& options) {
  RecordTable table = read_records_csv(records_csv);
  const std::size_t unparsed = table.unparsed_birth_dates;
  DedupResult result = run_dedup(table.records, std::move(table.ids), options);
  result.unparsed_birth_dates = unparsed;
  return result;
}

EmResult estimate_weights_from_records(const std::vector<PersonRecord>& records,
                                       const BlockingOptions& blocking) {
  std::vector<PreparedRecord> prepared(records.size());
  parallel_for(records.size(), 2, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) prepared[i] = prepare(records[i]);
  });
  std::vector<Comparison> comparisons;
  for (PackedPair p : candidate_pairs(prepared, blocking)) {
    comparisons.push_back(compare(prepared[pair_first(p)], prepared[pair_second(p)]));
  }
  const EmResult first_pass = estimate_weights_em(comparisons, starting_weights());
  const double n = static_cast<double>(comparisons.size());
  EmOptions options;
  options.m_prior_counts = domain_m_priors(first_pass.match_share * n);
  options.u_prior_counts = domain_u_priors((1.0 - first_pass.match_share) * n);
  return estimate_weights_em(comparisons, starting_weights(), options);
}

void write_pairs_csv(const DedupResult& result, std::ostream& out) {
  out << "record_id_a,record_id_b,score\n";
  for (const ScoredPair& p : result.pairs) {
    out << result.record_ids[p.a] << ',' << result.record_ids[p.b] << ',' << format_score(p.score)
        << '\n';
  }
}

Metrics evaluate(const std::vector<std::pair<std::string, std::string>>& pairs,
                 std::string_view truth_csv) {
  const csv::Table table = parse_table(truth_csv, "truth.csv");
  const std::vector<std::size_t> col =
      column_indexes(table, {"record_id", "entity_id"}, "truth.csv");
  std::unordered_map<std::string, std::string> entity_of;
  std::unordered_map<std::string, std::size_t> entity_size;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    if (col[0] >= row.size() || col[1] >= row.size() || row[col[0]].empty()) {
      throw DedupInputError("truth.csv line " + std::to_string(table.row_lines[r]) +
                            ": missing record_id or entity_id");
    }
    entity_of[row[col[0]]] = row[col[1]];
    ++entity_size[row[col[1]]];
  }
  Metrics metrics;
  for (const auto& [entity, size] : entity_size) metrics.true_pairs += size * (size - 1) / 2;
  std::unordered_set<std::string> counted;
  for (const auto& [a, b] : pairs) {
    if (a == b) continue;
    const std::string key = a < b ? a + '\x1f' + b : b + '\x1f' + a;
    if (!counted.insert(key).second) continue;  // a pair listed twice counts once
    ++metrics.predicted;
    auto ea = entity_of.find(a), eb = entity_of.find(b);
    if (ea != entity_of.end() && eb != entity_of.end() && ea->second == eb->second)
      ++metrics.true_positives;
  }
  metrics.precision = metrics.predicted == 0 ? 1.0
                                             : static_cast<double>(metrics.true_positives) /
                                                   static_cast<double>(metrics.predicted);
  metrics.recall = metrics.true_pairs == 0 ? 1.0
                                           : static_cast<double>(metrics.true_positives) /
                                                 static_cast<double>(metrics.true_pairs);
  metrics.f1 = metrics.precision + metrics.recall == 0
                   ? 0.0
                   : 2 * metrics.precision * metrics.recall / (metrics.precision + metrics.recall);
  return metrics;
}

Metrics evaluate(const DedupResult& result, std::string_view truth_csv) {
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(result.pairs.size());
  for (const ScoredPair& p : result.pairs)
    pairs.emplace_back(result.record_ids[p.a], result.record_ids[p.b]);
  return evaluate(pairs, truth_csv);
}

namespace {

bool read_file(const std::string& path, std::string& content, std::ostream& err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << "dedup: cannot open " << path << "\n";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  content = std::move(buffer).str();
  return true;
}

}  // namespace

int dedup_main(const std::string& input, const std::string& output,
               const std::optional<std::string>& truth, std::ostream& out, std::ostream& err) {
  std::string records_text, truth_text;
  if (!read_file(input, records_text, err)) return 1;
  if (truth && !read_file(*truth, truth_text, err)) return 1;
  try {
    RecordTable table = read_records_csv(records_text);
    records_text.clear();
    records_text.shrink_to_fit();
    DedupOptions options;
    if (table.records.size() >= kProgressFrom) options.progress = &err;
    const std::size_t unparsed = table.unparsed_birth_dates;
    DedupResult result = run_dedup(table.records, std::move(table.ids), options);
    if (unparsed > 0)
      err << "dedup: " << unparsed << " birth dates not understood, read as unknown\n";
    std::optional<Metrics> metrics;
    if (truth) metrics = evaluate(result, truth_text);  // may throw: check before writing
    // Write beside the target and rename, so a failure never leaves half a file.
    const std::string partial = output + ".partial";
    {
      std::ofstream file(partial, std::ios::binary | std::ios::trunc);
      if (!file) {
        err << "dedup: cannot write " << output << "\n";
        return 1;
      }
      write_pairs_csv(result, file);
      file.flush();
      if (!file) {
        err << "dedup: cannot write " << output << "\n";
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        return 1;
      }
    }
    std::error_code rename_error;
    std::filesystem::rename(partial, output, rename_error);
    if (rename_error) {
      err << "dedup: cannot write " << output << ": " << rename_error.message() << "\n";
      return 1;
    }
    out << "dedup: " << result.record_ids.size() << " records, " << result.candidate_pairs
        << " candidate pairs, " << result.pairs.size() << " duplicate pairs written to " << output
        << " in " << std::fixed << std::setprecision(1) << result.seconds << " s\n";
    if (metrics) {
      out << std::setprecision(3) << "precision " << metrics->precision << " recall "
          << metrics->recall << " f1 " << metrics->f1 << " (pairs predicted " << metrics->predicted
          << ", true " << metrics->true_pairs << ")\n";
    }
    return 0;
  } catch (const DedupInputError& e) {
    err << "dedup: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace jisr::match

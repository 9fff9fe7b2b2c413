// bench/search_compare_bench.cc — the same synthetic people and the same noisy queries
// against Jisr's SearchIndex, PostgreSQL pg_trgm (GIN index, `%` + similarity()) and
// SQLite FTS5 (trigram tokenizer, OR of the query's trigrams ranked by bm25). Prints, per
// engine, latency percentiles and recall@10 overall and on cross-script queries.
// Driven by bench/search_compare.sh (which starts the throwaway PostgreSQL); not a Google
// Benchmark (it has its own main()).
//
//   search_compare_bench --people N --queries Q [--sql-queries S] [--pg URL] [--sqlite PATH]
//
// --sql-queries S: the SQL engines answer only the first S queries (at 100k people an FTS5
// OR-of-trigrams query takes seconds); Jisr is then also reported on those S alone.
//
// Data: generate_synthetic(people = N, seed 5, duplicated_share 0.5): half the persons
// have 2-4 records, spelt differently, some only in Arabic, some only in Latin. A query
// is noisy_query() of one record of a duplicated person (its given + family names, 10%
// family first, 10% family only, each word in the other script 40% of the time when that
// record has both, a typo in 30% of Latin words); the wanted answer is ANOTHER record of
// the same person. Found = that record, or a namesake written like it (same given- and
// family-name keys, same scripts present), is in the top 10 — name-only queries cannot
// tell namesakes apart. Cross-script = the query holds Arabic and the wanted record has
// no Arabic name, or the query holds Latin and the record has no Latin name.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "match/name_form.h"
#include "match/search_index.h"
#include "match/synthetic.h"
#include "match/utf8.h"
#include "platform/db/database.h"

namespace {

using namespace jisr;
using namespace jisr::match;

struct Query {
  std::string text;
  std::size_t wanted = 0;  // record index
  bool cross_script = false;
};

struct Keys {
  std::vector<std::string> first, last;
  bool arabic = false, latin = false;
};

Keys keys_of(const PersonRecord& r) {
  Keys k;
  for (const std::string* f : {&r.first_name_ar, &r.first_name_lat}) {
    const NameForm form = analyze_name(*f);
    if (!form.joined.empty()) k.first.push_back(form.joined.front().skeleton);
  }
  for (const std::string* f : {&r.last_name_ar, &r.last_name_lat}) {
    const NameForm form = analyze_name(*f);
    if (!form.joined.empty()) k.last.push_back(form.joined.front().skeleton);
  }
  k.arabic = !r.first_name_ar.empty() || !r.last_name_ar.empty();
  k.latin = !r.first_name_lat.empty() || !r.last_name_lat.empty();
  return k;
}

bool overlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& x) {
    return std::find(b.begin(), b.end(), x) != b.end();
  });
}

// The text with invalid UTF-8 dropped (synthetic typos work on bytes and may split a
// letter like ï); every engine gets the same cleaned text.
std::string clean(const std::string& text) {
  std::string out;
  for (char32_t cp : decode_utf8(text)) append_utf8(out, cp);
  return out;
}

std::string name_text(const PersonRecord& r) {
  std::string out;
  for (const std::string* f :
       {&r.first_name_lat, &r.last_name_lat, &r.first_name_ar, &r.last_name_ar}) {
    if (f->empty()) continue;
    if (!out.empty()) out += ' ';
    out += clean(*f);
  }
  return out;
}

double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double wall_us() {
  return std::chrono::duration<double, std::micro>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Result {
  std::string engine;
  std::vector<double> wall, cpu;
  std::size_t found = 0, cross = 0, cross_found = 0, queries = 0;
  double load_s = 0;
};

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void report(const Result& r) {
  std::printf("%-22s queries %5zu  wall p50 %8.0f us p95 %8.0f us p99 %8.0f us", r.engine.c_str(),
              r.queries, pct(r.wall, 0.5), pct(r.wall, 0.95), pct(r.wall, 0.99));
  if (!r.cpu.empty())
    std::printf("  cpu p50 %6.0f us p95 %6.0f us", pct(r.cpu, 0.5), pct(r.cpu, 0.95));
  std::printf(
      "  recall@10 %.3f  cross-script recall@10 %.3f (%zu queries)  load %.1f s\n",
      static_cast<double>(r.found) / static_cast<double>(std::max<std::size_t>(r.queries, 1)),
      static_cast<double>(r.cross_found) / static_cast<double>(std::max<std::size_t>(r.cross, 1)),
      r.cross, r.load_s);
  std::fflush(stdout);
}

// FTS5 query: every trigram of the query's words, quoted, OR-ed (fuzzy matching with the
// trigram tokenizer; bm25 ranks people sharing more of them first).
std::string fts_query(const std::string& text) {
  std::string out;
  std::u32string word;
  auto flush = [&] {
    for (std::size_t i = 0; i + 3 <= word.size(); ++i) {
      std::string gram;
      for (std::size_t j = i; j < i + 3; ++j) append_utf8(gram, word[j]);
      if (!out.empty()) out += " OR ";
      out += "\"" + gram + "\"";
    }
    word.clear();
  };
  for (char32_t cp : decode_utf8(text)) {
    if (cp == ' ' || cp == '-' || cp == '\'' || cp == '"') {
      flush();
    } else {
      word.push_back(cp);
    }
  }
  flush();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t people = 100000, query_count = 2000, sql_queries = 0;
  std::string pg_url, sqlite_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--people") people = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--queries") query_count = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--sql-queries") sql_queries = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--pg") pg_url = argv[i + 1];
    if (flag == "--sqlite") sqlite_path = argv[i + 1];
  }
  SyntheticOptions options;
  options.people = people;
  options.seed = 5;
  options.duplicated_share = 0.5;
  const SyntheticSet set = generate_synthetic(options);
  std::printf("records %zu (persons %zu, seed 5, duplicated share 0.5)\n", set.records.size(),
              people);

  // Queries: one record of a duplicated person asks for another record of that person.
  std::map<std::uint32_t, std::vector<std::size_t>> records_of;
  for (std::size_t i = 0; i < set.records.size(); ++i) records_of[set.entity[i]].push_back(i);
  std::vector<Query> queries;
  std::vector<Keys> keys(set.records.size());
  std::vector<bool> keyed(set.records.size(), false);
  const auto key = [&](std::size_t i) -> const Keys& {
    if (!keyed[i]) {
      keys[i] = keys_of(set.records[i]);
      keyed[i] = true;
    }
    return keys[i];
  };
  for (std::size_t i = 0; queries.size() < query_count && i < set.records.size() * 3; ++i) {
    const std::size_t source = (i * 7919) % set.records.size();
    const auto& group = records_of[set.entity[source]];
    if (group.size() < 2) continue;
    const std::size_t wanted = group[0] == source ? group[1] : group[0];
    Query q;
    q.text = clean(noisy_query(set, source, 1));
    q.wanted = wanted;
    const Script script = detect_script(q.text);
    bool has_latin = false;
    for (char c : q.text) has_latin = has_latin || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    const bool has_arabic = script == Script::kArabic;
    q.cross_script = (has_arabic && !key(wanted).arabic) || (has_latin && !key(wanted).latin);
    queries.push_back(q);
  }
  if (sql_queries == 0 || sql_queries > queries.size()) sql_queries = queries.size();
  const std::vector<Query> sql_subset(queries.begin(),
                                      queries.begin() + static_cast<std::ptrdiff_t>(sql_queries));
  const auto judge = [&](Result& r, const Query& q, const std::vector<std::size_t>& hits) {
    ++r.queries;
    const Keys& want = key(q.wanted);
    bool found = false;
    for (std::size_t h : hits) {
      if (h >= set.records.size()) continue;
      const Keys& got = key(h);
      if (h == q.wanted || (got.arabic == want.arabic && got.latin == want.latin &&
                            overlap(got.first, want.first) && overlap(got.last, want.last)))
        found = true;
    }
    r.found += found;
    if (q.cross_script) {
      ++r.cross;
      r.cross_found += found;
    }
  };

  {  // Jisr SearchIndex
    Result r;
    r.engine = "jisr SearchIndex";
    std::vector<std::uint64_t> ids(set.records.size());
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = i;
    const double start = wall_us();
    SearchIndex index;
    index.add_all(ids, set.records, 1);
    r.load_s = (wall_us() - start) / 1e6;
    Result first = r;
    first.engine = "jisr (SQL queries)";
    for (std::size_t i = 0; i < queries.size(); ++i) {
      const Query& q = queries[i];
      const double w = wall_us(), c = thread_cpu_us();
      const auto hits = index.search(q.text, 10);
      const double cpu = thread_cpu_us() - c, wall = wall_us() - w;
      std::vector<std::size_t> found;
      for (const SearchHit& h : hits) found.push_back(h.id);
      for (Result* into : {&r, &first}) {
        if (into == &first && i >= sql_queries) continue;
        into->cpu.push_back(cpu);
        into->wall.push_back(wall);
        judge(*into, q, found);
      }
    }
    report(r);
    if (sql_queries < queries.size()) report(first);
  }

  const auto load = [&](db::Database& database, const std::string& create,
                        const std::string& insert_prefix, const std::string& after) {
    auto lease = database.acquire();
    lease->exec_script(create);
    constexpr std::size_t kBatch = 400;
    lease->query("BEGIN");
    for (std::size_t start = 0; start < set.records.size(); start += kBatch) {
      std::string sql = insert_prefix;
      std::vector<db::Value> params;
      for (std::size_t i = start; i < std::min(set.records.size(), start + kBatch); ++i) {
        if (!params.empty()) sql += ", ";
        sql += "($" + std::to_string(params.size() + 1) + ", $" +
               std::to_string(params.size() + 2) + ")";
        params.emplace_back(static_cast<std::int64_t>(i));
        params.emplace_back(name_text(set.records[i]));
      }
      lease->query(sql, params);
    }
    lease->query("COMMIT");
    if (!after.empty()) lease->exec_script(after);
  };

  if (!sqlite_path.empty()) {
    Result r;
    r.engine = "SQLite FTS5 trigram";
    auto database = db::open("sqlite:" + sqlite_path, {});
    const double start = wall_us();
    load(*database,
         "DROP TABLE IF EXISTS names; CREATE VIRTUAL TABLE names USING fts5(id UNINDEXED, name, "
         "tokenize = 'trigram');",
         "INSERT INTO names(id, name) VALUES ", "");
    r.load_s = (wall_us() - start) / 1e6;
    auto lease = database->acquire();
    for (const Query& q : sql_subset) {
      const std::string match = fts_query(q.text);
      const double w = wall_us(), c = thread_cpu_us();
      std::vector<std::size_t> found;
      if (!match.empty()) {
        for (const auto& row :
             lease
                 ->query("SELECT id FROM names WHERE names MATCH $1 ORDER BY rank LIMIT 10",
                         {db::Value(match)})
                 .rows)
          found.push_back(static_cast<std::size_t>(db::as_int(row[0]).value_or(-1)));
      }
      r.cpu.push_back(thread_cpu_us() - c);
      r.wall.push_back(wall_us() - w);
      judge(r, q, found);
    }
    report(r);
  }

  if (!pg_url.empty()) {
    Result r;
    r.engine = "PostgreSQL pg_trgm";
    auto database = db::open(pg_url, {});
    const double start = wall_us();
    load(*database,
         "CREATE EXTENSION IF NOT EXISTS pg_trgm; DROP TABLE IF EXISTS names; "
         "CREATE TABLE names (id BIGINT PRIMARY KEY, name TEXT NOT NULL);",
         "INSERT INTO names(id, name) VALUES ",
         "CREATE INDEX names_trgm ON names USING gin (name gin_trgm_ops); ANALYZE names;");
    r.load_s = (wall_us() - start) / 1e6;
    auto lease = database->acquire();
    for (const Query& q : sql_subset) {
      const double w = wall_us();
      std::vector<std::size_t> found;
      for (const auto& row : lease
                                 ->query("SELECT id FROM names WHERE name % $1 ORDER BY "
                                         "similarity(name, $1) DESC, id LIMIT 10",
                                         {db::Value(q.text)})
                                 .rows)
        found.push_back(static_cast<std::size_t>(db::as_int(row[0]).value_or(-1)));
      r.wall.push_back(wall_us() - w);
      judge(r, q, found);
    }
    report(r);
  }
  return 0;
}

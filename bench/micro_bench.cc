// Micro-benchmarks of the ingest hot paths: timestamp parsing and interning.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "model/dictionary.h"
#include "model/timestamp.h"

namespace {

void BM_ParseTimestampIso(benchmark::State& state) {
  int64_t v = 0;
  for (auto _ : state) {
    baton::ParseTimestamp("2025-03-04T10:22:33Z", &v);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_ParseTimestampIso);

// A layout the fixed-position path does not take: the general parser.
void BM_ParseTimestampWithOffset(benchmark::State& state) {
  int64_t v = 0;
  for (auto _ : state) {
    baton::ParseTimestamp("2025-03-04T10:22:33.250+02:00", &v);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_ParseTimestampWithOffset);

std::vector<std::string> PersonIds(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    std::string id = "P";  // appended: GCC 12 warns falsely on "P" + string
    id += std::to_string(1000000 + i);
    ids.push_back(id);
  }
  return ids;
}

// Ascending ids, as exports list them: no probe until a lookup needs one.
void BM_InternPersonIds(benchmark::State& state) {
  const std::vector<std::string> ids = PersonIds(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    baton::Dictionary d(false);
    for (const auto& s : ids) benchmark::DoNotOptimize(d.Intern(s));
    d.Seal();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_InternPersonIds)->Arg(1 << 20);

// The same ids in random order: one table probe (a cache miss) each.
void BM_InternPersonIdsShuffled(benchmark::State& state) {
  std::vector<std::string> ids = PersonIds(static_cast<int>(state.range(0)));
  std::shuffle(ids.begin(), ids.end(), std::mt19937(1));
  for (auto _ : state) {
    baton::Dictionary d(false);
    for (const auto& s : ids) benchmark::DoNotOptimize(d.Intern(s));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_InternPersonIdsShuffled)->Arg(1 << 20);

// A label column of `range(1)` distinct values of 5 to 24 bytes, repeated,
// with (range(0) = 1) and without a cache, in a dictionary that also holds
// a million account ids.
void BM_InternLabels(benchmark::State& state) {
  const bool cached = state.range(0) != 0;
  const int distinct = static_cast<int>(state.range(1));
  baton::Dictionary d(true);
  for (const auto& s : PersonIds(1 << 20)) d.Intern(s);
  std::vector<std::string> values;
  std::mt19937 rng(2);
  for (int i = 0; i < 4096; ++i) {
    const int k = static_cast<int>(rng() % distinct);
    std::string v = "2024-q";
    v += std::to_string(k % 4);
    v += std::string(static_cast<size_t>(k % 18), '-');
    v += std::to_string(k);
    values.push_back(v.substr(v.size() > 24 ? v.size() - 24 : 0));
  }
  baton::LabelCache cache;
  for (auto _ : state) {
    for (const auto& s : values)
      benchmark::DoNotOptimize(cached ? cache.Intern(&d, s) : d.Intern(s));
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_InternLabels)->Args({0, 10})->Args({1, 10})->Args({0, 30})->Args({1, 30});

}  // namespace

BENCHMARK_MAIN();

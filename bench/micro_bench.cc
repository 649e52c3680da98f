// Micro-benchmarks of the ingest hot paths: timestamp parsing and interning.
#include <benchmark/benchmark.h>

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

void BM_InternPersonIds(benchmark::State& state) {
  std::vector<std::string> ids;
  for (int i = 0; i < state.range(0); ++i) ids.push_back("P" + std::to_string(1000000 + i));
  for (auto _ : state) {
    baton::Dictionary d(false);
    for (const auto& s : ids) benchmark::DoNotOptimize(d.Intern(s));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_InternPersonIds)->Arg(1 << 20);

}  // namespace

BENCHMARK_MAIN();

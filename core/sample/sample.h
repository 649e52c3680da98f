// The sample B2B dataset: deterministic, realistic marketing and sales data
// for demos, tests and benchmarks, with the mapping that reads it.
//
// WriteSample writes into `folder` (created if needed): people.csv,
// touches.csv, stages.csv, deals.csv, spend.csv and sample.toml (a csv
// connector mapping over them). The same options give byte-identical files
// on every machine. Thread-safe (no shared state).
#ifndef BATON_SAMPLE_SAMPLE_H_
#define BATON_SAMPLE_SAMPLE_H_

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"

namespace baton {

struct SampleOptions {
  int64_t people = 20000;
  uint64_t seed = 42;
  int months = 18;
};

// Reads sample.people, sample.seed, sample.months; other "sample." keys are
// errors.
Result<SampleOptions> ParseSampleOptions(
    const std::map<std::string, std::string>& options);

Status WriteSample(const std::string& folder, const SampleOptions& options);

}  // namespace baton

#endif  // BATON_SAMPLE_SAMPLE_H_

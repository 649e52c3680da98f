// The funnel (demand waterfall): how many people reach each stage, how many
// advance to the next and to won, and how long it takes.
//
// For each segment (see model/segment.h) and each funnel stage present in
// the data, one row with columns:
//   segment, [cohort,] stage, reached, next_stage, advanced, rate_to_next,
//   won, rate_to_won, median_days_to_next, p90_days_to_next
// reached: people with a record of this stage or of any later funnel stage
//   (skipped stages count as passed); with strict, recorded stages only.
// next_stage: the next funnel stage present in the data ("" for the last).
// advanced: of those reached, people who reached next_stage.
// won: of those reached, people who reached the won stage.
// Days between stages use each person's first entry into each stage;
// quantiles interpolate linearly (numpy's default). Negative durations are
// left out of the day statistics (not of the counts) and counted in a
// warning on the table.
// cohort (month): the month of the person's first entry into any funnel
//   stage. within: advancing and winning count only when the later stage is
//   entered within this many milliseconds of passing the stage.
// Pure function of a frozen workspace; thread-safe.
#ifndef BATON_FUNNEL_FUNNEL_H_
#define BATON_FUNNEL_FUNNEL_H_

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

struct FunnelOptions {
  std::string by;            // "" = one segment "all"
  bool strict = false;
  bool cohort_month = false;
  int64_t within_ms = -1;    // < 0: no window
};

// Reads funnel.by, funnel.strict, funnel.cohort, funnel.within from options;
// other "funnel." keys are errors; keys of other prefixes are ignored.
Result<FunnelOptions> ParseFunnelOptions(
    const std::map<std::string, std::string>& options);

// Requires ws.frozen(). NotFound when `by` names no field or attribute.
Result<Table> Funnel(const Workspace& ws, const FunnelOptions& options);

}  // namespace baton

#endif  // BATON_FUNNEL_FUNNEL_H_

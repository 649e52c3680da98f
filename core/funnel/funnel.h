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
// Exit stages (lost, rejected, recycled) never reach a funnel stage. Rows
// are listed for every segment with at least one person with a funnel
// record; rates are count / reached, null when reached is 0; on the last
// row advanced, rate_to_next and the days are null.
// Days between stages use each person's first entry into each stage, for
// people who recorded both the stage and next_stage (skips give no
// duration; the window does not filter them); quantiles interpolate
// linearly (numpy's default). Negative durations are left out of the day
// statistics (not of the counts) and counted in one warning on the table.
// cohort (month): the month of the person's first entry into any funnel
//   stage ("2024-01"); rows per (segment, cohort, stage), cohorts ascending,
//   only cohorts with people.
// within: advancing and winning count only when the later stage is passed
//   within [0, within] milliseconds of passing the stage. Passing a stage is
//   entering it, or (not strict) the earliest entry into a later stage.
// Pure function of a frozen workspace; thread-safe. Since: 1.0
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

// Reads funnel.by, funnel.strict (true/false/1/0), funnel.cohort (month, or
// none/"" for no cohorts) and funnel.within (a duration such as "90d", or
// none/"" for no window) from options. InvalidArgument, naming the key and
// the valid values, for another "funnel." key or a bad value; keys of other
// prefixes are ignored.
Result<FunnelOptions> ParseFunnelOptions(
    const std::map<std::string, std::string>& options);

// FailedPrecondition unless ws.frozen(). NotFound when `by` names no field
// or attribute. With no funnel stage record at all, a table with the columns,
// no rows and a warning.
Result<Table> Funnel(const Workspace& ws, const FunnelOptions& options);

}  // namespace baton

#endif  // BATON_FUNNEL_FUNNEL_H_

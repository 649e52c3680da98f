// The scorecard: the KPIs marketing and sales agreed on, per period, against
// their targets, each with a status.
//
// Configuration: the [scorecard] table of a TOML file (a baton.toml or the
// mapping file itself):
//   [scorecard]
//   period = "quarter"            # month | quarter | year (default quarter)
//   handoff_stage = "mql"         # optional, for the handoff.* metrics
//   sla = "24h"                   # optional, likewise (a duration)
//   leak_after = "30d"            # optional, likewise
//   [[scorecard.kpi]]
//   name = "MQL to SQL"           # required, shown in the table
//   metric = "funnel.rate:mql->sql"  # required, from the vocabulary below
//   target = 0.35                 # required, a number
//   lower_is_better = false       # optional
//
// Metric vocabulary. Each value belongs to the period of its event:
//   funnel.rate:<from>-><to>      of the people who passed <from> in the
//                                 period, the share who reached <to> (at any
//                                 time). Passing a stage = entering it, or
//                                 skipping it by entering a later funnel
//                                 stage (the funnel's non-strict rule); the
//                                 event time is the first entry into <from>,
//                                 or for people who skipped it, their first
//                                 entry into a later stage. <to> must come
//                                 after <from> in the funnel. Null when
//                                 nobody passed <from> in the period.
//   funnel.reached:<stage>        people who passed <stage> in the period.
//   funnel.velocity_days:<from>-><to>
//                                 median days from the first entry into
//                                 <from> to the first entry into <to>, over
//                                 people with both (negative gaps left out),
//                                 by the period of the <from> entry; numpy's
//                                 linear rule. Null when no such person.
//   handoff.sla_rate              hand-offs worked within the SLA / hand-offs,
//   handoff.acceptance_rate       accepted / (accepted + rejected),
//   handoff.response_median_hours median response of worked hand-offs,
//   handoff.leaked                hand-offs leaked (a count): all by the
//                                 period of the hand-off, as defined in
//                                 handoff/handoff.h.
//   deals.win_rate                won / (won + lost) of the deals created in
//                                 the period (open deals left out).
//   deals.won_amount              amount of the won deals created in the
//                                 period.
//   deals.pipeline_amount         amount of every deal created in the period,
//                                 open, won or lost.
//   deals.pipeline_amount:side=marketing
//                                 the same over marketing-sourced deals, and
//   deals.pipeline_amount:side=sales
//                                 over the others; marketing-sourced is
//                                 defined by MarketingSourcedDeals() in
//                                 pipeline/deals.h (the linked person's
//                                 earliest touch is a marketing touch; for a
//                                 deal without person or touches, its source
//                                 field is set). Deals by created_at; deals
//                                 without it are left out (table warning).
//   spend.total                   spend rows by period_start (rows without
//                                 it are left out, with a warning).
//   spend.cac                     spend.total / won deals closed in the
//                                 period (every won deal with a closed_at,
//                                 linked to a person or not).
//   spend.roi                     (amount of those won deals - spend.total) /
//                                 spend.total.
// A rate with a zero denominator is null; a count or amount in a period
// without events is 0.
//
// Periods: UTC calendar months ("2025-07"), quarters ("2025-Q3") or years
// ("2025"). The table lists, for every KPI, every period the data spans, from
// the one holding the workspace's oldest timestamp (Workspace::min_time, or
// an older spend period_start) to the one holding its newest, ascending and
// without gaps, so every KPI has the same periods and "previous" is always
// the calendar period before.
//
// Scorecard() columns, KPIs in configuration order, then periods:
//   kpi       string   the KPI's name
//   metric    string   its metric
//   period    string
//   value     float64  null when the metric has no value in the period
//   target    float64
//   ratio     float64  value / target; null when target is 0 or value null
//   previous  float64  the value of the previous period; null for the first
//   trend     float64  value - previous; null when either is null
//   status    string   on_track when value >= target; at_risk when value >=
//                      0.9 * target; off_track otherwise. With
//                      lower_is_better: on_track when value <= target,
//                      at_risk when value <= 1.1 * target. Comparisons allow
//                      a relative 1e-9 so a value equal to a threshold on
//                      paper is not lost to rounding. Null when value is.
//
// Pure functions; Scorecard() reads a frozen workspace and any number of
// threads may call it at once. Since: 1.0
#ifndef BATON_SCORECARD_SCORECARD_H_
#define BATON_SCORECARD_SCORECARD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "handoff/handoff.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

enum class ScorecardPeriod { kMonth = 0, kQuarter = 1, kYear = 2 };

struct ScorecardKpi {
  std::string name;
  std::string metric;  // as written in the vocabulary above, trimmed
  double target = 0;
  bool lower_is_better = false;
  int64_t line = 0;  // line of the entry in the configuration, for messages
};

struct ScorecardConfig {
  std::string path;  // the file read, for messages
  ScorecardPeriod period = ScorecardPeriod::kQuarter;
  HandoffOptions handoff;  // stage, sla and leak_after for handoff.* (by unused)
  std::vector<ScorecardKpi> kpis;
};

// The metric vocabulary, as shown in error messages.
const std::vector<std::string>& ScorecardMetricNames();

// Reads the [scorecard] table of a TOML file. Errors: NotFound (no such file,
// or no [scorecard] table), IoError (unreadable), ParseError ("path:line:col:
// not valid TOML: ..."), InvalidArgument ("path:line: ..." for an unknown
// key, a value of the wrong type, a missing name, metric or target, a period
// other than month, quarter or year, or a metric outside the vocabulary,
// listing the valid metrics).
Result<ScorecardConfig> ParseScorecard(const std::string& toml_path);
// The same on text already read; `path` only names it in messages.
Result<ScorecardConfig> ParseScorecardText(std::string_view text,
                                           const std::string& path);

// "2025-07", "2025-Q3" or "2025": the period containing `millis` (UTC).
std::string PeriodName(int64_t millis, ScorecardPeriod period);

// The table above. Errors: FailedPrecondition (not frozen); InvalidArgument
// for a stage a metric names that the stage map lacks (listing the stages),
// a funnel rate or velocity whose <to> does not come after <from>, a
// hand-off stage that is not a funnel stage, or data spanning more than
// 100,000 periods (a sign of broken timestamps).
Result<Table> Scorecard(const Workspace& ws, const ScorecardConfig& config);

}  // namespace baton

#endif  // BATON_SCORECARD_SCORECARD_H_

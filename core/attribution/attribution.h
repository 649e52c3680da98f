// Multi-touch attribution: credit for conversions and won revenue, shared
// among the channels (or campaigns) of the touches before them.
//
// What is credited is defined in attribution/journeys.h (conversion, revenue,
// which touches, lookback, milestones, aggregated paths); the models in
// attribution/rules.h (first, last, last_non_direct, linear, time_decay,
// u_shaped, j_shaped, inverse_j, w_shaped, full_path, position),
// attribution/markov.h (markov) and attribution/shapley.h (shapley).
//
// Attribute() returns one row per (model, key), models in the order of
// AttributionModelNames() (the order above, then markov, shapley) whatever
// the order asked, keys sorted by name with "(none)" last. Columns:
//   model           string
//   key             string   channel or campaign; "(none)" when empty
//   conversions     float64  credited conversions
//   revenue         float64  credited revenue
//   removal_effect  float64  markov only (1 - P without the key / P), else null
// Every model's conversions (and revenue) sum to the credited totals: the
// conversions (revenue) of journeys with at least one credited touch.
// Warnings on the table: conversions without touches (not credited),
// unusable deals, the order chosen by markov "auto", notes of shapley "rate".
//
// One pass builds every journey once and feeds every requested model
// (map), over person ranges on several threads; the partial sums are merged
// in range order (merge), so results do not depend on the thread count;
// then each model finishes (finalize).
//
// Pure functions of a frozen workspace; any number of threads may call them
// at once on the same workspace. Since: 1.0
#ifndef BATON_ATTRIBUTION_ATTRIBUTION_H_
#define BATON_ATTRIBUTION_ATTRIBUTION_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

struct AttributionOptions {
  // Model names; "all" expands to every model ("position" only when
  // position_weights are given). Empty means "all".
  std::vector<std::string> models;
  // Markov order in [1, 4]; 0 = "auto": the order in 1..4 with the highest
  // held-out log-likelihood (see ChooseMarkovOrder in attribution.cc): one
  // journey in five (by a hash of the person id, or of the path row) is
  // held out, chains of each order are fitted on the rest, and the held-out
  // journeys' transitions are scored with add-one smoothing; ties go to the
  // lower order; with nothing held out, order 1. The chosen chain is then
  // fitted on all journeys; a table warning reports the choice.
  int markov_order = 1;
  std::string by = "channel";      // "channel" or "campaign"
  std::string conversion = "won";  // the stage whose first entry converts
  bool include_sales = false;      // credit sales touches too
  int64_t lookback_ms = -1;        // < 0: unlimited
  int64_t half_life_ms = 7 * 86400000LL;      // time_decay half-life, > 0
  std::vector<double> position_weights;       // first, between, last
  std::string shapley_value = "conversions";  // or "rate"
};

// Every model name, in table order.
const std::vector<std::string>& AttributionModelNames();

// Reads the attribution.* keys:
//   attribution.model          comma list of model names, or "all"
//   attribution.order          "auto" or 1..4
//   attribution.by             channel | campaign
//   attribution.conversion     a stage name
//   attribution.include_sales  true/false (also 1/0, yes/no)
//   attribution.lookback       a duration ("90d", "12w", ...), or "none"
//   attribution.half_life      a duration > 0
//   attribution.weights        "0.3,0.4,0.3" (first, between, last)
//   attribution.value          conversions | rate
// Keys of other prefixes are ignored. Errors: InvalidArgument for an unknown
// attribution.* key (listing the valid ones) or an invalid value (saying
// what is accepted).
Result<AttributionOptions> ParseAttributionOptions(
    const std::map<std::string, std::string>& options);

// Runs the models. Requires ws.frozen(). Errors: FailedPrecondition (not
// frozen), InvalidArgument (unknown model, listing them; order outside
// 0..4; bad weights, by, value or half-life; unknown conversion stage,
// listing the stages; by campaign on aggregated paths), OutOfMemory.
Result<Table> Attribute(const Workspace& ws, const AttributionOptions& options);

// The Markov chain of options.markov_order (0 = auto) over the same
// journeys: columns from, to, probability (see MarkovTransitionTable in
// markov.h). Same errors as Attribute; the models option is ignored.
Result<Table> MarkovTransitions(const Workspace& ws,
                                const AttributionOptions& options);

}  // namespace baton

#endif  // BATON_ATTRIBUTION_ATTRIBUTION_H_

// Lead scoring: the chance that a person handed to sales reaches a later
// stage, learned from history, with the evidence to trust it (a time-split
// evaluation, calibration, lift) and the threshold that fills sales capacity.
//
// Scoring point. Each person is scored as of one moment: the first entry into
// the as_of stage (default "mql", the hand-off), or created_at ("created"),
// or a fixed date (anyone created at or before it, or with no created_at but
// a touch or stage row at or before it). People without a point are not
// scored.
//
// Label. 1 when the first entry into the label stage (default "sql"; for the
// won stage also the close of a won deal linked to the person, created_at
// when it has no closed_at) falls in [point, point + within]; else 0. People
// who reached the label stage strictly before their point are not scored
// (they are past the decision; counted in the summary). People whose window
// has not ended (point + within > Workspace::max_time) are scored with an
// unknown label and take no part in training or evaluation.
//
// Features use only touches at or before the point (stage rows only define
// the point and the label, so the label cannot leak in):
//   touches <channel> last 7d / 30d / 90d    log1p(count) per channel
//   activity <activity> last 7d / 30d / 90d  log1p(count) per activity
//   days since first touch, days since last touch   capped at 365; 0 with
//                                                   "no touches" = 1
//   distinct channels
//   days since created   (point - created_at) clamped to [0, 3650]; 0 with
//                        "created unknown" = 1
//   source = X, first campaign = X, <attribute> = X   one-hot; "(none)" for
//                        missing; levels held by fewer than max(10, 1% of
//                        scored people) pooled into "other" (a level
//                        literally named "other" joins them)
// Numeric features (all but the one-hot ones) are standardised with the mean
// and standard deviation (population) of the training rows; features constant
// on the training rows are dropped with a warning.
//
// Split. Rows with a known label are split by scoring time: test = point >=
// test_after (default: the scoring time of the newest 20% of labelled rows),
// train = the older rest. The model is logistic regression (logistic.h):
// sum of log-losses + l2/2 ||w||^2, intercept not penalised, i.e. sklearn's
// LogisticRegression(C = 1/l2), optionally with balanced class weights.
//
// Cross-validation (folds k >= 2). Independently of the time split, every
// labelled row goes to fold FoldOf(person id, k) (a hash), so a
// person keeps its fold however the data is ordered or filtered. For each
// fold the model is refitted (features chosen and standardised again) on the
// labelled rows of the other folds and judged on the fold's rows.
//
// Write-back. The scores of every scored person (window open or not) in the
// columns a CRM imports: Salesforce "Id,Lead_Score__c", HubSpot
// "Record ID,<property>", both with the score as a number from 0 to 100
// rounded to one decimal (0.4567 -> 45.7), or Baton's full scores table.
//
// Pure function of a frozen workspace; any number of threads may call it.
// Since: 1.0
#ifndef BATON_SCORING_SCORING_H_
#define BATON_SCORING_SCORING_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/timestamp.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

struct ScoringOptions {
  // "mql" or another stage name (first entry), "created", or a date.
  std::string as_of = "mql";
  std::string label = "sql";  // the outcome stage, e.g. "sql" or "won"
  int64_t within_ms = 90 * kMillisPerDay;
  double l2 = 1.0;            // > 0
  bool class_weight = false;  // balanced weights, as sklearn
  int64_t test_after = kNoTime;  // kNoTime: the newest 20% form the test set
  double capacity_per_week = 0;  // people sales can work per week; 0 = none
  std::vector<std::string> features;  // names to keep; empty = all
  int folds = 0;  // cross-validation folds; 0 = none, else 2..100
  // Write-back target: "baton" (the scores table), "salesforce", "hubspot".
  std::string crm = "baton";
  std::string property;  // the HubSpot property; required for hubspot
  // Fill ScoringResult::design (not an option key: callers that export the
  // matrix set it; it costs a copy of the training and test matrix).
  bool design = false;
};

// Reads scoring.as_of, scoring.label, scoring.within (a duration, e.g.
// "90d"), scoring.l2 (a positive number), scoring.class_weight
// (true/false/balanced/none), scoring.test_after (a date),
// scoring.capacity ("200/week" or "200"), scoring.features (a comma list
// of feature names, or of prefixes ending in '*'), scoring.folds (0, or an
// integer 2..100), scoring.crm (baton, salesforce, hubspot) and
// scoring.property (a HubSpot internal property name: a lowercase letter,
// then lowercase letters, digits or '_'). Keys of other prefixes are
// ignored. InvalidArgument listing the unknown scoring.* keys and the valid
// ones, naming the key whose value does not parse, or when scoring.crm is
// hubspot without scoring.property (or a property is given for another CRM).
Result<ScoringOptions> ParseScoringOptions(
    const std::map<std::string, std::string>& options);

// The rows of every scored person, before standardisation: the part of
// Score() that the no-leak guarantee rests on, exposed for tests and tools.
struct ScoringRows {
  std::vector<uint32_t> person;  // scored people, by person index
  std::vector<int64_t> point;    // scoring point
  std::vector<int> label;        // 1, 0, or -1 (window not ended)
  std::vector<std::string> feature_names;
  std::vector<uint8_t> numeric;  // per feature: 1 numeric, 0 one-hot
  std::vector<std::vector<double>> x;  // per scored person, per feature
  int64_t past_label = 0;        // people not scored: label reached earlier
  std::vector<std::string> notes;
};

// Errors: FailedPrecondition unless ws.frozen(); InvalidArgument when as_of
// is neither a stage, "created" nor a date, the label is not a funnel stage
// (listing them) or is the as_of stage, or within_ms is not in
// [0, 100 years].
Result<ScoringRows> BuildScoringRows(const Workspace& ws,
                                     const ScoringOptions& options);

// The tables of a scoring run.
//   summary       metric (string), value (float64; null when undefined):
//                 scored, window_open, past_label, train_rows,
//                 train_positives, test_rows, test_positives, test_base_rate,
//                 auc, log_loss, brier, features, features_dropped,
//                 iterations, gradient_norm, l2; with folds also folds,
//                 cv_auc_mean, cv_auc_sd, cv_log_loss_mean, cv_log_loss_sd,
//                 cv_brier_mean, cv_brier_sd. Warnings: dropped features,
//                 separable data, no test rows, no convergence, folds that
//                 could not be fitted.
//   coefficients  feature, coefficient, odds_ratio (exp(coefficient)),
//                 std_error; "(intercept)" first. Numeric features are per
//                 standard deviation.
//   calibration   bin (string "0.0-0.1", ...), mean_predicted, observed
//                 (null when the bin is empty), count: test rows in 10 equal
//                 bins of predicted probability (the last bin includes 1).
//   lift          decile (1 = highest scores), count, positives, rate, lift
//                 (rate / test base rate): test rows sorted by score
//                 descending (ties by person index), decile k holding rows
//                 [k n / 10, (k+1) n / 10).
//   threshold     rule, cutoff, per_week, conversion_rate, predicted_rate:
//                 "all handed off" (every test row; cutoff null) and, when a
//                 capacity is set, "score >= cutoff": the lowest score among
//                 the top capacity * weeks test rows (weeks = the test
//                 period's span, at least 1), with the volume per week and
//                 the observed (and mean predicted) conversion of the rows
//                 at or above it.
//   scores        person_id, score (probability), label (int64, null when
//                 the window is open), top_feature_1..3: the features with
//                 the largest |coefficient x standardised value|, written
//                 "name (+0.42)"; "" when fewer features contribute.
//                 One row per scored person, by person index (the order
//                 the lift table breaks ties by).
//   folds         fold (string "1".."k", then "mean" and "sd"), train_rows,
//                 test_rows, test_positives (int64; null on mean and sd),
//                 auc, log_loss, brier (null when undefined for the fold).
//                 mean and sd (population, ddof 0, as numpy's std) are over
//                 the folds where the metric is defined. No rows when
//                 folds = 0.
//   design        the matrix the model was fitted on, for checking it with
//                 another tool: row (int64, the person's row in scores),
//                 person_id, set ("train" or "test"), label (int64), weight
//                 (float64: the fit's row weight; null for test rows), then
//                 one float64 column per feature kept, in coefficients'
//                 order, standardised with the training mean and sd
//                 (one-hot columns as 0/1). Labelled rows only, by row.
//                 Empty (no columns) unless options.design.
struct ScoringResult {
  Table summary{"scoring_summary"};
  Table coefficients{"scoring_coefficients"};
  Table calibration{"scoring_calibration"};
  Table lift{"scoring_lift"};
  Table threshold{"scoring_threshold"};
  Table scores{"scoring_scores"};
  Table folds{"scoring_folds"};
  Table design{"scoring_design"};
};

// Builds the rows, fits on the older rows and evaluates on the newer.
// Errors: those of BuildScoringRows; InvalidArgument when options.l2 is not
// positive, an entry of options.features matches no feature (listing
// examples), there are no training rows, or the training rows have no
// positives or no negatives (the message says which and what to change).
// With class weights the standard errors come from the weighted Hessian, a
// guide rather than an exact sampling error.
Result<ScoringResult> Score(const Workspace& ws, const ScoringOptions& options);

// The scores table (as in ScoringResult) in the columns `crm` imports, see
// "Write-back" above: "baton" returns a copy, "salesforce" Id and
// Lead_Score__c, "hubspot" Record ID and `property`. Scores outside [0, 1]
// or null are refused. Errors: InvalidArgument for another crm, a hubspot
// write-back without a property, or a table without person_id and score.
Result<Table> ScoresForCrm(const Table& scores, const std::string& crm,
                           const std::string& property);

// The fold (1..folds) of a person id in cross-validation: h = FNV-1a 64-bit
// of the id's bytes, mixed by MurmurHash3's fmix64 finaliser (h ^= h >> 33;
// h *= 0xff51afd7ed558ccd; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53;
// h ^= h >> 33), then h mod folds + 1. folds < 1 counts as 1.
int FoldOf(std::string_view person_id, int folds);

}  // namespace baton

#endif  // BATON_SCORING_SCORING_H_

// Rule-based attribution models: each splits one converting journey's
// conversions and revenue over its touches by fixed shares that sum to 1.
//
//   first            100% to the first touch.
//   last             100% to the last touch.
//   last_non_direct  100% to the last touch whose channel is not "direct"
//                    (any case); the last touch when every touch is direct.
//   linear           1/n to each of the n touches.
//   time_decay       weight 2^(-age/half_life) per touch (age = conversion
//                    time - touch time), normalised to sum 1.
//   u_shaped         40% first, 40% last, 20% spread evenly between.
//   j_shaped         20% first, 60% last, 20% between.
//   inverse_j        60% first, 20% last, 20% between.
//   position         custom (first, between, last) weights.
//     Position models normalise as u_shaped: one touch gets 100%; two
//     touches share first:last renormalised (j_shaped 20:60 gives 25%/75%;
//     both zero gives 50%/50%); three or more give first/(f+b+l),
//     last/(f+b+l) and between/(f+b+l) spread evenly over the n-2 between.
//   w_shaped         30% first touch, 30% lead-creation touch, 30%
//                    opportunity-creation touch, 10% over the others.
//   full_path        22.5% each to the first, lead-creation,
//                    opportunity-creation and closed-won (last) touches,
//                    10% over the others.
//     Milestone rule (w_shaped, full_path): a milestone without a touch
//     gives up its share to the milestones that have one, in proportion to
//     their shares; a touch holding several milestones receives each of
//     their shares; "the others" are the touches that hold no milestone and
//     share 10% evenly; when there are none, the 10% too goes to the
//     milestones in proportion to their shares. So with milestone shares
//     s_m (present milestones only, S = their sum) a milestone receives
//     s_m * 0.9 / S when others exist and s_m / S when none do.
//     On aggregated paths milestones are unknown: both models fall back to
//     position weights (45% first, 10% between, 45% last), i.e. the lead
//     and opportunity shares are split evenly between the first and last
//     touches as in u_shaped.
//
// Pure functions and per-worker accumulators: an accumulator is used by one
// thread; finished accumulators are merged by their owner.
#ifndef BATON_ATTRIBUTION_RULES_H_
#define BATON_ATTRIBUTION_RULES_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "attribution/journeys.h"

namespace baton {

enum class RuleModel : uint8_t {
  kFirst,
  kLast,
  kLastNonDirect,
  kLinear,
  kTimeDecay,
  kUShaped,
  kJShaped,
  kInverseJ,
  kWShaped,
  kFullPath,
  kPosition,
};

inline constexpr int kNumRuleModels = 11;

// "first", "last", ... as in the list above.
const char* RuleModelName(RuleModel m);
// Sets *out for a rule model name; false for any other name.
bool ParseRuleModel(std::string_view name, RuleModel* out);

struct RuleParams {
  int64_t half_life_ms = 7 * 86400000LL;          // > 0
  std::array<double, 3> position{0.4, 0.2, 0.4};  // first, between, last
};

// The shares of the n touches of `j` under `model`, written to
// shares[0 .. j.n). The reference definition of every rule model; the
// accumulator below gives the same credits faster.
void RuleShares(RuleModel model, const JourneyView& j, const RuleParams& params,
                double* shares);

// Per-key credits of a set of rule models over many journeys, accumulated
// in flat arrays. Position models share accumulators: every position model
// gives all between touches of a journey the same share, so per-key sums of
// first, last and between/(n-2) credits (kept apart for journeys of one, two
// and more touches) give each position model's credits as a weighted sum.
class RuleAccumulator {
 public:
  RuleAccumulator(size_t num_keys, const std::vector<RuleModel>& models,
                  const RuleParams& params, bool from_paths);

  // Credits one converting journey (non-converting ones are ignored).
  void Add(const JourneyView& j);
  // Adds another accumulator's sums (same keys, models and parameters).
  void Merge(const RuleAccumulator& other);
  // Credits per key of `model` (one of the models given at construction).
  void Credits(RuleModel model, std::vector<double>* conversions,
               std::vector<double>* revenue) const;

 private:
  enum Sum {
    kSingle,
    kFirst2,
    kLast2,
    kFirst3,
    kBetween3,
    kLast3,
    kLinearSum,
    kLastNonDirectSum,
    kTimeDecaySum,
    kWShapedSum,
    kFullPathSum,
    kNumSums
  };
  void AddShares(Sum sum, const JourneyView& j, const double* shares);
  // Only the sums the chosen models need are allocated (slot_ = -1 when
  // not), so many keys and few models stay small.
  double* Conv(Sum s) { return &sums_[(2 * slot_[s]) * num_keys_]; }
  double* Rev(Sum s) { return &sums_[(2 * slot_[s] + 1) * num_keys_]; }
  const double* Conv(Sum s) const { return &sums_[(2 * slot_[s]) * num_keys_]; }
  const double* Rev(Sum s) const {
    return &sums_[(2 * slot_[s] + 1) * num_keys_];
  }

  size_t num_keys_;
  RuleParams params_;
  bool from_paths_;
  bool want_[kNumRuleModels] = {};
  bool positional_ = false;
  int slot_[kNumSums];
  std::vector<double> sums_;    // [slot][conv|rev][key]
  std::vector<double> shares_;  // scratch for one journey
};

}  // namespace baton

#endif  // BATON_ATTRIBUTION_RULES_H_

// Markov-chain attribution: removal effects of an absorbing chain over
// journeys, solved exactly.
//
// Chain of order k: a journey's keys are first merged where the same key
// repeats consecutively (a b b c -> a b c); state i is the tuple of the last
// min(i, k) merged keys up to step i, so the first k-1 states of a journey
// are shorter tuples, distinct from full ones. Each journey walks
//   (start) -> state_1 -> ... -> state_m -> (conversion) or (null).
// Every transition of a journey is weighted by its conversions + nulls (a
// person: 1; a path row: its counts), except the last, which goes to
// (conversion) with the conversions and to (null) with the nulls.
// Probabilities are the weights normalised per state.
//
// P = probability of absorbing in (conversion) from (start). For a key c,
// P_c is the same with every transition into a state containing c sent to
// (null); removal_effect(c) = 1 - P_c / P (0 when P = 0). Both come from
// the absorbing-chain system (I - Q) x = r (no simulation), one solve for P
// and one per key:
//   - up to 600 states, a sparse LU factorisation (Eigen::SparseLU);
//   - beyond (high orders fill the LU in: n^3 work), Gauss-Seidel sweeps to
//     convergence with a certified error bound: for the residual
//     e = Q x + r - x, |x - x*| <= ||(I - Q)^-1||_inf ||e||_inf, and the
//     norm is bounded by solving t = Q t + 1 (expected steps to absorption)
//     and checking (I - Q) t >= m > 0, which gives ||(I - Q)^-1|| <= max t/m
//     because (I - Q)^-1 >= 0. A system whose bound exceeds 1e-13 is solved
//     by LU instead, so every reported P is within 1e-13 of exact.
//
// TransitionCounts are per-worker partial states: one thread adds to one;
// the owner merges them. The solve functions are pure.
#ifndef BATON_ATTRIBUTION_MARKOV_H_
#define BATON_ATTRIBUTION_MARKOV_H_

#include <cstdint>
#include <string>
#include <vector>

#include "attribution/flat_map.h"
#include "attribution/journeys.h"
#include "common/status.h"
#include "table/table.h"

namespace baton {

inline constexpr int kMaxMarkovOrder = 4;
// Outcome codes after the key codes (0 .. kMaxAttributionKeys-1).
inline constexpr uint64_t kConversionOutcome = 0x10000;
inline constexpr uint64_t kNullOutcome = 0x10001;

// Weighted transition counts of a chain of one order. A state packs its
// tuple as 16-bit slots holding key + 1, the newest key in the lowest slot,
// so (start) is 0 and appending a key is a shift.
//
// With few keys the counts live in a dense [state][outcome] array, the state
// numbered like the packed form but in base num_keys + 1 (one array index per
// transition instead of a hash lookup); otherwise in a hash map. Both read
// back through the same packed (state, outcome) pairs.
class TransitionCounts {
 public:
  // order in [1, kMaxMarkovOrder]; keys are codes below num_keys.
  TransitionCounts(int order, size_t num_keys);

  int order() const { return order_; }
  // Adds the journey's transitions (nothing when conversions + nulls = 0).
  void Add(const JourneyView& j);
  // Adds another partial of the same order and keys.
  void Merge(const TransitionCounts& other);
  bool empty() const { return !any_; }

  // Calls f(PairKey{state, outcome}, weight) for every transition seen;
  // outcome is a key code, kConversionOutcome or kNullOutcome.
  template <typename F>
  void ForEach(F&& f) const {
    if (!dense_) {
      sparse_.ForEach(f);
      return;
    }
    for (uint64_t s = 0; s < num_states_; ++s) {
      const double* row = &dense_weights_[s * outcomes_];
      uint64_t packed = 0;
      for (uint64_t rest = s, slot = 0; rest > 0; rest /= radix_, ++slot)
        packed |= (rest % radix_) << (16 * slot);
      for (uint64_t o = 0; o < outcomes_; ++o)
        if (row[o] != 0) f(PairKey{packed, OutcomeCode(o)}, row[o]);
    }
  }
  // The weight of one (state, outcome) pair; 0 when never seen.
  double Weight(const PairKey& k) const;

 private:
  uint64_t OutcomeCode(uint64_t o) const {
    return o < num_keys_    ? o
           : o == num_keys_ ? kConversionOutcome
                            : kNullOutcome;
  }

  int order_;
  size_t num_keys_;
  uint64_t mask_;
  bool any_ = false;
  bool dense_ = false;
  uint64_t radix_ = 0;       // num_keys + 1
  uint64_t num_states_ = 0;  // radix^order
  uint64_t outcomes_ = 0;    // num_keys + 2
  std::vector<double> dense_weights_;
  FlatMap<PairKey, double> sparse_;
};

struct MarkovSolution {
  int order = 1;
  size_t num_states = 0;  // transient states, (start) included
  double p_conversion = 0;
  std::vector<double> p_without;       // per key: P with the key removed
  std::vector<double> removal_effect;  // per key, in [0, 1]
};

// How to solve the absorbing systems: kAuto as described above; the others
// force one method (tests compare them).
enum class MarkovSolver { kAuto, kSparseLU, kIterative };

// Solves the chain for P and every key's removal effect. Keys that appear
// in no state get p_without = P and removal effect 0. Errors: Internal when
// the factorisation fails (it cannot for a chain built from journeys, whose
// every state reaches an absorbing state), OutOfMemory.
Result<MarkovSolution> SolveMarkov(const TransitionCounts& counts,
                                   size_t num_keys,
                                   MarkovSolver solver = MarkovSolver::kAuto);

// The chain's transition probabilities: columns from, to, probability;
// states named by their keys joined with " > " (oldest first), plus
// "(start)", "(conversion)" and "(null)". Rows ordered by from, then to.
Table MarkovTransitionTable(const TransitionCounts& counts,
                            const std::vector<std::string>& key_names);

// Log-likelihood of the held-out journeys' transitions under a chain of the
// same order fitted on `train`, predicting each next outcome (one of the
// num_keys keys, conversion or null) from the state with add-one smoothing:
//   P(o | s) = (n(s, o) + 1) / (n(s) + num_keys + 2).
// The outcome space is the same for every order, so orders compare.
double HeldOutLogLikelihood(const TransitionCounts& train,
                            const TransitionCounts& held_out, size_t num_keys);

}  // namespace baton

#endif  // BATON_ATTRIBUTION_MARKOV_H_

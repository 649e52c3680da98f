// Shapley-value attribution: the keys are the players of a cooperative game
// over the sets of keys journeys touched.
//
// Value "conversions" (default): v(S) = conversions of the journeys whose
// key set is a subset of S. v is a sum of unanimity games, one per observed
// key set T weighted by its conversions c(T), and the Shapley value of a
// unanimity game gives 1/|T| to each member, so
//     phi_i = sum over observed T containing i of c(T) / |T|
// (Zhao et al. 2018). This is exact for any number of keys in
// O(sum of |T|) time; the phis sum to v(all keys) = the conversions. Revenue
// credits are the same with each set's revenue as c(T).
//
// Value "rate": v(S) = conversions / (conversions + nulls) of the journeys
// whose key set is exactly S (0 when no journey has that set); the players
// are the keys that appear in some journey (n of them). The Shapley value is
// linear in v, and v(S) enters phi_i with weight w(|S|-1) when i is in S and
// -w(|S|) when not, where w(s) = s! (n-s-1)! / n! (w(n) = 0). With
// A = sum over observed S of w(|S|) v(S):
//     phi_i = sum over observed S containing i of (w(|S|-1) + w(|S|)) v(S) - A
// which is exact for any n, again in O(sum of |S|) time, with no 2^n table
// and no sampling. The phis sum to v(all players); credits are the phis
// scaled to sum to the credited conversions (and, with the same shares, the
// revenue), and the table says so in a warning. When the phis do not sum to
// a positive number (no journey touched every key), the positive phis are
// scaled instead, with a warning; when none is positive nothing is credited.
//
// KeySetCounts is a per-worker partial state (one thread adds; the owner
// merges). The functions are pure.
#ifndef BATON_ATTRIBUTION_SHAPLEY_H_
#define BATON_ATTRIBUTION_SHAPLEY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "attribution/flat_map.h"
#include "attribution/journeys.h"

namespace baton {

enum class ShapleyValue { kConversions, kRate };

// "conversions" or "rate"; false for anything else.
bool ParseShapleyValue(std::string_view name, ShapleyValue* out);

struct SetTotals {
  double conversions = 0;
  double nulls = 0;
  double revenue = 0;
};

// Conversions, nulls and revenue per distinct key set: a dense array indexed
// by bit mask up to 12 keys, bit masks in a hash map up to 64, sorted key
// lists beyond.
class KeySetCounts {
 public:
  explicit KeySetCounts(size_t num_keys);

  void Add(const JourneyView& j);
  void Merge(const KeySetCounts& other);

  struct Entry {
    std::vector<uint16_t> keys;  // sorted, distinct
    SetTotals totals;
  };
  // The distinct sets, in lexicographic order of their keys.
  std::vector<Entry> Entries() const;

 private:
  size_t num_keys_;
  std::vector<SetTotals> dense_;
  FlatMap<uint64_t, SetTotals> masks_;
  std::unordered_map<std::string, SetTotals> lists_;
  std::vector<uint16_t> sorted_;  // scratch
  std::string bytes_;             // scratch
};

// phi_i of v(S) = sum of values[e] over sets[e] that are subsets of S.
std::vector<double> SubsetSumShapley(
    const std::vector<std::vector<uint16_t>>& sets,
    const std::vector<double>& values, size_t num_keys);

// phi_i of v(S) = values[e] when S = sets[e], 0 for every other S (the sets
// are distinct and non-empty); the players are the keys in some set.
std::vector<double> ExactSetShapley(
    const std::vector<std::vector<uint16_t>>& sets,
    const std::vector<double>& values, size_t num_keys);

struct ShapleyCredits {
  std::vector<double> conversions;  // per key
  std::vector<double> revenue;      // per key
  std::vector<std::string> warnings;
};

// Credits of the keys under the chosen value function (see above).
ShapleyCredits ComputeShapleyCredits(
    const std::vector<KeySetCounts::Entry>& sets, size_t num_keys,
    ShapleyValue value);

}  // namespace baton

#endif  // BATON_ATTRIBUTION_SHAPLEY_H_

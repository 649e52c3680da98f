// Quantiles of a sample as numpy computes them by default ("linear"): the
// value at position (n - 1) * q of the sorted sample, interpolated between
// its two neighbouring order statistics with numpy's two-sided formula so
// results agree with numpy to the last bit.
//
// Shared by the hand-off (response hours), deals (cycle days) and scorecard
// analyses. Header-only, stateless; LinearQuantile reorders the range it is
// given and is safe to call from any thread on ranges no other thread uses.
#ifndef BATON_HANDOFF_QUANTILE_H_
#define BATON_HANDOFF_QUANTILE_H_

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace baton {

// The q-quantile (q in [0, 1]) of [begin, end); NaN for an empty range.
// Reorders the range (selection, not a full sort: linear time).
inline double LinearQuantile(double* begin, double* end, double q) {
  const size_t n = static_cast<size_t>(end - begin);
  if (n == 0) return std::nan("");
  const double pos = static_cast<double>(n - 1) * q;
  const size_t lo = std::min(static_cast<size_t>(std::floor(pos)), n - 1);
  const double t = pos - static_cast<double>(lo);
  std::nth_element(begin, begin + lo, end);
  const double a = begin[lo];
  // Everything after lo is >= a; its smallest is the next order statistic.
  const double b = lo + 1 < n ? *std::min_element(begin + lo + 1, end) : a;
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

}  // namespace baton

#endif  // BATON_HANDOFF_QUANTILE_H_

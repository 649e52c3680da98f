#include "funnel/funnel.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>
#include <vector>

#include "common/text.h"
#include "model/segment.h"
#include "model/timestamp.h"

namespace baton {
namespace {

// StageMap::SetStages allows at most 60 stages, so per-person state fits in
// fixed arrays on the stack.
constexpr int kMaxStages = 60;
constexpr uint64_t kNoKey = std::numeric_limits<uint64_t>::max();
constexpr uint32_t kNoRank = std::numeric_limits<uint32_t>::max();
constexpr int64_t kFarFuture = std::numeric_limits<int64_t>::max();

const char* const kValidKeys =
    "funnel.by, funnel.strict, funnel.cohort, funnel.within";

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Months since year 0 (year * 12 + month - 1) of the month containing t.
int64_t MonthKey(int64_t t) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(t, kMillisPerDay), &y, &m, &d);
  return y * 12 + (m - 1);
}

// "2024-01", as FormatMonth writes it.
std::string MonthName(int64_t key) {
  int64_t y = FloorDiv(key, 12);
  unsigned m = static_cast<unsigned>(key - y * 12) + 1;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u", static_cast<long long>(y), m);
  return buf;
}

// Replaces every key other than kNoKey by its rank among the distinct keys
// and returns the distinct keys in ascending order. A flat lookup table when
// the keys span a small range (the usual case: a few segments and months);
// sort and binary search otherwise, so odd data costs time, not memory.
std::vector<uint64_t> RankKeys(std::vector<uint64_t>* keys) {
  uint64_t max_key = 0;
  bool any = false;
  for (uint64_t k : *keys) {
    if (k == kNoKey) continue;
    any = true;
    max_key = std::max(max_key, k);
  }
  std::vector<uint64_t> distinct;
  if (!any) return distinct;
  const uint64_t dense_limit =
      std::max<uint64_t>(uint64_t{1} << 22, 4 * keys->size());
  if (max_key < dense_limit) {
    std::vector<uint32_t> rank(max_key + 1, kNoRank);
    for (uint64_t k : *keys)
      if (k != kNoKey) rank[k] = 0;
    uint32_t next = 0;
    for (uint64_t k = 0; k <= max_key; ++k) {
      if (rank[k] != kNoRank) {
        rank[k] = next++;
        distinct.push_back(k);
      }
    }
    for (uint64_t& k : *keys)
      if (k != kNoKey) k = rank[k];
    return distinct;
  }
  for (uint64_t k : *keys)
    if (k != kNoKey) distinct.push_back(k);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (uint64_t& k : *keys)
    if (k != kNoKey)
      k = std::lower_bound(distinct.begin(), distinct.end(), k) -
          distinct.begin();
  return distinct;
}

// One quantile of sorted data, as numpy's default ("linear"): position
// (n - 1) * q between the order statistics lo and lo + 1, with numpy's
// two-sided interpolation formula so results agree to the last bit.
struct QuantilePosition {
  size_t lo;
  double t;
};

QuantilePosition PositionOf(size_t n, double q) {
  const double pos = static_cast<double>(n - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(pos));
  return {lo, pos - static_cast<double>(lo)};
}

double Interpolate(double a, double b, double t) {
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// The order statistics lo and lo + 1 (clamped to the last) of [begin, end),
// in days. Reorders the range so that [begin, begin + lo] holds the lo + 1
// smallest values.
void OrderStatisticsDays(int64_t* begin, int64_t* end, size_t lo, double* a,
                         double* b) {
  std::nth_element(begin, begin + lo, end);
  *a = static_cast<double>(begin[lo]) / kMillisPerDay;
  // Everything past lo is >= begin[lo]; the smallest of it is the next
  // order statistic.
  *b = begin + lo + 1 < end
           ? static_cast<double>(*std::min_element(begin + lo + 1, end)) /
                 kMillisPerDay
           : *a;
}

// Median and 90th percentile of durations in milliseconds, in days.
// Selects the p90 first, then looks for the median only among the values
// below it. Reorders the range.
void MedianAndP90Days(int64_t* begin, int64_t* end, double* median,
                      double* p90) {
  const size_t n = end - begin;
  const QuantilePosition q90 = PositionOf(n, 0.9);
  const QuantilePosition q50 = PositionOf(n, 0.5);
  double a, b;
  OrderStatisticsDays(begin, end, q90.lo, &a, &b);
  *p90 = Interpolate(a, b, q90.t);
  if (q50.lo == q90.lo) {  // small n: both fall between the same two values
    *median = Interpolate(a, b, q50.t);
    return;
  }
  // q50.lo + 1 <= q90.lo: both median neighbours are among the q90.lo + 1
  // smallest values, which nth_element gathered at the front.
  OrderStatisticsDays(begin, begin + q90.lo + 1, q50.lo, &a, &b);
  *median = Interpolate(a, b, q50.t);
}

// True when `later` is within [0, window] of `start`.
bool WithinWindow(int64_t start, int64_t later, int64_t window) {
  if (start == kFarFuture || later == kFarFuture || later < start) return false;
  // The difference of two int64 with later >= start fits in uint64.
  return static_cast<uint64_t>(later) - static_cast<uint64_t>(start) <=
         static_cast<uint64_t>(window);
}

}  // namespace

Result<FunnelOptions> ParseFunnelOptions(
    const std::map<std::string, std::string>& options) {
  FunnelOptions out;
  for (const auto& [key, value] : options) {
    if (key.rfind("funnel.", 0) != 0) continue;
    if (key == "funnel.by") {
      out.by = value;
    } else if (key == "funnel.strict") {
      if (AsciiEqualsIgnoreCase(value, "true") || value == "1") {
        out.strict = true;
      } else if (AsciiEqualsIgnoreCase(value, "false") || value == "0") {
        out.strict = false;
      } else {
        return Status::InvalidArgument(
            "option funnel.strict: \"" + value +
            "\" is not a boolean; use true, false, 1 or 0");
      }
    } else if (key == "funnel.cohort") {
      if (AsciiEqualsIgnoreCase(value, "month")) {
        out.cohort_month = true;
      } else if (value.empty() || AsciiEqualsIgnoreCase(value, "none")) {
        out.cohort_month = false;
      } else {
        return Status::InvalidArgument(
            "option funnel.cohort: \"" + value +
            "\" is not a cohort period; use month, or none (or empty) for no "
            "cohorts");
      }
    } else if (key == "funnel.within") {
      int64_t ms = 0;
      if (value.empty() || AsciiEqualsIgnoreCase(value, "none")) {
        out.within_ms = -1;
      } else if (ParseDuration(value, &ms)) {
        out.within_ms = ms;
      } else {
        return Status::InvalidArgument(
            "option funnel.within: \"" + value +
            "\" is not a duration; use a number with a unit, e.g. 90d, 2w, "
            "24h, 30m, 45s or 1500ms (a bare number means days), or none");
      }
    } else {
      return Status::InvalidArgument("unknown option \"" + key +
                                     "\"; the funnel options are " +
                                     kValidKeys);
    }
  }
  return out;
}

Result<Table> Funnel(const Workspace& ws, const FunnelOptions& options) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "the funnel needs a frozen workspace: call Freeze() after loading");
  BATON_ASSIGN_OR_RETURN(Segmentation segments, SegmentPeople(ws, options.by));

  const StageMap& map = ws.stage_map();
  const StageColumns& st = ws.stages();
  const std::vector<uint32_t>& offsets = ws.stage_offsets();
  const uint32_t num_people = ws.num_people();
  const int num_funnel = std::min(map.num_funnel(), kMaxStages);
  const int won = map.won_code();
  const bool strict = options.strict;
  const bool windowed = options.within_ms >= 0;
  const int64_t within = options.within_ms;

  Table table("funnel");
  const size_t c_segment = table.AddColumn("segment", ColumnType::kString);
  const size_t c_cohort =
      options.cohort_month ? table.AddColumn("cohort", ColumnType::kString) : 0;
  const size_t c_stage = table.AddColumn("stage", ColumnType::kString);
  const size_t c_reached = table.AddColumn("reached", ColumnType::kInt64);
  const size_t c_next = table.AddColumn("next_stage", ColumnType::kString);
  const size_t c_advanced = table.AddColumn("advanced", ColumnType::kInt64);
  const size_t c_rate_next =
      table.AddColumn("rate_to_next", ColumnType::kFloat64);
  const size_t c_won = table.AddColumn("won", ColumnType::kInt64);
  const size_t c_rate_won =
      table.AddColumn("rate_to_won", ColumnType::kFloat64);
  const size_t c_median =
      table.AddColumn("median_days_to_next", ColumnType::kFloat64);
  const size_t c_p90 =
      table.AddColumn("p90_days_to_next", ColumnType::kFloat64);

  // Funnel stages present anywhere in the data, in funnel order.
  size_t rows_of_stage[kMaxStages] = {};
  for (uint8_t s : st.stage)
    if (s < num_funnel) ++rows_of_stage[s];
  std::vector<int> stages;  // stage code per row index within a group
  for (int s = 0; s < num_funnel; ++s)
    if (rows_of_stage[s] > 0) stages.push_back(s);
  const size_t k = stages.size();
  if (k == 0) {
    table.AddWarning(
        "no person has a record of a funnel stage (" + map.Describe() +
        "); the funnel is empty. Check the stage column and the stage map");
    return table;
  }

  // Pass 1: the group (segment, cohort) of each person with a funnel record.
  // Stage rows are sorted by time per person, so the first funnel row is
  // the person's first entry into the funnel.
  std::vector<uint64_t> month(options.cohort_month ? num_people : 0, kNoKey);
  std::vector<uint64_t> group(num_people, kNoKey);
  int64_t min_month = std::numeric_limits<int64_t>::max();
  for (uint32_t p = 0; p < num_people; ++p) {
    for (uint32_t r = offsets[p]; r < offsets[p + 1]; ++r) {
      if (st.stage[r] >= num_funnel) continue;
      group[p] = segments.of_person[p];
      if (options.cohort_month) {
        int64_t m = MonthKey(st.at[r]);
        month[p] = static_cast<uint64_t>(m);
        min_month = std::min(min_month, m);
      }
      break;
    }
  }
  std::vector<uint64_t> cohort_months;  // month key per cohort index
  if (options.cohort_month) {
    for (uint64_t& m : month)
      if (m != kNoKey)
        m = static_cast<uint64_t>(static_cast<int64_t>(m) - min_month);
    cohort_months = RankKeys(&month);
    for (uint64_t& m : cohort_months)
      m = static_cast<uint64_t>(static_cast<int64_t>(m) + min_month);
    const uint64_t num_cohorts = cohort_months.size();
    for (uint32_t p = 0; p < num_people; ++p)
      if (group[p] != kNoKey) group[p] = group[p] * num_cohorts + month[p];
  }
  // Sorted keys are segment-major, then cohort ascending: the row order.
  const std::vector<uint64_t> group_keys = RankKeys(&group);
  const size_t num_groups = group_keys.size();
  const uint64_t num_cohorts =
      options.cohort_month ? cohort_months.size() : uint64_t{1};

  // Pass 2: per person, the first entry into each funnel stage, then counts
  // per (group, stage) and durations per stage keyed by group.
  std::vector<int64_t> reached(num_groups * k, 0);
  std::vector<int64_t> advanced(num_groups * k, 0);
  std::vector<int64_t> reached_won(num_groups * k, 0);
  // With one group (no segments, no cohorts) durations need no group key.
  const bool keyed = num_groups > 1;
  std::vector<std::vector<uint32_t>> duration_group(k);
  std::vector<std::vector<int64_t>> duration_ms(k);
  for (size_t i = 0; i + 1 < k; ++i) {
    // A person adds at most one duration per stage and has at least one
    // row of it, so this bound avoids regrowing.
    duration_ms[i].reserve(rows_of_stage[stages[i]]);
    if (keyed) duration_group[i].reserve(rows_of_stage[stages[i]]);
  }
  std::vector<int64_t> negative_by_stage(k, 0);
  int64_t negative_people = 0;

  int64_t first[kMaxStages];
  int64_t passing[kMaxStages + 1];
  for (uint32_t p = 0; p < num_people; ++p) {
    if (group[p] == kNoKey) continue;
    const uint32_t g = static_cast<uint32_t>(group[p]);
    std::fill(first, first + num_funnel, kNoTime);
    int max_stage = -1;
    for (uint32_t r = offsets[p]; r < offsets[p + 1]; ++r) {
      const int s = st.stage[r];
      if (s >= num_funnel) continue;  // exits never reach a funnel stage
      if (first[s] == kNoTime) first[s] = st.at[r];
      max_stage = std::max(max_stage, s);
    }
    if (windowed) {
      // Passing a stage: entering it, or (not strict) skipping it by
      // entering a later one; the earliest such entry.
      int64_t earliest_later = kFarFuture;
      passing[num_funnel] = kFarFuture;
      for (int s = num_funnel - 1; s >= 0; --s) {
        if (first[s] != kNoTime) {
          passing[s] = first[s];
          earliest_later = std::min(earliest_later, first[s]);
        } else {
          passing[s] = strict ? kFarFuture : earliest_later;
        }
      }
    }
    auto reaches = [&](int s) {
      return strict ? first[s] != kNoTime : max_stage >= s;
    };
    const bool reaches_won = reaches(won);
    bool negative = false;
    int64_t* row_reached = &reached[static_cast<size_t>(g) * k];
    int64_t* row_advanced = &advanced[static_cast<size_t>(g) * k];
    int64_t* row_won = &reached_won[static_cast<size_t>(g) * k];
    for (size_t i = 0; i < k; ++i) {
      const int s = stages[i];
      if (!reaches(s)) continue;
      ++row_reached[i];
      if (reaches_won &&
          (!windowed || WithinWindow(passing[s], passing[won], within)))
        ++row_won[i];
      if (i + 1 == k) continue;
      const int next = stages[i + 1];
      if (reaches(next) &&
          (!windowed || WithinWindow(passing[s], passing[next], within)))
        ++row_advanced[i];
      if (first[s] != kNoTime && first[next] != kNoTime) {
        const int64_t d = ElapsedMillis(first[s], first[next]);
        if (d < 0) {
          negative = true;
          ++negative_by_stage[i];
        } else {
          if (keyed) duration_group[i].push_back(g);
          duration_ms[i].push_back(d);
        }
      }
    }
    negative_people += negative;
  }

  // Day statistics: a counting sort of each stage's durations by group, then
  // quantiles over each group's slice.
  std::vector<double> median(num_groups * k, std::nan(""));
  std::vector<double> p90(num_groups * k, std::nan(""));
  {
    std::vector<size_t> start(num_groups + 1);
    std::vector<int64_t> sorted;
    for (size_t i = 0; i + 1 < k; ++i) {
      std::vector<int64_t>& values = duration_ms[i];
      if (keyed) {
        std::fill(start.begin(), start.end(), 0);
        for (uint32_t g : duration_group[i]) ++start[g + 1];
        for (size_t g = 0; g < num_groups; ++g) start[g + 1] += start[g];
        sorted.resize(values.size());
        std::vector<size_t> fill(start.begin(), start.end() - 1);
        for (size_t j = 0; j < values.size(); ++j)
          sorted[fill[duration_group[i][j]]++] = values[j];
        sorted.swap(values);
      } else {
        start = {0, values.size()};
      }
      for (size_t g = 0; g < num_groups; ++g) {
        if (start[g] == start[g + 1]) continue;
        MedianAndP90Days(values.data() + start[g], values.data() + start[g + 1],
                         &median[g * k + i], &p90[g * k + i]);
      }
      std::vector<uint32_t>().swap(duration_group[i]);
      std::vector<int64_t>().swap(values);
    }
  }

  std::vector<std::string> cohort_names;
  for (uint64_t m : cohort_months)
    cohort_names.push_back(MonthName(static_cast<int64_t>(m)));
  for (size_t g = 0; g < num_groups; ++g) {
    const uint64_t key = group_keys[g];
    const std::string& segment = segments.names[key / num_cohorts];
    for (size_t i = 0; i < k; ++i) {
      const size_t at = g * k + i;
      const bool last = i + 1 == k;
      table.AppendString(c_segment, segment);
      if (options.cohort_month)
        table.AppendString(c_cohort, cohort_names[key % num_cohorts]);
      table.AppendString(c_stage, map.Name(stages[i]));
      table.AppendInt(c_reached, reached[at]);
      table.AppendString(c_next, last ? "" : map.Name(stages[i + 1]));
      const double base = static_cast<double>(reached[at]);
      if (last) {
        table.AppendNull(c_advanced);
        table.AppendNull(c_rate_next);
      } else {
        table.AppendInt(c_advanced, advanced[at]);
        if (reached[at] > 0)
          table.AppendDouble(c_rate_next, advanced[at] / base);
        else
          table.AppendNull(c_rate_next);
      }
      table.AppendInt(c_won, reached_won[at]);
      if (reached[at] > 0)
        table.AppendDouble(c_rate_won, reached_won[at] / base);
      else
        table.AppendNull(c_rate_won);
      table.AppendDoubleOrNull(c_median, median[at]);
      table.AppendDoubleOrNull(c_p90, p90[at]);
    }
  }

  if (negative_people > 0) {
    size_t worst = 0;
    for (size_t i = 1; i + 1 < k; ++i)
      if (negative_by_stage[i] > negative_by_stage[worst]) worst = i;
    table.AddWarning(
        std::to_string(negative_people) +
        (negative_people == 1 ? " person" : " people") +
        " entered a later stage before an earlier one (negative durations); "
        "they are left out of the day statistics, not of the counts (most "
        "often " +
        map.Name(stages[worst]) + " -> " + map.Name(stages[worst + 1]) + ": " +
        std::to_string(negative_by_stage[worst]) + ")");
  }
  BATON_RETURN_IF_ERROR(table.Validate());
  return table;
}

}  // namespace baton

#include "funnel/funnel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include "model/olist_test_support.h"

namespace baton {
namespace {

constexpr int64_t kJan1 = 1704067200000;  // 2024-01-01T00:00:00Z

int64_t Day(double day) {
  return kJan1 + static_cast<int64_t>(day * kMillisPerDay);
}

void AddPerson(Workspace* ws, const char* id, const char* source = "") {
  PersonRow row;
  row.person_id = id;
  row.source = source;
  ASSERT_TRUE(ws->AddPerson(row).ok());
}

void AddStageAt(Workspace* ws, const char* id, const char* stage, int64_t at) {
  StageRow row;
  row.person_id = id;
  row.stage = ws->stage_map().CodeOf(stage);
  ASSERT_GE(row.stage, 0) << stage;
  row.at = at;
  ASSERT_TRUE(ws->AddStage(row).ok());
}

void AddStage(Workspace* ws, const char* id, const char* stage, double day) {
  AddStageAt(ws, id, stage, Day(day));
}

void AddTouch(Workspace* ws, const char* id, double day, const char* campaign) {
  TouchRow row;
  row.person_id = id;
  row.at = Day(day);
  row.channel = "email";
  row.campaign = campaign;
  ASSERT_TRUE(ws->AddTouch(row).ok());
}

// One expected output row; nullopt means a null cell.
struct Row {
  std::string segment;
  std::string cohort;  // checked only when the table has a cohort column
  std::string stage;
  int64_t reached = 0;
  std::string next_stage;
  std::optional<int64_t> advanced;
  std::optional<double> rate_to_next;
  int64_t won = 0;
  std::optional<double> rate_to_won;
  std::optional<double> median;
  std::optional<double> p90;
};

void ExpectInt(const Table& t, const char* name, size_t r,
               std::optional<int64_t> want) {
  int c = t.ColumnIndex(name);
  ASSERT_GE(c, 0) << name;
  ASSERT_EQ(t.column(c).type, ColumnType::kInt64) << name;
  if (!want) {
    EXPECT_TRUE(t.IsNull(c, r)) << name << " should be null";
    return;
  }
  ASSERT_FALSE(t.IsNull(c, r)) << name << " is null";
  EXPECT_EQ(t.column(c).ints[r], *want) << name;
}

void ExpectDouble(const Table& t, const char* name, size_t r,
                  std::optional<double> want) {
  int c = t.ColumnIndex(name);
  ASSERT_GE(c, 0) << name;
  ASSERT_EQ(t.column(c).type, ColumnType::kFloat64) << name;
  if (!want) {
    EXPECT_TRUE(t.IsNull(c, r))
        << name << " should be null, is " << t.CellText(c, r);
    return;
  }
  ASSERT_FALSE(t.IsNull(c, r)) << name << " is null";
  EXPECT_DOUBLE_EQ(t.column(c).doubles[r], *want) << name;
}

void ExpectString(const Table& t, const char* name, size_t r,
                  const std::string& want) {
  int c = t.ColumnIndex(name);
  ASSERT_GE(c, 0) << name;
  ASSERT_EQ(t.column(c).type, ColumnType::kString) << name;
  ASSERT_FALSE(t.IsNull(c, r)) << name << " is null";
  EXPECT_EQ(t.column(c).strings[r], want) << name;
}

void ExpectRows(const Table& t, const std::vector<Row>& rows) {
  ASSERT_EQ(t.num_rows(), rows.size());
  const bool cohort = t.ColumnIndex("cohort") >= 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    SCOPED_TRACE("row " + std::to_string(r));
    const Row& w = rows[r];
    ExpectString(t, "segment", r, w.segment);
    if (cohort) ExpectString(t, "cohort", r, w.cohort);
    ExpectString(t, "stage", r, w.stage);
    ExpectInt(t, "reached", r, w.reached);
    ExpectString(t, "next_stage", r, w.next_stage);
    ExpectInt(t, "advanced", r, w.advanced);
    ExpectDouble(t, "rate_to_next", r, w.rate_to_next);
    ExpectInt(t, "won", r, w.won);
    ExpectDouble(t, "rate_to_won", r, w.rate_to_won);
    ExpectDouble(t, "median_days_to_next", r, w.median);
    ExpectDouble(t, "p90_days_to_next", r, w.p90);
  }
}

Table RunFunnel(const Workspace& ws, const FunnelOptions& options = {}) {
  Result<Table> t = Funnel(ws, options);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : Table();
}

std::vector<std::string> ColumnNames(const Table& t) {
  std::vector<std::string> out;
  for (size_t c = 0; c < t.num_columns(); ++c) out.push_back(t.column(c).name);
  return out;
}

// Four people, days since 2024-01-01:
//   a: inquiry 0, mql 2, sal 5, sql 10, opportunity 20, won 50
//   b: inquiry 0, mql 4, sal 6
//   c: inquiry 1, mql 3
//   d: inquiry 2, lost 9 (an exit)
// reached: inquiry 4 (a b c d), mql 3 (a b c), sal 2 (a b), sql 1,
//   opportunity 1, won 1. advanced = reached of the next stage: 3, 2, 1, 1, 1.
// won: only a, and a reached every stage: 1 on every row; rate_to_won
//   1/4, 1/3, 1/2, 1, 1, 1.
// days inquiry->mql: a 2, b 4, c 2 -> sorted 2 2 4; median 2; p90 at
//   position 2 * 0.9 = 1.8: 2 + (4 - 2) * 0.8 = 3.6.
// days mql->sal: a 3, b 2 -> 2 3; median 2.5; p90 at 0.9: 2 + 0.9 = 2.9.
// sal->sql: a 5; sql->opportunity: a 10; opportunity->won: a 30.
TEST(Funnel, FourPersonWaterfallMatchesHandCounts) {
  Workspace ws;
  for (const char* id : {"a", "b", "c", "d"}) AddPerson(&ws, id);
  AddStage(&ws, "a", "inquiry", 0);
  AddStage(&ws, "a", "mql", 2);
  AddStage(&ws, "a", "sal", 5);
  AddStage(&ws, "a", "sql", 10);
  AddStage(&ws, "a", "opportunity", 20);
  AddStage(&ws, "a", "won", 50);
  AddStage(&ws, "b", "inquiry", 0);
  AddStage(&ws, "b", "mql", 4);
  AddStage(&ws, "b", "sal", 6);
  AddStage(&ws, "c", "inquiry", 1);
  AddStage(&ws, "c", "mql", 3);
  AddStage(&ws, "d", "inquiry", 2);
  AddStage(&ws, "d", "lost", 9);
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = RunFunnel(ws);
  EXPECT_EQ(ColumnNames(t),
            std::vector<std::string>(
                {"segment", "stage", "reached", "next_stage", "advanced",
                 "rate_to_next", "won", "rate_to_won", "median_days_to_next",
                 "p90_days_to_next"}));
  // clang-format off
  ExpectRows(t, {
      {"all", "", "inquiry", 4, "mql", 3, 0.75, 1, 0.25, 2.0, 3.6},
      {"all", "", "mql", 3, "sal", 2, 2.0 / 3, 1, 1.0 / 3, 2.5, 2.9},
      {"all", "", "sal", 2, "sql", 1, 0.5, 1, 0.5, 5.0, 5.0},
      {"all", "", "sql", 1, "opportunity", 1, 1.0, 1, 1.0, 10.0, 10.0},
      {"all", "", "opportunity", 1, "won", 1, 1.0, 1, 1.0, 30.0, 30.0},
      {"all", "", "won", 1, "", std::nullopt, std::nullopt, 1, 1.0,
       std::nullopt, std::nullopt},
  });
  // clang-format on
  EXPECT_TRUE(t.warnings().empty());
}

// x: inquiry 0, sql 10 (skips mql and sal); y: inquiry 0, mql 1, sal 2,
// sql 3. Present stages: inquiry, mql, sal, sql (no won rows).
// Not strict: x passed mql and sal, so reached is 2 on every row and
// advanced 2; days only from recorded pairs, all y's: 1 day each.
// Strict: reached inquiry 2, mql 1, sal 1, sql 2; advanced inquiry->mql 1,
// mql->sal 1, sal->sql 1. won is 0 everywhere (nobody reached won).
TEST(Funnel, SkippedStagesCountAsPassedUnlessStrict) {
  Workspace ws;
  AddStage(&ws, "x", "inquiry", 0);
  AddStage(&ws, "x", "sql", 10);
  AddStage(&ws, "y", "inquiry", 0);
  AddStage(&ws, "y", "mql", 1);
  AddStage(&ws, "y", "sal", 2);
  AddStage(&ws, "y", "sql", 3);
  ASSERT_TRUE(ws.Freeze().ok());
  // clang-format off
  ExpectRows(RunFunnel(ws), {
      {"all", "", "inquiry", 2, "mql", 2, 1.0, 0, 0.0, 1.0, 1.0},
      {"all", "", "mql", 2, "sal", 2, 1.0, 0, 0.0, 1.0, 1.0},
      {"all", "", "sal", 2, "sql", 2, 1.0, 0, 0.0, 1.0, 1.0},
      {"all", "", "sql", 2, "", std::nullopt, std::nullopt, 0, 0.0,
       std::nullopt, std::nullopt},
  });
  // clang-format on
  FunnelOptions strict;
  strict.strict = true;
  // clang-format off
  ExpectRows(RunFunnel(ws, strict), {
      {"all", "", "inquiry", 2, "mql", 1, 0.5, 0, 0.0, 1.0, 1.0},
      {"all", "", "mql", 1, "sal", 1, 1.0, 0, 0.0, 1.0, 1.0},
      {"all", "", "sal", 1, "sql", 1, 1.0, 0, 0.0, 1.0, 1.0},
      {"all", "", "sql", 2, "", std::nullopt, std::nullopt, 0, 0.0,
       std::nullopt, std::nullopt},
  });
  // clang-format on
}

// e (source ads) has only exits; f (web) has inquiry then rejected and
// recycled. Exits are not funnel stages: the only present stage is
// inquiry, and segment ads has no funnel record, so it has no rows.
TEST(Funnel, ExitsNeverReachAFunnelStage) {
  Workspace ws;
  AddPerson(&ws, "e", "ads");
  AddPerson(&ws, "f", "web");
  AddStage(&ws, "e", "lost", 1);
  AddStage(&ws, "e", "rejected", 2);
  AddStage(&ws, "f", "inquiry", 0);
  AddStage(&ws, "f", "rejected", 3);
  AddStage(&ws, "f", "recycled", 4);
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions by_source;
  by_source.by = "source";
  // clang-format off
  ExpectRows(RunFunnel(ws, by_source), {
      {"web", "", "inquiry", 1, "", std::nullopt, std::nullopt, 0, 0.0,
       std::nullopt, std::nullopt},
  });
  // clang-format on
}

// Sources: p1 web (inquiry), p2 missing (inquiry, mql after 3 days),
// p3 ads (inquiry). Segments ads, web, (none); two stages each.
// (none): reached 1 and 1, advanced 1, 3 days. ads and web: inquiry 1,
// mql 0 with null rates (reached 0), advanced 0, no days.
TEST(Funnel, MissingSourceFormsTheNoneSegmentListedLast) {
  Workspace ws;
  AddPerson(&ws, "p1", "web");
  AddPerson(&ws, "p2", "");
  AddPerson(&ws, "p3", "ads");
  AddStage(&ws, "p1", "inquiry", 0);
  AddStage(&ws, "p2", "inquiry", 0);
  AddStage(&ws, "p2", "mql", 3);
  AddStage(&ws, "p3", "inquiry", 5);
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions by_source;
  by_source.by = "source";
  const auto kNull = std::nullopt;
  // clang-format off
  ExpectRows(RunFunnel(ws, by_source), {
      {"ads", "", "inquiry", 1, "mql", 0, 0.0, 0, 0.0, kNull, kNull},
      {"ads", "", "mql", 0, "", kNull, kNull, 0, kNull, kNull, kNull},
      {"web", "", "inquiry", 1, "mql", 0, 0.0, 0, 0.0, kNull, kNull},
      {"web", "", "mql", 0, "", kNull, kNull, 0, kNull, kNull, kNull},
      {"(none)", "", "inquiry", 1, "mql", 1, 1.0, 0, 0.0, 3.0, 3.0},
      {"(none)", "", "mql", 1, "", kNull, kNull, 0, 0.0, kNull, kNull},
  });
  // clang-format on
}

// industry: a retail (inquiry, won after 10 days), b retail (inquiry),
// c banking (inquiry). Present: inquiry, won.
// banking: inquiry 1, advanced 0; retail: inquiry 2, advanced 1 (1/2),
// won 1, 10 days.
TEST(Funnel, SegmentsByPeopleAttribute) {
  Workspace ws;
  ASSERT_TRUE(ws.SetAttribute("a", "industry", "retail").ok());
  ASSERT_TRUE(ws.SetAttribute("b", "industry", "retail").ok());
  ASSERT_TRUE(ws.SetAttribute("c", "industry", "banking").ok());
  AddStage(&ws, "a", "inquiry", 0);
  AddStage(&ws, "a", "won", 10);
  AddStage(&ws, "b", "inquiry", 0);
  AddStage(&ws, "c", "inquiry", 0);
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions by;
  by.by = "industry";
  const auto kNull = std::nullopt;
  // clang-format off
  ExpectRows(RunFunnel(ws, by), {
      {"banking", "", "inquiry", 1, "won", 0, 0.0, 0, 0.0, kNull, kNull},
      {"banking", "", "won", 0, "", kNull, kNull, 0, kNull, kNull, kNull},
      {"retail", "", "inquiry", 2, "won", 1, 0.5, 1, 0.5, 10.0, 10.0},
      {"retail", "", "won", 1, "", kNull, kNull, 1, 1.0, kNull, kNull},
  });
  // clang-format on
}

// a's touches by time: day 0 (no campaign), day 1 "spring", day 2
// "summer" -> spring. b: day 0 "summer" -> summer. Both reach inquiry;
// a also mql after 4 days.
TEST(Funnel, SegmentsByFirstTouchCampaign) {
  Workspace ws;
  AddTouch(&ws, "a", 2, "summer");
  AddTouch(&ws, "a", 0, "");
  AddTouch(&ws, "a", 1, "spring");
  AddTouch(&ws, "b", 0, "summer");
  AddStage(&ws, "a", "inquiry", 0);
  AddStage(&ws, "a", "mql", 4);
  AddStage(&ws, "b", "inquiry", 0);
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions by;
  by.by = "campaign";
  const auto kNull = std::nullopt;
  // clang-format off
  ExpectRows(RunFunnel(ws, by), {
      {"spring", "", "inquiry", 1, "mql", 1, 1.0, 0, 0.0, 4.0, 4.0},
      {"spring", "", "mql", 1, "", kNull, kNull, 0, 0.0, kNull, kNull},
      {"summer", "", "inquiry", 1, "mql", 0, 0.0, 0, 0.0, kNull, kNull},
      {"summer", "", "mql", 0, "", kNull, kNull, 0, kNull, kNull, kNull},
  });
  // clang-format on
}

TEST(Funnel, UnknownByIsNotFound) {
  Workspace ws;
  ASSERT_TRUE(ws.SetAttribute("a", "industry", "retail").ok());
  AddStage(&ws, "a", "inquiry", 0);
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions by;
  by.by = "region";
  Result<Table> t = Funnel(ws, by);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  const std::string& m = t.status().message();
  EXPECT_NE(m.find("\"region\""), std::string::npos) << m;
  EXPECT_NE(m.find("source, campaign, owner"), std::string::npos) << m;
  EXPECT_NE(m.find("industry"), std::string::npos) << m;
}

// Segment "even" (source) has inquiry->mql durations 1, 2, 3, 4 days:
//   median at position 3 * 0.5 = 1.5 -> 2 + 0.5 * 1 = 2.5;
//   p90 at 3 * 0.9 = 2.7 -> 3 + 0.7 * 1 = 3.7.
// Segment "odd" has 1, 2, 3, 4, 10 days (added out of order):
//   median at 4 * 0.5 = 2 -> 3; p90 at 4 * 0.9 = 3.6 -> 4 + 0.6 * 6 = 7.6.
// (numpy.quantile([1,2,3,4], [.5,.9]) = [2.5, 3.7];
//  numpy.quantile([1,2,3,4,10], [.5,.9]) = [3.0, 7.6].)
TEST(Funnel, MedianAndP90FollowLinearInterpolation) {
  Workspace ws;
  const double even[] = {1, 2, 3, 4};
  const double odd[] = {10, 3, 1, 4, 2};
  int n = 0;
  for (double d : even) {
    std::string id = "e" + std::to_string(n++);
    AddPerson(&ws, id.c_str(), "even");
    AddStage(&ws, id.c_str(), "inquiry", 0);
    AddStage(&ws, id.c_str(), "mql", d);
  }
  for (double d : odd) {
    std::string id = "o" + std::to_string(n++);
    AddPerson(&ws, id.c_str(), "odd");
    AddStage(&ws, id.c_str(), "inquiry", 3);
    AddStage(&ws, id.c_str(), "mql", 3 + d);
  }
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions by;
  by.by = "source";
  const auto kNull = std::nullopt;
  // clang-format off
  ExpectRows(RunFunnel(ws, by), {
      {"even", "", "inquiry", 4, "mql", 4, 1.0, 0, 0.0, 2.5, 3.7},
      {"even", "", "mql", 4, "", kNull, kNull, 0, 0.0, kNull, kNull},
      {"odd", "", "inquiry", 5, "mql", 5, 1.0, 0, 0.0, 3.0, 7.6},
      {"odd", "", "mql", 5, "", kNull, kNull, 0, 0.0, kNull, kNull},
  });
  // clang-format on
}

// The day quantiles select order statistics without sorting; compare
// them with a plain reference on sorted data for every count from 1 to 40
// (random durations in milliseconds, duplicates included):
//   position = (n - 1) * q, lo = floor, t = position - lo,
//   a + (b - a) * t, or b - (b - a) * (1 - t) when t >= 0.5 (numpy's form).
TEST(Funnel, QuantilesMatchASortedReferenceForEveryCount) {
  Workspace ws;
  std::mt19937_64 rng(42);
  std::vector<std::vector<int64_t>> durations;
  for (int n = 1; n <= 40; ++n) {
    char segment[16];
    std::snprintf(segment, sizeof segment, "n%02d", n);
    durations.emplace_back();
    for (int j = 0; j < n; ++j) {
      std::string id = std::string(segment) + "_" + std::to_string(j);
      const int64_t d = static_cast<int64_t>(rng() % (20 * kMillisPerDay)) / 7;
      durations.back().push_back(d);
      AddPerson(&ws, id.c_str(), segment);
      AddStageAt(&ws, id.c_str(), "inquiry", kJan1);
      AddStageAt(&ws, id.c_str(), "mql", kJan1 + d);
    }
  }
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions by;
  by.by = "source";
  Table t = RunFunnel(ws, by);
  ASSERT_EQ(t.num_rows(), 80u);  // segments n01..n40 sort by count
  auto reference = [](std::vector<int64_t> v, double q) {
    std::sort(v.begin(), v.end());
    const double pos = (v.size() - 1) * q;
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const double tt = pos - lo;
    const double a = static_cast<double>(v[lo]) / kMillisPerDay;
    const double b =
        static_cast<double>(v[std::min(lo + 1, v.size() - 1)]) / kMillisPerDay;
    return tt >= 0.5 ? b - (b - a) * (1 - tt) : a + (b - a) * tt;
  };
  const int median = t.ColumnIndex("median_days_to_next");
  const int p90 = t.ColumnIndex("p90_days_to_next");
  for (size_t n = 1; n <= 40; ++n) {
    SCOPED_TRACE("n = " + std::to_string(n));
    const size_t row = (n - 1) * 2;
    EXPECT_EQ(t.column(median).doubles[row], reference(durations[n - 1], 0.5));
    EXPECT_EQ(t.column(p90).doubles[row], reference(durations[n - 1], 0.9));
  }
}

// Half days: durations 0.5 and 1.5 days -> median 1, p90 0.5 + 0.9 = 1.4.
TEST(Funnel, DaysKeepFractionsOfADay) {
  Workspace ws;
  AddStage(&ws, "a", "inquiry", 0);
  AddStage(&ws, "a", "mql", 0.5);
  AddStage(&ws, "b", "inquiry", 1);
  AddStage(&ws, "b", "mql", 2.5);
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = RunFunnel(ws);
  ExpectDouble(t, "median_days_to_next", 0, 1.0);
  ExpectDouble(t, "p90_days_to_next", 0, 1.4);
}

// n1 entered mql (day 3) before inquiry (day 5): -2 days, left out of the
// days; n2 took 1 day. Counts still include n1: reached 2, advanced 2.
// Days: only n2's 1 day. One warning naming 1 person and the pair.
TEST(Funnel, NegativeDurationsLeftOutOfDaysButCounted) {
  Workspace ws;
  AddStage(&ws, "n1", "inquiry", 5);
  AddStage(&ws, "n1", "mql", 3);
  AddStage(&ws, "n2", "inquiry", 0);
  AddStage(&ws, "n2", "mql", 1);
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = RunFunnel(ws);
  const auto kNull = std::nullopt;
  // clang-format off
  ExpectRows(t, {
      {"all", "", "inquiry", 2, "mql", 2, 1.0, 0, 0.0, 1.0, 1.0},
      {"all", "", "mql", 2, "", kNull, kNull, 0, 0.0, kNull, kNull},
  });
  // clang-format on
  ASSERT_EQ(t.warnings().size(), 1u);
  const std::string& w = t.warnings()[0];
  EXPECT_EQ(w.rfind("1 person entered a later stage before an earlier one", 0),
            0u)
      << w;
  EXPECT_NE(w.find("inquiry -> mql: 1"), std::string::npos) << w;
}

// Cohort = month of the first entry into any funnel stage:
//   p1: inquiry 2024-01-20, mql 2024-02-03 -> 2024-01 (14 days)
//   p2: inquiry 2024-02-01 -> 2024-02
//   p3: mql 2024-01-31 only -> 2024-01 (passed inquiry, not strict)
// 2024-01: inquiry 2, mql 2 (advanced 2), days only p1's 14.
// 2024-02: inquiry 1, mql 0 with null rates.
TEST(Funnel, CohortByMonthOfFirstFunnelEntry) {
  Workspace ws;
  AddStage(&ws, "p1", "inquiry", 19);
  AddStage(&ws, "p1", "mql", 33);
  AddStage(&ws, "p2", "inquiry", 31);
  AddStage(&ws, "p3", "mql", 30);
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions cohort;
  cohort.cohort_month = true;
  Table t = RunFunnel(ws, cohort);
  EXPECT_EQ(ColumnNames(t),
            std::vector<std::string>(
                {"segment", "cohort", "stage", "reached", "next_stage",
                 "advanced", "rate_to_next", "won", "rate_to_won",
                 "median_days_to_next", "p90_days_to_next"}));
  const auto kNull = std::nullopt;
  // clang-format off
  ExpectRows(t, {
      {"all", "2024-01", "inquiry", 2, "mql", 2, 1.0, 0, 0.0, 14.0, 14.0},
      {"all", "2024-01", "mql", 2, "", kNull, kNull, 0, 0.0, kNull, kNull},
      {"all", "2024-02", "inquiry", 1, "mql", 0, 0.0, 0, 0.0, kNull, kNull},
      {"all", "2024-02", "mql", 0, "", kNull, kNull, 0, kNull, kNull, kNull},
  });
  // clang-format on
}

// Cohorts sort by month across a year boundary and a month with no
// entries is not listed: 2023-12-31T23:00 and 2024-03-02 give 2023-12 and
// 2024-03 (not 2024-01 or 2024-02).
TEST(Funnel, CohortsSortedAscendingAcrossYears) {
  Workspace ws;
  AddStageAt(&ws, "late", "inquiry", Day(61));
  AddStageAt(&ws, "early", "inquiry", kJan1 - kMillisPerHour);
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions cohort;
  cohort.cohort_month = true;
  const auto kNull = std::nullopt;
  // clang-format off
  ExpectRows(RunFunnel(ws, cohort), {
      {"all", "2023-12", "inquiry", 1, "", kNull, kNull, 0, 0.0, kNull, kNull},
      {"all", "2024-03", "inquiry", 1, "", kNull, kNull, 0, 0.0, kNull, kNull},
  });
  // clang-format on
}

// within 90 days; present stages inquiry, mql, sal, won.
//   p1: inquiry 0, mql 100, won 120 (passes sal at 120, by skipping)
//   p2: inquiry 0, mql 30
//   p3: inquiry 10, sal 40 (passes mql at 40)
// No window: reached 3, 3, 2, 1; advanced 3, 2, 1; won 1 on every row.
// Window: inquiry->mql p1 100 > 90 out, p2 30, p3 30 -> 2;
//   mql->sal p1 20, p3 0 -> 2; sal->won p1 0 -> 1.
//   won: inquiry row p1 120 > 90 -> 0; mql row 20 -> 1; sal 0 -> 1; won 1.
// Days are those of recorded pairs whatever the window: inquiry->mql
// p1 100, p2 30 -> median 65, p90 30 + 0.9 * 70 = 93; mql->sal none
// recorded; sal->won none recorded.
TEST(Funnel, WithinWindowCountsOnlyTimelyAdvances) {
  Workspace ws;
  AddStage(&ws, "p1", "inquiry", 0);
  AddStage(&ws, "p1", "mql", 100);
  AddStage(&ws, "p1", "won", 120);
  AddStage(&ws, "p2", "inquiry", 0);
  AddStage(&ws, "p2", "mql", 30);
  AddStage(&ws, "p3", "inquiry", 10);
  AddStage(&ws, "p3", "sal", 40);
  ASSERT_TRUE(ws.Freeze().ok());
  const auto kNull = std::nullopt;
  // clang-format off
  ExpectRows(RunFunnel(ws), {
      {"all", "", "inquiry", 3, "mql", 3, 1.0, 1, 1.0 / 3, 65.0, 93.0},
      {"all", "", "mql", 3, "sal", 2, 2.0 / 3, 1, 1.0 / 3, kNull, kNull},
      {"all", "", "sal", 2, "won", 1, 0.5, 1, 0.5, kNull, kNull},
      {"all", "", "won", 1, "", kNull, kNull, 1, 1.0, kNull, kNull},
  });
  // clang-format on
  FunnelOptions within;
  within.within_ms = 90 * kMillisPerDay;
  // clang-format off
  ExpectRows(RunFunnel(ws, within), {
      {"all", "", "inquiry", 3, "mql", 2, 2.0 / 3, 0, 0.0, 65.0, 93.0},
      {"all", "", "mql", 3, "sal", 2, 2.0 / 3, 1, 1.0 / 3, kNull, kNull},
      {"all", "", "sal", 2, "won", 1, 0.5, 1, 0.5, kNull, kNull},
      {"all", "", "won", 1, "", kNull, kNull, 1, 1.0, kNull, kNull},
  });
  // clang-format on
}

// A window is inclusive: exactly 90 days counts, 90 days and 1 ms does not.
TEST(Funnel, WithinWindowIncludesItsEnd) {
  Workspace ws;
  AddStageAt(&ws, "a", "inquiry", kJan1);
  AddStageAt(&ws, "a", "mql", kJan1 + 90 * kMillisPerDay);
  AddStageAt(&ws, "b", "inquiry", kJan1);
  AddStageAt(&ws, "b", "mql", kJan1 + 90 * kMillisPerDay + 1);
  ASSERT_TRUE(ws.Freeze().ok());
  FunnelOptions within;
  within.within_ms = 90 * kMillisPerDay;
  Table t = RunFunnel(ws, within);
  ExpectInt(t, "reached", 0, 2);
  ExpectInt(t, "advanced", 0, 1);
}

// Olist's real funnel: 8,000 MQLs (first_contact_date) and the 842 that
// sales won (won_date), by origin. Expected values from pandas on the same
// files, independently of this code:
//   d = merged won_date - first_contact_date in days (1 negative: the
//   known quirk), kept = d[d >= 0] (841 values):
//   np.quantile(kept, [.5, .9]) = [14.722164351851852, 162.6718287037037]
//   origin missing: 60 MQLs, 14 won, quantiles [8.083952546296295,
//   118.79116319444458]; organic_search: 2296, 271, [15.24703125,
//   171.99779050925926].
TEST(Funnel, OlistMarketingFunnelMatchesPandas) {
  Workspace ws;
  testing_support::LoadOlistFunnel(&ws);
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_TRUE(ws.Freeze().ok());

  Table all = RunFunnel(ws);
  const auto kNull = std::nullopt;
  // clang-format off
  ExpectRows(all, {
      {"all", "", "mql", 8000, "won", 842, 842.0 / 8000, 842, 842.0 / 8000,
       14.722164351851852, 162.6718287037037},
      {"all", "", "won", 842, "", kNull, kNull, 842, 1.0, kNull, kNull},
  });
  // clang-format on
  ASSERT_EQ(all.warnings().size(), 1u);
  EXPECT_EQ(all.warnings()[0].rfind("1 person entered a later stage", 0), 0u)
      << all.warnings()[0];

  FunnelOptions by;
  by.by = "source";
  Table t = RunFunnel(ws, by);
  ASSERT_EQ(t.num_rows(), 22u);  // 10 origins + (none), 2 stages each
  const auto expect_segment = [&](size_t row, const char* segment,
                                  int64_t reached, int64_t advanced,
                                  double median, double p90) {
    SCOPED_TRACE(segment);
    ExpectString(t, "segment", row, segment);
    ExpectString(t, "stage", row, "mql");
    ExpectInt(t, "reached", row, reached);
    ExpectInt(t, "advanced", row, advanced);
    ExpectInt(t, "won", row, advanced);
    const int m = t.ColumnIndex("median_days_to_next");
    const int p = t.ColumnIndex("p90_days_to_next");
    EXPECT_NEAR(t.column(m).doubles[row], median, 1e-9);
    EXPECT_NEAR(t.column(p).doubles[row], p90, 1e-9);
  };
  // Segments sorted: direct_traffic, display, email, organic_search (row
  // 6), ..., (none) last (row 20).
  expect_segment(6, "organic_search", 2296, 271, 15.24703125,
                 171.99779050925926);
  expect_segment(20, "(none)", 60, 14, 8.083952546296295, 118.79116319444458);
}

TEST(Funnel, NoFunnelRecordsGiveAnEmptyTableWithAWarning) {
  Workspace ws;
  AddStage(&ws, "a", "lost", 0);
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = RunFunnel(ws);
  EXPECT_EQ(t.num_columns(), 10u);
  EXPECT_EQ(t.num_rows(), 0u);
  ASSERT_EQ(t.warnings().size(), 1u);
  EXPECT_NE(t.warnings()[0].find("no person has a record of a funnel stage"),
            std::string::npos);
}

TEST(Funnel, NeedsAFrozenWorkspace) {
  Workspace ws;
  AddStage(&ws, "a", "inquiry", 0);
  Result<Table> t = Funnel(ws, {});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kFailedPrecondition);
}

TEST(FunnelOptions, ParsesEveryKeyAndIgnoresOtherPrefixes) {
  Result<FunnelOptions> o =
      ParseFunnelOptions({{"funnel.by", "source"},
                          {"funnel.strict", "1"},
                          {"funnel.cohort", "month"},
                          {"funnel.within", "90d"},
                          {"attribution.model", "markov"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->by, "source");
  EXPECT_TRUE(o->strict);
  EXPECT_TRUE(o->cohort_month);
  EXPECT_EQ(o->within_ms, 90 * kMillisPerDay);  // 7,776,000,000 ms

  Result<FunnelOptions> d = ParseFunnelOptions({{"funnel.strict", "false"},
                                                {"funnel.cohort", "none"},
                                                {"funnel.within", ""}});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->by, "");
  EXPECT_FALSE(d->strict);
  EXPECT_FALSE(d->cohort_month);
  EXPECT_LT(d->within_ms, 0);

  Result<FunnelOptions> w = ParseFunnelOptions({{"funnel.within", "2w"}});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->within_ms, 14 * kMillisPerDay);
}

void ExpectInvalid(const std::map<std::string, std::string>& options,
                   const std::vector<std::string>& mentions) {
  Result<FunnelOptions> o = ParseFunnelOptions(options);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
  for (const std::string& m : mentions)
    EXPECT_NE(o.status().message().find(m), std::string::npos)
        << "\"" << m << "\" not in: " << o.status().message();
}

TEST(FunnelOptions, BadValuesAndUnknownKeysNameTheKeyAndValidValues) {
  ExpectInvalid({{"funnel.strict", "yes"}},
                {"funnel.strict", "\"yes\"", "true, false, 1 or 0"});
  ExpectInvalid({{"funnel.cohort", "week"}},
                {"funnel.cohort", "\"week\"", "month"});
  ExpectInvalid({{"funnel.within", "soon"}},
                {"funnel.within", "\"soon\"", "90d"});
  ExpectInvalid({{"funnel.within", "-5d"}}, {"funnel.within"});
  ExpectInvalid({{"funnel.window", "90d"}}, {"\"funnel.window\"",
                                             "funnel.by, funnel.strict, "
                                             "funnel.cohort, funnel.within"});
}

}  // namespace
}  // namespace baton

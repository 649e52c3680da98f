#include "scorecard/scorecard.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

namespace baton {
namespace {

// Midnight UTC of a date.
int64_t Date(int y, unsigned m, unsigned d) {
  return DaysFromCivil(y, m, d) * kMillisPerDay;
}

Table ValueOf(Result<Table> t) {
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : Table();
}

ScorecardConfig Config(const std::string& text) {
  Result<ScorecardConfig> c = ParseScorecardText(text, "baton.toml");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : ScorecardConfig();
}

void Deal(Workspace* ws, const char* id, double amount, int64_t created,
          bool won = false, bool closed = false, int64_t closed_at = kNoTime,
          const char* person = "", const char* source = "") {
  DealRow row;
  row.deal_id = id;
  row.amount = amount;
  row.created_at = created;
  row.is_won = won;
  row.is_closed = closed;
  row.closed_at = closed_at;
  row.person_id = person;
  row.source = source;
  ASSERT_TRUE(ws->AddDeal(row).ok());
}

void Stage(Workspace* ws, const char* id, const char* stage, int64_t at) {
  StageRow row;
  row.person_id = id;
  row.stage = ws->stage_map().CodeOf(stage);
  ASSERT_GE(row.stage, 0);
  row.at = at;
  ASSERT_TRUE(ws->AddStage(row).ok());
}

void SalesTouch(Workspace* ws, const char* id, int64_t at) {
  TouchRow row;
  row.person_id = id;
  row.at = at;
  row.side = Side::kSales;
  ASSERT_TRUE(ws->AddTouch(row).ok());
}

using Opt = std::optional<double>;
constexpr std::nullopt_t kNull = std::nullopt;

struct Row {
  std::string period;
  Opt value, ratio, previous, trend;
  std::optional<std::string> status;
};

// Checks the rows of one KPI, starting at row `first`.
void ExpectKpi(const Table& t, size_t first, const std::string& kpi,
               const std::string& metric, double target,
               const std::vector<Row>& rows) {
  const char* names[] = {"kpi",      "metric", "period", "value", "target",
                         "ratio",    "previous", "trend", "status"};
  ASSERT_EQ(t.num_columns(), 9u);
  for (size_t c = 0; c < 9; ++c) EXPECT_EQ(t.column(c).name, names[c]);
  ASSERT_GE(t.num_rows(), first + rows.size());
  auto dbl = [&](size_t c, size_t r, Opt want) {
    if (!want) {
      EXPECT_TRUE(t.IsNull(c, r)) << names[c] << " row " << r << ": " << t.CellText(c, r);
    } else {
      ASSERT_FALSE(t.IsNull(c, r)) << names[c] << " row " << r;
      EXPECT_NEAR(t.column(c).doubles[r], *want, 1e-9) << names[c] << " row " << r;
    }
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const size_t r = first + i;
    const Row& w = rows[i];
    EXPECT_EQ(t.column(0).strings[r], kpi);
    EXPECT_EQ(t.column(1).strings[r], metric);
    EXPECT_EQ(t.column(2).strings[r], w.period) << "row " << r;
    dbl(3, r, w.value);
    dbl(4, r, target);
    dbl(5, r, w.ratio);
    dbl(6, r, w.previous);
    dbl(7, r, w.trend);
    if (!w.status) {
      EXPECT_TRUE(t.IsNull(8, r)) << "status row " << r;
    } else {
      ASSERT_FALSE(t.IsNull(8, r)) << "status row " << r;
      EXPECT_EQ(t.column(8).strings[r], *w.status) << "row " << r;
    }
  }
}

TEST(ScorecardPeriods, BoundariesAreUtcCalendarPeriods) {
  const int64_t last_ms_of_q1 = Date(2025, 4, 1) - 1;  // 2025-03-31T23:59:59.999Z
  EXPECT_EQ(PeriodName(last_ms_of_q1, ScorecardPeriod::kQuarter), "2025-Q1");
  EXPECT_EQ(PeriodName(last_ms_of_q1, ScorecardPeriod::kMonth), "2025-03");
  EXPECT_EQ(PeriodName(last_ms_of_q1, ScorecardPeriod::kYear), "2025");
  EXPECT_EQ(PeriodName(Date(2025, 4, 1), ScorecardPeriod::kQuarter), "2025-Q2");
  EXPECT_EQ(PeriodName(Date(2025, 7, 1), ScorecardPeriod::kQuarter), "2025-Q3");
  EXPECT_EQ(PeriodName(Date(2025, 12, 31), ScorecardPeriod::kQuarter), "2025-Q4");
  // Before the epoch: the last millisecond of 1969 is in 1969-Q4.
  EXPECT_EQ(PeriodName(-1, ScorecardPeriod::kQuarter), "1969-Q4");
  EXPECT_EQ(PeriodName(-1, ScorecardPeriod::kMonth), "1969-12");
}

TEST(ScorecardConfig, ReadsTheScorecardTable) {
  ScorecardConfig c = Config(R"(
[[people]]
file = "leads.csv"
[scorecard]
period = "Month"
sla = "4h"
[[scorecard.kpi]]
name = "MQL to SQL"
metric = "funnel.rate:mql->sql"
target = 0.35
[[scorecard.kpi]]
name = "Hand-offs worked within SLA"
metric = "handoff.sla_rate"
target = 0.9
[[scorecard.kpi]]
name = "Marketing-sourced pipeline"
metric = "deals.pipeline_amount:side=marketing"
target = 2500000
lower_is_better = false
[[scorecard.kpi]]
name = "Response"
metric = " handoff.response_median_hours "
target = 4
lower_is_better = true
)");
  EXPECT_EQ(c.period, ScorecardPeriod::kMonth);
  EXPECT_EQ(c.handoff.sla_ms, 4 * kMillisPerHour);
  EXPECT_EQ(c.handoff.stage, "mql");
  ASSERT_EQ(c.kpis.size(), 4u);
  EXPECT_EQ(c.kpis[0].name, "MQL to SQL");
  EXPECT_EQ(c.kpis[0].metric, "funnel.rate:mql->sql");
  EXPECT_DOUBLE_EQ(c.kpis[0].target, 0.35);
  EXPECT_EQ(c.kpis[0].line, 7);
  EXPECT_DOUBLE_EQ(c.kpis[2].target, 2500000);  // an integer in TOML
  EXPECT_FALSE(c.kpis[2].lower_is_better);
  EXPECT_EQ(c.kpis[3].metric, "handoff.response_median_hours");
  EXPECT_TRUE(c.kpis[3].lower_is_better);
}

TEST(ScorecardConfig, UnknownMetricListsTheValidOnes) {
  Result<ScorecardConfig> c = ParseScorecardText(R"([scorecard]
[[scorecard.kpi]]
name = "Leads"
metric = "funnel.leads"
target = 10
)",
                                                 "baton.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = c.status().message();
  EXPECT_EQ(m.rfind("baton.toml:2: KPI \"Leads\": metric \"funnel.leads\" is not known", 0), 0u)
      << m;
  for (const std::string& name : ScorecardMetricNames())
    EXPECT_NE(m.find(name), std::string::npos) << name;
}

TEST(ScorecardConfig, ErrorsNameFileAndLine) {
  struct Case {
    const char* text;
    StatusCode code;
    const char* starts;
  } cases[] = {
      {"[scorecard\nperiod = 1\n", StatusCode::kParseError, "baton.toml:1:"},
      {"[funnel]\nstages = [\"a\"]\n", StatusCode::kNotFound, "baton.toml: no [scorecard]"},
      {"[scorecard]\nperiod = \"week\"\n", StatusCode::kInvalidArgument, "baton.toml:2:"},
      {"[scorecard]\ncolour = \"red\"\n", StatusCode::kInvalidArgument,
       "baton.toml:2: unknown key \"colour\""},
      {"[scorecard]\n[[scorecard.kpi]]\nname = \"x\"\nmetric = \"spend.total\"\n"
       "target = 1\nowner = \"me\"\n",
       StatusCode::kInvalidArgument, "baton.toml:6: unknown key \"owner\""},
      {"[scorecard]\n[[scorecard.kpi]]\nname = \"x\"\nmetric = \"spend.total\"\n",
       StatusCode::kInvalidArgument, "baton.toml:2: KPI \"x\" has no target"},
      {"[scorecard]\n[[scorecard.kpi]]\nname = \"x\"\nmetric = \"spend.total\"\n"
       "target = \"high\"\n",
       StatusCode::kInvalidArgument, "baton.toml:5: [[scorecard.kpi]] target"},
      {"[scorecard]\nperiod = \"year\"\n", StatusCode::kInvalidArgument,
       "baton.toml:1: [scorecard] has no KPI"},
  };
  for (const Case& c : cases) {
    Result<ScorecardConfig> r = ParseScorecardText(c.text, "baton.toml");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), c.code) << c.text << r.status().ToString();
    EXPECT_EQ(r.status().message().rfind(c.starts, 0), 0u)
        << c.text << " -> " << r.status().message();
  }
}

TEST(ScorecardConfig, ReadsAFileAndReportsAMissingOne) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("baton_scorecard_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "baton.toml").string();
  {
    std::ofstream out(path);
    out << "[scorecard]\nperiod = \"year\"\n[[scorecard.kpi]]\nname = \"Spend\"\n"
           "metric = \"spend.total\"\ntarget = 100\n";
  }
  Result<ScorecardConfig> c = ParseScorecard(path);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->period, ScorecardPeriod::kYear);
  EXPECT_EQ(c->path, path);
  Result<ScorecardConfig> missing = ParseScorecard((dir / "none.toml").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("none.toml"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// Pipeline amounts per quarter: 100, 90, 89.99, 110, 110.01 (deals created
// in the middle of each quarter of 2025 and the first of 2026).
void AddQuarterlyPipeline(Workspace* ws) {
  Deal(ws, "q1", 60, Date(2025, 2, 1));
  Deal(ws, "q1b", 40, Date(2025, 3, 31) + kMillisPerDay - 1);  // last ms of Q1
  Deal(ws, "q2", 90, Date(2025, 5, 1));
  Deal(ws, "q3", 89.99, Date(2025, 8, 1));
  Deal(ws, "q4", 110, Date(2025, 11, 1));
  Deal(ws, "q5", 110.01, Date(2026, 2, 1));
}

TEST(Scorecard, StatusesAtTargetAtNinetyPercentAndJustBelow) {
  Workspace ws;
  AddQuarterlyPipeline(&ws);
  ASSERT_TRUE(ws.Freeze().ok());
  ScorecardConfig c = Config(R"([scorecard]
[[scorecard.kpi]]
name = "Pipeline"
metric = "deals.pipeline_amount"
target = 100
[[scorecard.kpi]]
name = "Pipeline, lower is better"
metric = "deals.pipeline_amount"
target = 100
lower_is_better = true
)");
  Table t = ValueOf(Scorecard(ws, c));
  ASSERT_EQ(t.num_rows(), 10u);
  // Higher is better: 100 = target (on_track), 90 = 0.9 * target (at_risk),
  // 89.99 below it (off_track), 110 and 110.01 above target (on_track).
  ExpectKpi(t, 0, "Pipeline", "deals.pipeline_amount", 100,
            {{"2025-Q1", 100, 1.0, kNull, kNull, "on_track"},
             {"2025-Q2", 90, 0.9, 100, -10, "at_risk"},
             {"2025-Q3", 89.99, 0.8999, 90, -0.01, "off_track"},
             {"2025-Q4", 110, 1.1, 89.99, 20.01, "on_track"},
             {"2026-Q1", 110.01, 1.1001, 110, 0.01, "on_track"}});
  // Lower is better: <= 100 on_track; 110 = 1.1 * target at_risk; 110.01
  // off_track.
  ExpectKpi(t, 5, "Pipeline, lower is better", "deals.pipeline_amount", 100,
            {{"2025-Q1", 100, 1.0, kNull, kNull, "on_track"},
             {"2025-Q2", 90, 0.9, 100, -10, "on_track"},
             {"2025-Q3", 89.99, 0.8999, 90, -0.01, "on_track"},
             {"2025-Q4", 110, 1.1, 89.99, 20.01, "at_risk"},
             {"2026-Q1", 110.01, 1.1001, 110, 0.01, "off_track"}});
}

TEST(Scorecard, RatesAtExactlyNinetyPercentOfAFractionalTarget) {
  // 63 of 200 deals created in January are won: 0.315 = 0.9 * 0.35, which
  // is at_risk although 0.9 * 0.35 is not exactly 0.315 in binary.
  Workspace ws;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "d" + std::to_string(i);
    Deal(&ws, id.c_str(), 0, Date(2025, 1, 10), i < 63, true, Date(2025, 1, 20));
  }
  ASSERT_TRUE(ws.Freeze().ok());
  ScorecardConfig c = Config(R"([scorecard]
period = "month"
[[scorecard.kpi]]
name = "Win rate"
metric = "deals.win_rate"
target = 0.35
)");
  Table t = ValueOf(Scorecard(ws, c));
  ExpectKpi(t, 0, "Win rate", "deals.win_rate", 0.35,
            {{"2025-01", 0.315, 0.9, kNull, kNull, "at_risk"}});
}

TEST(Scorecard, FunnelRateReachedAndVelocityByCohort) {
  Workspace ws;
  // 2024-Q4 cohort: f enters mql on Dec 20, sql on Jan 9 (20 days).
  Stage(&ws, "f", "mql", Date(2024, 12, 20));
  Stage(&ws, "f", "sql", Date(2025, 1, 9));
  // 2025-Q1 cohort: a (mql Jan 10 -> sql Jan 20: 10 days), b (mql Jan 10,
  // skips sql to opportunity: reached sql, no velocity), c and d (mql
  // only), e (skips mql: passes it at its sal entry, Feb 1).
  Stage(&ws, "a", "mql", Date(2025, 1, 10));
  Stage(&ws, "a", "sql", Date(2025, 1, 20));
  Stage(&ws, "b", "mql", Date(2025, 1, 10));
  Stage(&ws, "b", "opportunity", Date(2025, 1, 25));
  Stage(&ws, "c", "mql", Date(2025, 2, 10));
  Stage(&ws, "d", "mql", Date(2025, 3, 10));
  Stage(&ws, "e", "sal", Date(2025, 2, 1));
  // A later record makes 2025-Q2 part of the data: no cohort there.
  Stage(&ws, "g", "inquiry", Date(2025, 4, 2));
  ASSERT_TRUE(ws.Freeze().ok());
  ScorecardConfig c = Config(R"([scorecard]
[[scorecard.kpi]]
name = "MQL to SQL"
metric = "funnel.rate:mql->sql"
target = 0.5
[[scorecard.kpi]]
name = "MQLs"
metric = "funnel.reached:MQL"
target = 4
[[scorecard.kpi]]
name = "Days to SQL"
metric = "funnel.velocity_days:mql -> sql"
target = 14
lower_is_better = true
)");
  Table t = ValueOf(Scorecard(ws, c));
  ASSERT_EQ(t.num_rows(), 9u);
  // Q4: 1 of 1 -> 1.0; Q1: a and b of a, b, c, d, e -> 0.4 (below 0.45:
  // off_track); Q2: nobody passed mql -> null.
  ExpectKpi(t, 0, "MQL to SQL", "funnel.rate:mql->sql", 0.5,
            {{"2024-Q4", 1.0, 2.0, kNull, kNull, "on_track"},
             {"2025-Q1", 0.4, 0.8, 1.0, -0.6, "off_track"},
             {"2025-Q2", kNull, kNull, 0.4, kNull, kNull}});
  // Counts: 1, 5, then 0 for a period without events.
  ExpectKpi(t, 3, "MQLs", "funnel.reached:MQL", 4,
            {{"2024-Q4", 1, 0.25, kNull, kNull, "off_track"},
             {"2025-Q1", 5, 1.25, 1, 4, "on_track"},
             {"2025-Q2", 0, 0, 5, -5, "off_track"}});
  // Velocity: 20 days (Q4), median of {10} (Q1); lower is better, 14 days:
  // 20 > 15.4 off_track, 10 on_track.
  ExpectKpi(t, 6, "Days to SQL", "funnel.velocity_days:mql -> sql", 14,
            {{"2024-Q4", 20, 20.0 / 14, kNull, kNull, "off_track"},
             {"2025-Q1", 10, 10.0 / 14, 20, -10, "on_track"},
             {"2025-Q2", kNull, kNull, 10, kNull, kNull}});
}

TEST(Scorecard, HandoffMetricsByHandoffMonth) {
  Workspace ws;
  // January: a answered in 2h (within 24h), accepted; b answered in 30h,
  // rejected. February: c never answered, and 40 days of silence follow
  // (leaked); d answered in 1h.
  Stage(&ws, "a", "mql", Date(2025, 1, 5));
  SalesTouch(&ws, "a", Date(2025, 1, 5) + 2 * kMillisPerHour);
  Stage(&ws, "a", "sal", Date(2025, 1, 6));
  Stage(&ws, "b", "mql", Date(2025, 1, 5));
  SalesTouch(&ws, "b", Date(2025, 1, 5) + 30 * kMillisPerHour);
  Stage(&ws, "b", "rejected", Date(2025, 1, 8));
  Stage(&ws, "c", "mql", Date(2025, 2, 1));
  Stage(&ws, "d", "mql", Date(2025, 2, 1));
  SalesTouch(&ws, "d", Date(2025, 2, 1) + kMillisPerHour);
  Stage(&ws, "z", "inquiry", Date(2025, 3, 15));  // the newest record
  ASSERT_TRUE(ws.Freeze().ok());
  ScorecardConfig c = Config(R"([scorecard]
period = "month"
[[scorecard.kpi]]
name = "SLA"
metric = "handoff.sla_rate"
target = 0.9
[[scorecard.kpi]]
name = "Acceptance"
metric = "handoff.acceptance_rate"
target = 0.5
[[scorecard.kpi]]
name = "Response"
metric = "handoff.response_median_hours"
target = 4
lower_is_better = true
[[scorecard.kpi]]
name = "Leaks"
metric = "handoff.leaked"
target = 0
lower_is_better = true
)");
  Table t = ValueOf(Scorecard(ws, c));
  ASSERT_EQ(t.num_rows(), 12u);
  ExpectKpi(t, 0, "SLA", "handoff.sla_rate", 0.9,
            {{"2025-01", 0.5, 0.5 / 0.9, kNull, kNull, "off_track"},
             {"2025-02", 0.5, 0.5 / 0.9, 0.5, 0, "off_track"},
             {"2025-03", kNull, kNull, 0.5, kNull, kNull}});
  // January: 1 accepted of 2 decided; February: nothing decided.
  ExpectKpi(t, 3, "Acceptance", "handoff.acceptance_rate", 0.5,
            {{"2025-01", 0.5, 1.0, kNull, kNull, "on_track"},
             {"2025-02", kNull, kNull, 0.5, kNull, kNull},
             {"2025-03", kNull, kNull, kNull, kNull, kNull}});
  // Median of 2h and 30h = 16h (off_track against 4h); February: 1h.
  ExpectKpi(t, 6, "Response", "handoff.response_median_hours", 4,
            {{"2025-01", 16, 4.0, kNull, kNull, "off_track"},
             {"2025-02", 1, 0.25, 16, -15, "on_track"},
             {"2025-03", kNull, kNull, 1, kNull, kNull}});
  // Target 0: ratio null; 0 leaks on track, 1 off track.
  ExpectKpi(t, 9, "Leaks", "handoff.leaked", 0,
            {{"2025-01", 0, kNull, kNull, kNull, "on_track"},
             {"2025-02", 1, kNull, 0, 1, "off_track"},
             {"2025-03", 0, kNull, 1, -1, "on_track"}});
}

TEST(Scorecard, SpendAndDealMetrics) {
  Workspace ws;
  SpendRow s;
  s.channel = "ads";
  s.period_start = Date(2025, 1, 1);
  s.amount = 1000;
  ASSERT_TRUE(ws.AddSpend(s).ok());
  s.period_start = Date(2025, 2, 1);
  s.amount = 500;
  ASSERT_TRUE(ws.AddSpend(s).ok());
  // Marketing-first person m, sales-first person x.
  TouchRow t;
  t.person_id = "m";
  t.at = Date(2025, 1, 2);
  ASSERT_TRUE(ws.AddTouch(t).ok());
  t.person_id = "x";
  t.side = Side::kSales;
  ASSERT_TRUE(ws.AddTouch(t).ok());
  // January deals: m's won 1500; x's won 500; unlinked with source 50 (open);
  // unlinked without source 25 (lost).
  Deal(&ws, "d1", 1500, Date(2025, 1, 3), true, true, Date(2025, 1, 20), "m");
  Deal(&ws, "d2", 500, Date(2025, 1, 3), true, true, Date(2025, 1, 25), "x");
  Deal(&ws, "d3", 50, Date(2025, 1, 4), false, false, kNoTime, "", "webinar");
  Deal(&ws, "d4", 25, Date(2025, 1, 4), false, true, Date(2025, 1, 9));
  ASSERT_TRUE(ws.Freeze().ok());
  ScorecardConfig c = Config(R"([scorecard]
period = "month"
[[scorecard.kpi]]
name = "Spend"
metric = "spend.total"
target = 1000
lower_is_better = true
[[scorecard.kpi]]
name = "CAC"
metric = "spend.cac"
target = 500
lower_is_better = true
[[scorecard.kpi]]
name = "ROI"
metric = "spend.roi"
target = 1
[[scorecard.kpi]]
name = "Marketing pipeline"
metric = "deals.pipeline_amount:side=marketing"
target = 1550
[[scorecard.kpi]]
name = "Sales pipeline"
metric = "deals.pipeline_amount:side=sales"
target = 600
[[scorecard.kpi]]
name = "Won"
metric = "deals.won_amount"
target = 2000
[[scorecard.kpi]]
name = "Win rate"
metric = "deals.win_rate"
target = 0.5
)");
  Table tab = ValueOf(Scorecard(ws, c));
  ASSERT_EQ(tab.num_rows(), 14u);
  ExpectKpi(tab, 0, "Spend", "spend.total", 1000,
            {{"2025-01", 1000, 1, kNull, kNull, "on_track"},
             {"2025-02", 500, 0.5, 1000, -500, "on_track"}});
  // January: 1000 / 2 won deals closed = 500; February: no win -> null.
  ExpectKpi(tab, 2, "CAC", "spend.cac", 500,
            {{"2025-01", 500, 1, kNull, kNull, "on_track"},
             {"2025-02", kNull, kNull, 500, kNull, kNull}});
  // January: (2000 - 1000) / 1000 = 1; February: (0 - 500) / 500 = -1.
  ExpectKpi(tab, 4, "ROI", "spend.roi", 1,
            {{"2025-01", 1, 1, kNull, kNull, "on_track"},
             {"2025-02", -1, -1, 1, -2, "off_track"}});
  // Marketing: d1 (m's first touch) + d3 (no person, source set) = 1550.
  ExpectKpi(tab, 6, "Marketing pipeline", "deals.pipeline_amount:side=marketing", 1550,
            {{"2025-01", 1550, 1, kNull, kNull, "on_track"},
             {"2025-02", 0, 0, 1550, -1550, "off_track"}});
  // Sales: d2 + d4 = 525 (525 < 540 = 0.9 * 600: off_track).
  ExpectKpi(tab, 8, "Sales pipeline", "deals.pipeline_amount:side=sales", 600,
            {{"2025-01", 525, 0.875, kNull, kNull, "off_track"},
             {"2025-02", 0, 0, 525, -525, "off_track"}});
  ExpectKpi(tab, 10, "Won", "deals.won_amount", 2000,
            {{"2025-01", 2000, 1, kNull, kNull, "on_track"},
             {"2025-02", 0, 0, 2000, -2000, "off_track"}});
  // 2 won of 3 closed (the open d3 left out).
  ExpectKpi(tab, 12, "Win rate", "deals.win_rate", 0.5,
            {{"2025-01", 2.0 / 3, 4.0 / 3, kNull, kNull, "on_track"},
             {"2025-02", kNull, kNull, 2.0 / 3, kNull, kNull}});
}

TEST(Scorecard, StageErrorsListTheFunnel) {
  Workspace ws;
  Stage(&ws, "a", "mql", Date(2025, 1, 1));
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Table> t = Scorecard(ws, Config(R"([scorecard]
[[scorecard.kpi]]
name = "Leads"
metric = "funnel.rate:lead->sql"
target = 1
)"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "baton.toml:2: KPI \"Leads\": \"lead\" is not a funnel stage; funnel "
            "stages are inquiry, mql, sal, sql, opportunity, won");
  Result<Table> backwards = Scorecard(ws, Config(R"([scorecard]
[[scorecard.kpi]]
name = "Back"
metric = "funnel.rate:sql->mql"
target = 1
)"));
  ASSERT_FALSE(backwards.ok());
  EXPECT_NE(backwards.status().message().find("mql does not come after sql"),
            std::string::npos);
}

TEST(Scorecard, HandoffStageMustBeAFunnelStage) {
  Workspace ws;
  Stage(&ws, "a", "mql", Date(2025, 1, 1));
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Table> t = Scorecard(ws, Config(R"([scorecard]
handoff_stage = "lost"
[[scorecard.kpi]]
name = "SLA"
metric = "handoff.sla_rate"
target = 1
)"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message().rfind("baton.toml: [scorecard]: handoff.stage: \"lost\" is not a funnel stage", 0), 0u)
      << t.status().message();
}

TEST(Scorecard, EmptyWorkspaceHasNoPeriods) {
  Workspace ws;
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(Scorecard(ws, Config("[scorecard]\n[[scorecard.kpi]]\nname = \"x\"\n"
                                     "metric = \"spend.total\"\ntarget = 1\n")));
  EXPECT_EQ(t.num_rows(), 0u);
  EXPECT_EQ(t.warnings().size(), 1u);
}

}  // namespace
}  // namespace baton

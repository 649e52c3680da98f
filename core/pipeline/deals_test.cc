#include "pipeline/deals.h"

#include <gtest/gtest.h>

#include <optional>

namespace baton {
namespace {

constexpr int64_t kJan1 = 1704067200000;  // 2024-01-01T00:00:00Z

int64_t Days(double d) { return kJan1 + static_cast<int64_t>(d * kMillisPerDay); }

struct DealSpec {
  const char* id;
  const char* owner = "";
  double amount = 0;
  bool won = false, closed = false;
  int64_t created = kNoTime, closed_at = kNoTime;
  const char* person = "";
  const char* source = "";
};

void AddDeal(Workspace* ws, const DealSpec& s) {
  DealRow row;
  row.deal_id = s.id;
  row.owner = s.owner;
  row.amount = s.amount;
  row.is_won = s.won;
  row.is_closed = s.closed;
  row.created_at = s.created;
  row.closed_at = s.closed_at;
  row.person_id = s.person;
  row.source = s.source;
  ASSERT_TRUE(ws->AddDeal(row).ok());
}

Table ValueOf(Result<Table> t) {
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : Table();
}

struct Row {
  std::string key;
  int64_t deals, open, won, lost;
  std::optional<double> win_rate;
  double won_amount;
  std::optional<double> avg_won_amount, median_cycle_days;
  double pipeline_open_amount;
};

void ExpectRows(const Table& t, const std::vector<Row>& rows) {
  const char* names[] = {"key", "deals", "open", "won", "lost", "win_rate",
                         "won_amount", "avg_won_amount", "median_cycle_days",
                         "pipeline_open_amount"};
  ASSERT_EQ(t.num_columns(), 10u);
  for (size_t c = 0; c < 10; ++c) EXPECT_EQ(t.column(c).name, names[c]);
  ASSERT_EQ(t.num_rows(), rows.size());
  auto dbl = [&](size_t c, size_t r, std::optional<double> want) {
    ASSERT_EQ(t.column(c).type, ColumnType::kFloat64);
    if (!want) {
      EXPECT_TRUE(t.IsNull(c, r)) << names[c] << " row " << r << ": " << t.CellText(c, r);
    } else {
      ASSERT_FALSE(t.IsNull(c, r)) << names[c] << " row " << r;
      EXPECT_DOUBLE_EQ(t.column(c).doubles[r], *want) << names[c] << " row " << r;
    }
  };
  for (size_t r = 0; r < rows.size(); ++r) {
    const Row& w = rows[r];
    EXPECT_EQ(t.column(0).strings[r], w.key);
    EXPECT_EQ(t.column(1).ints[r], w.deals) << r;
    EXPECT_EQ(t.column(2).ints[r], w.open) << r;
    EXPECT_EQ(t.column(3).ints[r], w.won) << r;
    EXPECT_EQ(t.column(4).ints[r], w.lost) << r;
    dbl(5, r, w.win_rate);
    dbl(6, r, w.won_amount);
    dbl(7, r, w.avg_won_amount);
    dbl(8, r, w.median_cycle_days);
    dbl(9, r, w.pipeline_open_amount);
  }
}

// ann: won 100 (10 days), won 300 (20 days), lost 50 (4 days), open 1000.
// bob: open 200, lost 70 closed 3 days before it was created.
// no owner: won 10 without created_at.
void AddPipeline(Workspace* ws) {
  AddDeal(ws, {"d1", "ann", 100, true, true, Days(0), Days(10)});
  AddDeal(ws, {"d2", "ann", 300, true, true, Days(0), Days(20)});
  AddDeal(ws, {"d3", "ann", 50, false, true, Days(0), Days(4)});
  AddDeal(ws, {"d4", "ann", 1000, false, false, Days(0)});
  AddDeal(ws, {"d5", "bob", 200, false, false, Days(1)});
  AddDeal(ws, {"d6", "bob", 70, false, true, Days(5), Days(2)});
  AddDeal(ws, {"d7", "", 10, true, true, kNoTime, Days(3)});
}

TEST(Deals, EveryColumnByOwner) {
  Workspace ws;
  AddPipeline(&ws);
  ASSERT_TRUE(ws.Freeze().ok());
  DealsOptions o;
  o.by = "owner";
  Table t = ValueOf(Deals(ws, o));
  // ann: win rate 2/3; won 400, avg 200; cycles {10, 20, 4} -> median 10.
  // bob: win rate 0/1; no won deal (avg null); only a negative cycle (null).
  // (none): one won deal without created_at: no cycle.
  ExpectRows(t, {{"ann", 4, 1, 2, 1, 2.0 / 3, 400, 200.0, 10.0, 1000},
                 {"bob", 2, 1, 0, 1, 0.0, 0, std::nullopt, std::nullopt, 200},
                 {"(none)", 1, 0, 1, 0, 1.0, 10, 10.0, std::nullopt, 0}});
  ASSERT_EQ(t.warnings().size(), 1u);
  EXPECT_NE(t.warnings()[0].find("1 deal was closed before it was created"),
            std::string::npos);
}

TEST(Deals, WithoutByEverythingIsOneRow) {
  Workspace ws;
  AddPipeline(&ws);
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(Deals(ws, DealsOptions{}));
  // 7 deals: open d4, d5; won d1, d2, d7; lost d3, d6 -> 3/5.
  // Cycles 10, 20, 4 -> median 10. Won 410 / 3.
  ExpectRows(t, {{"all", 7, 2, 3, 2, 0.6, 410, 410.0 / 3, 10.0, 1200}});
}

TEST(Deals, MedianCycleOfAnEvenCountInterpolates) {
  Workspace ws;
  AddDeal(&ws, {"d1", "ann", 0, true, true, Days(0), Days(1)});
  AddDeal(&ws, {"d2", "ann", 0, false, true, Days(0), Days(2.5)});
  ASSERT_TRUE(ws.Freeze().ok());
  DealsOptions o;
  o.by = "owner";
  Table t = ValueOf(Deals(ws, o));
  // Cycles 1 and 2.5 days -> median 1.75.
  ExpectRows(t, {{"ann", 2, 0, 1, 1, 0.5, 0, 0.0, 1.75, 0}});
}

TEST(Deals, ByAttributeOfThePersonOrOfTheOwnerListedAsPerson) {
  Workspace ws;
  ASSERT_TRUE(ws.SetAttribute("ann", "region", "East").ok());
  ASSERT_TRUE(ws.SetAttribute("bob", "region", "West").ok());
  ASSERT_TRUE(ws.SetAttribute("p1", "region", "North").ok());
  // A deal of ann's without a person: East, through its owner.
  AddDeal(&ws, {"d1", "ann", 100, true, true, Days(0), Days(1)});
  // A deal with a person: the person's region wins over the owner's.
  AddDeal(&ws, {"d2", "bob", 40, false, false, Days(0), kNoTime, "p1"});
  // bob's own deal: West.
  AddDeal(&ws, {"d3", "bob", 60, false, true, Days(0), Days(3)});
  // An owner nobody listed: (none).
  AddDeal(&ws, {"d4", "carl", 5, false, false, Days(0)});
  ASSERT_TRUE(ws.Freeze().ok());
  DealsOptions o;
  o.by = "region";
  Table t = ValueOf(Deals(ws, o));
  ExpectRows(t, {{"East", 1, 0, 1, 0, 1.0, 100, 100.0, 1.0, 0},
                 {"North", 1, 1, 0, 0, std::nullopt, 0, std::nullopt, std::nullopt, 40},
                 {"West", 1, 0, 0, 1, 0.0, 0, std::nullopt, 3.0, 0},
                 {"(none)", 1, 1, 0, 0, std::nullopt, 0, std::nullopt, std::nullopt, 5}});

  // Without the owners-as-people rule, d1 and d3 have no region.
  o.owners_as_people = false;
  Table u = ValueOf(Deals(ws, o));
  ASSERT_EQ(u.num_rows(), 2u);
  EXPECT_EQ(u.column(0).strings[0], "North");
  EXPECT_EQ(u.column(0).strings[1], "(none)");
  EXPECT_EQ(u.column(1).ints[1], 3);
}

TEST(Deals, OptionsAndErrors) {
  Result<DealsOptions> o =
      ParseDealsOptions({{"deals.by", "source"}, {"funnel.by", "owner"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->by, "source");
  EXPECT_TRUE(o->owners_as_people);
  Result<DealsOptions> off = ParseDealsOptions({{"deals.owners_as_people", "false"}});
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->owners_as_people);
  Result<DealsOptions> bad = ParseDealsOptions({{"deals.group", "owner"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("deals.by"), std::string::npos);

  Workspace ws;
  ASSERT_TRUE(ws.SetAttribute("ann", "region", "East").ok());
  AddDeal(&ws, {"d1", "ann"});
  ASSERT_TRUE(ws.Freeze().ok());
  DealsOptions by;
  by.by = "industry";
  Result<Table> t = Deals(ws, by);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
  EXPECT_NE(t.status().message().find("owner, source, campaign or a people attribute: region"),
            std::string::npos);
}

TEST(Deals, BySourceAndCampaignUseTheDealsOwnFields) {
  Workspace ws;
  AddDeal(&ws, {"d1", "ann", 10, true, true, Days(0), Days(1), "", "webinar"});
  AddDeal(&ws, {"d2", "ann", 20, true, true, Days(0), Days(1), "", "ads"});
  AddDeal(&ws, {"d3", "ann", 30, true, true, Days(0), Days(1), "", "webinar"});
  ASSERT_TRUE(ws.Freeze().ok());
  DealsOptions o;
  o.by = "source";
  Table t = ValueOf(Deals(ws, o));
  ExpectRows(t, {{"ads", 1, 0, 1, 0, 1.0, 20, 20.0, 1.0, 0},
                 {"webinar", 2, 0, 2, 0, 1.0, 40, 20.0, 1.0, 0}});
  o.by = "campaign";
  Table c = ValueOf(Deals(ws, o));
  ExpectRows(c, {{"(none)", 3, 0, 3, 0, 1.0, 60, 20.0, 1.0, 0}});
}

TEST(Deals, EmptyWorkspaceWarns) {
  Workspace ws;
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(Deals(ws, DealsOptions{}));
  EXPECT_EQ(t.num_rows(), 0u);
  ASSERT_EQ(t.warnings().size(), 1u);
}

TEST(Deals, MarketingSourcedByFirstTouchElseBySource) {
  Workspace ws;
  TouchRow t;
  t.person_id = "m";
  t.at = Days(0);
  t.side = Side::kMarketing;
  ASSERT_TRUE(ws.AddTouch(t).ok());
  t.at = Days(-1);  // an earlier sales touch comes first for "s"
  t.person_id = "s";
  t.side = Side::kSales;
  ASSERT_TRUE(ws.AddTouch(t).ok());
  t.at = Days(1);
  t.side = Side::kMarketing;
  ASSERT_TRUE(ws.AddTouch(t).ok());
  AddDeal(&ws, {"d_m", "", 0, false, false, kNoTime, kNoTime, "m"});
  // A sales-first person: not marketing, even with a source on the deal.
  AddDeal(&ws, {"d_s", "", 0, false, false, kNoTime, kNoTime, "s", "webinar"});
  AddDeal(&ws, {"d_src", "", 0, false, false, kNoTime, kNoTime, "", "webinar"});
  AddDeal(&ws, {"d_none", "", 0, false, false, kNoTime, kNoTime, ""});
  // A person without touches: the deal's source decides.
  AddDeal(&ws, {"d_quiet", "", 0, false, false, kNoTime, kNoTime, "q", "event"});
  ASSERT_TRUE(ws.Freeze().ok());
  EXPECT_EQ(MarketingSourcedDeals(ws), (std::vector<uint8_t>{1, 0, 1, 0, 1}));
}

}  // namespace
}  // namespace baton

#include "spend/spend.h"

#include <gtest/gtest.h>

#include <optional>

namespace baton {
namespace {

constexpr int64_t kJan1 = 1704067200000;  // 2024-01-01T00:00:00Z

int64_t Days(double d) { return kJan1 + static_cast<int64_t>(d * kMillisPerDay); }

void Person(Workspace* ws, const char* id, const char* source = "") {
  PersonRow row;
  row.person_id = id;
  row.source = source;
  ASSERT_TRUE(ws->AddPerson(row).ok());
}

void Touch(Workspace* ws, const char* id, double day, const char* channel,
           Side side = Side::kMarketing, const char* campaign = "") {
  TouchRow row;
  row.person_id = id;
  row.at = Days(day);
  row.channel = channel;
  row.campaign = campaign;
  row.side = side;
  ASSERT_TRUE(ws->AddTouch(row).ok());
}

void Stage(Workspace* ws, const char* id, const char* stage, double day) {
  StageRow row;
  row.person_id = id;
  row.stage = ws->stage_map().CodeOf(stage);
  row.at = Days(day);
  ASSERT_TRUE(ws->AddStage(row).ok());
}

void WonDeal(Workspace* ws, const char* id, const char* person, double amount,
             double closed_day) {
  DealRow row;
  row.deal_id = id;
  row.person_id = person;
  row.amount = amount;
  row.is_won = true;
  row.is_closed = true;
  row.closed_at = Days(closed_day);
  ASSERT_TRUE(ws->AddDeal(row).ok());
}

void Spent(Workspace* ws, const char* channel, double amount, const char* campaign = "") {
  SpendRow row;
  row.channel = channel;
  row.campaign = campaign;
  row.period_start = Days(0);
  row.period_end = Days(30);
  row.amount = amount;
  ASSERT_TRUE(ws->AddSpend(row).ok());
}

Table ValueOf(Result<Table> t) {
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : Table();
}

using Opt = std::optional<double>;
constexpr std::nullopt_t kNull = std::nullopt;

struct Row {
  std::string key;
  double spend;
  int64_t people, mqls, sqls;
  double won_deals, revenue;
  Opt cost_per_lead, cost_per_mql, cost_per_sql, cac, roi;
};

void ExpectRows(const Table& t, const std::vector<Row>& rows) {
  const char* names[] = {"key",     "spend",         "people",       "mqls",
                         "sqls",    "won_deals",     "revenue",      "cost_per_lead",
                         "cost_per_mql", "cost_per_sql", "cac",      "roi"};
  ASSERT_EQ(t.num_columns(), 12u);
  for (size_t c = 0; c < 12; ++c) EXPECT_EQ(t.column(c).name, names[c]);
  ASSERT_EQ(t.num_rows(), rows.size());
  auto dbl = [&](size_t c, size_t r, Opt want) {
    ASSERT_EQ(t.column(c).type, ColumnType::kFloat64) << names[c];
    if (!want) {
      EXPECT_TRUE(t.IsNull(c, r)) << names[c] << " row " << r << ": " << t.CellText(c, r);
    } else {
      ASSERT_FALSE(t.IsNull(c, r)) << names[c] << " row " << r;
      EXPECT_DOUBLE_EQ(t.column(c).doubles[r], *want) << names[c] << " row " << r;
    }
  };
  for (size_t r = 0; r < rows.size(); ++r) {
    const Row& w = rows[r];
    EXPECT_EQ(t.column(0).strings[r], w.key) << r;
    dbl(1, r, w.spend);
    EXPECT_EQ(t.column(2).ints[r], w.people) << "people row " << r;
    EXPECT_EQ(t.column(3).ints[r], w.mqls) << "mqls row " << r;
    EXPECT_EQ(t.column(4).ints[r], w.sqls) << "sqls row " << r;
    dbl(5, r, w.won_deals);
    dbl(6, r, w.revenue);
    dbl(7, r, w.cost_per_lead);
    dbl(8, r, w.cost_per_mql);
    dbl(9, r, w.cost_per_sql);
    dbl(10, r, w.cac);
    dbl(11, r, w.roi);
  }
}

// ads: spend 600 + 400; events: spend 500 and nobody; seo and referral:
// people, no spend.
void BuildChannels(Workspace* ws) {
  Spent(ws, "ads", 600);
  Spent(ws, "ads", 400);
  Spent(ws, "events", 500);
  // p1: a sales call first, then an ads click: sourced by ads (the first
  // marketing touch). mql, sql, won with a 2000 deal.
  Person(ws, "p1");
  Touch(ws, "p1", 0, "call", Side::kSales);
  Touch(ws, "p1", 1, "ads");
  Stage(ws, "p1", "mql", 2);
  Stage(ws, "p1", "sql", 3);
  Stage(ws, "p1", "won", 10);
  WonDeal(ws, "d1", "p1", 2000, 10);
  // p2: ads, then sal (skipping mql: counts as an MQL, not an SQL).
  Person(ws, "p2");
  Touch(ws, "p2", 1, "ads");
  Stage(ws, "p2", "sal", 2);
  // p3: seo, mql.
  Person(ws, "p3");
  Touch(ws, "p3", 1, "seo");
  Stage(ws, "p3", "mql", 2);
  // p4: no touches, source referral, a won deal of 500 (no touch to credit).
  Person(ws, "p4", "referral");
  WonDeal(ws, "d2", "p4", 500, 5);
  // p5: nothing at all.
  Person(ws, "p5");
}

TEST(Spend, FirstTouchEveryColumnWithNullsNotInfinities) {
  Workspace ws;
  BuildChannels(&ws);
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(Spend(ws, SpendOptions{}));
  // ads: 1000 / 2 people = 500 per lead and per MQL, 1000 per SQL; one
  //   customer (p1) -> CAC 1000; revenue 2000 -> ROI (2000-1000)/1000 = 1.
  // events: 500 and nobody: per-person costs null; ROI (0-500)/500 = -1.
  // referral: p4, won through a deal but no touch to credit: revenue 0;
  //   costs 0 / n = 0; ROI null (no spend).
  // seo: p3, an MQL; spend 0.
  // (none): p5.
  ExpectRows(t, {{"ads", 1000, 2, 2, 1, 1, 2000, 500.0, 500.0, 1000.0, 1000.0, 1.0},
                 {"events", 500, 0, 0, 0, 0, 0, kNull, kNull, kNull, kNull, -1.0},
                 {"referral", 0, 1, 0, 0, 1, 0, 0.0, kNull, kNull, 0.0, kNull},
                 {"seo", 0, 1, 1, 0, 0, 0, 0.0, 0.0, kNull, kNull, kNull},
                 {"(none)", 0, 1, 0, 0, 0, 0, 0.0, kNull, kNull, kNull, kNull}});
  // Attribution's note on p4's uncredited conversion is passed on.
  bool noted = false;
  for (const std::string& w : t.warnings())
    noted = noted || w.find("revenue attribution: 1 conversions had no touches") == 0;
  EXPECT_TRUE(noted);
}

TEST(Spend, OtherModelsTakeCustomersFromAttribution) {
  Workspace ws;
  Spent(&ws, "ads", 100);
  Spent(&ws, "seo", 100);
  Person(&ws, "p1");
  Touch(&ws, "p1", 1, "ads");
  Touch(&ws, "p1", 2, "seo");
  WonDeal(&ws, "d1", "p1", 1000, 5);
  ASSERT_TRUE(ws.Freeze().ok());
  SpendOptions o;
  o.model = "linear";
  Table t = ValueOf(Spend(ws, o));
  // Linear: half a customer and 500 of revenue each. CAC 100 / 0.5 = 200;
  // ROI (500 - 100) / 100 = 4. p1 is sourced by ads (first touch); seo has
  // no people, so its per-person costs are null.
  ExpectRows(t, {{"ads", 100, 1, 0, 0, 0.5, 500, 100.0, kNull, kNull, 200.0, 4.0},
                 {"seo", 100, 0, 0, 0, 0.5, 500, kNull, kNull, kNull, 200.0, 4.0}});

  // First touch: the whole customer and revenue to ads.
  Table f = ValueOf(Spend(ws, SpendOptions{}));
  ExpectRows(f, {{"ads", 100, 1, 0, 0, 1, 1000, 100.0, kNull, kNull, 100.0, 9.0},
                 {"seo", 100, 0, 0, 0, 0, 0, kNull, kNull, kNull, kNull, -1.0}});
}

TEST(Spend, ByCampaignPutsChannelLevelSpendInNone) {
  Workspace ws;
  Spent(&ws, "ads", 300, "spring");
  Spent(&ws, "ads", 100);  // no campaign
  Person(&ws, "p1", "ads");
  Touch(&ws, "p1", 1, "ads", Side::kMarketing, "spring");
  Person(&ws, "p2", "ads");  // no touches: "(none)" by campaign
  ASSERT_TRUE(ws.Freeze().ok());
  SpendOptions o;
  o.by = "campaign";
  Table t = ValueOf(Spend(ws, o));
  ExpectRows(t, {{"spring", 300, 1, 0, 0, 0, 0, 300.0, kNull, kNull, kNull, -1.0},
                 {"(none)", 100, 1, 0, 0, 0, 0, 100.0, kNull, kNull, kNull, -1.0}});
}

TEST(Spend, TiesInSpendSortByName) {
  Workspace ws;
  Spent(&ws, "b", 10);
  Spent(&ws, "a", 10);
  Spent(&ws, "c", 20);
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(Spend(ws, SpendOptions{}));
  ASSERT_EQ(t.num_rows(), 3u);
  EXPECT_EQ(t.column(0).strings[0], "c");
  EXPECT_EQ(t.column(0).strings[1], "a");
  EXPECT_EQ(t.column(0).strings[2], "b");
}

TEST(Spend, OptionErrorsSayWhatIsValid) {
  Result<SpendOptions> o =
      ParseSpendOptions({{"spend.by", "Campaign"}, {"spend.model", "U_Shaped"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->by, "campaign");
  EXPECT_EQ(o->model, "u_shaped");
  Result<SpendOptions> by = ParseSpendOptions({{"spend.by", "source"}});
  ASSERT_FALSE(by.ok());
  EXPECT_NE(by.status().message().find("channel or campaign"), std::string::npos);
  Result<SpendOptions> model = ParseSpendOptions({{"spend.model", "all"}});
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("first, last"), std::string::npos);
  Result<SpendOptions> key = ParseSpendOptions({{"spend.period", "q1"}});
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("spend.by, spend.model"), std::string::npos);

  Workspace ws;
  ASSERT_TRUE(ws.Freeze().ok());
  SpendOptions bad;
  bad.model = "magic";
  EXPECT_EQ(Spend(ws, bad).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace baton

#include "scoring/scoring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/olist_test_support.h"
#include "scoring/logistic.h"

namespace baton {
namespace {

constexpr int64_t kJan1 = 1704067200000;  // 2024-01-01T00:00:00Z
constexpr double kTenYears = 3650;

int64_t Day(double d) { return kJan1 + static_cast<int64_t>(d * kMillisPerDay); }

void Person(Workspace* ws, const std::string& id, const char* source,
            int64_t created = kNoTime) {
  PersonRow row;
  row.person_id = id;
  row.source = source;
  row.created_at = created;
  ASSERT_TRUE(ws->AddPerson(row).ok());
}

void Stage(Workspace* ws, const std::string& id, const char* stage, int64_t at) {
  StageRow row;
  row.person_id = id;
  row.stage = ws->stage_map().CodeOf(stage);
  ASSERT_GE(row.stage, 0) << stage;
  row.at = at;
  ASSERT_TRUE(ws->AddStage(row).ok());
}

void Touch(Workspace* ws, const std::string& id, int64_t at,
           const char* channel = "email", const char* campaign = "",
           const char* activity = "open") {
  TouchRow row;
  row.person_id = id;
  row.at = at;
  row.channel = channel;
  row.campaign = campaign;
  row.activity = activity;
  ASSERT_TRUE(ws->AddTouch(row).ok());
}

int Feature(const ScoringRows& rows, const std::string& name) {
  for (size_t j = 0; j < rows.feature_names.size(); ++j)
    if (rows.feature_names[j] == name) return static_cast<int>(j);
  return -1;
}

double Metric(const Table& summary, const std::string& name) {
  for (size_t r = 0; r < summary.num_rows(); ++r)
    if (summary.column(0).strings[r] == name) return summary.column(1).doubles[r];
  ADD_FAILURE() << "no metric " << name;
  return std::nan("");
}

bool HasWarning(const Table& t, const std::string& part) {
  for (const std::string& w : t.warnings())
    if (w.find(part) != std::string::npos) return true;
  return false;
}

// 40 leads handed off (mql) every 5 days from day 10. Even leads reach sql 20
// days later. Touches before the hand-off: 1 (every lead), +1 for even
// leads, +1 for every 7th; each lead also has touches after the hand-off
// and odd leads are recycled 30 days after it. `shift_after` moves every
// touch and non-sql stage after the hand-off by ten years; `shift_label`
// moves the sql entries too. A lead with no hand-off touched on day 400
// makes every 90-day window end inside the data.
void BuildLeads(Workspace* ws, bool shift_after, bool shift_label) {
  const double later = shift_after ? kTenYears : 0;
  for (int i = 0; i < 40; ++i) {
    std::string id = "p" + std::to_string(i);
    const double mql = 10 + 5 * i;
    Person(ws, id, i % 3 == 0 ? "referral" : "web", Day(mql - 40));
    Stage(ws, id, "mql", Day(mql));
    if (i % 2 == 0) Stage(ws, id, "sql", Day(mql + 20 + (shift_label ? kTenYears : 0)));
    if (i % 2 == 1) Stage(ws, id, "recycled", Day(mql + 30 + later));
    Touch(ws, id, Day(mql - 1), "email", i % 4 == 0 ? "spring" : "");
    if (i % 2 == 0) Touch(ws, id, Day(mql - 3), "webinar", "", "attend");
    if (i % 7 == 0) Touch(ws, id, Day(mql - 20), "webinar", "", "attend");
    Touch(ws, id, Day(mql + 2 + later), "call", "", "dial");
    Touch(ws, id, Day(mql + 10 + later), "webinar", "", "attend");
  }
  Person(ws, "late", "web");
  Touch(ws, "late", Day(400));
  ASSERT_TRUE(ws->Freeze().ok());
}

TEST(ScoringOptions, ParsesEveryKey) {
  auto o = ParseScoringOptions({{"scoring.as_of", "created"},
                                {"scoring.label", "Won"},
                                {"scoring.within", "60d"},
                                {"scoring.l2", "0.5"},
                                {"scoring.class_weight", "balanced"},
                                {"scoring.test_after", "2024-06-01"},
                                {"scoring.capacity", "200/week"},
                                {"scoring.features", "source = web, touches *"},
                                {"funnel.by", "ignored"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->as_of, "created");
  EXPECT_EQ(o->label, "won");
  EXPECT_EQ(o->within_ms, 60 * kMillisPerDay);
  EXPECT_EQ(o->l2, 0.5);
  EXPECT_TRUE(o->class_weight);
  EXPECT_EQ(o->test_after, Day(152));  // 2024 is a leap year: Jun 1 = day 152
  EXPECT_EQ(o->capacity_per_week, 200);
  ASSERT_EQ(o->features.size(), 2u);
  EXPECT_EQ(o->features[1], "touches *");
}

TEST(ScoringOptions, UnknownKeysAreListed) {
  auto o = ParseScoringOptions({{"scoring.foo", "1"}, {"scoring.bar", "2"}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(o.status().message().find("scoring.bar, scoring.foo"), std::string::npos);
  EXPECT_NE(o.status().message().find("scoring.capacity"), std::string::npos);
  EXPECT_FALSE(ParseScoringOptions({{"scoring.l2", "-1"}}).ok());
  EXPECT_FALSE(ParseScoringOptions({{"scoring.capacity", "lots"}}).ok());
}

TEST(ScoringRows, PointLabelAndWindowFollowTheDefinitions) {
  Workspace ws;
  // a: mql day 10, sql day 50 (40 days later, within 90) -> 1.
  Stage(&ws, "a", "mql", Day(10));
  Stage(&ws, "a", "sql", Day(50));
  // b: mql day 10, sql day 150 (140 days later) -> 0.
  Stage(&ws, "b", "mql", Day(10));
  Stage(&ws, "b", "sql", Day(150));
  // c: sql before mql -> past the label, not scored.
  Stage(&ws, "c", "sql", Day(5));
  Stage(&ws, "c", "mql", Day(10));
  // d: no mql -> not scored.
  Stage(&ws, "d", "inquiry", Day(10));
  // e: mql day 180; 180 + 90 > 200 (the newest time) -> label unknown.
  Stage(&ws, "e", "mql", Day(180));
  Touch(&ws, "d", Day(200));
  ASSERT_TRUE(ws.Freeze().ok());
  auto rows = BuildScoringRows(ws, ScoringOptions());
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->person.size(), 3u);
  EXPECT_EQ(ws.person_ids().Get(rows->person[0]), "a");
  EXPECT_EQ(rows->label[0], 1);
  EXPECT_EQ(rows->point[0], Day(10));
  EXPECT_EQ(ws.person_ids().Get(rows->person[1]), "b");
  EXPECT_EQ(rows->label[1], 0);
  EXPECT_EQ(ws.person_ids().Get(rows->person[2]), "e");
  EXPECT_EQ(rows->label[2], -1);
  EXPECT_EQ(rows->past_label, 1);
}

TEST(ScoringRows, TouchFeaturesCountOnlyThePast) {
  Workspace ws;
  Person(&ws, "a", "web", Day(0));
  Stage(&ws, "a", "mql", Day(100));
  Touch(&ws, "a", Day(99));   // 1 day before: in 7d, 30d, 90d
  Touch(&ws, "a", Day(90));   // 10 days: in 30d, 90d
  Touch(&ws, "a", Day(40), "ads");  // 60 days: in 90d only
  Touch(&ws, "a", Day(101));  // after the point: ignored
  Person(&ws, "b", "web");
  Stage(&ws, "b", "mql", Day(100));
  ASSERT_TRUE(ws.Freeze().ok());
  auto rows = BuildScoringRows(ws, ScoringOptions());
  ASSERT_TRUE(rows.ok());
  const auto& a = rows->x[0];
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "touches email last 7d")], std::log1p(1));
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "touches email last 30d")], std::log1p(2));
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "touches email last 90d")], std::log1p(2));
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "touches ads last 30d")], 0);
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "touches ads last 90d")], std::log1p(1));
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "activity open last 90d")], std::log1p(3));
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "days since first touch")], 60);
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "days since last touch")], 1);
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "distinct channels")], 2);
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "days since created")], 100);
  EXPECT_DOUBLE_EQ(a[Feature(*rows, "no touches")], 0);
  // b has no touches; Freeze() sets its created_at to its first record,
  // the mql row itself, so it was created 0 days before its point.
  const auto& b = rows->x[1];
  EXPECT_DOUBLE_EQ(b[Feature(*rows, "no touches")], 1);
  EXPECT_DOUBLE_EQ(b[Feature(*rows, "days since last touch")], 0);
  EXPECT_DOUBLE_EQ(b[Feature(*rows, "days since created")], 0);
  EXPECT_DOUBLE_EQ(b[Feature(*rows, "created unknown")], 0);
}

TEST(ScoringRows, RareLevelsArePooledIntoOther) {
  // 30 scored people: web 20, referral 9, event 1. The threshold is
  // max(10, 1% of 30) = 10, so referral and event become "other".
  Workspace ws;
  for (int i = 0; i < 30; ++i) {
    std::string id = "p" + std::to_string(i);
    Person(&ws, id, i < 20 ? "web" : i < 29 ? "referral" : "event");
    Stage(&ws, id, "mql", Day(i));
  }
  ASSERT_TRUE(ws.Freeze().ok());
  auto rows = BuildScoringRows(ws, ScoringOptions());
  ASSERT_TRUE(rows.ok());
  EXPECT_GE(Feature(*rows, "source = web"), 0);
  EXPECT_EQ(Feature(*rows, "source = referral"), -1);
  EXPECT_EQ(Feature(*rows, "source = event"), -1);
  int other = Feature(*rows, "source = other");
  ASSERT_GE(other, 0);
  double pooled = 0;
  for (const auto& x : rows->x) pooled += x[other];
  EXPECT_EQ(pooled, 10);  // 9 referral + 1 event
  EXPECT_FALSE(rows->notes.empty());
}

TEST(Score, FitsEvaluatesAndExplains) {
  Workspace ws;
  BuildLeads(&ws, false, false);
  ScoringOptions o;
  o.capacity_per_week = 1;
  auto r = Score(ws, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // 40 scored, all windows closed; newest 20% = the last 8 by hand-off time.
  EXPECT_EQ(Metric(r->summary, "scored"), 40);
  EXPECT_EQ(Metric(r->summary, "window_open"), 0);
  EXPECT_EQ(Metric(r->summary, "train_rows"), 32);
  EXPECT_EQ(Metric(r->summary, "test_rows"), 8);
  EXPECT_EQ(Metric(r->summary, "train_positives"), 16);
  EXPECT_EQ(Metric(r->summary, "test_positives"), 4);
  EXPECT_LT(Metric(r->summary, "gradient_norm"), 1e-8);
  // Every even lead has a webinar touch before the hand-off and no odd lead
  // has one except every 7th (7, 21, 35): positives stand out, so AUC is
  // high.
  EXPECT_GT(Metric(r->summary, "auc"), 0.8);
  EXPECT_EQ(r->scores.num_rows(), 40u);
  EXPECT_EQ(r->coefficients.column(0).strings[0], "(intercept)");
  EXPECT_DOUBLE_EQ(r->coefficients.column(2).doubles[1],
                   std::exp(r->coefficients.column(1).doubles[1]));
  // Calibration counts add up to the test rows; lift has 10 deciles of
  // which the counts sum to 8 too.
  int64_t cal = 0;
  for (int64_t c : r->calibration.column(3).ints) cal += c;
  EXPECT_EQ(cal, 8);
  ASSERT_EQ(r->lift.num_rows(), 10u);
  int64_t lifted = 0;
  for (int64_t c : r->lift.column(1).ints) lifted += c;
  EXPECT_EQ(lifted, 8);
  // Threshold: test hand-offs on days 170..205 (35 days = 5 weeks); all 8
  // handed off = 1.6 per week at the test base rate 4/8.
  ASSERT_EQ(r->threshold.num_rows(), 2u);
  EXPECT_DOUBLE_EQ(r->threshold.column(2).doubles[0], 8.0 / 5.0);
  EXPECT_DOUBLE_EQ(r->threshold.column(3).doubles[0], 0.5);
  // Capacity 1/week over 5 weeks: the top 5 (ties at the cut-off included).
  EXPECT_GE(r->threshold.column(2).doubles[1], 1.0);
}

TEST(Score, ExplanationIsCoefficientTimesStandardisedValue) {
  // Only "touches webinar last 7d": log1p(1) for the 16 even training leads
  // (webinar 3 days before), 0 for the 16 odd ones, so mean = sd = log1p(1)/2
  // and the standardised value is +1 (even) or -1 (odd). The contribution
  // of an even lead is +coefficient, of an odd one -coefficient.
  Workspace ws;
  BuildLeads(&ws, false, false);
  ScoringOptions o;
  o.features = {"touches webinar last 7d"};
  auto r = Score(ws, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->coefficients.num_rows(), 2u);
  const double w = r->coefficients.column(1).doubles[1];
  char even[64], odd[64];
  std::snprintf(even, sizeof even, "touches webinar last 7d (%+.2f)", w);
  std::snprintf(odd, sizeof odd, "touches webinar last 7d (%+.2f)", -w);
  EXPECT_EQ(r->scores.column(0).strings[2], "p2");
  EXPECT_EQ(r->scores.column(3).strings[2], even);
  EXPECT_EQ(r->scores.column(3).strings[3], odd);
  EXPECT_EQ(r->scores.column(4).strings[2], "");
  // The feature separates the labels exactly: flagged.
  EXPECT_TRUE(HasWarning(r->summary, "separable"));
  EXPECT_GT(w, 0);
  // Score = sigmoid(intercept + w * z).
  const double b = r->coefficients.column(1).doubles[0];
  EXPECT_NEAR(r->scores.column(1).doubles[2], 1 / (1 + std::exp(-(b + w))), 1e-15);
}

TEST(ScoringRows, WonDealsCountForTheWonLabel) {
  Workspace ws;
  // a: won deal closed 30 days after the mql -> 1. b: won deal without
  // closed_at, created 200 days after -> outside 90 days -> 0. c: lost deal
  // only -> 0.
  for (const char* id : {"a", "b", "c"}) Stage(&ws, id, "mql", Day(10));
  auto deal = [&](const char* id, const char* person, int64_t created,
                  int64_t closed, bool won) {
    DealRow row;
    row.deal_id = id;
    row.person_id = person;
    row.created_at = created;
    row.closed_at = closed;
    row.is_won = won;
    row.is_closed = true;
    ASSERT_TRUE(ws.AddDeal(row).ok());
  };
  deal("d1", "a", Day(20), Day(40), true);
  deal("d2", "b", Day(210), kNoTime, true);
  deal("d3", "c", Day(20), Day(40), false);
  ASSERT_TRUE(ws.Freeze().ok());
  ScoringOptions o;
  o.label = "won";
  auto rows = BuildScoringRows(ws, o);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->label.size(), 3u);
  EXPECT_EQ(rows->label[0], 1);
  EXPECT_EQ(rows->label[1], 0);
  EXPECT_EQ(rows->label[2], 0);
  // With label sql, no one converted.
  auto sql = BuildScoringRows(ws, ScoringOptions());
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->label, (std::vector<int>{0, 0, 0}));
}

TEST(ScoringRows, CreatedAndFixedDatePoints) {
  Workspace ws;
  Person(&ws, "a", "web", Day(5));
  Person(&ws, "b", "web", Day(50));
  Touch(&ws, "a", Day(300));
  ASSERT_TRUE(ws.Freeze().ok());
  ScoringOptions o;
  o.as_of = "created";
  auto created = BuildScoringRows(ws, o);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->point, (std::vector<int64_t>{Day(5), Day(50)}));
  // A fixed date scores only who existed then: a (created day 5), not b.
  o.as_of = "2024-01-21";  // day 20
  auto fixed = BuildScoringRows(ws, o);
  ASSERT_TRUE(fixed.ok());
  ASSERT_EQ(fixed->person.size(), 1u);
  EXPECT_EQ(fixed->point[0], Day(20));
  EXPECT_DOUBLE_EQ(fixed->x[0][Feature(*fixed, "days since created")], 15);
  o.as_of = "yesterday";
  auto bad = BuildScoringRows(ws, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("created"), std::string::npos);
  o.as_of = "mql";
  o.label = "lost";  // an exit, not a funnel stage
  EXPECT_FALSE(BuildScoringRows(ws, o).ok());
}

TEST(Score, ThresholdAndLiftOnASingleFeature) {
  // As in the explanation test: one feature, +1 for even leads (all sql),
  // -1 for odd ones (none). Test rows: leads 32..39, hand-offs on days
  // 170..205, a 35-day span = 5 weeks; 4 evens share the high score.
  Workspace ws;
  BuildLeads(&ws, false, false);
  ScoringOptions o;
  o.features = {"touches webinar last 7*"};  // a prefix: the 7d feature only
  o.capacity_per_week = 0.8;          // 0.8 * 5 weeks = the top 4
  auto r = Score(ws, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Table& t = r->threshold;
  ASSERT_EQ(t.num_rows(), 2u);
  EXPECT_EQ(t.column(0).strings[0], "all handed off");
  EXPECT_TRUE(t.IsNull(1, 0));
  EXPECT_DOUBLE_EQ(t.column(2).doubles[0], 8.0 / 5);
  EXPECT_DOUBLE_EQ(t.column(3).doubles[0], 0.5);
  EXPECT_EQ(t.column(0).strings[1], "score >= cutoff");
  EXPECT_DOUBLE_EQ(t.column(2).doubles[1], 4.0 / 5);
  EXPECT_DOUBLE_EQ(t.column(3).doubles[1], 1.0);
  // The cut-off is the evens' score, which is also their predicted rate.
  EXPECT_DOUBLE_EQ(t.column(1).doubles[1], r->scores.column(1).doubles[32]);
  EXPECT_DOUBLE_EQ(t.column(4).doubles[1], r->scores.column(1).doubles[32]);
  // Lift: decile k holds rows [8k/10, 8(k+1)/10): counts 0,1,1,1,1,0,1,1,1,1.
  // The 4 evens fill deciles 2-5: rate 1, lift 1 / 0.5 = 2; the rest 0.
  const Table& l = r->lift;
  std::vector<int64_t> counts(l.column(1).ints.begin(), l.column(1).ints.end());
  EXPECT_EQ(counts, (std::vector<int64_t>{0, 1, 1, 1, 1, 0, 1, 1, 1, 1}));
  EXPECT_TRUE(l.IsNull(4, 0));
  for (size_t d : {1, 2, 3, 4}) EXPECT_DOUBLE_EQ(l.column(4).doubles[d], 2.0);
  for (size_t d : {6, 7, 8, 9}) EXPECT_DOUBLE_EQ(l.column(4).doubles[d], 0.0);
  // Calibration: the evens' bin observes 1, the odds' bin 0, 4 rows each.
  const double even = r->scores.column(1).doubles[32];
  const double odd = r->scores.column(1).doubles[33];
  const Table& c = r->calibration;
  const size_t eb = std::min(9, static_cast<int>(even * 10));
  const size_t ob = std::min(9, static_cast<int>(odd * 10));
  ASSERT_NE(eb, ob);
  EXPECT_EQ(c.column(3).ints[eb], 4);
  EXPECT_DOUBLE_EQ(c.column(2).doubles[eb], 1.0);
  EXPECT_DOUBLE_EQ(c.column(1).doubles[eb], even);
  EXPECT_EQ(c.column(3).ints[ob], 4);
  EXPECT_DOUBLE_EQ(c.column(2).doubles[ob], 0.0);
}

TEST(Score, UnknownFeatureNameIsAnError) {
  Workspace ws;
  BuildLeads(&ws, false, false);
  ScoringOptions o;
  o.features = {"source = web", "touches fax last 7d"};
  auto r = Score(ws, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("\"touches fax last 7d\" matches no feature"),
            std::string::npos)
      << r.status().message();
}

TEST(Score, LaterEventsDoNotChangeScores) {
  // Moving every touch and non-label stage after each hand-off ten years
  // ahead leaves labels, split and features alone, so the scores must be
  // bit-for-bit equal.
  Workspace base, shifted;
  BuildLeads(&base, false, false);
  BuildLeads(&shifted, true, false);
  auto a = Score(base, ScoringOptions());
  auto b = Score(shifted, ScoringOptions());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->scores.num_rows(), b->scores.num_rows());
  for (size_t r = 0; r < a->scores.num_rows(); ++r) {
    EXPECT_EQ(a->scores.column(1).doubles[r], b->scores.column(1).doubles[r]);
    EXPECT_EQ(a->scores.column(3).strings[r], b->scores.column(3).strings[r]);
  }
  // Moving the label stage too changes labels but not a single feature.
  Workspace moved;
  BuildLeads(&moved, true, true);
  auto ra = BuildScoringRows(base, ScoringOptions());
  auto rb = BuildScoringRows(moved, ScoringOptions());
  ASSERT_TRUE(ra.ok() && rb.ok());
  EXPECT_EQ(ra->feature_names, rb->feature_names);
  EXPECT_EQ(ra->x, rb->x);
}

TEST(Score, ConstantFeatureIsDroppedWithAWarning) {
  Workspace ws;
  BuildLeads(&ws, false, false);
  auto r = Score(ws, ScoringOptions());
  ASSERT_TRUE(r.ok());
  // No lead has a campaign-less "(none)"... every lead's first campaign is
  // "spring" or "(none)", both held by >= 10; but "no touches" is 0 for all
  // (every lead has an email touch the day before): dropped.
  EXPECT_TRUE(HasWarning(r->summary, "no touches")) ;
  for (const std::string& f : r->coefficients.column(0).strings)
    EXPECT_NE(f, "no touches");
}

TEST(Score, SeparableDataWarnAndStayFinite) {
  Workspace ws;
  for (int i = 0; i < 30; ++i) {
    std::string id = "p" + std::to_string(i);
    Stage(&ws, id, "mql", Day(10 + i));
    Touch(&ws, id, Day(9 + i), i % 2 ? "email" : "webinar");
    if (i % 2 == 0) Stage(&ws, id, "sql", Day(20 + i));
  }
  Touch(&ws, "p0", Day(300));
  ASSERT_TRUE(ws.Freeze().ok());
  auto r = Score(ws, ScoringOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(HasWarning(r->summary, "separable"));
  for (double c : r->coefficients.column(1).doubles) EXPECT_TRUE(std::isfinite(c));
  EXPECT_EQ(Metric(r->summary, "auc"), 1.0);
}

TEST(Score, NoPositivesIsAnError) {
  Workspace ws;
  for (int i = 0; i < 10; ++i) Stage(&ws, "p" + std::to_string(i), "mql", Day(i));
  Touch(&ws, "p0", Day(300));
  ASSERT_TRUE(ws.Freeze().ok());
  auto r = Score(ws, ScoringOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("no positives"), std::string::npos);
}

TEST(Score, PeopleWithoutTouchesAreScored) {
  Workspace ws;
  for (int i = 0; i < 20; ++i) {
    std::string id = "p" + std::to_string(i);
    Stage(&ws, id, "mql", Day(i));
    if (i % 2 == 0) Touch(&ws, id, Day(i));  // odd leads never touched
    if (i % 4 == 0 || i % 4 == 1) Stage(&ws, id, "sql", Day(i + 5));
  }
  Touch(&ws, "p0", Day(300));
  ASSERT_TRUE(ws.Freeze().ok());
  auto r = Score(ws, ScoringOptions());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->scores.num_rows(), 20u);
  for (size_t k = 0; k < 20; ++k) {
    double s = r->scores.column(1).doubles[k];
    EXPECT_TRUE(s > 0 && s < 1);
  }
}

// Olist's real funnel: 8,000 MQLs (first_contact_date, origin) and 842 won
// deals. Scored as of the MQL for "won within 90 days". Without touches the
// only varying features are the origin levels, and with a vanishing penalty
// the fitted probability of each level is its training conversion rate (the
// score equation of a one-hot column says sum over the level of (p - y) =
// -l2 w). Expected values from pandas on the same files, independently:
//   one deal won before its first contact -> past_label 1, 7,999 scored;
//   the newest time (2018-11-14) is > 90 days after every contact: none open;
//   split at the sorted labelled contacts[int(0.8 * 7999)] = 2018-04-24:
//   train 6,365 rows (555 won), test 1,634 (135 won);
//   rare levels (< max(10, 80)): other_publicities 65, (none) 60, joining
//   the literal "other": 9 origin features;
//   train rates: unknown 126/899, organic_search 179/1863, email 10/382;
//   test AUC of the per-level train rates (pairs counted, ties half)
//   0.61744125713438591.
TEST(Score, OlistLevelRatesMatchPandas) {
  Workspace ws;
  testing_support::LoadOlistFunnel(&ws);
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_TRUE(ws.Freeze().ok());
  ScoringOptions o;
  o.label = "won";
  o.l2 = 1e-6;
  auto r = Score(ws, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Metric(r->summary, "scored"), 7999);
  EXPECT_EQ(Metric(r->summary, "past_label"), 1);
  EXPECT_EQ(Metric(r->summary, "window_open"), 0);
  EXPECT_EQ(Metric(r->summary, "train_rows"), 6365);
  EXPECT_EQ(Metric(r->summary, "train_positives"), 555);
  EXPECT_EQ(Metric(r->summary, "test_rows"), 1634);
  EXPECT_EQ(Metric(r->summary, "test_positives"), 135);
  EXPECT_EQ(Metric(r->summary, "features"), 9);
  EXPECT_NEAR(Metric(r->summary, "auc"), 0.61744125713438591, 1e-12);
  auto rate_of = [&](const std::string& source) {
    uint32_t code = ws.labels().Find(source);
    for (size_t k = 0; k < r->scores.num_rows(); ++k) {
      uint32_t p = ws.person_ids().Find(r->scores.column(0).strings[k]);
      if (ws.people().source[p] == code) return r->scores.column(1).doubles[k];
    }
    ADD_FAILURE() << "no person with source " << source;
    return std::nan("");
  };
  EXPECT_NEAR(rate_of("unknown"), 126.0 / 899, 1e-5);
  EXPECT_NEAR(rate_of("organic_search"), 179.0 / 1863, 1e-5);
  EXPECT_NEAR(rate_of("email"), 10.0 / 382, 1e-5);
}


// ---- Cross-validation, design matrix and write-back ----

namespace more {

const Column& Col(const Table& t, const std::string& name) {
  int c = t.ColumnIndex(name);
  EXPECT_GE(c, 0) << name;
  return t.column(c < 0 ? 0 : static_cast<size_t>(c));
}

}  // namespace more

TEST(ScoringOptions, FoldsCrmAndPropertyParse) {
  auto o = ParseScoringOptions({{"scoring.folds", "5"},
                                {"scoring.crm", "HubSpot"},
                                {"scoring.property", "baton_score"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->folds, 5);
  EXPECT_EQ(o->crm, "hubspot");
  EXPECT_EQ(o->property, "baton_score");
  for (const char* bad : {"1", "2.5", "-3", "101", "five"}) {
    auto b = ParseScoringOptions({{"scoring.folds", bad}});
    ASSERT_FALSE(b.ok()) << bad;
    EXPECT_NE(b.status().message().find("scoring.folds"), std::string::npos);
  }
  EXPECT_TRUE(ParseScoringOptions({{"scoring.folds", "0"}}).ok());
  auto no_property = ParseScoringOptions({{"scoring.crm", "hubspot"}});
  ASSERT_FALSE(no_property.ok());
  EXPECT_NE(no_property.status().message().find("scoring.property"), std::string::npos);
  auto wrong_crm = ParseScoringOptions(
      {{"scoring.crm", "salesforce"}, {"scoring.property", "baton_score"}});
  ASSERT_FALSE(wrong_crm.ok());
  EXPECT_FALSE(ParseScoringOptions(
                   {{"scoring.crm", "hubspot"}, {"scoring.property", "Baton Score"}})
                   .ok());
  EXPECT_FALSE(ParseScoringOptions({{"scoring.crm", "pipedrive"}}).ok());
}

TEST(FoldOf, IsTheDocumentedHash) {
  // FNV-1a 64 of the bytes, fmix64, mod k, + 1; computed independently with
  // Python integers: "" -> 17280346270528514342, "a" -> 9413272369427828315,
  // "p0" -> 2896035438239678564.
  EXPECT_EQ(FoldOf("", 5), static_cast<int>(17280346270528514342ull % 5) + 1);  // 3
  EXPECT_EQ(FoldOf("a", 5), 1);
  EXPECT_EQ(FoldOf("p0", 5), 5);
  EXPECT_EQ(FoldOf("p3", 5), 1);
  EXPECT_EQ(FoldOf("anything", 1), 1);
}

TEST(Score, FoldsRefitWithoutEachFoldAndJudgeOnIt) {
  // One feature, "touches webinar last 7d": log1p(1) for the 20 even leads
  // (all reach sql), 0 for the 20 odd ones (none do). With 3 folds the
  // documented hash puts 14, 13, 13 leads in folds 1..3 with 4, 10, 6 evens
  // (Python, as in FoldOf's test). Each fold is perfectly separated, so its
  // AUC is 1. Its log loss is that of a fit on the other folds: with q the
  // share of evens there, an even's standardised value is sqrt((1-q)/q) and
  // an odd's -sqrt(q/(1-q)); refitting those rows gives the probabilities.
  Workspace ws;
  BuildLeads(&ws, false, false);
  ScoringOptions o;
  o.features = {"touches webinar last 7*"};
  o.folds = 3;
  auto r = Score(ws, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Table& t = r->folds;
  ASSERT_EQ(t.num_rows(), 5u);
  const int64_t size[3] = {14, 13, 13}, evens[3] = {4, 10, 6};
  for (int f = 0; f < 3; ++f) {
    EXPECT_EQ(more::Col(t, "fold").strings[f], std::to_string(f + 1));
    EXPECT_EQ(more::Col(t, "test_rows").ints[f], size[f]);
    EXPECT_EQ(more::Col(t, "train_rows").ints[f], 40 - size[f]);
    EXPECT_EQ(more::Col(t, "test_positives").ints[f], evens[f]);
    EXPECT_DOUBLE_EQ(more::Col(t, "auc").doubles[f], 1.0);
    const int64_t n_fit = 40 - size[f], e_fit = 20 - evens[f];
    const double q = static_cast<double>(e_fit) / n_fit;
    Eigen::MatrixXd x(n_fit, 1);
    Eigen::VectorXd y(n_fit);
    for (int64_t i = 0; i < n_fit; ++i) {
      y[i] = i < e_fit;
      x(i, 0) = i < e_fit ? std::sqrt((1 - q) / q) : -std::sqrt(q / (1 - q));
    }
    auto fit = FitLogistic(x, y, Eigen::VectorXd::Ones(n_fit), 1.0);
    ASSERT_TRUE(fit.ok());
    const double p_even = Sigmoid(fit->intercept + fit->coef[0] * std::sqrt((1 - q) / q));
    const double p_odd = Sigmoid(fit->intercept - fit->coef[0] * std::sqrt(q / (1 - q)));
    const double ll = -(evens[f] * std::log(p_even) +
                        (size[f] - evens[f]) * std::log(1 - p_odd)) / size[f];
    EXPECT_NEAR(more::Col(t, "log_loss").doubles[f], ll, 1e-12) << "fold " << f + 1;
    const double brier = (evens[f] * (1 - p_even) * (1 - p_even) +
                          (size[f] - evens[f]) * p_odd * p_odd) / size[f];
    EXPECT_NEAR(more::Col(t, "brier").doubles[f], brier, 1e-12);
  }
  EXPECT_EQ(more::Col(t, "fold").strings[3], "mean");
  EXPECT_EQ(more::Col(t, "fold").strings[4], "sd");
  EXPECT_TRUE(t.IsNull(t.ColumnIndex("test_rows"), 3));
  EXPECT_DOUBLE_EQ(more::Col(t, "auc").doubles[3], 1.0);
  EXPECT_DOUBLE_EQ(more::Col(t, "auc").doubles[4], 0.0);
  const auto& ll = more::Col(t, "log_loss").doubles;
  const double mean = (ll[0] + ll[1] + ll[2]) / 3;
  EXPECT_NEAR(ll[3], mean, 1e-15);
  EXPECT_NEAR(ll[4],
              std::sqrt(((ll[0] - mean) * (ll[0] - mean) + (ll[1] - mean) * (ll[1] - mean) +
                         (ll[2] - mean) * (ll[2] - mean)) / 3),
              1e-15);
  EXPECT_EQ(Metric(r->summary, "folds"), 3);
  EXPECT_DOUBLE_EQ(Metric(r->summary, "cv_auc_mean"), 1.0);
  EXPECT_DOUBLE_EQ(Metric(r->summary, "cv_log_loss_mean"), ll[3]);
  // The time-split evaluation is unchanged by cross-validation.
  ScoringOptions plain = o;
  plain.folds = 0;
  auto p = Score(ws, plain);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Metric(p->summary, "auc"), Metric(r->summary, "auc"));
  EXPECT_EQ(p->folds.num_rows(), 0u);
}

TEST(Score, DesignMatrixIsWhatTheModelWasFittedOn) {
  // The standardised training columns have mean 0 and (population) sd 1 for
  // numeric features, one-hot columns stay 0/1, and refitting the train rows
  // of the design gives the published coefficients.
  Workspace ws;
  BuildLeads(&ws, false, false);
  ScoringOptions o;
  EXPECT_EQ(Score(ws, o)->design.num_columns(), 0u);  // only when asked for
  o.design = true;
  auto r = Score(ws, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Table& d = r->design;
  ASSERT_EQ(d.num_rows(), 40u);  // every lead is labelled
  const size_t p = r->coefficients.num_rows() - 1;
  ASSERT_EQ(d.num_columns(), 5 + p);
  int train_rows = 0;
  for (size_t i = 0; i < 40; ++i) train_rows += more::Col(d, "set").strings[i] == "train";
  EXPECT_EQ(train_rows, 32);
  Eigen::MatrixXd x(32, p);
  Eigen::VectorXd y(32);
  for (size_t k = 0; k < p; ++k) {
    const Column& c = d.column(5 + k);
    EXPECT_EQ(c.name, r->coefficients.column(0).strings[k + 1]);
    double s = 0, ss = 0;
    for (size_t i = 0; i < 32; ++i) {
      x(i, k) = c.doubles[i];
      s += c.doubles[i];
      ss += c.doubles[i] * c.doubles[i];
    }
    const bool one_hot = c.name.find(" = ") != std::string::npos ||
                         c.name == "no touches" || c.name == "created unknown";
    if (!one_hot) {
      EXPECT_NEAR(s / 32, 0, 1e-12) << c.name;
      EXPECT_NEAR(ss / 32, 1, 1e-12) << c.name;
    }
  }
  for (size_t i = 0; i < 32; ++i) {
    y[i] = static_cast<double>(more::Col(d, "label").ints[i]);
    // Rows are in scores order: the first 32 hand-offs train.
    EXPECT_EQ(more::Col(d, "row").ints[i], static_cast<int64_t>(i));
    EXPECT_EQ(more::Col(d, "person_id").strings[i], r->scores.column(0).strings[i]);
    EXPECT_EQ(more::Col(d, "weight").doubles[i], 1.0);
  }
  EXPECT_TRUE(d.IsNull(d.ColumnIndex("weight"), 39));
  auto fit = FitLogistic(x, y, Eigen::VectorXd::Ones(32), 1.0);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(fit->intercept, r->coefficients.column(1).doubles[0], 1e-12);
  for (size_t k = 0; k < p; ++k)
    EXPECT_NEAR(fit->coef[k], r->coefficients.column(1).doubles[k + 1], 1e-12);
}

TEST(ScoresForCrm, SalesforceAndHubspotColumnsOnA100Scale) {
  Table scores("scoring_scores");
  size_t id = scores.AddColumn("person_id", ColumnType::kString);
  size_t sc = scores.AddColumn("score", ColumnType::kFloat64);
  const char* ids[] = {"00Q1", "00Q2", "00Q3", "00Q4"};
  const double values[] = {0.4567, 0.99951, 0.0, 0.00049};
  for (int i = 0; i < 4; ++i) {
    scores.AppendString(id, ids[i]);
    scores.AppendDouble(sc, values[i]);
  }
  auto sf = ScoresForCrm(scores, "salesforce", "");
  ASSERT_TRUE(sf.ok()) << sf.status().ToString();
  EXPECT_EQ(sf->column(0).name, "Id");
  EXPECT_EQ(sf->column(1).name, "Lead_Score__c");
  // 45.67 -> 45.7; 99.951 -> 100.0; 0; 0.049 -> 0.0.
  EXPECT_EQ(sf->ToCsv(), "Id,Lead_Score__c\n00Q1,45.7\n00Q2,100\n00Q3,0\n00Q4,0\n");
  auto hs = ScoresForCrm(scores, "hubspot", "baton_score");
  ASSERT_TRUE(hs.ok());
  EXPECT_EQ(hs->column(0).name, "Record ID");
  EXPECT_EQ(hs->column(1).name, "baton_score");
  EXPECT_DOUBLE_EQ(hs->column(1).doubles[0], 45.7);
  EXPECT_FALSE(ScoresForCrm(scores, "hubspot", "").ok());
  EXPECT_FALSE(ScoresForCrm(scores, "zoho", "").ok());
  auto same = ScoresForCrm(scores, "baton", "");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->ToCsv(), scores.ToCsv());
  scores.AppendString(id, "00Q5");
  scores.AppendDouble(sc, 1.5);
  auto bad = ScoresForCrm(scores, "salesforce", "");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("00Q5"), std::string::npos);
}

}  // namespace
}  // namespace baton

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "report/html.h"
#include "report/report.h"
#include "report/sections.h"
#include "scoring/logistic.h"

namespace baton {
namespace {

constexpr int64_t kJan1 = 1704067200000;  // 2024-01-01T00:00:00Z

int64_t Day(double d) { return kJan1 + static_cast<int64_t>(d * kMillisPerDay); }

// 40 leads handed off (mql) every 5 days from day 10; the even ones reach
// sql 20 days later and had a webinar 3 days before the hand-off, the odd
// ones never reach sql and had only an email. A last touch on day 400 closes
// every 90-day window.
void BuildLeads(Workspace* ws) {
  for (int i = 0; i < 40; ++i) {
    const std::string id = "p" + std::to_string(i);
    const double mql = 10 + 5 * i;
    PersonRow person;
    person.person_id = id;
    person.source = "web";
    person.created_at = Day(mql - 40);
    ASSERT_TRUE(ws->AddPerson(person).ok());
    StageRow stage;
    stage.person_id = id;
    stage.stage = ws->stage_map().CodeOf("mql");
    stage.at = Day(mql);
    ASSERT_TRUE(ws->AddStage(stage).ok());
    if (i % 2 == 0) {
      stage.stage = ws->stage_map().CodeOf("sql");
      stage.at = Day(mql + 20);
      ASSERT_TRUE(ws->AddStage(stage).ok());
    }
    TouchRow touch;
    touch.person_id = id;
    touch.at = Day(mql - (i % 2 == 0 ? 3 : 1));
    touch.channel = i % 2 == 0 ? "webinar" : "email";
    touch.activity = "open";
    ASSERT_TRUE(ws->AddTouch(touch).ok());
  }
  TouchRow late;
  late.person_id = "p0";
  late.at = Day(400);
  late.channel = "email";
  late.activity = "open";
  ASSERT_TRUE(ws->AddTouch(late).ok());
  ASSERT_TRUE(ws->Freeze().ok());
}

TEST(ScoringSection, ShowsEvaluationThresholdAndOddsRatios) {
  // Only "touches webinar last 7d": log1p(1) for the 16 even training leads,
  // 0 for the 16 odd ones, so the standardised value is +1 / -1 and the fit
  // below (on those 32 rows) gives the published coefficient. Test rows:
  // leads 32..39 (the newest 20%), hand-offs on days 170..205 = 5 weeks, 4
  // of 8 converted: today 8 / 5 = 1.6 a week at 50.0%. Capacity 0.8/week
  // takes the top 0.8 * 5 = 4, the evens: 0.8 a week at 100.0%. The evens
  // outscore the odds, so AUC = 1.
  Workspace ws;
  BuildLeads(&ws);
  std::map<std::string, std::string> options = {
      {"scoring.features", "touches webinar last 7d"},
      {"scoring.capacity", "0.8/week"},
      {"funnel.by", "source"}};  // other analyses' options are ignored
  ReportContext ctx{ws, options, {}};
  auto sec = ScoringSection(&ctx);
  ASSERT_TRUE(sec.ok()) << sec.status().ToString();
  const std::string& h = sec->html;
  EXPECT_EQ(sec->id, "scoring");
  EXPECT_NE(h.find("AUC <b>1.000</b>"), std::string::npos) << h;
  EXPECT_NE(h.find("learned from 32 older people"), std::string::npos);
  EXPECT_NE(h.find("on the 8 newest ones (50.0% of them converted)"), std::string::npos);
  EXPECT_NE(h.find("1.6 a week, converting at 50.0%"), std::string::npos);
  EXPECT_NE(h.find("With the stated capacity"), std::string::npos);
  EXPECT_NE(h.find("sends 0.8 a week, converting at 100.0%"), std::string::npos);
  EXPECT_NE(h.find("<svg class=\"lift\""), std::string::npos);
  EXPECT_NE(h.find("<svg class=\"calibration\""), std::string::npos);
  EXPECT_NE(h.find("stroke-dasharray"), std::string::npos);  // the diagonal
  Eigen::MatrixXd x(32, 1);
  Eigen::VectorXd y(32);
  for (int i = 0; i < 32; ++i) {
    y[i] = i % 2 == 0;
    x(i, 0) = i % 2 == 0 ? 1.0 : -1.0;
  }
  auto fit = FitLogistic(x, y, Eigen::VectorXd::Ones(32), 1.0);
  ASSERT_TRUE(fit.ok());
  const std::string odds = "x" + FormatNumber(std::exp(fit->coef[0]), 2);
  EXPECT_NE(h.find("touches webinar last 7d</text>"), std::string::npos);
  EXPECT_NE(h.find(odds + "</text>"), std::string::npos) << odds;
  // The cut-off is the evens' score: sigmoid(b + w * 1).
  const double even = Sigmoid(fit->intercept + fit->coef[0]);
  EXPECT_NE(h.find("scores of at least " + FormatPercent(even)), std::string::npos);
  ASSERT_EQ(sec->tables.size(), 5u);
  EXPECT_EQ(sec->tables[0].caption, "Lift by score decile");
  EXPECT_EQ(sec->tables[0].table.num_rows(), 10u);
}

TEST(ScoringSection, WithoutLabelledHistoryItSaysWhy) {
  // One hand-off yesterday of the data's end: its 90-day window is open, so
  // there is nothing to learn from; the section explains, without tables.
  Workspace ws;
  PersonRow person;
  person.person_id = "a";
  ASSERT_TRUE(ws.AddPerson(person).ok());
  StageRow stage;
  stage.person_id = "a";
  stage.stage = ws.stage_map().CodeOf("mql");
  stage.at = Day(1);
  ASSERT_TRUE(ws.AddStage(stage).ok());
  ASSERT_TRUE(ws.Freeze().ok());
  std::map<std::string, std::string> options;
  ReportContext ctx{ws, options, {}};
  auto sec = ScoringSection(&ctx);
  ASSERT_TRUE(sec.ok());
  EXPECT_NE(sec->html.find("No lead scoring: lead scoring: no training rows"),
            std::string::npos)
      << sec->html;
  EXPECT_TRUE(sec->tables.empty());
}

TEST(ScoringSection, BadScoringOptionIsAnError) {
  Workspace ws;
  BuildLeads(&ws);
  std::map<std::string, std::string> options = {{"scoring.l2", "-1"}};
  ReportContext ctx{ws, options, {}};
  auto sec = ScoringSection(&ctx);
  ASSERT_FALSE(sec.ok());
  EXPECT_NE(sec.status().message().find("scoring.l2"), std::string::npos);
}

TEST(ScoringSection, IsPartOfTheHtmlReport) {
  Workspace ws;
  BuildLeads(&ws);
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("baton_scoring_section_" + std::to_string(::getpid()) + ".html");
  ASSERT_TRUE(WriteHtmlReport(ws, path.string(), {}).ok());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove(path);
  EXPECT_NE(ss.str().find("<section id=\"scoring\">\n<h2>Lead scoring"), std::string::npos);
  EXPECT_NE(ss.str().find("<svg class=\"lift\""), std::string::npos);
}

}  // namespace
}  // namespace baton

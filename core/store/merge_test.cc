#include "store/merge.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/store_test_support.h"
#include "store/workspace_file.h"

namespace baton {
namespace {

using store_test::T;

std::string Label(const Workspace& ws, uint32_t code) { return std::string(ws.labels().Get(code)); }

// The saved state: three people, a touch each, one stage, one deal, one
// spend row.
void FillBase(Workspace* ws) {
  ASSERT_TRUE(ws->AddPerson({"p1", "a1", T("2024-01-01"), "web", "ann"}).ok());
  ASSERT_TRUE(ws->AddPerson({"p2", "a2", T("2024-01-02"), "event", "bob"}).ok());
  ASSERT_TRUE(ws->AddPerson({"p3", "a3", T("2024-01-03"), "web", "ann"}).ok());
  ASSERT_TRUE(ws->SetAttribute("p2", "industry", "retail").ok());
  ASSERT_TRUE(ws->AddTouch({"p1", T("2024-01-05"), "email", "jan", Side::kMarketing, "email", 0}).ok());
  ASSERT_TRUE(ws->AddTouch({"p2", T("2024-01-06"), "webinar", "w1", Side::kMarketing, "webinar", 0}).ok());
  ASSERT_TRUE(ws->AddTouch({"p3", T("2024-01-07"), "ads", "q1", Side::kMarketing, "ad_click", 2}).ok());
  ASSERT_TRUE(ws->AddStage({"p1", 1, T("2024-01-08"), Disposition::kAdvanced, ""}).ok());
  DealRow d;
  d.deal_id = "d1";
  d.person_id = "p1";
  d.amount = 100;
  d.stage = "Qualification";
  ASSERT_TRUE(ws->AddDeal(d).ok());
  ASSERT_TRUE(ws->AddSpend({"ads", "q1", T("2024-01-01"), T("2024-01-31"), 500, "EUR"}).ok());
}

// The next load: p2 changed (owner bob -> cy, industry retail -> banking,
// no source given), p4 is new; two touches repeat saved ones exactly, one
// touch is new; the stage of p1 repeats, p4's is new; d1 changed, d2 is
// new; the spend row of (ads, q1, January) has a new amount.
void FillUpdate(Workspace* ws) {
  ASSERT_TRUE(ws->AddPerson({"p2", "", kNoTime, "", "cy"}).ok());
  ASSERT_TRUE(ws->SetAttribute("p2", "industry", "banking").ok());
  ASSERT_TRUE(ws->AddPerson({"p4", "a4", T("2024-02-01"), "partner", "dee"}).ok());
  ASSERT_TRUE(ws->AddTouch({"p1", T("2024-01-05"), "email", "jan", Side::kMarketing, "email", 0}).ok());
  ASSERT_TRUE(ws->AddTouch({"p2", T("2024-01-06"), "webinar", "w1", Side::kMarketing, "webinar", 0}).ok());
  ASSERT_TRUE(ws->AddTouch({"p4", T("2024-02-02"), "email", "feb", Side::kMarketing, "email", 0}).ok());
  ASSERT_TRUE(ws->AddStage({"p1", 1, T("2024-01-08"), Disposition::kAdvanced, ""}).ok());
  ASSERT_TRUE(ws->AddStage({"p4", 0, T("2024-02-01"), Disposition::kAdvanced, ""}).ok());
  DealRow d1;
  d1.deal_id = "d1";
  d1.person_id = "p1";
  d1.amount = 150;
  d1.stage = "Closed Won";
  d1.is_won = true;
  ASSERT_TRUE(ws->AddDeal(d1).ok());
  DealRow d2;
  d2.deal_id = "d2";
  d2.person_id = "p4";
  d2.amount = 70;
  ASSERT_TRUE(ws->AddDeal(d2).ok());
  ASSERT_TRUE(ws->AddSpend({"ads", "q1", T("2024-01-01"), T("2024-01-31"), 650, "EUR"}).ok());
}

TEST(Merge, ChangedAndNewRowsWithoutDuplicates) {
  Workspace base, update;
  FillBase(&base);
  FillUpdate(&update);
  // Saved and read back, as a sync does.
  Workspace saved;
  ASSERT_TRUE(ReadWorkspaceBytes(EncodeWorkspace(base, {}), "base.baton", &saved, nullptr).ok());
  MergeCounts c;
  Status s = MergeInto(&saved, update, &c);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(saved.Freeze().ok());

  // People: update names p2 (changed), p4 (new), and p1 only through a
  // touch (no fields: unchanged). 3 + 1 = 4 people.
  EXPECT_EQ(c.people.added, 1);
  EXPECT_EQ(c.people.replaced, 1);
  EXPECT_EQ(c.people.unchanged, 1);
  ASSERT_EQ(saved.num_people(), 4u);
  const uint32_t p2 = saved.person_ids().Find("p2");
  EXPECT_EQ(Label(saved, saved.people().owner[p2]), "cy");       // replaced
  EXPECT_EQ(Label(saved, saved.people().source[p2]), "event");   // not given: kept
  EXPECT_EQ(Label(saved, saved.people().account[p2]), "a2");     // not given: kept
  EXPECT_EQ(saved.people().created_at[p2], T("2024-01-02"));
  const uint32_t industry = saved.AttributeKey("industry");
  ASSERT_NE(industry, Dictionary::kNotFound);
  EXPECT_EQ(Label(saved, saved.people().attributes.at(industry)[p2]), "banking");
  const uint32_t p4 = saved.person_ids().Find("p4");
  EXPECT_EQ(Label(saved, saved.people().owner[p4]), "dee");
  EXPECT_EQ(saved.people().listed[p4], 1);
  const uint32_t p1 = saved.person_ids().Find("p1");
  EXPECT_EQ(Label(saved, saved.people().owner[p1]), "ann");

  // Touches: 2 exact duplicates dropped, 1 added: 3 + 1 = 4.
  EXPECT_EQ(c.touches.added, 1);
  EXPECT_EQ(c.touches.unchanged, 2);
  EXPECT_EQ(saved.touches().size(), 4u);
  // Stages: p1's duplicate dropped, p4's added: 1 + 1 = 2.
  EXPECT_EQ(c.stages.added, 1);
  EXPECT_EQ(c.stages.unchanged, 1);
  EXPECT_EQ(saved.stages().size(), 2u);
  // Deals: d1 replaced whole (100 -> 150, won), d2 added.
  EXPECT_EQ(c.deals.replaced, 1);
  EXPECT_EQ(c.deals.added, 1);
  ASSERT_EQ(saved.deals().size(), 2u);
  const uint32_t d1 = saved.labels().Find("d1");
  const size_t r1 = std::find(saved.deals().id.begin(), saved.deals().id.end(), d1) -
                    saved.deals().id.begin();
  EXPECT_EQ(saved.deals().amount[r1], 150);
  EXPECT_EQ(saved.deals().is_won[r1], 1);
  EXPECT_EQ(Label(saved, saved.deals().stage[r1]), "Closed Won");
  // Spend: same key, amount replaced 500 -> 650; still one row.
  EXPECT_EQ(c.spend.replaced, 1);
  ASSERT_EQ(saved.spend().size(), 1u);
  EXPECT_EQ(saved.spend().amount[0], 650);
}

TEST(Merge, MergingTheSameLoadTwiceChangesNothing) {
  Workspace base, update;
  FillBase(&base);
  FillBase(&update);
  MergeCounts c;
  ASSERT_TRUE(MergeInto(&base, update, &c).ok());
  // Every key exists with the same values: 3 people, 3 touches, 1 stage,
  // 1 deal and 1 spend row unchanged; nothing added.
  EXPECT_EQ(c.people.unchanged, 3);
  EXPECT_EQ(c.touches.unchanged, 3);
  EXPECT_EQ(c.stages.unchanged, 1);
  EXPECT_EQ(c.deals.unchanged, 1);
  EXPECT_EQ(c.spend.unchanged, 1);
  EXPECT_EQ(c.people.added + c.touches.added + c.stages.added + c.deals.added + c.spend.added, 0);
  EXPECT_EQ(base.touches().size(), 3u);
}

TEST(Merge, AStageTheSavedFunnelLacksIsAnErrorNamingIt) {
  Workspace base, update;
  FillBase(&base);
  ASSERT_TRUE(update.mutable_stage_map().SetStages({"lead", "demo", "won"}, {}).ok());
  MergeCounts c;
  Status s = MergeInto(&base, update, &c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("no stage \"lead\""), std::string::npos) << s.message();
  EXPECT_EQ(base.num_people(), 3u);  // unchanged
}

}  // namespace
}  // namespace baton

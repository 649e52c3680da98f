#include "model/segment.h"

#include <gtest/gtest.h>

namespace baton {
namespace {

constexpr int64_t kJan1 = 1704067200000;  // 2024-01-01T00:00:00Z

void AddPerson(Workspace* ws, const char* id, const char* source,
               const char* owner = "") {
  PersonRow row;
  row.person_id = id;
  row.source = source;
  row.owner = owner;
  ASSERT_TRUE(ws->AddPerson(row).ok());
}

void AddTouch(Workspace* ws, const char* id, int day, const char* campaign) {
  TouchRow row;
  row.person_id = id;
  row.at = kJan1 + day * kMillisPerDay;
  row.channel = "email";
  row.campaign = campaign;
  ASSERT_TRUE(ws->AddTouch(row).ok());
}

TEST(Segment, NoByPutsEveryoneInAll) {
  Workspace ws;
  AddPerson(&ws, "a", "web");
  AddPerson(&ws, "b", "");
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Segmentation> s = SegmentPeople(ws, "");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->names, std::vector<std::string>({"all"}));
  EXPECT_EQ(s->of_person, std::vector<uint32_t>({0, 0}));
}

// Sources web, ads, "", web, ads -> names sorted "ads" < "web", then
// "(none)" last: indexes web 1, ads 0, missing 2.
TEST(Segment, SourceNamesSortedWithMissingLast) {
  Workspace ws;
  AddPerson(&ws, "a", "web");
  AddPerson(&ws, "b", "ads");
  AddPerson(&ws, "c", "");
  AddPerson(&ws, "d", "web");
  AddPerson(&ws, "e", "ads");
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Segmentation> s = SegmentPeople(ws, "source");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->names, std::vector<std::string>({"ads", "web", "(none)"}));
  EXPECT_EQ(s->of_person, std::vector<uint32_t>({1, 0, 2, 1, 0}));
}

TEST(Segment, NoNoneSegmentWhenNothingIsMissing) {
  Workspace ws;
  AddPerson(&ws, "a", "web", "zoe");
  AddPerson(&ws, "b", "ads", "adam");
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Segmentation> s = SegmentPeople(ws, "owner");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->names, std::vector<std::string>({"adam", "zoe"}));
  EXPECT_EQ(s->of_person, std::vector<uint32_t>({1, 0}));
}

// A source literally called "(none)" is the same segment as a missing one,
// so the names stay unique.
TEST(Segment, LiteralNoneJoinsMissing) {
  Workspace ws;
  AddPerson(&ws, "a", "(none)");
  AddPerson(&ws, "b", "");
  AddPerson(&ws, "c", "web");
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Segmentation> s = SegmentPeople(ws, "source");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->names, std::vector<std::string>({"web", "(none)"}));
  EXPECT_EQ(s->of_person, std::vector<uint32_t>({1, 1, 0}));
}

// Person a's touches by time: day 1 (no campaign), day 3 "spring", day 5
// "summer" (added first) -> "spring". Person b: only a touch without a
// campaign -> "(none)". Person c: no touches -> "(none)". Person d: "summer".
TEST(Segment, CampaignIsTheFirstTouchThatNamesOne) {
  Workspace ws;
  AddPerson(&ws, "a", "");
  AddPerson(&ws, "b", "");
  AddPerson(&ws, "c", "");
  AddPerson(&ws, "d", "");
  AddTouch(&ws, "a", 5, "summer");
  AddTouch(&ws, "a", 3, "spring");
  AddTouch(&ws, "a", 1, "");
  AddTouch(&ws, "b", 2, "");
  AddTouch(&ws, "d", 9, "summer");
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Segmentation> s = SegmentPeople(ws, "campaign");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->names, std::vector<std::string>({"spring", "summer", "(none)"}));
  EXPECT_EQ(s->of_person, std::vector<uint32_t>({0, 2, 2, 1}));
}

TEST(Segment, ByAttributeWithMissingValues) {
  Workspace ws;
  AddPerson(&ws, "a", "");
  AddPerson(&ws, "b", "");
  AddPerson(&ws, "c", "");
  ASSERT_TRUE(ws.SetAttribute("a", "industry", "retail").ok());
  ASSERT_TRUE(ws.SetAttribute("c", "industry", "banking").ok());
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Segmentation> s = SegmentPeople(ws, "industry");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->names,
            std::vector<std::string>({"banking", "retail", "(none)"}));
  EXPECT_EQ(s->of_person, std::vector<uint32_t>({1, 2, 0}));
}

TEST(Segment, UnknownByIsNotFoundListingValidNames) {
  Workspace ws;
  AddPerson(&ws, "a", "web");
  ASSERT_TRUE(ws.SetAttribute("a", "industry", "retail").ok());
  ASSERT_TRUE(ws.SetAttribute("a", "country", "FR").ok());
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Segmentation> s = SegmentPeople(ws, "colour");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_NE(s.status().message().find("\"colour\""), std::string::npos);
  EXPECT_NE(s.status().message().find(
                "source, campaign, owner or a people attribute: country, "
                "industry"),
            std::string::npos)
      << s.status().message();
}

TEST(Segment, NeedsAFrozenWorkspace) {
  Workspace ws;
  AddPerson(&ws, "a", "web");
  Result<Segmentation> s = SegmentPeople(ws, "source");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace baton

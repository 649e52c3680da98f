#include "model/workspace.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace baton {
namespace {

// "prefix" followed by i (built by appending: GCC 12 warns falsely,
// -Wrestrict, on "literal" + std::string).
std::string Numbered(const char* prefix, int64_t i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

constexpr int64_t kJan1 = 1704067200000;  // 2024-01-01T00:00:00Z

Status Touch(Workspace* ws, const std::string& id, int64_t minute,
             const std::string& channel = "email") {
  TouchRow row;
  row.person_id = id;
  row.at = kJan1 + minute * 60000;
  row.channel = channel;
  return ws->AddTouch(row);
}

// People are indexed in first-seen order whatever order the tables name
// them in: in order, backwards, repeated, interleaved.
TEST(Workspace, PeopleKeepFirstSeenIndexesInAnyOrder) {
  Workspace ws;
  for (const char* id : {"p1", "p2", "p3"}) {
    PersonRow row;
    row.person_id = id;
    ASSERT_TRUE(ws.AddPerson(row).ok());
  }
  const std::vector<std::string> touches = {"p1", "p1", "p2", "p3", "p3", "p2",
                                            "p4", "p1", "p5", "p4", "p3"};
  // p1 0, p2 1, p3 2 (people), then p4 3, p5 4 unlisted.
  const std::vector<uint32_t> want = {0, 0, 1, 2, 2, 1, 3, 0, 4, 3, 2};
  for (size_t i = 0; i < touches.size(); ++i)
    ASSERT_TRUE(Touch(&ws, touches[i], int64_t(i)).ok());
  EXPECT_EQ(ws.touches().person, want);
  EXPECT_EQ(ws.num_people(), 5u);
  EXPECT_EQ(ws.people().listed, std::vector<uint8_t>({1, 1, 1, 0, 0}));
  EXPECT_EQ(ws.person_ids().Find("p4"), 3u);
}

TEST(Workspace, AttributeCodesAddAndRefuse) {
  Workspace ws;
  PersonRow row;
  row.person_id = "p1";
  uint32_t p1 = 99;
  ASSERT_TRUE(ws.AddPerson(row, &p1).ok());
  EXPECT_EQ(p1, 0u);
  Result<uint32_t> key = ws.AddAttributeKey("industry");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(ws.AttributeKey("industry"), *key);
  // A key added before its first value: a column of missing values.
  EXPECT_EQ(ws.people().attributes.at(*key), std::vector<uint32_t>({0}));
  EXPECT_TRUE(ws.SetAttributeCode(p1, *key, "tech").ok());
  EXPECT_TRUE(ws.SetAttributeCode(p1, *key, "retail").ok());  // the first stays
  row.person_id = "p2";
  uint32_t p2 = 99;
  ASSERT_TRUE(ws.AddPerson(row, &p2).ok());
  EXPECT_EQ(p2, 1u);
  EXPECT_TRUE(ws.SetAttributeCode(p2, *key, "").ok());  // missing: nothing set
  const std::vector<uint32_t>& col = ws.people().attributes.at(*key);
  ASSERT_EQ(col.size(), 2u);
  EXPECT_EQ(ws.labels().Get(col[0]), "tech");
  EXPECT_EQ(col[1], 0u);
  EXPECT_EQ(ws.SetAttributeCode(2, *key, "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ws.SetAttributeCode(p1, *key + 100, "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ws.AddAttributeKey("").status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(ws.Freeze().ok());
  EXPECT_EQ(ws.SetAttributeCode(p1, *key, "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ws.AddAttributeKey("size").status().code(), StatusCode::kFailedPrecondition);
}

// Freeze orders each person's rows by time, keeping the input order of rows
// at the same time, for persons with a few rows and with many (over 32).
TEST(Workspace, FreezeOrdersRowsByPersonThenTimeStably) {
  Workspace ws;
  // b: minutes 5, 3, 3, 1 with channels in input order c0..c3.
  // a: 40 rows at minutes 39..0 (backwards), plus a tie at minute 20.
  const int minutes_b[] = {5, 3, 3, 1};
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(Touch(&ws, "b", minutes_b[i], Numbered("c", i)).ok());
  for (int i = 39; i >= 0; --i) ASSERT_TRUE(Touch(&ws, "a", i, Numbered("a", i)).ok());
  ASSERT_TRUE(Touch(&ws, "a", 20, "tie").ok());
  ASSERT_TRUE(ws.Freeze().ok());
  const TouchColumns& t = ws.touches();
  // Person b (index 0) first: minute 1 (c3), 3 (c1), 3 (c2), 5 (c0).
  EXPECT_EQ(ws.touch_offsets(), std::vector<uint32_t>({0, 4, 45}));
  const char* want_b[] = {"c3", "c1", "c2", "c0"};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ws.labels().Get(t.channel[i]), want_b[i]) << i;
  // Person a: minutes 0..39 ascending, "tie" right after a20.
  for (int m = 0, r = 4; m < 40; ++m, ++r) {
    EXPECT_EQ(ws.labels().Get(t.channel[r]), Numbered("a", m)) << r;
    EXPECT_EQ(t.at[r], kJan1 + m * 60000);
    if (m == 20) {
      ++r;
      EXPECT_EQ(ws.labels().Get(t.channel[r]), "tie");
    }
  }
  for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t.person[i], i < 4 ? 0u : 1u);
}

TEST(Workspace, SortedInputStaysAsItIs) {
  Workspace ws;
  for (int p = 0; p < 3; ++p)
    for (int m = 0; m < 3; ++m)
      ASSERT_TRUE(Touch(&ws, Numbered("p", p), m * 10 + p, Numbered("ch", m)).ok());
  const std::vector<int64_t> before = ws.touches().at;
  ASSERT_TRUE(ws.Freeze().ok());
  EXPECT_EQ(ws.touches().at, before);
  EXPECT_EQ(ws.touch_offsets(), std::vector<uint32_t>({0, 3, 6, 9}));
  EXPECT_EQ(ws.person_ids().Find("p2"), 2u);  // found after the freeze too
}

// Rows already in (person, time) order, with people who have no touches
// (offsets repeat) and a tie in time (kept in input order); stages out of
// order take the reordering path. created_at defaults to the earliest of a
// person's touch and stage times.
TEST(Workspace, OrderedRowsGetOffsetsAcrossPeopleWithoutRows) {
  Workspace ws;
  for (const char* id : {"a", "b", "c", "d"}) {
    PersonRow row;
    row.person_id = id;
    ASSERT_TRUE(ws.AddPerson(row).ok());
  }
  ASSERT_TRUE(Touch(&ws, "a", 0, "first").ok());
  ASSERT_TRUE(Touch(&ws, "a", 0, "tie").ok());
  ASSERT_TRUE(Touch(&ws, "a", 5).ok());
  ASSERT_TRUE(Touch(&ws, "c", 2).ok());
  StageRow st;
  st.stage = ws.stage_map().CodeOf("mql");
  st.person_id = "c";
  st.at = kJan1 + 1 * 60000;
  ASSERT_TRUE(ws.AddStage(st).ok());
  st.person_id = "a";
  st.at = kJan1 + 9 * 60000;
  ASSERT_TRUE(ws.AddStage(st).ok());
  ASSERT_TRUE(ws.Freeze().ok());
  // a: rows 0-2, b: none, c: row 3, d: none.
  EXPECT_EQ(ws.touch_offsets(), std::vector<uint32_t>({0, 3, 3, 4, 4}));
  EXPECT_EQ(ws.labels().Get(ws.touches().channel[0]), "first");
  EXPECT_EQ(ws.labels().Get(ws.touches().channel[1]), "tie");
  // Stages reordered: a's (minute 9) before c's (minute 1).
  EXPECT_EQ(ws.stage_offsets(), std::vector<uint32_t>({0, 1, 1, 2, 2}));
  EXPECT_EQ(ws.stages().at, std::vector<int64_t>({kJan1 + 9 * 60000, kJan1 + 60000}));
  // created_at: a minute 0 (touch), b none, c minute 1 (its stage is earlier
  // than its touch at minute 2), d none.
  EXPECT_EQ(ws.people().created_at,
            std::vector<int64_t>({kJan1, kNoTime, kJan1 + 60000, kNoTime}));
}

// Enough people for the ids to be sealed on a second thread and for the
// columns to grow many times: every row and id survives.
TEST(Workspace, LargeLoadKeepsEveryRowAndId) {
  Workspace ws;
  constexpr int kPeople = 100000;
  for (int p = 0; p < kPeople; ++p)
    for (int m = 0; m < 2; ++m)
      ASSERT_TRUE(Touch(&ws, Numbered("p", p), p + m, m ? "web" : "email").ok());
  ASSERT_TRUE(ws.Freeze().ok());
  ASSERT_EQ(ws.touches().size(), 2u * kPeople);
  EXPECT_EQ(ws.touch_offsets()[kPeople], 2u * kPeople);
  for (int p : {0, 1, 65535, 65536, kPeople - 1}) {
    EXPECT_EQ(ws.person_ids().Find(Numbered("p", p)), static_cast<uint32_t>(p)) << p;
    EXPECT_EQ(ws.touch_offsets()[p], 2u * p);
    // Touch 2p is at minute p, touch 2p+1 at minute p+1 on "web".
    EXPECT_EQ(ws.touches().at[2 * p + 1], kJan1 + (p + 1) * 60000LL);
    EXPECT_EQ(ws.labels().Get(ws.touches().channel[2 * p + 1]), "web");
    EXPECT_EQ(ws.people().created_at[p], kJan1 + p * 60000LL);
  }
  EXPECT_EQ(ws.person_ids().Find("p100000"), Dictionary::kNotFound);
}

}  // namespace
}  // namespace baton

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

}  // namespace
}  // namespace baton

#include "ingest/sink.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
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

// Opens a batch of `table` whose fields are fed by columns named like them.
uint32_t OpenBatch(WorkspaceSink* sink, const std::string& table, const std::string& file,
                   const std::vector<const char*>& fields) {
  std::vector<baton_field_spec> specs;
  for (const char* f : fields) specs.push_back(baton_field_spec{f, nullptr});
  Result<uint32_t> batch = sink->Open(table, file, specs);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return batch.ok() ? *batch : 0;
}

Status AddRow(WorkspaceSink* sink, uint32_t batch, int64_t row,
              const std::vector<std::string>& values) {
  std::vector<baton_str> v;
  for (const auto& s : values) v.push_back(baton_str{s.data(), s.size()});
  return sink->Row(batch, row, v.data());
}

uint64_t Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}

// Costs read exactly as the C library reads them (strtod, round to nearest),
// whether the plain-decimal fast path or the general reader takes them.
TEST(Sink, CostsReadAsTheCLibraryReadsThem) {
  const std::vector<std::string> costs = {
      "0.00", "5.38", "-0.00", "+12.5", "0.1", "123456789012345", "99999999999999.9",
      "1234567890123456",  // 16 digits: the general reader
      "9007199254740993",  // 2^53 + 1: rounds to even
      "0.000000000000001", "3.14159265358979", "1e3", "1.", ".5", " 7.25 ",
      "-42", "2.5E-3", "0.30000000000000004"};
  Workspace ws;
  WorkspaceSink sink(&ws, "test");
  uint32_t b = OpenBatch(&sink, "touches", "t.csv", {"person_id", "at", "cost"});
  for (size_t i = 0; i < costs.size(); ++i) {
    Status st = AddRow(&sink, b, int64_t(i) + 2, {"p1", "2024-01-15", costs[i]});
    ASSERT_TRUE(st.ok()) << costs[i] << ": " << st.ToString();
  }
  ASSERT_EQ(ws.touches().size(), costs.size());
  for (size_t i = 0; i < costs.size(); ++i) {
    const double want = std::strtod(costs[i].c_str(), nullptr);
    EXPECT_EQ(Bits(ws.touches().cost[i]), Bits(want)) << costs[i];
  }
  // The sign of zero is kept: -0.00 is -0.0.
  EXPECT_TRUE(std::signbit(ws.touches().cost[2]));
}

TEST(Sink, BadNumberNamesFileRowAndColumn) {
  Workspace ws;
  WorkspaceSink sink(&ws, "test");
  std::vector<baton_field_spec> specs = {{"person_id", "Id"}, {"at", "When"}, {"cost", "Cost"}};
  Result<uint32_t> b = sink.Open("touches", "t.csv", specs);
  ASSERT_TRUE(b.ok());
  for (const char* bad : {"1.2.3", "abc", "1,5", "--1", "1e999", "nan"}) {
    Status st = AddRow(&sink, *b, 7, {"p1", "2024-01-15", bad});
    EXPECT_EQ(st.code(), StatusCode::kParseError) << bad;
    EXPECT_EQ(st.message(),
              std::string("t.csv:7: column \"Cost\": \"") + bad + "\" is not a number");
  }
  EXPECT_EQ(ws.touches().size(), 0u);
  Status st = AddRow(&sink, *b, 9, {"p1", "2024-13-01", "1"});
  EXPECT_EQ(st.message().rfind("t.csv:9: column \"When\": \"2024-13-01\" is not a date", 0), 0u)
      << st.message();
  st = AddRow(&sink, *b, 10, {" \t", "2024-01-01", "1"});
  EXPECT_EQ(st.message(), "t.csv:10: column \"Id\": \"\" is empty");
}

// Values lose spaces and tabs at both ends and a carriage return at the
// end; inner spaces stay.
TEST(Sink, TrimsValues) {
  Workspace ws;
  WorkspaceSink sink(&ws, "test");
  uint32_t b = OpenBatch(&sink, "touches", "t.csv",
                         {"person_id", "at", "channel", "campaign", "activity"});
  ASSERT_TRUE(AddRow(&sink, b, 2, {" p1\t", "\t2024-01-15 10:00:00 ", "paid search\r",
                                   "  ", "x"}).ok());
  ASSERT_TRUE(AddRow(&sink, b, 3, {"p1", "2024-01-15T10:00:00Z", "paid search", "", " x"}).ok());
  const TouchColumns& t = ws.touches();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(ws.person_ids().Get(t.person[0]), "p1");
  EXPECT_EQ(t.person[0], t.person[1]);
  EXPECT_EQ(ws.labels().Get(t.channel[0]), "paid search");
  EXPECT_EQ(t.channel[0], t.channel[1]);
  EXPECT_EQ(t.campaign[0], 0u);  // "  " is missing
  EXPECT_EQ(t.activity[0], t.activity[1]);
  // 2024-01-15 is day 19737; 10:00 adds 36,000 s.
  EXPECT_EQ(t.at[0], (19737 * 86400 + 36000) * int64_t{1000});
  EXPECT_EQ(t.at[1], t.at[0]);
}

// The attribute key is interned when its first value arrives, after the
// person's own labels, as SetAttribute does: codes in first-seen order.
TEST(Sink, PeopleLabelsKeepFirstSeenCodes) {
  Workspace ws;
  WorkspaceSink sink(&ws, "test");
  uint32_t b = OpenBatch(&sink, "people", "p.csv",
                         {"attribute:industry", "person_id", "account_id", "source",
                          "owner", "attribute:country"});
  ASSERT_TRUE(AddRow(&sink, b, 2, {"tech", "p1", "A1", "web", "ann", "FR"}).ok());
  ASSERT_TRUE(AddRow(&sink, b, 3, {"", "p2", "A2", "web", "bob", "DE"}).ok());
  ASSERT_TRUE(AddRow(&sink, b, 4, {"retail", "p1", "A9", "ads", "cy", "ES"}).ok());
  ASSERT_TRUE(sink.Close(b, 3, 0, nullptr).ok());
  // Row 2: A1, web, ann, then industry, tech, country, FR; row 3: A2, bob,
  // DE (industry empty: nothing). Row 4 repeats p1, whose fields are set:
  // nothing new is interned.
  const std::vector<std::string> want = {"",     "A1",      "web",  "ann", "industry",
                                         "tech", "country", "FR",   "A2",  "bob",
                                         "DE"};
  ASSERT_EQ(ws.labels().size(), want.size());
  for (uint32_t c = 0; c < want.size(); ++c) EXPECT_EQ(ws.labels().Get(c), want[c]) << c;
  const uint32_t industry = ws.AttributeKey("industry");
  const uint32_t country = ws.AttributeKey("country");
  ASSERT_NE(industry, Dictionary::kNotFound);
  ASSERT_NE(country, Dictionary::kNotFound);
  EXPECT_EQ(ws.people().attributes.at(industry), std::vector<uint32_t>({5, 0}));
  EXPECT_EQ(ws.people().attributes.at(country), std::vector<uint32_t>({7, 10}));
  EXPECT_EQ(ws.people().account, std::vector<uint32_t>({1, 8}));
  EXPECT_EQ(ws.people().owner, std::vector<uint32_t>({3, 9}));
}

TEST(Sink, BooleansAcceptTheDocumentedSpellings) {
  Workspace ws;
  WorkspaceSink sink(&ws, "test");
  uint32_t b = OpenBatch(&sink, "deals", "d.csv", {"deal_id", "is_won", "is_closed"});
  const std::vector<std::pair<std::string, bool>> cases = {
      {"1", true},  {"0", false}, {"TRUE", true}, {"false", false}, {" Yes ", true},
      {"no", false}, {"t", true},  {"F", false},   {"y", true},      {"N", false},
      {"", false}};
  for (size_t i = 0; i < cases.size(); ++i)
    ASSERT_TRUE(AddRow(&sink, b, int64_t(i) + 2, {Numbered("d", i), cases[i].first, "1"})
                    .ok())
        << cases[i].first;
  for (size_t i = 0; i < cases.size(); ++i)
    EXPECT_EQ(ws.deals().is_won[i], cases[i].second ? 1 : 0) << cases[i].first;
  for (const char* bad : {"yess", "truee", "2", "maybe", "falsey"}) {
    Status st = AddRow(&sink, b, 40, {"dx", bad, "1"});
    EXPECT_EQ(st.message(), std::string("d.csv:40: column \"is_won\": \"") + bad +
                                "\" is not a boolean (1/0, true/false, yes/no)");
  }
}

TEST(Sink, StageValuesTranslateAndUnknownOnesAreNamed) {
  Workspace ws;
  WorkspaceSink sink(&ws, "test");
  uint32_t b = OpenBatch(&sink, "stages", "s.csv", {"person_id", "stage", "at"});
  const char* stages[] = {"mql", "inquiry", "mql", "won", "inquiry"};
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(AddRow(&sink, b, i + 2, {Numbered("p", i % 2), stages[i], "2024-01-15"})
                    .ok());
  const StageMap& m = ws.stage_map();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ws.stages().stage[i], m.Lookup(stages[i])) << i;
  Status st = AddRow(&sink, b, 9, {"p1", "promoted", "2024-01-15"});
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message().rfind("s.csv:9: column \"stage\": \"promoted\" is not a known stage", 0),
            0u)
      << st.message();
}

}  // namespace
}  // namespace baton

#include "ingest/sink.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
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

// baton_sink.rows adds rows exactly as one call of row per row does: the
// same columns, codes and counts, including rows the straight path leaves
// to the general one (an unknown channel is fine; a side spelled out).
TEST(Sink, RowsAddWhatRowByRowAdds) {
  const std::vector<std::vector<std::string>> rows = {
      {"p1", "2024-01-15T10:00:00Z", "email", "marketing", "1.5"},
      {"p1", "2024-01-16", "paid search", "", ""},
      {" p2 ", "2024-01-17 08:30:00", "email", "sales", "2"},
      {"p3", "1705312800000", "", "marketing", "0.25"}};
  Workspace one, many;
  WorkspaceSink a(&one, "test"), b(&many, "test");
  const std::vector<const char*> fields = {"person_id", "at", "channel", "side", "cost"};
  uint32_t ba = OpenBatch(&a, "touches", "t.csv", fields);
  uint32_t bb = OpenBatch(&b, "touches", "t.csv", fields);
  std::vector<baton_str> values;
  for (size_t r = 0; r < rows.size(); ++r) {
    ASSERT_TRUE(AddRow(&a, ba, int64_t(r) + 2, rows[r]).ok());
    for (const auto& v : rows[r]) values.push_back(baton_str{v.data(), v.size()});
  }
  const baton_sink* c = b.sink();
  ASSERT_GE(c->struct_size, offsetof(baton_sink, rows) + sizeof(c->rows));
  ASSERT_EQ(c->rows(c->self, bb, 2, rows.size(), values.data()), BATON_OK);
  ASSERT_EQ(many.touches().size(), 4u);
  EXPECT_EQ(many.touches().person, one.touches().person);
  EXPECT_EQ(many.touches().at, one.touches().at);
  EXPECT_EQ(many.touches().channel, one.touches().channel);
  EXPECT_EQ(many.touches().side, one.touches().side);
  EXPECT_EQ(many.touches().cost, one.touches().cost);
  // p1, p2, p3: three people, p1's two rows share a code.
  EXPECT_EQ(many.num_people(), 3u);
  EXPECT_EQ(many.touches().person[0], many.touches().person[1]);
  // 2024-01-15T10:00:00Z = 1705312800000 ms, so rows 1 and 4 have one time.
  EXPECT_EQ(many.touches().at[3], int64_t{1705312800000});
  EXPECT_EQ(many.touches().at[0], many.touches().at[3]);
  // Four rows read, all accepted: close agrees on both sinks.
  EXPECT_TRUE(a.Close(ba, 4, 0, nullptr).ok());
  EXPECT_TRUE(b.Close(bb, 4, 0, nullptr).ok());
}

// On a bad row, rows returns its status and message (file:row: column),
// having added the rows before it and none from it on.
TEST(Sink, RowsStopAtTheFirstBadRowAfterAddingTheOnesBefore) {
  Workspace ws;
  WorkspaceSink sink(&ws, "test");
  std::vector<baton_field_spec> specs = {{"person_id", "Id"}, {"at", "When"}, {"cost", "Cost"}};
  Result<uint32_t> b = sink.Open("touches", "t.csv", specs);
  ASSERT_TRUE(b.ok());
  const std::vector<std::string> flat = {"p1", "2024-01-15", "1",    // row 10
                                         "p2", "2024-01-15", "2",    // row 11
                                         "p3", "2024-01-15", "abc",  // row 12: bad
                                         "p4", "2024-01-15", "4"};   // row 13
  std::vector<baton_str> values;
  for (const auto& v : flat) values.push_back(baton_str{v.data(), v.size()});
  const baton_sink* c = sink.sink();
  EXPECT_EQ(c->rows(c->self, *b, 10, 4, values.data()), BATON_PARSE_ERROR);
  EXPECT_STREQ(c->last_error(c->self), "t.csv:12: column \"Cost\": \"abc\" is not a number");
  ASSERT_EQ(ws.touches().size(), 2u);
  EXPECT_EQ(ws.touches().cost[1], 2.0);
  EXPECT_EQ(ws.num_people(), 2u);
  // The stage table's straight path stops the same way, at an unknown stage.
  uint32_t s = OpenBatch(&sink, "stages", "s.csv", {"person_id", "stage", "at"});
  const std::vector<std::string> stage_flat = {"p1", "mql", "2024-01-15",
                                               "p1", "promoted", "2024-01-16"};
  values.clear();
  for (const auto& v : stage_flat) values.push_back(baton_str{v.data(), v.size()});
  EXPECT_EQ(c->rows(c->self, s, 2, 2, values.data()), BATON_PARSE_ERROR);
  EXPECT_EQ(std::string(c->last_error(c->self)).rfind("s.csv:3: column \"stage\": \"promoted\"", 0),
            0u)
      << c->last_error(c->self);
  EXPECT_EQ(ws.stages().size(), 1u);
  // No rows is no work; a batch that is not open is refused.
  EXPECT_EQ(c->rows(c->self, s, 4, 0, nullptr), BATON_OK);
  EXPECT_EQ(c->rows(c->self, 99, 2, 1, values.data()), BATON_INVALID_ARGUMENT);
}

// reserve sizes the batch's table once and adds no rows; a negative count
// or a batch that is not open is refused.
TEST(Sink, ReserveSizesTheTableWithoutAddingRows) {
  Workspace ws;
  WorkspaceSink sink(&ws, "test");
  const baton_sink* c = sink.sink();
  ASSERT_GE(c->struct_size, offsetof(baton_sink, reserve) + sizeof(c->reserve));
  uint32_t t = OpenBatch(&sink, "touches", "t.csv", {"person_id", "at"});
  uint32_t s = OpenBatch(&sink, "stages", "s.csv", {"person_id", "stage", "at"});
  uint32_t p = OpenBatch(&sink, "people", "p.csv", {"person_id"});
  ASSERT_EQ(c->reserve(c->self, t, 5000), BATON_OK);
  ASSERT_EQ(c->reserve(c->self, s, 3000), BATON_OK);
  ASSERT_EQ(c->reserve(c->self, p, 2000), BATON_OK);
  EXPECT_GE(ws.touches().person.capacity(), 5000u);
  EXPECT_GE(ws.touches().cost.capacity(), 5000u);
  EXPECT_GE(ws.stages().at.capacity(), 3000u);
  EXPECT_EQ(ws.touches().size(), 0u);
  EXPECT_EQ(ws.stages().size(), 0u);
  EXPECT_EQ(ws.num_people(), 0u);
  // Rows beyond the estimate are still taken.
  ASSERT_EQ(c->reserve(c->self, t, 1), BATON_OK);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(AddRow(&sink, t, i + 2, {Numbered("p", i), "2024-01-15"}).ok());
  EXPECT_EQ(ws.touches().size(), 3u);
  EXPECT_EQ(c->reserve(c->self, t, -1), BATON_INVALID_ARGUMENT);
  EXPECT_EQ(std::string(c->last_error(c->self)),
            "t.csv: sink.reserve: the expected row count -1 is negative");
  ASSERT_TRUE(sink.Close(t, 3, 0, nullptr).ok());
  EXPECT_EQ(c->reserve(c->self, t, 10), BATON_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace baton

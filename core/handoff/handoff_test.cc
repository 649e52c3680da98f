#include "handoff/handoff.h"

#include <gtest/gtest.h>

#include <optional>

namespace baton {
namespace {

constexpr int64_t kJan1 = 1704067200000;  // 2024-01-01T00:00:00Z

int64_t Hours(double h) {
  return kJan1 + static_cast<int64_t>(h * kMillisPerHour);
}
int64_t Days(double d) { return kJan1 + static_cast<int64_t>(d * kMillisPerDay); }

void Person(Workspace* ws, const char* id, const char* source = "") {
  PersonRow row;
  row.person_id = id;
  row.source = source;
  ASSERT_TRUE(ws->AddPerson(row).ok());
}

void Stage(Workspace* ws, const char* id, const char* stage, int64_t at,
           Disposition d = Disposition::kAdvanced, const char* reason = "") {
  StageRow row;
  row.person_id = id;
  row.stage = ws->stage_map().CodeOf(stage);
  ASSERT_GE(row.stage, 0) << stage;
  row.at = at;
  row.disposition = d;
  row.reason = reason;
  ASSERT_TRUE(ws->AddStage(row).ok());
}

void Touch(Workspace* ws, const char* id, int64_t at, Side side) {
  TouchRow row;
  row.person_id = id;
  row.at = at;
  row.side = side;
  row.channel = side == Side::kSales ? "call" : "email";
  ASSERT_TRUE(ws->AddTouch(row).ok());
}

void WonDeal(Workspace* ws, const char* deal, const char* person, int64_t closed_at,
             int64_t created_at = kNoTime) {
  DealRow row;
  row.deal_id = deal;
  row.person_id = person;
  row.created_at = created_at;
  row.closed_at = closed_at;
  row.is_won = true;
  row.is_closed = true;
  ASSERT_TRUE(ws->AddDeal(row).ok());
}

Table ValueOf(Result<Table> t) {
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : Table();
}

void ExpectInt(const Table& t, const char* name, size_t r, int64_t want) {
  const int c = t.ColumnIndex(name);
  ASSERT_GE(c, 0) << name;
  ASSERT_EQ(t.column(c).type, ColumnType::kInt64) << name;
  ASSERT_FALSE(t.IsNull(c, r)) << name;
  EXPECT_EQ(t.column(c).ints[r], want) << name << " row " << r;
}

void ExpectDouble(const Table& t, const char* name, size_t r,
                  std::optional<double> want) {
  const int c = t.ColumnIndex(name);
  ASSERT_GE(c, 0) << name;
  ASSERT_EQ(t.column(c).type, ColumnType::kFloat64) << name;
  if (!want) {
    EXPECT_TRUE(t.IsNull(c, r)) << name << " row " << r << " should be null, is "
                                << t.CellText(c, r);
    return;
  }
  ASSERT_FALSE(t.IsNull(c, r)) << name << " row " << r << " is null";
  EXPECT_DOUBLE_EQ(t.column(c).doubles[r], *want) << name << " row " << r;
}

void ExpectString(const Table& t, const char* name, size_t r, const std::string& want) {
  const int c = t.ColumnIndex(name);
  ASSERT_GE(c, 0) << name;
  ASSERT_FALSE(t.IsNull(c, r)) << name;
  EXPECT_EQ(t.column(c).strings[r], want) << name << " row " << r;
}

// One expected row of the main table.
struct Row {
  std::string segment;
  int64_t handed_off, worked;
  std::optional<double> median, p90;
  int64_t within_sla;
  std::optional<double> sla_rate;
  int64_t leaked, accepted, rejected;
  std::optional<double> acceptance_rate;
  int64_t recycled, won;
  std::optional<double> rate_to_won;
};

void ExpectRows(const Table& t, const std::vector<Row>& rows) {
  ASSERT_EQ(t.num_columns(), 14u);
  const char* names[] = {"segment", "handed_off", "worked", "response_median_hours",
                         "response_p90_hours", "within_sla", "sla_rate", "leaked",
                         "accepted", "rejected", "acceptance_rate", "recycled",
                         "won", "rate_to_won"};
  for (size_t c = 0; c < 14; ++c) EXPECT_EQ(t.column(c).name, names[c]);
  ASSERT_EQ(t.num_rows(), rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    const Row& w = rows[r];
    ExpectString(t, "segment", r, w.segment);
    ExpectInt(t, "handed_off", r, w.handed_off);
    ExpectInt(t, "worked", r, w.worked);
    ExpectDouble(t, "response_median_hours", r, w.median);
    ExpectDouble(t, "response_p90_hours", r, w.p90);
    ExpectInt(t, "within_sla", r, w.within_sla);
    ExpectDouble(t, "sla_rate", r, w.sla_rate);
    ExpectInt(t, "leaked", r, w.leaked);
    ExpectInt(t, "accepted", r, w.accepted);
    ExpectInt(t, "rejected", r, w.rejected);
    ExpectDouble(t, "acceptance_rate", r, w.acceptance_rate);
    ExpectInt(t, "recycled", r, w.recycled);
    ExpectInt(t, "won", r, w.won);
    ExpectDouble(t, "rate_to_won", r, w.rate_to_won);
  }
}

TEST(Handoff, SlaBoundaryIsInclusiveToTheMillisecond) {
  Workspace ws;
  // a: first sales touch exactly 24h after the MQL -> within the SLA.
  Stage(&ws, "a", "mql", Hours(0));
  Touch(&ws, "a", Hours(24), Side::kSales);
  // b: 24h + 1ms -> worked, but late.
  Stage(&ws, "b", "mql", Hours(0));
  Touch(&ws, "b", Hours(24) + 1, Side::kSales);
  // c: only a marketing touch -> never worked.
  Stage(&ws, "c", "mql", Hours(0));
  Touch(&ws, "c", Hours(1), Side::kMarketing);
  // A sales touch before the hand-off does not answer it.
  Touch(&ws, "c", Hours(-1), Side::kSales);
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(Handoff(ws, HandoffOptions{}));
  // Responses 24h and 24h + 1ms = 24 + 1/3600000 h. numpy: median of two =
  // their mean; p90 = 24 + 0.9 * (1/3600000).
  const double late = 24 + 1.0 / 3600000;
  // Newest data is 24h+1ms after the hand-offs: far from the 30 days a leak
  // needs, so none has leaked yet.
  ExpectRows(t, {{"all", 3, 2, (24 + late) / 2, 24 + 0.9 * (late - 24), 1, 1.0 / 3,
                  0, 0, 0, std::nullopt, 0, 0, 0.0}});
}

TEST(Handoff, LeaksOnlyOnceOldEnoughAndSilent) {
  Workspace ws;
  Stage(&ws, "a", "mql", Days(0));  // silent, 40 days old: leaked
  Stage(&ws, "b", "mql", Days(0));  // sales touch at exactly 30 days: not leaked
  Touch(&ws, "b", Days(30), Side::kSales);
  Stage(&ws, "c", "mql", Days(0));  // accepted only on day 31: leaked
  Stage(&ws, "c", "sal", Days(31), Disposition::kAccepted);
  Stage(&ws, "d", "mql", Days(20));  // 20 days old: not yet a leak
  Stage(&ws, "f", "mql", Days(10));  // exactly 30 days old: leaked
  Touch(&ws, "z", Days(40), Side::kMarketing);  // newest record: day 40
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(Handoff(ws, HandoffOptions{}));
  // 5 hand-offs; b worked after 30 days = 720h (outside the 24h SLA);
  // leaked: a, c, f; c accepted (its next row is sal, accepted).
  ExpectRows(t, {{"all", 5, 1, 720.0, 720.0, 0, 0.0, 3, 1, 0, 1.0, 0, 0, 0.0}});

  // A shorter leak window: 15 days. Now d (20 days old) is eligible and
  // silent too; b's touch (day 30) comes too late for it.
  HandoffOptions o;
  o.leak_after_ms = 15 * kMillisPerDay;
  Table t2 = ValueOf(Handoff(ws, o));
  ExpectInt(t2, "leaked", 0, 5);
}

TEST(Handoff, RecycleAndRequalifyAreTwoHandoffsEachWithItsOwnEpisode) {
  Workspace ws;
  // First hand-off: answered after 2h, then recycled.
  Stage(&ws, "a", "mql", Days(0));
  Touch(&ws, "a", Days(0) + 2 * kMillisPerHour, Side::kSales);
  Stage(&ws, "a", "recycled", Days(10), Disposition::kRecycled, "nurture");
  // Second hand-off: answered after 30 min, accepted, won.
  Stage(&ws, "a", "mql", Days(40));
  Touch(&ws, "a", Days(40) + kMillisPerHour / 2, Side::kSales);
  Stage(&ws, "a", "sal", Days(41), Disposition::kAccepted);
  Stage(&ws, "a", "won", Days(60));
  ASSERT_TRUE(ws.Freeze().ok());

  Result<HandoffEvents> ev = FindHandoffs(ws, HandoffOptions{});
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  ASSERT_EQ(ev->size(), 2u);
  EXPECT_EQ(ev->at[0], Days(0));
  EXPECT_EQ(ev->response_ms[0], 2 * kMillisPerHour);
  EXPECT_EQ(ev->outcome[0], static_cast<uint8_t>(HandoffOutcome::kRecycled));
  EXPECT_EQ(ev->won[0], 0);  // the win belongs to the later hand-off
  EXPECT_EQ(ev->at[1], Days(40));
  EXPECT_EQ(ev->response_ms[1], kMillisPerHour / 2);
  EXPECT_EQ(ev->outcome[1], static_cast<uint8_t>(HandoffOutcome::kAccepted));
  EXPECT_EQ(ev->won[1], 1);

  // Responses 0.5h and 2h: median 1.25, p90 = 0.5 + 0.9 * 1.5 = 1.85.
  Table t = ValueOf(Handoff(ws, HandoffOptions{}));
  ExpectRows(t, {{"all", 2, 2, 1.25, 1.85, 2, 1.0, 0, 1, 0, 1.0, 1, 1, 0.5}});
}

TEST(Handoff, SalesTouchAfterTheNextHandoffAnswersOnlyThatOne) {
  Workspace ws;
  Stage(&ws, "a", "mql", Days(0));
  Stage(&ws, "a", "recycled", Days(5));  // stage recycled, disposition advanced
  Stage(&ws, "a", "mql", Days(10));
  Touch(&ws, "a", Days(10) + kMillisPerHour, Side::kSales);
  ASSERT_TRUE(ws.Freeze().ok());
  Result<HandoffEvents> ev = FindHandoffs(ws, HandoffOptions{});
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->size(), 2u);
  EXPECT_EQ(ev->response_ms[0], kNotWorked);
  EXPECT_EQ(ev->outcome[0], static_cast<uint8_t>(HandoffOutcome::kRecycled));
  EXPECT_EQ(ev->response_ms[1], kMillisPerHour);
  // Nothing is 30 days old (newest record: day 10 + 1h): no leaks.
  Table t = ValueOf(Handoff(ws, HandoffOptions{}));
  ExpectRows(t, {{"all", 2, 1, 1.0, 1.0, 1, 0.5, 0, 0, 0, std::nullopt, 1, 0, 0.0}});
}

TEST(Handoff, RejectionsBySegmentWithReasons) {
  Workspace ws;
  Person(&ws, "a", "ads");
  Person(&ws, "b", "ads");
  Person(&ws, "c", "ads");
  Person(&ws, "d", "ads");
  Person(&ws, "e");
  Person(&ws, "f", "web");
  Stage(&ws, "a", "mql", Days(0));
  Stage(&ws, "a", "rejected", Days(1), Disposition::kRejected, "bad fit");
  Stage(&ws, "b", "mql", Days(0));
  Stage(&ws, "b", "rejected", Days(1), Disposition::kRejected, "bad fit");
  // A rejection recorded on a sal row, without a reason.
  Stage(&ws, "c", "mql", Days(0));
  Stage(&ws, "c", "sal", Days(1), Disposition::kRejected);
  Stage(&ws, "d", "mql", Days(0));
  Stage(&ws, "d", "sal", Days(1), Disposition::kAccepted);
  Stage(&ws, "e", "mql", Days(0));
  Stage(&ws, "e", "rejected", Days(2), Disposition::kRejected, "duplicate");
  // Stage "rejected" with the default disposition is a rejection too.
  Stage(&ws, "f", "mql", Days(0));
  Stage(&ws, "f", "rejected", Days(3), Disposition::kAdvanced, "no budget");
  ASSERT_TRUE(ws.Freeze().ok());
  HandoffOptions o;
  o.by = "source";

  // ads: 4 hand-offs, 1 accepted, 3 rejected -> 1/4; web and (none): one
  // rejection each -> 0.
  Table t = ValueOf(Handoff(ws, o));
  ExpectRows(t, {{"ads", 4, 0, std::nullopt, std::nullopt, 0, 0.0, 0, 1, 3, 0.25, 0, 0, 0.0},
                 {"web", 1, 0, std::nullopt, std::nullopt, 0, 0.0, 0, 0, 1, 0.0, 0, 0, 0.0},
                 {"(none)", 1, 0, std::nullopt, std::nullopt, 0, 0.0, 0, 0, 1, 0.0, 0, 0, 0.0}});

  // ads: bad fit 2 of 3, (no reason) 1 of 3; web: no budget 1 of 1;
  // (none): duplicate 1 of 1.
  Table r = ValueOf(HandoffReasons(ws, o));
  ASSERT_EQ(r.num_columns(), 4u);
  ASSERT_EQ(r.num_rows(), 4u);
  const struct {
    const char* segment;
    const char* reason;
    int64_t rejected;
    double share;
  } want[] = {{"ads", "bad fit", 2, 2.0 / 3},
              {"ads", "(no reason)", 1, 1.0 / 3},
              {"web", "no budget", 1, 1.0},
              {"(none)", "duplicate", 1, 1.0}};
  for (size_t i = 0; i < 4; ++i) {
    ExpectString(r, "segment", i, want[i].segment);
    ExpectString(r, "reason", i, want[i].reason);
    ExpectInt(r, "rejected", i, want[i].rejected);
    ExpectDouble(r, "share", i, want[i].share);
  }
}

TEST(Handoff, ReasonTiesSortByName) {
  Workspace ws;
  Stage(&ws, "a", "mql", Days(0));
  Stage(&ws, "a", "rejected", Days(1), Disposition::kRejected, "timing");
  Stage(&ws, "b", "mql", Days(0));
  Stage(&ws, "b", "rejected", Days(1), Disposition::kRejected, "budget");
  ASSERT_TRUE(ws.Freeze().ok());
  Table r = ValueOf(HandoffReasons(ws, HandoffOptions{}));
  ASSERT_EQ(r.num_rows(), 2u);
  ExpectString(r, "reason", 0, "budget");
  ExpectString(r, "reason", 1, "timing");
  ExpectDouble(r, "share", 0, 0.5);
}

TEST(Handoff, ResponseBucketsSplitAtEachBoundary) {
  Workspace ws;
  // Responses and buckets: 0 and 1h-1ms -> <1h; 1h -> 1-4h; 4h -> 4-24h;
  // 24h and 72h-1ms -> 1-3d; 72h -> >3d; one never worked.
  const int64_t responses[] = {0,
                               kMillisPerHour - 1,
                               kMillisPerHour,
                               4 * kMillisPerHour,
                               24 * kMillisPerHour,
                               72 * kMillisPerHour - 1,
                               72 * kMillisPerHour};
  const char* ids[] = {"r0", "r1", "r2", "r3", "r4", "r5", "r6"};
  for (int i = 0; i < 7; ++i) {
    Stage(&ws, ids[i], "mql", Days(0));
    Touch(&ws, ids[i], Days(0) + responses[i], Side::kSales);
  }
  Stage(&ws, "never", "mql", Days(0));
  // Wins: r0 (the instant answer) and the never-worked one.
  Stage(&ws, "r0", "won", Days(5));
  Stage(&ws, "never", "won", Days(5));
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(HandoffByResponse(ws, HandoffOptions{}));
  ASSERT_EQ(t.num_columns(), 5u);
  ASSERT_EQ(t.num_rows(), 6u);
  const struct {
    const char* bucket;
    int64_t handed, won;
    std::optional<double> rate;
  } want[] = {{"<1h", 2, 1, 0.5}, {"1-4h", 1, 0, 0.0}, {"4-24h", 1, 0, 0.0},
              {"1-3d", 2, 0, 0.0}, {">3d", 1, 0, 0.0},  {"never", 1, 1, 1.0}};
  for (size_t i = 0; i < 6; ++i) {
    ExpectString(t, "segment", i, "all");
    ExpectString(t, "bucket", i, want[i].bucket);
    ExpectInt(t, "handed_off", i, want[i].handed);
    ExpectInt(t, "won", i, want[i].won);
    ExpectDouble(t, "rate_to_won", i, want[i].rate);
  }
}

TEST(Handoff, EmptyBucketsHaveNullRate) {
  Workspace ws;
  Stage(&ws, "a", "mql", Days(0));
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(HandoffByResponse(ws, HandoffOptions{}));
  ASSERT_EQ(t.num_rows(), 6u);
  ExpectInt(t, "handed_off", 0, 0);
  ExpectDouble(t, "rate_to_won", 0, std::nullopt);
  ExpectInt(t, "handed_off", 5, 1);
  ExpectDouble(t, "rate_to_won", 5, 0.0);
}

TEST(Handoff, WonDealsCountWithinTheEpisode) {
  Workspace ws;
  Stage(&ws, "a", "mql", Days(10));
  WonDeal(&ws, "d1", "a", Days(15));  // after the hand-off: won
  Stage(&ws, "b", "mql", Days(10));
  WonDeal(&ws, "d2", "b", Days(5));  // before it: not credited
  Stage(&ws, "c", "mql", Days(10));
  WonDeal(&ws, "d3", "c", kNoTime, Days(12));  // no close date: created_at
  Stage(&ws, "e", "mql", Days(10));
  WonDeal(&ws, "d4", "e", kNoTime);  // no date at all: the last episode
  ASSERT_TRUE(ws.Freeze().ok());
  Result<HandoffEvents> ev = FindHandoffs(ws, HandoffOptions{});
  ASSERT_TRUE(ev.ok());
  ASSERT_EQ(ev->size(), 4u);
  // People are indexed in first-seen order: a, b, c, e.
  EXPECT_EQ(ev->won[0], 1);
  EXPECT_EQ(ev->won[1], 0);
  EXPECT_EQ(ev->won[2], 1);
  EXPECT_EQ(ev->won[3], 1);
  Table t = ValueOf(Handoff(ws, HandoffOptions{}));
  ExpectInt(t, "won", 0, 3);
  ExpectDouble(t, "rate_to_won", 0, 0.75);
}

TEST(Handoff, AnotherHandoffStageAndSla) {
  Workspace ws;
  Stage(&ws, "a", "mql", Days(0));
  Stage(&ws, "a", "sql", Days(1));
  Touch(&ws, "a", Days(1) + 3 * kMillisPerHour, Side::kSales);
  Stage(&ws, "a", "opportunity", Days(2));
  ASSERT_TRUE(ws.Freeze().ok());
  Result<HandoffOptions> o = ParseHandoffOptions(
      {{"handoff.stage", "SQL"}, {"handoff.sla", "2h"}, {"other.key", "x"}});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->stage, "sql");
  EXPECT_EQ(o->sla_ms, 2 * kMillisPerHour);
  // One hand-off at the sql entry: answered in 3h (late for a 2h SLA),
  // accepted (the next row advances to opportunity).
  Table t = ValueOf(Handoff(ws, *o));
  ExpectRows(t, {{"all", 1, 1, 3.0, 3.0, 0, 0.0, 0, 1, 0, 1.0, 0, 0, 0.0}});
}

TEST(Handoff, OptionErrorsSayWhatIsValid) {
  Result<HandoffOptions> unknown = ParseHandoffOptions({{"handoff.speed", "1"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("handoff.leak_after"), std::string::npos);
  Result<HandoffOptions> bad = ParseHandoffOptions({{"handoff.sla", "soon"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"soon\" is not a duration"), std::string::npos);
  Result<HandoffOptions> leak = ParseHandoffOptions({{"handoff.leak_after", "2w"}});
  ASSERT_TRUE(leak.ok());
  EXPECT_EQ(leak->leak_after_ms, 14 * kMillisPerDay);

  Workspace ws;
  Stage(&ws, "a", "mql", Days(0));
  ASSERT_TRUE(ws.Freeze().ok());
  HandoffOptions o;
  o.stage = "lead";
  Result<Table> t = Handoff(ws, o);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("inquiry, mql, sal, sql, opportunity, won"),
            std::string::npos);
  o = HandoffOptions{};
  o.by = "industry";
  t = Handoff(ws, o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
}

TEST(Handoff, NoHandoffsGiveAnEmptyTableWithAWarning) {
  Workspace ws;
  Stage(&ws, "a", "sql", Days(0));  // skipped mql: not a hand-off
  ASSERT_TRUE(ws.Freeze().ok());
  Table t = ValueOf(Handoff(ws, HandoffOptions{}));
  EXPECT_EQ(t.num_rows(), 0u);
  ASSERT_EQ(t.warnings().size(), 1u);
  EXPECT_NE(t.warnings()[0].find("\"mql\""), std::string::npos);
}

TEST(Handoff, NeedsAFrozenWorkspace) {
  Workspace ws;
  Result<Table> t = Handoff(ws, HandoffOptions{});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace baton

#include "report/report.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "report/html.h"
#include "report/report_test_support.h"

namespace baton {
namespace {

namespace fs = std::filesystem;

constexpr const char* kOdd = "<b>&\"x\"";  // a source name to escape
constexpr const char* kOddEscaped = "&lt;b&gt;&amp;&quot;x&quot;";
constexpr const char* kDot = " \xC2\xB7 ";  // the chart's separator

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path TempDir(const std::string& name) {
  return report_test::TempDir("baton_report_test", name);
}

size_t FilesIn(const fs::path& dir) {
  return static_cast<size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

// Ten people, all entering inquiry on 2025-01-01:
//   p1  web      mql +1d, sal +2d, sql +3d, opportunity +4d, won +5d
//   p2  web      mql +2d, sal +3d, sql +4d
//   p3  web      mql +3d, sal +4d
//   p4  web      mql +4d
//   p5  web      -
//   p6  web      -
//   p7  <b>&"x"  mql +5d, sal +6d, sql +7d, won +9d (skips opportunity)
//   p8  <b>&"x"  mql +6d
//   p9, p10  <b>&"x"  -
void BuildWorkspace(Workspace* ws) {
  ASSERT_NO_FATAL_FAILURE(report_test::AddTenPersonFunnel(
      ws, {"web", "web", "web", "web", "web", "web", kOdd, kOdd, kOdd, kOdd}));
  ws->AddNote("3 rows of <stages.csv> & co. had no reason");
  LoadStat load;
  load.connector = "csv";
  load.table = "people";
  load.file = "people.csv";
  load.rows_read = 1234;
  load.rows_accepted = 1234;
  ws->AddLoadStat(load);
  ASSERT_TRUE(ws->Freeze().ok());
}

std::string Row(const std::vector<std::string>& cells) {
  std::string out = "<tr>";
  for (const std::string& c : cells) out += c;
  return out + "</tr>";
}
std::string Td(const std::string& v) { return "<td>" + v + "</td>"; }
std::string Num(const std::string& v) { return "<td class=\"num\">" + v + "</td>"; }

TEST(HtmlReport, ShowsHandComputedFunnelNumbersEscapedAndOffline) {
  Workspace ws;
  BuildWorkspace(&ws);
  fs::path dir = TempDir("ok");
  const fs::path path = dir / "report.html";
  Status st = WriteHtmlReport(ws, path.string(), {{"report.title", "Q1 <review>"}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  const std::string html = ReadAll(path);

  EXPECT_NE(html.find("<title>Q1 &lt;review&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<h1>Q1 &lt;review&gt;</h1>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find(kOdd), std::string::npos);
  EXPECT_NE(html.find(kOddEscaped), std::string::npos);

  // Overall funnel, reached (skipped stages count as passed):
  //   inquiry 10, mql 6, sal 4 (p1 p2 p3 p7), sql 3 (p1 p2 p7),
  //   opportunity 2 (p1, p7 skipped it), won 2.
  // Conversions: 6/10 = 60.0%, 4/6 = 66.7%, 3/4 = 75.0%, 2/3 = 66.7%,
  // 2/2 = 100.0%.
  for (const std::string& label :
       {std::string(">10") + kDot + "60.0% to mql<",
        std::string(">6") + kDot + "66.7% to sal<",
        std::string(">4") + kDot + "75.0% to sql<",
        std::string(">3") + kDot + "66.7% to opportunity<",
        std::string(">2") + kDot + "100.0% to won<"})
    EXPECT_NE(html.find(label), std::string::npos) << label;

  // By source (segments sorted by name; '<' sorts before 'w').
  // <b>&"x": inquiry 4, advanced to mql 2 (50.0%), won 1 (1/4 = 25.0%);
  //   days inquiry -> mql: 5, 6 -> median 5.5, p90 5 + 0.9 * 1 = 5.9.
  // web: inquiry 6, advanced 4 (66.7%), won 1 (1/6 = 16.7%);
  //   days 1, 2, 3, 4 -> median 2.5, p90 at position 2.7: 3 + 0.7 = 3.7.
  EXPECT_NE(html.find(Row({Td(kOddEscaped), Td("inquiry"), Num("4"), Td("mql"),
                           Num("2"), Num("50.0%"), Num("1"), Num("25.0%"),
                           Num("5.5"), Num("5.9")})),
            std::string::npos);
  EXPECT_NE(html.find(Row({Td("web"), Td("inquiry"), Num("6"), Td("mql"), Num("4"),
                           Num("66.7%"), Num("1"), Num("16.7%"), Num("2.5"),
                           Num("3.7")})),
            std::string::npos);
  // web sal: 3 reached, 2 to sql (66.7%), 1 won (33.3%); days sal -> sql:
  // 1, 1 -> 1.0 and 1.0.
  EXPECT_NE(html.find(Row({Td("web"), Td("sal"), Num("3"), Td("sql"), Num("2"),
                           Num("66.7%"), Num("1"), Num("33.3%"), Num("1.0"),
                           Num("1.0")})),
            std::string::npos);

  // Summary: rows per table, dates, load counts and notes.
  EXPECT_NE(html.find("<tr><td>people</td><td class=\"num\">10</td></tr>"),
            std::string::npos);
  // 6 + 4 + 3 + 2 + 1 + 1 + 5 + 2 + 1 + 1 stage rows = 26.
  EXPECT_NE(html.find("<tr><td>stages</td><td class=\"num\">26</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<b>2025-01-01</b> to <b>2025-01-10</b>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">1,234</td>"), std::string::npos);
  EXPECT_NE(html.find("3 rows of &lt;stages.csv&gt; &amp; co. had no reason"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"#funnel\">Funnel</a>"), std::string::npos);

  // Nothing else left in the folder: the temporary file was renamed.
  EXPECT_EQ(FilesIn(dir), 1u);
  fs::remove_all(dir);
}

TEST(HtmlReport, FunnelByAnotherFieldAndBadOptions) {
  Workspace ws;
  BuildWorkspace(&ws);
  fs::path dir = TempDir("options");
  const std::string path = (dir / "r.html").string();
  // Split by nothing: the table holds the single segment "all".
  ASSERT_TRUE(WriteHtmlReport(ws, path, {{"funnel.by", ""}}).ok());
  const std::string html = ReadAll(path);
  EXPECT_NE(html.find(Row({Td("all"), Td("inquiry"), Num("10"), Td("mql"), Num("6"),
                           Num("60.0%"), Num("2"), Num("20.0%"), Num("3.5"),
                           Num("5.5")})),
            std::string::npos);

  Status st = WriteHtmlReport(ws, path, {{"report.colour", "red"}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("report.colour"), std::string::npos);
  st = WriteHtmlReport(ws, (dir / "x.html").string(), {{"funnel.by", "planet"}});
  EXPECT_EQ(st.code(), StatusCode::kNotFound) << st.ToString();
  EXPECT_FALSE(fs::exists(dir / "x.html"));

  Workspace open;
  EXPECT_EQ(WriteHtmlReport(open, path, {}).code(), StatusCode::kFailedPrecondition);
  fs::remove_all(dir);
}

TEST(HtmlReport, EmptyWorkspaceStillGivesAReport) {
  Workspace ws;
  ASSERT_TRUE(ws.Freeze().ok());
  fs::path dir = TempDir("empty");
  const std::string path = (dir / "r.html").string();
  Status st = WriteHtmlReport(ws, path, {});
  ASSERT_TRUE(st.ok()) << st.ToString();
  const std::string html = ReadAll(path);
  EXPECT_NE(html.find("<tr><td>people</td><td class=\"num\">0</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("The data has no dates."), std::string::npos);
  EXPECT_NE(html.find("No stage entries were loaded"), std::string::npos);
  fs::remove_all(dir);
}

TEST(HtmlReport, MissingFolderIsAnIoErrorNamingThePath) {
  Workspace ws;
  BuildWorkspace(&ws);
  fs::path dir = TempDir("missing");
  const std::string path = (dir / "no" / "such" / "report.html").string();
  Status st = WriteHtmlReport(ws, path, {});
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("No such file or directory"), std::string::npos)
      << st.message();
  EXPECT_FALSE(fs::exists(dir / "no"));
  EXPECT_EQ(FilesIn(dir), 0u);
  fs::remove_all(dir);
}

TEST(WriteFileAtomically, FailedRenameRemovesTheTemporaryFile) {
  fs::path dir = TempDir("rename");
  // A folder where the file should go: the temporary file is written, the
  // rename fails, and the temporary must not stay behind.
  fs::create_directory(dir / "report.html");
  const std::string path = (dir / "report.html").string();
  Status st = WriteFileAtomically(path, "<p>hello</p>");
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
  EXPECT_EQ(FilesIn(dir), 1u);
  EXPECT_TRUE(fs::is_directory(dir / "report.html"));
  fs::remove_all(dir);
}

TEST(WriteFileAtomically, ReplacesTheWholeFile) {
  fs::path dir = TempDir("replace");
  const std::string path = (dir / "out.txt").string();
  ASSERT_TRUE(WriteFileAtomically(path, "a much longer first version\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "short\n").ok());
  EXPECT_EQ(ReadAll(path), "short\n");
  EXPECT_EQ(FilesIn(dir), 1u);
  EXPECT_EQ(WriteFileAtomically("", "x").code(), StatusCode::kInvalidArgument);
  fs::remove_all(dir);
}

TEST(HtmlFormat, CountsPercentagesAndDays) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(-1234), "-1,234");
  EXPECT_EQ(FormatPercent(0.1234), "12.3%");
  EXPECT_EQ(FormatPercent(2.0 / 3), "66.7%");
  EXPECT_EQ(FormatPercent(1), "100.0%");
  EXPECT_EQ(FormatPercent(12.5), "1,250.0%");
  EXPECT_EQ(FormatPercent(std::nan("")), "");
  EXPECT_EQ(FormatNumber(1234.56, 1), "1,234.6");
  EXPECT_EQ(FormatNumber(-0.04, 1), "0.0");
  EXPECT_EQ(FormatNumber(-1234567.891, 2), "-1,234,567.89");
  EXPECT_EQ(HtmlEscape("<b>&\"x\"'"), "&lt;b&gt;&amp;&quot;x&quot;&#39;");
  EXPECT_EQ(HtmlEscape("caf\xC3\xA9"), "caf\xC3\xA9");  // UTF-8 passes through
}

TEST(HtmlFormat, TableFormatsColumnsByNameAndType) {
  Table t("t");
  size_t name = t.AddColumn("channel", ColumnType::kString);
  size_t people = t.AddColumn("people", ColumnType::kInt64);
  size_t rate = t.AddColumn("rate_to_won", ColumnType::kFloat64);
  size_t days = t.AddColumn("median_days", ColumnType::kFloat64);
  size_t cost = t.AddColumn("cost", ColumnType::kFloat64);
  t.AppendString(name, "a&b");
  t.AppendInt(people, 12345);
  t.AppendDouble(rate, 0.25);
  t.AppendDouble(days, 3.25);
  t.AppendNull(cost);
  const std::string html = HtmlTable(t);
  EXPECT_NE(html.find("<th>channel</th><th class=\"num\">people</th><th "
                      "class=\"num\">rate to won</th>"),
            std::string::npos);
  // 3.25 is exactly representable: fixed rounding to one decimal gives 3.2
  // (round half to even on an exact tie).
  EXPECT_NE(html.find(Row({Td("a&amp;b"), Num("12,345"), Num("25.0%"), Num("3.2"),
                           Num("<span class=\"null\">&ndash;</span>")})),
            std::string::npos)
      << html;
}

// The alignment sections on a hand-made workspace:
//   p1 (ads): mql day 0 09:00, sales call day 0 11:00 (2 h: bucket 1-4h),
//             won day 5; touch ads on day -1.
//   p2 (web): mql day 0, never worked; rejected day 2 ("no budget").
// Hand-off overall: 2 handed off, 1 worked, 1 within the 24 h SLA, sla_rate
// 1/2 = 50.0%. Attribution: 1 conversion, all of it to "ads" under every
// model. Spend: ads 200, web 100; ROI ads = (1000 - 200) / 200 = 400.0%.
TEST(HtmlReport, AlignmentSectionsShowHandComputedFigures) {
  Workspace ws;
  const int64_t t0 = 1735722000000;  // 2025-01-01T09:00:00Z
  auto stage = [&](const char* id, const char* name, int64_t at, Disposition d,
                   const char* reason) {
    StageRow r;
    r.person_id = id;
    r.stage = ws.stage_map().CodeOf(name);
    r.at = at;
    r.disposition = d;
    r.reason = reason;
    ASSERT_TRUE(ws.AddStage(r).ok());
  };
  PersonRow p;
  p.person_id = "p1";
  p.source = "ads";
  ASSERT_TRUE(ws.AddPerson(p).ok());
  p.person_id = "p2";
  p.source = "web";
  ASSERT_TRUE(ws.AddPerson(p).ok());
  stage("p1", "mql", t0, Disposition::kAdvanced, "");
  stage("p1", "won", t0 + 5 * kMillisPerDay, Disposition::kAdvanced, "");
  stage("p2", "mql", t0, Disposition::kAdvanced, "");
  stage("p2", "rejected", t0 + 2 * kMillisPerDay, Disposition::kRejected, "no budget");
  TouchRow t;
  t.person_id = "p1";
  t.at = t0 - kMillisPerDay;
  t.channel = "ads";
  ASSERT_TRUE(ws.AddTouch(t).ok());
  t.at = t0 + 2 * kMillisPerHour;
  t.channel = "";
  t.side = Side::kSales;
  ASSERT_TRUE(ws.AddTouch(t).ok());
  DealRow d;
  d.deal_id = "d1";
  d.person_id = "p1";
  d.created_at = t0 + kMillisPerDay;
  d.closed_at = t0 + 5 * kMillisPerDay;
  d.amount = 1000;
  d.is_won = d.is_closed = true;
  d.owner = "kim";
  ASSERT_TRUE(ws.AddDeal(d).ok());
  SpendRow sp;
  sp.channel = "ads";
  sp.amount = 200;
  ASSERT_TRUE(ws.AddSpend(sp).ok());
  sp.channel = "web";
  sp.amount = 100;
  ASSERT_TRUE(ws.AddSpend(sp).ok());
  ASSERT_TRUE(ws.Freeze().ok());

  fs::path dir = TempDir("sections");
  const fs::path path = dir / "report.html";
  Status st = WriteHtmlReport(ws, path.string(), {});
  ASSERT_TRUE(st.ok()) << st.ToString();
  const std::string html = ReadAll(path);
  for (const char* anchor : {"#scorecard", "#funnel", "#handoff", "#attribution", "#spend",
                             "#deals"})
    EXPECT_NE(html.find(std::string("<a href=\"") + anchor + "\">"), std::string::npos)
        << anchor;
  // No targets given: the scorecard says how to add them.
  EXPECT_NE(html.find("No targets were given"), std::string::npos);
  // Hand-off by source: ads 1 handed off, worked, 2.0 h, within SLA.
  EXPECT_NE(html.find("aria-label=\"Hand-offs by response time\""), std::string::npos);
  EXPECT_NE(html.find("<td>no budget</td>"), std::string::npos);
  // Attribution: one conversion, credited to ads.
  EXPECT_NE(html.find("Who gets the credit for 1 conversions (won)"), std::string::npos);
  EXPECT_NE(html.find("credits <b>ads</b> most (100.0%)"), std::string::npos);
  // Spend: ROI of ads is 400.0%, of web -100.0% (spend, no revenue).
  EXPECT_NE(html.find(">400.0%</text>"), std::string::npos);
  EXPECT_NE(html.find(">-100.0%</text>"), std::string::npos);
  // Deals by owner: kim won 1 of 1.
  EXPECT_NE(html.find("<td>kim</td>"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace baton

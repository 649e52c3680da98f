#include "report/xlsx_report.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "funnel/funnel.h"
#include "model/timestamp.h"
#include "report/report_test_support.h"
#include "table/table.h"

namespace baton {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const std::string& name) {
  return report_test::TempDir("baton_xlsx_report_test", name);
}

// The parts of a written workbook (an xlsx file is a zip of XML parts).
class Xlsx {
 public:
  explicit Xlsx(const fs::path& path) {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
    if (!z) return;
    const zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
      zip_stat_t st;
      if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0) continue;
      zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
      if (!f) continue;
      std::string data(static_cast<size_t>(st.size), '\0');
      const zip_int64_t got = zip_fread(f, data.data(), st.size);
      zip_fclose(f);
      if (got == static_cast<zip_int64_t>(st.size)) parts_[st.name] = std::move(data);
    }
    zip_close(z);
  }
  bool Has(const std::string& name) const { return parts_.count(name) > 0; }
  std::string Part(const std::string& name) const {
    auto it = parts_.find(name);
    return it == parts_.end() ? std::string() : it->second;
  }

 private:
  std::map<std::string, std::string> parts_;
};

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static const std::pair<const char*, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool done = false;
      for (const auto& [entity, ch] : kEntities)
        if (s.compare(i, std::strlen(entity), entity) == 0) {
          out += ch;
          i += std::strlen(entity) - 1;
          done = true;
          break;
        }
      if (done) continue;
    }
    out += s[i];
  }
  return out;
}

// The text between the first `open` at or after `from` and the next `close`.
std::string Between(const std::string& s, const std::string& open, const std::string& close,
                    size_t from = 0) {
  size_t a = s.find(open, from);
  if (a == std::string::npos) return "";
  a += open.size();
  size_t b = s.find(close, a);
  return b == std::string::npos ? "" : s.substr(a, b - a);
}

// xl/sharedStrings.xml: the strings in order (<si><t>text</t></si>).
std::vector<std::string> SharedStrings(const std::string& xml) {
  std::vector<std::string> out;
  for (size_t at = xml.find("<si>"); at != std::string::npos; at = xml.find("<si>", at + 1)) {
    const size_t end = xml.find("</si>", at);
    const std::string si = xml.substr(at, end - at);
    const size_t t = si.find("<t");
    const size_t gt = si.find('>', t);
    out.push_back(Unescape(si.substr(gt + 1, si.find("</t>", gt) - gt - 1)));
  }
  return out;
}

// A sheet's cells by reference ("B2"), strings resolved through the shared
// strings, numbers as written in <v>.
std::map<std::string, std::string> Cells(const std::string& sheet_xml,
                                         const std::vector<std::string>& shared) {
  std::map<std::string, std::string> out;
  for (size_t at = sheet_xml.find("<c r=\""); at != std::string::npos;
       at = sheet_xml.find("<c r=\"", at + 1)) {
    const size_t tag_end = sheet_xml.find('>', at);
    const std::string tag = sheet_xml.substr(at, tag_end - at + 1);
    const std::string ref = Between(tag, "<c r=\"", "\"");
    if (tag.back() == '>' && tag[tag.size() - 2] == '/') continue;  // empty cell
    const std::string v = Between(sheet_xml, "<v>", "</v>", tag_end);
    if (tag.find(" t=\"s\"") != std::string::npos)
      out[ref] = shared.at(static_cast<size_t>(std::stoul(v)));
    else
      out[ref] = v;
  }
  return out;
}

std::string CellRef(size_t row, size_t col) {  // zero-based; col < 26
  return std::string(1, static_cast<char>('A' + col)) + std::to_string(row + 1);
}

// The report_test funnel workspace with touches, deals and spend added so
// every analysis but the scorecard (no targets given) has something to show.
// Ten people enter inquiry on 2025-01-01:
//   p1 ads   mql +1d, sal +2d, sql +3d, opportunity +4d, won +5d
//   p2 ads   mql +2d, sal +3d, sql +4d
//   p3 web   mql +3d, sal +4d
//   p4 web   mql +4d
//   p5, p6 web  -
//   p7 web   mql +5d, sal +6d, sql +7d, won +9d (skips opportunity)
//   p8 web   mql +6d
//   p9, p10 web  -
// Touches: p1 ads on day 0 (marketing), a sales call 2 h after its mql;
// p7 web on day 1. Deals: p1 won 1,000 (kim), p7 won 500 (lee), p2 open
// 300 (kim). Spend: ads 200, web 100.
void BuildWorkspace(Workspace* ws) {
  ASSERT_NO_FATAL_FAILURE(report_test::AddTenPersonFunnel(
      ws, {"ads", "ads", "web", "web", "web", "web", "web", "web", "web", "web"}));
  const int64_t t0 = report_test::FunnelStart();
  TouchRow t;
  t.person_id = "p1";
  t.at = t0;
  t.channel = "ads";
  ASSERT_TRUE(ws->AddTouch(t).ok());
  t.at = t0 + kMillisPerDay + 2 * kMillisPerHour;
  t.channel = "";
  t.side = Side::kSales;
  ASSERT_TRUE(ws->AddTouch(t).ok());
  t = TouchRow();
  t.person_id = "p7";
  t.at = t0 + kMillisPerDay;
  t.channel = "web";
  ASSERT_TRUE(ws->AddTouch(t).ok());
  auto deal = [&](const char* id, const char* person, double amount, bool won,
                  const char* owner) {
    DealRow d;
    d.deal_id = id;
    d.person_id = person;
    d.created_at = t0 + 2 * kMillisPerDay;
    if (won) d.closed_at = t0 + 9 * kMillisPerDay;
    d.amount = amount;
    d.is_won = d.is_closed = won;
    d.owner = owner;
    ASSERT_TRUE(ws->AddDeal(d).ok());
  };
  deal("d1", "p1", 1000, true, "kim");
  deal("d2", "p7", 500, true, "lee");
  deal("d3", "p2", 300, false, "kim");
  SpendRow sp;
  sp.channel = "ads";
  sp.amount = 200;
  ASSERT_TRUE(ws->AddSpend(sp).ok());
  sp.channel = "web";
  sp.amount = 100;
  ASSERT_TRUE(ws->AddSpend(sp).ok());
  ASSERT_TRUE(ws->Freeze().ok());
}

TEST(XlsxReport, SheetsChartsAndFunnelCellsMatchTheAnalyses) {
  Workspace ws;
  BuildWorkspace(&ws);
  const fs::path dir = TempDir("ok");
  const fs::path path = dir / "report.xlsx";
  Status st = WriteXlsxReport(ws, path.string(), {{"report.title", "Q1 <review>"}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  // Only the workbook is left: the temporary file was renamed.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  const Xlsx x(path);
  ASSERT_TRUE(x.Has("xl/workbook.xml"));

  // About first, then the analyses in the HTML report's order; no
  // Scorecard sheet since no targets were given.
  const std::string workbook = x.Part("xl/workbook.xml");
  std::vector<std::string> names;
  for (size_t at = workbook.find("<sheet name=\""); at != std::string::npos;
       at = workbook.find("<sheet name=\"", at + 1))
    names.push_back(Between(workbook, "<sheet name=\"", "\"", at));
  EXPECT_EQ(names, (std::vector<std::string>{"About", "Funnel", "Hand-off", "Attribution",
                                             "Spend", "Deals"}));

  // One native chart per analysis sheet, in sheet order, each a clustered
  // bar chart of the right direction drawn from its own sheet.
  struct Expected {
    const char* title;
    const char* dir;
    const char* categories;
  };
  const Expected charts[] = {
      {"People reaching each stage", "col", "Funnel!$B$2:$B$7"},
      {"Hand-offs by time to the first sales touch", "col", "'Hand-off'!$B$2:$B$"},
      {"Credited conversions by model", "bar", "Attribution!$A$2:$A$"},
      {"Return on spend", "bar", "Spend!$A$2:$A$3"},
      {"Deals: won, lost and open", "col", "Deals!$A$2:$A$3"}};
  for (size_t i = 0; i < 5; ++i) {
    const std::string part = "xl/charts/chart" + std::to_string(i + 1) + ".xml";
    ASSERT_TRUE(x.Has(part)) << part;
    const std::string chart = x.Part(part);
    EXPECT_NE(chart.find("<c:barChart>"), std::string::npos) << part;
    EXPECT_NE(chart.find(std::string("<c:barDir val=\"") + charts[i].dir + "\"/>"),
              std::string::npos)
        << part;
    EXPECT_NE(chart.find("<c:grouping val=\"clustered\"/>"), std::string::npos) << part;
    EXPECT_NE(chart.find(std::string("<a:t>") + charts[i].title + "</a:t>"),
              std::string::npos)
        << part;
    EXPECT_NE(chart.find(std::string("<c:f>") + charts[i].categories), std::string::npos)
        << part;
  }
  EXPECT_FALSE(x.Has("xl/charts/chart6.xml"));
  // Attribution: one series per model (8 by default), so 8 <c:ser>.
  const std::string attribution = x.Part("xl/charts/chart3.xml");
  size_t series = 0;
  for (size_t at = attribution.find("<c:ser>"); at != std::string::npos;
       at = attribution.find("<c:ser>", at + 1))
    ++series;
  EXPECT_EQ(series, 8u);

  // The Funnel sheet (the second, sheet2.xml) holds the overall funnel
  // table cell by cell from A1, its header bold and frozen, with an
  // autofilter over it.
  const std::vector<std::string> shared = SharedStrings(x.Part("xl/sharedStrings.xml"));
  const std::string funnel_xml = x.Part("xl/worksheets/sheet2.xml");
  const std::map<std::string, std::string> cells = Cells(funnel_xml, shared);
  Result<FunnelOptions> fo = ParseFunnelOptions({});
  ASSERT_TRUE(fo.ok());
  Result<Table> funnel = Funnel(ws, *fo);
  ASSERT_TRUE(funnel.ok()) << funnel.status().ToString();
  const Table& t = *funnel;
  ASSERT_EQ(t.num_rows(), 6u);
  for (size_t c = 0; c < t.num_columns(); ++c) {
    const Column& col = t.column(c);
    EXPECT_EQ(cells.count(CellRef(0, c)) ? cells.at(CellRef(0, c)) : "", col.name);
    for (size_t r = 0; r < t.num_rows(); ++r) {
      const std::string ref = CellRef(r + 1, c);
      // Nulls and empty strings (the last stage's next_stage) leave the
      // cell empty.
      if (t.IsNull(c, r) || (col.type == ColumnType::kString && col.strings[r].empty())) {
        EXPECT_EQ(cells.count(ref), 0u) << ref;
        continue;
      }
      ASSERT_EQ(cells.count(ref), 1u) << ref;
      if (col.type == ColumnType::kString) {
        EXPECT_EQ(cells.at(ref), col.strings[r]) << ref;
      } else if (col.type == ColumnType::kFloat64) {
        EXPECT_NEAR(std::strtod(cells.at(ref).c_str(), nullptr), col.doubles[r], 1e-12)
            << ref;
      } else {
        EXPECT_EQ(std::strtod(cells.at(ref).c_str(), nullptr),
                  static_cast<double>(col.ints[r]))
            << ref;
      }
    }
  }
  // By hand (skipped stages count as passed): inquiry 10, mql 6, sal 4
  // (p1 p2 p3 p7), sql 3 (p1 p2 p7), opportunity 2 (p1, and p7 who skipped
  // it), won 2. "reached" is column C.
  const char* const reached[] = {"10", "6", "4", "3", "2", "2"};
  for (size_t r = 0; r < 6; ++r) EXPECT_EQ(cells.at(CellRef(r + 1, 2)), reached[r]);
  EXPECT_EQ(cells.at("B2"), "inquiry");
  EXPECT_EQ(cells.at("B7"), "won");
  // The split by source (the report's default) follows below the overall
  // table: a blank row, its caption on row 10, its header on row 11.
  EXPECT_EQ(cells.at("A10"), "By source");
  EXPECT_EQ(cells.at("A11"), "segment");
  EXPECT_NE(funnel_xml.find("state=\"frozen\""), std::string::npos);
  EXPECT_NE(funnel_xml.find("<pane ySplit=\"1\" topLeftCell=\"A2\""), std::string::npos);
  EXPECT_NE(funnel_xml.find("<autoFilter ref=\"A1:J7\"/>"), std::string::npos);
  // A chart is anchored on the sheet.
  EXPECT_NE(funnel_xml.find("<drawing r:id="), std::string::npos);

  // Number formats: counts, money, rates and dates.
  const std::string styles = x.Part("xl/styles.xml");
  for (const char* code : {"#,##0", "#,##0.00", "0.0%", "yyyy-mm-dd hh:mm", "yyyy-mm-dd"})
    EXPECT_NE(styles.find(std::string("formatCode=\"") + code + "\""), std::string::npos)
        << code;

  // About: the title, and the data's dates as real Excel dates:
  // 2025-01-01 is day 20089 after 1970-01-01, + 25569 = serial 45658;
  // the last stage entry, 2025-01-10, is 45667.
  const std::map<std::string, std::string> about =
      Cells(x.Part("xl/worksheets/sheet1.xml"), shared);
  EXPECT_EQ(about.at("A1"), "Q1 <review>");
  EXPECT_EQ(about.at("A3"), "Source");
  EXPECT_EQ(about.at("A5"), "Data from (UTC)");
  EXPECT_EQ(about.at("B5"), "45658");
  EXPECT_EQ(about.at("B6"), "45667");

  // Spend (sheet5): revenue credited to the one touch before each win: ads
  // 1,000 (p1), web 500 (p7). ROI ads = (1000 - 200) / 200 = 4, web =
  // (500 - 100) / 100 = 4, stored as fractions under "0.0%".
  const std::map<std::string, std::string> spend =
      Cells(x.Part("xl/worksheets/sheet5.xml"), shared);
  EXPECT_EQ(spend.at("A1"), "key");
  EXPECT_EQ(spend.at("L1"), "roi");
  EXPECT_EQ(spend.at("A2"), "ads");
  EXPECT_EQ(spend.at("G2"), "1000");
  EXPECT_EQ(spend.at("L2"), "4");
  EXPECT_EQ(spend.at("A3"), "web");
  EXPECT_EQ(spend.at("G3"), "500");
  EXPECT_EQ(spend.at("L3"), "4");
  // Deals by owner (sheet6): kim 2 deals, 1 open (d3), 1 won (d1), 0 lost.
  const std::map<std::string, std::string> deals =
      Cells(x.Part("xl/worksheets/sheet6.xml"), shared);
  EXPECT_EQ(deals.at("A2"), "kim");
  EXPECT_EQ(deals.at("B2"), "2");
  EXPECT_EQ(deals.at("C2"), "1");
  EXPECT_EQ(deals.at("D2"), "1");
  EXPECT_EQ(deals.at("E2"), "0");
  // Attribution (sheet4): the pivot, one column per model, one row per
  // channel; each of the two conversions has one touch, so every model
  // credits 1 to ads and 1 to web.
  const std::map<std::string, std::string> attribution_cells =
      Cells(x.Part("xl/worksheets/sheet4.xml"), shared);
  EXPECT_EQ(attribution_cells.at("A1"), "channel");
  EXPECT_EQ(attribution_cells.at("B1"), "first");
  EXPECT_EQ(attribution_cells.at("I1"), "shapley");
  EXPECT_EQ(attribution_cells.at("A2"), "ads");
  EXPECT_EQ(attribution_cells.at("B2"), "1");
  EXPECT_EQ(attribution_cells.at("I3"), "1");
  if (!std::getenv("BATON_KEEP_TEST_OUTPUT")) fs::remove_all(dir);
}

TEST(XlsxReport, MissingFolderIsAnIoErrorAndLeavesNoTemporaryFile) {
  Workspace ws;
  BuildWorkspace(&ws);
  const fs::path dir = TempDir("missing");
  const fs::path path = dir / "no_such_folder" / "report.xlsx";
  Status st = WriteXlsxReport(ws, path.string(), {});
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find(path.string()), std::string::npos) << st.message();
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 0);
  fs::remove_all(dir);
}

TEST(XlsxReport, FailedRenameRemovesTheWrittenTemporaryFile) {
  Workspace ws;
  BuildWorkspace(&ws);
  const fs::path dir = TempDir("rename");
  // The workbook is written in full under its temporary name, then the
  // rename onto a folder of that name fails (EISDIR).
  const fs::path path = dir / "report.xlsx";
  fs::create_directories(path / "inside");
  Status st = WriteXlsxReport(ws, path.string(), {});
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find("renaming"), std::string::npos) << st.message();
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename());
  EXPECT_EQ(left, std::vector<std::string>{"report.xlsx"});
  EXPECT_TRUE(fs::is_directory(path / "inside"));
  fs::remove_all(dir);
}

TEST(XlsxReport, UnknownReportOptionAndUnfrozenWorkspaceAreRefused) {
  Workspace ws;
  BuildWorkspace(&ws);
  const fs::path dir = TempDir("options");
  Status st = WriteXlsxReport(ws, (dir / "r.xlsx").string(), {{"report.colour", "red"}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("report.colour"), std::string::npos);
  Workspace open;
  st = WriteXlsxReport(open, (dir / "r.xlsx").string(), {});
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  // Neither left a file behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace baton

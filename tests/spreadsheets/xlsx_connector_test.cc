// The xlsx connector, end to end: each test makes a workbook (with
// libxlsxwriter, by hand as a zip of XML parts, or with headless
// LibreOffice), loads it through the plugin host (baton::LoadSource, which
// loads baton-xlsx.so from BATON_PLUGIN_PATH) and checks the Workspace
// against values worked out by hand in the comments. The round trip compares
// the funnel of the bundled sample read from CSV with the same data read
// from one workbook. The cell text rules are tested directly.
#include <gtest/gtest.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cell_text.h"
#include "funnel/funnel.h"
#include "model/workspace.h"
#include "plugin_host/plugin_host.h"
#include "sample/sample.h"
#include "table/table.h"

namespace baton {
namespace {

namespace fs = std::filesystem;

// 2024-01-15T00:00:00Z is 1705276800 s after the epoch (19737 days).
constexpr int64_t kJan15 = 1705276800000;
constexpr int64_t kHour = 3600000;
constexpr int64_t kDay = 86400000;

// ---- cell text ----

TEST(CellText, WholeNumbersHaveNoFraction) {
  EXPECT_EQ(xlsx::FormatNumber(42.0), "42");
  EXPECT_EQ(xlsx::FormatNumber(-3.0), "-3");
  EXPECT_EQ(xlsx::FormatNumber(0.1), "0.1");  // shortest text that reads back
  EXPECT_EQ(xlsx::FormatNumber(1234.5), "1234.5");
  EXPECT_EQ(xlsx::FormatNumber(1e20), "1e+20");  // beyond 2^53: not an integer text
  EXPECT_EQ(xlsx::FormatNumber(1.5e300), "1.5e+300");
}

// The text of Excel serial `serial` (1904 system when `date1904`), or
// "<refused>" when AppendSerialDate returns false.
std::string SerialDate(double serial, bool date1904 = false) {
  std::string s;
  return xlsx::AppendSerialDate(serial, date1904, &s) ? s : "<refused>";
}

TEST(CellText, SerialDatesIn1900System) {
  // Serial 25569 is 1970-01-01; 2024-01-15 is 19737 days later: 45306.
  EXPECT_EQ(SerialDate(45306), "2024-01-15");
  // 0.5 day = 12:00; 0.4323263888... = 10:22:33 (37353 s / 86400).
  EXPECT_EQ(SerialDate(45306 + 37353.0 / 86400), "2024-01-15 10:22:33");
  // Serial 1 is 1900-01-01, 59 is 1900-02-28, 60 is Excel's fictitious
  // 1900-02-29 and 61 is 1900-03-01.
  EXPECT_EQ(SerialDate(1), "1900-01-01");
  EXPECT_EQ(SerialDate(59), "1900-02-28");
  EXPECT_EQ(SerialDate(60), "1900-02-29");
  EXPECT_EQ(SerialDate(61), "1900-03-01");
  // 1.25 ms past midnight rounds to 1 ms.
  EXPECT_EQ(SerialDate(45306 + 0.00125 / 86400), "2024-01-15 00:00:00.001");
  EXPECT_EQ(SerialDate(-1), "<refused>");
}

TEST(CellText, SerialDatesIn1904System) {
  // The 1904 system counts 1462 days fewer: 45306 - 1462 = 43844.
  EXPECT_EQ(SerialDate(43844, true), "2024-01-15");
  EXPECT_EQ(SerialDate(0, true), "1904-01-01");
}

TEST(CellText, DateFormatsAreBuiltInIdsOrCodesWithDateLetters) {
  EXPECT_TRUE(xlsx::IsDateFormat(14, ""));   // m/d/yyyy
  EXPECT_TRUE(xlsx::IsDateFormat(22, ""));   // m/d/yyyy h:mm
  EXPECT_FALSE(xlsx::IsDateFormat(0, ""));   // General
  EXPECT_FALSE(xlsx::IsDateFormat(4, ""));   // #,##0.00
  EXPECT_TRUE(xlsx::IsDateFormat(164, "yyyy-mm-dd hh:mm:ss"));
  EXPECT_TRUE(xlsx::IsDateFormat(165, "[h]:mm"));
  EXPECT_FALSE(xlsx::IsDateFormat(166, "#,##0.00;[Red]-#,##0.00"));
  EXPECT_FALSE(xlsx::IsDateFormat(167, "0.00\" days\""));  // quoted text
  EXPECT_FALSE(xlsx::IsDateFormat(168, "General"));
}

TEST(CellText, EscapedCharactersAreDecoded) {
  // _x000D_ is CR (0x0D); _x005F_ is "_"; _x00E9_ is U+00E9, UTF-8 C3 A9.
  std::string s = "a_x000D_b _x005F_x0041_ caf_x00E9_ _xZZZZ_";
  xlsx::DecodeEscapes(&s);
  EXPECT_EQ(s, "a\rb _x0041_ caf\xC3\xA9 _xZZZZ_");
}

TEST(CellText, CellReferences) {
  int64_t row = 0;
  EXPECT_EQ(xlsx::ColumnOfReference("C7", &row), 2);
  EXPECT_EQ(row, 7);
  EXPECT_EQ(xlsx::ColumnOfReference("AA10", &row), 26);  // 26 letters, then AA
  EXPECT_EQ(xlsx::ColumnOfReference("XFD1", &row), 16383);
  EXPECT_EQ(xlsx::ColumnOfReference("7", &row), -1);
  EXPECT_EQ(xlsx::ColumnName(0), "A");
  EXPECT_EQ(xlsx::ColumnName(27), "AB");
}

// ---- helpers ----

// Writes a zip of (part, content) pairs: a workbook made by hand.
void WriteZip(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& parts) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr);
  for (const auto& [name, content] : parts) {
    zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
    ASSERT_NE(src, nullptr);
    ASSERT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE), 0);
  }
  ASSERT_EQ(zip_close(z), 0);
}

// Replaces one part of an existing zip with edit(old content).
template <typename Edit>
void EditPart(const std::string& path, const std::string& part, Edit edit) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), 0, &err);
  ASSERT_NE(z, nullptr);
  zip_stat_t st;
  ASSERT_EQ(zip_stat(z, part.c_str(), 0, &st), 0) << part;
  std::string content(st.size, '\0');
  zip_file_t* f = zip_fopen(z, part.c_str(), 0);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(zip_fread(f, content.data(), st.size), static_cast<zip_int64_t>(st.size));
  zip_fclose(f);
  const std::string edited = edit(content);
  zip_source_t* src = zip_source_buffer(z, edited.data(), edited.size(), 0);
  ASSERT_GE(zip_file_add(z, part.c_str(), src, ZIP_FL_OVERWRITE), 0);
  ASSERT_EQ(zip_close(z), 0);  // copies `edited` before returning
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

constexpr const char* kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr const char* kRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// The parts of a one-sheet .xlsx named `sheet` with these rows (<row>
// elements) and shared strings (<si> elements).
std::vector<std::pair<std::string, std::string>> XlsxParts(const std::string& sheet,
                                                           const std::string& rows,
                                                           const std::string& strings) {
  return {
      {"xl/workbook.xml", std::string("<workbook xmlns=\"") + kMain + "\" xmlns:r=\"" + kRel +
                              "\"><workbookPr/><sheets><sheet name=\"" + sheet +
                              "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" Type=\"" + std::string(kRel) + "/worksheet\" "
       "Target=\"worksheets/sheet1.xml\"/>"
       "<Relationship Id=\"rId2\" Type=\"" + std::string(kRel) + "/sharedStrings\" "
       "Target=\"sharedStrings.xml\"/></Relationships>"},
      {"xl/sharedStrings.xml", std::string("<sst xmlns=\"") + kMain + "\">" + strings + "</sst>"},
      {"xl/worksheets/sheet1.xml",
       std::string("<worksheet xmlns=\"") + kMain + "\"><sheetData>" + rows +
           "</sheetData></worksheet>"},
  };
}

class XlsxConnector : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("BATON_PLUGIN_PATH", BATON_PLUGIN_DIR, 0);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("baton_xlsx_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::string Put(const std::string& name, const std::string& content) {
    std::ofstream out(dir_ / name, std::ios::binary);
    out << content;
    return Path(name);
  }
  Status Load(const std::string& source,
              const std::map<std::string, std::string>& options = {}) {
    return LoadSource(ws_.get(), source, options, nullptr);
  }
  Status LoadMapping(const std::string& mapping,
                     const std::map<std::string, std::string>& options = {}) {
    return Load(Put("m.toml", mapping), options);
  }
  uint32_t Person(const std::string& id) const {
    uint32_t p = ws_->person_ids().Find(id);
    EXPECT_NE(p, Dictionary::kNotFound) << "no person " << id;
    return p;
  }
  std::string Source(const std::string& id) const {
    return std::string(ws_->labels().Get(ws_->people().source[Person(id)]));
  }
  int64_t CreatedAt(const std::string& id) const {
    return ws_->people().created_at[Person(id)];
  }
  std::string Attribute(const std::string& id, const std::string& key) const {
    uint32_t k = ws_->AttributeKey(key);
    if (k == Dictionary::kNotFound) return "<no attribute " + key + ">";
    return std::string(ws_->labels().Get(ws_->people().attributes.at(k)[Person(id)]));
  }

  void Reset() { ws_ = std::make_unique<Workspace>(); }

  // Loads `mapping`, which must fail with a message naming each of `parts`
  // (the cell, the column, the bad value): what the user needs to fix it.
  void ExpectMappingFailsNaming(const std::string& mapping,
                                const std::vector<std::string>& parts) {
    Status s = LoadMapping(mapping);
    ASSERT_FALSE(s.ok());
    for (const std::string& part : parts)
      EXPECT_NE(s.message().find(part), std::string::npos) << part << " in " << s.message();
  }
  // Loads `mapping` into a fresh workspace with on_error=skip.
  Status LoadSkippingBadRows(const std::string& mapping) {
    Reset();
    return LoadMapping(mapping, {{"on_error", "skip"}});
  }

  fs::path dir_;
  std::unique_ptr<Workspace> ws_ = std::make_unique<Workspace>();
};

// A libxlsxwriter workbook with one sheet; `fill` writes the cells.
template <typename Fill>
void MakeBook(const std::string& path, const char* sheet, Fill fill) {
  lxw_workbook* wb = workbook_new(path.c_str());
  ASSERT_NE(wb, nullptr);
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet);
  fill(wb, ws);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
}

constexpr const char* kPeopleMapping = R"(
[[people]]
file = "book.xlsx"
sheet = "Leads"
person_id = "id"
created_at = "created"
source = "source"
attributes = ["size"]
)";

// ---- cell types, one per test ----

TEST_F(XlsxConnector, SharedStringsAndNumbersFeedPeople) {
  MakeBook(Path("book.xlsx"), "Leads", [](lxw_workbook*, lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "id", nullptr);
    worksheet_write_string(ws, 0, 1, "created", nullptr);
    worksheet_write_string(ws, 0, 2, "source", nullptr);
    worksheet_write_string(ws, 0, 3, "size", nullptr);
    worksheet_write_string(ws, 1, 0, "a", nullptr);
    worksheet_write_string(ws, 1, 1, "2024-01-15", nullptr);  // a date as text
    worksheet_write_string(ws, 1, 2, "webinar", nullptr);
    worksheet_write_number(ws, 1, 3, 250, nullptr);
    worksheet_write_number(ws, 2, 0, 17, nullptr);  // a numeric id
    worksheet_write_string(ws, 2, 1, "2024-01-16T10:00:00Z", nullptr);
    worksheet_write_string(ws, 2, 2, "webinar", nullptr);  // shared with row 2
    worksheet_write_number(ws, 2, 3, 0.1, nullptr);
  });
  Status s = LoadMapping(kPeopleMapping);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Source("a"), "webinar");
  EXPECT_EQ(Source("17"), "webinar");  // 17.0 is the text "17", not "17.0"
  EXPECT_EQ(CreatedAt("a"), kJan15);
  EXPECT_EQ(CreatedAt("17"), kJan15 + kDay + 10 * kHour);
  EXPECT_EQ(Attribute("a", "size"), "250");
  EXPECT_EQ(Attribute("17", "size"), "0.1");
  ASSERT_EQ(ws_->load_stats().size(), 1u);
  EXPECT_EQ(ws_->load_stats()[0].rows_read, 2);
  EXPECT_EQ(ws_->load_stats()[0].file, "book.xlsx[Leads]");
}

TEST_F(XlsxConnector, DateSerialsIn1900SystemBecomeTimestamps) {
  MakeBook(Path("book.xlsx"), "Leads", [](lxw_workbook* wb, lxw_worksheet* ws) {
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd hh:mm:ss");
    lxw_format* builtin = workbook_add_format(wb);
    format_set_num_format_index(builtin, 14);  // m/d/yyyy
    worksheet_write_string(ws, 0, 0, "id", nullptr);
    worksheet_write_string(ws, 0, 1, "created", nullptr);
    worksheet_write_string(ws, 1, 0, "a", nullptr);
    lxw_datetime t = {2024, 1, 15, 10, 22, 33.0};
    worksheet_write_datetime(ws, 1, 1, &t, date);
    worksheet_write_string(ws, 2, 0, "b", nullptr);
    worksheet_write_number(ws, 2, 1, 45306, builtin);  // serial of 2024-01-15
  });
  Status s = LoadMapping(R"(
[[people]]
file = "book.xlsx"
person_id = "id"
created_at = "created"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  // 10:22:33 = 37353 s after midnight.
  EXPECT_EQ(CreatedAt("a"), kJan15 + 37353000);
  EXPECT_EQ(CreatedAt("b"), kJan15);
}

TEST_F(XlsxConnector, DateSerialsIn1904SystemBecomeTimestamps) {
  MakeBook(Path("book.xlsx"), "Leads", [](lxw_workbook* wb, lxw_worksheet* ws) {
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    worksheet_write_string(ws, 0, 0, "id", nullptr);
    worksheet_write_string(ws, 0, 1, "created", nullptr);
    worksheet_write_string(ws, 1, 0, "a", nullptr);
    // 2024-01-15 in the 1904 system: 45306 - 1462 = 43844, plus 6 hours.
    worksheet_write_number(ws, 1, 1, 43844.25, date);
  });
  // This libxlsxwriter has no 1904 switch: set it in workbook.xml.
  EditPart(Path("book.xlsx"), "xl/workbook.xml", [](const std::string& xml) {
    return ReplaceAll(xml, "<workbookPr ", "<workbookPr date1904=\"1\" ");
  });
  Status s = LoadMapping(R"(
[[people]]
file = "book.xlsx"
person_id = "id"
created_at = "created"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(CreatedAt("a"), kJan15 + 6 * kHour);
}

TEST_F(XlsxConnector, BooleansAndCachedFormulaValues) {
  MakeBook(Path("book.xlsx"), "Deals", [](lxw_workbook*, lxw_worksheet* ws) {
    const char* head[] = {"deal", "amount", "won", "closed", "currency"};
    for (int c = 0; c < 5; ++c) worksheet_write_string(ws, 0, c, head[c], nullptr);
    worksheet_write_string(ws, 1, 0, "d1", nullptr);
    worksheet_write_formula_num(ws, 1, 1, "=1000+234.5", nullptr, 1234.5);
    worksheet_write_boolean(ws, 1, 2, 1, nullptr);
    worksheet_write_boolean(ws, 1, 3, 1, nullptr);
    worksheet_write_formula_str(ws, 1, 4, "=\"US\"&\"D\"", nullptr, "USD");
    worksheet_write_string(ws, 2, 0, "d2", nullptr);
    worksheet_write_number(ws, 2, 1, 99, nullptr);
    worksheet_write_boolean(ws, 2, 2, 0, nullptr);
    worksheet_write_boolean(ws, 2, 3, 0, nullptr);
    worksheet_write_string(ws, 2, 4, "USD", nullptr);
  });
  Status s = LoadMapping(R"(
[[deals]]
file = "book.xlsx"
sheet = "deals"
deal_id = "deal"
amount = "amount"
is_won = "won"
is_closed = "closed"
currency = "currency"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  const DealColumns& d = ws_->deals();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_DOUBLE_EQ(d.amount[0], 1234.5);  // the formula's cached value
  EXPECT_DOUBLE_EQ(d.amount[1], 99.0);
  EXPECT_EQ(d.is_won[0], 1);
  EXPECT_EQ(d.is_won[1], 0);
  EXPECT_EQ(d.is_closed[0], 1);
  EXPECT_EQ(ws_->labels().Get(d.currency[0]), "USD");  // cached string result
}

TEST_F(XlsxConnector, EmptyRowsAndSkippedCellsAndHeaderRow3) {
  MakeBook(Path("book.xlsx"), "Leads", [](lxw_workbook*, lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "Leads exported 2024-01-31", nullptr);  // a title
    // Row 2 is empty; the header is row 3 (index 2), with a gap in column B.
    worksheet_write_string(ws, 2, 0, "id", nullptr);
    worksheet_write_string(ws, 2, 2, "created", nullptr);
    worksheet_write_string(ws, 2, 3, "source", nullptr);
    worksheet_write_string(ws, 3, 0, "a", nullptr);
    worksheet_write_string(ws, 3, 2, "2024-01-15", nullptr);
    // Row 5 empty; row 6 has no source (column D missing).
    worksheet_write_string(ws, 5, 0, "b", nullptr);
    worksheet_write_string(ws, 5, 2, "2024-01-16", nullptr);
    worksheet_write_string(ws, 6, 0, "c", nullptr);
    worksheet_write_string(ws, 6, 2, "not a date", nullptr);
    worksheet_write_string(ws, 6, 3, "ads", nullptr);
  });
  const std::string mapping = R"(
[[people]]
file = "book.xlsx"
sheet = "Leads"
header_row = 3
person_id = "id"
created_at = "created"
source = "source"
)";
  // Sheet row 7 (index 6) has a bad date: the host names that row.
  ExpectMappingFailsNaming(mapping, {"book.xlsx[Leads]:7", "created"});

  Status s = LoadSkippingBadRows(mapping);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(CreatedAt("a"), kJan15);
  EXPECT_EQ(CreatedAt("b"), kJan15 + kDay);
  EXPECT_EQ(Source("b"), "");  // the missing cell is empty
  // Rows 4, 6 and 7 are read (2 and 5 are empty); row 7 is rejected.
  ASSERT_EQ(ws_->load_stats().size(), 1u);
  EXPECT_EQ(ws_->load_stats()[0].rows_read, 3);
  EXPECT_EQ(ws_->load_stats()[0].rows_rejected, 1);
}

TEST_F(XlsxConnector, ErrorCellFailsNamingSheetCellAndColumnOrIsSkipped) {
  MakeBook(Path("book.xlsx"), "Leads", [](lxw_workbook*, lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "id", nullptr);
    worksheet_write_string(ws, 0, 1, "note", nullptr);
    worksheet_write_string(ws, 0, 2, "source", nullptr);
    for (int r = 1; r <= 6; ++r) {
      worksheet_write_string(ws, r, 0, ("p" + std::to_string(r)).c_str(), nullptr);
      worksheet_write_string(ws, r, 2, "ads", nullptr);
    }
    // B3 is an error in a column nobody maps: harmless.
    worksheet_write_formula_str(ws, 2, 1, "=NA()", nullptr, "#N/A");
    // C7 (row index 6) is an error in the mapped source column.
    worksheet_write_formula_str(ws, 6, 2, "=NA()", nullptr, "#N/A");
  });
  // libxlsxwriter writes formula strings as t="str"; Excel writes errors t="e".
  EditPart(Path("book.xlsx"), "xl/worksheets/sheet1.xml", [](const std::string& xml) {
    return ReplaceAll(xml, "t=\"str\"", "t=\"e\"");
  });
  const std::string mapping = R"(
[[people]]
file = "book.xlsx"
sheet = "Leads"
person_id = "id"
source = "source"
)";
  ExpectMappingFailsNaming(mapping, {"Leads!C7", "\"source\"", "#N/A", "book.xlsx"});

  Status s = LoadSkippingBadRows(mapping);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Rows 2..7 are read; p6 (row 7) is rejected, p2 (B3 unmapped) is kept.
  ASSERT_EQ(ws_->load_stats().size(), 1u);
  EXPECT_EQ(ws_->load_stats()[0].rows_read, 6);
  EXPECT_EQ(ws_->load_stats()[0].rows_rejected, 1);
  EXPECT_EQ(ws_->person_ids().Find("p6"), Dictionary::kNotFound);
  EXPECT_EQ(Source("p2"), "ads");
  // The rejects file holds the row with its sheet name and row.
  std::ifstream rejects(dir_ / "m.rejects.csv");
  std::stringstream text;
  text << rejects.rdbuf();
  EXPECT_NE(text.str().find("p6"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("book.xlsx[Leads],7"), std::string::npos) << text.str();
}

TEST_F(XlsxConnector, InlineStringsRichTextAndSparseReferences) {
  // Shared string 1 is rich text in two runs plus a phonetic reading that is
  // not part of the text; row 2 uses inline strings, row 4 omits r on cells.
  const std::string strings =
      "<si><t>id</t></si>"
      "<si><r><t>Web</t></r><r><rPr><b/></rPr><t>inar</t></r><rPh><t>x</t></rPh></si>"
      "<si><t>source</t></si>";
  const std::string rows =
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>"
      "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>a</t></is></c>"
      "<c r=\"C2\" t=\"inlineStr\"><is><r><t>Sea</t></r><r><t>rch</t></r></is></c></row>"
      "<row r=\"4\"><c t=\"inlineStr\"><is><t>b</t></is></c><c/>"
      "<c t=\"s\"><v>1</v></c></row>";
  WriteZip(Path("book.xlsx"), XlsxParts("Leads", rows, strings));
  Status s = LoadMapping(R"(
[[people]]
file = "book.xlsx"
person_id = "id"
source = "source"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Source("a"), "Search");
  EXPECT_EQ(Source("b"), "Webinar");  // third cell of row 4 is column C
}

TEST_F(XlsxConnector, MissingSheetAndColumnAreNamed) {
  MakeBook(Path("book.xlsx"), "Leads", [](lxw_workbook*, lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "id", nullptr);
    worksheet_write_string(ws, 1, 0, "a", nullptr);
  });
  Status s = LoadMapping(R"(
[[people]]
file = "book.xlsx"
sheet = "Contacts"
person_id = "id"
)");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no sheet \"Contacts\""), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("\"Leads\""), std::string::npos) << s.message();
  s = LoadMapping(R"(
[[people]]
file = "book.xlsx"
sheet = "Leads"
person_id = "Lead Id"
)");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("\"Lead Id\""), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("book.xlsx[Leads]"), std::string::npos) << s.message();
}

// ---- routing ----

TEST_F(XlsxConnector, CanonicalSheetsAreReadWithoutAMapping) {
  MakeBook(Path("book.xlsx"), "People", [](lxw_workbook* wb, lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "person_id", nullptr);
    worksheet_write_string(ws, 0, 1, "Source", nullptr);  // any case
    worksheet_write_string(ws, 0, 2, "industry", nullptr);  // an attribute
    worksheet_write_string(ws, 1, 0, "a", nullptr);
    worksheet_write_string(ws, 1, 1, "ads", nullptr);
    worksheet_write_string(ws, 1, 2, "retail", nullptr);
    lxw_worksheet* st = workbook_add_worksheet(wb, "stages");
    worksheet_write_string(st, 0, 0, "person_id", nullptr);
    worksheet_write_string(st, 0, 1, "stage", nullptr);
    worksheet_write_string(st, 0, 2, "at", nullptr);
    worksheet_write_string(st, 1, 0, "a", nullptr);
    worksheet_write_string(st, 1, 1, "mql", nullptr);
    worksheet_write_string(st, 1, 2, "2024-01-15", nullptr);
    workbook_add_worksheet(wb, "Notes");  // not a table: ignored
  });
  Status s = Load(Path("book.xlsx"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Source("a"), "ads");
  EXPECT_EQ(Attribute("a", "industry"), "retail");
  ASSERT_EQ(ws_->stages().size(), 1u);
  EXPECT_EQ(ws_->stages().at[0], kJan15);

  Reset();
  s = Load("xlsx:" + Path("book.xlsx"));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_->stages().size(), 1u);
}

TEST_F(XlsxConnector, CanonicalSheetWithoutARequiredColumnIsNamed) {
  MakeBook(Path("book.xlsx"), "Touches", [](lxw_workbook*, lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "person_id", nullptr);
    worksheet_write_string(ws, 0, 1, "channel", nullptr);  // no "at"
    worksheet_write_string(ws, 1, 0, "a", nullptr);
    worksheet_write_string(ws, 1, 1, "ads", nullptr);
  });
  Status s = Load(Path("book.xlsx"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("book.xlsx: sheet \"Touches\" has no column at"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("person_id, channel"), std::string::npos) << s.message();
}

TEST_F(XlsxConnector, MappingMixingCsvAndWorkbookGoesToXlsxConnector) {
  MakeBook(Path("book.xlsx"), "Leads", [](lxw_workbook*, lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "id", nullptr);
    worksheet_write_string(ws, 0, 1, "source", nullptr);
    worksheet_write_string(ws, 1, 0, "a", nullptr);
    worksheet_write_string(ws, 1, 1, "ads", nullptr);
  });
  Put("stages.csv", "id,at\na,2024-01-15\n");
  const std::string mapping = R"(
[[people]]
file = "book.xlsx"
person_id = "id"
source = "source"
[[stages]]
file = "stages.csv"
person_id = "id"
at = "at"
stage = { value = "mql" }
)";
  Status s = LoadMapping(mapping);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Source("a"), "ads");
  ASSERT_EQ(ws_->stages().size(), 1u);
  EXPECT_EQ(ws_->stages().at[0], kJan15);
  ASSERT_EQ(ws_->load_stats().size(), 2u);
  EXPECT_EQ(ws_->load_stats()[0].connector, "xlsx");

  // Forced through the csv connector, the workbook entry is refused clearly.
  Reset();
  s = Load("csv:" + Path("m.toml"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("xlsx connector"), std::string::npos) << s.message();
}

// ---- OpenDocument ----

constexpr const char* kOdsHead =
    "<office:document-content "
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
    "xmlns:calcext=\"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0\">"
    "<office:body><office:spreadsheet>";
constexpr const char* kOdsTail = "</office:spreadsheet></office:body></office:document-content>";

std::string OdsText(const std::string& text) {
  return "<table:table-cell office:value-type=\"string\"><text:p>" + text +
         "</text:p></table:table-cell>";
}

TEST_F(XlsxConnector, OdsRepeatedRowsAndCellsDatesAndErrors) {
  const std::string leads =
      "<table:table table:name=\"Leads\">"
      // Header: id, at, three empty columns (repeated), channel, cost.
      "<table:table-row>" + OdsText("id") + OdsText("at") +
      "<table:table-cell table:number-columns-repeated=\"3\"/>" + OdsText("channel") +
      OdsText("cost") + "</table:table-row>"
      // One row written once, repeated 3 times: 3 touches.
      "<table:table-row table:number-rows-repeated=\"3\">" + OdsText("a") +
      "<table:table-cell office:value-type=\"date\" office:date-value=\"2024-01-15T10:00:00\">"
      "<text:p>15/01/24</text:p></table:table-cell>"
      "<table:table-cell table:number-columns-repeated=\"3\"/>" +
      OdsText("paid<text:s text:c=\"2\"/>search") +
      "<table:table-cell office:value-type=\"currency\" office:value=\"12.5\">"
      "<text:p>$12.50</text:p></table:table-cell></table:table-row>"
      // An error cell in the mapped cost column (row 5).
      "<table:table-row>" + OdsText("b") +
      "<table:table-cell office:value-type=\"date\" office:date-value=\"2024-01-16\"/>"
      "<table:covered-table-cell table:number-columns-repeated=\"3\"/>" + OdsText("ads") +
      "<table:table-cell calcext:value-type=\"error\"><text:p>#DIV/0!</text:p>"
      "</table:table-cell></table:table-row>"
      // A float and a comment that is not cell text (row 6).
      "<table:table-row>" + OdsText("c") +
      "<table:table-cell office:value-type=\"date\" office:date-value=\"2024-01-17\"/>"
      "<table:table-cell table:number-columns-repeated=\"3\"/>" + OdsText("ads") +
      "<table:table-cell office:value-type=\"float\" office:value=\"3\">"
      "<office:annotation><text:p>check</text:p></office:annotation><text:p>3</text:p>"
      "</table:table-cell></table:table-row>"
      // What LibreOffice writes below the data: a million empty rows.
      "<table:table-row table:number-rows-repeated=\"1048570\">"
      "<table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"
      "</table:table>";
  const std::string content = std::string(kOdsHead) +
                              "<table:table table:name=\"Notes\"><table:table-row>" +
                              OdsText("hello") + "</table:table-row></table:table>" + leads +
                              kOdsTail;
  WriteZip(Path("book.ods"), {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
                              {"content.xml", content}});
  const std::string mapping = R"(
[[touches]]
file = "book.ods"
sheet = "leads"
person_id = "id"
at = "at"
channel = "channel"
cost = "cost"
)";
  // Row 5, column G (the 7th: id, at, 3 empty, channel, cost).
  ExpectMappingFailsNaming(mapping, {"Leads!G5", "#DIV/0!"});

  Status s = LoadSkippingBadRows(mapping);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const TouchColumns& t = ws_->touches();
  ASSERT_EQ(t.size(), 4u);  // 3 repeated + row 6
  EXPECT_EQ(t.at[0], kJan15 + 10 * kHour);
  EXPECT_EQ(ws_->labels().Get(t.channel[0]), "paid  search");  // text:s c=2
  EXPECT_DOUBLE_EQ(t.cost[0], 12.5);
  EXPECT_DOUBLE_EQ(t.cost[3], 3.0);
  EXPECT_EQ(t.at[3], kJan15 + 2 * kDay);
  ASSERT_EQ(ws_->load_stats().size(), 1u);
  EXPECT_EQ(ws_->load_stats()[0].rows_read, 5);
  EXPECT_EQ(ws_->load_stats()[0].rows_rejected, 1);
}

TEST_F(XlsxConnector, OdsRepetitionBeyondTheBudgetIsRefused) {
  // 1,048,575 rows of 16,384 cells = 17,179,852,800 cells from a few hundred
  // bytes: far beyond the 64 Mi cells repetition may make, so the load stops
  // with an error at the first such row instead of running for hours.
  const std::string content =
      std::string(kOdsHead) + "<table:table table:name=\"People\"><table:table-row>" +
      OdsText("person_id") +
      "<table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"16383\">"
      "<text:p>h</text:p></table:table-cell></table:table-row>"
      "<table:table-row table:number-rows-repeated=\"1048575\">"
      "<table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"16384\">"
      "<text:p>p</text:p></table:table-cell></table:table-row></table:table>" +
      kOdsTail;
  WriteZip(Path("bomb.ods"), {{"content.xml", content}});
  Status s = LoadMapping(R"(
[[people]]
file = "bomb.ods"
person_id = "person_id"
)");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bomb.ods: content.xml: the sheet repeats rows or cells"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(ws_->person_ids().size(), 0u);
}

// ---- workbooks saved by LibreOffice ----

// A LibreOffice user profile of this process's own, removed at the end of
// the test, so that a running LibreOffice or another test run cannot
// interfere.
fs::path LibreOfficeProfile() {
  return fs::temp_directory_path() / ("baton_lo_profile_" + std::to_string(getpid()));
}
struct RemoveLibreOfficeProfile {
  ~RemoveLibreOfficeProfile() {
    std::error_code ec;
    fs::remove_all(LibreOfficeProfile(), ec);
  }
};

// Converts `csv` to `format` (xlsx or ods) with headless LibreOffice; an
// empty result when it is not installed.
std::string Convert(const fs::path& csv, const std::string& format) {
  if (std::system("command -v soffice >/dev/null 2>&1") != 0) return "";
  const fs::path profile = LibreOfficeProfile();
  const std::string cmd = "timeout 120 soffice --headless --norestore -env:UserInstallation=file://" +
                          profile.string() + " --convert-to " + format + " --outdir " +
                          csv.parent_path().string() + " " + csv.string() +
                          " >/dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  fs::path out = csv;
  out.replace_extension(format);
  return rc == 0 && fs::exists(out) ? out.string() : std::string("<conversion failed>");
}

TEST_F(XlsxConnector, WorkbooksSavedByLibreOffice) {
  RemoveLibreOfficeProfile cleanup;
  // LibreOffice's CSV import makes dates date cells and numbers numbers.
  const std::string csv = Put("leads.csv",
                              "id,created,source,employees\n"
                              "a,2024-01-15,webinar,250\n"
                              "b,2024-01-16 06:00:00,ads,12.5\n");
  for (const std::string format : {"xlsx", "ods"}) {
    SCOPED_TRACE(format);
    const std::string book = Convert(csv, format);
    if (book.empty()) GTEST_SKIP() << "soffice is not installed";
    ASSERT_NE(book, "<conversion failed>");
    Reset();
    Status s = LoadMapping("[[people]]\nfile = \"leads." + format +
                           "\"\nperson_id = \"id\"\ncreated_at = \"created\"\n"
                           "source = \"source\"\nattributes = [\"employees\"]\n");
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(CreatedAt("a"), kJan15);
    EXPECT_EQ(CreatedAt("b"), kJan15 + kDay + 6 * kHour);
    EXPECT_EQ(Source("b"), "ads");
    EXPECT_EQ(Attribute("a", "employees"), "250");
    EXPECT_EQ(Attribute("b", "employees"), "12.5");
  }
}

// ---- round trip: the sample through CSV and through one workbook ----

std::vector<std::vector<std::string>> ReadCsv(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  char c;
  while (in.get(c)) {
    if (quoted) {
      if (c == '"') {
        if (in.peek() == '"') {
          in.get(c);
          field.push_back('"');
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

// "2024-01-15" or "2024-01-15T10:22:33Z" as a datetime; false otherwise.
bool AsDatetime(const std::string& s, lxw_datetime* t) {
  int y, mo, d, h = 0, mi = 0, se = 0;
  char tail = 0;
  if (s.size() == 10 && std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3) {
  } else if (s.size() == 20 && std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo,
                                           &d, &h, &mi, &se) == 6) {
  } else {
    return false;
  }
  *t = lxw_datetime{y, mo, d, h, mi, static_cast<double>(se)};
  return true;
}

// A plain decimal without a leading zero: safe to store as a number.
bool AsNumber(const std::string& s, double* v) {
  if (s.empty() || s.size() > 15) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i >= s.size() || (s[i] == '0' && s.size() > i + 1 && s[i + 1] != '.')) return false;
  bool dot = false;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] == '.' && !dot) dot = true;
    else if (s[j] < '0' || s[j] > '9') return false;
  }
  *v = std::strtod(s.c_str(), nullptr);
  return true;
}

// Writes the sample's CSV files as sheets People, Touches, ... with typed
// cells: dates as date serials, numbers as numbers, booleans as booleans.
void SampleToWorkbook(const fs::path& folder, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  ASSERT_NE(wb, nullptr);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd hh:mm:ss");
  for (const char* table : {"people", "touches", "stages", "deals", "spend"}) {
    std::string sheet = table;
    sheet[0] = static_cast<char>(sheet[0] - 'a' + 'A');
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.c_str());
    const auto rows = ReadCsv(folder / (std::string(table) + ".csv"));
    ASSERT_FALSE(rows.empty());
    for (size_t r = 0; r < rows.size(); ++r) {
      for (size_t c = 0; c < rows[r].size(); ++c) {
        const std::string& v = rows[r][c];
        const auto row = static_cast<lxw_row_t>(r);
        const auto col = static_cast<lxw_col_t>(c);
        lxw_datetime t;
        double n;
        if (v.empty()) continue;
        if (r > 0 && AsDatetime(v, &t)) worksheet_write_datetime(ws, row, col, &t, date);
        else if (r > 0 && AsNumber(v, &n)) worksheet_write_number(ws, row, col, n, nullptr);
        else if (r > 0 && (v == "true" || v == "false"))
          worksheet_write_boolean(ws, row, col, v == "true", nullptr);
        else worksheet_write_string(ws, row, col, v.c_str(), nullptr);
      }
    }
  }
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
}

void ExpectSameTable(const Table& a, const Table& b) {
  ASSERT_EQ(a.num_columns(), b.num_columns());
  ASSERT_EQ(a.num_rows(), b.num_rows());
  for (size_t c = 0; c < a.num_columns(); ++c) {
    EXPECT_EQ(a.column(c).name, b.column(c).name);
    for (size_t r = 0; r < a.num_rows(); ++r)
      EXPECT_EQ(a.CellText(c, r), b.CellText(c, r)) << a.column(c).name << " row " << r;
  }
}

Result<Table> FunnelOf(Workspace* ws) {
  BATON_RETURN_IF_ERROR(ws->Freeze());
  return Funnel(*ws, FunnelOptions{});
}

TEST_F(XlsxConnector, SampleThroughWorkbookGivesTheSameFunnelAsCsv) {
  SampleOptions options;
  options.people = 2000;
  ASSERT_TRUE(WriteSample(dir_.string(), options).ok());
  SampleToWorkbook(dir_, Path("sample.xlsx"));

  Workspace from_csv;
  Status s = LoadSource(&from_csv, Path("sample.toml"), {}, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // The same mapping with each file replaced by its sheet.
  std::ifstream in(dir_ / "sample.toml");
  std::stringstream text;
  text << in.rdbuf();
  std::string mapping = text.str();
  for (const char* table : {"people", "touches", "stages", "deals", "spend"}) {
    std::string sheet = table;
    sheet[0] = static_cast<char>(sheet[0] - 'a' + 'A');
    mapping = ReplaceAll(mapping, "file = \"" + std::string(table) + ".csv\"",
                         "file = \"sample.xlsx\"\nsheet = \"" + sheet + "\"");
  }
  ASSERT_EQ(mapping.find(".csv\""), std::string::npos);
  Workspace from_mapping;
  s = LoadSource(&from_mapping, Put("book.toml", mapping), {}, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  Workspace direct;
  s = LoadSource(&direct, Path("sample.xlsx"), {}, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();

  // Same rows in every table.
  EXPECT_EQ(from_mapping.touches().size(), from_csv.touches().size());
  EXPECT_EQ(from_mapping.stages().size(), from_csv.stages().size());
  EXPECT_EQ(from_mapping.deals().size(), from_csv.deals().size());
  EXPECT_EQ(direct.stages().size(), from_csv.stages().size());
  EXPECT_EQ(direct.deals().size(), from_csv.deals().size());

  Result<Table> csv_funnel = FunnelOf(&from_csv);
  Result<Table> mapped_funnel = FunnelOf(&from_mapping);
  Result<Table> direct_funnel = FunnelOf(&direct);
  ASSERT_TRUE(csv_funnel.ok()) << csv_funnel.status().ToString();
  ASSERT_TRUE(mapped_funnel.ok()) << mapped_funnel.status().ToString();
  ASSERT_TRUE(direct_funnel.ok()) << direct_funnel.status().ToString();
  // 2000 people: the funnel's first stage cannot count more.
  ASSERT_GT(csv_funnel->num_rows(), 0u);
  ExpectSameTable(*csv_funnel, *mapped_funnel);
  ExpectSameTable(*csv_funnel, *direct_funnel);
}

// ---- bad input ----

TEST_F(XlsxConnector, BadFilesGiveClearErrors) {
  MakeBook(Path("good.xlsx"), "Leads", [](lxw_workbook*, lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "person_id", nullptr);
    for (int r = 1; r < 200; ++r)
      worksheet_write_string(ws, r, 0, ("p" + std::to_string(r)).c_str(), nullptr);
  });
  std::ifstream in(Path("good.xlsx"), std::ios::binary);
  std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  Put("truncated.xlsx", good.substr(0, good.size() / 2));
  Status s = Load("xlsx:" + Path("truncated.xlsx"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("truncated.xlsx: not a workbook"), std::string::npos)
      << s.message();

  WriteZip(Path("other.xlsx"), {{"readme.txt", "hello"}});
  s = Load("xlsx:" + Path("other.xlsx"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("neither xl/workbook.xml"), std::string::npos) << s.message();

  auto parts = XlsxParts("People", "<row r=\"1\"><c t=\"s\"><v>0</v></row>",
                         "<si><t>person_id</t></si>");
  WriteZip(Path("malformed.xlsx"), parts);
  s = Load("xlsx:" + Path("malformed.xlsx"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("xl/worksheets/sheet1.xml: malformed XML at line 1"),
            std::string::npos)
      << s.message();

  Put("text.xlsx", "person_id\na\n");
  s = Load("xlsx:" + Path("text.xlsx"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot be read as a zip file"), std::string::npos)
      << s.message();
}

TEST_F(XlsxConnector, DamagedWorkbooksNeverCrash) {
  MakeBook(Path("good.xlsx"), "People", [](lxw_workbook*, lxw_worksheet* ws) {
    worksheet_write_string(ws, 0, 0, "person_id", nullptr);
    worksheet_write_string(ws, 0, 1, "source", nullptr);
    for (int r = 1; r < 300; ++r) {
      worksheet_write_string(ws, r, 0, ("p" + std::to_string(r)).c_str(), nullptr);
      worksheet_write_number(ws, r, 1, r, nullptr);
    }
  });
  std::ifstream in(Path("good.xlsx"), std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  std::mt19937 random(7);
  int failed = 0, loaded = 0;
  for (int round = 0; round < 60; ++round) {
    std::string bad = good;
    if (round % 3 == 0) {
      bad.resize(random() % good.size());  // truncated anywhere
    } else if (round % 3 == 1) {
      for (int k = 0; k < 8; ++k) bad[random() % bad.size()] = static_cast<char>(random());
    } else {
      for (char& c : bad) c = static_cast<char>(random());  // noise
    }
    Put("bad.xlsx", bad);
    Workspace ws;
    Status s = LoadSource(&ws, "xlsx:" + Path("bad.xlsx"), {}, nullptr);
    if (s.ok()) {
      // Flipped bytes in an unused part can leave a readable workbook.
      ++loaded;
      EXPECT_LE(ws.person_ids().size(), 299u);
    } else {
      ++failed;
      EXPECT_NE(s.message().find("bad.xlsx"), std::string::npos) << s.message();
    }
  }
  EXPECT_EQ(failed + loaded, 60);
  // Every noise round (20 of them) fails: noise is never a zip.
  EXPECT_GE(failed, 20);
}

}  // namespace
}  // namespace baton

// The csv connector, end to end: each test writes small CSV files and a
// mapping into its own temporary folder, loads them through the plugin host
// (baton::LoadSource, which loads baton-csv.so from BATON_PLUGIN_PATH) and
// checks the Workspace against values worked out by hand in the comments.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "model/workspace.h"
#include "plugin_host/plugin_host.h"
#include "table/table.h"

namespace baton {
namespace {

namespace fs = std::filesystem;

// 2024-01-01T00:00:00Z is 1704067200 s after the epoch; a day is 86400000 ms.
constexpr int64_t kJan1 = 1704067200000;
constexpr int64_t kDay = 86400000;

class CsvConnector : public ::testing::Test {
 protected:
  void SetUp() override {
    // ctest sets this; a direct run of the binary needs it too.
    setenv("BATON_PLUGIN_PATH", BATON_PLUGIN_DIR, 0);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("baton_csv_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Put(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << content;
    return p.string();
  }
  std::string Slurp(const std::string& name) const {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string MappingPath() const { return (dir_ / "m.toml").string(); }
  Status Load(const std::string& mapping,
              const std::map<std::string, std::string>& options = {},
              const ProgressFn& progress = nullptr) {
    Put("m.toml", mapping);
    return LoadSource(&ws_, MappingPath(), options, progress);
  }

  uint32_t Person(const std::string& id) const {
    uint32_t p = ws_.person_ids().Find(id);
    EXPECT_NE(p, Dictionary::kNotFound) << "no person " << id;
    return p;
  }
  std::string Source(const std::string& id) const {
    return std::string(ws_.labels().Get(ws_.people().source[Person(id)]));
  }
  std::string Attribute(const std::string& id, const std::string& key) const {
    uint32_t k = ws_.AttributeKey(key);
    if (k == Dictionary::kNotFound) return "<no attribute " + key + ">";
    return std::string(ws_.labels().Get(ws_.people().attributes.at(k)[Person(id)]));
  }
  const LoadStat& OnlyStat() const {
    EXPECT_EQ(ws_.load_stats().size(), 1u);
    return ws_.load_stats().front();
  }
  bool HasNoteContaining(const std::string& text) const {
    for (const auto& n : ws_.notes())
      if (n.find(text) != std::string::npos) return true;
    return false;
  }
  std::vector<std::string> FilesInDir() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  Workspace ws_;
};

// ---- mapping features ----

TEST_F(CsvConnector, ConstantsFeedEveryRow) {
  Put("leads.csv",
      "id,first_seen\n"
      "a,2024-01-05\n"
      "b,2024-02-10\n");
  Status s = Load(R"(
[[people]]
file = "leads.csv"
person_id = "id"
source = { value = "webinar" }
[[stages]]
file = "leads.csv"
person_id = "id"
at = "first_seen"
stage = { value = "mql" }
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Source("a"), "webinar");
  EXPECT_EQ(Source("b"), "webinar");
  const StageColumns& st = ws_.stages();
  ASSERT_EQ(st.size(), 2u);
  const int mql = ws_.stage_map().CodeOf("mql");
  EXPECT_EQ(st.stage[0], mql);
  EXPECT_EQ(st.stage[1], mql);
  // 2024-01-05 is Jan 1 + 4 days; 2024-02-10 is Jan 1 + 31 + 9 = 40 days.
  EXPECT_EQ(st.at[0], kJan1 + 4 * kDay);
  EXPECT_EQ(st.at[1], kJan1 + 40 * kDay);
}

TEST_F(CsvConnector, WhereKeepsMatchingRowsAndDoesNotCountTheOthers) {
  Put("touches.csv",
      "id,interaction,at\n"
      "a,conversion,2024-01-01\n"
      "a,visit,2024-01-02\n"
      "b, conversion ,2024-01-03\n"
      "c,click,2024-01-04\n");
  Status s = Load(R"(
[[touches]]
file = "touches.csv"
person_id = "id"
at = "at"
channel = { value = "web" }
where = { interaction = "conversion" }
[[touches]]
file = "touches.csv"
person_id = "id"
at = "at"
channel = { value = "other" }
where = { interaction = ["visit", "click"] }
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Rows 2 and 4 (spaces around " conversion " do not count) pass the first
  // filter, rows 3 and 5 the second: 2 + 2 touches, each entry reading 2.
  ASSERT_EQ(ws_.touches().size(), 4u);
  ASSERT_EQ(ws_.load_stats().size(), 2u);
  for (const LoadStat& stat : ws_.load_stats()) {
    EXPECT_EQ(stat.rows_read, 2);
    EXPECT_EQ(stat.rows_accepted, 2);
    EXPECT_EQ(stat.rows_rejected, 0);
  }
  const uint32_t web = ws_.labels().Find("web");
  EXPECT_EQ(ws_.touches().channel[0], web);
  EXPECT_EQ(ws_.touches().channel[1], web);
  EXPECT_EQ(ws_.touches().at[1], kJan1 + 2 * kDay);  // b's 2024-01-03
  EXPECT_EQ(ws_.touches().at[3], kJan1 + 3 * kDay);  // c's 2024-01-04
}

TEST_F(CsvConnector, ByteOrderMarkIsNotPartOfTheFirstColumnName) {
  Put("people.csv", "\xEF\xBB\xBF" "id,src\na,web\n");
  ASSERT_TRUE(Load("[[people]]\nfile = 'people.csv'\nperson_id = 'id'\nsource = 'src'\n").ok());
  EXPECT_EQ(ws_.num_people(), 1u);
  EXPECT_EQ(Source("a"), "web");
}

TEST_F(CsvConnector, CrlfLineEndsAreNotPartOfTheLastValue) {
  // The filter compares the last column exactly (it trims spaces, not CR),
  // so a CR left on "lead" would drop every row.
  Put("people.csv", "id,kind\r\na,lead\r\nb,lead\r\nc,customer\r\n");
  Status s = Load(R"(
[[people]]
file = "people.csv"
person_id = "id"
where = { kind = "lead" }
attributes = ["kind"]
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 2u);
  EXPECT_EQ(Attribute("b", "kind"), "lead");
  EXPECT_EQ(OnlyStat().rows_read, 2);
}

TEST_F(CsvConnector, SemicolonTabAndPipeDelimitersAreDetected) {
  Put("semi.csv", "id;name;src\na;Smith, John;web\n");
  Put("tab.csv", "id\tname\tsrc\nb\tDoe, Jane\tmail\n");
  Put("pipe.csv", "id|name|src\nc|Roe, Rick|ads\n");
  std::string mapping;
  for (const char* f : {"semi.csv", "tab.csv", "pipe.csv"})
    mapping += std::string("[[people]]\nfile = '") + f +
               "'\nperson_id = 'id'\nsource = 'src'\nattributes = ['name']\n";
  Status s = Load(mapping);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 3u);
  EXPECT_EQ(Attribute("a", "name"), "Smith, John");
  EXPECT_EQ(Attribute("b", "name"), "Doe, Jane");
  EXPECT_EQ(Attribute("c", "name"), "Roe, Rick");
  EXPECT_EQ(Source("c"), "ads");
}

TEST_F(CsvConnector, ExplicitDelimiterWinsOverDetection) {
  // The header has two commas and two pipes: detection would pick the comma.
  Put("p.csv", "id|note, with, commas|src\na|x, y|web\n");
  Status s = Load(R"(
delimiter = ","
[[people]]
file = "p.csv"
delimiter = "|"
person_id = "id"
source = "src"
attributes = { note = "note, with, commas" }
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Source("a"), "web");
  EXPECT_EQ(Attribute("a", "note"), "x, y");
}

TEST_F(CsvConnector, QuotedLineBreaksAndDoubledQuotesReadExactly) {
  Put("notes.csv",
      "id,note,at\n"
      "a,\"line one\nline two\",2024-01-01\n"
      "b,\"She said \"\"hi\"\"\",2024-01-02\n"
      "c,\"x,y\",2024-01-03\n");
  Status s = Load("[[people]]\nfile = 'notes.csv'\nperson_id = 'id'\nattributes = ['note']\n");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 3u);
  EXPECT_EQ(Attribute("a", "note"), "line one\nline two");
  EXPECT_EQ(Attribute("b", "note"), "She said \"hi\"");
  EXPECT_EQ(Attribute("c", "note"), "x,y");
}

TEST_F(CsvConnector, RowNumbersCountRecordsNotLines) {
  // Physical lines: 1 header, 2-3 record a (quoted line break), 4 record b.
  // Records: header = row 1, a = row 2, b = row 3, as a spreadsheet shows.
  Put("notes.csv",
      "id,note,at\n"
      "a,\"line one\nline two\",2024-01-01\n"
      "b,plain,2024-13-01\n");
  Status s = Load("[[stages]]\nfile = 'notes.csv'\nperson_id = 'id'\nat = 'at'\n"
                  "stage = { value = 'mql' }\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("notes.csv:3: column \"at\": \"2024-13-01\""), std::string::npos)
      << s.message();
}

TEST_F(CsvConnector, BlankLinesAreSkippedButKeepTheirRowNumbers) {
  // Rows: 1 header, 2 blank, 3 a, 4 blank, 5 b (bad date).
  Put("p.csv", "id,created\n\na,2024-01-01\n\nb,yesterday\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\ncreated_at = 'created'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("p.csv:5: column \"created\""), std::string::npos) << s.message();
}

TEST_F(CsvConnector, Cp1252IsTranscodedToUtf8) {
  // Windows-1252 bytes: E9 e-acute, FC u-umlaut, 96 en dash, DF sharp s,
  // 80 euro sign, 93/94 curly double quotes.
  Put("p.csv",
      "id,name\n"
      "p1,Caf\xE9 M\xFCller \x96 Stra\xDF" "e\n"
      "p2,\x80 5 \x93quoted\x94\n");
  Status s = Load(R"(
encoding = "cp1252"
[[people]]
file = "p.csv"
person_id = "id"
attributes = ["name"]
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Attribute("p1", "name"), "Café Müller – Straße");
  EXPECT_EQ(Attribute("p2", "name"), "€ 5 “quoted”");
}

TEST_F(CsvConnector, Cp1252UndefinedByteIsAnErrorWithRowAndColumn) {
  Put("p.csv", "id,name\np1,ok\np2,bad\x81" "byte\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\nencoding = 'windows-1252'\n"
                  "person_id = 'id'\nattributes = ['name']\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("p.csv:3: column \"name\": byte 0x81 is not a character in "
                             "Windows-1252"),
            std::string::npos)
      << s.message();
}

TEST_F(CsvConnector, InvalidUtf8IsAnErrorThatSuggestsCp1252) {
  Put("p.csv", "id,name\np1,Caf\xE9\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\nattributes = ['name']\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("p.csv:2: column \"name\": invalid UTF-8 (byte 0xE9 at byte 4"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("encoding = \"cp1252\""), std::string::npos);
}

TEST_F(CsvConnector, AttributesAsListAndAsTable) {
  Put("acc.csv",
      "Id,Industry,Employees\n"
      "a,Retail,50\n"
      "b,Software,\n");
  Status s = Load(R"(
[[people]]
file = "acc.csv"
person_id = "Id"
attributes = ["Industry"]
[[people]]
file = "acc.csv"
person_id = "Id"
attributes = { sector = "Industry", size = "Employees", tier = { value = "gold" } }
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 2u);
  EXPECT_EQ(Attribute("a", "Industry"), "Retail");
  EXPECT_EQ(Attribute("b", "Industry"), "Software");
  EXPECT_EQ(Attribute("a", "sector"), "Retail");
  EXPECT_EQ(Attribute("a", "size"), "50");
  EXPECT_EQ(Attribute("b", "size"), "");  // empty cell: missing
  EXPECT_EQ(Attribute("b", "tier"), "gold");
}

TEST_F(CsvConnector, StageMapOverridesAndExtendsTheDefaults) {
  // Defaults: "Working - Contacted" -> sal, "Nurture" -> recycled, and
  // "Demo Booked" is unknown. The mapping moves the first to sql, ignores
  // the second and adds the third as opportunity.
  Put("st.csv",
      "id,Status,at\n"
      "a,Working - Contacted,2024-01-01\n"
      "b,Nurture,2024-01-02\n"
      "c,Demo Booked,2024-01-03\n"
      "d,MQL,2024-01-04\n");
  Status s = Load(R"(
[stage_map]
"Working - Contacted" = "sql"
"Nurture" = "ignore"
"Demo Booked" = "opportunity"
[[stages]]
file = "st.csv"
person_id = "id"
stage = "Status"
at = "at"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  const StageMap& m = ws_.stage_map();
  const StageColumns& st = ws_.stages();
  ASSERT_EQ(st.size(), 3u);  // b's row maps to "ignore"
  EXPECT_EQ(st.stage[0], m.CodeOf("sql"));
  EXPECT_EQ(st.stage[1], m.CodeOf("opportunity"));
  EXPECT_EQ(st.stage[2], m.CodeOf("mql"));
  EXPECT_EQ(OnlyStat().rows_read, 4);
  EXPECT_EQ(OnlyStat().rows_accepted, 4);
}

TEST_F(CsvConnector, FunnelReplacesTheDefaultStages) {
  Put("st.csv",
      "id,stage,at\n"
      "a,lead,2024-01-01\n"
      "a,meeting,2024-01-02\n"
      "b,lost,2024-01-03\n");
  Status s = Load(R"(
[funnel]
stages = ["lead", "meeting", "won"]
exits = ["lost"]
[[stages]]
file = "st.csv"
person_id = "id"
stage = "stage"
at = "at"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  const StageMap& m = ws_.stage_map();
  EXPECT_EQ(m.num_funnel(), 3);
  EXPECT_EQ(m.num_stages(), 4);
  EXPECT_EQ(m.CodeOf("mql"), StageMap::kUnknown);
  ASSERT_EQ(ws_.stages().size(), 3u);
  // Codes follow the funnel order, exits after it: lead 0, meeting 1, lost 3.
  EXPECT_EQ(ws_.stages().stage[0], 0);
  EXPECT_EQ(ws_.stages().stage[1], 1);
  EXPECT_EQ(ws_.stages().stage[2], 3);
}

TEST_F(CsvConnector, PathsWithSeparator) {
  Put("paths.csv",
      "path,total_conversions,total_conversion_value,total_null\n"
      "alpha | beta,2,10.5,1\n"
      "beta,0,0,4\n");
  Status s = Load(R"(
[[paths]]
file = "paths.csv"
path = "path"
conversions = "total_conversions"
value = "total_conversion_value"
nulls = "total_null"
separator = "|"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  const PathColumns& p = ws_.paths();
  ASSERT_EQ(p.size(), 2u);
  ASSERT_EQ(p.offsets, (std::vector<uint32_t>{0, 2, 3}));
  EXPECT_EQ(ws_.labels().Get(p.channels[0]), "alpha");
  EXPECT_EQ(ws_.labels().Get(p.channels[1]), "beta");
  EXPECT_EQ(p.channels[2], p.channels[1]);
  EXPECT_DOUBLE_EQ(p.conversions[0], 2);
  EXPECT_DOUBLE_EQ(p.value[0], 10.5);
  EXPECT_DOUBLE_EQ(p.nulls[1], 4);
}

TEST_F(CsvConnector, ForeignTablesAreIgnored) {
  Put("p.csv", "id\na\n");
  Status s = Load(R"(
[scorecard]
mql_target = 100
[report]
title = "Q1"
[[people]]
file = "p.csv"
person_id = "id"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 1u);
}

TEST_F(CsvConnector, MappingSavedWithByteOrderMarkLoads) {
  Put("p.csv", "Soci\xC3\xA9t\xC3\xA9\na\n");  // column "Société" in UTF-8
  Status s = Load("\xEF\xBB\xBF[[people]]\nfile = 'p.csv'\nperson_id = 'Société'\n");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 1u);
}

TEST_F(CsvConnector, HeaderOnlyFileLoadsZeroRows) {
  Put("p.csv", "id,src\n");
  ASSERT_TRUE(Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\n").ok());
  EXPECT_EQ(ws_.num_people(), 0u);
  EXPECT_EQ(OnlyStat().rows_read, 0);
}

TEST_F(CsvConnector, RelativePathsAreRelativeToTheMappingFolder) {
  Put("data/p.csv", "id\na\nb\n");
  Put("conf/m.toml", "[[people]]\nfile = '../data/p.csv'\nperson_id = 'id'\n");
  Status s = LoadSource(&ws_, (dir_ / "conf" / "m.toml").string(), {}, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 2u);
}

// ---- on_error = "skip" ----

TEST_F(CsvConnector, SkipModeCountsRejectsAndWritesThem) {
  Put("people.csv",
      "id,created,src\n"
      "a,2024-01-01,web\n"
      "b,not a date,web\n"
      "c,2024-01-03\n"
      "d,2024-01-04,\"mail\"\n");
  Status s = Load(R"(
on_error = "skip"
rejects = "bad.csv"
[[people]]
file = "people.csv"
person_id = "id"
created_at = "created"
source = "src"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Rows 3 (bad date) and 4 (two fields for three columns) are rejected.
  EXPECT_EQ(ws_.num_people(), 2u);
  EXPECT_EQ(Source("d"), "mail");
  const LoadStat& stat = OnlyStat();
  EXPECT_EQ(stat.rows_read, 4);
  EXPECT_EQ(stat.rows_accepted, 2);
  EXPECT_EQ(stat.rows_rejected, 2);
  EXPECT_EQ(stat.rejects_file, (dir_ / "bad.csv").string());
  EXPECT_TRUE(HasNoteContaining("people.csv: 2 of 4 rows rejected"));

  std::istringstream rejects(Slurp("bad.csv"));
  std::string line;
  std::getline(rejects, line);
  EXPECT_EQ(line, "id,created,src,_file,_row,_error");
  std::getline(rejects, line);
  EXPECT_EQ(line.rfind("b,not a date,web,people.csv,3,\"people.csv:3: column \"\"created\"\": "
                       "\"\"not a date\"\" is not a date",
                       0),
            0u)
      << line;
  std::getline(rejects, line);
  EXPECT_EQ(line,
            "c,2024-01-03,,people.csv,4,\"people.csv:4: 2 fields, but the header has 3 "
            "columns; a value holding the delimiter or a line break must be quoted\"");
  EXPECT_FALSE(std::getline(rejects, line));
  // Written under a temporary name and renamed: nothing else is left.
  EXPECT_EQ(FilesInDir(), (std::vector<std::string>{"bad.csv", "m.toml", "people.csv"}));
}

TEST_F(CsvConnector, SkipModeDefaultRejectsFileAndExtraFields) {
  // Default rejects file: <mapping stem>.rejects.csv beside the mapping.
  Put("p.csv", "id,src\na,web\nb,web,surplus,more\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\non_error = 'skip'\nperson_id = 'id'\n");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(OnlyStat().rejects_file, (dir_ / "m.rejects.csv").string());
  EXPECT_EQ(Slurp("m.rejects.csv"),
            "id,src,_file,_row,_error\n"
            "b,web,p.csv,3,\"p.csv:3: 4 fields, but the header has 2 columns; a value "
            "holding the delimiter or a line break must be quoted; fields past the "
            "header's 2: \"\"surplus\"\", \"\"more\"\"\"\n");
}

TEST_F(CsvConnector, SkipModeGivesEachHeaderItsOwnRejectsFile) {
  Put("p.csv", "id,created\na,never\n");
  Put("t.csv", "who,at\nb,later\n");
  Status s = Load(R"(
on_error = "skip"
[[people]]
file = "p.csv"
person_id = "id"
created_at = "created"
[[touches]]
file = "t.csv"
person_id = "who"
at = "at"
)");
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(ws_.load_stats().size(), 2u);
  EXPECT_EQ(ws_.load_stats()[0].rejects_file, (dir_ / "m.rejects.csv").string());
  EXPECT_EQ(ws_.load_stats()[1].rejects_file, (dir_ / "m.rejects.2.csv").string());
  EXPECT_EQ(Slurp("m.rejects.2.csv").rfind("who,at,_file,_row,_error\nb,later,t.csv,2,", 0), 0u);
}

TEST_F(CsvConnector, OptionOverridesOnError) {
  Put("p.csv", "id,created\na,never\nb,2024-01-01\n");
  Put("m.toml", "[[people]]\nfile = 'p.csv'\nperson_id = 'id'\ncreated_at = 'created'\n");
  Status s = LoadSource(&ws_, MappingPath(), {{"on_error", "skip"}}, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(OnlyStat().rows_rejected, 1);
  EXPECT_EQ(ws_.num_people(), 1u);
}

// ---- bad inputs ----

TEST_F(CsvConnector, UnterminatedQuoteIsAnError) {
  // A file cut off inside a quoted value.
  Put("p.csv", "id,note\na,fine\nb,\"starts here\nand never ends\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\nattributes = ['note']\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("p.csv:3: column \"note\": a quoted value is not closed before "
                             "the end of the file"),
            std::string::npos)
      << s.message();
}

TEST_F(CsvConnector, RaggedRowIsAnError) {
  Put("p.csv", "id,src\na,web\nb,web,extra\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(s.message().rfind("p.csv:3: 3 fields, but the header has 2 columns", 0), 0u)
      << s.message();
}

TEST_F(CsvConnector, TextAfterClosingQuoteIsAnError) {
  Put("p.csv", "id,note\na,\"12\"\" screen\"\nb,\"12\" screen\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\nattributes = ['note']\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("p.csv:3: column \"note\": text follows the closing quote"),
            std::string::npos)
      << s.message();
}

TEST_F(CsvConnector, UnknownColumnNamesTheEntryAndListsTheColumns) {
  Put("olist_marketing_qualified_leads_dataset.csv",
      "mql_id,first_contact_date,landing_page_id,origin\nx,2018-01-01,p,social\n");
  Status s = Load(
      "[[people]]\n"
      "file = 'olist_marketing_qualified_leads_dataset.csv'\n"
      "person_id = 'mql_idx'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), MappingPath() +
                             ":1: [[people]] #1: column \"mql_idx\" (person_id) is not in "
                             "olist_marketing_qualified_leads_dataset.csv; columns are: "
                             "mql_id, first_contact_date, landing_page_id, origin");
  EXPECT_EQ(ws_.num_people(), 0u);  // checked before any row was loaded
}

TEST_F(CsvConnector, ColumnNamesAreCaseSensitiveWithAHint) {
  Put("p.csv", "Email,Id\nx@y.z,1\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("(did you mean \"Id\"? names are case-sensitive)"),
            std::string::npos)
      << s.message();
}

TEST_F(CsvConnector, UnknownFieldIsRejectedByTheSinkWithTheValidFields) {
  Put("p.csv", "id,name\na,x\n");
  Status s = Load("\n[[people]]\nfile = 'p.csv'\nperson_id = 'id'\nnickname = 'name'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind(MappingPath() + ":2: [[people]] #1: p.csv: \"nickname\" is not "
                                              "a field of people; fields are person_id",
                              0),
            0u)
      << s.message();
}

TEST_F(CsvConnector, BadDateNamesFileRowAndColumn) {
  Put("people.csv", "id,created\na,2024-01-01\nb,31/12/2024\n");
  Status s = Load("[[people]]\nfile = 'people.csv'\nperson_id = 'id'\ncreated_at = 'created'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(s.message().rfind("people.csv:3: column \"created\": \"31/12/2024\" is not a date", 0),
            0u)
      << s.message();
}

TEST_F(CsvConnector, EmptyFileIsAnError) {
  Put("p.csv", "");
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("p.csv: the file is empty (no header row)"), std::string::npos)
      << s.message();
}

TEST_F(CsvConnector, MissingFileIsNotFoundWithThePath) {
  Status s = Load("[[people]]\nfile = 'nowhere.csv'\nperson_id = 'id'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find((dir_ / "nowhere.csv").string()), std::string::npos) << s.message();
}

TEST_F(CsvConnector, MissingMappingIsNotFound) {
  Status s = LoadSource(&ws_, (dir_ / "absent.toml").string(), {}, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
  EXPECT_NE(s.message().find("absent.toml"), std::string::npos);
}

TEST_F(CsvConnector, InvalidTomlNamesTheLine) {
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = \"unclosed\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(s.message().rfind(MappingPath() + ":3:", 0), 0u) << s.message();
  EXPECT_NE(s.message().find("not valid TOML"), std::string::npos);
}

TEST_F(CsvConnector, UnknownTopLevelKeyIsNamedWithItsLine) {
  Status s = Load("# settings\nencoding = 'utf-8'\ncolour = 'red'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind(MappingPath() + ":3: unknown key \"colour\"", 0), 0u)
      << s.message();
}

TEST_F(CsvConnector, BadSettingValueIsNamed) {
  Put("p.csv", "id\na\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\nencoding = 'ebcdic'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), MappingPath() +
                             ":4: [[people]] #1: encoding \"ebcdic\" is not supported; use "
                             "\"utf-8\" or \"cp1252\"");
}

TEST_F(CsvConnector, ColumnTwiceInTheHeaderIsAmbiguous) {
  Put("p.csv", "id,src,id\na,web,b\n");
  Status s = Load("[[people]]\nfile = 'p.csv'\nperson_id = 'id'\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("column \"id\" (person_id) appears 2 times in the header of p.csv "
                             "(columns 1 and 3)"),
            std::string::npos)
      << s.message();
}

// ---- progress, blocks, registry ----

TEST_F(CsvConnector, ProgressRisesToOneAndCanCancel) {
  std::string csv = "id,src\n";
  for (int i = 0; i < 200; ++i) csv += "person" + std::to_string(i) + ",web\n";
  Put("p.csv", csv);
  const std::string mapping = "[[people]]\nfile = 'p.csv'\nperson_id = 'id'\n";
  std::vector<double> seen;
  Status s = Load(mapping, {{"block_size", "256"}}, [&](double f, const std::string& what) {
    seen.push_back(f);
    return false;
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 200u);
  // About 2.5 KB read 256 bytes at a time: one report per block.
  ASSERT_GT(seen.size(), 5u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);

  Workspace other;
  Status cancelled = LoadSource(&other, MappingPath(), {{"block_size", "256"}},
                                [](double f, const std::string&) { return f > 0.3; });
  EXPECT_EQ(cancelled.code(), StatusCode::kCancelled) << cancelled.ToString();
  EXPECT_LT(other.num_people(), 200u);
}

TEST_F(CsvConnector, TinyBlocksReadTheSameValues) {
  // Quotes, doubled quotes, CRLF and a quoted CRLF straddle block edges when
  // blocks are a few bytes long.
  Put("p.csv",
      "id,note\r\n"
      "a,\"x \"\"y\"\" z\"\r\n"
      "b,\"two\r\nlines\"\r\n"
      "c,\"\"\r\n"
      "d,plain");
  const std::string mapping = "[[people]]\nfile = 'p.csv'\nperson_id = 'id'\nattributes = ['note']\n";
  for (const char* block : {"1", "2", "3", "5", "8", "13"}) {
    Workspace ws;
    Put("m.toml", mapping);
    Status s = LoadSource(&ws, MappingPath(), {{"block_size", block}}, nullptr);
    ASSERT_TRUE(s.ok()) << "block " << block << ": " << s.ToString();
    ASSERT_EQ(ws.num_people(), 4u) << "block " << block;
    auto note = [&](const char* id) {
      return std::string(ws.labels().Get(
          ws.people().attributes.at(ws.AttributeKey("note"))[ws.person_ids().Find(id)]));
    };
    EXPECT_EQ(note("a"), "x \"y\" z") << "block " << block;
    EXPECT_EQ(note("b"), "two\r\nlines") << "block " << block;
    EXPECT_EQ(note("c"), "") << "block " << block;
    EXPECT_EQ(note("d"), "plain") << "block " << block;
  }
}

TEST_F(CsvConnector, LoadsThroughPrefixAndBareTomlPath) {
  Put("p.csv", "id\na\nb\n");
  Put("m.toml", "[[people]]\nfile = 'p.csv'\nperson_id = 'id'\n");
  Workspace by_prefix, by_path;
  Status s1 = LoadSource(&by_prefix, "csv:" + MappingPath(), {}, nullptr);
  Status s2 = LoadSource(&by_path, MappingPath(), {}, nullptr);
  ASSERT_TRUE(s1.ok()) << s1.ToString();
  ASSERT_TRUE(s2.ok()) << s2.ToString();
  EXPECT_EQ(by_prefix.num_people(), 2u);
  EXPECT_EQ(by_path.num_people(), 2u);
  EXPECT_EQ(by_prefix.load_stats().at(0).connector, "csv");
}

TEST_F(CsvConnector, DescriptorAndProbe) {
  Result<const baton_connector*> c = PluginRegistry::Global().Find("csv");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const baton_connector* d = *c;
  EXPECT_STREQ(d->name, "csv");
  EXPECT_STREQ(d->version, "1.0.0");
  EXPECT_EQ(d->abi_major, static_cast<uint32_t>(BATON_CONNECTOR_ABI_MAJOR));
  Put("m.toml", "");
  Put("p.csv", "id\n");
  EXPECT_EQ(d->probe(MappingPath().c_str()), 100);
  EXPECT_EQ(d->probe((dir_ / "p.csv").string().c_str()), 0);
  EXPECT_EQ(d->probe((dir_ / "absent.toml").string().c_str()), 0);
  EXPECT_EQ(d->probe(nullptr), 0);
}

// ---- write ----

TEST_F(CsvConnector, WriteProducesCsvLikeTableToCsv) {
  Table t("result");
  size_t name = t.AddColumn("channel, name", ColumnType::kString);
  size_t n = t.AddColumn("people", ColumnType::kInt64);
  size_t rate = t.AddColumn("rate", ColumnType::kFloat64);
  size_t at = t.AddColumn("first", ColumnType::kTimestamp);
  t.AppendString(name, "web");
  t.AppendInt(n, 12);
  t.AppendDouble(rate, 0.25);
  t.AppendInt(at, kJan1 + 4 * kDay + 1500);  // 2024-01-05 00:00:01.500
  t.AppendString(name, "say \"hi\"");
  t.AppendNull(n);
  t.AppendNull(rate);
  t.AppendInt(at, kJan1 - kDay);  // 2023-12-31
  const std::string out = (dir_ / "out.csv").string();
  Status s = WriteTable(t, "csv:" + out, {});
  ASSERT_TRUE(s.ok()) << s.ToString();
  const std::string expected =
      "\"channel, name\",people,rate,first\n"
      "web,12,0.25,2024-01-05T00:00:01.500Z\n"
      "\"say \"\"hi\"\"\",,,2023-12-31T00:00:00Z\n";
  EXPECT_EQ(Slurp("out.csv"), expected);
  EXPECT_EQ(Slurp("out.csv"), t.ToCsv());  // the core's own renderer agrees
  EXPECT_EQ(FilesInDir(), (std::vector<std::string>{"out.csv"}));
}

TEST_F(CsvConnector, WriteToAMissingFolderFailsAndLeavesNothing) {
  Table t("result");
  t.AddColumn("a", ColumnType::kInt64);
  Status s = WriteTable(t, "csv:" + (dir_ / "no" / "such" / "out.csv").string(), {});
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
  EXPECT_TRUE(FilesInDir().empty());
}

// ---- real data ----

// Counts data rows (lines after the header) and rows whose last field is
// empty, by plain line reading: the Olist files hold no quoted line breaks.
void CountLines(const std::string& path, int64_t* rows, int64_t* empty_last) {
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::string line;
  std::getline(in, line);  // header
  *rows = 0;
  *empty_last = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++*rows;
    if (!line.empty() && line.back() == ',') ++*empty_last;
  }
}

TEST_F(CsvConnector, LoadsTheOlistMarketingFunnel) {
  const std::string data = std::string(BATON_SHARED_DATA_DIR) + "/olist_marketing_funnel/";
  const std::string leads = data + "olist_marketing_qualified_leads_dataset.csv";
  const std::string deals = data + "olist_closed_deals_dataset.csv";
  ASSERT_TRUE(fs::exists(leads)) << leads;
  Status s = Load(R"([[people]]
file = ")" + leads + R"("
person_id = "mql_id"
created_at = "first_contact_date"
source = "origin"
attributes = ["landing_page_id"]
[[stages]]
file = ")" + leads + R"("
person_id = "mql_id"
at = "first_contact_date"
stage = { value = "mql" }
[[stages]]
file = ")" + deals + R"("
person_id = "mql_id"
at = "won_date"
stage = { value = "won" }
)");
  ASSERT_TRUE(s.ok()) << s.ToString();

  // The dataset's README: 8,000 leads, 842 closed deals, 60 blank origins.
  int64_t lead_rows = 0, blank_origin = 0, deal_rows = 0, unused = 0;
  CountLines(leads, &lead_rows, &blank_origin);
  CountLines(deals, &deal_rows, &unused);
  EXPECT_EQ(lead_rows, 8000);
  EXPECT_EQ(deal_rows, 842);
  EXPECT_EQ(blank_origin, 60);

  // Every closed deal's mql_id is a lead, so no extra person appears.
  EXPECT_EQ(ws_.num_people(), static_cast<uint32_t>(lead_rows));
  const int mql = ws_.stage_map().CodeOf("mql");
  const int won = ws_.stage_map().CodeOf("won");
  int64_t mql_rows = 0, won_rows = 0;
  for (uint8_t st : ws_.stages().stage) {
    mql_rows += st == mql;
    won_rows += st == won;
  }
  EXPECT_EQ(mql_rows, lead_rows);
  EXPECT_EQ(won_rows, deal_rows);
  int64_t no_source = 0;
  for (uint32_t src : ws_.people().source) no_source += src == 0;
  EXPECT_EQ(no_source, blank_origin);

  // First data line: dac32acd4db4c29c230538b72f8dd87d,2018-02-01,
  // 88740e65d5d6b056e0cda098e1ea6313,social. 2018-02-01 is 17563 days after
  // the epoch (48 years to 2018 with 12 leap days = 17532, plus 31).
  EXPECT_EQ(Source("dac32acd4db4c29c230538b72f8dd87d"), "social");
  EXPECT_EQ(Attribute("dac32acd4db4c29c230538b72f8dd87d", "landing_page_id"),
            "88740e65d5d6b056e0cda098e1ea6313");
  EXPECT_EQ(ws_.people().created_at[Person("dac32acd4db4c29c230538b72f8dd87d")],
            int64_t{17563} * kDay);

  ASSERT_EQ(ws_.load_stats().size(), 3u);
  EXPECT_EQ(ws_.load_stats()[0].rows_read, 8000);
  EXPECT_EQ(ws_.load_stats()[1].rows_read, 8000);
  EXPECT_EQ(ws_.load_stats()[2].rows_read, 842);
}

}  // namespace
}  // namespace baton

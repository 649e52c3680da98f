// The csv connector's reader below the C boundary: record splitting at every
// block size, row numbering, delimiter detection and the two encodings.
#include "csv_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace baton::csv {
namespace {

namespace fs = std::filesystem;

struct Record {
  int64_t row;
  std::vector<std::string> fields;
  std::string error;
  bool operator==(const Record& o) const {
    return row == o.row && fields == o.fields && error.empty() == o.error.empty();
  }
};

std::ostream& operator<<(std::ostream& os, const Record& r) {
  os << "row " << r.row << ":";
  for (const auto& f : r.fields) os << " [" << f << "]";
  if (!r.error.empty()) os << " error: " << r.error;
  return os;
}

class CsvReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = (fs::temp_directory_path() /
             ("baton_csv_reader_" + std::to_string(getpid()) + "_" + info->name() + ".csv"))
                .string();
  }
  void TearDown() override { fs::remove(path_); }

  void Put(const std::string& content) {
    std::ofstream out(path_, std::ios::binary);
    out << content;
  }
  // Reads the whole file; the header comes back as the first record.
  Error ReadAll(const CsvOptions& options, std::vector<Record>* out) {
    out->clear();
    CsvReader reader;
    BATON_CSV_RETURN_IF_ERROR(reader.Open(path_, "f.csv", options));
    out->push_back(Record{1, reader.header(), ""});
    for (;;) {
      bool has = false;
      BATON_CSV_RETURN_IF_ERROR(reader.Next(&has));
      if (!has) break;
      Record r{reader.row(), {}, reader.row_error()};
      for (const baton_str& f : reader.fields()) r.fields.emplace_back(f.data, f.size);
      out->push_back(r);
    }
    return Error::Ok();
  }

  std::string path_;
};

TEST_F(CsvReaderTest, EveryBlockSizeSplitsTheSameRecords) {
  Put("id,note,n\r\n"                   // row 1 (CRLF)
      "a,\"x \"\"y\"\"\",1\n"           // row 2: doubled quotes (LF)
      "b,\"two\r\nlines\",2\r"          // row 3: quoted CRLF; lone CR ends it
      "\r\n"                            // blank line (row 4)
      "c,,\r\n"                         // row 5: two empty fields
      "d,\"\",\"q,\"\r\n"               // row 6: empty quoted, quoted comma
      "e,12\" pipe,3\n"                 // row 7: a quote inside a field
      "f,last,line");                   // row 8: no final line break
  const std::vector<Record> expected = {
      {1, {"id", "note", "n"}, ""},
      {2, {"a", "x \"y\"", "1"}, ""},
      {3, {"b", "two\r\nlines", "2"}, ""},
      {5, {"c", "", ""}, ""},
      {6, {"d", "", "q,"}, ""},
      {7, {"e", "12\" pipe", "3"}, ""},
      {8, {"f", "last", "line"}, ""},
  };
  for (size_t block : {size_t{1}, size_t{2}, size_t{3}, size_t{4}, size_t{7},
                       size_t{16}, size_t{17}, size_t{64}, size_t{4} << 20}) {
    CsvOptions o;
    o.block_size = block;
    std::vector<Record> got;
    Error e = ReadAll(o, &got);
    ASSERT_TRUE(e.ok()) << "block " << block << ": " << e.message;
    EXPECT_EQ(got, expected) << "block " << block;
  }
}

// Records of every shape, built with their expected fields: plain ones
// (split 16 bytes at a time when the buffer holds them) and ones with quotes,
// quoted line breaks, a quote inside a plain field, CRLF and lone-CR
// endings, with line breaks at every offset of a 16-byte piece. Read whole
// and through tiny blocks, they give the fields they were built from.
TEST_F(CsvReaderTest, GeneratedRecordsReadBackAtAnyBlockSize) {
  std::mt19937 rng(11);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::string content = "a,b,c,d\n";
  std::vector<Record> expected = {{1, {"a", "b", "c", "d"}, ""}};
  for (int r = 0; r < 3000; ++r) {
    Record rec{r + 2, {}, ""};
    for (int f = 0; f < 4; ++f) {
      if (f) content += ',';
      std::string value;
      const int len = pick(19);
      const int kind = pick(10);
      if (kind == 0) {
        // Quoted, with what only quotes can hold.
        const char* const pieces[] = {",", "\n", "\"\"", "\r\n", "x", "yz"};
        content += '"';
        for (int i = 0; i < len % 5 + 1; ++i) {
          const std::string piece = pieces[pick(6)];
          content += piece;
          value += piece == "\"\"" ? "\"" : piece;
        }
        content += '"';
      } else {
        for (int i = 0; i < len; ++i) value += "abcdefgh 01;|\t"[pick(15)];
        if (kind == 1 && len > 0) value[pick(len)] = '"';  // not at the start:
        if (!value.empty() && value[0] == '"') value[0] = 'q';  // ordinary
        content += value;
      }
      rec.fields.push_back(value);
    }
    const int end = pick(20);
    content += end == 0 ? "\r" : end < 5 ? "\r\n" : "\n";
    expected.push_back(rec);
  }
  Put(content);
  for (size_t block : {size_t{1}, size_t{5}, size_t{16}, size_t{33}, size_t{4} << 20}) {
    CsvOptions o;
    o.block_size = block;
    std::vector<Record> got;
    Error e = ReadAll(o, &got);
    ASSERT_TRUE(e.ok()) << "block " << block << ": " << e.message;
    ASSERT_EQ(got.size(), expected.size()) << "block " << block;
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(got[i], expected[i]) << "block " << block << " record " << i;
  }
}

TEST_F(CsvReaderTest, LongUnquotedFieldsCrossTheVectorScan) {
  // 40-byte fields exercise the 16-byte scan and its tail.
  const std::string a(40, 'a'), b(33, 'b');
  Put("x,y\n" + a + "," + b + "\n" + b + "," + a);
  std::vector<Record> got;
  ASSERT_TRUE(ReadAll(CsvOptions(), &got).ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].fields, (std::vector<std::string>{a, b}));
  EXPECT_EQ(got[2].fields, (std::vector<std::string>{b, a}));
}

TEST_F(CsvReaderTest, RaggedRecordIsFlaggedAndReadingGoesOn) {
  Put("a,b\n1,2\n3\n4,5,6\n7,8\n");
  std::vector<Record> got;
  ASSERT_TRUE(ReadAll(CsvOptions(), &got).ok());
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[2].error, "f.csv:3: 1 field, but the header has 2 columns; a value "
                          "holding the delimiter or a line break must be quoted");
  EXPECT_EQ(got[3].error.rfind("f.csv:4: 3 fields, but the header has 2 columns", 0), 0u);
  EXPECT_EQ(got[4].fields, (std::vector<std::string>{"7", "8"}));
  EXPECT_TRUE(got[4].error.empty());
}

TEST_F(CsvReaderTest, DelimiterDetectionIgnoresQuotedCandidates) {
  // Three commas inside quotes, two semicolons outside.
  Put("\"a,b,c,d\";e;f\n1;2;3\n");
  CsvReader reader;
  ASSERT_TRUE(reader.Open(path_, "f.csv", CsvOptions()).ok());
  EXPECT_EQ(reader.delimiter(), ';');
  EXPECT_EQ(reader.header(), (std::vector<std::string>{"a,b,c,d", "e", "f"}));
}

TEST_F(CsvReaderTest, DelimiterTiesGoToTheComma) {
  Put("a,b|c\n");
  CsvReader reader;
  ASSERT_TRUE(reader.Open(path_, "f.csv", CsvOptions()).ok());
  EXPECT_EQ(reader.delimiter(), ',');
  EXPECT_EQ(reader.header(), (std::vector<std::string>{"a", "b|c"}));
}

TEST_F(CsvReaderTest, HeaderOnlyAndEmptyFiles) {
  Put("a,b\n");
  std::vector<Record> got;
  ASSERT_TRUE(ReadAll(CsvOptions(), &got).ok());
  EXPECT_EQ(got.size(), 1u);

  Put("\xEF\xBB\xBF\n\n");  // a byte order mark and blank lines: no header
  Error e = ReadAll(CsvOptions(), &got);
  EXPECT_EQ(e.code, BATON_PARSE_ERROR);
  EXPECT_EQ(e.message, "f.csv: the file is empty (no header row); its first row must "
                       "name the columns");
}

TEST_F(CsvReaderTest, MissingFileIsNotFound) {
  CsvReader reader;
  Error e = reader.Open(path_ + ".absent", "f.csv", CsvOptions());
  EXPECT_EQ(e.code, BATON_NOT_FOUND);
  EXPECT_NE(e.message.find(path_ + ".absent"), std::string::npos) << e.message;
}

TEST_F(CsvReaderTest, OverlongRecordStopsEarly) {
  // A quote never closed over 10 KB, with records capped at 1 KB.
  Put("a,b\n1,\"" + std::string(10000, 'x') + "\n2,3\n");
  CsvOptions o;
  o.block_size = 256;
  o.max_record_bytes = 1024;
  std::vector<Record> got;
  Error e = ReadAll(o, &got);
  EXPECT_EQ(e.code, BATON_PARSE_ERROR);
  EXPECT_EQ(e.message.rfind("f.csv:2: the record is longer than", 0), 0u) << e.message;
}

TEST_F(CsvReaderTest, Cp1252HighHalfMatchesTheCodePage) {
  // 0x80-0x9F: the 27 characters Windows-1252 defines there, in byte order
  // (0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined and left out).
  std::string bytes;
  for (int b = 0x80; b <= 0x9F; ++b)
    if (b != 0x81 && b != 0x8D && b != 0x8F && b != 0x90 && b != 0x9D)
      bytes.push_back(static_cast<char>(b));
  std::string expected = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
  // 0xA0-0xFF: the same code points as Latin-1, U+00A0-U+00FF, which UTF-8
  // writes as two bytes 110000xx 10xxxxxx.
  for (int b = 0xA0; b <= 0xFF; ++b) {
    bytes.push_back(static_cast<char>(b));
    expected.push_back(static_cast<char>(0xC0 | (b >> 6)));
    expected.push_back(static_cast<char>(0x80 | (b & 0x3F)));
  }
  Put("v\n" + bytes + "\n");
  CsvOptions o;
  o.encoding = Encoding::kCp1252;
  std::vector<Record> got;
  ASSERT_TRUE(ReadAll(o, &got).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[1].error.empty()) << got[1].error;
  EXPECT_EQ(got[1].fields[0], expected);
}

TEST_F(CsvReaderTest, Cp1252UndefinedBytesAreRowErrors) {
  for (int b : {0x81, 0x8D, 0x8F, 0x90, 0x9D}) {
    int undefined = -1;
    char out[3 * 3];
    const std::string in = {'a', static_cast<char>(b), 'z'};
    const size_t n = Cp1252ToUtf8(in, out, &undefined);
    EXPECT_EQ(undefined, b);
    EXPECT_EQ(std::string(out, n), "a\xEF\xBF\xBDz");  // U+FFFD in between
  }
  Put("id,name\n1,ok\n2,x\x9D\n");
  CsvOptions o;
  o.encoding = Encoding::kCp1252;
  std::vector<Record> got;
  ASSERT_TRUE(ReadAll(o, &got).ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[2].error, "f.csv:3: column \"name\": byte 0x9D is not a character in "
                          "Windows-1252; the file may be in another encoding (set "
                          "encoding = \"utf-8\" if it is UTF-8)");
}

TEST_F(CsvReaderTest, Cp1252HeaderIsTranscodedToo) {
  Put("Soci\xE9t\xE9;Ville\nA;B\n");
  CsvOptions o;
  o.encoding = Encoding::kCp1252;
  CsvReader reader;
  ASSERT_TRUE(reader.Open(path_, "f.csv", o).ok());
  EXPECT_EQ(reader.header(), (std::vector<std::string>{"Société", "Ville"}));
}

TEST_F(CsvReaderTest, ByteOrderMarkInACp1252FileIsAnError) {
  Put("\xEF\xBB\xBFid\n1\n");
  CsvOptions o;
  o.encoding = Encoding::kCp1252;
  CsvReader reader;
  Error e = reader.Open(path_, "f.csv", o);
  EXPECT_EQ(e.code, BATON_PARSE_ERROR);
  EXPECT_NE(e.message.find("UTF-8 byte order mark"), std::string::npos);
}

TEST_F(CsvReaderTest, Utf16FileIsNamedAsSuch) {
  Put(std::string("\xFF\xFEi\0d\0\n\0", 8));  // "id\n" in UTF-16LE with its mark
  CsvReader reader;
  Error e = reader.Open(path_, "f.csv", CsvOptions());
  EXPECT_EQ(e.code, BATON_PARSE_ERROR);
  EXPECT_EQ(e.message, "f.csv: the file is UTF-16 (Excel's \"Unicode Text\"); save it as "
                       "\"CSV UTF-8\" instead");
}

TEST(Utf8, AcceptsWellFormedText) {
  size_t bad = 99;
  // "€" E2 82 AC, U+10FFFF F4 8F BF BF, U+1F600 F0 9F 98 80, ASCII runs.
  EXPECT_TRUE(IsValidUtf8("plain ascii text longer than eight", &bad));
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC \xF4\x8F\xBF\xBF \xF0\x9F\x98\x80", &bad));
  EXPECT_TRUE(IsValidUtf8("", &bad));
}

TEST(Utf8, RejectsMalformedSequencesAtTheirFirstByte) {
  struct Case {
    std::string text;
    size_t offset;
  };
  const Case cases[] = {
      {"ab\xC0\x80", 2},           // overlong NUL
      {"\xE0\x80\x80", 0},         // overlong 3-byte form
      {"x\xED\xA0\x80", 1},        // UTF-16 surrogate U+D800
      {"\xF4\x90\x80\x80", 0},     // above U+10FFFF
      {"12345678\xF5\x80", 8},     // lead byte never valid, after an ASCII word
      {"\xE2\x82", 0},             // sequence cut short
      {"caf\xE9", 3},              // Latin-1 byte
      {"\x80", 0},                 // lone continuation byte
  };
  for (const Case& c : cases) {
    size_t bad = 99;
    EXPECT_FALSE(IsValidUtf8(c.text, &bad)) << c.offset;
    EXPECT_EQ(bad, c.offset);
  }
}

}  // namespace
}  // namespace baton::csv

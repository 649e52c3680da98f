// The csv connector's record stream below the C boundary: with a worker
// thread or without, at any batch size, it gives what the reader gives.
#include "record_stream.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace baton::csv {
namespace {

// "prefix" followed by i (built by appending: GCC 12 warns falsely,
// -Wrestrict, on "literal" + std::string).
std::string Numbered(const char* prefix, int64_t i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

namespace fs = std::filesystem;

struct Seen {
  int64_t row;
  std::vector<std::string> fields;
  std::string error;
  uint64_t bytes_consumed;
  uint64_t blocks_read;
  bool operator==(const Seen& o) const {
    return row == o.row && fields == o.fields && error == o.error &&
           bytes_consumed == o.bytes_consumed && blocks_read == o.blocks_read;
  }
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  os << "row " << s.row << " at " << s.bytes_consumed << "/" << s.blocks_read << ":";
  for (const auto& f : s.fields) os << " [" << f << "]";
  if (!s.error.empty()) os << " error: " << s.error;
  return os;
}

template <typename Source>
Seen Current(const Source& s) {
  Seen r{s.row(), {}, s.row_error(), s.bytes_consumed(), s.blocks_read()};
  for (const baton_str& f : s.fields()) r.fields.emplace_back(f.data, f.size);
  return r;
}

class RecordStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = (fs::temp_directory_path() /
             (Numbered("baton_record_stream_", getpid()) + "_" + info->name() + ".csv"))
                .string();
  }
  void TearDown() override { fs::remove(path_); }
  void Put(const std::string& content) {
    std::ofstream out(path_, std::ios::binary);
    out << content;
  }
  CsvOptions Small() const {
    CsvOptions o;
    o.block_size = 16;  // many blocks: progress marks change often
    return o;
  }
  // Every record straight from the reader, then the final error.
  Error ReadDirect(std::vector<Seen>* out) {
    CsvReader reader;
    BATON_CSV_RETURN_IF_ERROR(reader.Open(path_, "f.csv", Small()));
    for (;;) {
      bool has = false;
      BATON_CSV_RETURN_IF_ERROR(reader.Next(&has));
      if (!has) return Error::Ok();
      out->push_back(Current(reader));
    }
  }
  Error ReadStream(const RecordStreamOptions& options, std::vector<Seen>* out) {
    CsvReader reader;
    BATON_CSV_RETURN_IF_ERROR(reader.Open(path_, "f.csv", Small()));
    RecordStream stream(&reader, options);
    for (;;) {
      bool has = false;
      BATON_CSV_RETURN_IF_ERROR(stream.Next(&has));
      if (!has) return Error::Ok();
      out->push_back(Current(stream));
    }
  }

  std::string path_;
};

std::vector<RecordStreamOptions> AllModes() {
  std::vector<RecordStreamOptions> modes;
  for (bool thread : {false, true}) {
    for (size_t records : {size_t{1}, size_t{3}, size_t{1000}}) {
      for (size_t queue : {size_t{1}, size_t{4}}) {
        RecordStreamOptions o;
        o.use_thread = thread;
        o.batch_records = records;
        o.batch_bytes = records == 3 ? 10 : size_t{1} << 20;  // 10: by bytes
        o.queue_batches = queue;
        modes.push_back(o);
      }
    }
  }
  return modes;
}

TEST_F(RecordStreamTest, GivesWhatTheReaderGivesInEveryMode) {
  std::string content = "id,note,n\n";
  for (int i = 0; i < 300; ++i) {
    content += std::to_string(i) + ",\"n " + std::to_string(i) + "\"\"q\"\"\"," +
               std::to_string(i * 7) + "\n";
    if (i % 50 == 7) content += "ragged,row\n";     // a row error
    if (i % 60 == 9) content += "\n";               // a blank line
    if (i % 70 == 3) content += "x,\"two\nlines\",1\n";  // a quoted line break
  }
  Put(content);
  std::vector<Seen> want;
  ASSERT_TRUE(ReadDirect(&want).ok());
  // 300 records, 6 ragged (i = 7, 57, ..., 257), 5 with two lines.
  ASSERT_EQ(want.size(), 311u);
  // Records 0-3, the two-line record after 3, records 4-7, then the first
  // ragged row.
  EXPECT_EQ(want[4].fields, (std::vector<std::string>{"x", "two\nlines", "1"}));
  EXPECT_EQ(want[9].fields, (std::vector<std::string>{"ragged", "row"}));
  EXPECT_FALSE(want[9].error.empty());
  for (const RecordStreamOptions& o : AllModes()) {
    std::vector<Seen> got;
    Error e = ReadStream(o, &got);
    ASSERT_TRUE(e.ok()) << e.message;
    ASSERT_EQ(got, want) << "thread " << o.use_thread << " records " << o.batch_records
                         << " queue " << o.queue_batches;
  }
}

// A quote never closed stops the reader after the records before it; the
// stream gives those records, then the same error.
TEST_F(RecordStreamTest, ReadingErrorComesAfterTheRecordsBeforeIt) {
  Put("a,b\n1,2\n3,4\n5,\"never closed\n6,7\n");
  std::vector<Seen> want;
  Error direct = ReadDirect(&want);
  ASSERT_EQ(direct.code, BATON_PARSE_ERROR);
  ASSERT_EQ(want.size(), 2u);
  for (const RecordStreamOptions& o : AllModes()) {
    std::vector<Seen> got;
    Error e = ReadStream(o, &got);
    EXPECT_EQ(e.code, direct.code);
    EXPECT_EQ(e.message, direct.message);
    EXPECT_EQ(got, want);
  }
}

// A caller may stop at any record (an error, a cancel): the stream stops its
// worker, which may be blocked waiting for room, and returns.
TEST_F(RecordStreamTest, StoppingEarlyStopsTheWorker) {
  std::string content = "a,b\n";
  for (int i = 0; i < 20000; ++i) content += std::to_string(i) + ",x\n";
  Put(content);
  for (int stop_after : {0, 1, 2, 5000}) {
    CsvReader reader;
    ASSERT_TRUE(reader.Open(path_, "f.csv", CsvOptions()).ok());
    RecordStreamOptions o;
    o.batch_records = 2;
    o.queue_batches = 1;
    RecordStream stream(&reader, o);
    EXPECT_TRUE(stream.threaded());
    for (int i = 0; i < stop_after; ++i) {
      bool has = false;
      ASSERT_TRUE(stream.Next(&has).ok());
      ASSERT_TRUE(has);
      EXPECT_EQ(stream.row(), i + 2);
      EXPECT_EQ(std::string(stream.fields()[0].data, stream.fields()[0].size),
                std::to_string(i));
    }
  }
}

// The loader holds the fields of several records and hands them to the sink
// together while next_keeps_fields() says the views survive the next Next():
// the held views must still read the records' values when it stops saying
// so, in every mode (with one batch in the queue the worker refills a batch
// as soon as it is given back).
TEST_F(RecordStreamTest, HeldFieldsStayValidWhileNextKeepsThem) {
  std::string content = "id,note\n";
  for (int i = 0; i < 500; ++i) content += std::to_string(i) + ",note " + std::to_string(i) + "\n";
  Put(content);
  std::vector<Seen> want;
  ASSERT_TRUE(ReadDirect(&want).ok());
  ASSERT_EQ(want.size(), 500u);
  for (const RecordStreamOptions& o : AllModes()) {
    CsvReader reader;
    ASSERT_TRUE(reader.Open(path_, "f.csv", Small()).ok());
    RecordStream stream(&reader, o);
    std::vector<std::pair<size_t, std::vector<baton_str>>> held;  // (record, views)
    size_t record = 0, longest = 0;
    auto check_held = [&]() {
      for (const auto& [r, views] : held) {
        std::vector<std::string> text;
        for (const baton_str& v : views) text.emplace_back(v.data, v.size);
        ASSERT_EQ(text, want[r].fields) << "record " << r << ", batch_records "
                                        << o.batch_records << ", thread " << o.use_thread;
      }
      longest = std::max(longest, held.size());
      held.clear();
    };
    for (;;) {
      if (!held.empty() && !stream.next_keeps_fields()) check_held();
      bool has = false;
      ASSERT_TRUE(stream.Next(&has).ok());
      if (!has) break;
      held.emplace_back(record++, std::vector<baton_str>(stream.fields().begin(),
                                                         stream.fields().end()));
    }
    check_held();
    EXPECT_EQ(record, 500u);
    // A run never outlasts a batch: at most batch_records records (3 records
    // or 10 bytes: at most 2 of these records of 8 to 15 bytes).
    if (o.batch_records == 1) {
      EXPECT_EQ(longest, 1u);
    } else if (o.batch_records == 3) {
      EXPECT_LE(longest, 2u);
    } else {
      EXPECT_GT(longest, 100u);
    }
  }
}

}  // namespace
}  // namespace baton::csv

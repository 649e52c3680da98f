// CsvReader: reads one delimited text file (RFC 4180) record by record.
//
// The file is read in large blocks into one reusable buffer; fields are handed
// out as (pointer, length) views, so a record costs no heap allocation once
// the buffers have grown to fit. Unquoted fields and quoted fields without a
// doubled quote point straight into the block; fields that need unescaping or
// transcoding point into scratch buffers that are reused record after record.
//
// Dialect:
//  - One delimiter (',', ';', '\t' or '|'), given or detected from the header
//    line (the candidate that occurs most often outside quotes; ties go to the
//    order just listed; none at all means a one-column file).
//  - A field that starts with '"' is quoted: it runs to the next '"' not
//    followed by another '"', may hold delimiters and line breaks, and '""'
//    inside it stands for '"'. A '"' that does not start a field is an
//    ordinary character (exports write 12" without quoting it).
//  - Records end at LF, CRLF or a lone CR; the last record need not end with
//    a line break. A UTF-8 byte order mark at the start is skipped.
//  - The first record is the header (column names).
//
// Row numbers: the header is row 1 and each following record takes the next
// number, so a quoted line break does NOT start a new row number. This is
// the numbering a spreadsheet program shows for the file, which is where
// users look when a message names a row. A blank line (nothing between two
// line breaks) is not a record and yields nothing, but it still takes a row
// number, again so that numbers match the spreadsheet view.
//
// Encodings: "utf-8" (validated: invalid bytes are a row error naming the
// column) or Windows-1252 (transcoded to UTF-8 with the full table; the bytes
// 0x81, 0x8D, 0x8F, 0x90 and 0x9D, which it leaves undefined, are a row error
// and read as U+FFFD so the record can still be written to a rejects file).
//
// Ownership and threads: a reader owns its file handle and buffers and is
// used by one thread. The views returned by fields() stay valid until the
// next call to Next() or the reader's destruction.
#ifndef BATON_PLUGINS_CSV_CSV_READER_H_
#define BATON_PLUGINS_CSV_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "baton/connector.h"
#include "error.h"

namespace baton::csv {

enum class Encoding { kUtf8, kCp1252 };

struct CsvOptions {
  // 0: detect from the header line.
  char delimiter = 0;
  Encoding encoding = Encoding::kUtf8;
  // Bytes read per block. Any value >= 1 works (a record longer than a block
  // grows the buffer); small values are for tests of block boundaries.
  size_t block_size = size_t{4} << 20;
  // A record longer than this is an error: in practice it means a quote that
  // is never closed, and stopping early bounds memory.
  size_t max_record_bytes = size_t{64} << 20;
};

class CsvReader {
 public:
  CsvReader() = default;
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Opens `path`, detects the delimiter if needed and reads the header.
  // `name` is how messages name the file. Errors: BATON_NOT_FOUND (no such
  // file), BATON_IO_ERROR (a folder, unreadable), BATON_PARSE_ERROR (no
  // header: the file is empty or blank; a header that is badly quoted or
  // badly encoded; a UTF-8 byte order mark in a file declared cp1252; a
  // UTF-16 byte order mark).
  Error Open(const std::string& path, const std::string& name,
             const CsvOptions& options);

  // Reads the next record. At the end of the file, returns OK with
  // *has_record false. A record that could be split into fields but is wrong
  // (a field count other than the header's, bytes invalid in the encoding,
  // text after a closing quote) comes back with row_error() set, so that the
  // caller may reject it and go on. Errors after which the rest of the file
  // cannot be split are returned: BATON_PARSE_ERROR for a quote never closed
  // before the end of the file or a record over max_record_bytes,
  // BATON_IO_ERROR for a failed read.
  Error Next(bool* has_record);

  const std::vector<std::string>& header() const { return header_; }
  char delimiter() const { return delim_; }
  // Row number of the record last returned (header = 1; see above).
  int64_t row() const { return row_; }
  // The fields of the record last returned, as UTF-8.
  const std::vector<baton_str>& fields() const { return fields_; }
  // The bytes of the record last returned as the file has them (quotes,
  // delimiters and line break included). fields() point into them, except
  // the fields that needed unescaping or transcoding. Valid as fields() is.
  std::string_view raw_record() const {
    return std::string_view(record_begin_, static_cast<size_t>(record_end_ - record_begin_));
  }
  // "" for a good record; otherwise "FILE:ROW: what is wrong".
  const std::string& row_error() const { return row_error_; }
  // Bytes of the file consumed so far, and its size (for progress).
  uint64_t bytes_consumed() const { return consumed_ + pos_; }
  uint64_t file_size() const { return file_size_; }
  // Blocks read from the file so far (callers report progress per block).
  uint64_t blocks_read() const { return blocks_read_; }

 private:
  enum class Step { kRecord, kBlank, kNeedMore, kEnd, kUnterminated };

  Error Fill();
  Step ParseRecord();
  const char* SplitPlainRecord(const char* p, const char* end);
  const char* ScanUnquoted(const char* p, const char* end) const;
  Error Advance(bool* has_record);
  void FinishRecord();
  void CheckUtf8();
  void TranscodeCp1252();
  std::string ColumnLabel(size_t index) const;
  std::string Where(int64_t row) const;
  char DetectDelimiter() const;

  std::FILE* file_ = nullptr;
  std::string name_;
  CsvOptions options_;
  char delim_ = ',';
  bool eof_ = false;

  std::vector<char> buf_;
  size_t pos_ = 0;  // start of unconsumed bytes in buf_
  size_t end_ = 0;  // end of valid bytes in buf_
  uint64_t consumed_ = 0;  // file bytes shifted out of buf_ so far
  uint64_t file_size_ = 0;
  uint64_t blocks_read_ = 0;

  int64_t row_ = 0;
  std::vector<std::string> header_;
  bool in_header_ = false;

  // The record being built.
  const char* record_begin_ = nullptr;
  const char* record_end_ = nullptr;
  std::vector<baton_str> fields_;
  // Fields whose text lives in scratch_: (field index, offset). Pointers are
  // set once the record is complete, since scratch_ may move while it grows.
  std::vector<std::pair<size_t, size_t>> scratch_fields_;
  std::string scratch_;
  std::string transcoded_;
  size_t junk_field_ = SIZE_MAX;  // a field with text after its closing quote
  std::string row_error_;
};

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF). On failure *bad_offset is the offset of the first
// byte of the offending sequence.
bool IsValidUtf8(std::string_view text, size_t* bad_offset);

// Transcodes Windows-1252 `text` to UTF-8, appending to `out` (which needs
// room for 3 bytes per input byte). Returns the number of bytes written;
// *undefined_byte gets the first byte the code page leaves undefined (written
// as U+FFFD), or stays -1.
size_t Cp1252ToUtf8(std::string_view text, char* out, int* undefined_byte);

}  // namespace baton::csv

#endif  // BATON_PLUGINS_CSV_CSV_READER_H_

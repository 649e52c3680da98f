#include "csv_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace baton::csv {
namespace {

namespace fs = std::filesystem;

// Unicode code points of Windows-1252 bytes 0x80-0x9F; 0 where the code page
// defines no character. Bytes 0xA0-0xFF equal U+00A0-U+00FF.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88-8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98-9F
};

bool AllAscii(const char* p, const char* end) {
  uint64_t acc = 0;
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    acc |= w;
    p += 8;
  }
  while (p < end) acc |= static_cast<unsigned char>(*p++);
  return (acc & 0x8080808080808080ull) == 0;
}

std::string HexByte(unsigned b) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string s = "0x";
  s += kHex[(b >> 4) & 0xF];
  s += kHex[b & 0xF];
  return s;
}

std::string Mebibytes(size_t bytes) {
  return std::to_string(bytes >> 20) + " MiB";
}

}  // namespace

bool IsValidUtf8(std::string_view text, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The second byte's range is narrowed for the lead bytes that would
    // otherwise allow overlong forms (E0, F0), surrogates (ED) or code points
    // past U+10FFFF (F4).
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      *bad_offset = i;
      return false;
    }
    if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) {
      *bad_offset = i;
      return false;
    }
    for (size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        *bad_offset = i;
        return false;
      }
    }
    i += len;
  }
  return true;
}

size_t Cp1252ToUtf8(std::string_view text, char* out, int* undefined_byte) {
  char* o = out;
  for (char ch : text) {
    const unsigned b = static_cast<unsigned char>(ch);
    uint32_t cp = b;
    if (b >= 0x80 && b < 0xA0) {
      cp = kCp1252High[b - 0x80];
      if (cp == 0) {
        if (*undefined_byte < 0) *undefined_byte = static_cast<int>(b);
        cp = 0xFFFD;
      }
    }
    if (cp < 0x80) {
      *o++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *o++ = static_cast<char>(0xC0 | (cp >> 6));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *o++ = static_cast<char>(0xE0 | (cp >> 12));
      *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return static_cast<size_t>(o - out);
}

CsvReader::~CsvReader() {
  if (file_) std::fclose(file_);
}

std::string CsvReader::Where(int64_t row) const {
  return name_ + ":" + std::to_string(row);
}

std::string CsvReader::ColumnLabel(size_t index) const {
  if (!in_header_ && index < header_.size())
    return "column \"" + header_[index] + "\"";
  return "column " + std::to_string(index + 1);
}

Error CsvReader::Open(const std::string& path, const std::string& name,
                      const CsvOptions& options) {
  if (file_)
    return Error::Make(BATON_FAILED_PRECONDITION, name + ": the CSV reader is already open");
  name_ = name;
  options_ = options;
  if (options_.block_size == 0) options_.block_size = 1;
  if (options_.max_record_bytes < options_.block_size)
    options_.max_record_bytes = options_.block_size;

  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) {
    std::string where = fs::absolute(path, ec).string();
    if (ec) where = path;
    return Error::Make(BATON_NOT_FOUND, name_ + ": no such file (" + where +
                                            "); check the `file` path in the mapping");
  }
  if (fs::is_directory(st))
    return Error::Make(BATON_IO_ERROR, name_ + ": is a folder, not a file (" + path + ")");
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) {
    int err = errno;
    return Error::Make(err == ENOENT ? BATON_NOT_FOUND : BATON_IO_ERROR,
                       name_ + ": cannot open " + path + ": " + std::strerror(err));
  }
  // The reader buffers whole blocks itself; stdio's buffer would only copy.
  std::setvbuf(file_, nullptr, _IONBF, 0);
  uintmax_t size = fs::file_size(path, ec);
  file_size_ = ec ? 0 : static_cast<uint64_t>(size);
  buf_.resize(options_.block_size);

  // Enough bytes for the byte order mark and the header line.
  while (!eof_ && end_ - pos_ < 3) BATON_CSV_RETURN_IF_ERROR(Fill());
  // Excel's "Unicode Text" export is UTF-16 with a byte order mark; without
  // this check it would surface as a puzzling encoding error in row 1.
  if (end_ - pos_ >= 2 && (std::memcmp(buf_.data() + pos_, "\xFF\xFE", 2) == 0 ||
                           std::memcmp(buf_.data() + pos_, "\xFE\xFF", 2) == 0))
    return Error::Make(BATON_PARSE_ERROR,
                       name_ + ": the file is UTF-16 (Excel's \"Unicode Text\"); "
                               "save it as \"CSV UTF-8\" instead");
  if (end_ - pos_ >= 3 && std::memcmp(buf_.data() + pos_, "\xEF\xBB\xBF", 3) == 0) {
    if (options_.encoding == Encoding::kCp1252)
      return Error::Make(BATON_PARSE_ERROR,
                         name_ + ": the file starts with a UTF-8 byte order mark, "
                                 "but the mapping says encoding = \"cp1252\"; set "
                                 "encoding = \"utf-8\" for this file");
    pos_ += 3;
  }
  delim_ = options_.delimiter;
  if (delim_ == 0) {
    while (!eof_ && end_ - pos_ < (size_t{1} << 20) &&
           !std::memchr(buf_.data() + pos_, '\n', end_ - pos_))
      BATON_CSV_RETURN_IF_ERROR(Fill());
    delim_ = DetectDelimiter();
  }

  in_header_ = true;
  bool has_header = false;
  BATON_CSV_RETURN_IF_ERROR(Advance(&has_header));
  if (!has_header)
    return Error::Make(BATON_PARSE_ERROR,
                       name_ + ": the file is empty (no header row); its first "
                               "row must name the columns");
  if (!row_error_.empty()) return Error::Make(BATON_PARSE_ERROR, row_error_);
  header_.clear();
  for (const baton_str& f : fields_) header_.emplace_back(f.data, f.size);
  in_header_ = false;
  return Error::Ok();
}

char CsvReader::DetectDelimiter() const {
  const char kCandidates[] = {',', ';', '\t', '|'};
  size_t counts[4] = {0, 0, 0, 0};
  bool quoted = false;
  for (size_t i = pos_; i < end_; ++i) {
    const char c = buf_[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted) {
      if (c == '\n' || c == '\r') break;
      for (int k = 0; k < 4; ++k) counts[k] += c == kCandidates[k];
    }
  }
  int best = 0;
  for (int k = 1; k < 4; ++k)
    if (counts[k] > counts[best]) best = k;
  return kCandidates[best];
}

Error CsvReader::Fill() {
  if (eof_) return Error::Ok();
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    consumed_ += pos_;
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buf_.size()) {
    // The record in progress fills the whole buffer.
    if (buf_.size() >= options_.max_record_bytes)
      return Error::Make(
          BATON_PARSE_ERROR,
          Where(row_ + 1) + ": the record is longer than " +
              Mebibytes(options_.max_record_bytes) +
              "; most likely a quote is never closed (a quote inside a "
              "quoted value must be doubled: \"\")");
    buf_.resize(std::min(std::max(buf_.size() * 2, buf_.size() + 1),
                         options_.max_record_bytes));
  }
  const size_t want = buf_.size() - end_;
  const size_t got = std::fread(buf_.data() + end_, 1, want, file_);
  end_ += got;
  ++blocks_read_;
  if (got < want) {
    if (std::ferror(file_))
      return Error::Make(BATON_IO_ERROR,
                         name_ + ": reading failed after " +
                             std::to_string(consumed_ + end_) + " bytes: " +
                             std::strerror(errno));
    eof_ = true;
  }
  return Error::Ok();
}

const char* CsvReader::ScanUnquoted(const char* p, const char* end) const {
#if defined(__SSE2__)
  const __m128i delim = _mm_set1_epi8(delim_);
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, delim), _mm_cmpeq_epi8(x, lf)),
        _mm_cmpeq_epi8(x, cr));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && *p != delim_ && *p != '\n' && *p != '\r') ++p;
  return p;
}

// Most records hold no quote and end in LF or CRLF. Such a record is split
// with one set of vector compares per 16 bytes, each finding every delimiter
// in them at once. Returns the end of the record (past its line break), or
// nullptr, having perhaps added fields, for anything else: a quote or a CR
// before the line break, or a line break not within the buffer's whole
// 16-byte pieces. ParseRecord then splits the record the general way, which
// gives the same fields for the records this one takes.
const char* CsvReader::SplitPlainRecord(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i delim = _mm_set1_epi8(delim_);
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i quote = _mm_set1_epi8('"');
  const char* field = p;
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const unsigned newline = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, lf)));
    unsigned stop = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, quote))));
    unsigned delims = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, delim)));
    size_t line_end = 16;  // where the record's last field ends, if in this piece
    if (newline != 0) {
      const unsigned at = static_cast<unsigned>(__builtin_ctz(newline));
      const unsigned before = (1u << at) - 1;
      line_end = at;
      // A CR right before the LF ends the line too (CRLF).
      if (at > 0 && (stop & before) == (1u << (at - 1)) && p[at - 1] == '\r') {
        line_end = at - 1;
        stop = 0;
      }
      stop &= before;
      delims &= before;
    }
    if (stop != 0) return nullptr;
    for (; delims != 0; delims &= delims - 1) {
      const char* d = p + __builtin_ctz(delims);
      fields_.push_back(baton_str{field, static_cast<size_t>(d - field)});
      field = d + 1;
    }
    if (newline != 0) {
      fields_.push_back(baton_str{field, static_cast<size_t>(p + line_end - field)});
      return p + __builtin_ctz(newline) + 1;
    }
    p += 16;
  }
#else
  (void)p;
  (void)end;
#endif
  return nullptr;
}

// Splits the record at pos_ into fields_. Nothing is consumed unless the
// whole record (through its line break) is in the buffer, so after kNeedMore
// the caller refills and the record is parsed again from its start.
CsvReader::Step CsvReader::ParseRecord() {
  char* const base = buf_.data();
  const char* const begin = base + pos_;
  const char* const end = base + end_;
  fields_.clear();
  scratch_fields_.clear();
  scratch_.clear();
  junk_field_ = SIZE_MAX;
  const char* p = begin;
  if (p == end) return eof_ ? Step::kEnd : Step::kNeedMore;
  if (*p == '\n') {
    pos_ += 1;
    return Step::kBlank;
  }
  if (*p == '\r') {
    if (p + 1 == end && !eof_) return Step::kNeedMore;
    pos_ += (p + 1 < end && p[1] == '\n') ? 2 : 1;
    return Step::kBlank;
  }
  if (const char* after = SplitPlainRecord(p, end)) {
    record_begin_ = begin;
    record_end_ = after;
    pos_ = static_cast<size_t>(after - base);
    return Step::kRecord;
  }
  fields_.clear();  // what the plain split left behind
  for (;;) {
    if (p < end && *p == '"') {
      const char* const content = p + 1;
      const char* q = content;
      const char* close;
      bool doubled = false;
      for (;;) {
        close = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
        if (!close) return eof_ ? Step::kUnterminated : Step::kNeedMore;
        // A quote at the end of the buffer may be the first of a pair.
        if (close + 1 == end && !eof_) return Step::kNeedMore;
        if (close + 1 < end && close[1] == '"') {
          doubled = true;
          q = close + 2;
          continue;
        }
        break;
      }
      if (doubled) {
        const size_t offset = scratch_.size();
        for (const char* s = content; s < close; ++s) {
          scratch_.push_back(*s);
          if (*s == '"') ++s;  // the second quote of a pair
        }
        scratch_fields_.emplace_back(fields_.size(), offset);
        fields_.push_back(baton_str{nullptr, scratch_.size() - offset});
      } else {
        fields_.push_back(baton_str{content, static_cast<size_t>(close - content)});
      }
      p = close + 1;
      if (p < end && *p != delim_ && *p != '\n' && *p != '\r') {
        // Text after the closing quote: keep it with the field (so a rejects
        // file shows it) and flag the record.
        const char* stop = ScanUnquoted(p, end);
        if (stop == end && !eof_) return Step::kNeedMore;
        const size_t index = fields_.size() - 1;
        if (junk_field_ == SIZE_MAX) junk_field_ = index;
        if (doubled) {
          scratch_.append(p, static_cast<size_t>(stop - p));
        } else {
          const size_t offset = scratch_.size();
          scratch_.append(content, static_cast<size_t>(close - content));
          scratch_.append(p, static_cast<size_t>(stop - p));
          scratch_fields_.emplace_back(index, offset);
        }
        fields_[index] = baton_str{nullptr, scratch_.size() - scratch_fields_.back().second};
        p = stop;
      }
    } else {
      const char* stop = ScanUnquoted(p, end);
      if (stop == end && !eof_) return Step::kNeedMore;
      fields_.push_back(baton_str{p, static_cast<size_t>(stop - p)});
      p = stop;
    }
    if (p == end) break;  // the end of the file ends the last record
    if (*p == delim_) {
      ++p;
      continue;
    }
    if (*p == '\r') {
      if (p + 1 == end && !eof_) return Step::kNeedMore;
      p += (p + 1 < end && p[1] == '\n') ? 2 : 1;
    } else {
      ++p;
    }
    break;
  }
  record_begin_ = begin;
  record_end_ = p;
  pos_ = static_cast<size_t>(p - base);
  return Step::kRecord;
}

Error CsvReader::Advance(bool* has_record) {
  *has_record = false;
  for (;;) {
    switch (ParseRecord()) {
      case Step::kRecord:
        ++row_;
        FinishRecord();
        *has_record = true;
        return Error::Ok();
      case Step::kBlank:
        ++row_;
        continue;
      case Step::kEnd:
        return Error::Ok();
      case Step::kNeedMore:
        if (eof_)
          return Error::Make(BATON_INTERNAL, Where(row_ + 1) +
                                                 ": the CSV reader asked for "
                                                 "more data after the end of the file");
        BATON_CSV_RETURN_IF_ERROR(Fill());
        continue;
      case Step::kUnterminated:
        return Error::Make(
            BATON_PARSE_ERROR,
            Where(row_ + 1) + ": " + ColumnLabel(fields_.size()) +
                ": a quoted value is not closed before the end of the file; "
                "the file may be truncated, or a quote inside a value is not "
                "doubled (\"\")");
    }
  }
}

Error CsvReader::Next(bool* has_record) {
  *has_record = false;
  if (!file_)
    return Error::Make(BATON_FAILED_PRECONDITION, "the CSV reader is not open");
  return Advance(has_record);
}

void CsvReader::FinishRecord() {
  for (const auto& [index, offset] : scratch_fields_)
    fields_[index].data = scratch_.data() + offset;
  row_error_.clear();
  if (!in_header_ && fields_.size() != header_.size()) {
    row_error_ = Where(row_) + ": " + std::to_string(fields_.size()) +
                 (fields_.size() == 1 ? " field" : " fields") + ", but the header has " +
                 std::to_string(header_.size()) +
                 " columns; a value holding the delimiter or a line break "
                 "must be quoted";
  } else if (junk_field_ != SIZE_MAX) {
    row_error_ = Where(row_) + ": " + ColumnLabel(junk_field_) +
                 ": text follows the closing quote of a quoted value; a "
                 "quote inside a quoted value must be doubled (\"\")";
  }
  if (AllAscii(record_begin_, record_end_)) return;
  if (options_.encoding == Encoding::kCp1252) {
    TranscodeCp1252();
  } else if (row_error_.empty()) {
    CheckUtf8();
  }
}

void CsvReader::CheckUtf8() {
  for (size_t i = 0; i < fields_.size(); ++i) {
    size_t bad = 0;
    if (IsValidUtf8(std::string_view(fields_[i].data, fields_[i].size), &bad)) continue;
    row_error_ = Where(row_) + ": " + ColumnLabel(i) + ": invalid UTF-8 (byte " +
                 HexByte(static_cast<unsigned char>(fields_[i].data[bad])) +
                 " at byte " + std::to_string(bad + 1) +
                 " of the value); if the file was saved as Windows-1252 "
                 "(\"ANSI\", Excel's usual CSV on Western systems), set "
                 "encoding = \"cp1252\" in the mapping";
    return;
  }
}

void CsvReader::TranscodeCp1252() {
  size_t needed = 0;
  for (const baton_str& f : fields_)
    if (!AllAscii(f.data, f.data + f.size)) needed += 3 * f.size;
  // Sized once so that the views below stay valid.
  transcoded_.resize(needed);
  size_t offset = 0;
  for (size_t i = 0; i < fields_.size(); ++i) {
    baton_str& f = fields_[i];
    if (AllAscii(f.data, f.data + f.size)) continue;
    int undefined = -1;
    char* out = transcoded_.data() + offset;
    const size_t n = Cp1252ToUtf8(std::string_view(f.data, f.size), out, &undefined);
    f = baton_str{out, n};
    offset += n;
    if (undefined >= 0 && row_error_.empty())
      row_error_ = Where(row_) + ": " + ColumnLabel(i) + ": byte " +
                   HexByte(static_cast<unsigned>(undefined)) +
                   " is not a character in Windows-1252; the file may be in "
                   "another encoding (set encoding = \"utf-8\" if it is UTF-8)";
  }
}

}  // namespace baton::csv

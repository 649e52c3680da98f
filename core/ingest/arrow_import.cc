// Arrow C Data Interface import (see arrow_import.h).
//
// Each column that feeds a field is first checked once (its Arrow type
// against the field's kind, its buffers against its format), then the batch
// is read row by row into Workspace::Add*, so that required fields, defaults
// and the deal-outcome rule are exactly those of the text sink. Strings are
// handed to the workspace as views into the Arrow buffers: the workspace's
// dictionaries copy them once, when they intern them.
//
// Rows in messages are numbered from 0 within the batch (after the struct's
// own offset), the positions pandas and pyarrow show.
//
// On error the rows added before the failing row stay in the workspace; the
// C ABI documents that a workspace is discarded after a failed load.
#include "ingest/arrow_import.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

namespace baton {
namespace {

enum class ArrowType {
  kNull, kBool,
  kInt8, kUInt8, kInt16, kUInt16, kInt32, kUInt32, kInt64, kUInt64,
  kFloat32, kFloat64,
  kUtf8, kLargeUtf8,
  kDate32, kDate64, kTimestamp,
  kStruct,
  kUnsupported,
};

// The unit of an Arrow timestamp column.
enum class TimeUnit { kSecond, kMilli, kMicro, kNano };

bool IsInteger(ArrowType t) {
  return t >= ArrowType::kInt8 && t <= ArrowType::kUInt64;
}
bool IsUtf8(ArrowType t) {
  return t == ArrowType::kUtf8 || t == ArrowType::kLargeUtf8;
}

ArrowType TypeOfFormat(std::string_view f, TimeUnit* unit) {
  if (f == "n") return ArrowType::kNull;
  if (f == "b") return ArrowType::kBool;
  if (f == "c") return ArrowType::kInt8;
  if (f == "C") return ArrowType::kUInt8;
  if (f == "s") return ArrowType::kInt16;
  if (f == "S") return ArrowType::kUInt16;
  if (f == "i") return ArrowType::kInt32;
  if (f == "I") return ArrowType::kUInt32;
  if (f == "l") return ArrowType::kInt64;
  if (f == "L") return ArrowType::kUInt64;
  if (f == "f") return ArrowType::kFloat32;
  if (f == "g") return ArrowType::kFloat64;
  if (f == "u") return ArrowType::kUtf8;
  if (f == "U") return ArrowType::kLargeUtf8;
  if (f == "tdD") return ArrowType::kDate32;
  if (f == "tdm") return ArrowType::kDate64;
  if (f == "+s") return ArrowType::kStruct;
  // "tss:", "tsm:", "tsu:", "tsn:" followed by an optional zone name: the
  // values are UTC instants whatever the zone says.
  if (f.size() >= 4 && f.substr(0, 2) == "ts" && f[3] == ':') {
    switch (f[2]) {
      case 's': *unit = TimeUnit::kSecond; return ArrowType::kTimestamp;
      case 'm': *unit = TimeUnit::kMilli; return ArrowType::kTimestamp;
      case 'u': *unit = TimeUnit::kMicro; return ArrowType::kTimestamp;
      case 'n': *unit = TimeUnit::kNano; return ArrowType::kTimestamp;
      default: break;
    }
  }
  return ArrowType::kUnsupported;
}

// Buffers an array of the type has, per the specification.
int64_t ExpectedBuffers(ArrowType t) {
  switch (t) {
    case ArrowType::kNull: return 0;
    case ArrowType::kStruct: return 1;
    case ArrowType::kUtf8:
    case ArrowType::kLargeUtf8: return 3;
    case ArrowType::kUnsupported: return -1;
    default: return 2;
  }
}

bool Bit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The sink's boolean words, so text flags read the same from every source.
bool ParseBoolText(std::string_view s, bool* out) {
  std::string v;
  for (char c : s)
    v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (v == "0" || v == "false" || v == "no" || v == "f" || v == "n") {
    *out = false;
    return true;
  }
  if (v == "1" || v == "true" || v == "yes" || v == "t" || v == "y") {
    *out = true;
    return true;
  }
  return false;
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A validated view of one Arrow array. Positions passed to readers are
// physical: the array's offset already added.
struct ArrayRef {
  std::string_view format;
  ArrowType type = ArrowType::kUnsupported;
  TimeUnit unit = TimeUnit::kMilli;
  int64_t length = 0;
  int64_t offset = 0;
  const uint8_t* validity = nullptr;  // nullptr when there are no nulls
  const void* values = nullptr;       // buffers[1]
  const char* chars = nullptr;        // buffers[2] of utf8 arrays
  std::unique_ptr<ArrayRef> dictionary;  // set when dictionary-encoded
};

// Reads the structure of `array` (not its values) into `out`. Unsupported
// types are accepted here and reported by the field check, which knows what
// the column was meant to feed.
Status MakeRef(const ArrowSchema* schema, const ArrowArray* array,
               const std::string& where, bool allow_dictionary, ArrayRef* out) {
  if (!schema || !array || !schema->format)
    return Status::InvalidArgument(where + ": the Arrow schema or array is NULL");
  out->format = schema->format;
  out->type = TypeOfFormat(out->format, &out->unit);
  out->length = array->length;
  out->offset = array->offset;
  int64_t end;
  if (array->length < 0 || array->offset < 0 ||
      __builtin_add_overflow(array->offset, array->length, &end))
    return Status::InvalidArgument(where + ": the Arrow array's length (" +
                                   std::to_string(array->length) + ") or offset (" +
                                   std::to_string(array->offset) + ") is out of range");
  if (schema->dictionary || array->dictionary) {
    if (!schema->dictionary || !array->dictionary)
      return Status::InvalidArgument(
          where + ": the Arrow schema and array disagree on whether the column "
                  "is dictionary-encoded");
    if (!allow_dictionary)
      return Status::InvalidArgument(where +
                                     ": a dictionary of dictionaries is not supported");
    if (!IsInteger(out->type))
      return Status::InvalidArgument(where + ": dictionary indices have Arrow format " +
                                     Quote(out->format) + "; they must be integers");
    out->dictionary = std::make_unique<ArrayRef>();
    BATON_RETURN_IF_ERROR(MakeRef(schema->dictionary, array->dictionary,
                                  where + " (dictionary values)", false,
                                  out->dictionary.get()));
  }
  const int64_t expected = ExpectedBuffers(out->type);
  if (expected <= 0) return Status::OK();  // null type, or reported later
  if (array->n_buffers != expected)
    return Status::InvalidArgument(where + ": Arrow format " + Quote(out->format) +
                                   " needs " + std::to_string(expected) +
                                   " buffers, the array has " +
                                   std::to_string(array->n_buffers));
  if (!array->buffers)
    return Status::InvalidArgument(where + ": the Arrow array's buffers are NULL");
  // null_count -1 means "not computed": the bitmap, when present, decides.
  if (array->null_count != 0) {
    out->validity = static_cast<const uint8_t*>(array->buffers[0]);
    if (!out->validity && array->null_count > 0)
      return Status::InvalidArgument(where + ": null_count is " +
                                     std::to_string(array->null_count) +
                                     " but there is no validity bitmap");
  }
  if (expected >= 2) {
    out->values = array->buffers[1];
    if (!out->values && array->length > 0)
      return Status::InvalidArgument(where + ": the Arrow array's values buffer is NULL");
  }
  if (expected >= 3) out->chars = static_cast<const char*>(array->buffers[2]);
  return Status::OK();
}

// What a canonical field takes.
enum class FieldKind { kString, kTime, kNumber, kBool };

struct FieldSpec {
  const char* name;
  FieldKind kind;
  bool required;
};

// Per table, in the order of the index enums below (connector.h lists the
// same fields).
const FieldSpec kPeopleFields[] = {
    {"person_id", FieldKind::kString, true}, {"account_id", FieldKind::kString, false},
    {"created_at", FieldKind::kTime, false}, {"source", FieldKind::kString, false},
    {"owner", FieldKind::kString, false},    {"email", FieldKind::kString, false}};
enum { kPId, kPAccount, kPCreated, kPSource, kPOwner, kPEmail };

const FieldSpec kTouchFields[] = {
    {"person_id", FieldKind::kString, true}, {"at", FieldKind::kTime, true},
    {"channel", FieldKind::kString, false},  {"campaign", FieldKind::kString, false},
    {"side", FieldKind::kString, false},     {"activity", FieldKind::kString, false},
    {"cost", FieldKind::kNumber, false}};
enum { kTId, kTAt, kTChannel, kTCampaign, kTSide, kTActivity, kTCost };

const FieldSpec kStageFields[] = {
    {"person_id", FieldKind::kString, true}, {"stage", FieldKind::kString, true},
    {"at", FieldKind::kTime, true},          {"disposition", FieldKind::kString, false},
    {"reason", FieldKind::kString, false}};
enum { kSId, kSStage, kSAt, kSDisposition, kSReason };

const FieldSpec kDealFields[] = {
    {"deal_id", FieldKind::kString, true},   {"account_id", FieldKind::kString, false},
    {"person_id", FieldKind::kString, false}, {"created_at", FieldKind::kTime, false},
    {"closed_at", FieldKind::kTime, false},  {"amount", FieldKind::kNumber, false},
    {"currency", FieldKind::kString, false}, {"stage", FieldKind::kString, false},
    {"is_won", FieldKind::kBool, false},     {"is_closed", FieldKind::kBool, false},
    {"owner", FieldKind::kString, false},    {"source", FieldKind::kString, false},
    {"campaign", FieldKind::kString, false}};
enum {
  kDId, kDAccount, kDPerson, kDCreated, kDClosed, kDAmount, kDCurrency,
  kDStage, kDIsWon, kDIsClosed, kDOwner, kDSource, kDCampaign
};

const FieldSpec kSpendFields[] = {
    {"channel", FieldKind::kString, false},     {"campaign", FieldKind::kString, false},
    {"period_start", FieldKind::kTime, false},  {"period_end", FieldKind::kTime, false},
    {"amount", FieldKind::kNumber, true},       {"currency", FieldKind::kString, false}};
enum { kXChannel, kXCampaign, kXStart, kXEnd, kXAmount, kXCurrency };

enum class TableKind { kPeople, kTouches, kStages, kDeals, kSpend };

struct TableSpec {
  const char* name;
  TableKind kind;
  const FieldSpec* fields;
  size_t num_fields;
};

template <size_t N>
constexpr size_t Count(const FieldSpec (&)[N]) { return N; }

const TableSpec kTables[] = {
    {"people", TableKind::kPeople, kPeopleFields, Count(kPeopleFields)},
    {"touches", TableKind::kTouches, kTouchFields, Count(kTouchFields)},
    {"stages", TableKind::kStages, kStageFields, Count(kStageFields)},
    {"deals", TableKind::kDeals, kDealFields, Count(kDealFields)},
    {"spend", TableKind::kSpend, kSpendFields, Count(kSpendFields)},
};

const char* AcceptedTypes(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString:
      return "utf8, large utf8, dictionary<integer, utf8>, integers, bool";
    case FieldKind::kTime:
      return "timestamp (any unit and zone), date32, date64, int32/int64 epoch "
             "milliseconds, utf8 text";
    case FieldKind::kNumber:
      return "float32, float64, integers, utf8 text";
    case FieldKind::kBool:
      return "bool, integers (0/1), utf8 text (true/false, 1/0, yes/no)";
  }
  return "";
}

bool Accepts(FieldKind kind, ArrowType t) {
  if (t == ArrowType::kNull) return true;
  switch (kind) {
    case FieldKind::kString:
      return IsUtf8(t) || IsInteger(t) || t == ArrowType::kBool;
    case FieldKind::kTime:
      return IsUtf8(t) || t == ArrowType::kTimestamp || t == ArrowType::kDate32 ||
             t == ArrowType::kDate64 || t == ArrowType::kInt32 ||
             t == ArrowType::kInt64;
    case FieldKind::kNumber:
      return IsUtf8(t) || IsInteger(t) || t == ArrowType::kFloat32 ||
             t == ArrowType::kFloat64;
    case FieldKind::kBool:
      return IsUtf8(t) || IsInteger(t) || t == ArrowType::kBool;
  }
  return false;
}

// One column of the batch, as read for one or more fields.
class BatchColumn {
 public:
  // Room for the decimal text of any 64-bit integer.
  static constexpr size_t kScratch = 24;

  std::string name;
  ArrayRef ref;
  int64_t base = 0;  // logical index of batch row 0 in this child (struct offset)
  const uint8_t* row_validity = nullptr;  // the struct's own bitmap
  int64_t row_offset = 0;
  // Per dictionary entry: the mapped stage code, or kUnset (stages only).
  static constexpr int kUnset = -100;
  std::vector<int> stage_cache;

  const ArrayRef& leaf() const { return ref.dictionary ? *ref.dictionary : ref; }

  Status Error(int64_t row, std::string_view value, const std::string& what) const {
    return Status::ParseError("column \"" + name + "\", row " + std::to_string(row) +
                              ": \"" + std::string(value.substr(0, 80)) + "\" " + what);
  }
  Status EmptyError(int64_t row) const {
    return Status::ParseError("column \"" + name + "\", row " + std::to_string(row) +
                              ": is empty");
  }

  // Finds where the value of batch row `row` lives, following a dictionary.
  // *pos is -1 when the value is null.
  Status Locate(int64_t row, const ArrayRef** at, int64_t* pos) const {
    *pos = -1;
    if (row_validity && !Bit(row_validity, row_offset + row)) return Status::OK();
    const ArrayRef* a = &ref;
    int64_t p = a->offset + base + row;
    if (a->type == ArrowType::kNull || (a->validity && !Bit(a->validity, p)))
      return Status::OK();
    if (a->dictionary) {
      int64_t k = 0;
      bool fits = IntAt(*a, p, &k);
      const ArrayRef& d = *a->dictionary;
      if (!fits || k < 0 || k >= d.length) {
        char buf[kScratch];
        return Error(row, IntText(*a, p, buf),
                     "is not a valid dictionary index (the dictionary has " +
                         std::to_string(d.length) + " values)");
      }
      a = &d;
      p = d.offset + k;
      if (a->type == ArrowType::kNull || (a->validity && !Bit(a->validity, p)))
        return Status::OK();
    }
    *at = a;
    *pos = p;
    return Status::OK();
  }

  // The value at a located position as text (trimmed), using `scratch` for
  // numbers.
  Status TextAt(int64_t row, const ArrayRef& a, int64_t p, char* scratch,
                std::string_view* out) const {
    switch (a.type) {
      case ArrowType::kUtf8: return Utf8At<int32_t>(row, a, p, out);
      case ArrowType::kLargeUtf8: return Utf8At<int64_t>(row, a, p, out);
      case ArrowType::kBool:
        *out = Bit(static_cast<const uint8_t*>(a.values), p) ? "true" : "false";
        return Status::OK();
      default:
        if (IsInteger(a.type)) {
          *out = IntText(a, p, scratch);
          return Status::OK();
        }
        return Status::Internal("column \"" + name + "\": no text for Arrow format " +
                                Quote(a.format));
    }
  }

  // The value as text, "" when null.
  Status Text(int64_t row, char* scratch, std::string_view* out) const {
    const ArrayRef* a = nullptr;
    int64_t p;
    BATON_RETURN_IF_ERROR(Locate(row, &a, &p));
    if (p < 0) {
      *out = std::string_view();
      return Status::OK();
    }
    return TextAt(row, *a, p, scratch, out);
  }

  // The value as UTC milliseconds, kNoTime when null or empty text.
  Status Time(int64_t row, int64_t* out) const {
    const ArrayRef* a = nullptr;
    int64_t p;
    BATON_RETURN_IF_ERROR(Locate(row, &a, &p));
    *out = kNoTime;
    if (p < 0) return Status::OK();
    int64_t v = 0;
    switch (a->type) {
      case ArrowType::kTimestamp:
        v = static_cast<const int64_t*>(a->values)[p];
        switch (a->unit) {
          case TimeUnit::kSecond:
            if (__builtin_mul_overflow(v, int64_t{1000}, &v))
              return Error(row, std::to_string(static_cast<const int64_t*>(a->values)[p]),
                           "seconds is out of the range of a timestamp");
            break;
          case TimeUnit::kMilli: break;
          // Floor, not truncation: an instant before the epoch belongs to the
          // millisecond that starts before it.
          case TimeUnit::kMicro: v = FloorDiv(v, 1000); break;
          case TimeUnit::kNano: v = FloorDiv(v, 1000000); break;
        }
        break;
      case ArrowType::kDate32:
        v = static_cast<int64_t>(static_cast<const int32_t*>(a->values)[p]) * kMillisPerDay;
        break;
      case ArrowType::kDate64:
      case ArrowType::kInt64: v = static_cast<const int64_t*>(a->values)[p]; break;
      case ArrowType::kInt32: v = static_cast<const int32_t*>(a->values)[p]; break;
      case ArrowType::kUtf8:
      case ArrowType::kLargeUtf8: {
        std::string_view s;
        BATON_RETURN_IF_ERROR(TextAt(row, *a, p, nullptr, &s));
        s = Trim(s);
        if (s.empty()) return Status::OK();
        if (!ParseTimestamp(s, &v))
          return Error(row, s, std::string("is not a date or time (") +
                                   TimestampFormatsHint() + ")");
        break;
      }
      default:
        return Status::Internal("column \"" + name + "\": no time for Arrow format " +
                                Quote(a->format));
    }
    // The one int64 that means "missing" inside the engine.
    if (v == kNoTime) return Error(row, std::to_string(v), "is out of range");
    *out = v;
    return Status::OK();
  }

  // The value as a finite double; *present is false when null or empty text.
  Status Number(int64_t row, double* out, bool* present) const {
    const ArrayRef* a = nullptr;
    int64_t p;
    BATON_RETURN_IF_ERROR(Locate(row, &a, &p));
    *present = false;
    if (p < 0) return Status::OK();
    double v = 0;
    switch (a->type) {
      case ArrowType::kFloat32: v = static_cast<const float*>(a->values)[p]; break;
      case ArrowType::kFloat64: v = static_cast<const double*>(a->values)[p]; break;
      case ArrowType::kUInt64:
        v = static_cast<double>(static_cast<const uint64_t*>(a->values)[p]);
        break;
      case ArrowType::kUtf8:
      case ArrowType::kLargeUtf8: {
        std::string_view s;
        BATON_RETURN_IF_ERROR(TextAt(row, *a, p, nullptr, &s));
        s = Trim(s);
        if (s.empty()) return Status::OK();
        std::string_view digits = s.front() == '+' ? s.substr(1) : s;
        auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (r.ec != std::errc() || r.ptr != digits.data() + digits.size())
          return Error(row, s, "is not a number");
        break;
      }
      default: {
        int64_t i = 0;
        if (!IntAt(*a, p, &i))
          return Status::Internal("column \"" + name + "\": no number for Arrow format " +
                                  Quote(a->format));
        v = static_cast<double>(i);
      }
    }
    if (!std::isfinite(v)) {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, v);
      return Error(row, std::string_view(buf, r.ptr - buf), "is not a finite number");
    }
    *out = v;
    *present = true;
    return Status::OK();
  }

  // The value as a flag; *present is false when null or empty text.
  Status Bool(int64_t row, bool* out, bool* present) const {
    const ArrayRef* a = nullptr;
    int64_t p;
    BATON_RETURN_IF_ERROR(Locate(row, &a, &p));
    *present = false;
    if (p < 0) return Status::OK();
    if (a->type == ArrowType::kBool) {
      *out = Bit(static_cast<const uint8_t*>(a->values), p);
    } else if (IsUtf8(a->type)) {
      std::string_view s;
      BATON_RETURN_IF_ERROR(TextAt(row, *a, p, nullptr, &s));
      s = Trim(s);
      if (s.empty()) return Status::OK();
      if (!ParseBoolText(s, out))
        return Error(row, s, "is not a boolean (1/0, true/false, yes/no)");
    } else {
      int64_t i = 0;
      bool fits = IntAt(*a, p, &i);
      if (!fits || (i != 0 && i != 1)) {
        char buf[kScratch];
        return Error(row, IntText(*a, p, buf), "is not a boolean (0 or 1)");
      }
      *out = i == 1;
    }
    *present = true;
    return Status::OK();
  }

 private:
  // False for a uint64 above INT64_MAX.
  static bool IntAt(const ArrayRef& a, int64_t p, int64_t* out) {
    const void* v = a.values;
    switch (a.type) {
      case ArrowType::kInt8: *out = static_cast<const int8_t*>(v)[p]; return true;
      case ArrowType::kUInt8: *out = static_cast<const uint8_t*>(v)[p]; return true;
      case ArrowType::kInt16: *out = static_cast<const int16_t*>(v)[p]; return true;
      case ArrowType::kUInt16: *out = static_cast<const uint16_t*>(v)[p]; return true;
      case ArrowType::kInt32: *out = static_cast<const int32_t*>(v)[p]; return true;
      case ArrowType::kUInt32: *out = static_cast<const uint32_t*>(v)[p]; return true;
      case ArrowType::kInt64: *out = static_cast<const int64_t*>(v)[p]; return true;
      case ArrowType::kUInt64: {
        uint64_t u = static_cast<const uint64_t*>(v)[p];
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
        *out = static_cast<int64_t>(u);
        return true;
      }
      default: return false;
    }
  }

  // Decimal text of an integer value, written into `buf` (kScratch bytes).
  static std::string_view IntText(const ArrayRef& a, int64_t p, char* buf) {
    std::to_chars_result r;
    if (a.type == ArrowType::kUInt64) {
      r = std::to_chars(buf, buf + kScratch, static_cast<const uint64_t*>(a.values)[p]);
    } else {
      int64_t i = 0;
      IntAt(a, p, &i);
      r = std::to_chars(buf, buf + kScratch, i);
    }
    return std::string_view(buf, r.ptr - buf);
  }

  template <typename Offset>
  Status Utf8At(int64_t row, const ArrayRef& a, int64_t p, std::string_view* out) const {
    const Offset* o = static_cast<const Offset*>(a.values);
    const Offset start = o[p], end = o[p + 1];
    if (start < 0 || end < start)
      return Status::InvalidArgument("column \"" + name + "\", row " +
                                     std::to_string(row) +
                                     ": the utf8 offsets are not increasing (" +
                                     std::to_string(start) + ", " +
                                     std::to_string(end) + ")");
    if (end > start && !a.chars)
      return Status::InvalidArgument("column \"" + name +
                                     "\": the utf8 data buffer is NULL");
    *out = end > start ? Trim(std::string_view(a.chars + start,
                                                static_cast<size_t>(end - start)))
                       : std::string_view();
    return Status::OK();
  }
};

// Explains why a column's type cannot feed a field.
Status TypeError(const BatchColumn& c, const FieldSpec& f, const std::string& table) {
  const std::string_view format = c.leaf().format;
  const std::string where = "column \"" + c.name + "\" (feeding " + table + "." +
                            f.name + ")";
  if (format == "vu")
    return Status::InvalidArgument(
        where + " is a utf8 string view (Arrow format \"vu\"), which is not "
                "supported; cast it to utf8 or large utf8 (pyarrow: pa.string() or "
                "pa.large_string())");
  if (format == "e")
    return Status::InvalidArgument(where + " is a half float (Arrow format \"e\"), "
                                           "which is not supported; cast it to float32 "
                                           "or float64");
  std::string why;
  if (f.kind == FieldKind::kTime && (format == "f" || format == "g"))
    why = "floating-point times are ambiguous; ";
  return Status::InvalidArgument(where + " has Arrow format " + Quote(format) +
                                 ", which cannot feed a " +
                                 (f.kind == FieldKind::kString   ? "text"
                                  : f.kind == FieldKind::kTime   ? "time"
                                  : f.kind == FieldKind::kNumber ? "number"
                                                                 : "boolean") +
                                 " field; " + why + "accepted types are " +
                                 AcceptedTypes(f.kind));
}

// A field fed by a column, with its own scratch space so that several
// integer-backed fields of one row can be held as views at once.
struct Binding {
  BatchColumn* column = nullptr;
  char scratch[BatchColumn::kScratch];
};

// An attribute of people fed by a column.
struct AttributeBinding {
  std::string name;
  Binding binding;
};

class Importer {
 public:
  Importer(Workspace* ws, const TableSpec& spec, int64_t length)
      : ws_(ws), spec_(spec), length_(length), fields_(spec.num_fields) {}

  Status Bind(const ArrowSchema* schema, const ArrowArray* array,
              const ArrayRef& batch,
              const std::map<std::string, std::string>& options);
  Status Run();

 private:
  Status ColumnFor(int64_t child, const std::string& field, FieldKind kind,
                   BatchColumn** out);
  std::string ColumnList() const;
  int64_t FindChild(const std::string& name, Status* status) const;

  // Field readers: unmapped fields read as null.
  Status Str(int f, int64_t row, std::string_view* out) {
    Binding& b = fields_[f];
    if (!b.column) {
      *out = std::string_view();
      return Status::OK();
    }
    return b.column->Text(row, b.scratch, out);
  }
  Status RequiredStr(int f, int64_t row, std::string_view* out) {
    BATON_RETURN_IF_ERROR(Str(f, row, out));
    if (out->empty()) return fields_[f].column->EmptyError(row);
    return Status::OK();
  }
  Status Time(int f, int64_t row, int64_t* out) {
    *out = kNoTime;
    return fields_[f].column ? fields_[f].column->Time(row, out) : Status::OK();
  }
  Status RequiredTime(int f, int64_t row, int64_t* out) {
    BATON_RETURN_IF_ERROR(Time(f, row, out));
    if (*out == kNoTime) return fields_[f].column->EmptyError(row);
    return Status::OK();
  }
  // Null numbers read as 0.
  Status Number(int f, int64_t row, double* out, bool* present) {
    *present = false;
    *out = 0;
    if (!fields_[f].column) return Status::OK();
    BATON_RETURN_IF_ERROR(fields_[f].column->Number(row, out, present));
    if (!*present) *out = 0;
    return Status::OK();
  }
  Status Flag(int f, int64_t row, bool* out, bool* present) {
    *present = false;
    *out = false;
    return fields_[f].column ? fields_[f].column->Bool(row, out, present)
                             : Status::OK();
  }
  Status StageCode(int f, int64_t row, int* code, bool* ignored);

  // Gives a workspace error the row it happened on.
  static Status AtRow(int64_t row, Status st) {
    if (st.ok() || st.code() == StatusCode::kParseError) return st;
    return Status(st.code(), "row " + std::to_string(row) + ": " + st.message());
  }

  Status People();
  Status Touches();
  Status Stages();
  Status Deals();
  Status Spend();

  Workspace* ws_;
  const TableSpec& spec_;
  int64_t length_;
  std::vector<std::unique_ptr<BatchColumn>> columns_;  // per batch child, when used
  std::vector<std::string> child_names_;
  std::vector<Binding> fields_;
  std::vector<AttributeBinding> attributes_;
  int64_t side_defaults_ = 0;
  int64_t ignored_stage_rows_ = 0;

  const ArrowSchema* schema_ = nullptr;
  const ArrowArray* array_ = nullptr;
  const ArrayRef* batch_ = nullptr;
};

std::string Importer::ColumnList() const {
  std::string out;
  for (size_t i = 0; i < child_names_.size(); ++i) {
    if (i) out += ", ";
    out += child_names_[i];
  }
  return out.empty() ? "(none)" : out;
}

int64_t Importer::FindChild(const std::string& name, Status* status) const {
  int64_t found = -1;
  for (size_t i = 0; i < child_names_.size(); ++i) {
    if (child_names_[i] != name) continue;
    if (found >= 0) {
      *status = Status::InvalidArgument("the batch has two columns named " + Quote(name) +
                                        "; rename one");
      return -1;
    }
    found = static_cast<int64_t>(i);
  }
  return found;
}

Status Importer::ColumnFor(int64_t child, const std::string& field, FieldKind kind,
                           BatchColumn** out) {
  std::unique_ptr<BatchColumn>& c = columns_[child];
  if (!c) {
    auto col = std::make_unique<BatchColumn>();
    col->name = child_names_[child];
    const std::string where = "column " + Quote(col->name);
    BATON_RETURN_IF_ERROR(MakeRef(schema_->children[child], array_->children[child],
                                  where, true, &col->ref));
    if (col->ref.length < batch_->offset + batch_->length)
      return Status::InvalidArgument(where + " has " + std::to_string(col->ref.length) +
                                     " values; the batch needs " +
                                     std::to_string(batch_->offset + batch_->length));
    col->base = batch_->offset;
    col->row_validity = batch_->validity;
    col->row_offset = batch_->offset;
    c = std::move(col);
  }
  if (!Accepts(kind, c->leaf().type)) {
    FieldSpec f{field.c_str(), kind, false};
    return TypeError(*c, f, spec_.name);
  }
  *out = c.get();
  return Status::OK();
}

Status Importer::Bind(const ArrowSchema* schema, const ArrowArray* array,
                      const ArrayRef& batch,
                      const std::map<std::string, std::string>& options) {
  schema_ = schema;
  array_ = array;
  batch_ = &batch;
  for (int64_t i = 0; i < schema->n_children; ++i)
    child_names_.push_back(schema->children[i]->name ? schema->children[i]->name : "");
  columns_.resize(child_names_.size());

  auto field_index = [&](std::string_view name) -> int {
    for (size_t i = 0; i < spec_.num_fields; ++i)
      if (name == spec_.fields[i].name) return static_cast<int>(i);
    return -1;
  };
  auto field_list = [&] {
    std::string out;
    for (size_t i = 0; i < spec_.num_fields; ++i) {
      if (i) out += ", ";
      out += spec_.fields[i].name;
    }
    if (spec_.kind == TableKind::kPeople) out += ", attribute:<name>";
    return out;
  };
  const bool people = spec_.kind == TableKind::kPeople;

  // Options first, so a typo in a key is reported even when the column it
  // meant to rename happens to exist.
  std::vector<std::pair<std::string, std::string>> attribute_columns;
  for (const auto& [key, value] : options) {
    if (key == "attributes") {
      if (!people)
        return Status::InvalidArgument("the option \"attributes\" applies to people "
                                       "only, not to " + std::string(spec_.name));
      std::string_view rest = value;
      while (!rest.empty()) {
        size_t comma = rest.find(',');
        std::string name(Trim(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        if (!name.empty()) attribute_columns.emplace_back(name, name);
      }
      continue;
    }
    if (key.rfind("column.", 0) != 0) continue;  // options of other parts
    std::string field = key.substr(7);
    if (people && field.rfind("attribute:", 0) == 0) {
      if (field.size() == 10)
        return Status::InvalidArgument("option " + Quote(key) + ": the attribute has no name");
      attribute_columns.emplace_back(field.substr(10), value);
      continue;
    }
    if (field_index(field) < 0)
      return Status::InvalidArgument("option " + Quote(key) + ": " + Quote(field) +
                                     " is not a field of " + spec_.name +
                                     "; fields are " + field_list());
  }

  for (size_t f = 0; f < spec_.num_fields; ++f) {
    const FieldSpec& fs = spec_.fields[f];
    auto opt = options.find(std::string("column.") + fs.name);
    const bool explicit_name = opt != options.end();
    const std::string name = explicit_name ? opt->second : fs.name;
    Status st;
    int64_t child = FindChild(name, &st);
    BATON_RETURN_IF_ERROR(st);
    if (child < 0) {
      if (explicit_name)
        return Status::InvalidArgument("option column." + std::string(fs.name) +
                                       " names column " + Quote(name) +
                                       ", which is not in the batch; the batch's "
                                       "columns are " + ColumnList());
      if (fs.required)
        return Status::InvalidArgument(
            std::string("table ") + spec_.name + " needs the field \"" + fs.name +
            "\": the batch has no column of that name (or map one with the option "
            "column." + fs.name + "); the batch's columns are " + ColumnList());
      continue;
    }
    // Read by the text sink's rules as well: accepted, never used.
    if (spec_.kind == TableKind::kPeople && f == kPEmail) continue;
    BATON_RETURN_IF_ERROR(ColumnFor(child, fs.name, fs.kind, &fields_[f].column));
  }
  if (spec_.kind == TableKind::kSpend && !fields_[kXChannel].column &&
      !fields_[kXCampaign].column)
    return Status::InvalidArgument(
        "spend needs a channel or a campaign column; the batch's columns are " +
        ColumnList());

  if (people) {
    // Columns named "attribute:<name>" (as CanonicalTable exports them) are
    // attributes without being asked for.
    for (const std::string& n : child_names_)
      if (n.rfind("attribute:", 0) == 0 && n.size() > 10)
        attribute_columns.emplace_back(n.substr(10), n);
    for (const auto& [attr, column] : attribute_columns) {
      bool seen = false;
      for (const auto& a : attributes_) seen |= a.name == attr;
      if (seen) continue;  // an option named it already
      Status st;
      int64_t child = FindChild(column, &st);
      BATON_RETURN_IF_ERROR(st);
      if (child < 0)
        return Status::InvalidArgument("attribute " + Quote(attr) + " names column " +
                                       Quote(column) + ", which is not in the batch; "
                                       "the batch's columns are " + ColumnList());
      AttributeBinding a;
      a.name = attr;
      BATON_RETURN_IF_ERROR(ColumnFor(child, "attribute:" + attr, FieldKind::kString,
                                      &a.binding.column));
      attributes_.push_back(std::move(a));
    }
  }
  return Status::OK();
}

Status Importer::StageCode(int f, int64_t row, int* code, bool* ignored) {
  BatchColumn* c = fields_[f].column;
  const ArrayRef* a = nullptr;
  int64_t p;
  BATON_RETURN_IF_ERROR(c->Locate(row, &a, &p));
  if (p < 0) return c->EmptyError(row);
  // A categorical stage column maps each category once.
  int* cached = nullptr;
  if (c->ref.dictionary) {
    if (c->stage_cache.empty())
      c->stage_cache.assign(static_cast<size_t>(a->length), BatchColumn::kUnset);
    cached = &c->stage_cache[static_cast<size_t>(p - a->offset)];
    if (*cached != BatchColumn::kUnset) {
      *ignored = *cached == StageMap::kIgnore;
      *code = *cached;
      return Status::OK();
    }
  }
  std::string_view text;
  BATON_RETURN_IF_ERROR(c->TextAt(row, *a, p, fields_[f].scratch, &text));
  if (text.empty()) return c->EmptyError(row);
  Result<int> r = ws_->MapStage(text, ignored);
  if (!r.ok())
    return c->Error(row, text,
                    "is not a known stage; stages are " + ws_->stage_map().Describe() +
                        "; map it under [stage_map]");
  *code = *r;
  if (cached) *cached = *code;
  return Status::OK();
}

Status Importer::People() {
  for (int64_t r = 0; r < length_; ++r) {
    PersonRow p;
    BATON_RETURN_IF_ERROR(RequiredStr(kPId, r, &p.person_id));
    BATON_RETURN_IF_ERROR(Str(kPAccount, r, &p.account_id));
    BATON_RETURN_IF_ERROR(Time(kPCreated, r, &p.created_at));
    BATON_RETURN_IF_ERROR(Str(kPSource, r, &p.source));
    BATON_RETURN_IF_ERROR(Str(kPOwner, r, &p.owner));
    BATON_RETURN_IF_ERROR(AtRow(r, ws_->AddPerson(p)));
    for (AttributeBinding& a : attributes_) {
      std::string_view v;
      BATON_RETURN_IF_ERROR(a.binding.column->Text(r, a.binding.scratch, &v));
      BATON_RETURN_IF_ERROR(AtRow(r, ws_->SetAttribute(p.person_id, a.name, v)));
    }
  }
  return Status::OK();
}

Status Importer::Touches() {
  const BatchColumn* side = fields_[kTSide].column;
  for (int64_t r = 0; r < length_; ++r) {
    TouchRow t;
    bool present;
    BATON_RETURN_IF_ERROR(RequiredStr(kTId, r, &t.person_id));
    BATON_RETURN_IF_ERROR(RequiredTime(kTAt, r, &t.at));
    BATON_RETURN_IF_ERROR(Str(kTChannel, r, &t.channel));
    BATON_RETURN_IF_ERROR(Str(kTCampaign, r, &t.campaign));
    std::string_view s;
    BATON_RETURN_IF_ERROR(Str(kTSide, r, &s));
    if (s.empty()) ++side_defaults_;
    if (!ParseSide(s, &t.side))
      return side->Error(r, s, "is not a side (marketing or sales)");
    BATON_RETURN_IF_ERROR(Str(kTActivity, r, &t.activity));
    BATON_RETURN_IF_ERROR(Number(kTCost, r, &t.cost, &present));
    BATON_RETURN_IF_ERROR(AtRow(r, ws_->AddTouch(t)));
  }
  return Status::OK();
}

Status Importer::Stages() {
  const BatchColumn* disposition = fields_[kSDisposition].column;
  for (int64_t r = 0; r < length_; ++r) {
    StageRow s;
    bool ignored = false;
    BATON_RETURN_IF_ERROR(RequiredStr(kSId, r, &s.person_id));
    BATON_RETURN_IF_ERROR(StageCode(kSStage, r, &s.stage, &ignored));
    BATON_RETURN_IF_ERROR(RequiredTime(kSAt, r, &s.at));
    std::string_view d;
    BATON_RETURN_IF_ERROR(Str(kSDisposition, r, &d));
    if (!ParseDisposition(d, &s.disposition))
      return disposition->Error(r, d,
                                "is not a disposition (advanced, accepted, "
                                "rejected or recycled)");
    BATON_RETURN_IF_ERROR(Str(kSReason, r, &s.reason));
    if (ignored) {
      ++ignored_stage_rows_;
      continue;
    }
    BATON_RETURN_IF_ERROR(AtRow(r, ws_->AddStage(s)));
  }
  return Status::OK();
}

Status Importer::Deals() {
  const StageMap& m = ws_->stage_map();
  for (int64_t r = 0; r < length_; ++r) {
    DealRow d;
    bool present, has_won, has_closed;
    BATON_RETURN_IF_ERROR(RequiredStr(kDId, r, &d.deal_id));
    BATON_RETURN_IF_ERROR(Str(kDAccount, r, &d.account_id));
    BATON_RETURN_IF_ERROR(Str(kDPerson, r, &d.person_id));
    BATON_RETURN_IF_ERROR(Time(kDCreated, r, &d.created_at));
    BATON_RETURN_IF_ERROR(Time(kDClosed, r, &d.closed_at));
    // An open deal may have no amount yet: null reads as 0.
    BATON_RETURN_IF_ERROR(Number(kDAmount, r, &d.amount, &present));
    BATON_RETURN_IF_ERROR(Str(kDCurrency, r, &d.currency));
    BATON_RETURN_IF_ERROR(Str(kDStage, r, &d.stage));
    BATON_RETURN_IF_ERROR(Flag(kDIsWon, r, &d.is_won, &has_won));
    BATON_RETURN_IF_ERROR(Flag(kDIsClosed, r, &d.is_closed, &has_closed));
    BATON_RETURN_IF_ERROR(Str(kDOwner, r, &d.owner));
    BATON_RETURN_IF_ERROR(Str(kDSource, r, &d.source));
    BATON_RETURN_IF_ERROR(Str(kDCampaign, r, &d.campaign));
    // Without explicit flags the deal's stage decides, as in the text sink.
    if ((!has_won || !has_closed) && !d.stage.empty()) {
      int code = m.Lookup(d.stage);
      bool won = code == m.won_code();
      bool lost = code >= 0 && !m.IsFunnel(code);
      if (!has_won) d.is_won = won;
      if (!has_closed) d.is_closed = won || lost;
    }
    BATON_RETURN_IF_ERROR(AtRow(r, ws_->AddDeal(d)));
  }
  return Status::OK();
}

Status Importer::Spend() {
  for (int64_t r = 0; r < length_; ++r) {
    SpendRow s;
    bool present;
    BATON_RETURN_IF_ERROR(Str(kXChannel, r, &s.channel));
    BATON_RETURN_IF_ERROR(Str(kXCampaign, r, &s.campaign));
    BATON_RETURN_IF_ERROR(Time(kXStart, r, &s.period_start));
    BATON_RETURN_IF_ERROR(Time(kXEnd, r, &s.period_end));
    BATON_RETURN_IF_ERROR(Number(kXAmount, r, &s.amount, &present));
    if (!present) return fields_[kXAmount].column->EmptyError(r);
    BATON_RETURN_IF_ERROR(Str(kXCurrency, r, &s.currency));
    BATON_RETURN_IF_ERROR(AtRow(r, ws_->AddSpend(s)));
  }
  return Status::OK();
}

Status Importer::Run() {
  ws_->Reserve(spec_.name, static_cast<size_t>(length_));
  switch (spec_.kind) {
    case TableKind::kPeople: BATON_RETURN_IF_ERROR(People()); break;
    case TableKind::kTouches: BATON_RETURN_IF_ERROR(Touches()); break;
    case TableKind::kStages: BATON_RETURN_IF_ERROR(Stages()); break;
    case TableKind::kDeals: BATON_RETURN_IF_ERROR(Deals()); break;
    case TableKind::kSpend: BATON_RETURN_IF_ERROR(Spend()); break;
  }
  LoadStat stat;
  stat.connector = "arrow";
  stat.table = spec_.name;
  stat.file = "arrow";
  stat.rows_read = length_;
  stat.rows_accepted = length_;
  ws_->AddLoadStat(std::move(stat));
  if (spec_.kind == TableKind::kTouches)
    ws_->CountDefault("touches.side", "marketing", side_defaults_);
  if (ignored_stage_rows_ > 0)
    ws_->AddNote("arrow: " + std::to_string(ignored_stage_rows_) +
                 " stage rows map to \"ignore\" and were not recorded");
  return Status::OK();
}

}  // namespace

Status ImportArrow(Workspace* ws, const std::string& table, const ArrowSchema* schema,
                   const ArrowArray* array,
                   const std::map<std::string, std::string>& options) {
  if (!ws || !schema || !array)
    return Status::InvalidArgument("arrow import: NULL workspace, schema or array");
  const TableSpec* spec = nullptr;
  for (const TableSpec& t : kTables)
    if (table == t.name) spec = &t;
  if (!spec)
    return Status::InvalidArgument("arrow import: unknown table " + Quote(table) +
                                   "; tables are people, touches, stages, deals, spend");
  if (ws->frozen())
    return Status::FailedPrecondition(
        "the workspace is frozen: rows can only be added before the first analysis");
  ArrayRef batch;
  BATON_RETURN_IF_ERROR(MakeRef(schema, array, "arrow import into " + table, false, &batch));
  if (batch.type != ArrowType::kStruct)
    return Status::InvalidArgument(
        "arrow import into " + table + ": expected a record batch (a struct array, "
        "Arrow format \"+s\"), got Arrow format " + Quote(batch.format));
  if (schema->n_children != array->n_children || schema->n_children < 0)
    return Status::InvalidArgument(
        "arrow import into " + table + ": the schema has " +
        std::to_string(schema->n_children) + " columns but the array has " +
        std::to_string(array->n_children));
  if (schema->n_children > 0 && (!schema->children || !array->children))
    return Status::InvalidArgument("arrow import into " + table +
                                   ": the struct's children are NULL");
  for (int64_t i = 0; i < schema->n_children; ++i)
    if (!schema->children[i] || !array->children[i] || !schema->children[i]->format)
      return Status::InvalidArgument("arrow import into " + table + ": column " +
                                     std::to_string(i) + " is NULL");
  Importer importer(ws, *spec, batch.length);
  BATON_RETURN_IF_ERROR(importer.Bind(schema, array, batch, options));
  return importer.Run();
}

}  // namespace baton

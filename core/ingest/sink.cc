#include "ingest/sink.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace baton {
namespace {

// Field names per table, in the order of the Field enums below.
const char* const kPeopleFields[] = {"person_id", "account_id", "created_at",
                                     "source", "owner", "email"};
enum PeopleField { kPId, kPAccount, kPCreated, kPSource, kPOwner, kPEmail };

const char* const kTouchFields[] = {"person_id", "at",   "channel", "campaign",
                                    "side",      "activity", "cost"};
enum TouchField { kTId, kTAt, kTChannel, kTCampaign, kTSide, kTActivity, kTCost };

const char* const kStageFields[] = {"person_id", "stage", "at", "disposition",
                                    "reason"};
enum StageField { kSId, kSStage, kSAt, kSDisposition, kSReason };

const char* const kDealFields[] = {
    "deal_id", "account_id", "person_id", "created_at", "closed_at",
    "amount",  "currency",   "stage",     "is_won",     "is_closed",
    "owner",   "source",     "campaign"};
enum DealField {
  kDId, kDAccount, kDPerson, kDCreated, kDClosed, kDAmount, kDCurrency,
  kDStage, kDIsWon, kDIsClosed, kDOwner, kDSource, kDCampaign
};

const char* const kSpendFields[] = {"channel",    "campaign", "period_start",
                                    "period_end", "amount",   "currency"};
enum SpendField { kXChannel, kXCampaign, kXStart, kXEnd, kXAmount, kXCurrency };

const char* const kPathFields[] = {"path", "conversions", "value", "nulls"};
enum PathField { kQPath, kQConversions, kQValue, kQNulls };

struct TableSpec {
  const char* name;
  const char* const* fields;
  size_t num_fields;
  std::vector<int> required;
};

template <size_t N>
constexpr size_t Count(const char* const (&)[N]) { return N; }

const TableSpec& Spec(int kind) {
  static const TableSpec kSpecs[] = {
      {"people", kPeopleFields, Count(kPeopleFields), {kPId}},
      {"touches", kTouchFields, Count(kTouchFields), {kTId, kTAt}},
      {"stages", kStageFields, Count(kStageFields), {kSId, kSStage, kSAt}},
      {"deals", kDealFields, Count(kDealFields), {kDId}},
      {"spend", kSpendFields, Count(kSpendFields), {kXAmount}},
      {"paths", kPathFields, Count(kPathFields), {kQPath}},
  };
  return kSpecs[kind];
}
constexpr int kNumTables = 6;

std::string_view TrimSlow(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Strips spaces and tabs at both ends and a carriage return at the end.
// Values rarely have any, so two byte tests settle most calls.
[[gnu::always_inline]] inline std::string_view Trim(std::string_view s) {
  if (s.empty()) return s;
  const char f = s.front(), l = s.back();
  if (f != ' ' && f != '\t' && l != ' ' && l != '\t' && l != '\r') return s;
  return TrimSlow(s);
}

inline bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') <= 9; }

// Plain decimals, [+-]DIGITS[.DIGITS] with at most 15 digits in all, as
// m / 10^k: m and 10^k are exact doubles, so the division's single rounding
// gives the correctly rounded value, as from_chars does. Returns false for
// anything else (exponents, long mantissas, "1.", ".5"), which the general
// path then reads.
bool ParsePlainDecimal(std::string_view s, double* out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,
                                      1e6, 1e7, 1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15};
  const char* p = s.data();
  const char* const end = p + s.size();
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) {
    negative = *p == '-';
    ++p;
  }
  const char* const first = p;
  uint64_t m = 0;
  while (p < end && IsDigit(*p)) m = m * 10 + static_cast<uint64_t>(*p++ - '0');
  size_t digits = static_cast<size_t>(p - first);
  if (digits == 0) return false;
  size_t fraction = 0;
  if (p < end && *p == '.') {
    const char* const dot = ++p;
    while (p < end && IsDigit(*p)) m = m * 10 + static_cast<uint64_t>(*p++ - '0');
    fraction = static_cast<size_t>(p - dot);
    if (fraction == 0) return false;
  }
  if (p != end || digits + fraction > 15) return false;
  const double v = static_cast<double>(m) / kPow10[fraction];
  *out = negative ? -v : v;
  return true;
}

bool ParseNumber(std::string_view s, double* out) {
  s = Trim(s);
  if (s.empty()) {
    *out = 0;
    return true;
  }
  if (ParsePlainDecimal(s, out)) return true;
  if (s.front() == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(*out);
}

bool ParseBool(std::string_view s, bool* out) {
  s = Trim(s);
  // The longest accepted spelling is "false".
  if (s.size() > 5) return false;
  char buf[5];
  for (size_t i = 0; i < s.size(); ++i)
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  const std::string_view v(buf, s.size());
  if (v.empty() || v == "0" || v == "false" || v == "no" || v == "f" || v == "n") {
    *out = false;
    return true;
  }
  if (v == "1" || v == "true" || v == "yes" || v == "t" || v == "y") {
    *out = true;
    return true;
  }
  return false;
}

}  // namespace

WorkspaceSink::WorkspaceSink(Workspace* ws, std::string connector_name)
    : ws_(ws), connector_(std::move(connector_name)) {
  std::memset(&sink_, 0, sizeof sink_);
  sink_.struct_size = sizeof(baton_sink);
  sink_.self = this;
  sink_.open = [](void* self, const char* table, const char* file,
                  const baton_field_spec* fields, size_t n,
                  uint32_t* out) -> int {
    auto* s = static_cast<WorkspaceSink*>(self);
    if (!table || !file || (!fields && n) || !out) {
      s->last_error_ = "sink.open: NULL argument";
      return BATON_INVALID_ARGUMENT;
    }
    Result<uint32_t> r = s->Open(table, file, std::vector<baton_field_spec>(fields, fields + n));
    if (!r.ok()) {
      s->last_error_ = r.status().message();
      return static_cast<int>(r.status().code());
    }
    *out = *r;
    return BATON_OK;
  };
  sink_.row = [](void* self, uint32_t batch, int64_t row,
                 const baton_str* values) -> int {
    auto* s = static_cast<WorkspaceSink*>(self);
    Status st = s->Row(batch, row, values);
    if (!st.ok()) {
      s->last_error_ = st.message();
      return static_cast<int>(st.code());
    }
    return BATON_OK;
  };
  sink_.reserve = [](void* self, uint32_t batch, int64_t expected_rows) -> int {
    auto* s = static_cast<WorkspaceSink*>(self);
    Status st = s->Reserve(batch, expected_rows);
    if (!st.ok()) {
      s->last_error_ = st.message();
      return static_cast<int>(st.code());
    }
    return BATON_OK;
  };
  sink_.rows = [](void* self, uint32_t batch, int64_t first_row, size_t num_rows,
                  const baton_str* values) -> int {
    auto* s = static_cast<WorkspaceSink*>(self);
    Status st = s->Rows(batch, first_row, num_rows, values);
    if (!st.ok()) {
      s->last_error_ = st.message();
      return static_cast<int>(st.code());
    }
    return BATON_OK;
  };
  sink_.close = [](void* self, uint32_t batch, int64_t read, int64_t rejected,
                   const char* rejects) -> int {
    auto* s = static_cast<WorkspaceSink*>(self);
    Status st = s->Close(batch, read, rejected, rejects);
    if (!st.ok()) {
      s->last_error_ = st.message();
      return static_cast<int>(st.code());
    }
    return BATON_OK;
  };
  sink_.map_stage = [](void* self, const char* value, const char* stage) -> int {
    auto* s = static_cast<WorkspaceSink*>(self);
    if (!value || !stage) {
      s->last_error_ = "sink.map_stage: NULL argument";
      return BATON_INVALID_ARGUMENT;
    }
    Status st = s->ws_->mutable_stage_map().AddTranslation(value, stage);
    if (!st.ok()) {
      s->last_error_ = st.message();
      return static_cast<int>(st.code());
    }
    return BATON_OK;
  };
  sink_.set_stages = [](void* self, const char* const* names, size_t nf,
                        size_t ne) -> int {
    auto* s = static_cast<WorkspaceSink*>(self);
    if (!names) {
      s->last_error_ = "sink.set_stages: NULL argument";
      return BATON_INVALID_ARGUMENT;
    }
    if (s->ws_->stages().size() > 0) {
      s->last_error_ = "the funnel cannot change after stage rows were added";
      return BATON_FAILED_PRECONDITION;
    }
    std::vector<std::string> funnel, exits;
    for (size_t i = 0; i < nf + ne; ++i) {
      if (!names[i]) {
        s->last_error_ = "sink.set_stages: NULL stage name";
        return BATON_INVALID_ARGUMENT;
      }
      (i < nf ? funnel : exits).push_back(names[i]);
    }
    Status st = s->ws_->mutable_stage_map().SetStages(funnel, exits);
    if (!st.ok()) {
      s->last_error_ = st.message();
      return static_cast<int>(st.code());
    }
    return BATON_OK;
  };
  sink_.last_error = [](void* self) -> const char* {
    return static_cast<WorkspaceSink*>(self)->last_error_.c_str();
  };
  sink_.note = [](void* self, const char* message) {
    if (message) static_cast<WorkspaceSink*>(self)->ws_->AddNote(message);
  };
}

int WorkspaceSink::open_batches() const {
  int n = 0;
  for (const auto& b : batches_) n += b.open;
  return n;
}

Result<uint32_t> WorkspaceSink::Open(const std::string& table,
                                     const std::string& file,
                                     const std::vector<baton_field_spec>& fields) {
  int kind = -1;
  for (int k = 0; k < kNumTables; ++k)
    if (table == Spec(k).name) kind = k;
  if (kind < 0)
    return Status::InvalidArgument(
        file + ": unknown table \"" + table +
        "\"; tables are people, touches, stages, deals, spend, paths");
  const TableSpec& spec = Spec(kind);
  Batch b;
  b.kind = static_cast<TableKind>(kind);
  b.table = table;
  b.file = file;
  std::vector<bool> seen(spec.num_fields, false);
  for (const auto& f : fields) {
    if (!f.field)
      return Status::InvalidArgument(file + ": a field name is NULL");
    std::string name = f.field;
    std::string column = f.column ? f.column : "";
    if (b.kind == TableKind::kPaths && name == "separator") {
      if (column.empty())
        return Status::InvalidArgument(file + ": the path separator is empty");
      b.separator = column;
      continue;
    }
    if (b.kind == TableKind::kPeople && name.rfind("attribute:", 0) == 0) {
      std::string attr = name.substr(10);
      if (attr.empty())
        return Status::InvalidArgument(file + ": an attribute has no name");
      b.field.push_back(-1);
      b.attribute.push_back(attr);
      b.attribute_key.push_back(Dictionary::kNotFound);
      b.column.push_back(column.empty() ? attr : column);
      continue;
    }
    int id = -1;
    for (size_t i = 0; i < spec.num_fields; ++i)
      if (name == spec.fields[i]) id = static_cast<int>(i);
    if (id < 0) {
      std::string valid;
      for (size_t i = 0; i < spec.num_fields; ++i) {
        if (i) valid += ", ";
        valid += spec.fields[i];
      }
      if (b.kind == TableKind::kPeople) valid += ", attribute:<name>";
      return Status::InvalidArgument(file + ": \"" + name +
                                     "\" is not a field of " + table +
                                     "; fields are " + valid);
    }
    if (seen[id])
      return Status::InvalidArgument(file + ": field \"" + name +
                                     "\" is given twice");
    seen[id] = true;
    b.index[id] = static_cast<int>(b.field.size());
    b.field.push_back(id);
    b.attribute.emplace_back();
    b.attribute_key.push_back(Dictionary::kNotFound);
    b.column.push_back(column.empty() ? name : column);
  }
  for (int req : spec.required)
    if (!seen[req])
      return Status::InvalidArgument(file + ": table " + table +
                                     " needs the field \"" + spec.fields[req] +
                                     "\"");
  if (b.kind == TableKind::kTouches) b.has_side = seen[kTSide];
  if (b.kind == TableKind::kSpend && !seen[kXChannel] && !seen[kXCampaign])
    return Status::InvalidArgument(file +
                                   ": spend needs a channel or a campaign field");
  batches_.push_back(std::move(b));
  return static_cast<uint32_t>(batches_.size() - 1);
}

bool WorkspaceSink::MapStageCached(Batch* b, std::string_view value, int* code,
                                   bool* ignored) {
  // A stage column holds a handful of distinct values: translate each once.
  for (const auto& [text, cached] : b->stage_cache) {
    if (text.size() == value.size() &&
        Dictionary::SameBytes(text.data(), value.data(), value.size())) {
      *code = cached;
      *ignored = cached == StageMap::kIgnore;
      return true;
    }
  }
  Result<int> mapped = ws_->MapStage(value, ignored);
  if (!mapped.ok()) return false;
  *code = *mapped;
  if (b->stage_cache.size() < 64) b->stage_cache.emplace_back(std::string(value), *code);
  return true;
}

Status WorkspaceSink::ParseError(const Batch& b, int64_t row, size_t i,
                                 std::string_view value,
                                 const std::string& what) const {
  std::string v(value.substr(0, 80));
  return Status::ParseError(b.file + ":" + std::to_string(row) + ": column \"" +
                            b.column[i] + "\": \"" + v + "\" " + what);
}

Status WorkspaceSink::WithRow(const Batch& b, int64_t row, Status st) const {
  if (st.ok() || st.code() == StatusCode::kParseError) return st;
  return Status(st.code(), b.file + ":" + std::to_string(row) + ": " + st.message());
}

namespace {

// The trimmed value of canonical field `field` of a batch, "" when the batch
// has no such field.
[[gnu::always_inline]] inline std::string_view FieldValue(const int* index, int field,
                                                          const baton_str* values) {
  const int i = index[field];
  if (i < 0 || !values[i].data) return std::string_view();
  return Trim(std::string_view(values[i].data, values[i].size));
}

}  // namespace

bool WorkspaceSink::AddTouchFast(Batch* b, const baton_str* values) {
  TouchRow r;
  r.person_id = FieldValue(b->index, kTId, values);
  const std::string_view at = FieldValue(b->index, kTAt, values);
  const std::string_view side = FieldValue(b->index, kTSide, values);
  if (r.person_id.empty() || at.empty() || !ParseTimestamp(at, &r.at) ||
      !ParseSide(side, &r.side) ||
      !ParseNumber(FieldValue(b->index, kTCost, values), &r.cost))
    return false;
  r.channel = FieldValue(b->index, kTChannel, values);
  r.campaign = FieldValue(b->index, kTCampaign, values);
  r.activity = FieldValue(b->index, kTActivity, values);
  // AddTouch changes nothing when it fails; the general pass then reports.
  if (!ws_->AddTouch(r).ok()) return false;
  if (side.empty()) ++b->side_defaults;  // also when there is no side field
  ++b->accepted;
  return true;
}

bool WorkspaceSink::AddStageFast(Batch* b, const baton_str* values) {
  StageRow r;
  bool ignored = false;
  r.person_id = FieldValue(b->index, kSId, values);
  const std::string_view stage = FieldValue(b->index, kSStage, values);
  const std::string_view at = FieldValue(b->index, kSAt, values);
  if (r.person_id.empty() || stage.empty() || at.empty() ||
      !MapStageCached(b, stage, &r.stage, &ignored) || !ParseTimestamp(at, &r.at) ||
      !ParseDisposition(FieldValue(b->index, kSDisposition, values), &r.disposition))
    return false;
  r.reason = FieldValue(b->index, kSReason, values);
  if (ignored) {
    ++b->ignored_stage_rows;
  } else if (!ws_->AddStage(r).ok()) {  // changes nothing when it fails
    return false;
  }
  ++b->accepted;
  return true;
}

// Row runs once per input row (millions per load), so its checks return
// plain booleans and a Status is built only for a value that fails.
Status WorkspaceSink::Row(uint32_t batch, int64_t row, const baton_str* values) {
  if (batch >= batches_.size() || !batches_[batch].open)
    return Status::InvalidArgument("sink.row: batch " + std::to_string(batch) +
                                   " is not open");
  if (!values) return Status::InvalidArgument("sink.row: values is NULL");
  Batch& b = batches_[batch];
  const size_t n = b.field.size();
  auto text = [&](size_t i) {
    return values[i].data ? std::string_view(values[i].data, values[i].size)
                          : std::string_view();
  };
  auto time_error = [&](size_t i, std::string_view v) {
    return ParseError(b, row, i, v,
                      std::string("is not a date or time (") +
                          TimestampFormatsHint() + ")");
  };
  // Reads an optional time; false (with *out untouched) when not a time.
  auto time = [&](std::string_view v, int64_t* out) {
    if (v.empty()) {
      *out = kNoTime;
      return true;
    }
    return ParseTimestamp(v, out);
  };
  auto empty_error = [&](size_t i) { return ParseError(b, row, i, "", "is empty"); };
  auto number_error = [&](size_t i) {
    return ParseError(b, row, i, text(i), "is not a number");
  };
  auto boolean_error = [&](size_t i) {
    return ParseError(b, row, i, text(i), "is not a boolean (1/0, true/false, yes/no)");
  };

  // The two largest tables first try a straight pass over their fields that
  // changes nothing unless the whole row is added; any other row goes
  // through the general pass below, which reports the first bad value in
  // column order, as it always has.
  if (b.kind == TableKind::kTouches) {
    if (AddTouchFast(&b, values)) return Status::OK();
  } else if (b.kind == TableKind::kStages) {
    if (AddStageFast(&b, values)) return Status::OK();
  }

  switch (b.kind) {
    case TableKind::kPeople: {
      PersonRow r;
      std::vector<std::pair<size_t, std::string_view>>& attrs = scratch_attributes_;
      attrs.clear();
      for (size_t i = 0; i < n; ++i) {
        const std::string_view v = Trim(text(i));
        switch (b.field[i]) {
          case -1: attrs.emplace_back(i, v); break;
          case kPId:
            if (v.empty()) return empty_error(i);
            r.person_id = v;
            break;
          case kPAccount:
            r.account_id = v;
            if (!v.empty()) ws_->PrefetchLabel(v);
            break;
          case kPCreated:
            if (!time(v, &r.created_at)) return time_error(i, v);
            break;
          case kPSource: r.source = v; break;
          case kPOwner: r.owner = v; break;
          default: break;
        }
      }
      uint32_t person = 0;
      Status st = ws_->AddPerson(r, &person);
      if (!st.ok()) return WithRow(b, row, std::move(st));
      for (auto& [i, v] : attrs) {
        // The key is added when its first value arrives, as SetAttribute
        // would, so label codes come in the same order.
        if (b.attribute_key[i] == Dictionary::kNotFound) {
          Result<uint32_t> key = ws_->AddAttributeKey(b.attribute[i]);
          if (!key.ok()) return WithRow(b, row, key.status());
          b.attribute_key[i] = *key;
        }
        st = ws_->SetAttributeCode(person, b.attribute_key[i], v);
        if (!st.ok()) return WithRow(b, row, std::move(st));
      }
      break;
    }
    case TableKind::kTouches: {
      TouchRow r;
      for (size_t i = 0; i < n; ++i) {
        const std::string_view v = Trim(text(i));
        switch (b.field[i]) {
          case kTId:
            if (v.empty()) return empty_error(i);
            r.person_id = v;
            break;
          case kTAt:
            if (v.empty()) return empty_error(i);
            if (!ParseTimestamp(v, &r.at)) return time_error(i, v);
            break;
          case kTChannel: r.channel = v; break;
          case kTCampaign: r.campaign = v; break;
          case kTSide:
            if (v.empty()) ++b.side_defaults;
            if (!ParseSide(v, &r.side))
              return ParseError(b, row, i, text(i), "is not a side (marketing or sales)");
            break;
          case kTActivity: r.activity = v; break;
          case kTCost:
            if (!ParseNumber(v, &r.cost)) return number_error(i);
            break;
        }
      }
      if (!b.has_side) ++b.side_defaults;
      Status st = ws_->AddTouch(r);
      if (!st.ok()) return WithRow(b, row, std::move(st));
      break;
    }
    case TableKind::kStages: {
      StageRow r;
      bool ignored = false;
      for (size_t i = 0; i < n; ++i) {
        const std::string_view v = Trim(text(i));
        switch (b.field[i]) {
          case kSId:
            if (v.empty()) return empty_error(i);
            r.person_id = v;
            break;
          case kSStage: {
            if (v.empty()) return empty_error(i);
            if (!MapStageCached(&b, v, &r.stage, &ignored))
              return ParseError(b, row, i, text(i),
                                "is not a known stage; stages are " +
                                    ws_->stage_map().Describe() +
                                    "; map it under [stage_map]");
            break;
          }
          case kSAt:
            if (v.empty()) return empty_error(i);
            if (!ParseTimestamp(v, &r.at)) return time_error(i, v);
            break;
          case kSDisposition:
            if (!ParseDisposition(v, &r.disposition))
              return ParseError(b, row, i, text(i),
                                "is not a disposition (advanced, accepted, "
                                "rejected or recycled)");
            break;
          case kSReason: r.reason = v; break;
        }
      }
      if (ignored) {
        ++b.ignored_stage_rows;
        break;
      }
      Status st = ws_->AddStage(r);
      if (!st.ok()) return WithRow(b, row, std::move(st));
      break;
    }
    case TableKind::kDeals: {
      DealRow r;
      bool has_won = false, has_closed = false;
      for (size_t i = 0; i < n; ++i) {
        const std::string_view v = Trim(text(i));
        switch (b.field[i]) {
          case kDId:
            if (v.empty()) return empty_error(i);
            r.deal_id = v;
            break;
          case kDAccount: r.account_id = v; break;
          case kDPerson: r.person_id = v; break;
          case kDCreated:
            if (!time(v, &r.created_at)) return time_error(i, v);
            break;
          case kDClosed:
            if (!time(v, &r.closed_at)) return time_error(i, v);
            break;
          case kDAmount:
            if (!ParseNumber(v, &r.amount)) return number_error(i);
            break;
          case kDCurrency: r.currency = v; break;
          case kDStage: r.stage = v; break;
          case kDIsWon:
            has_won = !v.empty();
            if (!ParseBool(v, &r.is_won)) return boolean_error(i);
            break;
          case kDIsClosed:
            has_closed = !v.empty();
            if (!ParseBool(v, &r.is_closed)) return boolean_error(i);
            break;
          case kDOwner: r.owner = v; break;
          case kDSource: r.source = v; break;
          case kDCampaign: r.campaign = v; break;
        }
      }
      // Without explicit flags, the deal's stage decides the outcome.
      if ((!has_won || !has_closed) && !r.stage.empty()) {
        int code = ws_->stage_map().Lookup(r.stage);
        const StageMap& m = ws_->stage_map();
        bool won = code == m.won_code();
        bool lost = code >= 0 && !m.IsFunnel(code);
        if (!has_won) r.is_won = won;
        if (!has_closed) r.is_closed = won || lost;
      }
      Status st = ws_->AddDeal(r);
      if (!st.ok()) return WithRow(b, row, std::move(st));
      break;
    }
    case TableKind::kSpend: {
      SpendRow r;
      for (size_t i = 0; i < n; ++i) {
        const std::string_view v = Trim(text(i));
        switch (b.field[i]) {
          case kXChannel: r.channel = v; break;
          case kXCampaign: r.campaign = v; break;
          case kXStart:
            if (!time(v, &r.period_start)) return time_error(i, v);
            break;
          case kXEnd:
            if (!time(v, &r.period_end)) return time_error(i, v);
            break;
          case kXAmount:
            if (v.empty()) return empty_error(i);
            if (!ParseNumber(v, &r.amount)) return number_error(i);
            break;
          case kXCurrency: r.currency = v; break;
        }
      }
      Status st = ws_->AddSpend(r);
      if (!st.ok()) return WithRow(b, row, std::move(st));
      break;
    }
    case TableKind::kPaths: {
      std::string_view path;
      double conv = 0, value = 0, nulls = 0;
      size_t path_index = 0;
      for (size_t i = 0; i < n; ++i) {
        switch (b.field[i]) {
          case kQPath:
            if (Trim(text(i)).empty()) return empty_error(i);
            path = text(i);
            path_index = i;
            break;
          case kQConversions:
            if (!ParseNumber(text(i), &conv)) return number_error(i);
            break;
          case kQValue:
            if (!ParseNumber(text(i), &value)) return number_error(i);
            break;
          case kQNulls:
            if (!ParseNumber(text(i), &nulls)) return number_error(i);
            break;
        }
      }
      for (size_t i = 0; i < n; ++i) {
        if (b.field[i] == kQPath) continue;
        double v = b.field[i] == kQConversions ? conv
                   : b.field[i] == kQValue     ? value
                                               : nulls;
        if (v < 0) return ParseError(b, row, i, text(i), "is negative");
      }
      std::vector<std::string_view> parts;
      size_t start = 0;
      while (true) {
        size_t pos = path.find(b.separator, start);
        std::string_view part = Trim(path.substr(start, pos == std::string_view::npos
                                                            ? std::string_view::npos
                                                            : pos - start));
        if (part.empty())
          return ParseError(b, row, path_index, path,
                            "has an empty step (separator \"" + b.separator + "\")");
        parts.push_back(part);
        if (pos == std::string_view::npos) break;
        start = pos + b.separator.size();
      }
      Status st = ws_->AddPath(parts, conv, value, nulls);
      if (!st.ok()) return WithRow(b, row, std::move(st));
      break;
    }
  }
  ++b.accepted;
  return Status::OK();
}

Status WorkspaceSink::Reserve(uint32_t batch, int64_t expected_rows) {
  if (batch >= batches_.size() || !batches_[batch].open)
    return Status::InvalidArgument("sink.reserve: batch " + std::to_string(batch) +
                                   " is not open");
  if (expected_rows < 0)
    return Status::InvalidArgument(batches_[batch].file +
                                   ": sink.reserve: the expected row count " +
                                   std::to_string(expected_rows) + " is negative");
  // A connector's estimate could be far off (a corrupt size): beyond the
  // row limit of a column there is nothing worth reserving.
  const size_t n = static_cast<size_t>(
      std::min<int64_t>(expected_rows, int64_t{std::numeric_limits<uint32_t>::max()}));
  switch (batches_[batch].kind) {
    case TableKind::kTouches: ws_->Reserve("touches", n); break;
    case TableKind::kStages: ws_->Reserve("stages", n); break;
    case TableKind::kPeople: ws_->Reserve("people", n); break;
    default: break;
  }
  return Status::OK();
}

Status WorkspaceSink::Rows(uint32_t batch, int64_t first_row, size_t num_rows,
                           const baton_str* values) {
  if (batch >= batches_.size() || !batches_[batch].open)
    return Status::InvalidArgument("sink.rows: batch " + std::to_string(batch) +
                                   " is not open");
  if (num_rows == 0) return Status::OK();
  if (!values) return Status::InvalidArgument("sink.rows: values is NULL");
  Batch& b = batches_[batch];
  const size_t n = b.field.size();
  size_t k = 0;
  while (k < num_rows) {
    // The straight paths of the two largest tables in a tight loop; a row
    // they do not take goes through Row, which adds it or says why not.
    if (b.kind == TableKind::kTouches) {
      while (k < num_rows && AddTouchFast(&b, values + k * n)) ++k;
    } else if (b.kind == TableKind::kStages) {
      while (k < num_rows && AddStageFast(&b, values + k * n)) ++k;
    }
    if (k == num_rows) break;
    Status st = Row(batch, first_row + static_cast<int64_t>(k), values + k * n);
    if (!st.ok()) return st;
    ++k;
  }
  return Status::OK();
}

Status WorkspaceSink::Close(uint32_t batch, int64_t rows_read,
                            int64_t rows_rejected, const char* rejects_file) {
  if (batch >= batches_.size() || !batches_[batch].open)
    return Status::InvalidArgument("sink.close: batch " + std::to_string(batch) +
                                   " is not open");
  Batch& b = batches_[batch];
  b.open = false;
  if (rows_read < 0 || rows_rejected < 0 || rows_read != b.accepted + rows_rejected)
    return Status::Internal(b.file + ": the connector reported " +
                            std::to_string(rows_read) + " rows read and " +
                            std::to_string(rows_rejected) + " rejected, but " +
                            std::to_string(b.accepted) + " were accepted");
  LoadStat stat;
  stat.connector = connector_;
  stat.table = b.table;
  stat.file = b.file;
  stat.rows_read = rows_read;
  stat.rows_accepted = b.accepted;
  stat.rows_rejected = rows_rejected;
  if (rejects_file) stat.rejects_file = rejects_file;
  ws_->AddLoadStat(std::move(stat));
  if (b.kind == TableKind::kTouches)
    ws_->CountDefault("touches.side", "marketing", b.side_defaults);
  if (b.ignored_stage_rows > 0)
    ws_->AddNote(b.file + ": " + std::to_string(b.ignored_stage_rows) +
                 " stage rows map to \"ignore\" and were not recorded");
  return Status::OK();
}

}  // namespace baton

#include "ingest/sink.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

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

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool ParseNumber(std::string_view s, double* out) {
  s = Trim(s);
  if (s.empty()) {
    *out = 0;
    return true;
  }
  if (s.front() == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(*out);
}

bool ParseBool(std::string_view s, bool* out) {
  s = Trim(s);
  std::string v;
  for (char c : s) v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
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
    b.field.push_back(id);
    b.attribute.emplace_back();
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

Result<int> WorkspaceSink::MapStageCached(Batch* b, std::string_view value,
                                          bool* ignored) {
  // A stage column holds a handful of distinct values: translate each once.
  for (const auto& [text, code] : b->stage_cache) {
    if (text == value) {
      *ignored = code == StageMap::kIgnore;
      return code;
    }
  }
  Result<int> code = ws_->MapStage(value, ignored);
  if (code.ok() && b->stage_cache.size() < 64)
    b->stage_cache.emplace_back(std::string(value), *code);
  return code;
}

Status WorkspaceSink::ParseError(const Batch& b, int64_t row, size_t i,
                                 std::string_view value,
                                 const std::string& what) const {
  std::string v(value.substr(0, 80));
  return Status::ParseError(b.file + ":" + std::to_string(row) + ": column \"" +
                            b.column[i] + "\": \"" + v + "\" " + what);
}

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
  auto time = [&](size_t i, int64_t* out) -> Status {
    std::string_view v = Trim(text(i));
    if (v.empty()) {
      *out = kNoTime;
      return Status::OK();
    }
    if (!ParseTimestamp(v, out))
      return ParseError(b, row, i, v,
                        std::string("is not a date or time (") +
                            TimestampFormatsHint() + ")");
    return Status::OK();
  };
  auto number = [&](size_t i, double* out) -> Status {
    if (!ParseNumber(text(i), out))
      return ParseError(b, row, i, text(i), "is not a number");
    return Status::OK();
  };
  auto boolean = [&](size_t i, bool* out) -> Status {
    if (!ParseBool(text(i), out))
      return ParseError(b, row, i, text(i), "is not a boolean (1/0, true/false, yes/no)");
    return Status::OK();
  };
  auto required = [&](size_t i) -> Status {
    if (Trim(text(i)).empty()) return ParseError(b, row, i, "", "is empty");
    return Status::OK();
  };
  auto with_row = [&](Status st) -> Status {
    if (st.ok() || st.code() == StatusCode::kParseError) return st;
    return Status(st.code(), b.file + ":" + std::to_string(row) + ": " + st.message());
  };

  switch (b.kind) {
    case TableKind::kPeople: {
      PersonRow r;
      std::vector<std::pair<size_t, std::string_view>>& attrs = scratch_attributes_;
      attrs.clear();
      for (size_t i = 0; i < n; ++i) {
        switch (b.field[i]) {
          case -1: attrs.emplace_back(i, Trim(text(i))); break;
          case kPId:
            BATON_RETURN_IF_ERROR(required(i));
            r.person_id = Trim(text(i));
            break;
          case kPAccount: r.account_id = Trim(text(i)); break;
          case kPCreated: BATON_RETURN_IF_ERROR(time(i, &r.created_at)); break;
          case kPSource: r.source = Trim(text(i)); break;
          case kPOwner: r.owner = Trim(text(i)); break;
          default: break;
        }
      }
      BATON_RETURN_IF_ERROR(with_row(ws_->AddPerson(r)));
      for (auto& [i, v] : attrs)
        BATON_RETURN_IF_ERROR(
            with_row(ws_->SetAttribute(r.person_id, b.attribute[i], v)));
      break;
    }
    case TableKind::kTouches: {
      TouchRow r;
      for (size_t i = 0; i < n; ++i) {
        switch (b.field[i]) {
          case kTId:
            BATON_RETURN_IF_ERROR(required(i));
            r.person_id = Trim(text(i));
            break;
          case kTAt:
            BATON_RETURN_IF_ERROR(required(i));
            BATON_RETURN_IF_ERROR(time(i, &r.at));
            break;
          case kTChannel: r.channel = Trim(text(i)); break;
          case kTCampaign: r.campaign = Trim(text(i)); break;
          case kTSide:
            if (Trim(text(i)).empty()) ++b.side_defaults;
            if (!ParseSide(Trim(text(i)), &r.side))
              return ParseError(b, row, i, text(i), "is not a side (marketing or sales)");
            break;
          case kTActivity: r.activity = Trim(text(i)); break;
          case kTCost: BATON_RETURN_IF_ERROR(number(i, &r.cost)); break;
        }
      }
      if (!b.has_side) ++b.side_defaults;
      BATON_RETURN_IF_ERROR(with_row(ws_->AddTouch(r)));
      break;
    }
    case TableKind::kStages: {
      StageRow r;
      bool ignored = false;
      for (size_t i = 0; i < n; ++i) {
        switch (b.field[i]) {
          case kSId:
            BATON_RETURN_IF_ERROR(required(i));
            r.person_id = Trim(text(i));
            break;
          case kSStage: {
            BATON_RETURN_IF_ERROR(required(i));
            Result<int> code = MapStageCached(&b, Trim(text(i)), &ignored);
            if (!code.ok())
              return ParseError(b, row, i, text(i),
                                "is not a known stage; stages are " +
                                    ws_->stage_map().Describe() +
                                    "; map it under [stage_map]");
            r.stage = *code;
            break;
          }
          case kSAt:
            BATON_RETURN_IF_ERROR(required(i));
            BATON_RETURN_IF_ERROR(time(i, &r.at));
            break;
          case kSDisposition:
            if (!ParseDisposition(Trim(text(i)), &r.disposition))
              return ParseError(b, row, i, text(i),
                                "is not a disposition (advanced, accepted, "
                                "rejected or recycled)");
            break;
          case kSReason: r.reason = Trim(text(i)); break;
        }
      }
      if (ignored) {
        ++b.ignored_stage_rows;
        break;
      }
      BATON_RETURN_IF_ERROR(with_row(ws_->AddStage(r)));
      break;
    }
    case TableKind::kDeals: {
      DealRow r;
      bool has_won = false, has_closed = false;
      for (size_t i = 0; i < n; ++i) {
        switch (b.field[i]) {
          case kDId:
            BATON_RETURN_IF_ERROR(required(i));
            r.deal_id = Trim(text(i));
            break;
          case kDAccount: r.account_id = Trim(text(i)); break;
          case kDPerson: r.person_id = Trim(text(i)); break;
          case kDCreated: BATON_RETURN_IF_ERROR(time(i, &r.created_at)); break;
          case kDClosed: BATON_RETURN_IF_ERROR(time(i, &r.closed_at)); break;
          case kDAmount: BATON_RETURN_IF_ERROR(number(i, &r.amount)); break;
          case kDCurrency: r.currency = Trim(text(i)); break;
          case kDStage: r.stage = Trim(text(i)); break;
          case kDIsWon:
            has_won = !Trim(text(i)).empty();
            BATON_RETURN_IF_ERROR(boolean(i, &r.is_won));
            break;
          case kDIsClosed:
            has_closed = !Trim(text(i)).empty();
            BATON_RETURN_IF_ERROR(boolean(i, &r.is_closed));
            break;
          case kDOwner: r.owner = Trim(text(i)); break;
          case kDSource: r.source = Trim(text(i)); break;
          case kDCampaign: r.campaign = Trim(text(i)); break;
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
      BATON_RETURN_IF_ERROR(with_row(ws_->AddDeal(r)));
      break;
    }
    case TableKind::kSpend: {
      SpendRow r;
      for (size_t i = 0; i < n; ++i) {
        switch (b.field[i]) {
          case kXChannel: r.channel = Trim(text(i)); break;
          case kXCampaign: r.campaign = Trim(text(i)); break;
          case kXStart: BATON_RETURN_IF_ERROR(time(i, &r.period_start)); break;
          case kXEnd: BATON_RETURN_IF_ERROR(time(i, &r.period_end)); break;
          case kXAmount:
            BATON_RETURN_IF_ERROR(required(i));
            BATON_RETURN_IF_ERROR(number(i, &r.amount));
            break;
          case kXCurrency: r.currency = Trim(text(i)); break;
        }
      }
      BATON_RETURN_IF_ERROR(with_row(ws_->AddSpend(r)));
      break;
    }
    case TableKind::kPaths: {
      std::string_view path;
      double conv = 0, value = 0, nulls = 0;
      size_t path_index = 0;
      for (size_t i = 0; i < n; ++i) {
        switch (b.field[i]) {
          case kQPath:
            BATON_RETURN_IF_ERROR(required(i));
            path = text(i);
            path_index = i;
            break;
          case kQConversions: BATON_RETURN_IF_ERROR(number(i, &conv)); break;
          case kQValue: BATON_RETURN_IF_ERROR(number(i, &value)); break;
          case kQNulls: BATON_RETURN_IF_ERROR(number(i, &nulls)); break;
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
      BATON_RETURN_IF_ERROR(with_row(ws_->AddPath(parts, conv, value, nulls)));
      break;
    }
  }
  ++b.accepted;
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

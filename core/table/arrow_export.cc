// Arrow C Data Interface export (see arrow_export.h).
//
// Ownership: every exported ArrowSchema and ArrowArray, parent and children
// alike, owns its memory through its own private_data, so a consumer may move
// a child out and release it independently of its parent, as the
// specification allows. Releasing a parent releases the children still in it
// (those whose release is not NULL) and frees the parent's own storage. The
// data is copied out of the Table, so the export outlives it.
#include "table/arrow_export.h"

#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "model/timestamp.h"

namespace baton {
namespace {

// ---- Schemas ----

struct SchemaData {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_pointers;
};

void ReleaseSchema(ArrowSchema* schema) {
  if (!schema || !schema->release) return;
  auto* data = static_cast<SchemaData*>(schema->private_data);
  for (int64_t i = 0; i < schema->n_children; ++i) {
    ArrowSchema* child = schema->children[i];
    if (child->release) child->release(child);
  }
  delete data;
  schema->release = nullptr;
  schema->private_data = nullptr;
}

// Fills `out` as a leaf (no children) owning its strings.
void MakeLeafSchema(std::string format, std::string name, int64_t flags,
                    ArrowSchema* out) {
  auto data = std::make_unique<SchemaData>();
  data->format = std::move(format);
  data->name = std::move(name);
  *out = ArrowSchema{};
  out->format = data->format.c_str();
  out->name = data->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = 0;
  out->children = nullptr;
  out->dictionary = nullptr;
  out->release = ReleaseSchema;
  out->private_data = data.release();
}

// ---- Arrays ----

struct ArrayData {
  std::vector<uint8_t> validity;
  std::vector<int32_t> offsets32;
  std::vector<int64_t> offsets64;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<char> chars;
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
};

void ReleaseArray(ArrowArray* array) {
  if (!array || !array->release) return;
  auto* data = static_cast<ArrayData*>(array->private_data);
  for (int64_t i = 0; i < array->n_children; ++i) {
    ArrowArray* child = array->children[i];
    if (child->release) child->release(child);
  }
  delete data;
  array->release = nullptr;
  array->private_data = nullptr;
}

// Arrow's format for a column type; strings depend on their total size.
std::string FormatOf(const Column& c, bool large_strings) {
  switch (c.type) {
    case ColumnType::kString: return large_strings ? "U" : "u";
    case ColumnType::kInt64: return "l";
    case ColumnType::kFloat64: return "g";
    case ColumnType::kTimestamp: return "tsm:UTC";
  }
  return "";
}

// Int32 offsets address at most INT32_MAX bytes of character data.
bool NeedsLargeStrings(const Column& c) {
  if (c.type != ColumnType::kString) return false;
  uint64_t total = 0;
  for (size_t i = 0; i < c.size(); ++i)
    if (c.valid[i]) total += c.strings[i].size();
  return total > static_cast<uint64_t>(std::numeric_limits<int32_t>::max());
}

template <typename Offset>
void FillStrings(const Column& c, ArrayData* data, std::vector<Offset>* offsets) {
  const size_t n = c.size();
  size_t total = 0;
  for (size_t i = 0; i < n; ++i)
    if (c.valid[i]) total += c.strings[i].size();
  offsets->reserve(n + 1);
  // Never a NULL data pointer, even with no characters: some consumers
  // dereference it before looking at the length.
  data->chars.reserve(total > 0 ? total : 1);
  offsets->push_back(0);
  for (size_t i = 0; i < n; ++i) {
    if (c.valid[i]) data->chars.insert(data->chars.end(), c.strings[i].begin(), c.strings[i].end());
    offsets->push_back(static_cast<Offset>(data->chars.size()));
  }
  data->buffers.push_back(offsets->data());
  data->buffers.push_back(data->chars.data());
}

// Fills `out` with a copy of one column.
void MakeColumnArray(const Column& c, bool large_strings, ArrowArray* out) {
  auto data = std::make_unique<ArrayData>();
  const size_t n = c.size();
  int64_t null_count = 0;
  for (uint8_t v : c.valid) null_count += v == 0;
  if (null_count > 0) {
    data->validity.assign((n + 7) / 8, 0);
    for (size_t i = 0; i < n; ++i)
      if (c.valid[i]) data->validity[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    data->buffers.push_back(data->validity.data());
  } else {
    data->buffers.push_back(nullptr);
  }
  switch (c.type) {
    case ColumnType::kString:
      if (large_strings) FillStrings(c, data.get(), &data->offsets64);
      else FillStrings(c, data.get(), &data->offsets32);
      break;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      data->ints.reserve(n > 0 ? n : 1);
      data->ints.assign(c.ints.begin(), c.ints.end());
      // Null slots hold 0, not whatever sentinel the table used.
      for (size_t i = 0; i < n; ++i)
        if (!c.valid[i]) data->ints[i] = 0;
      data->buffers.push_back(data->ints.data());
      break;
    case ColumnType::kFloat64:
      data->doubles.reserve(n > 0 ? n : 1);
      data->doubles.assign(c.doubles.begin(), c.doubles.end());
      for (size_t i = 0; i < n; ++i)
        if (!c.valid[i]) data->doubles[i] = 0;
      data->buffers.push_back(data->doubles.data());
      break;
  }
  *out = ArrowArray{};
  out->length = static_cast<int64_t>(n);
  out->null_count = null_count;
  out->offset = 0;
  out->n_buffers = static_cast<int64_t>(data->buffers.size());
  out->n_children = 0;
  out->buffers = data->buffers.data();
  out->children = nullptr;
  out->dictionary = nullptr;
  out->release = ReleaseArray;
  out->private_data = data.release();
}

// Label text or null (code 0 means missing).
void AppendLabel(Table* t, size_t col, const Dictionary& d, uint32_t code) {
  if (code == 0) t->AppendNull(col);
  else t->AppendString(col, d.Get(code));
}

void AppendTime(Table* t, size_t col, int64_t v) {
  if (v == kNoTime) t->AppendNull(col);
  else t->AppendInt(col, v);
}

}  // namespace

Status ExportArrow(const Table& table, ArrowSchema* schema, ArrowArray* array) {
  if (!schema || !array)
    return Status::InvalidArgument("arrow export: NULL schema or array");
  BATON_RETURN_IF_ERROR(table.Validate());
  const size_t ncols = table.num_columns();

  // Built into locals and handed over only when complete, so a failure
  // (bad_alloc) leaves the caller's structs untouched and nothing leaks.
  auto sdata = std::make_unique<SchemaData>();
  auto adata = std::make_unique<ArrayData>();
  sdata->format = "+s";
  sdata->children.resize(ncols);
  adata->children.resize(ncols);
  adata->buffers.push_back(nullptr);  // the batch itself has no nulls
  struct Guard {
    std::vector<ArrowSchema>* schemas;
    std::vector<ArrowArray>* arrays;
    ~Guard() {
      if (schemas) for (ArrowSchema& s : *schemas) ReleaseSchema(&s);
      if (arrays) for (ArrowArray& a : *arrays) ReleaseArray(&a);
    }
  } guard{&sdata->children, &adata->children};
  for (size_t i = 0; i < ncols; ++i) {
    const Column& c = table.column(i);
    const bool large = NeedsLargeStrings(c);
    MakeLeafSchema(FormatOf(c, large), c.name, ARROW_FLAG_NULLABLE, &sdata->children[i]);
    MakeColumnArray(c, large, &adata->children[i]);
  }
  for (ArrowSchema& s : sdata->children) sdata->child_pointers.push_back(&s);
  for (ArrowArray& a : adata->children) adata->child_pointers.push_back(&a);
  guard.schemas = nullptr;
  guard.arrays = nullptr;

  *schema = ArrowSchema{};
  schema->format = sdata->format.c_str();
  schema->name = sdata->name.c_str();
  schema->metadata = nullptr;
  schema->flags = 0;
  schema->n_children = static_cast<int64_t>(ncols);
  schema->children = sdata->child_pointers.data();
  schema->dictionary = nullptr;
  schema->release = ReleaseSchema;
  schema->private_data = sdata.release();

  *array = ArrowArray{};
  array->length = static_cast<int64_t>(table.num_rows());
  array->null_count = 0;
  array->offset = 0;
  array->n_buffers = 1;
  array->n_children = static_cast<int64_t>(ncols);
  array->buffers = adata->buffers.data();
  array->children = adata->child_pointers.data();
  array->dictionary = nullptr;
  array->release = ReleaseArray;
  array->private_data = adata.release();
  return Status::OK();
}

Result<Table> CanonicalTable(const Workspace& ws, const std::string& name) {
  if (!ws.frozen())
    return Status::FailedPrecondition("canonical table " + name +
                                      ": freeze the workspace first");
  const Dictionary& labels = ws.labels();
  const Dictionary& ids = ws.person_ids();
  Table t(name);
  if (name == "people") {
    const PeopleColumns& p = ws.people();
    size_t id = t.AddColumn("person_id", ColumnType::kString);
    size_t account = t.AddColumn("account_id", ColumnType::kString);
    size_t created = t.AddColumn("created_at", ColumnType::kTimestamp);
    size_t source = t.AddColumn("source", ColumnType::kString);
    size_t owner = t.AddColumn("owner", ColumnType::kString);
    std::vector<std::pair<size_t, const std::vector<uint32_t>*>> attrs;
    for (const auto& [key, values] : p.attributes)
      attrs.emplace_back(
          t.AddColumn("attribute:" + std::string(labels.Get(key)), ColumnType::kString),
          &values);
    for (uint32_t i = 0; i < ws.num_people(); ++i) {
      t.AppendString(id, ids.Get(i));
      AppendLabel(&t, account, labels, p.account[i]);
      AppendTime(&t, created, p.created_at[i]);
      AppendLabel(&t, source, labels, p.source[i]);
      AppendLabel(&t, owner, labels, p.owner[i]);
      for (const auto& [col, values] : attrs) AppendLabel(&t, col, labels, (*values)[i]);
    }
  } else if (name == "touches") {
    const TouchColumns& c = ws.touches();
    size_t id = t.AddColumn("person_id", ColumnType::kString);
    size_t at = t.AddColumn("at", ColumnType::kTimestamp);
    size_t channel = t.AddColumn("channel", ColumnType::kString);
    size_t campaign = t.AddColumn("campaign", ColumnType::kString);
    size_t side = t.AddColumn("side", ColumnType::kString);
    size_t activity = t.AddColumn("activity", ColumnType::kString);
    size_t cost = t.AddColumn("cost", ColumnType::kFloat64);
    for (size_t i = 0; i < c.size(); ++i) {
      t.AppendString(id, ids.Get(c.person[i]));
      AppendTime(&t, at, c.at[i]);
      AppendLabel(&t, channel, labels, c.channel[i]);
      AppendLabel(&t, campaign, labels, c.campaign[i]);
      t.AppendString(side, SideName(static_cast<Side>(c.side[i])));
      AppendLabel(&t, activity, labels, c.activity[i]);
      t.AppendDouble(cost, c.cost[i]);
    }
  } else if (name == "stages") {
    const StageColumns& c = ws.stages();
    size_t id = t.AddColumn("person_id", ColumnType::kString);
    size_t stage = t.AddColumn("stage", ColumnType::kString);
    size_t at = t.AddColumn("at", ColumnType::kTimestamp);
    size_t disposition = t.AddColumn("disposition", ColumnType::kString);
    size_t reason = t.AddColumn("reason", ColumnType::kString);
    for (size_t i = 0; i < c.size(); ++i) {
      t.AppendString(id, ids.Get(c.person[i]));
      t.AppendString(stage, ws.stage_map().Name(c.stage[i]));
      AppendTime(&t, at, c.at[i]);
      t.AppendString(disposition,
                     DispositionName(static_cast<Disposition>(c.disposition[i])));
      AppendLabel(&t, reason, labels, c.reason[i]);
    }
  } else if (name == "deals") {
    const DealColumns& c = ws.deals();
    size_t id = t.AddColumn("deal_id", ColumnType::kString);
    size_t account = t.AddColumn("account_id", ColumnType::kString);
    size_t person = t.AddColumn("person_id", ColumnType::kString);
    size_t created = t.AddColumn("created_at", ColumnType::kTimestamp);
    size_t closed = t.AddColumn("closed_at", ColumnType::kTimestamp);
    size_t amount = t.AddColumn("amount", ColumnType::kFloat64);
    size_t currency = t.AddColumn("currency", ColumnType::kString);
    size_t stage = t.AddColumn("stage", ColumnType::kString);
    size_t won = t.AddColumn("is_won", ColumnType::kInt64);
    size_t is_closed = t.AddColumn("is_closed", ColumnType::kInt64);
    size_t owner = t.AddColumn("owner", ColumnType::kString);
    size_t source = t.AddColumn("source", ColumnType::kString);
    size_t campaign = t.AddColumn("campaign", ColumnType::kString);
    for (size_t i = 0; i < c.size(); ++i) {
      AppendLabel(&t, id, labels, c.id[i]);
      AppendLabel(&t, account, labels, c.account[i]);
      if (c.person[i] == kNoPerson) t.AppendNull(person);
      else t.AppendString(person, ids.Get(c.person[i]));
      AppendTime(&t, created, c.created_at[i]);
      AppendTime(&t, closed, c.closed_at[i]);
      t.AppendDouble(amount, c.amount[i]);
      AppendLabel(&t, currency, labels, c.currency[i]);
      AppendLabel(&t, stage, labels, c.stage[i]);
      t.AppendInt(won, c.is_won[i]);
      t.AppendInt(is_closed, c.is_closed[i]);
      AppendLabel(&t, owner, labels, c.owner[i]);
      AppendLabel(&t, source, labels, c.source[i]);
      AppendLabel(&t, campaign, labels, c.campaign[i]);
    }
  } else if (name == "spend") {
    const SpendColumns& c = ws.spend();
    size_t channel = t.AddColumn("channel", ColumnType::kString);
    size_t campaign = t.AddColumn("campaign", ColumnType::kString);
    size_t start = t.AddColumn("period_start", ColumnType::kTimestamp);
    size_t end = t.AddColumn("period_end", ColumnType::kTimestamp);
    size_t amount = t.AddColumn("amount", ColumnType::kFloat64);
    size_t currency = t.AddColumn("currency", ColumnType::kString);
    for (size_t i = 0; i < c.size(); ++i) {
      AppendLabel(&t, channel, labels, c.channel[i]);
      AppendLabel(&t, campaign, labels, c.campaign[i]);
      AppendTime(&t, start, c.period_start[i]);
      AppendTime(&t, end, c.period_end[i]);
      t.AppendDouble(amount, c.amount[i]);
      AppendLabel(&t, currency, labels, c.currency[i]);
    }
  } else {
    return Status::InvalidArgument("unknown table \"" + name +
                                   "\"; tables are people, touches, stages, deals, spend");
  }
  return t;
}

}  // namespace baton

#include "ingest/arrow_import.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace baton {
namespace {

// ---- A hand-built Arrow array ----
//
// Owns its buffers and children and exposes them through the C structs.
// The release callbacks only mark the structs released (the node owns the
// memory), which is all a producer must guarantee to a consumer that, like
// ImportArrow, reads during the call and never releases.
class Node {
 public:
  std::string format;
  std::string name;
  int64_t length = 0;
  int64_t offset = 0;
  int64_t null_count = 0;
  std::vector<std::vector<uint8_t>> storage;  // one per buffer
  std::vector<bool> present;                  // false: the pointer is NULL
  std::vector<std::unique_ptr<Node>> children;
  std::unique_ptr<Node> dictionary;

  ArrowSchema* schema() { return &schema_; }
  ArrowArray* array() { return &array_; }

  // Fills the C structs of this node and its children.
  void Export() {
    pointers_.clear();
    for (size_t i = 0; i < storage.size(); ++i)
      pointers_.push_back(present[i] ? storage[i].data() : nullptr);
    schema_children_.clear();
    array_children_.clear();
    for (auto& c : children) {
      c->Export();
      schema_children_.push_back(c->schema());
      array_children_.push_back(c->array());
    }
    if (dictionary) dictionary->Export();
    schema_ = ArrowSchema{};
    schema_.format = format.c_str();
    schema_.name = name.c_str();
    schema_.flags = ARROW_FLAG_NULLABLE;
    schema_.n_children = static_cast<int64_t>(children.size());
    schema_.children = schema_children_.data();
    schema_.dictionary = dictionary ? dictionary->schema() : nullptr;
    schema_.release = &ReleaseSchema;
    array_ = ArrowArray{};
    array_.length = length;
    array_.offset = offset;
    array_.null_count = null_count;
    array_.n_buffers = static_cast<int64_t>(pointers_.size());
    array_.buffers = pointers_.data();
    array_.n_children = static_cast<int64_t>(children.size());
    array_.children = array_children_.data();
    array_.dictionary = dictionary ? dictionary->array() : nullptr;
    array_.release = &ReleaseArray;
  }

 private:
  static void ReleaseSchema(ArrowSchema* s) {
    for (int64_t i = 0; i < s->n_children; ++i)
      if (s->children[i]->release) s->children[i]->release(s->children[i]);
    if (s->dictionary && s->dictionary->release) s->dictionary->release(s->dictionary);
    s->release = nullptr;
  }
  static void ReleaseArray(ArrowArray* a) {
    for (int64_t i = 0; i < a->n_children; ++i)
      if (a->children[i]->release) a->children[i]->release(a->children[i]);
    if (a->dictionary && a->dictionary->release) a->dictionary->release(a->dictionary);
    a->release = nullptr;
  }

  ArrowSchema schema_{};
  ArrowArray array_{};
  std::vector<const void*> pointers_;
  std::vector<ArrowSchema*> schema_children_;
  std::vector<ArrowArray*> array_children_;
};

using NodePtr = std::unique_ptr<Node>;

template <typename T>
void Put(std::vector<uint8_t>* buf, T v) {
  size_t at = buf->size();
  buf->resize(at + sizeof(T));
  std::memcpy(buf->data() + at, &v, sizeof(T));
}

// A validity bitmap for `pad` hidden valid slots followed by `valid`; sets
// null_count, and leaves the bitmap out when nothing is null.
void SetValidity(Node* n, int64_t pad, const std::vector<bool>& valid) {
  std::vector<uint8_t> bits((pad + valid.size() + 7) / 8 + 1, 0);
  int64_t nulls = 0;
  for (int64_t i = 0; i < pad + static_cast<int64_t>(valid.size()); ++i) {
    bool v = i < pad || valid[i - pad];
    if (v) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    else ++nulls;
  }
  n->null_count = nulls;
  n->storage.push_back(bits);
  n->present.push_back(nulls > 0);
}

// A fixed-width column. `pad` hidden slots (holding `filler`) come first and
// the array's offset skips them.
template <typename T>
NodePtr Fixed(const char* format, std::string name,
              const std::vector<std::optional<T>>& values, int64_t pad = 0,
              T filler = T{}) {
  auto n = std::make_unique<Node>();
  n->format = format;
  n->name = std::move(name);
  n->length = static_cast<int64_t>(values.size());
  n->offset = pad;
  std::vector<bool> valid;
  for (const auto& v : values) valid.push_back(v.has_value());
  SetValidity(n.get(), pad, valid);
  std::vector<uint8_t> data;
  for (int64_t i = 0; i < pad; ++i) Put(&data, filler);
  // Null slots hold garbage on purpose: readers must not look at them.
  for (const auto& v : values) Put(&data, v.has_value() ? *v : static_cast<T>(99));
  n->storage.push_back(data);
  n->present.push_back(true);
  return n;
}

NodePtr Bools(std::string name, const std::vector<std::optional<bool>>& values) {
  auto n = std::make_unique<Node>();
  n->format = "b";
  n->name = std::move(name);
  n->length = static_cast<int64_t>(values.size());
  std::vector<bool> valid;
  std::vector<uint8_t> bits(values.size() / 8 + 1, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    valid.push_back(values[i].has_value());
    if (values[i].value_or(true)) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }
  SetValidity(n.get(), 0, valid);
  n->storage.push_back(bits);
  n->present.push_back(true);
  return n;
}

// A utf8 ("u", int32 offsets) or large utf8 ("U") column with `pad` hidden
// strings first.
NodePtr Utf8(std::string name, const std::vector<std::optional<std::string>>& values,
             int64_t pad = 0, bool large = false) {
  auto n = std::make_unique<Node>();
  n->format = large ? "U" : "u";
  n->name = std::move(name);
  n->length = static_cast<int64_t>(values.size());
  n->offset = pad;
  std::vector<bool> valid;
  std::vector<std::string> all(pad, "hidden");
  for (const auto& v : values) {
    valid.push_back(v.has_value());
    all.push_back(v.value_or("null-garbage"));
  }
  SetValidity(n.get(), pad, valid);
  std::vector<uint8_t> offsets, chars;
  auto put_offset = [&](int64_t o) {
    if (large) Put<int64_t>(&offsets, o);
    else Put<int32_t>(&offsets, static_cast<int32_t>(o));
  };
  put_offset(0);
  for (const auto& s : all) {
    chars.insert(chars.end(), s.begin(), s.end());
    put_offset(static_cast<int64_t>(chars.size()));
  }
  n->storage.push_back(offsets);
  n->present.push_back(true);
  n->storage.push_back(chars);
  n->present.push_back(true);
  return n;
}

// A dictionary-encoded utf8 column with int8 indices.
NodePtr Dict(std::string name, const std::vector<std::optional<int8_t>>& indices,
             const std::vector<std::optional<std::string>>& dictionary, int64_t pad = 0) {
  NodePtr n = Fixed<int8_t>("c", std::move(name), indices, pad);
  n->dictionary = Utf8("", dictionary);
  return n;
}

// A record batch: a struct of `columns`, every one with `rows` values, of
// which the batch shows [offset, offset + length).
NodePtr Batch(std::vector<NodePtr> columns, int64_t offset = 0, int64_t length = -1) {
  auto n = std::make_unique<Node>();
  n->format = "+s";
  int64_t rows = columns.empty() ? 0 : columns[0]->length;
  n->length = length >= 0 ? length : rows - offset;
  n->offset = offset;
  n->storage.emplace_back();
  n->present.push_back(false);
  n->children = std::move(columns);
  n->Export();
  return n;
}

Status Import(Workspace* ws, const std::string& table, Node* batch,
              const std::map<std::string, std::string>& options = {}) {
  return ImportArrow(ws, table, batch->schema(), batch->array(), options);
}

using Strings = std::vector<std::optional<std::string>>;
using Int64s = std::vector<std::optional<int64_t>>;
using Doubles = std::vector<std::optional<double>>;

bool HasNote(const Workspace& ws, const std::string& text) {
  for (const auto& n : ws.notes())
    if (n.find(text) != std::string::npos) return true;
  return false;
}

// ---- Touches ----

TEST(ArrowImport, TouchesFromUtf8TimestampDictionaryAndDoubleColumns) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"p1", "p2", "p1"}));
  // 1705314153000123456 ns = 1705314153000.123456 ms -> 1705314153000;
  // 1705314154999999999 ns -> 1705314154999; -1 ns floors to -1 ms.
  cols.push_back(Fixed<int64_t>("tsn:Europe/Paris", "at",
                                {1705314153000123456, 1705314154999999999, -1}));
  cols.push_back(Dict("channel", {1, std::nullopt, 0}, {"email", "paid_search"}));
  cols.push_back(Utf8("campaign", {"spring", std::nullopt, ""}));
  cols.push_back(Utf8("side", {"sales", std::nullopt, "Marketing"}));
  cols.push_back(Fixed<double>("g", "cost", {12.5, std::nullopt, 0.25}));
  NodePtr batch = Batch(std::move(cols));

  Workspace ws;
  ASSERT_TRUE(Import(&ws, "touches", batch.get()).ok());
  ASSERT_TRUE(ws.Freeze().ok());

  // Frozen order is (person, time): p1 at -1 (input row 2), p1 at
  // 1705314153000 (row 0), then p2 (row 1).
  const TouchColumns& t = ws.touches();
  ASSERT_EQ(t.size(), 3u);
  const Dictionary& ids = ws.person_ids();
  const Dictionary& labels = ws.labels();
  EXPECT_EQ(ids.Get(t.person[0]), "p1");
  EXPECT_EQ(t.at[0], -1);
  EXPECT_EQ(labels.Get(t.channel[0]), "email");
  EXPECT_EQ(t.campaign[0], 0u);  // "" is missing
  EXPECT_EQ(t.side[0], static_cast<uint8_t>(Side::kMarketing));
  EXPECT_EQ(t.cost[0], 0.25);

  EXPECT_EQ(ids.Get(t.person[1]), "p1");
  EXPECT_EQ(t.at[1], 1705314153000);
  EXPECT_EQ(labels.Get(t.channel[1]), "paid_search");
  EXPECT_EQ(labels.Get(t.campaign[1]), "spring");
  EXPECT_EQ(t.side[1], static_cast<uint8_t>(Side::kSales));
  EXPECT_EQ(t.cost[1], 12.5);

  EXPECT_EQ(ids.Get(t.person[2]), "p2");
  EXPECT_EQ(t.at[2], 1705314154999);
  EXPECT_EQ(t.channel[2], 0u);   // null dictionary index
  EXPECT_EQ(t.campaign[2], 0u);  // null string
  EXPECT_EQ(t.side[2], static_cast<uint8_t>(Side::kMarketing));
  EXPECT_EQ(t.cost[2], 0.0);  // null cost

  ASSERT_EQ(ws.load_stats().size(), 1u);
  const LoadStat& s = ws.load_stats()[0];
  EXPECT_EQ(s.connector, "arrow");
  EXPECT_EQ(s.table, "touches");
  EXPECT_EQ(s.file, "arrow");
  EXPECT_EQ(s.rows_read, 3);
  EXPECT_EQ(s.rows_accepted, 3);
  EXPECT_EQ(s.rows_rejected, 0);
  // Only the null side took the default ("Marketing" was given).
  EXPECT_TRUE(HasNote(ws, "default applied to 1 rows: touches.side = marketing"));
}

TEST(ArrowImport, SliceHonoursStructAndChildOffsets) {
  // Every column has 3 logical values; the batch shows rows [1, 3). Columns
  // also carry hidden leading slots behind their own offsets.
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"skipped", "a", "b"}, /*pad=*/2));
  cols.push_back(Fixed<int64_t>("l", "at", {5, 1000, 2000}, /*pad=*/1, int64_t{7}));
  cols.push_back(Dict("channel", {0, 1, 0}, {"web", "email"}, /*pad=*/3));
  NodePtr batch = Batch(std::move(cols), /*offset=*/1, /*length=*/2);

  Workspace ws;
  ASSERT_TRUE(Import(&ws, "touches", batch.get()).ok());
  ASSERT_TRUE(ws.Freeze().ok());
  const TouchColumns& t = ws.touches();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(ws.num_people(), 2u);  // "skipped" is outside the slice
  EXPECT_EQ(ws.person_ids().Get(t.person[0]), "a");
  EXPECT_EQ(t.at[0], 1000);
  EXPECT_EQ(ws.labels().Get(t.channel[0]), "email");
  EXPECT_EQ(ws.person_ids().Get(t.person[1]), "b");
  EXPECT_EQ(t.at[1], 2000);
  EXPECT_EQ(ws.labels().Get(t.channel[1]), "web");
  EXPECT_EQ(ws.load_stats()[0].rows_read, 2);
}

TEST(ArrowImport, NullStructRowReadsAsAllFieldsNull) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a", "b"}));
  cols.push_back(Fixed<int64_t>("l", "at", {1000, 2000}));
  NodePtr batch = Batch(std::move(cols));
  // Row 1 of the struct itself is null.
  batch->storage[0] = {0x01};
  batch->present[0] = true;
  batch->null_count = 1;
  batch->Export();
  Workspace ws;
  Status st = Import(&ws, "touches", batch.get());
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message(), "column \"person_id\", row 1: is empty");
}

TEST(ArrowImport, NullTypeColumnReadsAsMissing) {
  // pandas turns an all-None column into Arrow's null type ("n", no buffers).
  auto campaign = std::make_unique<Node>();
  campaign->format = "n";
  campaign->name = "campaign";
  campaign->length = 2;
  campaign->null_count = 2;
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a", "b"}));
  cols.push_back(Fixed<int64_t>("l", "at", {1000, 2000}));
  cols.push_back(std::move(campaign));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  ASSERT_TRUE(Import(&ws, "touches", batch.get()).ok());
  EXPECT_EQ(ws.touches().campaign, (std::vector<uint32_t>{0, 0}));
}

TEST(ArrowImport, OverflowingOffsetsAreRejected) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a"}));
  cols.push_back(Fixed<int64_t>("l", "at", {1000}));
  NodePtr batch = Batch(std::move(cols));
  batch->children[1]->offset = std::numeric_limits<int64_t>::max();
  batch->Export();
  Workspace ws;
  Status st = Import(&ws, "touches", batch.get());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("column \"at\""), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("out of range"), std::string::npos) << st.message();
}

TEST(ArrowImport, UnsupportedTypesAreRejectedNamingColumnAndFormat) {
  auto import_with = [](NodePtr extra) {
    std::vector<NodePtr> cols;
    cols.push_back(Utf8("person_id", {"a"}));
    cols.push_back(Fixed<int64_t>("l", "at", {1000}));
    cols.push_back(std::move(extra));
    NodePtr batch = Batch(std::move(cols));
    Workspace ws;
    return Import(&ws, "touches", batch.get());
  };
  Status st = import_with(Fixed<int64_t>("tsm:", "cost", {1}));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("column \"cost\""), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("\"tsm:\""), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("float32, float64"), std::string::npos) << st.message();

  NodePtr view = Fixed<int64_t>("vu", "channel", {1});
  st = import_with(std::move(view));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("string view"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("column \"channel\""), std::string::npos) << st.message();

  st = import_with(Fixed<uint16_t>("e", "cost", {0x3c00}));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("half float"), std::string::npos) << st.message();

  // Floating-point times are refused rather than guessed at.
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a"}));
  cols.push_back(Fixed<double>("g", "at", {1705314153000.0}));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  st = Import(&ws, "touches", batch.get());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("column \"at\""), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("floating-point"), std::string::npos) << st.message();
}

TEST(ArrowImport, MissingRequiredColumnNamesFieldAndListsColumns) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a"}));
  cols.push_back(Utf8("channel", {"web"}));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  Status st = Import(&ws, "touches", batch.get());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("needs the field \"at\""), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("columns are person_id, channel"), std::string::npos)
      << st.message();
}

TEST(ArrowImport, ColumnOptionsRenameFields) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"not-this"}));
  cols.push_back(Utf8("mql_id", {"m1"}));
  cols.push_back(Utf8("first_contact_date", {"2024-01-15"}));
  NodePtr batch = Batch(std::move(cols));

  Workspace ws;
  ASSERT_TRUE(Import(&ws, "touches", batch.get(),
                     {{"column.person_id", "mql_id"},
                      {"column.at", "first_contact_date"},
                      {"funnel.by", "source"}})  // another part's option: ignored
                  .ok());
  ASSERT_TRUE(ws.Freeze().ok());
  ASSERT_EQ(ws.touches().size(), 1u);
  EXPECT_EQ(ws.person_ids().Get(ws.touches().person[0]), "m1");
  EXPECT_EQ(ws.touches().at[0], 1705276800000);  // 19737 days * 86400000

  Workspace ws2;
  Status st = Import(&ws2, "touches", batch.get(),
                     {{"column.person_id", "lead_id"}, {"column.at", "first_contact_date"}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("\"lead_id\", which is not in the batch"), std::string::npos)
      << st.message();

  Workspace ws3;
  st = Import(&ws3, "touches", batch.get(), {{"column.persn_id", "mql_id"}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("\"persn_id\" is not a field of touches"), std::string::npos)
      << st.message();
}

// ---- Times ----

TEST(ArrowImport, TimeColumnsOfEveryUnitBecomeUtcMilliseconds) {
  struct Case {
    const char* format;
    int64_t raw;
    int64_t millis;  // by hand
  };
  const Case cases[] = {
      {"tss:", 1705314153, 1705314153000},
      {"tsm:UTC", -1, -1},
      {"tsu:America/New_York", 1500, 1},   // 1.5 ms floors to 1
      {"tsu:", -1, -1},                    // -0.001 ms floors to -1
      {"tsn:", -1000001, -2},              // -1.000001 ms floors to -2
      {"tsn:UTC", 1999999, 1},             // 1.999999 ms floors to 1
      {"tdm", 1705314153123, 1705314153123},
      {"l", 1705314153123, 1705314153123},  // int64 epoch milliseconds
  };
  for (const Case& c : cases) {
    std::vector<NodePtr> cols;
    cols.push_back(Utf8("person_id", {"a"}));
    cols.push_back(Fixed<int64_t>(c.format, "at", {c.raw}));
    NodePtr batch = Batch(std::move(cols));
    Workspace ws;
    ASSERT_TRUE(Import(&ws, "touches", batch.get()).ok()) << c.format;
    EXPECT_EQ(ws.touches().at[0], c.millis) << c.format;
  }
  // date32: day -1 is 1969-12-31, -86400000 ms; int32 epoch ms as is.
  const std::pair<const char*, int32_t> int32_cases[] = {{"tdD", -1}, {"i", 1000}};
  const int64_t expected[] = {-86400000, 1000};
  for (int i = 0; i < 2; ++i) {
    std::vector<NodePtr> cols;
    cols.push_back(Utf8("person_id", {"a"}));
    cols.push_back(Fixed<int32_t>(int32_cases[i].first, "at", {int32_cases[i].second}));
    NodePtr batch = Batch(std::move(cols));
    Workspace ws;
    ASSERT_TRUE(Import(&ws, "touches", batch.get()).ok()) << int32_cases[i].first;
    EXPECT_EQ(ws.touches().at[0], expected[i]) << int32_cases[i].first;
  }
}

TEST(ArrowImport, Utf8TimesAreParsedLikeFiles) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a", "b", "c"}));
  // 2024-01-15 is day 19737: 1705276800000; 10:22:33 adds 37353000.
  cols.push_back(Utf8("at", {"2024-01-15T10:22:33Z", " 2024-01-15 ", "1705314153000"},
                      0, /*large=*/true));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  ASSERT_TRUE(Import(&ws, "touches", batch.get()).ok());
  const TouchColumns& t = ws.touches();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.at[0], 1705314153000);
  EXPECT_EQ(t.at[1], 1705276800000);
  EXPECT_EQ(t.at[2], 1705314153000);
}

TEST(ArrowImport, BadTimeTextIsAParseErrorNamingColumnAndRow) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a", "b", "c"}));
  cols.push_back(Utf8("at", {"2024-01-15", "2024-01-16", "yesterday"}));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  Status st = Import(&ws, "touches", batch.get());
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message().rfind("column \"at\", row 2: \"yesterday\" is not a date or time (",
                               0),
            0u)
      << st.message();
  // The rows before the bad one stay; the caller discards the workspace.
  EXPECT_EQ(ws.touches().size(), 2u);
  EXPECT_TRUE(ws.load_stats().empty());
}

TEST(ArrowImport, NullRequiredTimeIsEmpty) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a", "b"}));
  cols.push_back(Fixed<int64_t>("tsm:", "at", {1000, std::nullopt}));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  Status st = Import(&ws, "touches", batch.get());
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message(), "column \"at\", row 1: is empty");
}

// ---- Ids, people and attributes ----

TEST(ArrowImport, IntegerIdsBecomeDecimalTextAndBoolsWords) {
  std::vector<NodePtr> cols;
  cols.push_back(Fixed<int64_t>("l", "person_id",
                                {42, -7, std::numeric_limits<int64_t>::min()}));
  cols.push_back(Fixed<uint64_t>("L", "account_id",
                                 {std::numeric_limits<uint64_t>::max(), 0, std::nullopt}));
  cols.push_back(Bools("source", {true, false, std::nullopt}));
  // 19737 days = 2024-01-15 = 1705276800000 ms.
  cols.push_back(Fixed<int32_t>("tdD", "created_at", {19737, std::nullopt, 0}));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  ASSERT_TRUE(Import(&ws, "people", batch.get()).ok());
  ASSERT_EQ(ws.num_people(), 3u);
  const PeopleColumns& p = ws.people();
  const Dictionary& labels = ws.labels();
  EXPECT_EQ(ws.person_ids().Get(0), "42");
  EXPECT_EQ(ws.person_ids().Get(1), "-7");
  EXPECT_EQ(ws.person_ids().Get(2), "-9223372036854775808");
  EXPECT_EQ(labels.Get(p.account[0]), "18446744073709551615");
  EXPECT_EQ(labels.Get(p.account[1]), "0");
  EXPECT_EQ(p.account[2], 0u);
  EXPECT_EQ(labels.Get(p.source[0]), "true");
  EXPECT_EQ(labels.Get(p.source[1]), "false");
  EXPECT_EQ(p.source[2], 0u);
  EXPECT_EQ(p.created_at[0], 1705276800000);
  EXPECT_EQ(p.created_at[1], kNoTime);
  EXPECT_EQ(p.created_at[2], 0);
}

TEST(ArrowImport, PeopleAttributesFromOptionAndPrefixedColumns) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a", "b"}));
  cols.push_back(Dict("industry", {0, 1}, {"retail", "software"}));
  cols.push_back(Utf8("attribute:country", {"FR", std::nullopt}));
  cols.push_back(Utf8("size", {"10-50", "50-200"}));  // not asked for: ignored
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  ASSERT_TRUE(Import(&ws, "people", batch.get(), {{"attributes", "industry"}}).ok());
  const Dictionary& labels = ws.labels();
  uint32_t industry = ws.AttributeKey("industry");
  uint32_t country = ws.AttributeKey("country");
  ASSERT_NE(industry, Dictionary::kNotFound);
  ASSERT_NE(country, Dictionary::kNotFound);
  EXPECT_EQ(ws.AttributeKey("size"), Dictionary::kNotFound);
  const auto& ind = ws.people().attributes.at(industry);
  const auto& cty = ws.people().attributes.at(country);
  EXPECT_EQ(labels.Get(ind[0]), "retail");
  EXPECT_EQ(labels.Get(ind[1]), "software");
  EXPECT_EQ(labels.Get(cty[0]), "FR");
  EXPECT_EQ(cty[1], 0u);

  Workspace ws2;
  Status st = Import(&ws2, "people", batch.get(), {{"attributes", "industry, segment"}});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("\"segment\""), std::string::npos) << st.message();
}

// ---- Stages, deals, spend ----

TEST(ArrowImport, StagesMapThroughTheStageMapAndSkipIgnored) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a", "a", "b", "b"}));
  cols.push_back(Dict("stage", {0, 1, 2, 0}, {"MQL", "Sales Qualified Lead", "other"}));
  cols.push_back(Fixed<int64_t>("tsm:", "at", {1000, 2000, 3000, 4000}));
  cols.push_back(Utf8("disposition", {std::nullopt, "accepted", std::nullopt, "REJECTED"}));
  cols.push_back(Utf8("reason", {std::nullopt, std::nullopt, std::nullopt, "no budget"}));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  ASSERT_TRUE(Import(&ws, "stages", batch.get()).ok());
  ASSERT_TRUE(ws.Freeze().ok());
  const StageColumns& s = ws.stages();
  const StageMap& m = ws.stage_map();
  // "other" maps to ignore by default: row 2 is not recorded.
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(m.Name(s.stage[0]), "mql");
  EXPECT_EQ(s.disposition[0], static_cast<uint8_t>(Disposition::kAdvanced));
  EXPECT_EQ(m.Name(s.stage[1]), "sql");
  EXPECT_EQ(s.disposition[1], static_cast<uint8_t>(Disposition::kAccepted));
  EXPECT_EQ(ws.person_ids().Get(s.person[2]), "b");
  EXPECT_EQ(m.Name(s.stage[2]), "mql");
  EXPECT_EQ(s.at[2], 4000);
  EXPECT_EQ(s.disposition[2], static_cast<uint8_t>(Disposition::kRejected));
  EXPECT_EQ(ws.labels().Get(s.reason[2]), "no budget");
  EXPECT_EQ(ws.load_stats()[0].rows_accepted, 4);
  EXPECT_TRUE(HasNote(ws, "1 stage rows map to \"ignore\""));

  std::vector<NodePtr> bad;
  bad.push_back(Utf8("person_id", {"a", "b"}));
  bad.push_back(Utf8("stage", {"mql", "Demo booked"}));
  bad.push_back(Fixed<int64_t>("tsm:", "at", {1000, 2000}));
  NodePtr bad_batch = Batch(std::move(bad));
  Workspace ws2;
  Status st = Import(&ws2, "stages", bad_batch.get());
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message().rfind("column \"stage\", row 1: \"Demo booked\" is not a known "
                               "stage; stages are inquiry, mql, sal, sql, opportunity, won",
                               0),
            0u)
      << st.message();
}

TEST(ArrowImport, DealOutcomeComesFromStageUnlessFlagsAreGiven) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("deal_id", {"d1", "d2", "d3", "d4"}));
  cols.push_back(Utf8("stage", {"Closed Won", "Closed Lost", "Engaging", "Closed Won"}));
  cols.push_back(Bools("is_won", {std::nullopt, std::nullopt, std::nullopt, false}));
  cols.push_back(Fixed<int8_t>("c", "is_closed", {std::nullopt, std::nullopt, 1, std::nullopt}));
  cols.push_back(Fixed<double>("g", "amount", {1000.0, std::nullopt, 250.5, 0.0}));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  ASSERT_TRUE(Import(&ws, "deals", batch.get()).ok());
  const DealColumns& d = ws.deals();
  ASSERT_EQ(d.size(), 4u);
  // d1: won by stage. d2: lost by stage (closed, not won). d3: open stage,
  // closed by flag. d4: won stage but is_won = false given; is_closed from
  // the stage.
  EXPECT_EQ(d.is_won[0], 1);
  EXPECT_EQ(d.is_closed[0], 1);
  EXPECT_EQ(d.is_won[1], 0);
  EXPECT_EQ(d.is_closed[1], 1);
  EXPECT_EQ(d.is_won[2], 0);
  EXPECT_EQ(d.is_closed[2], 1);
  EXPECT_EQ(d.is_won[3], 0);
  EXPECT_EQ(d.is_closed[3], 1);
  EXPECT_EQ(d.amount[0], 1000.0);
  EXPECT_EQ(d.amount[1], 0.0);  // open deals may lack an amount
  EXPECT_EQ(d.amount[2], 250.5);
  EXPECT_EQ(ws.labels().Get(d.stage[2]), "Engaging");
  EXPECT_EQ(d.person[0], kNoPerson);

  std::vector<NodePtr> bad;
  bad.push_back(Utf8("deal_id", {"d1"}));
  bad.push_back(Fixed<int32_t>("i", "is_won", {2}));
  NodePtr bad_batch = Batch(std::move(bad));
  Workspace ws2;
  Status st = Import(&ws2, "deals", bad_batch.get());
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message(), "column \"is_won\", row 0: \"2\" is not a boolean (0 or 1)");
}

TEST(ArrowImport, SpendAmountMustBePresentAndFinite) {
  auto import_amounts = [](const Doubles& amounts) {
    std::vector<NodePtr> cols;
    cols.push_back(Utf8("channel", {"web", "email"}));
    cols.push_back(Fixed<double>("g", "amount", amounts));
    NodePtr batch = Batch(std::move(cols));
    Workspace ws;
    return Import(&ws, "spend", batch.get());
  };
  EXPECT_TRUE(import_amounts({10.0, 20.0}).ok());
  Status st = import_amounts({10.0, std::nullopt});
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message(), "column \"amount\", row 1: is empty");
  st = import_amounts({std::numeric_limits<double>::quiet_NaN(), 1.0});
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message(), "column \"amount\", row 0: \"nan\" is not a finite number");

  std::vector<NodePtr> cols;
  cols.push_back(Fixed<int64_t>("l", "amount", {5}));
  NodePtr batch = Batch(std::move(cols));
  Workspace ws;
  st = Import(&ws, "spend", batch.get());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("channel or a campaign"), std::string::npos) << st.message();

  // Spend periods read from int32 dates and int64 amounts.
  std::vector<NodePtr> ok_cols;
  ok_cols.push_back(Utf8("campaign", {"spring"}));
  ok_cols.push_back(Fixed<int32_t>("tdD", "period_start", {19737}));
  ok_cols.push_back(Fixed<int32_t>("tdD", "period_end", {19738}));
  ok_cols.push_back(Fixed<int64_t>("l", "amount", {1200}));
  NodePtr ok_batch = Batch(std::move(ok_cols));
  Workspace ws2;
  ASSERT_TRUE(Import(&ws2, "spend", ok_batch.get()).ok());
  EXPECT_EQ(ws2.spend().period_start[0], 1705276800000);
  EXPECT_EQ(ws2.spend().period_end[0], 1705276800000 + kMillisPerDay);
  EXPECT_EQ(ws2.spend().amount[0], 1200.0);
}

// ---- Malformed batches ----

TEST(ArrowImport, RejectsBadBatchesAndTables) {
  std::vector<NodePtr> cols;
  cols.push_back(Utf8("person_id", {"a"}));
  cols.push_back(Fixed<int64_t>("l", "at", {1000}));
  NodePtr batch = Batch(std::move(cols));

  Workspace ws;
  Status st = Import(&ws, "paths", batch.get());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("tables are people, touches, stages, deals, spend"),
            std::string::npos)
      << st.message();

  // A bare column is not a record batch.
  NodePtr column = Utf8("person_id", {"a"});
  column->Export();
  st = ImportArrow(&ws, "touches", column->schema(), column->array(), {});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("\"+s\""), std::string::npos) << st.message();

  // A dictionary index past the dictionary's end.
  std::vector<NodePtr> dcols;
  dcols.push_back(Utf8("person_id", {"a"}));
  dcols.push_back(Fixed<int64_t>("l", "at", {1000}));
  dcols.push_back(Dict("channel", {5}, {"web"}));
  NodePtr dbatch = Batch(std::move(dcols));
  st = Import(&ws, "touches", dbatch.get());
  EXPECT_EQ(st.code(), StatusCode::kParseError);
  EXPECT_EQ(st.message(),
            "column \"channel\", row 0: \"5\" is not a valid dictionary index (the "
            "dictionary has 1 values)");

  // A column shorter than the batch.
  std::vector<NodePtr> scols;
  scols.push_back(Utf8("person_id", {"a", "b"}));
  scols.push_back(Fixed<int64_t>("l", "at", {1000}));
  NodePtr sbatch = Batch(std::move(scols));
  st = Import(&ws, "touches", sbatch.get());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("column \"at\" has 1 values; the batch needs 2"),
            std::string::npos)
      << st.message();

  ASSERT_TRUE(ws.Freeze().ok());
  st = Import(&ws, "touches", batch.get());
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace baton

#include "table/arrow_export.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "ingest/arrow_import.h"

namespace baton {
namespace {

bool ValidBit(const ArrowArray* a, int64_t i) {
  const auto* bits = static_cast<const uint8_t*>(a->buffers[0]);
  return (bits[(a->offset + i) >> 3] >> ((a->offset + i) & 7)) & 1;
}

std::string Utf8At(const ArrowArray* a, int64_t i) {
  const auto* offsets = static_cast<const int32_t*>(a->buffers[1]);
  const auto* chars = static_cast<const char*>(a->buffers[2]);
  return std::string(chars + offsets[i], offsets[i + 1] - offsets[i]);
}

// name: "a", null, "ccc"; n: 1, -2, 3 (no nulls); x: 0.5, null, 2;
// at: 2024-01-15T10:22:33Z, null, the epoch.
Table SampleTable() {
  Table t("sample");
  size_t name = t.AddColumn("name", ColumnType::kString);
  size_t n = t.AddColumn("n", ColumnType::kInt64);
  size_t x = t.AddColumn("x", ColumnType::kFloat64);
  size_t at = t.AddColumn("at", ColumnType::kTimestamp);
  t.AppendString(name, "a");
  t.AppendNull(name);
  t.AppendString(name, "ccc");
  t.AppendInt(n, 1);
  t.AppendInt(n, -2);
  t.AppendInt(n, 3);
  t.AppendDouble(x, 0.5);
  t.AppendNull(x);
  t.AppendDouble(x, 2);
  t.AppendInt(at, 1705314153000);
  t.AppendNull(at);
  t.AppendInt(at, 0);
  return t;
}

TEST(ArrowExport, WritesTypedBuffersWithBitmapsOnlyForColumnsWithNulls) {
  ArrowSchema schema;
  ArrowArray array;
  {
    // The export must not depend on the table staying alive.
    Table t = SampleTable();
    ASSERT_TRUE(ExportArrow(t, &schema, &array).ok());
  }
  EXPECT_STREQ(schema.format, "+s");
  ASSERT_EQ(schema.n_children, 4);
  const char* formats[] = {"u", "l", "g", "tsm:UTC"};
  const char* names[] = {"name", "n", "x", "at"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_STREQ(schema.children[i]->format, formats[i]);
    EXPECT_STREQ(schema.children[i]->name, names[i]);
    EXPECT_EQ(schema.children[i]->flags, ARROW_FLAG_NULLABLE);
    EXPECT_EQ(schema.children[i]->n_children, 0);
    EXPECT_EQ(schema.children[i]->dictionary, nullptr);
  }

  EXPECT_EQ(array.length, 3);
  EXPECT_EQ(array.offset, 0);
  EXPECT_EQ(array.null_count, 0);
  ASSERT_EQ(array.n_buffers, 1);
  EXPECT_EQ(array.buffers[0], nullptr);
  ASSERT_EQ(array.n_children, 4);

  const ArrowArray* name = array.children[0];
  ASSERT_EQ(name->n_buffers, 3);
  EXPECT_EQ(name->length, 3);
  EXPECT_EQ(name->null_count, 1);
  // Validity bits LSB first: rows 0 and 2 valid = 0b101.
  EXPECT_EQ(static_cast<const uint8_t*>(name->buffers[0])[0] & 0x7, 0x5);
  const auto* offsets = static_cast<const int32_t*>(name->buffers[1]);
  EXPECT_EQ(offsets[0], 0);
  EXPECT_EQ(offsets[1], 1);
  EXPECT_EQ(offsets[2], 1);  // the null takes no bytes
  EXPECT_EQ(offsets[3], 4);
  EXPECT_EQ(std::string(static_cast<const char*>(name->buffers[2]), 4), "accc");

  const ArrowArray* n = array.children[1];
  ASSERT_EQ(n->n_buffers, 2);
  EXPECT_EQ(n->null_count, 0);
  EXPECT_EQ(n->buffers[0], nullptr);
  const auto* ints = static_cast<const int64_t*>(n->buffers[1]);
  EXPECT_EQ(ints[0], 1);
  EXPECT_EQ(ints[1], -2);
  EXPECT_EQ(ints[2], 3);

  const ArrowArray* x = array.children[2];
  EXPECT_EQ(x->null_count, 1);
  EXPECT_TRUE(ValidBit(x, 0));
  EXPECT_FALSE(ValidBit(x, 1));
  EXPECT_TRUE(ValidBit(x, 2));
  EXPECT_EQ(static_cast<const double*>(x->buffers[1])[0], 0.5);
  EXPECT_EQ(static_cast<const double*>(x->buffers[1])[2], 2.0);

  const ArrowArray* at = array.children[3];
  EXPECT_EQ(at->null_count, 1);
  EXPECT_FALSE(ValidBit(at, 1));
  EXPECT_EQ(static_cast<const int64_t*>(at->buffers[1])[0], 1705314153000);
  EXPECT_EQ(static_cast<const int64_t*>(at->buffers[1])[2], 0);

  array.release(&array);
  EXPECT_EQ(array.release, nullptr);
  schema.release(&schema);
  EXPECT_EQ(schema.release, nullptr);
}

TEST(ArrowExport, MovedChildOutlivesAndReleasesApartFromItsParent) {
  ArrowSchema schema;
  ArrowArray array;
  ASSERT_TRUE(ExportArrow(SampleTable(), &schema, &array).ok());

  // Move the string column out, as the specification lets a consumer do:
  // copy the struct and mark the original released.
  ArrowArray moved = *array.children[0];
  array.children[0]->release = nullptr;
  ArrowSchema moved_schema = *schema.children[0];
  schema.children[0]->release = nullptr;

  array.release(&array);
  schema.release(&schema);
  EXPECT_EQ(array.release, nullptr);
  EXPECT_EQ(schema.release, nullptr);

  // The moved child still owns its data.
  EXPECT_STREQ(moved_schema.name, "name");
  EXPECT_EQ(Utf8At(&moved, 0), "a");
  EXPECT_EQ(Utf8At(&moved, 2), "ccc");
  ASSERT_NE(moved.release, nullptr);
  moved.release(&moved);
  EXPECT_EQ(moved.release, nullptr);
  moved_schema.release(&moved_schema);
  EXPECT_EQ(moved_schema.release, nullptr);
}

TEST(ArrowExport, EmptyTablesExportValidStructs) {
  ArrowSchema schema;
  ArrowArray array;
  ASSERT_TRUE(ExportArrow(Table("none"), &schema, &array).ok());
  EXPECT_EQ(schema.n_children, 0);
  EXPECT_EQ(array.n_children, 0);
  EXPECT_EQ(array.length, 0);
  array.release(&array);
  schema.release(&schema);

  // Columns without rows: offsets still hold the single 0.
  Table t("empty");
  t.AddColumn("s", ColumnType::kString);
  ASSERT_TRUE(ExportArrow(t, &schema, &array).ok());
  ASSERT_EQ(array.n_children, 1);
  EXPECT_EQ(array.children[0]->length, 0);
  ASSERT_NE(array.children[0]->buffers[1], nullptr);
  EXPECT_EQ(static_cast<const int32_t*>(array.children[0]->buffers[1])[0], 0);
  array.release(&array);
  schema.release(&schema);
  EXPECT_EQ(array.release, nullptr);
  EXPECT_EQ(schema.release, nullptr);
}

TEST(ArrowExport, UnequalColumnsAreRefusedWithoutTouchingOutputs) {
  Table t("broken");
  size_t a = t.AddColumn("a", ColumnType::kInt64);
  t.AddColumn("b", ColumnType::kInt64);
  t.AppendInt(a, 1);
  ArrowSchema schema{};
  ArrowArray array{};
  Status st = ExportArrow(t, &schema, &array);
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(schema.release, nullptr);
  EXPECT_EQ(array.release, nullptr);
}

// ---- Canonical tables ----

// Two people (p1 listed with an attribute, p2 only named by a touch), three
// touches, two stages, two deals (one without a person), one spend row.
void FillWorkspace(Workspace* ws) {
  PersonRow p;
  p.person_id = "p1";
  p.account_id = "acme";
  p.created_at = 1000;
  p.source = "web";
  ASSERT_TRUE(ws->AddPerson(p).ok());
  ASSERT_TRUE(ws->SetAttribute("p1", "industry", "retail").ok());
  TouchRow t;
  t.person_id = "p2";
  t.at = 5000;
  t.channel = "email";
  t.side = Side::kSales;
  t.activity = "call";
  t.cost = 1.5;
  ASSERT_TRUE(ws->AddTouch(t).ok());
  t = TouchRow{};
  t.person_id = "p1";
  t.at = 3000;
  t.channel = "paid_search";
  t.campaign = "spring";
  t.cost = 0.25;
  ASSERT_TRUE(ws->AddTouch(t).ok());
  t.at = 2000;
  t.campaign = "";
  ASSERT_TRUE(ws->AddTouch(t).ok());
  StageRow s;
  s.person_id = "p1";
  s.stage = ws->stage_map().CodeOf("mql");
  s.at = 4000;
  ASSERT_TRUE(ws->AddStage(s).ok());
  s.stage = ws->stage_map().CodeOf("rejected");
  s.at = 6000;
  s.disposition = Disposition::kRejected;
  s.reason = "no budget";
  ASSERT_TRUE(ws->AddStage(s).ok());
  DealRow d;
  d.deal_id = "d1";
  d.account_id = "acme";
  d.person_id = "p1";
  d.created_at = 7000;
  d.closed_at = 9000;
  d.amount = 1200;
  d.currency = "EUR";
  d.stage = "Closed Won";
  d.is_won = true;
  d.is_closed = true;
  d.owner = "ana";
  ASSERT_TRUE(ws->AddDeal(d).ok());
  d = DealRow{};
  d.deal_id = "d2";
  d.stage = "Prospecting";
  ASSERT_TRUE(ws->AddDeal(d).ok());
  SpendRow x;
  x.channel = "paid_search";
  x.period_start = 0;
  x.period_end = 86400000;
  x.amount = 300;
  x.currency = "EUR";
  ASSERT_TRUE(ws->AddSpend(x).ok());
  ASSERT_TRUE(ws->Freeze().ok());
}

std::vector<std::string> ColumnNames(const Table& t) {
  std::vector<std::string> out;
  for (size_t i = 0; i < t.num_columns(); ++i) out.push_back(t.column(i).name);
  return out;
}

TEST(CanonicalTable, ColumnsAndValuesFollowTheEventModel) {
  Workspace ws;
  FillWorkspace(&ws);

  Result<Table> people = CanonicalTable(ws, "people");
  ASSERT_TRUE(people.ok());
  EXPECT_EQ(ColumnNames(*people),
            (std::vector<std::string>{"person_id", "account_id", "created_at", "source",
                                      "owner", "attribute:industry"}));
  ASSERT_EQ(people->num_rows(), 2u);
  EXPECT_EQ(people->CellText(0, 1), "p2");
  EXPECT_TRUE(people->IsNull(1, 1));  // p2 has no account
  // p2's created_at defaults to its first record, the touch at 5000.
  EXPECT_EQ(people->column(2).ints[1], 5000);
  EXPECT_EQ(people->CellText(5, 0), "retail");
  EXPECT_TRUE(people->IsNull(5, 1));
  EXPECT_TRUE(people->IsNull(4, 0));  // no owner

  Result<Table> touches = CanonicalTable(ws, "touches");
  ASSERT_TRUE(touches.ok());
  EXPECT_EQ(ColumnNames(*touches),
            (std::vector<std::string>{"person_id", "at", "channel", "campaign", "side",
                                      "activity", "cost"}));
  EXPECT_EQ(touches->column(1).type, ColumnType::kTimestamp);
  EXPECT_EQ(touches->column(6).type, ColumnType::kFloat64);
  // Sorted by (person, time): p1@2000, p1@3000, p2@5000.
  EXPECT_EQ(touches->column(1).ints, (std::vector<int64_t>{2000, 3000, 5000}));
  EXPECT_TRUE(touches->IsNull(3, 0));
  EXPECT_EQ(touches->CellText(3, 1), "spring");
  EXPECT_EQ(touches->CellText(4, 2), "sales");
  EXPECT_EQ(touches->CellText(4, 0), "marketing");
  EXPECT_EQ(touches->CellText(5, 2), "call");

  Result<Table> stages = CanonicalTable(ws, "stages");
  ASSERT_TRUE(stages.ok());
  EXPECT_EQ(ColumnNames(*stages), (std::vector<std::string>{"person_id", "stage", "at",
                                                            "disposition", "reason"}));
  EXPECT_EQ(stages->CellText(1, 0), "mql");
  EXPECT_EQ(stages->CellText(1, 1), "rejected");
  EXPECT_EQ(stages->CellText(3, 0), "advanced");
  EXPECT_EQ(stages->CellText(3, 1), "rejected");
  EXPECT_TRUE(stages->IsNull(4, 0));
  EXPECT_EQ(stages->CellText(4, 1), "no budget");

  Result<Table> deals = CanonicalTable(ws, "deals");
  ASSERT_TRUE(deals.ok());
  EXPECT_EQ(ColumnNames(*deals),
            (std::vector<std::string>{"deal_id", "account_id", "person_id", "created_at",
                                      "closed_at", "amount", "currency", "stage", "is_won",
                                      "is_closed", "owner", "source", "campaign"}));
  EXPECT_EQ(deals->column(8).type, ColumnType::kInt64);
  EXPECT_EQ(deals->column(8).ints, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(deals->column(9).ints, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(deals->CellText(2, 0), "p1");
  EXPECT_TRUE(deals->IsNull(2, 1));  // d2 has no person
  EXPECT_TRUE(deals->IsNull(4, 1));  // nor a close date
  EXPECT_EQ(deals->column(5).doubles[0], 1200.0);
  EXPECT_EQ(deals->CellText(7, 1), "Prospecting");

  Result<Table> spend = CanonicalTable(ws, "spend");
  ASSERT_TRUE(spend.ok());
  EXPECT_EQ(ColumnNames(*spend),
            (std::vector<std::string>{"channel", "campaign", "period_start", "period_end",
                                      "amount", "currency"}));
  EXPECT_TRUE(spend->IsNull(1, 0));
  EXPECT_EQ(spend->column(3).ints[0], 86400000);

  Result<Table> unknown = CanonicalTable(ws, "accounts");
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("people, touches, stages, deals, spend"),
            std::string::npos);

  Workspace open;
  EXPECT_EQ(CanonicalTable(open, "touches").status().code(),
            StatusCode::kFailedPrecondition);
}

// Cell by cell, with types, nulls and names.
void ExpectSameTable(const Table& a, const Table& b) {
  ASSERT_EQ(ColumnNames(a), ColumnNames(b)) << a.name();
  ASSERT_EQ(a.num_rows(), b.num_rows()) << a.name();
  for (size_t c = 0; c < a.num_columns(); ++c) {
    EXPECT_EQ(a.column(c).type, b.column(c).type) << a.name() << "." << a.column(c).name;
    for (size_t r = 0; r < a.num_rows(); ++r) {
      EXPECT_EQ(a.IsNull(c, r), b.IsNull(c, r)) << a.name() << "." << a.column(c).name
                                                 << " row " << r;
      EXPECT_EQ(a.CellText(c, r), b.CellText(c, r)) << a.name() << "." << a.column(c).name
                                                    << " row " << r;
    }
  }
}

TEST(ArrowRoundTrip, CanonicalTablesSurviveExportAndImport) {
  Workspace ws;
  FillWorkspace(&ws);
  Workspace copy;
  const char* tables[] = {"people", "touches", "stages", "deals", "spend"};
  for (const char* name : tables) {
    Result<Table> t = CanonicalTable(ws, name);
    ASSERT_TRUE(t.ok()) << name;
    ArrowSchema schema;
    ArrowArray array;
    ASSERT_TRUE(ExportArrow(*t, &schema, &array).ok()) << name;
    Status st = ImportArrow(&copy, name, &schema, &array, {});
    EXPECT_TRUE(st.ok()) << name << ": " << st.ToString();
    array.release(&array);
    schema.release(&schema);
  }
  ASSERT_TRUE(copy.Freeze().ok());
  for (const char* name : tables) {
    Result<Table> a = CanonicalTable(ws, name);
    Result<Table> b = CanonicalTable(copy, name);
    ASSERT_TRUE(a.ok() && b.ok()) << name;
    ExpectSameTable(*a, *b);
  }
}

}  // namespace
}  // namespace baton

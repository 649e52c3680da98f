/*
 * The C ABI, exercised from C99 (-std=c99 -pedantic -Werror): every function
 * of baton.h, its results on a hand-computed dataset, and each error path
 * with NULL and bad arguments.
 *
 * Usage: baton_c_api_test SCRATCH_DIR
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baton/baton.h"

static int g_passed = 0;
static int g_failed = 0;

#define CHECK(cond)                                                    \
  do {                                                                 \
    if (cond) {                                                        \
      ++g_passed;                                                      \
    } else {                                                           \
      ++g_failed;                                                      \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n",    \
              __FILE__, __LINE__, #cond, baton_last_error());          \
    }                                                                  \
  } while (0)

#define CHECK_OK(call) CHECK((call) == BATON_OK)
#define CHECK_STATUS(call, status) CHECK((call) == (status))
#define NEAR(a, b) (fabs((a) - (b)) < 1e-12)

static const int64_t kDay = 86400000;
static const int64_t kT0 = 1704067200000; /* 2024-01-01T00:00:00Z */

static int LastErrorContains(const char* needle) {
  return strstr(baton_last_error(), needle) != NULL;
}

static void TestLibrary(void) {
  CHECK(baton_abi_version() == ((BATON_ABI_MAJOR << 16) | BATON_ABI_MINOR));
  CHECK(strcmp(baton_version(), "1.0.0") == 0);
  CHECK(baton_last_error() != NULL);
  CHECK(strcmp(baton_status_name(BATON_OK), "OK") == 0);
  CHECK(strcmp(baton_status_name(BATON_PARSE_ERROR), "ParseError") == 0);
  CHECK(strcmp(baton_status_name((baton_status)999), "Unknown") == 0);
  baton_string_free(NULL);
}

static void TestOptions(void) {
  baton_options* o = NULL;
  const char* v = NULL;
  CHECK_STATUS(baton_options_new(NULL), BATON_INVALID_ARGUMENT);
  CHECK_OK(baton_options_new(&o));
  CHECK_OK(baton_options_set(o, "funnel.by", "source"));
  CHECK_OK(baton_options_set(o, "funnel.by", "owner"));
  CHECK_OK(baton_options_get(o, "funnel.by", &v));
  CHECK(v != NULL && strcmp(v, "owner") == 0);
  CHECK_STATUS(baton_options_get(o, "nope", &v), BATON_NOT_FOUND);
  CHECK(LastErrorContains("nope"));
  CHECK_STATUS(baton_options_set(o, "", "x"), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_options_set(NULL, "k", "v"), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_options_set(o, NULL, "v"), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_options_set(o, "k", NULL), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_options_get(NULL, "k", &v), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_options_get(o, "k", NULL), BATON_INVALID_ARGUMENT);
  baton_options_free(o);
  baton_options_free(NULL);
}

static baton_status AddStage(baton_workspace* ws, const char* person, const char* stage,
                             int64_t day) {
  baton_stage_row r;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  r.person_id = person;
  r.stage = stage;
  r.at = kT0 + day * kDay;
  return baton_workspace_append_stage(ws, &r);
}

/* Four people, worked by hand:
 *   p1 (ads): inquiry d0, mql d1, sal d3, sql d5, won d10
 *   p2 (ads): inquiry d0, mql d2, rejected d4
 *   p3 (web): mql d0, sal d1              (skipped inquiry)
 *   p4 (no source): inquiry d0
 * Stages present: inquiry, mql, sal, sql, won (no opportunity).
 * Reached (a later stage implies the earlier): inquiry 4, mql 3, sal 2,
 * sql 1, won 1. Advanced: 3, 2, 1, 1. Won from each: 1.
 * Days inquiry->mql (both recorded): p1 1, p2 2 -> median 1.5, p90 1.9.
 * Days mql->sal: p1 2, p3 1 -> median 1.5, p90 1.9. sal->sql: p1 2.
 * sql->won: p1 5. */
static baton_workspace* HandWorkspace(void) {
  baton_workspace* ws = NULL;
  baton_person_row p;
  CHECK_OK(baton_workspace_new(&ws));
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  p.created_at = BATON_NO_TIME;
  p.person_id = "p1"; p.source = "ads";
  CHECK_OK(baton_workspace_append_person(ws, &p));
  p.person_id = "p2"; p.source = "ads";
  CHECK_OK(baton_workspace_append_person(ws, &p));
  p.person_id = "p3"; p.source = "web";
  CHECK_OK(baton_workspace_append_person(ws, &p));
  p.person_id = "p4"; p.source = NULL;
  CHECK_OK(baton_workspace_append_person(ws, &p));
  CHECK_OK(baton_workspace_set_attribute(ws, "p1", "industry", "retail"));
  CHECK_OK(AddStage(ws, "p1", "inquiry", 0));
  CHECK_OK(AddStage(ws, "p1", "Marketing Qualified Lead", 1)); /* mapped by default */
  CHECK_OK(AddStage(ws, "p1", "sal", 3));
  CHECK_OK(AddStage(ws, "p1", "sql", 5));
  CHECK_OK(AddStage(ws, "p1", "won", 10));
  CHECK_OK(AddStage(ws, "p2", "inquiry", 0));
  CHECK_OK(AddStage(ws, "p2", "mql", 2));
  CHECK_OK(AddStage(ws, "p2", "rejected", 4));
  CHECK_OK(AddStage(ws, "p3", "mql", 0));
  CHECK_OK(AddStage(ws, "p3", "sal", 1));
  CHECK_OK(AddStage(ws, "p4", "inquiry", 0));
  return ws;
}

static void TestAppends(void) {
  baton_workspace* ws = NULL;
  baton_touch_row t;
  baton_deal_row d;
  baton_spend_row s;
  baton_person_row p;
  int64_t n = -1;

  CHECK_STATUS(baton_workspace_new(NULL), BATON_INVALID_ARGUMENT);
  CHECK_OK(baton_workspace_new(&ws));

  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  t.person_id = "p1";
  t.at = kT0;
  t.channel = "email";
  t.side = "sales";
  CHECK_OK(baton_workspace_append_touch(ws, &t));
  t.side = "partners";
  CHECK_STATUS(baton_workspace_append_touch(ws, &t), BATON_INVALID_ARGUMENT);
  CHECK(LastErrorContains("partners"));
  t.side = NULL;
  t.struct_size = 4;
  CHECK_STATUS(baton_workspace_append_touch(ws, &t), BATON_INVALID_ARGUMENT);
  CHECK(LastErrorContains("struct_size"));
  t.struct_size = sizeof t;
  t.at = BATON_NO_TIME;
  CHECK_STATUS(baton_workspace_append_touch(ws, &t), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_workspace_append_touch(ws, NULL), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_workspace_append_touch(NULL, &t), BATON_INVALID_ARGUMENT);

  CHECK_STATUS(AddStage(ws, "p1", "stage-that-does-not-exist", 1), BATON_PARSE_ERROR);
  CHECK(LastErrorContains("stage-that-does-not-exist") && LastErrorContains("mql"));
  CHECK_STATUS(baton_workspace_append_stage(ws, NULL), BATON_INVALID_ARGUMENT);

  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.deal_id = "d1";
  d.person_id = "p1";
  d.created_at = kT0;
  d.closed_at = kT0 + 3 * kDay;
  d.amount = 1200.5;
  d.stage = "Closed Won";
  d.is_won = -1;
  d.is_closed = -1;
  CHECK_OK(baton_workspace_append_deal(ws, &d));
  d.deal_id = "";
  CHECK_STATUS(baton_workspace_append_deal(ws, &d), BATON_INVALID_ARGUMENT);
  d.deal_id = "d2";
  d.amount = NAN;
  CHECK_STATUS(baton_workspace_append_deal(ws, &d), BATON_INVALID_ARGUMENT);

  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.channel = "email";
  s.period_start = kT0;
  s.period_end = kT0 + 30 * kDay;
  s.amount = 500;
  CHECK_OK(baton_workspace_append_spend(ws, &s));
  s.channel = NULL;
  CHECK_STATUS(baton_workspace_append_spend(ws, &s), BATON_INVALID_ARGUMENT);

  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  p.person_id = "";
  CHECK_STATUS(baton_workspace_append_person(ws, &p), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_workspace_set_attribute(ws, "p1", NULL, "x"), BATON_INVALID_ARGUMENT);

  CHECK_OK(baton_workspace_row_count(ws, "touches", &n));
  CHECK(n == 1);
  CHECK_OK(baton_workspace_row_count(ws, "deals", &n));
  CHECK(n == 1);
  CHECK_OK(baton_workspace_row_count(ws, "spend", &n));
  CHECK(n == 1);
  CHECK_OK(baton_workspace_row_count(ws, "people", &n));
  CHECK(n == 1); /* p1, created by its touch */
  CHECK_STATUS(baton_workspace_row_count(ws, "nope", &n), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_workspace_row_count(ws, "people", NULL), BATON_INVALID_ARGUMENT);

  CHECK_OK(baton_workspace_freeze(ws));
  CHECK_OK(baton_workspace_freeze(ws)); /* idempotent */
  CHECK_STATUS(baton_workspace_append_touch(ws, &t), BATON_FAILED_PRECONDITION);
  CHECK(LastErrorContains("frozen"));
  CHECK_STATUS(baton_workspace_freeze(NULL), BATON_INVALID_ARGUMENT);
  baton_workspace_free(ws);
  baton_workspace_free(NULL);
}

static size_t Col(const baton_table* t, const char* name) {
  size_t i = (size_t)-1;
  CHECK_OK(baton_table_column_index(t, name, &i));
  return i;
}

static int64_t IntAt(const baton_table* t, const char* col, size_t row) {
  int64_t v = -1;
  CHECK_OK(baton_table_get_int64(t, Col(t, col), row, &v));
  return v;
}

static double DoubleAt(const baton_table* t, const char* col, size_t row) {
  double v = -1;
  CHECK_OK(baton_table_get_double(t, Col(t, col), row, &v));
  return v;
}

static const char* StringAt(const baton_table* t, const char* col, size_t row) {
  const char* s = "";
  CHECK_OK(baton_table_get_string(t, Col(t, col), row, &s, NULL));
  return s;
}

static void TestFunnelAndTables(void) {
  baton_workspace* ws = HandWorkspace();
  baton_table* t = NULL;
  baton_options* o = NULL;
  size_t rows = 0, cols = 0, n = 0, len = 0;
  const char* s = NULL;
  baton_column_type type;
  int is_null = -1;
  int64_t iv = 0;
  double dv = 0;
  char* text = NULL;
  static const char* const kColumns[] = {
      "segment", "stage", "reached", "next_stage", "advanced", "rate_to_next",
      "won", "rate_to_won", "median_days_to_next", "p90_days_to_next"};
  size_t i;

  CHECK_STATUS(baton_funnel(NULL, NULL, &t), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_funnel(ws, NULL, NULL), BATON_INVALID_ARGUMENT);
  CHECK_OK(baton_funnel(ws, NULL, &t));
  CHECK_OK(baton_table_name(t, &s));
  CHECK(strcmp(s, "funnel") == 0);
  CHECK_OK(baton_table_num_rows(t, &rows));
  CHECK_OK(baton_table_num_columns(t, &cols));
  CHECK(rows == 5);
  CHECK(cols == 10);
  for (i = 0; i < 10 && i < cols; ++i) {
    CHECK_OK(baton_table_column_name(t, i, &s));
    CHECK(strcmp(s, kColumns[i]) == 0);
  }
  if (rows == 5) {
    CHECK(strcmp(StringAt(t, "segment", 0), "all") == 0);
    CHECK(strcmp(StringAt(t, "stage", 0), "inquiry") == 0);
    CHECK(strcmp(StringAt(t, "stage", 3), "sql") == 0);
    CHECK(strcmp(StringAt(t, "next_stage", 3), "won") == 0);
    CHECK(IntAt(t, "reached", 0) == 4);
    CHECK(IntAt(t, "reached", 1) == 3);
    CHECK(IntAt(t, "reached", 2) == 2);
    CHECK(IntAt(t, "reached", 3) == 1);
    CHECK(IntAt(t, "reached", 4) == 1);
    CHECK(IntAt(t, "advanced", 0) == 3);
    CHECK(IntAt(t, "advanced", 1) == 2);
    CHECK(NEAR(DoubleAt(t, "rate_to_next", 0), 0.75));
    CHECK(NEAR(DoubleAt(t, "rate_to_next", 1), 2.0 / 3.0));
    CHECK(NEAR(DoubleAt(t, "rate_to_won", 0), 0.25));
    CHECK(NEAR(DoubleAt(t, "median_days_to_next", 0), 1.5));
    CHECK(NEAR(DoubleAt(t, "p90_days_to_next", 0), 1.9));
    CHECK(NEAR(DoubleAt(t, "median_days_to_next", 3), 5.0));
    /* The last stage has no next stage: advanced is null. */
    CHECK_OK(baton_table_is_null(t, Col(t, "advanced"), 4, &is_null));
    CHECK(is_null == 1);
    CHECK_OK(baton_table_get_int64(t, Col(t, "advanced"), 4, &iv));
    CHECK(iv == 0);
    CHECK(strcmp(StringAt(t, "next_stage", 4), "") == 0);
    CHECK_OK(baton_table_is_null(t, Col(t, "reached"), 4, &is_null));
    CHECK(is_null == 0);
  }
  /* Types and type errors. */
  CHECK_OK(baton_table_column_type(t, 0, &type));
  CHECK(type == BATON_TYPE_STRING);
  CHECK_OK(baton_table_column_type(t, 2, &type));
  CHECK(type == BATON_TYPE_INT64);
  CHECK_OK(baton_table_column_type(t, 5, &type));
  CHECK(type == BATON_TYPE_FLOAT64);
  CHECK_OK(baton_table_get_double(t, 2, 0, &dv)); /* int64 reads as double */
  CHECK(dv == 4.0);
  CHECK_STATUS(baton_table_get_int64(t, 0, 0, &iv), BATON_INVALID_ARGUMENT);
  CHECK(LastErrorContains("segment"));
  CHECK_STATUS(baton_table_get_string(t, 2, 0, &s, &len), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_get_double(t, 0, 0, &dv), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_get_int64(t, 2, 99, &iv), BATON_INVALID_ARGUMENT);
  CHECK(LastErrorContains("row 99"));
  CHECK_STATUS(baton_table_get_int64(t, 99, 0, &iv), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_is_null(t, 99, 0, &is_null), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_column_name(t, 99, &s), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_column_type(t, 99, &type), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_column_index(t, "nope", &i), BATON_NOT_FOUND);
  CHECK(LastErrorContains("reached"));
  CHECK_OK(baton_table_get_string(t, 0, 0, &s, &len));
  CHECK(len == 3);
  CHECK_STATUS(baton_table_num_rows(NULL, &rows), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_num_columns(t, NULL), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_name(NULL, &s), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_get_string(t, 0, 0, NULL, NULL), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_is_null(t, 0, 0, NULL), BATON_INVALID_ARGUMENT);
  CHECK_OK(baton_table_num_warnings(t, &n));
  CHECK(n == 0);
  CHECK_STATUS(baton_table_warning(t, 0, &s), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_table_num_warnings(NULL, &n), BATON_INVALID_ARGUMENT);

  /* Rendering. */
  CHECK_OK(baton_table_render(t, "csv", &text));
  CHECK(text != NULL && strncmp(text, "segment,stage,reached,", 22) == 0);
  CHECK(text != NULL && strstr(text, "all,inquiry,4,mql,3,0.75,1,0.25,1.5,1.9\n") != NULL);
  baton_string_free(text);
  text = NULL;
  CHECK_OK(baton_table_render(t, "json", &text));
  CHECK(text != NULL && strstr(text, "\"advanced\": null") != NULL);
  baton_string_free(text);
  text = NULL;
  CHECK_STATUS(baton_table_render(t, "xml", &text), BATON_INVALID_ARGUMENT);
  CHECK(LastErrorContains("xml") && text == NULL);
  CHECK_STATUS(baton_table_render(t, NULL, &text), BATON_INVALID_ARGUMENT);
  baton_table_free(t);
  t = NULL;

  /* Options: by source, strict. */
  CHECK_OK(baton_options_new(&o));
  CHECK_OK(baton_options_set(o, "funnel.by", "source"));
  CHECK_OK(baton_options_set(o, "funnel.strict", "true"));
  CHECK_OK(baton_funnel(ws, o, &t));
  CHECK_OK(baton_table_num_rows(t, &rows));
  CHECK(rows == 15); /* segments ads, web, (none) x 5 stages */
  if (rows == 15) {
    /* Strict: p3 recorded no inquiry, so web reaches inquiry 0 times. */
    CHECK(strcmp(StringAt(t, "segment", 0), "ads") == 0);
    CHECK(IntAt(t, "reached", 0) == 2);
    CHECK(strcmp(StringAt(t, "segment", 5), "web") == 0);
    CHECK(IntAt(t, "reached", 5) == 0);
    CHECK(IntAt(t, "reached", 6) == 1);
    CHECK(strcmp(StringAt(t, "segment", 10), "(none)") == 0);
    CHECK(IntAt(t, "reached", 10) == 1);
  }
  baton_table_free(t);
  t = NULL;
  CHECK_OK(baton_options_set(o, "funnel.by", "no_such_attribute"));
  CHECK_STATUS(baton_funnel(ws, o, &t), BATON_NOT_FOUND);
  CHECK(LastErrorContains("industry"));
  CHECK_OK(baton_options_set(o, "funnel.by", "source"));
  CHECK_OK(baton_options_set(o, "funnel.within", "soon"));
  CHECK_STATUS(baton_funnel(ws, o, &t), BATON_INVALID_ARGUMENT);
  CHECK(LastErrorContains("funnel.within"));
  baton_options_free(o);

  /* Workspace info after freezing. */
  CHECK_OK(baton_workspace_info(ws, &t));
  CHECK_OK(baton_table_num_columns(t, &cols));
  CHECK(cols == 9);
  baton_table_free(t);
  t = NULL;
  CHECK_STATUS(baton_workspace_info(NULL, &t), BATON_INVALID_ARGUMENT);
  baton_workspace_free(ws);
  baton_table_free(NULL);
}

/* A two-column record batch built by hand: person_id (utf8), at (int64 ms). */
static void NoRelease(struct ArrowSchema* s) { s->release = NULL; }
static void NoReleaseArray(struct ArrowArray* a) { a->release = NULL; }

static void TestArrow(void) {
  static const int32_t offsets[] = {0, 2, 4, 6};
  static const char ids[] = "p1p2p1";
  static const int64_t times[] = {1704067200000, 1704153600000, 1704240000000};
  struct ArrowSchema child_schemas[2];
  struct ArrowSchema* child_schema_ptrs[2];
  struct ArrowSchema schema;
  struct ArrowArray child_arrays[2];
  struct ArrowArray* child_array_ptrs[2];
  struct ArrowArray array;
  const void* id_buffers[3];
  const void* at_buffers[2];
  const void* struct_buffers[1];
  baton_workspace* ws = NULL;
  baton_workspace* ws2 = NULL;
  struct ArrowSchema out_schema;
  struct ArrowArray out_array;
  baton_table* t = NULL;
  int64_t n = 0;
  int i;

  memset(child_schemas, 0, sizeof child_schemas);
  memset(&schema, 0, sizeof schema);
  memset(child_arrays, 0, sizeof child_arrays);
  memset(&array, 0, sizeof array);
  child_schemas[0].format = "u";
  child_schemas[0].name = "person_id";
  child_schemas[1].format = "l";
  child_schemas[1].name = "at";
  for (i = 0; i < 2; ++i) {
    child_schemas[i].release = NoRelease;
    child_schema_ptrs[i] = &child_schemas[i];
  }
  schema.format = "+s";
  schema.name = "";
  schema.n_children = 2;
  schema.children = child_schema_ptrs;
  schema.release = NoRelease;

  id_buffers[0] = NULL;
  id_buffers[1] = offsets;
  id_buffers[2] = ids;
  at_buffers[0] = NULL;
  at_buffers[1] = times;
  struct_buffers[0] = NULL;
  child_arrays[0].length = 3;
  child_arrays[0].n_buffers = 3;
  child_arrays[0].buffers = id_buffers;
  child_arrays[1].length = 3;
  child_arrays[1].n_buffers = 2;
  child_arrays[1].buffers = at_buffers;
  for (i = 0; i < 2; ++i) {
    child_arrays[i].release = NoReleaseArray;
    child_array_ptrs[i] = &child_arrays[i];
  }
  array.length = 3;
  array.n_buffers = 1;
  array.buffers = struct_buffers;
  array.n_children = 2;
  array.children = child_array_ptrs;
  array.release = NoReleaseArray;

  CHECK_OK(baton_workspace_new(&ws));
  CHECK_STATUS(baton_workspace_import_arrow(ws, "touches", NULL, &array, NULL),
               BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_workspace_import_arrow(ws, "stages", &schema, &array, NULL),
               BATON_INVALID_ARGUMENT); /* stages need a stage column */
  CHECK(LastErrorContains("stage"));
  CHECK_OK(baton_workspace_import_arrow(ws, "touches", &schema, &array, NULL));
  CHECK_OK(baton_workspace_row_count(ws, "touches", &n));
  CHECK(n == 3);
  CHECK_OK(baton_workspace_row_count(ws, "people", &n));
  CHECK(n == 2);

  /* Export the touches and import them into a second workspace. */
  memset(&out_schema, 0, sizeof out_schema);
  memset(&out_array, 0, sizeof out_array);
  CHECK_STATUS(baton_workspace_export_arrow(ws, "nope", &out_schema, &out_array),
               BATON_INVALID_ARGUMENT);
  CHECK_OK(baton_workspace_export_arrow(ws, "touches", &out_schema, &out_array));
  CHECK(strcmp(out_schema.format, "+s") == 0);
  CHECK(out_array.length == 3);
  CHECK_OK(baton_workspace_new(&ws2));
  CHECK_OK(baton_workspace_import_arrow(ws2, "touches", &out_schema, &out_array, NULL));
  CHECK_OK(baton_workspace_row_count(ws2, "touches", &n));
  CHECK(n == 3);
  out_array.release(&out_array);
  out_schema.release(&out_schema);
  CHECK(out_array.release == NULL && out_schema.release == NULL);

  /* A result table as Arrow. */
  CHECK_OK(baton_workspace_info(ws2, &t));
  CHECK_OK(baton_table_export_arrow(t, &out_schema, &out_array));
  CHECK(out_schema.n_children == 9);
  out_array.release(&out_array);
  out_schema.release(&out_schema);
  CHECK_STATUS(baton_table_export_arrow(t, NULL, &out_array), BATON_INVALID_ARGUMENT);
  baton_table_free(t);
  baton_workspace_free(ws2);
  baton_workspace_free(ws);
}

static int g_progress_calls = 0;
static int CountProgress(void* user, double fraction, const char* phase) {
  (void)fraction;
  (void)phase;
  ++*(int*)user;
  return 0;
}
static int CancelAtOnce(void* user, double fraction, const char* phase) {
  (void)user;
  (void)fraction;
  (void)phase;
  return 1;
}

static void TestConnectorsSampleAndReport(const char* scratch) {
  char folder[512], mapping[600], source[640], report[600], out_csv[640];
  baton_options* o = NULL;
  baton_workspace* ws = NULL;
  baton_table* t = NULL;
  size_t rows = 0, i, name_col;
  int found_csv = 0;
  int64_t n = 0;
  FILE* f;
  const char* s;

  snprintf(folder, sizeof folder, "%s/sample", scratch);
  snprintf(mapping, sizeof mapping, "%s/sample.toml", folder);
  snprintf(source, sizeof source, "csv:%s", mapping);
  snprintf(report, sizeof report, "%s/report.html", scratch);
  snprintf(out_csv, sizeof out_csv, "csv:%s/funnel.csv", scratch);

  /* Plugins. */
  CHECK_STATUS(baton_plugins(NULL), BATON_INVALID_ARGUMENT);
  CHECK_OK(baton_plugins(&t));
  CHECK_OK(baton_table_num_rows(t, &rows));
  name_col = Col(t, "name");
  for (i = 0; i < rows; ++i) {
    CHECK_OK(baton_table_get_string(t, name_col, i, &s, NULL));
    if (strcmp(s, "csv") == 0) found_csv = 1;
  }
  CHECK(found_csv);
  baton_table_free(t);
  t = NULL;
  CHECK_STATUS(baton_plugin_load(NULL), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_plugin_load("/no/such/plugin.so"), BATON_NOT_FOUND);
  CHECK(LastErrorContains("/no/such/plugin.so"));

  /* Sample data. */
  CHECK_OK(baton_options_new(&o));
  CHECK_OK(baton_options_set(o, "sample.people", "400"));
  CHECK_OK(baton_sample_write(folder, o));
  CHECK_OK(baton_options_set(o, "sample.people", "-5"));
  CHECK_STATUS(baton_sample_write(folder, o), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_sample_write(NULL, NULL), BATON_INVALID_ARGUMENT);
  baton_options_free(o);

  /* Load through the csv connector, with progress. */
  CHECK_OK(baton_workspace_new(&ws));
  CHECK_STATUS(baton_workspace_set_progress(NULL, CountProgress, NULL), BATON_INVALID_ARGUMENT);
  CHECK_OK(baton_workspace_set_progress(ws, CountProgress, &g_progress_calls));
  CHECK_STATUS(baton_workspace_load(ws, NULL, NULL), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_workspace_load(ws, "", NULL), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_workspace_load(ws, "nosuchconnector:x", NULL), BATON_NOT_FOUND);
  CHECK(LastErrorContains("nosuchconnector"));
  CHECK_STATUS(baton_workspace_load(ws, "csv:/no/such/mapping.toml", NULL), BATON_NOT_FOUND);
  CHECK(LastErrorContains("/no/such/mapping.toml"));
  CHECK_OK(baton_workspace_load(ws, source, NULL));
  CHECK(g_progress_calls > 0);
  CHECK_OK(baton_workspace_row_count(ws, "people", &n));
  CHECK(n == 400);
  CHECK_OK(baton_funnel(ws, NULL, &t));
  CHECK_OK(baton_table_num_rows(t, &rows));
  CHECK(rows == 6); /* the sample has every funnel stage */
  CHECK(IntAt(t, "reached", 0) == 400); /* everyone is an inquiry */
  CHECK_OK(baton_table_write(t, out_csv, NULL));
  CHECK_STATUS(baton_table_write(t, "nosuchconnector:x", NULL), BATON_NOT_FOUND);
  CHECK_STATUS(baton_table_write(NULL, out_csv, NULL), BATON_INVALID_ARGUMENT);
  baton_table_free(t);
  t = NULL;
  f = fopen(out_csv + 4, "r");
  CHECK(f != NULL);
  if (f) {
    char line[256];
    CHECK(fgets(line, sizeof line, f) != NULL && strncmp(line, "segment,stage,reached", 21) == 0);
    fclose(f);
  }
  /* Loading into a frozen workspace fails. */
  CHECK_STATUS(baton_workspace_load(ws, source, NULL), BATON_FAILED_PRECONDITION);

  /* The report. */
  CHECK_OK(baton_report_write(ws, report, NULL));
  f = fopen(report, "r");
  CHECK(f != NULL);
  if (f) fclose(f);
  CHECK_STATUS(baton_report_write(ws, "/no/such/folder/report.html", NULL), BATON_IO_ERROR);
  CHECK_STATUS(baton_report_write(NULL, report, NULL), BATON_INVALID_ARGUMENT);
  baton_workspace_free(ws);

  /* Cancellation from the progress callback. */
  CHECK_OK(baton_workspace_new(&ws));
  CHECK_OK(baton_workspace_set_progress(ws, CancelAtOnce, NULL));
  CHECK_STATUS(baton_workspace_load(ws, source, NULL), BATON_CANCELLED);
  baton_workspace_free(ws);
}

/* Saved workspaces: the hand workspace saved, read back as a SOURCE, and
 * synced twice into another file (the second sync finds only duplicates). */
static void TestSaveLoadAndSync(const char* scratch) {
  char path[1024], into[1024], bad[1024];
  baton_workspace* ws = HandWorkspace();
  baton_workspace* back = NULL;
  baton_table* t = NULL;
  int64_t n = 0;
  FILE* f;
  snprintf(path, sizeof path, "%s/hand.baton", scratch);
  snprintf(into, sizeof into, "%s/synced.baton", scratch);
  snprintf(bad, sizeof bad, "%s/bad.baton", scratch);
  remove(into);
  CHECK_OK(baton_workspace_save(ws, path));
  CHECK_STATUS(baton_workspace_save(NULL, path), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_workspace_save(ws, ""), BATON_INVALID_ARGUMENT);
  CHECK_OK(baton_workspace_new(&back));
  CHECK_OK(baton_workspace_load(back, path, NULL));
  CHECK_OK(baton_workspace_row_count(back, "people", &n));
  CHECK(n == 4);
  CHECK_OK(baton_workspace_row_count(back, "stages", &n));
  CHECK(n == 11);
  /* The same funnel as the hand workspace: inquiry reached by 4. */
  CHECK_OK(baton_funnel(back, NULL, &t));
  if (t) CHECK(strcmp(StringAt(t, "stage", 0), "inquiry") == 0 && IntAt(t, "reached", 0) == 4);
  baton_table_free(t);
  t = NULL;
  baton_workspace_free(back);

  /* First sync into a new file: 4 people and 11 stages added. */
  CHECK_OK(baton_sync(path, into, "auto", NULL, &t));
  if (t) CHECK(IntAt(t, "added", 0) == 4 && IntAt(t, "added", 2) == 11);
  baton_table_free(t);
  t = NULL;
  /* Second: every row is already there. */
  CHECK_OK(baton_sync(path, into, NULL, NULL, &t));
  if (t) CHECK(IntAt(t, "added", 0) == 0 && IntAt(t, "unchanged", 0) == 4 &&
               IntAt(t, "unchanged", 2) == 11 && IntAt(t, "rows", 2) == 11);
  baton_table_free(t);
  CHECK_STATUS(baton_sync(NULL, into, NULL, NULL, NULL), BATON_INVALID_ARGUMENT);
  CHECK_STATUS(baton_sync(path, into, "not a time", NULL, NULL), BATON_INVALID_ARGUMENT);

  f = fopen(bad, "wb");
  if (f) {
    fputs("BATONWS", f);
    fclose(f);
  }
  CHECK_OK(baton_workspace_new(&back));
  CHECK_STATUS(baton_workspace_load(back, bad, NULL), BATON_PARSE_ERROR);
  CHECK(LastErrorContains("bad.baton"));
  baton_workspace_free(back);
  baton_workspace_free(ws);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s SCRATCH_DIR\n", argv[0]);
    return 2;
  }
  TestLibrary();
  TestOptions();
  TestAppends();
  TestFunnelAndTables();
  TestArrow();
  TestConnectorsSampleAndReport(argv[1]);
  TestSaveLoadAndSync(argv[1]);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}

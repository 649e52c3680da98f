/*
 * The plugin host's contract, through the C ABI: refusing broken plugins
 * with clear messages, and the sink rules for a working one.
 * Usage: baton_plugin_abi_test PLUGIN_DIR SCRATCH_DIR
 */
#include <stdio.h>
#include <string.h>

#include "baton/baton.h"

static int g_passed = 0, g_failed = 0;
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (cond) ++g_passed;                                                    \
    else {                                                                   \
      ++g_failed;                                                            \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, \
              __LINE__, #cond, baton_last_error());                          \
    }                                                                        \
  } while (0)

static int Has(const char* needle) { return strstr(baton_last_error(), needle) != NULL; }

static int Cancel(void* user, double f, const char* phase) {
  (void)user;
  (void)f;
  (void)phase;
  return 1;
}

int main(int argc, char** argv) {
  char path[2048];
  baton_workspace* ws = NULL;
  baton_table* t = NULL;
  int64_t n = 0;
  const char* dir;
  FILE* f;
  if (argc < 3) return 2;
  dir = argv[1];

  snprintf(path, sizeof path, "%s/broken_major.so", dir);
  CHECK(baton_plugin_load(path) == BATON_PLUGIN_ERROR);
  CHECK(Has("broken_major.so") && Has("2.0") && Has("1.1") && Has("major"));

  snprintf(path, sizeof path, "%s/broken_minor.so", dir);
  CHECK(baton_plugin_load(path) == BATON_PLUGIN_ERROR);
  CHECK(Has("broken_minor.so") && Has("1.99") && Has("1.1") && Has("newer"));

  snprintf(path, sizeof path, "%s/broken_null.so", dir);
  CHECK(baton_plugin_load(path) == BATON_PLUGIN_ERROR);
  CHECK(Has("broken_null.so") && Has("no descriptor"));

  snprintf(path, sizeof path, "%s/broken_noentry.so", dir);
  CHECK(baton_plugin_load(path) == BATON_PLUGIN_ERROR);
  CHECK(Has("broken_noentry.so") && Has("baton_connector_entry"));

  snprintf(path, sizeof path, "%s/not_a_library.so", argv[2]);
  f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) {
    fputs("this is text, not a shared library\n", f);
    fclose(f);
  }
  CHECK(baton_plugin_load(path) == BATON_PLUGIN_ERROR);
  CHECK(Has("not_a_library.so") && Has("shared library"));

  /* None of the refused plugins is listed. */
  CHECK(baton_plugins(&t) == BATON_OK);
  if (t) {
    size_t rows = 0, r;
    const char* s;
    baton_table_num_rows(t, &rows);
    for (r = 0; r < rows; ++r) {
      baton_table_get_string(t, 0, r, &s, NULL);
      CHECK(strcmp(s, "broken") != 0);
    }
    baton_table_free(t);
    t = NULL;
  }

  /* The fixture connector. */
  snprintf(path, sizeof path, "%s/fixture_connector.so", dir);
  CHECK(baton_plugin_load(path) == BATON_OK);
  CHECK(baton_plugin_load(path) == BATON_OK); /* loading twice is harmless */

  baton_workspace_new(&ws);
  CHECK(baton_workspace_load(ws, "fixture:ok", NULL) == BATON_OK);
  CHECK(baton_workspace_row_count(ws, "stages", &n) == BATON_OK && n == 3);
  CHECK(baton_workspace_row_count(ws, "people", &n) == BATON_OK && n == 3);
  /* Probing: a bare location the fixture claims. */
  baton_workspace_free(ws);
  baton_workspace_new(&ws);
  CHECK(baton_workspace_load(ws, "ok", NULL) == BATON_OK);
  CHECK(baton_workspace_row_count(ws, "stages", &n) == BATON_OK && n == 3);
  CHECK(baton_funnel(ws, NULL, &t) == BATON_OK);
  snprintf(path, sizeof path, "fixture:%s/written.txt", argv[2]);
  CHECK(baton_table_write(t, path, NULL) == BATON_OK);
  baton_table_free(t);
  t = NULL;
  f = fopen(path + 8, "r");
  CHECK(f != NULL);
  if (f) {
    char line[256] = "";
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK(strcmp(line, "funnel 2 10 segment\n") == 0); /* mql and won rows */
    fclose(f);
  }
  baton_workspace_free(ws);

  baton_workspace_new(&ws);
  CHECK(baton_workspace_load(ws, "fixture:fail", NULL) == BATON_IO_ERROR);
  CHECK(Has("unreachable"));
  baton_workspace_free(ws);

  baton_workspace_new(&ws);
  CHECK(baton_workspace_load(ws, "fixture:open", NULL) == BATON_PLUGIN_ERROR);
  CHECK(Has("open"));
  baton_workspace_free(ws);

  baton_workspace_new(&ws);
  CHECK(baton_workspace_load(ws, "fixture:miscount", NULL) == BATON_INTERNAL);
  CHECK(Has("5 rows read"));
  baton_workspace_free(ws);

  baton_workspace_new(&ws);
  CHECK(baton_workspace_load(ws, "fixture:badrow", NULL) == BATON_PARSE_ERROR);
  CHECK(Has("fixture.txt:2") && Has("column \"when\"") && Has("31/12/2024"));
  baton_workspace_free(ws);

  /* 1.1: reserve and rows. The three rows of "ok" in one call. */
  baton_workspace_new(&ws);
  CHECK(baton_workspace_load(ws, "fixture:batched", NULL) == BATON_OK);
  CHECK(baton_workspace_row_count(ws, "stages", &n) == BATON_OK && n == 3);
  CHECK(baton_workspace_row_count(ws, "people", &n) == BATON_OK && n == 3);
  baton_workspace_free(ws);
  /* The second of rows 2-4 is bad: its row and column are named. */
  baton_workspace_new(&ws);
  CHECK(baton_workspace_load(ws, "fixture:batchbad", NULL) == BATON_PARSE_ERROR);
  CHECK(Has("fixture.txt:3") && Has("column \"when\"") && Has("31/12/2024"));
  baton_workspace_free(ws);

  /* A plugin built against 1.0 (abi_minor 0, no use of reserve or rows)
   * still loads and reads. */
  snprintf(path, sizeof path, "%s/fixture10_connector.so", dir);
  CHECK(baton_plugin_load(path) == BATON_OK);
  baton_workspace_new(&ws);
  CHECK(baton_workspace_load(ws, "fixture10:ok", NULL) == BATON_OK);
  CHECK(baton_workspace_row_count(ws, "stages", &n) == BATON_OK && n == 3);
  CHECK(baton_workspace_row_count(ws, "people", &n) == BATON_OK && n == 3);
  baton_workspace_free(ws);
  CHECK(baton_plugins(&t) == BATON_OK);
  if (t) {
    size_t rows = 0, r, c, cols = 0;
    const char* s;
    int found = 0;
    baton_table_num_rows(t, &rows);
    baton_table_num_columns(t, &cols);
    for (r = 0; r < rows; ++r) {
      baton_table_get_string(t, 0, r, &s, NULL);
      if (strcmp(s, "fixture10") != 0) continue;
      for (c = 1; c < cols; ++c)
        if (baton_table_get_string(t, c, r, &s, NULL) == BATON_OK && strcmp(s, "1.0") == 0)
          found = 1;
    }
    CHECK(found); /* listed with ABI 1.0 */
    baton_table_free(t);
    t = NULL;
  }

  baton_workspace_new(&ws);
  baton_workspace_set_progress(ws, Cancel, NULL);
  CHECK(baton_workspace_load(ws, "fixture:ok", NULL) == BATON_CANCELLED);
  baton_workspace_free(ws);

  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}

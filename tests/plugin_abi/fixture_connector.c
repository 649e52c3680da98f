/*
 * A test connector whose behaviour the location chooses, to exercise the
 * plugin host's contract without any file format:
 *   "ok"        3 people and their stages; progress reported
 *   "fail"      reports an error through host->set_error
 *   "open"      returns success but leaves a batch open
 *   "miscount"  closes a batch with counts that do not add up
 *   "badrow"    pushes a row with a bad date; the sink's message is passed on
 *   "batched"   (1.1) "ok"'s rows through reserve and one call of rows
 *   "batchbad"  (1.1) three rows through rows, the second with a bad date
 * Built with FIXTURE_ABI_1_0 it is "fixture10", a plugin built before 1.1:
 * it says abi_minor 0 and never touches the sink's 1.1 members.
 * Its write() records the table's shape in the file named by the location.
 */
#include <stdio.h>
#include <string.h>

#include "baton/connector.h"

#ifdef FIXTURE_ABI_1_0
#define FIXTURE_NAME "fixture10"
#define FIXTURE_MINOR 0
#else
#define FIXTURE_NAME "fixture"
#define FIXTURE_MINOR BATON_CONNECTOR_ABI_MINOR
#endif

static baton_str S(const char* s) {
  baton_str r;
  r.data = s;
  r.size = strlen(s);
  return r;
}

static int Fail(const baton_host* host, int status, const char* message) {
  host->set_error(host->self, status, message);
  return status;
}

static int Read(const baton_host* host, const char* location, const baton_kv* options,
                size_t num_options, const baton_sink* sink) {
  baton_field_spec fields[3] = {{"person_id", "id"}, {"stage", "st"}, {"at", "when"}};
  uint32_t batch = 0;
  int rc;
  (void)options;
  (void)num_options;
  if (strcmp(location, "fail") == 0)
    return Fail(host, BATON_IO_ERROR, "fixture: the source is unreachable");
  rc = sink->open(sink->self, "stages", "fixture.txt", fields, 3, &batch);
  if (rc) return Fail(host, rc, sink->last_error(sink->self));
  if (strcmp(location, "open") == 0) return BATON_OK;
  if (strcmp(location, "badrow") == 0) {
    baton_str row[3];
    row[0] = S("p1");
    row[1] = S("mql");
    row[2] = S("31/12/2024");
    rc = sink->row(sink->self, batch, 2, row);
    if (rc) return Fail(host, rc, sink->last_error(sink->self));
  }
  if (strcmp(location, "ok") == 0) {
    const char* ids[3] = {"a", "b", "c"};
    int i;
    for (i = 0; i < 3; ++i) {
      baton_str row[3];
      row[0] = S(ids[i]);
      row[1] = S(i == 2 ? "won" : "mql");
      row[2] = S("2024-03-01T09:00:00Z");
      if (host->progress(host->self, (i + 1) / 3.0, "fixture"))
        return Fail(host, BATON_CANCELLED, "fixture: cancelled");
      rc = sink->row(sink->self, batch, i + 2, row);
      if (rc) return Fail(host, rc, sink->last_error(sink->self));
    }
    rc = sink->close(sink->self, batch, 3, 0, NULL);
    if (rc) return Fail(host, rc, sink->last_error(sink->self));
    return BATON_OK;
  }
#ifndef FIXTURE_ABI_1_0
  if (strcmp(location, "batched") == 0 || strcmp(location, "batchbad") == 0) {
    const int bad = strcmp(location, "batchbad") == 0;
    baton_str rows[9];
    if (sink->struct_size < offsetof(baton_sink, rows) + sizeof(sink->rows))
      return Fail(host, BATON_UNSUPPORTED, "fixture: the host's sink has no rows");
    rc = sink->reserve(sink->self, batch, 3);
    if (rc) return Fail(host, rc, sink->last_error(sink->self));
    rows[0] = S("a"), rows[1] = S("mql"), rows[2] = S("2024-03-01T09:00:00Z");
    rows[3] = S("b"), rows[4] = S("mql"), rows[5] = S(bad ? "31/12/2024" : "2024-03-01");
    rows[6] = S("c"), rows[7] = S("won"), rows[8] = S("2024-03-01T09:00:00Z");
    rc = sink->rows(sink->self, batch, 2, 3, rows);
    if (rc) return Fail(host, rc, sink->last_error(sink->self));
    rc = sink->close(sink->self, batch, 3, 0, NULL);
    if (rc) return Fail(host, rc, sink->last_error(sink->self));
    return BATON_OK;
  }
#endif
  if (strcmp(location, "miscount") == 0) {
    rc = sink->close(sink->self, batch, 5, 0, NULL);
    if (rc) return Fail(host, rc, sink->last_error(sink->self));
    return BATON_OK;
  }
  return Fail(host, BATON_NOT_FOUND, "fixture: unknown location");
}

static int Write(const baton_host* host, const char* location, const baton_kv* options,
                 size_t num_options, const baton_table_view* table) {
  FILE* f = fopen(location, "w");
  (void)options;
  (void)num_options;
  if (!f) return Fail(host, BATON_IO_ERROR, "fixture: cannot open the output");
  fprintf(f, "%s %zu %zu %s\n", table->name, table->num_rows, table->num_columns,
          table->column_name(table->self, 0));
  fclose(f);
  return BATON_OK;
}

static int Probe(const char* location) { return strcmp(location, "ok") == 0 ? 10 : 0; }

static const baton_connector kDescriptor = {
    sizeof(baton_connector), BATON_CONNECTOR_ABI_MAJOR, FIXTURE_MINOR,
    FIXTURE_NAME, "0.1.0", "test connector for the plugin host", Probe, Read, Write};

BATON_CONNECTOR_EXPORT const baton_connector* baton_connector_entry(void) {
  return &kDescriptor;
}

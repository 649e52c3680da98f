/*
 * Baton connector plugin ABI (C99).
 *
 * A connector reads a source (a CRM export folder, a mapping file over CSV
 * files, an API) into Baton's canonical tables, and may write result tables
 * back. It is a shared library that includes only this header, links nothing
 * of Baton, and exports exactly one symbol:
 *
 *     const baton_connector* baton_connector_entry(void);
 *
 * Conventions:
 *  1. The first three fields of every struct here (struct_size and, for the
 *     descriptor, abi_major and abi_minor) are frozen forever. New fields are
 *     appended; a reader uses a field only when struct_size shows the writer
 *     has it.
 *  2. The host loads a connector only when its abi_major equals the host's and
 *     its abi_minor is not newer than the host's; otherwise it refuses with an
 *     error naming the file and both versions.
 *  3. Connectors hand the host text: for each input they open a batch that
 *     says which canonical field each value feeds, then push rows of values.
 *     The host parses times, numbers, booleans and stages, so every connector
 *     accepts the same formats and reports errors the same way.
 *  4. Functions returning int return a baton status code: 0 is success. On
 *     failure a connector calls host->set_error with a message that names the
 *     file, row and column where it can.
 *  5. Nothing passed to a connector outlives the call it was passed to. The
 *     descriptor and the strings in it are static: they stay valid while the
 *     library is loaded, and the host never unloads a connector while
 *     anything it made is alive.
 *  6. Thread safety: the host calls read/write from one thread at a time per
 *     call; a connector must not keep global mutable state between calls.
 *
 * Since: 1.0; baton_sink.reserve and baton_sink.rows since 1.1.
 */
#ifndef BATON_CONNECTOR_H_
#define BATON_CONNECTOR_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BATON_CONNECTOR_ABI_MAJOR 1
#define BATON_CONNECTOR_ABI_MINOR 1
#define BATON_CONNECTOR_ENTRY_SYMBOL "baton_connector_entry"

#ifndef BATON_STATUS_DEFINED
#define BATON_STATUS_DEFINED
/* Status codes shared by the C ABI (baton.h) and connectors. Append only. */
typedef enum baton_status {
  BATON_OK = 0,
  BATON_INVALID_ARGUMENT = 1,  /* a NULL or malformed argument or option */
  BATON_NOT_FOUND = 2,         /* a file, plugin, column or name not found */
  BATON_IO_ERROR = 3,          /* reading or writing failed */
  BATON_PARSE_ERROR = 4,       /* input data that cannot be read */
  BATON_UNSUPPORTED = 5,       /* a feature this build or plugin lacks */
  BATON_CANCELLED = 6,         /* the progress callback asked to stop */
  BATON_INTERNAL = 7,          /* a bug: please report it */
  BATON_FAILED_PRECONDITION = 8, /* wrong state, e.g. adding to a frozen workspace */
  BATON_PLUGIN_ERROR = 9,      /* a plugin could not be loaded or failed */
  BATON_OUT_OF_MEMORY = 10
} baton_status;
#endif

/* A string that need not be NUL-terminated. */
typedef struct baton_str {
  const char* data;
  size_t size;
} baton_str;

/* One option: "key" = "value", both NUL-terminated UTF-8. */
typedef struct baton_kv {
  const char* key;
  const char* value;
} baton_kv;

/* Services the host gives a connector for the duration of one call. */
typedef struct baton_host {
  uint32_t struct_size;
  void* self;
  /* level: 0 debug, 1 info, 2 warning. */
  void (*log)(void* self, int level, const char* message);
  /* fraction in [0, 1], or negative when unknown. Returns non-zero when the
   * user asked to cancel; the connector then returns BATON_CANCELLED. */
  int (*progress)(void* self, double fraction, const char* what);
  /* Sets the message the host reports for the status the call returns. */
  void (*set_error)(void* self, int status, const char* message);
  /* Reads a secret (API token) from the environment or a secrets file the
   * host knows; NULL when absent. The value is never logged. */
  const char* (*secret)(void* self, const char* name);
} baton_host;

/* What a field of a batch is: a canonical field name, and the source column
 * that feeds it (for messages), or NULL when the value is a constant. */
typedef struct baton_field_spec {
  const char* field;
  const char* column;
} baton_field_spec;

/*
 * Canonical tables and their fields (the names a batch may use):
 *   people:  person_id (required), account_id, created_at, source, owner,
 *            email, attribute:<name> (any number)
 *   touches: person_id (required), at (required), channel, campaign, side
 *            (marketing|sales), activity, cost
 *   stages:  person_id (required), stage (required, translated through the
 *            stage map), at (required), disposition
 *            (advanced|accepted|rejected|recycled), reason
 *   deals:   deal_id (required), account_id, person_id, created_at,
 *            closed_at, amount, currency, stage, is_won, is_closed, owner,
 *            source, campaign
 *   spend:   channel, campaign, period_start, period_end, amount (required),
 *            currency
 *   paths:   path (required), conversions, value, nulls  (aggregated
 *            journeys; the batch option "separator" is given as a field
 *            spec {"separator", "<text>"})
 * Times accept ISO 8601 with or without 'T', fractions, 'Z', +HHMM, +HH:MM,
 * date only, and epoch milliseconds. Booleans accept 1/0, true/false, yes/no.
 */

/* Where a connector puts what it reads. */
typedef struct baton_sink {
  uint32_t struct_size;
  void* self;
  /* Opens a batch of rows from `file` (a name for messages) for `table`.
   * Fails (BATON_INVALID_ARGUMENT) on an unknown table or field, or a
   * missing required field, with a message saying which. */
  int (*open)(void* self, const char* table, const char* file,
              const baton_field_spec* fields, size_t num_fields,
              uint32_t* out_batch);
  /* Adds one row; values[i] feeds fields[i] of the batch. row_number is the
   * 1-based row of the file (header = row 1), used in messages. On a value
   * that cannot be read, returns BATON_PARSE_ERROR; last_error then says
   * "file:row: column "name": what is wrong", and the row was not added. */
  int (*row)(void* self, uint32_t batch, int64_t row_number,
             const baton_str* values);
  /* Closes a batch. rows_read = rows accepted + rows_rejected; the host
   * checks that sum against the rows it accepted. rejects_file may be NULL. */
  int (*close)(void* self, uint32_t batch, int64_t rows_read,
               int64_t rows_rejected, const char* rejects_file);
  /* Adds a translation to the stage map (source value -> canonical stage or
   * "ignore"). */
  int (*map_stage)(void* self, const char* source_value, const char* stage);
  /* Replaces the funnel: names[0..num_funnel) are the ordered stages, the
   * rest exits. */
  int (*set_stages)(void* self, const char* const* names, size_t num_funnel,
                    size_t num_exits);
  /* The message of the last failed call on this sink. Never NULL. */
  const char* (*last_error)(void* self);
  /* A note for the user (e.g. which defaults were applied). */
  void (*note)(void* self, const char* message);

  /* ---- Since: 1.1. Use these only when struct_size covers them (a 1.0
   * host's sink ends at note); row and the others above always work. ---- */

  /* A hint: the batch will bring about `expected_rows` more rows (an
   * estimate, e.g. file size / average record length), so the host can size
   * its columns once instead of growing them as rows arrive. Rows beyond
   * the estimate are still taken; a batch may call it again. Fails only on
   * a batch that is not open (BATON_INVALID_ARGUMENT) or a negative count. */
  int (*reserve)(void* self, uint32_t batch, int64_t expected_rows);
  /* Adds num_rows rows at once: values is row-major, num_rows x num_fields
   * (num_fields = the values one call of row takes: the batch's fields
   * except a paths batch's "separator"), and row k has the file row number
   * first_row_number + k, so a connector passes consecutive rows only;
   * num_rows 0 does nothing. Rows are added in order exactly as num_rows
   * calls of row would add them. On the first row that cannot be added it
   * stops and returns that row's status (BATON_PARSE_ERROR for a value that
   * cannot be read); last_error then says "file:row: column "name": what is
   * wrong" for that row, the rows before it were added, that row and the
   * rows after it were not. A connector that must go on past a bad row
   * (skipping or rejecting it) learns its number from nothing but the
   * message, so it should use row for such loads. */
  int (*rows)(void* self, uint32_t batch, int64_t first_row_number,
              size_t num_rows, const baton_str* values);
} baton_sink;

/* Column types of a result table passed to write. */
typedef enum baton_column_type {
  BATON_TYPE_STRING = 0,
  BATON_TYPE_INT64 = 1,
  BATON_TYPE_FLOAT64 = 2,
  BATON_TYPE_TIMESTAMP = 3 /* int64 UTC milliseconds: read with get_int64 */
} baton_column_type;

/* A read-only view of a result table, valid for the duration of write. */
typedef struct baton_table_view {
  uint32_t struct_size;
  const void* self;
  const char* name;
  size_t num_columns;
  size_t num_rows;
  const char* (*column_name)(const void* self, size_t col);
  int (*column_type)(const void* self, size_t col);
  int (*is_null)(const void* self, size_t col, size_t row);
  int64_t (*get_int64)(const void* self, size_t col, size_t row);
  double (*get_double)(const void* self, size_t col, size_t row);
  baton_str (*get_string)(const void* self, size_t col, size_t row);
} baton_table_view;

/* The connector descriptor. */
typedef struct baton_connector {
  uint32_t struct_size; /* sizeof(baton_connector) as the plugin was built */
  uint32_t abi_major;   /* BATON_CONNECTOR_ABI_MAJOR */
  uint32_t abi_minor;   /* BATON_CONNECTOR_ABI_MINOR */
  const char* name;        /* short, lower case: "csv", "salesforce" */
  const char* version;     /* the plugin's own version, "1.0.0" */
  const char* description; /* one line */
  /* 0-100: how sure the connector is it can read `location`. May be NULL. */
  int (*probe)(const char* location);
  /* Reads `location` into `sink`. May be NULL for write-only connectors. */
  int (*read)(const baton_host* host, const char* location,
              const baton_kv* options, size_t num_options,
              const baton_sink* sink);
  /* Writes `table` to `location`. May be NULL for read-only connectors. */
  int (*write)(const baton_host* host, const char* location,
               const baton_kv* options, size_t num_options,
               const baton_table_view* table);
} baton_connector;

typedef const baton_connector* (*baton_connector_entry_fn)(void);

#if defined(_WIN32)
#define BATON_CONNECTOR_EXPORT __declspec(dllexport)
#else
#define BATON_CONNECTOR_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
}
#endif

#endif /* BATON_CONNECTOR_H_ */

/*
 * Baton: the stable C ABI of the sales and marketing alignment engine.
 *
 * Baton reads marketing and sales data (people, touches, stages, deals,
 * spend) into a workspace and computes the metrics both teams share. This
 * header is the one surface every binding (C++, Python, Java, C#, the CLI and
 * the Calc add-in) uses.
 *
 * Conventions:
 *  1. Handles are opaque: baton_workspace, baton_table, baton_options. Each
 *     has a _new (or a function that makes one) and a _free; _free(NULL) is a
 *     no-op.
 *  2. Every call that can fail returns a baton_status (BATON_OK = 0). On
 *     failure, baton_last_error() gives a message for this thread (never
 *     NULL; "" after success is not guaranteed, read it only after a
 *     failure). No call aborts, throws or crashes on bad input; a NULL handle
 *     or out-pointer gives BATON_INVALID_ARGUMENT.
 *  3. Out-values are written only on success. Strings returned as const
 *     char* belong to the handle they came from and stay valid until it is
 *     freed; strings returned as char* are the caller's, freed with
 *     baton_string_free.
 *  4. Options are "key" = "value" strings on a baton_options handle, so new
 *     options never change a signature. A NULL options pointer means all
 *     defaults. Unknown keys of an analysis's own prefix are errors.
 *  5. Times are int64 milliseconds since the Unix epoch, UTC;
 *     BATON_NO_TIME marks a missing time.
 *  6. Threads: a workspace is filled by one thread. The first analysis (or
 *     baton_workspace_freeze) freezes it; a frozen workspace is read-only and
 *     any number of threads may run analyses on it at once. Tables are
 *     immutable and may be read from any thread. Error messages are
 *     thread-local.
 *  7. Columnar data crosses as the Arrow C Data Interface (arrow_c.h), in
 *     both directions. Imported arrays are read during the call only and
 *     released by the caller; exported arrays are released by their
 *     consumer through their release callback.
 *  8. Versioning: baton_abi_version() is (major << 16) | minor. Functions are
 *     only added; a signature never changes within a major version. Structs
 *     passed in begin with struct_size so fields can be appended.
 *
 * Since: 1.0
 */
#ifndef BATON_BATON_H_
#define BATON_BATON_H_

#include <stddef.h>
#include <stdint.h>

#include "baton/arrow_c.h"
#include "baton/connector.h" /* baton_status, baton_column_type */
#include "baton/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BATON_ABI_MAJOR 1
#define BATON_ABI_MINOR 0
#define BATON_NO_TIME INT64_MIN

/* ---- Library ---------------------------------------------------------- */

/* (BATON_ABI_MAJOR << 16) | BATON_ABI_MINOR of the loaded library. */
BATON_EXPORT uint32_t baton_abi_version(void);
/* The library's release, "1.0.0". Static storage. */
BATON_EXPORT const char* baton_version(void);
/* The message of this thread's last failed call. Never NULL. */
BATON_EXPORT const char* baton_last_error(void);
/* "OK", "InvalidArgument", ... for a status; "Unknown" for other values. */
BATON_EXPORT const char* baton_status_name(baton_status status);
/* Frees a string returned as char*. NULL is a no-op. */
BATON_EXPORT void baton_string_free(char* s);

/* ---- Options ---------------------------------------------------------- */

typedef struct baton_options baton_options;

/* Makes an empty option set. Errors: INVALID_ARGUMENT (out NULL). */
BATON_EXPORT baton_status baton_options_new(baton_options** out);
BATON_EXPORT void baton_options_free(baton_options* options);
/* Sets key to value (both copied). Errors: INVALID_ARGUMENT (NULL, or an
 * empty key). */
BATON_EXPORT baton_status baton_options_set(baton_options* options,
                                            const char* key, const char* value);
/* Gets a value (owned by options). Errors: INVALID_ARGUMENT, NOT_FOUND. */
BATON_EXPORT baton_status baton_options_get(const baton_options* options,
                                            const char* key,
                                            const char** value);

/* ---- Workspace -------------------------------------------------------- */

typedef struct baton_workspace baton_workspace;
typedef struct baton_table baton_table;

/* Progress: fraction in [0, 1] (negative when unknown) and a phase name.
 * Return non-zero to cancel; the running call then returns BATON_CANCELLED.
 * Called on the thread that made the call. */
typedef int (*baton_progress_fn)(void* user_data, double fraction,
                                 const char* phase);

/* Makes an empty workspace. Errors: INVALID_ARGUMENT (out NULL). */
BATON_EXPORT baton_status baton_workspace_new(baton_workspace** out);
BATON_EXPORT void baton_workspace_free(baton_workspace* ws);
/* Sets (or clears, with fn NULL) the progress callback for loads and
 * analyses run through this handle. Errors: INVALID_ARGUMENT. */
BATON_EXPORT baton_status baton_workspace_set_progress(baton_workspace* ws,
                                                       baton_progress_fn fn,
                                                       void* user_data);
/* Loads a source through a connector. source is "NAME:LOCATION" (e.g.
 * "csv:olist.toml"), a mapping file path (*.toml), or a location a loaded
 * connector recognises. Options are passed to the connector. Errors:
 * INVALID_ARGUMENT, NOT_FOUND (file or connector), PARSE_ERROR (a row that
 * cannot be read: the message names file, row and column), IO_ERROR,
 * FAILED_PRECONDITION (workspace frozen), CANCELLED, PLUGIN_ERROR. After a
 * failure the workspace may hold part of the source: free it. */
BATON_EXPORT baton_status baton_workspace_load(baton_workspace* ws,
                                               const char* source,
                                               const baton_options* options);

/* Row appends, for callers without columnar data. String fields may be NULL
 * or "" (missing); times may be BATON_NO_TIME. Set struct_size to
 * sizeof(the struct). Errors: INVALID_ARGUMENT (NULL, bad struct_size, empty
 * id, unknown side/disposition), PARSE_ERROR (a stage the stage map does
 * not know), FAILED_PRECONDITION (frozen). */
typedef struct baton_person_row {
  size_t struct_size;
  const char* person_id; /* required */
  const char* account_id;
  int64_t created_at;    /* BATON_NO_TIME: the person's first record */
  const char* source;
  const char* owner;
} baton_person_row;

typedef struct baton_touch_row {
  size_t struct_size;
  const char* person_id; /* required */
  int64_t at;            /* required */
  const char* channel;
  const char* campaign;
  const char* side; /* "marketing" (default) or "sales" */
  const char* activity;
  double cost;
} baton_touch_row;

typedef struct baton_stage_row {
  size_t struct_size;
  const char* person_id; /* required */
  const char* stage;     /* required; a canonical stage or a mapped value */
  int64_t at;            /* required */
  const char* disposition; /* advanced (default), accepted, rejected, recycled */
  const char* reason;
} baton_stage_row;

typedef struct baton_deal_row {
  size_t struct_size;
  const char* deal_id; /* required */
  const char* account_id;
  const char* person_id;
  int64_t created_at;
  int64_t closed_at;
  double amount;
  const char* currency;
  const char* stage;
  int is_won;    /* 1, 0, or -1: decided by stage through the stage map */
  int is_closed; /* 1, 0, or -1: decided by stage through the stage map */
  const char* owner;
  const char* source;
  const char* campaign;
} baton_deal_row;

typedef struct baton_spend_row {
  size_t struct_size;
  const char* channel;
  const char* campaign;
  int64_t period_start;
  int64_t period_end;
  double amount;
  const char* currency;
} baton_spend_row;

BATON_EXPORT baton_status baton_workspace_append_person(
    baton_workspace* ws, const baton_person_row* row);
/* Sets a person attribute (industry, country, size...). */
BATON_EXPORT baton_status baton_workspace_set_attribute(baton_workspace* ws,
                                                        const char* person_id,
                                                        const char* key,
                                                        const char* value);
BATON_EXPORT baton_status baton_workspace_append_touch(
    baton_workspace* ws, const baton_touch_row* row);
BATON_EXPORT baton_status baton_workspace_append_stage(
    baton_workspace* ws, const baton_stage_row* row);
BATON_EXPORT baton_status baton_workspace_append_deal(
    baton_workspace* ws, const baton_deal_row* row);
BATON_EXPORT baton_status baton_workspace_append_spend(
    baton_workspace* ws, const baton_spend_row* row);

/* Imports a record batch (a struct array) into canonical table `table`
 * ("people", "touches", "stages", "deals", "spend"). Columns are matched by
 * canonical field name, or through options "column.<field>" = "<name>".
 * Accepted types: utf8, large utf8, dictionary-encoded utf8, integers (ids
 * become text), float/double, bool, timestamp (any unit, any zone: values
 * are UTC), date32/date64, and int64 epoch milliseconds for times; utf8 times
 * are parsed as in files. The arrays are read during the call only; the
 * caller keeps ownership and releases them. Errors: INVALID_ARGUMENT (NULL,
 * not a struct array, unknown table, missing required column, unsupported
 * type: the message names the column), PARSE_ERROR (a value that cannot be
 * read: names column and row), FAILED_PRECONDITION (frozen). */
BATON_EXPORT baton_status baton_workspace_import_arrow(
    baton_workspace* ws, const char* table, const struct ArrowSchema* schema,
    const struct ArrowArray* array, const baton_options* options);

/* Freezes the workspace (applies defaults, sorts, indexes). Idempotent.
 * Analyses call it themselves; call it to control when the work happens. */
BATON_EXPORT baton_status baton_workspace_freeze(baton_workspace* ws);
/* Rows in a canonical table ("people", "touches", "stages", "deals",
 * "spend", "paths"). Errors: INVALID_ARGUMENT (NULL, unknown table). */
BATON_EXPORT baton_status baton_workspace_row_count(const baton_workspace* ws,
                                                    const char* table,
                                                    int64_t* out);
/* What was loaded, as a table with columns kind ("load" or "note"),
 * connector, table, file, rows_read, rows_accepted, rows_rejected,
 * rejects_file, message. After the first baton_score call one more row,
 * kind "scoring", says in its message how often the model was fitted and
 * reused: "fits: 1, reuses: 6". Errors: INVALID_ARGUMENT. */
BATON_EXPORT baton_status baton_workspace_info(baton_workspace* ws,
                                               baton_table** out);
/* Exports a canonical table as an Arrow struct array (string columns as
 * utf8, times as timestamp[ms, UTC]). The caller owns *schema and *array
 * and releases them through their release callbacks. Freezes the workspace.
 * Errors: INVALID_ARGUMENT. */
BATON_EXPORT baton_status baton_workspace_export_arrow(baton_workspace* ws,
                                                       const char* table,
                                                       struct ArrowSchema* schema,
                                                       struct ArrowArray* array);

/* ---- Saved workspaces and incremental loading ------------------------- */

/* Saves the workspace's canonical tables (people with attributes, touches,
 * stages, deals, spend, paths, the funnel) to `path`, a binary *.baton file
 * (layout: core/store/FORMAT.md), written to a temporary name and renamed,
 * so a failure leaves any previous file intact. Freezes the workspace. The
 * file is read back as a SOURCE: baton_workspace_load(ws, "x.baton", NULL)
 * recognises it by its extension or its magic bytes (and takes no options).
 * A file saved here has no per-source sync state: baton_sync keeps that.
 * Errors: INVALID_ARGUMENT (NULL or empty path), IO_ERROR (the message names
 * the file). Since: 1.0. */
BATON_EXPORT baton_status baton_workspace_save(baton_workspace* ws,
                                               const char* path);

/* Incremental load. Reads `source` (as baton_workspace_load does, passing
 * `options` to the connector) and merges its rows into the saved workspace
 * file `into` (created when absent) without duplicating rows, then saves
 * `into` atomically. Keys: people by person_id (the new record's non-empty
 * fields replace), deals by deal_id (replaced), touches by (person_id, at,
 * channel, campaign, side, activity) and stages by (person_id, stage, at)
 * (duplicates dropped), spend by (channel, campaign, period_start,
 * period_end) (replaced), paths by channel sequence (replaced).
 * `since`: NULL or "" reads everything; "auto" reads rows modified since the
 * high-water mark `into` saved for this exact source string (everything on
 * its first sync); else a time, passed to the connector as its option
 * "since". The mark saved is the time this sync started.
 * *out (may be NULL) receives a table "sync" with one row per canonical
 * table: table, added, replaced, unchanged (for touches and stages: the
 * duplicates dropped), rows (held after the sync); the caller frees it.
 * Errors: those of baton_workspace_load, plus INVALID_ARGUMENT (NULL
 * source or into, a bad since), PARSE_ERROR (`into` damaged: the message
 * names the file and section), UNSUPPORTED (`into` written by a newer
 * Baton), IO_ERROR. On error `into` is unchanged. Since: 1.0. */
BATON_EXPORT baton_status baton_sync(const char* source, const char* into,
                                     const char* since,
                                     const baton_options* options,
                                     baton_table** out);

/* ---- Analyses --------------------------------------------------------- */

/* The funnel (demand waterfall). One row per segment and funnel stage
 * present in the data, columns: segment, stage, reached, next_stage,
 * advanced, rate_to_next, won, rate_to_won, median_days_to_next,
 * p90_days_to_next (with "cohort" after segment when funnel.cohort is set).
 * Options:
 *   funnel.by      "source", "campaign" (of the first touch), "owner", or a
 *                  people attribute; unset: one segment "all"
 *   funnel.strict  "true": count recorded stages only (default "false":
 *                  a later stage implies the skipped ones)
 *   funnel.cohort  "month": split by month of entering the first stage
 *   funnel.within  a duration ("90d"): advance and win only count within it
 * Data-quality warnings ride on the table (baton_table_warning).
 * Errors: INVALID_ARGUMENT (NULL, bad option), NOT_FOUND (unknown --by
 * attribute), CANCELLED. */
BATON_EXPORT baton_status baton_funnel(baton_workspace* ws,
                                       const baton_options* options,
                                       baton_table** out);

/* Multi-touch attribution: who gets credit for conversions and revenue.
 * One row per (model, key), columns: model, key, conversions, revenue,
 * removal_effect (null except for markov). Every model's conversions and
 * revenue sum to the credited totals. Options:
 *   attribution.model          comma list of first, last, last_non_direct,
 *                              linear, time_decay, u_shaped, j_shaped,
 *                              inverse_j, w_shaped, full_path, position,
 *                              markov, shapley; or "all" (default)
 *   attribution.order          markov order 1..4, or "auto" (default 1)
 *   attribution.by             channel (default) or campaign
 *   attribution.conversion     the stage that converts (default won)
 *   attribution.include_sales  true: credit sales touches too
 *   attribution.lookback       a duration ("90d"); default unlimited
 *   attribution.half_life      time_decay half-life (default 7d)
 *   attribution.weights        position weights "0.3,0.4,0.3"
 *   attribution.value          shapley value: conversions (default) or rate
 * Works on touch-level workspaces and on aggregated paths (a paths table).
 * Errors: INVALID_ARGUMENT (NULL, bad option: the message lists the valid
 * values), CANCELLED. Since: 1.0 */
BATON_EXPORT baton_status baton_attribution(baton_workspace* ws,
                                            const baton_options* options,
                                            baton_table** out);
/* The Markov chain behind attribution.model=markov at attribution.order:
 * columns from, to, probability. Same options and errors. */
BATON_EXPORT baton_status baton_markov_transitions(baton_workspace* ws,
                                                   const baton_options* options,
                                                   baton_table** out);

/* The hand-off from marketing to sales, per segment. Columns: segment,
 * handed_off, worked, response_median_hours, response_p90_hours, within_sla,
 * sla_rate, leaked, accepted, rejected, acceptance_rate, recycled, won,
 * rate_to_won (definitions in core/handoff/handoff.h and the README).
 * Options:
 *   handoff.by          as funnel.by; unset: one segment "all"
 *   handoff.stage       the hand-off stage (default mql)
 *   handoff.sla         the response target (default 24h); exactly at the
 *                       target is within it
 *   handoff.leak_after  silence after which a hand-off leaked (default 30d)
 * Errors: INVALID_ARGUMENT (NULL, bad option), NOT_FOUND (unknown by). */
BATON_EXPORT baton_status baton_handoff(baton_workspace* ws,
                                        const baton_options* options,
                                        baton_table** out);
/* Rejection reasons sales gives, per segment: segment, reason, rejected,
 * share. Same options and errors as baton_handoff. */
BATON_EXPORT baton_status baton_handoff_reasons(baton_workspace* ws,
                                                const baton_options* options,
                                                baton_table** out);
/* Conversion to won by response-time bucket (<1h, 1-4h, 4-24h, 1-3d, >3d,
 * never): segment, bucket, handed_off, won, rate_to_won. Same options. */
BATON_EXPORT baton_status baton_handoff_by_response(baton_workspace* ws,
                                                    const baton_options* options,
                                                    baton_table** out);
/* Spend efficiency per channel or campaign: key, spend, people, mqls, sqls,
 * won_deals, revenue, cost_per_lead, cost_per_mql, cost_per_sql, cac, roi
 * (null where a denominator is 0). Options: spend.by (channel | campaign),
 * spend.model (the attribution model crediting revenue; default first).
 * Errors: INVALID_ARGUMENT. */
BATON_EXPORT baton_status baton_spend(baton_workspace* ws,
                                      const baton_options* options,
                                      baton_table** out);
/* Pipeline and sales outcomes: key, deals, open, won, lost, win_rate,
 * won_amount, avg_won_amount, median_cycle_days, pipeline_open_amount.
 * Options: deals.by (owner, source, campaign or a people attribute; deals
 * without a person take attributes from the person whose id is the deal's
 * owner), deals.owners_as_people (default true).
 * Errors: INVALID_ARGUMENT, NOT_FOUND (unknown by). */
BATON_EXPORT baton_status baton_deals(baton_workspace* ws,
                                      const baton_options* options,
                                      baton_table** out);
/* The shared scorecard: kpi, metric, period, value, target, ratio,
 * previous, trend, status (on_track, at_risk, off_track) for each KPI and
 * period. Options: scorecard.config, the path of a TOML file with a
 * [scorecard] table (a mapping file or a baton.toml) — required.
 * Errors: INVALID_ARGUMENT (no config; an unknown metric: the message lists
 * the valid ones), NOT_FOUND (no file or no [scorecard] table),
 * PARSE_ERROR (not valid TOML: path, line and column). */
BATON_EXPORT baton_status baton_scorecard(baton_workspace* ws,
                                          const baton_options* options,
                                          baton_table** out);

/* Lead scoring learned from sales outcomes: each person scored as of a
 * point (scoring.as_of: mql (default), created, or a date) and labelled by
 * reaching scoring.label (default sql) within scoring.within (default 90d);
 * an L2 logistic regression (scoring.l2, default 1.0) fitted on the older
 * people and evaluated on the newer (scoring.test_after, default the newest
 * 20%). scoring.output chooses the table: summary (default; metric, value:
 * AUC, log loss, Brier, counts), coefficients (feature, coefficient,
 * odds_ratio, std_error), calibration, lift, threshold (the cut-off that
 * fills scoring.capacity, e.g. "200/week", next to today's hand-off rule) or
 * scores (person_id, score, label, top features), folds (k-fold
 * cross-validation with scoring.folds = k: AUC, log loss, Brier per fold,
 * mean and sd), design (the standardised matrix the model was fitted on,
 * with label and row id) or writeback (the scores in the columns
 * scoring.crm imports: salesforce "Id,Lead_Score__c", hubspot
 * "Record ID,<scoring.property>", both 0-100 with one decimal; baton the
 * scores table). Other options: scoring.class_weight (balanced),
 * scoring.features (comma list). Since 1.0.
 * Errors: INVALID_ARGUMENT (bad option; no positives or no negatives to
 * learn from). Repeated calls with the same scoring options reuse the
 * fitted model: the workspace keeps its last fit, keyed by every option but
 * scoring.output (as written: "90d" and "2160h" fit twice), so asking for
 * the tables one by one fits once. scoring.output = design always fits
 * again (the matrix, n x features numbers, is not kept) and keeps that fit
 * for the other tables. The fit is freed with the workspace or replaced by
 * the next fit with other options; calls from several threads are safe
 * (two simultaneous first calls may both fit). */
BATON_EXPORT baton_status baton_score(baton_workspace* ws,
                                      const baton_options* options,
                                      baton_table** out);

/* Runs the analysis named `analysis` ("funnel", "attribution",
 * "markov_transitions", "handoff", "handoff_reasons", "handoff_by_response",
 * "spend", "deals", "scorecard", "score", and every analysis added later under its
 * function's name without the baton_ prefix) with its options. The same as calling the
 * analysis's own function; for bindings that prefer one entry point.
 * Errors: those of the analysis; NOT_FOUND for an unknown name (the message
 * lists the known ones). */
BATON_EXPORT baton_status baton_analyze(baton_workspace* ws, const char* analysis,
                                        const baton_options* options,
                                        baton_table** out);

/* ---- Result tables ---------------------------------------------------- */

BATON_EXPORT void baton_table_free(baton_table* table);
/* The table's name ("funnel", ...). */
BATON_EXPORT baton_status baton_table_name(const baton_table* table,
                                           const char** out);
BATON_EXPORT baton_status baton_table_num_rows(const baton_table* table,
                                               size_t* out);
BATON_EXPORT baton_status baton_table_num_columns(const baton_table* table,
                                                  size_t* out);
/* Errors: INVALID_ARGUMENT (NULL, col out of range). */
BATON_EXPORT baton_status baton_table_column_name(const baton_table* table,
                                                  size_t col, const char** out);
BATON_EXPORT baton_status baton_table_column_type(const baton_table* table,
                                                  size_t col,
                                                  baton_column_type* out);
/* Errors: INVALID_ARGUMENT (NULL), NOT_FOUND (no such column). */
BATON_EXPORT baton_status baton_table_column_index(const baton_table* table,
                                                   const char* name,
                                                   size_t* out);
/* Cell access. Errors: INVALID_ARGUMENT (NULL, out of range, or a getter
 * of another type than the column's; get_double also reads int64 columns).
 * A null cell reads as 0, NaN or "" with status OK: test it with is_null. */
BATON_EXPORT baton_status baton_table_is_null(const baton_table* table,
                                              size_t col, size_t row, int* out);
BATON_EXPORT baton_status baton_table_get_int64(const baton_table* table,
                                                size_t col, size_t row,
                                                int64_t* out);
BATON_EXPORT baton_status baton_table_get_double(const baton_table* table,
                                                 size_t col, size_t row,
                                                 double* out);
/* The UTF-8 text and its length in bytes (len may be NULL). */
BATON_EXPORT baton_status baton_table_get_string(const baton_table* table,
                                                 size_t col, size_t row,
                                                 const char** out, size_t* len);
/* Data-quality warnings attached to the result. */
BATON_EXPORT baton_status baton_table_num_warnings(const baton_table* table,
                                                   size_t* out);
BATON_EXPORT baton_status baton_table_warning(const baton_table* table,
                                              size_t i, const char** out);
/* Renders as "table" (aligned text), "csv" or "json" into a new string the
 * caller frees with baton_string_free. Errors: INVALID_ARGUMENT. */
BATON_EXPORT baton_status baton_table_render(const baton_table* table,
                                             const char* format, char** out);
/* Exports as an Arrow struct array; the caller releases both. */
BATON_EXPORT baton_status baton_table_export_arrow(const baton_table* table,
                                                   struct ArrowSchema* schema,
                                                   struct ArrowArray* array);
/* Writes the table through a connector: target is "NAME:LOCATION".
 * Errors: INVALID_ARGUMENT, NOT_FOUND, UNSUPPORTED (connector cannot
 * write), IO_ERROR, PLUGIN_ERROR. */
BATON_EXPORT baton_status baton_table_write(const baton_table* table,
                                            const char* target,
                                            const baton_options* options);

/* ---- Plugins ---------------------------------------------------------- */

/* Loads a connector plugin file explicitly (beside those found on
 * BATON_PLUGIN_PATH and in the install's plugin folder). Errors:
 * INVALID_ARGUMENT, NOT_FOUND (no file), PLUGIN_ERROR (not a plugin, no entry
 * symbol, ABI mismatch: the message names the file and both versions). */
BATON_EXPORT baton_status baton_plugin_load(const char* path);
/* The loaded connectors: columns name, version, description, path,
 * abi (e.g. "1.0"), can_read, can_write (int64 0/1); warnings list plugin
 * files found but refused. Errors: INVALID_ARGUMENT. */
BATON_EXPORT baton_status baton_plugins(baton_table** out);

/* ---- Sample data and reports ------------------------------------------ */

/* Writes the deterministic sample B2B dataset (CSV files) and the mapping
 * that reads it (sample.toml) into folder, creating it. Options:
 * sample.people (default 20000), sample.seed (default 42), sample.months
 * (default 18). Errors: INVALID_ARGUMENT, IO_ERROR. */
BATON_EXPORT baton_status baton_sample_write(const char* folder,
                                             const baton_options* options);
/* Runs every analysis the workspace supports and writes one self-contained
 * HTML report to path (written to a temporary name, then renamed).
 * When path ends in ".xlsx" (any case) the report is an Excel workbook
 * instead: an About sheet, then one sheet per analysis with its formatted
 * tables and a native chart, written and renamed the same way.
 * Options: the analyses' own (funnel.by, ...) and report.title.
 * Errors: INVALID_ARGUMENT, IO_ERROR, CANCELLED. */
BATON_EXPORT baton_status baton_report_write(baton_workspace* ws,
                                             const char* path,
                                             const baton_options* options);

#ifdef __cplusplus
}
#endif

#endif /* BATON_BATON_H_ */

// The C ABI (baton.h) over the C++ core. The only code that sees both.
//
// Every exported function runs its body through Guard(), the one place
// where C++ errors become C status codes: a Status is mapped to its code and
// its message stored thread-locally; any exception (std::bad_alloc from the
// STL, or a bug) is caught, so nothing unwinds into C.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>

#include "attribution/attribution.h"
#include "baton/baton.h"
#include "common/status.h"
#include "funnel/funnel.h"
#include "handoff/handoff.h"
#include "ingest/arrow_import.h"
#include "pipeline/deals.h"
#include "model/workspace.h"
#include "plugin_host/plugin_host.h"
#include "report/report.h"
#include "report/xlsx_report.h"
#include "sample/sample.h"
#include "scorecard/scorecard.h"
#include "scoring/scoring.h"
#include "spend/spend.h"
#include "store/sync.h"
#include "store/workspace_file.h"
#include "table/arrow_export.h"
#include "table/table.h"

// Status codes cross the ABI as numbers: both lists must stay equal.
static_assert(static_cast<int>(baton::StatusCode::kOk) == BATON_OK);
static_assert(static_cast<int>(baton::StatusCode::kInvalidArgument) == BATON_INVALID_ARGUMENT);
static_assert(static_cast<int>(baton::StatusCode::kNotFound) == BATON_NOT_FOUND);
static_assert(static_cast<int>(baton::StatusCode::kIoError) == BATON_IO_ERROR);
static_assert(static_cast<int>(baton::StatusCode::kParseError) == BATON_PARSE_ERROR);
static_assert(static_cast<int>(baton::StatusCode::kUnsupported) == BATON_UNSUPPORTED);
static_assert(static_cast<int>(baton::StatusCode::kCancelled) == BATON_CANCELLED);
static_assert(static_cast<int>(baton::StatusCode::kInternal) == BATON_INTERNAL);
static_assert(static_cast<int>(baton::StatusCode::kFailedPrecondition) == BATON_FAILED_PRECONDITION);
static_assert(static_cast<int>(baton::StatusCode::kPluginError) == BATON_PLUGIN_ERROR);
static_assert(static_cast<int>(baton::StatusCode::kOutOfMemory) == BATON_OUT_OF_MEMORY);
static_assert(static_cast<int>(baton::ColumnType::kString) == BATON_TYPE_STRING);
static_assert(static_cast<int>(baton::ColumnType::kInt64) == BATON_TYPE_INT64);
static_assert(static_cast<int>(baton::ColumnType::kFloat64) == BATON_TYPE_FLOAT64);
static_assert(static_cast<int>(baton::ColumnType::kTimestamp) == BATON_TYPE_TIMESTAMP);
static_assert(BATON_NO_TIME == baton::kNoTime);

struct baton_options {
  std::map<std::string, std::string> values;
};

struct baton_workspace {
  baton::Workspace ws;
  std::mutex freeze_mu;
  std::atomic<bool> frozen{false};
  baton_progress_fn progress = nullptr;
  void* progress_user = nullptr;
  // The last scoring fit, so that the tables of one scoring request
  // (summary, coefficients, scores, ...) asked one by one come from a single
  // fit. Only a frozen workspace is scored and it never changes again, so
  // the scoring options alone decide the result. The result is shared and
  // immutable: a caller copies its table out without holding `mu`.
  struct ScoringCache {
    std::mutex mu;
    std::string key;  // CanonicalScoringKey() of `result`; "" = empty
    std::shared_ptr<const baton::ScoringResult> result;
    std::atomic<int64_t> fits{0};
    std::atomic<int64_t> reuses{0};
  } scoring;
};

struct baton_table {
  baton::Table table;
};

namespace {

using baton::Status;
using baton::StatusCode;

thread_local std::string t_last_error;

baton_status Fail(baton_status code, std::string message) {
  t_last_error = std::move(message);
  return code;
}

baton_status FromStatus(const Status& s) {
  if (s.ok()) return BATON_OK;
  t_last_error = s.message();
  return static_cast<baton_status>(s.code());
}

// Runs `body` (returning Status) and turns every outcome into a code.
template <typename F>
baton_status Guard(F&& body) {
  try {
    return FromStatus(body());
  } catch (const std::bad_alloc&) {
    return Fail(BATON_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return Fail(BATON_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail(BATON_INTERNAL, "internal error: unknown exception");
  }
}

#define BATON_CHECK_ARG(cond, what)                                   \
  do {                                                                \
    if (!(cond)) return Status::InvalidArgument(std::string(what)); \
  } while (0)

const std::map<std::string, std::string>& Opts(const baton_options* o) {
  static const std::map<std::string, std::string> kEmpty;
  return o ? o->values : kEmpty;
}

std::string_view Str(const char* s) { return s ? std::string_view(s) : std::string_view(); }

baton::ProgressFn MakeProgress(baton_workspace* ws) {
  if (!ws->progress) return nullptr;
  baton_progress_fn fn = ws->progress;
  void* user = ws->progress_user;
  return [fn, user](double fraction, const std::string& what) {
    return fn(user, fraction, what.c_str()) != 0;
  };
}

Status Freeze(baton_workspace* ws) {
  if (ws->frozen.load(std::memory_order_acquire)) return Status::OK();
  std::lock_guard<std::mutex> lock(ws->freeze_mu);
  if (ws->frozen.load(std::memory_order_relaxed)) return Status::OK();
  BATON_RETURN_IF_ERROR(ws->ws.Freeze());
  ws->frozen.store(true, std::memory_order_release);
  return Status::OK();
}

Status CheckSize(size_t given, size_t minimum, const char* what) {
  if (given < minimum)
    return Status::InvalidArgument(std::string(what) +
                                   ": struct_size is too small; set it to sizeof(" +
                                   what + ")");
  return Status::OK();
}

Status NewTable(baton::Result<baton::Table> result, baton_table** out) {
  if (!result.ok()) return result.status();
  auto* t = new baton_table{std::move(result).value()};
  *out = t;
  return Status::OK();
}

Status CheckCell(const baton_table* t, size_t col, size_t row) {
  if (col >= t->table.num_columns())
    return Status::InvalidArgument("column " + std::to_string(col) +
                                   " is out of range (the table has " +
                                   std::to_string(t->table.num_columns()) +
                                   " columns)");
  if (row >= t->table.num_rows())
    return Status::InvalidArgument("row " + std::to_string(row) +
                                   " is out of range (the table has " +
                                   std::to_string(t->table.num_rows()) + " rows)");
  return Status::OK();
}

Status WrongType(const baton_table* t, size_t col, const char* wanted) {
  return Status::InvalidArgument(
      "column \"" + t->table.column(col).name + "\" is " +
      baton::ColumnTypeName(t->table.column(col).type) + ", not " + wanted);
}

}  // namespace

extern "C" {

uint32_t baton_abi_version(void) {
  return (static_cast<uint32_t>(BATON_ABI_MAJOR) << 16) | BATON_ABI_MINOR;
}

const char* baton_version(void) { return BATON_VERSION; }

const char* baton_last_error(void) { return t_last_error.c_str(); }

const char* baton_status_name(baton_status status) {
  int s = static_cast<int>(status);
  if (s < 0 || s > BATON_OUT_OF_MEMORY) return "Unknown";
  return baton::StatusCodeName(static_cast<StatusCode>(s));
}

void baton_string_free(char* s) { std::free(s); }

// ---- Options ----

baton_status baton_options_new(baton_options** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(out, "baton_options_new: out is NULL");
    *out = new baton_options();
    return Status::OK();
  });
}

void baton_options_free(baton_options* options) { delete options; }

baton_status baton_options_set(baton_options* options, const char* key,
                               const char* value) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(options && key && value, "baton_options_set: NULL argument");
    BATON_CHECK_ARG(*key, "baton_options_set: the key is empty");
    options->values[key] = value;
    return Status::OK();
  });
}

baton_status baton_options_get(const baton_options* options, const char* key,
                               const char** value) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(options && key && value, "baton_options_get: NULL argument");
    auto it = options->values.find(key);
    if (it == options->values.end())
      return Status::NotFound(std::string("option \"") + key + "\" is not set");
    *value = it->second.c_str();
    return Status::OK();
  });
}

// ---- Workspace ----

baton_status baton_workspace_new(baton_workspace** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(out, "baton_workspace_new: out is NULL");
    *out = new baton_workspace();
    return Status::OK();
  });
}

void baton_workspace_free(baton_workspace* ws) { delete ws; }

baton_status baton_workspace_set_progress(baton_workspace* ws,
                                          baton_progress_fn fn,
                                          void* user_data) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws, "baton_workspace_set_progress: ws is NULL");
    ws->progress = fn;
    ws->progress_user = user_data;
    return Status::OK();
  });
}

baton_status baton_workspace_load(baton_workspace* ws, const char* source,
                                  const baton_options* options) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && source, "baton_workspace_load: NULL argument");
    BATON_CHECK_ARG(*source, "baton_workspace_load: the source is empty");
    return baton::LoadSource(&ws->ws, source, Opts(options), MakeProgress(ws));
  });
}

baton_status baton_workspace_append_person(baton_workspace* ws,
                                           const baton_person_row* row) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && row, "baton_workspace_append_person: NULL argument");
    BATON_RETURN_IF_ERROR(CheckSize(row->struct_size, sizeof(baton_person_row), "baton_person_row"));
    baton::PersonRow r;
    r.person_id = Str(row->person_id);
    r.account_id = Str(row->account_id);
    r.created_at = row->created_at;
    r.source = Str(row->source);
    r.owner = Str(row->owner);
    return ws->ws.AddPerson(r);
  });
}

baton_status baton_workspace_set_attribute(baton_workspace* ws,
                                           const char* person_id,
                                           const char* key, const char* value) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && person_id && key, "baton_workspace_set_attribute: NULL argument");
    return ws->ws.SetAttribute(person_id, key, Str(value));
  });
}

baton_status baton_workspace_append_touch(baton_workspace* ws,
                                          const baton_touch_row* row) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && row, "baton_workspace_append_touch: NULL argument");
    BATON_RETURN_IF_ERROR(CheckSize(row->struct_size, sizeof(baton_touch_row), "baton_touch_row"));
    baton::TouchRow r;
    r.person_id = Str(row->person_id);
    r.at = row->at;
    r.channel = Str(row->channel);
    r.campaign = Str(row->campaign);
    if (!baton::ParseSide(Str(row->side), &r.side))
      return Status::InvalidArgument("side \"" + std::string(Str(row->side)) +
                                     "\" is not marketing or sales");
    r.activity = Str(row->activity);
    if (!std::isfinite(row->cost))
      return Status::InvalidArgument("touch cost is not a finite number");
    r.cost = row->cost;
    return ws->ws.AddTouch(r);
  });
}

baton_status baton_workspace_append_stage(baton_workspace* ws,
                                          const baton_stage_row* row) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && row, "baton_workspace_append_stage: NULL argument");
    BATON_RETURN_IF_ERROR(CheckSize(row->struct_size, sizeof(baton_stage_row), "baton_stage_row"));
    BATON_CHECK_ARG(row->stage && *row->stage, "baton_stage_row: stage is empty");
    baton::StageRow r;
    bool ignored = false;
    auto code = ws->ws.MapStage(row->stage, &ignored);
    if (!code.ok()) return Status::ParseError(code.status().message());
    if (ignored) return Status::OK();
    r.stage = *code;
    r.person_id = Str(row->person_id);
    r.at = row->at;
    if (!baton::ParseDisposition(Str(row->disposition), &r.disposition))
      return Status::InvalidArgument("disposition \"" + std::string(Str(row->disposition)) +
                                     "\" is not advanced, accepted, rejected or recycled");
    r.reason = Str(row->reason);
    return ws->ws.AddStage(r);
  });
}

baton_status baton_workspace_append_deal(baton_workspace* ws,
                                         const baton_deal_row* row) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && row, "baton_workspace_append_deal: NULL argument");
    BATON_RETURN_IF_ERROR(CheckSize(row->struct_size, sizeof(baton_deal_row), "baton_deal_row"));
    BATON_CHECK_ARG(std::isfinite(row->amount), "baton_deal_row: amount is not a finite number");
    baton::DealRow r;
    r.deal_id = Str(row->deal_id);
    r.account_id = Str(row->account_id);
    r.person_id = Str(row->person_id);
    r.created_at = row->created_at;
    r.closed_at = row->closed_at;
    r.amount = row->amount;
    r.currency = Str(row->currency);
    r.stage = Str(row->stage);
    const baton::StageMap& m = ws->ws.stage_map();
    int code = r.stage.empty() ? baton::StageMap::kUnknown : m.Lookup(r.stage);
    bool won = code == m.won_code();
    bool lost = code >= 0 && !m.IsFunnel(code);
    r.is_won = row->is_won < 0 ? won : row->is_won != 0;
    r.is_closed = row->is_closed < 0 ? (won || lost) : row->is_closed != 0;
    r.owner = Str(row->owner);
    r.source = Str(row->source);
    r.campaign = Str(row->campaign);
    return ws->ws.AddDeal(r);
  });
}

baton_status baton_workspace_append_spend(baton_workspace* ws,
                                          const baton_spend_row* row) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && row, "baton_workspace_append_spend: NULL argument");
    BATON_RETURN_IF_ERROR(CheckSize(row->struct_size, sizeof(baton_spend_row), "baton_spend_row"));
    BATON_CHECK_ARG(std::isfinite(row->amount), "baton_spend_row: amount is not a finite number");
    baton::SpendRow r;
    r.channel = Str(row->channel);
    r.campaign = Str(row->campaign);
    BATON_CHECK_ARG(!r.channel.empty() || !r.campaign.empty(),
                    "baton_spend_row: give a channel or a campaign");
    r.period_start = row->period_start;
    r.period_end = row->period_end;
    r.amount = row->amount;
    r.currency = Str(row->currency);
    return ws->ws.AddSpend(r);
  });
}

baton_status baton_workspace_import_arrow(baton_workspace* ws, const char* table,
                                          const struct ArrowSchema* schema,
                                          const struct ArrowArray* array,
                                          const baton_options* options) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && table && schema && array,
                    "baton_workspace_import_arrow: NULL argument");
    BATON_CHECK_ARG(schema->release && array->release,
                    "baton_workspace_import_arrow: the schema or array was already released");
    return baton::ImportArrow(&ws->ws, table, schema, array, Opts(options));
  });
}

baton_status baton_workspace_freeze(baton_workspace* ws) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws, "baton_workspace_freeze: ws is NULL");
    return Freeze(ws);
  });
}

baton_status baton_workspace_row_count(const baton_workspace* ws,
                                       const char* table, int64_t* out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && table && out, "baton_workspace_row_count: NULL argument");
    std::string_view t = table;
    const baton::Workspace& w = ws->ws;
    if (t == "people") *out = w.num_people();
    else if (t == "touches") *out = static_cast<int64_t>(w.touches().size());
    else if (t == "stages") *out = static_cast<int64_t>(w.stages().size());
    else if (t == "deals") *out = static_cast<int64_t>(w.deals().size());
    else if (t == "spend") *out = static_cast<int64_t>(w.spend().size());
    else if (t == "paths") *out = static_cast<int64_t>(w.paths().size());
    else
      return Status::InvalidArgument(std::string("unknown table \"") + table +
                                     "\"; tables are people, touches, stages, "
                                     "deals, spend, paths");
    return Status::OK();
  });
}

baton_status baton_workspace_info(baton_workspace* ws, baton_table** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && out, "baton_workspace_info: NULL argument");
    BATON_RETURN_IF_ERROR(Freeze(ws));
    baton::Table t("workspace_info");
    size_t kind = t.AddColumn("kind", baton::ColumnType::kString);
    size_t conn = t.AddColumn("connector", baton::ColumnType::kString);
    size_t tab = t.AddColumn("table", baton::ColumnType::kString);
    size_t file = t.AddColumn("file", baton::ColumnType::kString);
    size_t read = t.AddColumn("rows_read", baton::ColumnType::kInt64);
    size_t acc = t.AddColumn("rows_accepted", baton::ColumnType::kInt64);
    size_t rej = t.AddColumn("rows_rejected", baton::ColumnType::kInt64);
    size_t rf = t.AddColumn("rejects_file", baton::ColumnType::kString);
    size_t msg = t.AddColumn("message", baton::ColumnType::kString);
    for (const auto& s : ws->ws.load_stats()) {
      t.AppendString(kind, "load");
      t.AppendString(conn, s.connector);
      t.AppendString(tab, s.table);
      t.AppendString(file, s.file);
      t.AppendInt(read, s.rows_read);
      t.AppendInt(acc, s.rows_accepted);
      t.AppendInt(rej, s.rows_rejected);
      t.AppendString(rf, s.rejects_file);
      t.AppendString(msg, "");
    }
    for (const auto& n : ws->ws.notes()) {
      t.AppendString(kind, "note");
      for (size_t c : {conn, tab, file, rf}) t.AppendString(c, "");
      for (size_t c : {read, acc, rej}) t.AppendNull(c);
      t.AppendString(msg, n);
    }
    // How often baton_score fitted and how often it reused the last fit: the
    // evidence that one request's tables share a fit. Absent until scored.
    int64_t fits = ws->scoring.fits.load(std::memory_order_relaxed);
    int64_t reuses = ws->scoring.reuses.load(std::memory_order_relaxed);
    if (fits + reuses > 0) {
      t.AppendString(kind, "scoring");
      for (size_t c : {conn, tab, file, rf}) t.AppendString(c, "");
      for (size_t c : {read, acc, rej}) t.AppendNull(c);
      t.AppendString(msg, "fits: " + std::to_string(fits) +
                              ", reuses: " + std::to_string(reuses));
    }
    *out = new baton_table{std::move(t)};
    return Status::OK();
  });
}

baton_status baton_workspace_export_arrow(baton_workspace* ws, const char* table,
                                          struct ArrowSchema* schema,
                                          struct ArrowArray* array) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && table && schema && array,
                    "baton_workspace_export_arrow: NULL argument");
    BATON_RETURN_IF_ERROR(Freeze(ws));
    BATON_ASSIGN_OR_RETURN(baton::Table t, baton::CanonicalTable(ws->ws, table));
    return baton::ExportArrow(t, schema, array);
  });
}

// ---- Saved workspaces and incremental loading ----

baton_status baton_workspace_save(baton_workspace* ws, const char* path) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && path, "baton_workspace_save: NULL argument");
    BATON_CHECK_ARG(*path, "baton_workspace_save: the path is empty");
    BATON_RETURN_IF_ERROR(Freeze(ws));
    return baton::SaveWorkspaceFile(ws->ws, {}, path);
  });
}

baton_status baton_sync(const char* source, const char* into, const char* since,
                        const baton_options* options, baton_table** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(source && into, "baton_sync: NULL source or into");
    baton::SyncRequest request;
    request.source = source;
    request.into = into;
    request.since = since ? since : "";
    request.options = Opts(options);
    BATON_ASSIGN_OR_RETURN(baton::SyncResult result, baton::Sync(request));
    if (out) *out = new baton_table{baton::SyncSummary(result)};
    return Status::OK();
  });
}

// ---- Analyses ----

baton_status baton_funnel(baton_workspace* ws, const baton_options* options,
                          baton_table** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && out, "baton_funnel: NULL argument");
    BATON_ASSIGN_OR_RETURN(baton::FunnelOptions fo, baton::ParseFunnelOptions(Opts(options)));
    BATON_RETURN_IF_ERROR(Freeze(ws));
    return NewTable(baton::Funnel(ws->ws, fo), out);
  });
}

baton_status baton_attribution(baton_workspace* ws, const baton_options* options,
                               baton_table** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && out, "baton_attribution: NULL argument");
    BATON_ASSIGN_OR_RETURN(baton::AttributionOptions ao,
                           baton::ParseAttributionOptions(Opts(options)));
    BATON_RETURN_IF_ERROR(Freeze(ws));
    return NewTable(baton::Attribute(ws->ws, ao), out);
  });
}

baton_status baton_markov_transitions(baton_workspace* ws, const baton_options* options,
                                      baton_table** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && out, "baton_markov_transitions: NULL argument");
    BATON_ASSIGN_OR_RETURN(baton::AttributionOptions ao,
                           baton::ParseAttributionOptions(Opts(options)));
    BATON_RETURN_IF_ERROR(Freeze(ws));
    return NewTable(baton::MarkovTransitions(ws->ws, ao), out);
  });
}

}  // extern "C"

namespace {

// Runs one analysis: parse its options, freeze, compute into a new table.
template <typename ParseFn, typename RunFn>
baton_status RunAnalysis(const char* name, baton_workspace* ws,
                         const baton_options* options, baton_table** out,
                         ParseFn parse, RunFn run) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && out, std::string(name) + ": NULL argument");
    auto parsed = parse(Opts(options));
    if (!parsed.ok()) return parsed.status();
    BATON_RETURN_IF_ERROR(Freeze(ws));
    return NewTable(run(ws->ws, *parsed), out);
  });
}

baton::Result<baton::ScorecardConfig> ScorecardConfigOf(
    const std::map<std::string, std::string>& options) {
  for (const auto& [key, value] : options)
    if (key.rfind("scorecard.", 0) == 0 && key != "scorecard.config")
      return Status::InvalidArgument("unknown option \"" + key +
                                     "\"; the scorecard option is scorecard.config");
  auto it = options.find("scorecard.config");
  if (it == options.end() || it->second.empty())
    return Status::InvalidArgument(
        "the scorecard needs scorecard.config: the path of a TOML file with a "
        "[scorecard] table (a mapping file or a baton.toml)");
  return baton::ParseScorecard(it->second);
}

// scoring.output picks one table of the scoring result; `key` names the fit
// (every other option), so that requests differing only in the output share it.
struct ScoreRequest {
  baton::ScoringOptions options;
  std::string output = "summary";
  std::string key;
};

// The options map without scoring.output, each key and value length-prefixed
// so that no value can imitate a separator. Options are compared as written
// ("90d" and "2160h" fit twice): a needless refit is the worst outcome, never
// a stale result, and a scoring option added later is covered without
// touching this function.
std::string CanonicalScoringKey(const std::map<std::string, std::string>& options) {
  std::string key;
  for (const auto& [k, v] : options) {
    if (k == "scoring.output") continue;
    key += std::to_string(k.size()) + ":" + k + std::to_string(v.size()) + ":" + v + ";";
  }
  return "scoring;" + key;  // never empty: "" marks an empty cache
}

baton::Result<ScoreRequest> ParseScoreRequest(
    const std::map<std::string, std::string>& options) {
  std::map<std::string, std::string> rest = options;
  ScoreRequest r;
  auto it = rest.find("scoring.output");
  if (it != rest.end()) {
    r.output = it->second;
    rest.erase(it);
  }
  static const char* const kOutputs[] = {"summary", "coefficients", "calibration",
                                         "lift",    "threshold",    "scores",
                                         "folds",   "design",       "writeback"};
  if (std::find(std::begin(kOutputs), std::end(kOutputs), r.output) == std::end(kOutputs))
    return Status::InvalidArgument("scoring.output = \"" + r.output +
                                   "\": expected summary, coefficients, calibration, "
                                   "lift, threshold, scores, folds, design or writeback");
  BATON_ASSIGN_OR_RETURN(r.options, baton::ParseScoringOptions(rest));
  r.options.design = r.output == "design";
  r.key = CanonicalScoringKey(rest);
  return r;
}

// The fit for `r`: the cached one when its key matches, else a new fit that
// replaces it. The lock is not held while fitting, so scorings with other
// options run in parallel; two threads asking for the same new fit at once
// may both fit (same result, the later one is kept). The design matrix (n x
// features doubles, the largest part) is never kept: a design request fits
// again, moves the matrix into *design and keeps the rest of the fit.
baton::Result<std::shared_ptr<const baton::ScoringResult>> FitScoring(
    baton_workspace* ws, const ScoreRequest& r, baton::Table* design) {
  auto& cache = ws->scoring;
  if (!r.options.design) {
    std::lock_guard<std::mutex> lock(cache.mu);
    if (cache.result && cache.key == r.key) {
      cache.reuses.fetch_add(1, std::memory_order_relaxed);
      return cache.result;
    }
  }
  BATON_ASSIGN_OR_RETURN(baton::ScoringResult fitted, baton::Score(ws->ws, r.options));
  if (r.options.design) {
    *design = std::move(fitted.design);
    fitted.design = baton::Table(design->name());
  }
  auto result = std::make_shared<const baton::ScoringResult>(std::move(fitted));
  cache.fits.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(cache.mu);
  cache.key = r.key;
  cache.result = result;
  return result;
}

baton::Result<baton::Table> ScoreTable(const baton::ScoringResult& result,
                                       const ScoreRequest& r) {
  if (r.output == "coefficients") return result.coefficients;
  if (r.output == "calibration") return result.calibration;
  if (r.output == "lift") return result.lift;
  if (r.output == "threshold") return result.threshold;
  if (r.output == "scores") return result.scores;
  if (r.output == "folds") return result.folds;
  if (r.output == "writeback")
    return baton::ScoresForCrm(result.scores, r.options.crm, r.options.property);
  return result.summary;
}

}  // namespace

extern "C" {

baton_status baton_handoff(baton_workspace* ws, const baton_options* options,
                           baton_table** out) {
  return RunAnalysis("baton_handoff", ws, options, out, baton::ParseHandoffOptions,
                     baton::Handoff);
}

baton_status baton_handoff_reasons(baton_workspace* ws, const baton_options* options,
                                   baton_table** out) {
  return RunAnalysis("baton_handoff_reasons", ws, options, out,
                     baton::ParseHandoffOptions, baton::HandoffReasons);
}

baton_status baton_handoff_by_response(baton_workspace* ws, const baton_options* options,
                                       baton_table** out) {
  return RunAnalysis("baton_handoff_by_response", ws, options, out,
                     baton::ParseHandoffOptions, baton::HandoffByResponse);
}

baton_status baton_spend(baton_workspace* ws, const baton_options* options,
                         baton_table** out) {
  return RunAnalysis("baton_spend", ws, options, out, baton::ParseSpendOptions,
                     baton::Spend);
}

baton_status baton_deals(baton_workspace* ws, const baton_options* options,
                         baton_table** out) {
  return RunAnalysis("baton_deals", ws, options, out, baton::ParseDealsOptions,
                     baton::Deals);
}

baton_status baton_score(baton_workspace* ws, const baton_options* options,
                         baton_table** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && out, "baton_score: NULL argument");
    BATON_ASSIGN_OR_RETURN(ScoreRequest r, ParseScoreRequest(Opts(options)));
    BATON_RETURN_IF_ERROR(Freeze(ws));
    baton::Table design("scoring_design");
    BATON_ASSIGN_OR_RETURN(std::shared_ptr<const baton::ScoringResult> fit,
                           FitScoring(ws, r, &design));
    if (r.options.design) return NewTable(std::move(design), out);
    return NewTable(ScoreTable(*fit, r), out);
  });
}

baton_status baton_scorecard(baton_workspace* ws, const baton_options* options,
                             baton_table** out) {
  return RunAnalysis("baton_scorecard", ws, options, out, ScorecardConfigOf,
                     baton::Scorecard);
}

}  // extern "C"

namespace {

struct NamedAnalysis {
  const char* name;
  baton_status (*fn)(baton_workspace*, const baton_options*, baton_table**);
};

const NamedAnalysis kAnalyses[] = {
    {"funnel", baton_funnel},
    {"attribution", baton_attribution},
    {"markov_transitions", baton_markov_transitions},
    {"handoff", baton_handoff},
    {"handoff_reasons", baton_handoff_reasons},
    {"handoff_by_response", baton_handoff_by_response},
    {"spend", baton_spend},
    {"deals", baton_deals},
    {"scorecard", baton_scorecard},
    {"score", baton_score},
};

}  // namespace

extern "C" {

baton_status baton_analyze(baton_workspace* ws, const char* analysis,
                           const baton_options* options, baton_table** out) {
  if (!ws || !analysis || !out)
    return Fail(BATON_INVALID_ARGUMENT, "baton_analyze: NULL argument");
  std::string names;
  for (const NamedAnalysis& a : kAnalyses) {
    if (std::strcmp(a.name, analysis) == 0) return a.fn(ws, options, out);
    names += (names.empty() ? "" : ", ") + std::string(a.name);
  }
  return Fail(BATON_NOT_FOUND, std::string("no analysis named \"") + analysis +
                                   "\"; analyses are " + names);
}

// ---- Tables ----

void baton_table_free(baton_table* table) { delete table; }

baton_status baton_table_name(const baton_table* t, const char** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_name: NULL argument");
    *out = t->table.name().c_str();
    return Status::OK();
  });
}

baton_status baton_table_num_rows(const baton_table* t, size_t* out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_num_rows: NULL argument");
    *out = t->table.num_rows();
    return Status::OK();
  });
}

baton_status baton_table_num_columns(const baton_table* t, size_t* out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_num_columns: NULL argument");
    *out = t->table.num_columns();
    return Status::OK();
  });
}

baton_status baton_table_column_name(const baton_table* t, size_t col,
                                     const char** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_column_name: NULL argument");
    BATON_CHECK_ARG(col < t->table.num_columns(), "baton_table_column_name: column out of range");
    *out = t->table.column(col).name.c_str();
    return Status::OK();
  });
}

baton_status baton_table_column_type(const baton_table* t, size_t col,
                                     baton_column_type* out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_column_type: NULL argument");
    BATON_CHECK_ARG(col < t->table.num_columns(), "baton_table_column_type: column out of range");
    *out = static_cast<baton_column_type>(t->table.column(col).type);
    return Status::OK();
  });
}

baton_status baton_table_column_index(const baton_table* t, const char* name,
                                      size_t* out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && name && out, "baton_table_column_index: NULL argument");
    int i = t->table.ColumnIndex(name);
    if (i < 0) {
      std::string names;
      for (size_t c = 0; c < t->table.num_columns(); ++c)
        names += (c ? ", " : "") + t->table.column(c).name;
      return Status::NotFound(std::string("no column \"") + name + "\"; columns are " + names);
    }
    *out = static_cast<size_t>(i);
    return Status::OK();
  });
}

baton_status baton_table_is_null(const baton_table* t, size_t col, size_t row,
                                 int* out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_is_null: NULL argument");
    BATON_RETURN_IF_ERROR(CheckCell(t, col, row));
    *out = t->table.IsNull(col, row) ? 1 : 0;
    return Status::OK();
  });
}

baton_status baton_table_get_int64(const baton_table* t, size_t col, size_t row,
                                   int64_t* out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_get_int64: NULL argument");
    BATON_RETURN_IF_ERROR(CheckCell(t, col, row));
    const baton::Column& c = t->table.column(col);
    if (c.type != baton::ColumnType::kInt64 && c.type != baton::ColumnType::kTimestamp)
      return WrongType(t, col, "int64");
    *out = c.valid[row] ? c.ints[row] : 0;
    return Status::OK();
  });
}

baton_status baton_table_get_double(const baton_table* t, size_t col, size_t row,
                                    double* out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_get_double: NULL argument");
    BATON_RETURN_IF_ERROR(CheckCell(t, col, row));
    const baton::Column& c = t->table.column(col);
    if (c.type == baton::ColumnType::kFloat64) {
      *out = c.valid[row] ? c.doubles[row] : std::nan("");
    } else if (c.type == baton::ColumnType::kInt64) {
      *out = c.valid[row] ? static_cast<double>(c.ints[row]) : std::nan("");
    } else {
      return WrongType(t, col, "float64");
    }
    return Status::OK();
  });
}

baton_status baton_table_get_string(const baton_table* t, size_t col, size_t row,
                                    const char** out, size_t* len) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_get_string: NULL argument");
    BATON_RETURN_IF_ERROR(CheckCell(t, col, row));
    const baton::Column& c = t->table.column(col);
    if (c.type != baton::ColumnType::kString) return WrongType(t, col, "string");
    *out = c.strings[row].c_str();
    if (len) *len = c.strings[row].size();
    return Status::OK();
  });
}

baton_status baton_table_num_warnings(const baton_table* t, size_t* out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_num_warnings: NULL argument");
    *out = t->table.warnings().size();
    return Status::OK();
  });
}

baton_status baton_table_warning(const baton_table* t, size_t i, const char** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && out, "baton_table_warning: NULL argument");
    BATON_CHECK_ARG(i < t->table.warnings().size(), "baton_table_warning: index out of range");
    *out = t->table.warnings()[i].c_str();
    return Status::OK();
  });
}

baton_status baton_table_render(const baton_table* t, const char* format, char** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && format && out, "baton_table_render: NULL argument");
    BATON_ASSIGN_OR_RETURN(std::string text, t->table.Render(format));
    char* s = static_cast<char*>(std::malloc(text.size() + 1));
    if (!s) throw std::bad_alloc();
    std::memcpy(s, text.c_str(), text.size() + 1);
    *out = s;
    return Status::OK();
  });
}

baton_status baton_table_export_arrow(const baton_table* t, struct ArrowSchema* schema,
                                      struct ArrowArray* array) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && schema && array, "baton_table_export_arrow: NULL argument");
    return baton::ExportArrow(t->table, schema, array);
  });
}

baton_status baton_table_write(const baton_table* t, const char* target,
                               const baton_options* options) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(t && target, "baton_table_write: NULL argument");
    return baton::WriteTable(t->table, target, Opts(options));
  });
}

// ---- Plugins ----

baton_status baton_plugin_load(const char* path) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(path, "baton_plugin_load: path is NULL");
    return baton::PluginRegistry::Global().LoadFile(path);
  });
}

baton_status baton_plugins(baton_table** out) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(out, "baton_plugins: out is NULL");
    baton::PluginRegistry& reg = baton::PluginRegistry::Global();
    baton::Table t("plugins");
    size_t name = t.AddColumn("name", baton::ColumnType::kString);
    size_t version = t.AddColumn("version", baton::ColumnType::kString);
    size_t desc = t.AddColumn("description", baton::ColumnType::kString);
    size_t path = t.AddColumn("path", baton::ColumnType::kString);
    size_t abi = t.AddColumn("abi", baton::ColumnType::kString);
    size_t can_read = t.AddColumn("can_read", baton::ColumnType::kInt64);
    size_t can_write = t.AddColumn("can_write", baton::ColumnType::kInt64);
    for (const auto& p : reg.List()) {
      t.AppendString(name, p.name);
      t.AppendString(version, p.version);
      t.AppendString(desc, p.description);
      t.AppendString(path, p.path);
      t.AppendString(abi, std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor));
      t.AppendInt(can_read, p.can_read);
      t.AppendInt(can_write, p.can_write);
    }
    for (const auto& e : reg.LoadErrors()) t.AddWarning(e);
    *out = new baton_table{std::move(t)};
    return Status::OK();
  });
}

// ---- Sample data and reports ----

baton_status baton_sample_write(const char* folder, const baton_options* options) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(folder && *folder, "baton_sample_write: folder is NULL or empty");
    BATON_ASSIGN_OR_RETURN(baton::SampleOptions so, baton::ParseSampleOptions(Opts(options)));
    return baton::WriteSample(folder, so);
  });
}

baton_status baton_report_write(baton_workspace* ws, const char* path,
                                const baton_options* options) {
  return Guard([&]() -> Status {
    BATON_CHECK_ARG(ws && path && *path, "baton_report_write: NULL argument");
    BATON_RETURN_IF_ERROR(Freeze(ws));
    // The extension chooses the format: a workbook with native charts for
    // .xlsx (any case), the HTML page otherwise.
    const std::string_view p(path);
    if (p.size() >= 5) {
      std::string ext(p.substr(p.size() - 5));
      for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (ext == ".xlsx") return baton::WriteXlsxReport(ws->ws, path, Opts(options));
    }
    return baton::WriteHtmlReport(ws->ws, path, Opts(options));
  });
}

}  // extern "C"

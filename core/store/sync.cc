#include "store/sync.h"

#include <chrono>
#include <filesystem>
#include <system_error>

#include "model/timestamp.h"

namespace baton {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void AddLoadStats(Workspace* ws, const std::string& path) {
  const std::pair<const char*, int64_t> tables[] = {
      {"people", ws->num_people()},
      {"touches", static_cast<int64_t>(ws->touches().size())},
      {"stages", static_cast<int64_t>(ws->stages().size())},
      {"deals", static_cast<int64_t>(ws->deals().size())},
      {"spend", static_cast<int64_t>(ws->spend().size())},
      {"paths", static_cast<int64_t>(ws->paths().size())}};
  for (const auto& [table, rows] : tables) {
    if (rows == 0) continue;
    LoadStat s;
    s.connector = "baton";
    s.table = table;
    s.file = path;
    s.rows_read = s.rows_accepted = rows;
    ws->AddLoadStat(std::move(s));
  }
}

}  // namespace

Status LoadWorkspaceSource(Workspace* ws, const std::string& path,
                           const std::map<std::string, std::string>& options) {
  // "since" is accepted and unused: a saved file keeps no
  // modification times, and the merge drops what is read again.
  for (const auto& [key, value] : options)
    if (key != "since")
      return Status::InvalidArgument("a saved workspace (" + path +
                                     ") takes no connector options, got \"" + key + "\"");
  if (ws->frozen())
    return Status::FailedPrecondition(
        "the workspace is frozen: load every source before the first analysis");
  Workspace saved;
  Workspace* target = ws;
  const bool empty = ws->num_people() == 0 && ws->touches().size() == 0 &&
                     ws->stages().size() == 0 && ws->deals().size() == 0 &&
                     ws->spend().size() == 0 && ws->paths().size() == 0 &&
                     ws->labels().size() <= 1;
  if (!empty) target = &saved;
  BATON_RETURN_IF_ERROR(ReadWorkspaceFile(path, target, nullptr));
  AddLoadStats(target, path);
  if (empty) return Status::OK();
  MergeCounts counts;
  BATON_RETURN_IF_ERROR(MergeInto(ws, saved, &counts));
  for (const LoadStat& s : saved.load_stats()) ws->AddLoadStat(s);
  return Status::OK();
}

Result<SyncResult> Sync(const SyncRequest& request) {
  if (request.source.empty()) return Status::InvalidArgument("sync: the SOURCE is empty");
  if (request.into.empty())
    return Status::InvalidArgument("sync: give the saved workspace file with --into FILE");
  SyncResult result;
  Workspace base;
  std::vector<SourceState> sources;
  std::error_code ec;
  result.created = !std::filesystem::exists(request.into, ec);
  if (!result.created)
    BATON_RETURN_IF_ERROR(ReadWorkspaceFile(request.into, &base, &sources));

  SourceState* state = nullptr;
  for (SourceState& s : sources)
    if (s.source == request.source) state = &s;
  if (request.since == "auto") {
    if (state) result.since = state->high_water;
  } else if (!request.since.empty()) {
    if (!ParseTimestamp(request.since, &result.since))
      return Status::InvalidArgument("--since \"" + request.since +
                                     "\" is neither auto nor a time (" +
                                     TimestampFormatsHint() + ")");
  }

  const int64_t started = NowMillis();
  std::map<std::string, std::string> options = request.options;
  if (result.since != kNoTime) options["since"] = FormatTimestamp(result.since);
  Workspace update;
  BATON_RETURN_IF_ERROR(LoadSource(&update, request.source, options, request.progress));
  result.notes = update.notes();
  // Into a new file: nothing to merge with, the load is saved as it is.
  const bool first = result.created;
  if (!first) BATON_RETURN_IF_ERROR(MergeInto(&base, update, &result.counts));
  Workspace& saved = first ? update : base;
  if (first) {
    result.counts.people.added = update.num_people();
    result.counts.touches.added = static_cast<int64_t>(update.touches().size());
    result.counts.stages.added = static_cast<int64_t>(update.stages().size());
    result.counts.deals.added = static_cast<int64_t>(update.deals().size());
    result.counts.spend.added = static_cast<int64_t>(update.spend().size());
    result.counts.paths.added = static_cast<int64_t>(update.paths().size());
  }
  // Saved frozen: sorted by person and time, so reading it back freezes
  // without reordering.
  BATON_RETURN_IF_ERROR(saved.Freeze());

  if (!state) {
    sources.push_back(SourceState{});
    state = &sources.back();
    state->source = request.source;
  }
  // A clock behind the saved mark must not move it back.
  state->high_water = state->high_water == kNoTime ? started : std::max(state->high_water, started);
  state->synced_at = started;
  state->people = update.num_people();
  state->touches = static_cast<int64_t>(update.touches().size());
  state->stages = static_cast<int64_t>(update.stages().size());
  state->deals = static_cast<int64_t>(update.deals().size());
  state->spend = static_cast<int64_t>(update.spend().size());
  result.state = *state;
  BATON_RETURN_IF_ERROR(SaveWorkspaceFile(saved, sources, request.into));

  result.people = saved.num_people();
  result.touches = static_cast<int64_t>(saved.touches().size());
  result.stages = static_cast<int64_t>(saved.stages().size());
  result.deals = static_cast<int64_t>(saved.deals().size());
  result.spend = static_cast<int64_t>(saved.spend().size());
  result.paths = static_cast<int64_t>(saved.paths().size());
  return result;
}

Table SyncSummary(const SyncResult& r) {
  Table t("sync");
  const size_t table = t.AddColumn("table", ColumnType::kString);
  const size_t added = t.AddColumn("added", ColumnType::kInt64);
  const size_t replaced = t.AddColumn("replaced", ColumnType::kInt64);
  const size_t unchanged = t.AddColumn("unchanged", ColumnType::kInt64);
  const size_t rows = t.AddColumn("rows", ColumnType::kInt64);
  const std::tuple<const char*, const MergeCount*, int64_t> tables[] = {
      {"people", &r.counts.people, r.people},   {"touches", &r.counts.touches, r.touches},
      {"stages", &r.counts.stages, r.stages},   {"deals", &r.counts.deals, r.deals},
      {"spend", &r.counts.spend, r.spend},      {"paths", &r.counts.paths, r.paths}};
  for (const auto& [name, c, n] : tables) {
    t.AppendString(table, name);
    t.AppendInt(added, c->added);
    t.AppendInt(replaced, c->replaced);
    t.AppendInt(unchanged, c->unchanged);
    t.AppendInt(rows, n);
  }
  if (r.since != kNoTime)
    t.AddWarning("read only rows modified since " + FormatTimestamp(r.since));
  for (const std::string& n : r.notes) t.AddWarning(n);
  return t;
}

}  // namespace baton

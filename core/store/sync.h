// Sync: the incremental load. Reads a source (optionally only the rows
// modified since a time) and merges it into a saved workspace file, which
// remembers per source where the next `since = auto` starts.
//
// The high-water mark saved for a source is the time the sync started (UTC,
// this machine's clock): a row modified while the source was being read is
// read again by the next sync, and the merge's keys make that harmless.
// Connectors filter on their own modification columns (Salesforce
// SystemModstamp / LastModifiedDate, HubSpot "Last Modified Date", the csv
// mapping's modified_at) through the connector option "since" (ISO 8601 UTC).
//
// Thread-safety: Sync uses only its own workspaces; two syncs into the same
// file at once are not coordinated (the last rename wins).
#ifndef BATON_STORE_SYNC_H_
#define BATON_STORE_SYNC_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/workspace.h"
#include "plugin_host/plugin_host.h"
#include "store/merge.h"
#include "store/workspace_file.h"
#include "table/table.h"

namespace baton {

struct SyncRequest {
  std::string source;  // any SOURCE LoadSource reads
  std::string into;    // the saved workspace file (created when absent)
  // "" reads everything; "auto" the rows modified since the high-water mark
  // saved for this source (everything on its first sync); else a time in
  // any format ParseTimestamp accepts.
  std::string since;
  std::map<std::string, std::string> options;  // connector options
  ProgressFn progress;
};

struct SyncResult {
  bool created = false;       // `into` did not exist before
  int64_t since = kNoTime;    // the since passed to the connector
  MergeCounts counts;         // what the merge did per table
  SourceState state;          // the state saved for the source
  std::vector<std::string> notes;  // the connector's notes on what it read
  // Rows per table in the saved file after the sync.
  int64_t people = 0, touches = 0, stages = 0, deals = 0, spend = 0, paths = 0;
};

// Runs one sync (see the file comment). The file is replaced atomically
// only when everything succeeded. Errors: those of ReadWorkspaceFile,
// LoadSource, MergeInto and SaveWorkspaceFile; InvalidArgument for a bad
// `since` or an empty source or file name.
Result<SyncResult> Sync(const SyncRequest& request);

// The result as a table "sync": one row per canonical table with columns
// table, added, replaced, unchanged, rows (rows held after the sync); the
// since used and the connector's notes are its warnings.
Table SyncSummary(const SyncResult& result);

// Loads a saved workspace file as a source (LoadSource's route for
// *.baton): read directly into an empty workspace, else merged into what
// `ws` holds by MergeInto's keys. Connector options other than "since"
// (accepted and unused: the file keeps no modification times) are refused
// with InvalidArgument.
[[nodiscard]] Status LoadWorkspaceSource(Workspace* ws, const std::string& path,
                                         const std::map<std::string, std::string>& options);

}  // namespace baton

#endif  // BATON_STORE_SYNC_H_

// Saved workspace files (*.baton): the canonical tables of a workspace in
// one binary file, so that a nightly job can add what changed to what it
// read before instead of reading every export again.
//
// A file holds the dictionaries (each string once), the columns as raw
// little-endian arrays, the funnel of the stage map, and per-source sync
// state (SourceState). Each section carries a CRC-32; reading validates
// sizes, checksums and every code against its dictionary, so a truncated or
// damaged file is an error naming the file and the section, never a crash.
// The layout is documented in core/store/FORMAT.md.
//
// Functions here are stateless; a Workspace passed in is used by the calling
// thread only, as Workspace's own contract requires.
#ifndef BATON_STORE_WORKSPACE_FILE_H_
#define BATON_STORE_WORKSPACE_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/workspace.h"

namespace baton {

// What the file remembers of one source synced into it.
struct SourceState {
  std::string source;           // as given to sync ("salesforce:/exports/x")
  int64_t high_water = kNoTime; // the `since` the next `--since auto` uses
  int64_t synced_at = kNoTime;  // when the last sync of this source ran
  // Rows the last sync of this source read, per canonical table.
  int64_t people = 0, touches = 0, stages = 0, deals = 0, spend = 0;
};

inline constexpr uint32_t kWorkspaceFileVersion = 1;

// True when `path` names a saved workspace: it ends in ".baton", or it is a
// readable file that starts with the magic bytes "BATONWS\0".
bool IsWorkspaceFile(const std::string& path);

// Writes `ws` (frozen or not) and `sources` to `path`, through a temporary
// file in the same folder renamed over `path`, so a failure never leaves a
// half-written file. IoError naming the path when writing fails.
[[nodiscard]] Status SaveWorkspaceFile(const Workspace& ws,
                                       const std::vector<SourceState>& sources,
                                       const std::string& path);

// Reads `path` into `ws`, which must be empty and not frozen (the result is
// not frozen either, so more sources may be added). `sources` may be NULL.
// Errors: NotFound (no such file), ParseError (not a saved workspace, a
// truncated file, a bad checksum or a code out of range: the message names
// the file and the section), Unsupported (a newer format version),
// FailedPrecondition (ws not empty).
[[nodiscard]] Status ReadWorkspaceFile(const std::string& path, Workspace* ws,
                                       std::vector<SourceState>* sources);

// The same, from bytes already in memory; `name` is used in messages.
[[nodiscard]] Status ReadWorkspaceBytes(std::string_view bytes,
                                        const std::string& name, Workspace* ws,
                                        std::vector<SourceState>* sources);

// The bytes SaveWorkspaceFile writes.
std::string EncodeWorkspace(const Workspace& ws,
                            const std::vector<SourceState>& sources);

// CRC-32 (IEEE 802.3, reflected, the zlib polynomial) of `data`.
uint32_t Crc32(std::string_view data);

}  // namespace baton

#endif  // BATON_STORE_WORKSPACE_FILE_H_

// The plugin host: finds, loads and calls connector plugins.
//
// Plugins are shared libraries exporting baton_connector_entry (connector.h),
// loaded with Boost.DLL (RTLD_NOW | RTLD_LOCAL). They are searched in
//   1. each folder (or file) of BATON_PLUGIN_PATH, ':'-separated;
//   2. <folder of libbaton>/baton/plugins (the install's plugin folder, and
//      the build tree's, which has the same layout);
// and never in the working directory unless named explicitly. A plugin is
// never unloaded: the registry keeps every library for the life of the
// process, so nothing a plugin made can outlive its code.
//
// Thread-safe: the registry is guarded by a mutex; connectors' read and
// write run outside it.
#ifndef BATON_PLUGIN_HOST_PLUGIN_HOST_H_
#define BATON_PLUGIN_HOST_PLUGIN_HOST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "baton/connector.h"
#include "common/status.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

struct PluginInfo {
  std::string name;
  std::string version;
  std::string description;
  std::string path;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  bool can_read = false;
  bool can_write = false;
};

// Progress: fraction in [0,1] (negative when unknown) and a phase name;
// returns true to ask for cancellation.
using ProgressFn = std::function<bool(double fraction, const std::string& what)>;

class PluginRegistry {
 public:
  // The process-wide registry.
  static PluginRegistry& Global();

  // Loads one plugin file. Errors: NotFound (no such file), PluginError (not
  // a shared library, no entry symbol, NULL descriptor, ABI mismatch: the
  // message names the file and both versions). Loading a file twice, or a
  // second plugin with a name already loaded, is a no-op that succeeds.
  Status LoadFile(const std::string& path);

  // Loads every plugin found in the search folders, once per process.
  // Files that fail to load are remembered and reported by LoadErrors().
  void LoadSearchPath();

  // The connector with this name, loading the search path first.
  Result<const baton_connector*> Find(const std::string& name);

  std::vector<PluginInfo> List();
  std::vector<std::string> LoadErrors();

  // The folders searched, in order.
  static std::vector<std::string> SearchFolders();

 private:
  struct Loaded;
  PluginRegistry();
  ~PluginRegistry();
  Status LoadFileLocked(const std::string& path);

  struct Impl;
  Impl* impl_;
};

// Loads SOURCE into `ws`. SOURCE is "NAME:LOCATION" for a named connector, a
// path to a mapping file (*.toml, read by the connector whose probe claims
// it most, the csv connector when none does: the xlsx connector claims
// mappings over workbooks), or a location that the loaded connectors probe. Options are passed to the connector.
// A saved workspace (*.baton, or a file starting with its magic) is read by
// store/ instead (LoadWorkspaceSource in store/sync.h).
Status LoadSource(Workspace* ws, const std::string& source,
                  const std::map<std::string, std::string>& options,
                  const ProgressFn& progress);

// Writes `table` through connector NAME to LOCATION ("NAME:LOCATION").
Status WriteTable(const Table& table, const std::string& target,
                  const std::map<std::string, std::string>& options);

}  // namespace baton

#endif  // BATON_PLUGIN_HOST_PLUGIN_HOST_H_

#include "plugin_host/plugin_host.h"

#define BOOST_DLL_USE_STD_FS 1
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>

#include "ingest/sink.h"
#include "store/sync.h"

namespace baton {

namespace fs = std::filesystem;

struct PluginRegistry::Impl {
  struct Entry {
    boost::dll::shared_library library;
    const baton_connector* descriptor;
    PluginInfo info;
  };
  std::mutex mu;
  bool searched = false;
  std::vector<std::unique_ptr<Entry>> entries;
  std::set<std::string> paths_loaded;
  std::vector<std::string> errors;
};

PluginRegistry::PluginRegistry() : impl_(new Impl) {}
// Never destroyed (see Global): plugins stay loaded until the process ends.
PluginRegistry::~PluginRegistry() { delete impl_; }

PluginRegistry& PluginRegistry::Global() {
  static PluginRegistry* registry = new PluginRegistry();
  return *registry;
}

std::vector<std::string> PluginRegistry::SearchFolders() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("BATON_PLUGIN_PATH")) {
    std::string s = env;
    size_t start = 0;
    while (start <= s.size()) {
      size_t pos = s.find(':', start);
      std::string part = s.substr(start, pos == std::string::npos ? std::string::npos
                                                                  : pos - start);
      if (!part.empty()) out.push_back(part);
      if (pos == std::string::npos) break;
      start = pos + 1;
    }
  }
  std::error_code ec;
  fs::path self = boost::dll::this_line_location(ec);
  if (!ec) out.push_back((self.parent_path() / "baton" / "plugins").string());
  return out;
}

Status PluginRegistry::LoadFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return LoadFileLocked(path);
}

Status PluginRegistry::LoadFileLocked(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  if (ec || !fs::exists(p, ec))
    return Status::NotFound("plugin " + path + ": no such file");
  std::string canonical = fs::weakly_canonical(p, ec).string();
  if (ec) canonical = p.string();
  if (impl_->paths_loaded.count(canonical)) return Status::OK();

  auto entry = std::make_unique<Impl::Entry>();
  try {
    entry->library.load(
        fs::path(canonical),
        boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return Status::PluginError("plugin " + path +
                               ": cannot be loaded as a shared library: " +
                               e.what());
  }
  if (!entry->library.has(BATON_CONNECTOR_ENTRY_SYMBOL))
    return Status::PluginError("plugin " + path + ": not a Baton connector (no " +
                               BATON_CONNECTOR_ENTRY_SYMBOL + " symbol)");
  const baton_connector* d = nullptr;
  try {
    auto& fn = entry->library.get<const baton_connector*()>(
        BATON_CONNECTOR_ENTRY_SYMBOL);
    d = fn();
  } catch (const std::exception& e) {
    return Status::PluginError("plugin " + path + ": " + e.what());
  }
  if (!d)
    return Status::PluginError("plugin " + path +
                               ": its entry returned no descriptor");
  if (d->struct_size < 3 * sizeof(uint32_t))
    return Status::PluginError("plugin " + path + ": descriptor is too small");
  if (d->abi_major != BATON_CONNECTOR_ABI_MAJOR ||
      d->abi_minor > BATON_CONNECTOR_ABI_MINOR) {
    return Status::PluginError(
        "plugin " + path + " was built for connector ABI " +
        std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor) +
        ", but this Baton provides ABI " +
        std::to_string(BATON_CONNECTOR_ABI_MAJOR) + "." +
        std::to_string(BATON_CONNECTOR_ABI_MINOR) +
        (d->abi_major != BATON_CONNECTOR_ABI_MAJOR
             ? " (the major versions differ)"
             : " (the plugin is newer)") +
        "; rebuild it against this Baton's connector.h");
  }
  if (d->struct_size < offsetof(baton_connector, write) + sizeof(d->write) ||
      !d->name || !*d->name)
    return Status::PluginError("plugin " + path +
                               ": descriptor lacks a name or functions");
  for (const auto& e : impl_->entries) {
    if (e->info.name == d->name) {
      impl_->paths_loaded.insert(canonical);
      return Status::OK();  // First plugin of a name wins.
    }
  }
  entry->descriptor = d;
  entry->info.name = d->name;
  entry->info.version = d->version ? d->version : "";
  entry->info.description = d->description ? d->description : "";
  entry->info.path = canonical;
  entry->info.abi_major = d->abi_major;
  entry->info.abi_minor = d->abi_minor;
  entry->info.can_read = d->read != nullptr;
  entry->info.can_write = d->write != nullptr;
  impl_->paths_loaded.insert(canonical);
  impl_->entries.push_back(std::move(entry));
  return Status::OK();
}

void PluginRegistry::LoadSearchPath() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->searched) return;
  impl_->searched = true;
  for (const std::string& folder : SearchFolders()) {
    std::error_code ec;
    if (fs::is_regular_file(folder, ec)) {
      Status s = LoadFileLocked(folder);
      if (!s.ok()) impl_->errors.push_back(s.message());
      continue;
    }
    if (!fs::is_directory(folder, ec)) continue;
    std::vector<std::string> files;
    for (const auto& de : fs::directory_iterator(folder, ec)) {
      std::string name = de.path().filename().string();
      if (de.path().extension() == ".so" && name.rfind("libbaton_", 0) != 0)
        files.push_back(de.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      Status s = LoadFileLocked(f);
      if (!s.ok()) impl_->errors.push_back(s.message());
    }
  }
}

Result<const baton_connector*> PluginRegistry::Find(const std::string& name) {
  LoadSearchPath();
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::string names;
  for (const auto& e : impl_->entries) {
    if (e->info.name == name) return e->descriptor;
    names += (names.empty() ? "" : ", ") + e->info.name;
  }
  return Status::NotFound("no connector named \"" + name + "\" (loaded: " +
                          (names.empty() ? "none" : names) +
                          "; set BATON_PLUGIN_PATH to the folder of its plugin)");
}

std::vector<PluginInfo> PluginRegistry::List() {
  LoadSearchPath();
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<PluginInfo> out;
  for (const auto& e : impl_->entries) out.push_back(e->info);
  return out;
}

std::vector<std::string> PluginRegistry::LoadErrors() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->errors;
}

namespace {

// The services a connector gets for one call.
class Host {
 public:
  explicit Host(const ProgressFn* progress, Workspace* ws)
      : progress_(progress), ws_(ws) {
    std::memset(&host_, 0, sizeof host_);
    host_.struct_size = sizeof host_;
    host_.self = this;
    host_.log = [](void* self, int level, const char* msg) {
      auto* h = static_cast<Host*>(self);
      if (msg && level >= 2 && h->ws_) h->ws_->AddNote(msg);
    };
    host_.progress = [](void* self, double fraction, const char* what) -> int {
      auto* h = static_cast<Host*>(self);
      if (!h->progress_ || !*h->progress_) return 0;
      return (*h->progress_)(fraction, what ? what : "") ? 1 : 0;
    };
    host_.set_error = [](void* self, int status, const char* msg) {
      auto* h = static_cast<Host*>(self);
      h->error_code_ = status;
      h->error_ = msg ? msg : "";
    };
    host_.secret = [](void*, const char* name) -> const char* {
      return name ? std::getenv(name) : nullptr;
    };
  }
  const baton_host* host() const { return &host_; }
  Status ToStatus(int code, const std::string& plugin,
                  const std::string& fallback) const {
    if (code == BATON_OK) return Status::OK();
    if (code < 0 || code > BATON_OUT_OF_MEMORY) code = BATON_PLUGIN_ERROR;
    std::string msg = error_.empty() ? fallback : error_;
    if (msg.empty()) msg = "connector " + plugin + " failed without a message";
    return Status(static_cast<StatusCode>(code), msg);
  }

 private:
  baton_host host_;
  const ProgressFn* progress_;
  Workspace* ws_;
  int error_code_ = 0;
  std::string error_;
};

std::vector<baton_kv> ToKv(const std::map<std::string, std::string>& options) {
  std::vector<baton_kv> kv;
  for (const auto& [k, v] : options) kv.push_back({k.c_str(), v.c_str()});
  return kv;
}

struct Resolved {
  const baton_connector* connector = nullptr;
  std::string location;
};

Result<Resolved> Resolve(const std::string& source) {
  PluginRegistry& reg = PluginRegistry::Global();
  Resolved r;
  size_t colon = source.find(':');
  if (colon != std::string::npos && colon > 0) {
    std::string name = source.substr(0, colon);
    // "NAME+SCHEME://x" (salesforce+https://x) names connector NAME with the
    // location SCHEME://x. A bare URL (https://x) names no connector: the
    // connectors' probes decide who reads it.
    std::string base = name.substr(0, name.find('+'));
    bool plain = !(name.find('+') == std::string::npos &&
                   source.compare(colon, 3, "://") == 0);
    for (char c : base)
      if (!(std::islower(static_cast<unsigned char>(c)) ||
            std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
        plain = false;
    if (plain && !base.empty()) {
      BATON_ASSIGN_OR_RETURN(r.connector, reg.Find(base));
      r.location = name.find('+') != std::string::npos ? source.substr(base.size() + 1)
                                                       : source.substr(colon + 1);
      return r;
    }
  }
  int best = 0;
  for (const PluginInfo& info : reg.List()) {
    auto c = reg.Find(info.name);
    if (!c.ok() || !(*c)->probe) continue;
    int score = (*c)->probe(source.c_str());
    if (score > best) {
      best = score;
      r.connector = *c;
    }
  }
  // A mapping is the csv connector's unless a connector claims it (the xlsx
  // connector, for mappings over workbooks); the csv connector then names
  // what is wrong with a mapping nobody claims.
  if (!r.connector && source.size() > 5 &&
      source.compare(source.size() - 5, 5, ".toml") == 0) {
    BATON_ASSIGN_OR_RETURN(r.connector, reg.Find("csv"));
    r.location = source;
    return r;
  }
  if (!r.connector)
    return Status::NotFound("no connector can read \"" + source +
                            "\"; give a mapping file (.toml) or NAME:LOCATION "
                            "(see `baton plugins`)");
  r.location = source;
  return r;
}

}  // namespace

Status LoadSource(Workspace* ws, const std::string& source,
                  const std::map<std::string, std::string>& options,
                  const ProgressFn& progress) {
  if (ws->frozen())
    return Status::FailedPrecondition(
        "the workspace is frozen: load every source before the first analysis");
  // A saved workspace (*.baton, or a file starting with its magic) is read
  // by the store, not by a connector.
  if (IsWorkspaceFile(source)) return LoadWorkspaceSource(ws, source, options);
  BATON_ASSIGN_OR_RETURN(Resolved r, Resolve(source));
  if (!r.connector->read)
    return Status::Unsupported(std::string("connector ") + r.connector->name +
                               " cannot read");
  WorkspaceSink sink(ws, r.connector->name);
  Host host(&progress, ws);
  std::vector<baton_kv> kv = ToKv(options);
  int code = r.connector->read(host.host(), r.location.c_str(), kv.data(),
                               kv.size(), sink.sink());
  if (code == BATON_OK && sink.open_batches() > 0)
    return Status::PluginError(std::string("connector ") + r.connector->name +
                               " left a batch open");
  return host.ToStatus(code, r.connector->name, sink.last_error());
}

Status WriteTable(const Table& table, const std::string& target,
                  const std::map<std::string, std::string>& options) {
  BATON_ASSIGN_OR_RETURN(Resolved r, Resolve(target));
  if (!r.connector->write)
    return Status::Unsupported(std::string("connector ") + r.connector->name +
                               " cannot write");
  baton_table_view view;
  std::memset(&view, 0, sizeof view);
  view.struct_size = sizeof view;
  view.self = &table;
  view.name = table.name().c_str();
  view.num_columns = table.num_columns();
  view.num_rows = table.num_rows();
  view.column_name = [](const void* s, size_t c) {
    return static_cast<const Table*>(s)->column(c).name.c_str();
  };
  view.column_type = [](const void* s, size_t c) {
    return static_cast<int>(static_cast<const Table*>(s)->column(c).type);
  };
  // Cells out of range or of another type read as null / zero / empty, so a
  // confused plugin cannot read past the table.
  view.is_null = [](const void* s, size_t c, size_t r) {
    const Table* t = static_cast<const Table*>(s);
    return c >= t->num_columns() || r >= t->num_rows() || t->IsNull(c, r) ? 1 : 0;
  };
  view.get_int64 = [](const void* s, size_t c, size_t r) -> int64_t {
    const Table* t = static_cast<const Table*>(s);
    if (c >= t->num_columns() || r >= t->num_rows() ||
        (t->column(c).type != ColumnType::kInt64 &&
         t->column(c).type != ColumnType::kTimestamp))
      return 0;
    return t->column(c).ints[r];
  };
  view.get_double = [](const void* s, size_t c, size_t r) -> double {
    const Table* t = static_cast<const Table*>(s);
    if (c >= t->num_columns() || r >= t->num_rows()) return 0;
    if (t->column(c).type == ColumnType::kInt64 ||
        t->column(c).type == ColumnType::kTimestamp)
      return static_cast<double>(t->column(c).ints[r]);
    if (t->column(c).type != ColumnType::kFloat64) return 0;
    return t->column(c).doubles[r];
  };
  view.get_string = [](const void* s, size_t c, size_t r) -> baton_str {
    const Table* t = static_cast<const Table*>(s);
    if (c >= t->num_columns() || r >= t->num_rows() ||
        t->column(c).type != ColumnType::kString)
      return baton_str{"", 0};
    const std::string& v = t->column(c).strings[r];
    return baton_str{v.data(), v.size()};
  };
  Host host(nullptr, nullptr);
  std::vector<baton_kv> kv = ToKv(options);
  int code = r.connector->write(host.host(), r.location.c_str(), kv.data(),
                                kv.size(), &view);
  return host.ToStatus(code, r.connector->name, "");
}

}  // namespace baton

// The SWIG-facing surface of Baton for Java (org.baton) and C# (Baton).
//
// SWIG cannot wrap the facade (baton.hpp) as it is: std::map options,
// std::function progress, move-only classes and size_t indexes have no
// natural Java or C# form. This header restates the facade with plain types
// (std::string, int, int64_t, double, bool) and copyable or heap-only
// classes, and converts: every call delegates to baton.hpp, which itself sits
// on the C ABI alone. No analysis or data handling happens here.
//
// Names are snake_case as in the facade; the interface file renames them to
// getString (Java) and GetString (C#), so a method added here is wrapped
// with no change to baton.i.
//
// Ownership: each object is owned by its Java/C# proxy and freed by
// close()/Dispose() (or, failing that, by the garbage collector); a closed
// proxy raises FAILED_PRECONDITION when used (baton.i). A Table shares an
// immutable result, so copies are cheap, it outlives its workspace and any
// thread may read it. A Progress is the caller's; the workspace proxy keeps
// a reference while it is set.
// Errors: every call throws baton::Error (the engine's code and message);
// FileNotFound (a baton::Error) marks a NOT_FOUND that concerns a file the
// caller named, so the bindings can raise their file-not-found exception.
// Threads: as in baton.h. A Workspace is filled by one thread; once frozen
// (freeze() or the first analysis) any number of threads may run analyses on
// it. Close a workspace only when no other thread is using it.
//
// Since: 1.0
#ifndef BATON_BINDINGS_SWIG_BATON_SWIG_H_
#define BATON_BINDINGS_SWIG_BATON_SWIG_H_

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "baton/baton.hpp"

namespace baton {
namespace swig {

#ifndef SWIG
// A NOT_FOUND error about a file or folder the caller named (a source to
// load, a plugin file), as opposed to a column, connector or analysis.
class FileNotFound : public baton::Error {
 public:
  explicit FileNotFound(const baton::Error& e) : baton::Error(e.code(), e.what()) {}
};

namespace detail {

// Java and C# index with int; a negative index must not wrap to a huge
// size_t and reach the engine as "row 18446744073709551615".
inline size_t Index(int i, const char* what) {
  if (i < 0)
    throw baton::Error(BATON_INVALID_ARGUMENT,
                       std::string(what) + " " + std::to_string(i) + " is negative");
  return static_cast<size_t>(i);
}

inline int Count(size_t n) {
  if (n > static_cast<size_t>(INT_MAX))
    throw baton::Error(BATON_OUT_OF_MEMORY,
                       std::to_string(n) + " rows do not fit a Java or C# int index");
  return static_cast<int>(n);
}

// Whether a NOT_FOUND from loading `source` means that no connector can take
// it, rather than that a file it names is missing. The engine uses one code
// for both; the rule follows how the engine resolves a source (baton.h:
// "NAME:LOCATION", a *.toml mapping, or a location a connector probes).
inline bool ConnectorMissing(const std::string& source) {
  size_t colon = source.find(':');
  if (colon != std::string::npos && colon > 0) {
    std::string name = source.substr(0, std::min(colon, source.find('+')));
    bool plain = std::all_of(name.begin(), name.end(), [](unsigned char c) {
      return std::islower(c) || std::isdigit(c) || c == '_';
    });
    if (plain && !name.empty()) {
      baton::Table plugins = baton::Plugins();
      for (size_t r = 0, n = plugins.num_rows(); r < n; ++r)
        if (plugins.get_string("name", r) == name) return false;
      return true;
    }
  }
  bool mapping = source.size() > 5 && source.compare(source.size() - 5, 5, ".toml") == 0;
  std::error_code ec;
  return !mapping && std::filesystem::exists(source, ec);
}

}  // namespace detail
#endif  // SWIG

// The type of a result column. Timestamps are int64 UTC milliseconds, read
// with get_long. (Literal values: C# enums need constants.)
enum class ColumnType { String = 0, Int64 = 1, Float64 = 2, Timestamp = 3 };

// The engine's status codes (baton_status), carried by the exceptions.
enum class Status {
  Ok = 0,
  InvalidArgument = 1,
  NotFound = 2,
  IoError = 3,
  ParseError = 4,
  Unsupported = 5,
  Cancelled = 6,
  Internal = 7,
  FailedPrecondition = 8,
  PluginError = 9,
  OutOfMemory = 10
};

#ifndef SWIG
static_assert(static_cast<int>(ColumnType::Timestamp) == BATON_TYPE_TIMESTAMP &&
              static_cast<int>(ColumnType::Float64) == BATON_TYPE_FLOAT64 &&
              static_cast<int>(ColumnType::Int64) == BATON_TYPE_INT64 &&
              static_cast<int>(ColumnType::String) == BATON_TYPE_STRING);
static_assert(static_cast<int>(Status::OutOfMemory) == BATON_OUT_OF_MEMORY &&
              static_cast<int>(Status::PluginError) == BATON_PLUGIN_ERROR &&
              static_cast<int>(Status::FailedPrecondition) == BATON_FAILED_PRECONDITION &&
              static_cast<int>(Status::Internal) == BATON_INTERNAL &&
              static_cast<int>(Status::Cancelled) == BATON_CANCELLED &&
              static_cast<int>(Status::Unsupported) == BATON_UNSUPPORTED &&
              static_cast<int>(Status::ParseError) == BATON_PARSE_ERROR &&
              static_cast<int>(Status::IoError) == BATON_IO_ERROR &&
              static_cast<int>(Status::NotFound) == BATON_NOT_FOUND &&
              static_cast<int>(Status::InvalidArgument) == BATON_INVALID_ARGUMENT &&
              static_cast<int>(Status::Ok) == BATON_OK);
#endif

// The missing time (BATON_NO_TIME) for add_person's created_at and the
// deal and spend times.
constexpr int64_t NO_TIME = -9223372036854775807LL - 1;

// Key/value options ("funnel.by" = "source"). Setters return the same
// object so calls chain. Not thread-safe while being changed.
class Options {
 public:
  Options() = default;

  // Sets key to value, replacing an earlier value. An empty key is refused
  // when the options are used (INVALID_ARGUMENT).
  Options& set(const std::string& key, const std::string& value) {
    options_.Set(key, value);
    return *this;
  }
  // Removes key if present.
  Options& remove(const std::string& key) {
    std::map<std::string, std::string> values = options_.values();
    values.erase(key);
    options_ = baton::Options(std::move(values));
    return *this;
  }
  bool has(const std::string& key) const { return options_.Has(key); }
  // The value of key, or fallback when it is not set.
  std::string get(const std::string& key, const std::string& fallback = "") const {
    return options_.Get(key, fallback);
  }
  // The number of keys, and the i-th key in sorted order (for iteration).
  int size() const { return detail::Count(options_.values().size()); }
  std::string key(int i) const {
    size_t k = detail::Index(i, "option");
    if (k >= options_.values().size())
      throw baton::Error(BATON_INVALID_ARGUMENT,
                         "option " + std::to_string(i) + " is out of range (there are " +
                             std::to_string(options_.values().size()) + " options)");
    return std::next(options_.values().begin(), static_cast<long>(k))->first;
  }

#ifndef SWIG
  const baton::Options& facade() const { return options_; }
#endif

 private:
  baton::Options options_;
};

// A result table: typed, nullable columns and data-quality warnings.
// Immutable; copies share the result. Cells are addressed by column (index
// or name) and row. Errors: INVALID_ARGUMENT for an index out of range or a
// getter of another type than the column's (get_double also reads int64),
// NOT_FOUND for an unknown column name (the message lists the columns). A
// null cell reads as 0, NaN or "": test it with is_null.
class Table {
 public:
#ifndef SWIG
  // Tables come from analyses only; the empty one exists for SWIG's result
  // variables and is never handed out.
  Table() = default;
  explicit Table(baton::Table t) : t_(std::make_shared<baton::Table>(std::move(t))) {}
#endif

  std::string name() const { return t().name(); }
  int num_rows() const { return detail::Count(t().num_rows()); }
  int num_columns() const { return detail::Count(t().num_columns()); }
  std::string column_name(int col) const { return t().column_name(detail::Index(col, "column")); }
  ColumnType column_type(int col) const {
    return static_cast<ColumnType>(t().column_type(detail::Index(col, "column")));
  }
  ColumnType column_type(const std::string& col) const {
    return static_cast<ColumnType>(t().column_type(t().column_index(col)));
  }
  // Throws NOT_FOUND listing the columns when absent.
  int column_index(const std::string& name) const {
    return detail::Count(t().column_index(name));
  }
  bool has_column(const std::string& name) const {
    for (size_t i = 0, n = t().num_columns(); i < n; ++i)
      if (t().column_name(i) == name) return true;
    return false;
  }

  bool is_null(int col, int row) const { return t().is_null(C(col), R(row)); }
  bool is_null(const std::string& col, int row) const { return t().is_null(col, R(row)); }
  // int64 and timestamp columns.
  int64_t get_long(int col, int row) const { return t().get_int64(C(col), R(row)); }
  int64_t get_long(const std::string& col, int row) const { return t().get_int64(col, R(row)); }
  // float64 and int64 columns.
  double get_double(int col, int row) const { return t().get_double(C(col), R(row)); }
  double get_double(const std::string& col, int row) const {
    return t().get_double(col, R(row));
  }
  std::string get_string(int col, int row) const { return t().get_string(C(col), R(row)); }
  std::string get_string(const std::string& col, int row) const {
    return t().get_string(col, R(row));
  }

  int num_warnings() const { return detail::Count(t().warnings().size()); }
  std::string warning(int i) const {
    std::vector<std::string> w = t().warnings();
    size_t k = detail::Index(i, "warning");
    if (k >= w.size())
      throw baton::Error(BATON_INVALID_ARGUMENT,
                         "warning " + std::to_string(i) + " is out of range (there are " +
                             std::to_string(w.size()) + " warnings)");
    return w[k];
  }

  // "table" (aligned text), "csv" or "json".
  std::string render(const std::string& format = "table") const { return t().render(format); }
  // Writes through a connector: "csv:/path/out.csv".
  void write(const std::string& target, const Options& options = Options()) const {
    t().write(target, options.facade());
  }

 private:
  const baton::Table& t() const {
    if (!t_) throw baton::Error(BATON_FAILED_PRECONDITION, "the table is empty");
    return *t_;
  }
  static size_t C(int col) { return detail::Index(col, "column"); }
  static size_t R(int row) { return detail::Index(row, "row"); }

  std::shared_ptr<const baton::Table> t_;
};

// Progress of loads and analyses: subclass it in Java or C# (a SWIG
// director) and pass it to Workspace.set_progress. on_progress runs on the
// thread that made the call, between steps of the engine's work.
class Progress {
 public:
  virtual ~Progress() = default;
  // fraction in [0, 1], negative when unknown; phase names the step. Return
  // true to cancel: the running call then fails with CANCELLED. An exception
  // thrown here cancels the call too, and the call rethrows that exception.
  virtual bool on_progress(double fraction, const char* phase) { return false; }
};

// A workspace: the canonical tables loaded from sources or appended row by
// row, and the analyses run on them. Appends and loads return the workspace
// so calls chain. Once the first analysis (or freeze) has run the workspace
// is frozen: loads and appends then fail with FAILED_PRECONDITION.
class Workspace {
 public:
  Workspace() = default;

  // Loads "NAME:LOCATION", a mapping file (*.toml) or a location a loaded
  // connector recognises; options go to the connector. A missing file raises
  // FileNotFound; other errors as baton_workspace_load.
  Workspace& load(const std::string& source, const Options& options = Options()) {
    try {
      ws_.load(source, options.facade());
    } catch (const baton::Error& e) {
      if (e.code() == BATON_NOT_FOUND && !detail::ConnectorMissing(source)) throw FileNotFound(e);
      throw;
    }
    return *this;
  }

  // Row appends. Strings may be "" (missing); times are int64 UTC
  // milliseconds, NO_TIME when missing.
  Workspace& add_person(const std::string& person_id, int64_t created_at = NO_TIME,
                        const std::string& source = "", const std::string& owner = "",
                        const std::string& account_id = "") {
    ws_.add_person(person_id, created_at, source, owner, account_id);
    return *this;
  }
  Workspace& set_attribute(const std::string& person_id, const std::string& key,
                           const std::string& value) {
    ws_.set_attribute(person_id, key, value);
    return *this;
  }
  // side: "marketing" or "sales".
  Workspace& add_touch(const std::string& person_id, int64_t at, const std::string& channel,
                       const std::string& campaign = "", const std::string& side = "marketing",
                       const std::string& activity = "", double cost = 0) {
    ws_.add_touch(person_id, at, channel, campaign, side, activity, cost);
    return *this;
  }
  // disposition: advanced (default), accepted, rejected or recycled.
  Workspace& add_stage(const std::string& person_id, const std::string& stage, int64_t at,
                       const std::string& disposition = "", const std::string& reason = "") {
    ws_.add_stage(person_id, stage, at, disposition, reason);
    return *this;
  }
  // is_won and is_closed: 1, 0, or -1 to decide by stage through the stage
  // map.
  Workspace& add_deal(const std::string& deal_id, const std::string& account_id,
                      const std::string& person_id, int64_t created_at, int64_t closed_at,
                      double amount, const std::string& currency = "",
                      const std::string& stage = "", int is_won = -1, int is_closed = -1,
                      const std::string& owner = "", const std::string& source = "",
                      const std::string& campaign = "") {
    baton_deal_row r{};
    r.deal_id = deal_id.c_str();
    r.account_id = account_id.c_str();
    r.person_id = person_id.c_str();
    r.created_at = created_at;
    r.closed_at = closed_at;
    r.amount = amount;
    r.currency = currency.c_str();
    r.stage = stage.c_str();
    r.is_won = is_won;
    r.is_closed = is_closed;
    r.owner = owner.c_str();
    r.source = source.c_str();
    r.campaign = campaign.c_str();
    ws_.add_deal(r);
    return *this;
  }
  Workspace& add_spend(const std::string& channel, const std::string& campaign,
                       int64_t period_start, int64_t period_end, double amount,
                       const std::string& currency = "") {
    ws_.add_spend(channel, campaign, period_start, period_end, amount, currency);
    return *this;
  }

  // Reports the progress of later loads and analyses to progress, or stops
  // reporting (null). The Java and C# proxies keep progress alive.
  Workspace& set_progress(Progress* progress) {
    if (progress) {
      ws_.set_progress([progress](double fraction, const std::string& phase) {
        return progress->on_progress(fraction, phase.c_str());
      });
    } else {
      ws_.set_progress(nullptr);
    }
    return *this;
  }

  Workspace& freeze() {
    ws_.freeze();
    return *this;
  }
  // Rows in "people", "touches", "stages", "deals", "spend" or "paths".
  int64_t row_count(const std::string& table) const { return ws_.row_count(table); }
  // What was loaded (kind, connector, table, file, rows_read, ...).
  Table info() const { return Table(ws_.info()); }

  // Any analysis by name ("funnel", "attribution", ...; baton_analyze), so
  // an analysis added to the engine is reachable with no binding change.
  Table analyze(const std::string& analysis, const Options& options = Options()) const {
    if (analysis == "scorecard") return scorecard(options);
    return Table(ws_.analyze(analysis, options.facade()));
  }
  // The funnel (funnel.by, .strict, .cohort, .within; see baton.h).
  Table funnel(const Options& options = Options()) const {
    return Table(ws_.funnel(options.facade()));
  }
  // Multi-touch attribution (attribution.model, .order, .by, ...).
  Table attribution(const Options& options = Options()) const {
    return Table(ws_.attribution(options.facade()));
  }
  // The Markov chain behind attribution.model=markov (from, to, probability).
  Table markov_transitions(const Options& options = Options()) const {
    return Table(ws_.markov_transitions(options.facade()));
  }

  // The hand-off from marketing to sales per segment (handoff.by, .stage,
  // .sla, .leak_after), its rejection reasons, and conversion by response
  // time bucket.
  Table handoff(const Options& options = Options()) const {
    return Table(ws_.handoff(options.facade()));
  }
  Table handoff_reasons(const Options& options = Options()) const {
    return Table(ws_.handoff_reasons(options.facade()));
  }
  Table handoff_by_response(const Options& options = Options()) const {
    return Table(ws_.handoff_by_response(options.facade()));
  }
  // Spend efficiency per channel or campaign (spend.by, spend.model).
  Table spend(const Options& options = Options()) const {
    return Table(ws_.spend(options.facade()));
  }
  // Pipeline and sales outcomes (deals.by, deals.owners_as_people).
  Table deals(const Options& options = Options()) const {
    return Table(ws_.deals(options.facade()));
  }
  // The scorecard against targets; scorecard.config names the TOML file. A
  // config file that does not exist raises FileNotFound.
  Table scorecard(const Options& options = Options()) const {
    try {
      return Table(ws_.scorecard(options.facade()));
    } catch (const baton::Error& e) {
      std::error_code ec;
      std::string config = options.get("scorecard.config");
      if (e.code() == BATON_NOT_FOUND && !config.empty() &&
          !std::filesystem::exists(config, ec))
        throw FileNotFound(e);
      throw;
    }
  }

  // Writes the self-contained HTML report (analysis options and
  // report.title).
  void report(const std::string& path, const Options& options = Options()) const {
    ws_.report(path, options.facade());
  }

  // Saves the workspace (freezing it first) as a .baton file, written to a
  // temporary name and renamed; load("FILE.baton") reads it back.
  void save(const std::string& path) { ws_.save(path); }

 private:
  baton::Workspace ws_;
};

// The loaded library's release ("1.0.0") and (major << 16) | minor.
inline std::string version() { return baton::Version(); }
inline int abi_version() { return static_cast<int>(baton::AbiVersion()); }

// The engine's name of a status ("NotFound"), as in its messages and C ABI.
inline std::string status_name(Status status) {
  return baton_status_name(static_cast<baton_status>(status));
}

// The loaded connector plugins (name, version, description, path, abi,
// can_read, can_write); warnings list plugin files that were refused.
inline Table plugins() { return Table(baton::Plugins()); }

// Loads one connector plugin file. A missing file raises FileNotFound.
inline void load_plugin(const std::string& path) {
  try {
    baton::LoadPlugin(path);
  } catch (const baton::Error& e) {
    if (e.code() == BATON_NOT_FOUND) throw FileNotFound(e);
    throw;
  }
}

// Incremental load: reads source with the connector option since ("" for
// everything, "auto" for rows modified since the last sync of this source
// saved in into, or a timestamp) and merges it into the .baton file into
// without duplicating rows. Returns per table: table, added, replaced,
// unchanged, rows.
inline Table sync(const std::string& source, const std::string& into,
                  const std::string& since = "", const Options& options = Options()) {
  return Table(baton::Sync(source, into, since, options.facade()));
}

// Writes the sample dataset and its mapping (folder/sample.toml); options
// sample.people, sample.seed, sample.months.
inline void write_sample(const std::string& folder, const Options& options = Options()) {
  baton::WriteSample(folder, options.facade());
}

}  // namespace swig
}  // namespace baton

#endif  // BATON_BINDINGS_SWIG_BATON_SWIG_H_

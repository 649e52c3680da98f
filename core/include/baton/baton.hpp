// Baton C++ facade: a header-only layer over the C ABI (baton.h) alone.
//
// It adds RAII ownership, exceptions and std::string to the C functions and
// nothing else, so it ties a program to the stable C ABI, never to one build
// of the engine. The CLI, the Python binding and the SWIG bindings are all
// written on it.
//
// Errors: every failed call throws baton::Error, which carries the C status
// code (code()) and the engine's message (what()).
// Ownership: Workspace, Table and Options own their C handles and are
// move-only; a moved-from or closed object throws Error(BATON_FAILED_PRECONDITION)
// when used. close() frees early and may be called twice.
// Threads: as in baton.h. A Workspace is filled by one thread; once frozen
// (by freeze() or the first analysis) any number of threads may call its
// const analyses at once. Tables may be read from any thread.
//
// Since: 1.0
#ifndef BATON_BATON_HPP_
#define BATON_BATON_HPP_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "baton/baton.h"

namespace baton {

// An engine error: the C status code and its message.
class Error : public std::runtime_error {
 public:
  Error(baton_status code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  baton_status code() const noexcept { return code_; }
  const char* code_name() const noexcept { return baton_status_name(code_); }

 private:
  baton_status code_;
};

namespace detail {

inline void Check(baton_status s) {
  if (s != BATON_OK) throw Error(s, baton_last_error());
}

template <typename T>
T* Live(T* handle, const char* what) {
  if (!handle)
    throw Error(BATON_FAILED_PRECONDITION,
                std::string(what) + " is closed (or was moved from)");
  return handle;
}

inline const char* CStr(const std::string& s) { return s.c_str(); }

}  // namespace detail

// (major << 16) | minor of the loaded library.
inline uint32_t AbiVersion() { return baton_abi_version(); }
// The loaded library's release, e.g. "1.0.0".
inline std::string Version() { return baton_version(); }

// Key/value options ("funnel.by" = "source"). Copyable as a plain map.
class Options {
 public:
  Options() = default;
  Options(std::initializer_list<std::pair<const std::string, std::string>> init)
      : values_(init) {}
  explicit Options(std::map<std::string, std::string> values)
      : values_(std::move(values)) {}

  Options& Set(const std::string& key, const std::string& value) {
    values_[key] = value;
    return *this;
  }
  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  std::string Get(const std::string& key, const std::string& fallback = "") const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }
  const std::map<std::string, std::string>& values() const { return values_; }

  // A C handle holding these options, freed by the returned owner.
  std::unique_ptr<baton_options, void (*)(baton_options*)> ToC() const {
    baton_options* o = nullptr;
    detail::Check(baton_options_new(&o));
    std::unique_ptr<baton_options, void (*)(baton_options*)> owner(o, baton_options_free);
    for (const auto& [k, v] : values_) detail::Check(baton_options_set(o, k.c_str(), v.c_str()));
    return owner;
  }

 private:
  std::map<std::string, std::string> values_;
};

// A result table: typed, nullable columns, plus data-quality warnings.
class Table {
 public:
  enum class Type { kString = BATON_TYPE_STRING, kInt64 = BATON_TYPE_INT64,
                    kFloat64 = BATON_TYPE_FLOAT64, kTimestamp = BATON_TYPE_TIMESTAMP };

  Table() = default;
  // Takes ownership of a C table.
  explicit Table(baton_table* t) : t_(t) {}
  Table(Table&& o) noexcept : t_(std::exchange(o.t_, nullptr)) {}
  Table& operator=(Table&& o) noexcept {
    if (this != &o) {
      close();
      t_ = std::exchange(o.t_, nullptr);
    }
    return *this;
  }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  ~Table() { close(); }

  void close() noexcept {
    baton_table_free(t_);
    t_ = nullptr;
  }
  bool closed() const noexcept { return t_ == nullptr; }
  const baton_table* handle() const { return detail::Live(t_, "table"); }

  std::string name() const {
    const char* s = nullptr;
    detail::Check(baton_table_name(handle(), &s));
    return s;
  }
  size_t num_rows() const {
    size_t n = 0;
    detail::Check(baton_table_num_rows(handle(), &n));
    return n;
  }
  size_t num_columns() const {
    size_t n = 0;
    detail::Check(baton_table_num_columns(handle(), &n));
    return n;
  }
  std::string column_name(size_t col) const {
    const char* s = nullptr;
    detail::Check(baton_table_column_name(handle(), col, &s));
    return s;
  }
  std::vector<std::string> column_names() const {
    std::vector<std::string> out;
    for (size_t i = 0, n = num_columns(); i < n; ++i) out.push_back(column_name(i));
    return out;
  }
  Type column_type(size_t col) const {
    baton_column_type t;
    detail::Check(baton_table_column_type(handle(), col, &t));
    return static_cast<Type>(t);
  }
  // Throws Error(BATON_NOT_FOUND) listing the columns when absent.
  size_t column_index(const std::string& name) const {
    size_t i = 0;
    detail::Check(baton_table_column_index(handle(), name.c_str(), &i));
    return i;
  }
  bool is_null(size_t col, size_t row) const {
    int v = 0;
    detail::Check(baton_table_is_null(handle(), col, row, &v));
    return v != 0;
  }
  int64_t get_int64(size_t col, size_t row) const {
    int64_t v = 0;
    detail::Check(baton_table_get_int64(handle(), col, row, &v));
    return v;
  }
  double get_double(size_t col, size_t row) const {
    double v = 0;
    detail::Check(baton_table_get_double(handle(), col, row, &v));
    return v;
  }
  std::string get_string(size_t col, size_t row) const {
    const char* s = nullptr;
    size_t len = 0;
    detail::Check(baton_table_get_string(handle(), col, row, &s, &len));
    return std::string(s, len);
  }
  // By column name.
  int64_t get_int64(const std::string& col, size_t row) const { return get_int64(column_index(col), row); }
  double get_double(const std::string& col, size_t row) const { return get_double(column_index(col), row); }
  std::string get_string(const std::string& col, size_t row) const { return get_string(column_index(col), row); }
  bool is_null(const std::string& col, size_t row) const { return is_null(column_index(col), row); }

  std::vector<std::string> warnings() const {
    size_t n = 0;
    detail::Check(baton_table_num_warnings(handle(), &n));
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i) {
      const char* s = nullptr;
      detail::Check(baton_table_warning(handle(), i, &s));
      out.emplace_back(s);
    }
    return out;
  }
  // "table", "csv" or "json".
  std::string render(const std::string& format = "table") const {
    char* s = nullptr;
    detail::Check(baton_table_render(handle(), format.c_str(), &s));
    std::string out(s);
    baton_string_free(s);
    return out;
  }
  // Exports as an Arrow struct array; the caller releases both.
  void export_arrow(ArrowSchema* schema, ArrowArray* array) const {
    detail::Check(baton_table_export_arrow(handle(), schema, array));
  }
  // Writes through a connector: "csv:/path/out.csv".
  void write(const std::string& target, const Options& options = {}) const {
    auto o = options.ToC();
    detail::Check(baton_table_write(handle(), target.c_str(), o.get()));
  }

 private:
  baton_table* t_ = nullptr;
};

// Progress callback: fraction in [0,1] (negative when unknown), phase name;
// return true to cancel. Exceptions thrown by it cancel the call and are
// rethrown by the facade once the engine has returned.
using ProgressCallback = std::function<bool(double fraction, const std::string& phase)>;

class Workspace {
 public:
  Workspace() : state_(new State) {
    detail::Check(baton_workspace_new(&state_->ws));
  }
  Workspace(Workspace&&) noexcept = default;
  Workspace& operator=(Workspace&& o) noexcept {
    if (this != &o) {
      close();
      state_ = std::move(o.state_);
    }
    return *this;
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  ~Workspace() { close(); }

  void close() noexcept {
    if (state_) {
      baton_workspace_free(state_->ws);
      state_->ws = nullptr;
    }
  }
  bool closed() const noexcept { return !state_ || !state_->ws; }
  baton_workspace* handle() const {
    return detail::Live(state_ ? state_->ws : nullptr, "workspace");
  }

  void set_progress(ProgressCallback fn) {
    baton_workspace* ws = handle();
    state_->progress = std::move(fn);
    if (state_->progress)
      detail::Check(baton_workspace_set_progress(ws, &State::Trampoline, state_.get()));
    else
      detail::Check(baton_workspace_set_progress(ws, nullptr, nullptr));
  }

  // Loads "NAME:LOCATION", a mapping file (*.toml), or a probed location.
  Workspace& load(const std::string& source, const Options& options = {}) {
    auto o = options.ToC();
    Call(baton_workspace_load(handle(), source.c_str(), o.get()));
    return *this;
  }

  Workspace& add_person(const std::string& person_id, int64_t created_at = BATON_NO_TIME,
                        const std::string& source = "", const std::string& owner = "",
                        const std::string& account_id = "") {
    baton_person_row r{sizeof(baton_person_row), person_id.c_str(), account_id.c_str(),
                       created_at, source.c_str(), owner.c_str()};
    detail::Check(baton_workspace_append_person(handle(), &r));
    return *this;
  }
  Workspace& set_attribute(const std::string& person_id, const std::string& key,
                           const std::string& value) {
    detail::Check(baton_workspace_set_attribute(handle(), person_id.c_str(), key.c_str(),
                                                value.c_str()));
    return *this;
  }
  Workspace& add_touch(const std::string& person_id, int64_t at, const std::string& channel,
                       const std::string& campaign = "", const std::string& side = "marketing",
                       const std::string& activity = "", double cost = 0) {
    baton_touch_row r{sizeof(baton_touch_row), person_id.c_str(), at, channel.c_str(),
                      campaign.c_str(), side.c_str(), activity.c_str(), cost};
    detail::Check(baton_workspace_append_touch(handle(), &r));
    return *this;
  }
  Workspace& add_stage(const std::string& person_id, const std::string& stage, int64_t at,
                       const std::string& disposition = "", const std::string& reason = "") {
    baton_stage_row r{sizeof(baton_stage_row), person_id.c_str(), stage.c_str(), at,
                      disposition.c_str(), reason.c_str()};
    detail::Check(baton_workspace_append_stage(handle(), &r));
    return *this;
  }
  Workspace& add_deal(const baton_deal_row& row) {
    baton_deal_row r = row;
    r.struct_size = sizeof(baton_deal_row);
    detail::Check(baton_workspace_append_deal(handle(), &r));
    return *this;
  }
  Workspace& add_spend(const std::string& channel, const std::string& campaign,
                       int64_t period_start, int64_t period_end, double amount,
                       const std::string& currency = "") {
    baton_spend_row r{sizeof(baton_spend_row), channel.c_str(), campaign.c_str(),
                      period_start, period_end, amount, currency.c_str()};
    detail::Check(baton_workspace_append_spend(handle(), &r));
    return *this;
  }
  // Imports an Arrow record batch into a canonical table; the caller keeps
  // and releases the arrays.
  Workspace& import_arrow(const std::string& table, const ArrowSchema* schema,
                          const ArrowArray* array, const Options& options = {}) {
    auto o = options.ToC();
    detail::Check(baton_workspace_import_arrow(handle(), table.c_str(), schema, array, o.get()));
    return *this;
  }
  void export_arrow(const std::string& table, ArrowSchema* schema, ArrowArray* array) {
    detail::Check(baton_workspace_export_arrow(handle(), table.c_str(), schema, array));
  }

  Workspace& freeze() {
    detail::Check(baton_workspace_freeze(handle()));
    return *this;
  }
  int64_t row_count(const std::string& table) const {
    int64_t n = 0;
    detail::Check(baton_workspace_row_count(handle(), table.c_str(), &n));
    return n;
  }
  // Load counts and notes (kind, connector, table, file, rows_read, ...).
  Table info() const {
    baton_table* t = nullptr;
    detail::Check(baton_workspace_info(handle(), &t));
    return Table(t);
  }

  Table funnel(const Options& options = {}) const { return Run(baton_funnel, options); }

  // Any analysis by name ("funnel", "attribution", ...; see baton_analyze).
  Table analyze(const std::string& analysis, const Options& options = {}) const {
    auto o = options.ToC();
    baton_table* t = nullptr;
    Call(baton_analyze(handle(), analysis.c_str(), o.get(), &t));
    return Table(t);
  }

  // Multi-touch attribution (attribution.model, .order, .by, ...; see baton.h).
  Table attribution(const Options& options = {}) const {
    return Run(baton_attribution, options);
  }
  // The Markov chain's transition probabilities (from, to, probability).
  Table markov_transitions(const Options& options = {}) const {
    return Run(baton_markov_transitions, options);
  }

  // The hand-off tables (handoff.by, .stage, .sla, .leak_after).
  Table handoff(const Options& options = {}) const { return Run(baton_handoff, options); }
  Table handoff_reasons(const Options& options = {}) const {
    return Run(baton_handoff_reasons, options);
  }
  Table handoff_by_response(const Options& options = {}) const {
    return Run(baton_handoff_by_response, options);
  }
  // Spend efficiency (spend.by, spend.model).
  Table spend(const Options& options = {}) const { return Run(baton_spend, options); }
  // Pipeline and sales outcomes (deals.by).
  Table deals(const Options& options = {}) const { return Run(baton_deals, options); }
  // The scorecard (scorecard.config = a TOML file with a [scorecard] table).
  Table scorecard(const Options& options = {}) const { return Run(baton_scorecard, options); }

  // Lead scoring (scoring.as_of, .label, .within, .capacity, .output, ...).
  Table score(const Options& options = {}) const { return Run(baton_score, options); }

  // Writes the self-contained HTML report.
  void report(const std::string& path, const Options& options = {}) const {
    auto o = options.ToC();
    Call(baton_report_write(handle(), path.c_str(), o.get()));
  }

  // Saves the workspace (freezing it first) as a .baton file, written to a
  // temporary name and renamed; load it back with load("FILE.baton").
  void save(const std::string& path) { Call(baton_workspace_save(handle(), path.c_str())); }

 private:
  struct State {
    baton_workspace* ws = nullptr;
    ProgressCallback progress;
    std::exception_ptr pending;
    static int Trampoline(void* user, double fraction, const char* phase) {
      auto* s = static_cast<State*>(user);
      try {
        return s->progress(fraction, phase ? phase : "") ? 1 : 0;
      } catch (...) {
        s->pending = std::current_exception();
        return 1;
      }
    }
  };

  using AnalysisFn = baton_status (*)(baton_workspace*, const baton_options*, baton_table**);
  // Runs an analysis of the C ABI into a Table.
  Table Run(AnalysisFn fn, const Options& options) const {
    auto o = options.ToC();
    baton_table* t = nullptr;
    Call(fn(handle(), o.get(), &t));
    return Table(t);
  }

  // Runs a call that may invoke the progress callback; an exception thrown
  // by the callback wins over the engine's BATON_CANCELLED.
  void Call(baton_status s) const {
    if (state_ && state_->pending) {
      std::exception_ptr e = std::exchange(state_->pending, nullptr);
      std::rethrow_exception(e);
    }
    detail::Check(s);
  }

  std::unique_ptr<State> state_;
};

// The loaded connector plugins (name, version, description, path, abi, ...).
inline Table Plugins() {
  baton_table* t = nullptr;
  detail::Check(baton_plugins(&t));
  return Table(t);
}

// Loads one plugin file explicitly.
inline void LoadPlugin(const std::string& path) { detail::Check(baton_plugin_load(path.c_str())); }

// Incremental load: reads `source` with the connector option since (""
// for everything, "auto" for rows modified since the last sync of this
// source saved in `into`, or a timestamp) and merges it into the .baton file
// `into` without duplicating rows. Returns per table the rows added,
// replaced and unchanged (see baton_sync in baton.h).
inline Table Sync(const std::string& source, const std::string& into,
                  const std::string& since = "", const Options& options = {}) {
  auto o = options.ToC();
  baton_table* t = nullptr;
  detail::Check(baton_sync(source.c_str(), into.c_str(), since.c_str(), o.get(), &t));
  return Table(t);
}

// Writes the sample dataset and its mapping (sample.toml) into folder.
inline void WriteSample(const std::string& folder, const Options& options = {}) {
  auto o = options.ToC();
  detail::Check(baton_sample_write(folder.c_str(), o.get()));
}

}  // namespace baton

#endif  // BATON_BATON_HPP_

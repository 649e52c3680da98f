// baton._baton: the private extension module under the `baton` package.
//
// A thin layer over the C++ facade (baton/baton.hpp, itself over the C ABI):
// it converts arguments (dicts of options, numpy columns as Arrow batches),
// results (tables as numpy arrays and lists, which baton/_frames.py turns
// into DataFrames) and errors (baton::Error as the package's exception
// classes, chosen in baton/_errors.py). No analysis happens here.
//
// Threads: every engine call runs with the GIL released. A workspace guards
// its handle with a reader/writer lock, taken only while the GIL is released
// (so that a progress callback waiting for the GIL can never deadlock with a
// thread waiting for the lock): analyses share it, so many threads analyse
// one frozen workspace at once; loads, imports and close take it alone.
// Cancellation: the engine's progress callback reacquires the GIL, runs
// PyErr_CheckSignals() (Ctrl-C) and the caller's Python callback, and asks
// the engine to stop when either raised or the callback returned true; the
// Python exception is re-raised once the engine has returned.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "arrow_batch.h"
#include "baton/baton.hpp"

namespace baton::python {
namespace {

namespace py = pybind11;
using StringMap = std::map<std::string, std::string>;

// ---- Errors ---------------------------------------------------------------

// An engine error from a call that reads a file the caller named, so that
// NOT_FOUND becomes a FileNotFoundError.
class FileCallError : public baton::Error {
 public:
  explicit FileCallError(const baton::Error& e) : baton::Error(e.code(), e.what()) {}
};

void RaiseEngineError(const baton::Error& e, bool file_call) {
  py::object exc = py::module_::import("baton._errors")
                       .attr("_from_engine")(static_cast<int>(e.code()), e.code_name(),
                                             e.what(), file_call);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
}

void TranslateEngineError(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const FileCallError& e) {
    try {
      RaiseEngineError(e, true);
    } catch (py::error_already_set& err) {
      err.restore();
    }
  } catch (const baton::Error& e) {
    try {
      RaiseEngineError(e, false);
    } catch (py::error_already_set& err) {
      err.restore();
    }
  }
}

// ---- Progress and cancellation -------------------------------------------

// The Python side of one engine call: its callback and what it raised.
struct CallContext {
  py::object callback = py::none();  // callable(fraction, phase) -> truthy to cancel
  std::optional<py::error_already_set> error;
  bool cancelled_by_callback = false;
  bool called = false;
  std::chrono::steady_clock::time_point last;
};

// The engine calls progress on the thread that made the call, so the
// context of the running call is thread-local: concurrent analyses on one
// workspace (one C callback) each see their own.
thread_local CallContext* t_call = nullptr;

class CallScope {
 public:
  explicit CallScope(CallContext* ctx) : saved_(std::exchange(t_call, ctx)) {}
  ~CallScope() { t_call = saved_; }

 private:
  CallContext* saved_;
};

// Python is consulted at most every kProgressInterval (the first and the
// final report always), so that engines reporting often do not serialise
// on the GIL.
constexpr auto kProgressInterval = std::chrono::milliseconds(40);

// The facade's progress callback: never throws (a throw would make the
// facade keep a pending exception shared by all threads of the workspace).
bool ProgressHook(double fraction, const std::string& phase) noexcept {
  CallContext* ctx = t_call;
  if (!ctx) return false;
  auto now = std::chrono::steady_clock::now();
  if (ctx->called && fraction < 1.0 && now - ctx->last < kProgressInterval) return false;
  ctx->called = true;
  ctx->last = now;
  py::gil_scoped_acquire gil;
  try {
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!ctx->callback.is_none()) {
      py::object text = py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(
          phase.data(), static_cast<Py_ssize_t>(phase.size()), "replace"));
      if (!text) throw py::error_already_set();
      py::object r = ctx->callback(fraction, text);
      int truth = PyObject_IsTrue(r.ptr());
      if (truth < 0) throw py::error_already_set();
      if (truth) {
        ctx->cancelled_by_callback = true;
        return true;
      }
    }
    return false;
  } catch (py::error_already_set& e) {
    ctx->error.emplace(std::move(e));
    return true;
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    ctx->error.emplace();
    return true;
  }
}

// Runs `fn` (a facade call, which takes the workspace's lock itself, so
// without the GIL) with the GIL released and ctx as the call's progress
// context; then turns what happened into Python's terms.
template <typename Fn>
auto RunEngine(CallContext* ctx, Fn&& fn) -> decltype(fn()) {
  using R = decltype(fn());
  std::optional<R> result;
  std::optional<baton::Error> error;
  {
    py::gil_scoped_release release;
    CallScope scope(ctx);
    try {
      result.emplace(fn());
    } catch (const baton::Error& e) {
      error.emplace(e);
    }
  }
  if (ctx->error) {
    // A Python exception (KeyboardInterrupt from Ctrl-C, or the callback's
    // own) wins over the engine's CANCELLED.
    py::error_already_set e = std::move(*ctx->error);
    ctx->error.reset();
    throw e;
  }
  if (error) {
    if (error->code() == BATON_CANCELLED && ctx->cancelled_by_callback)
      throw baton::Error(BATON_CANCELLED,
                         std::string("cancelled: the progress callback returned true (") +
                             error->what() + ")");
    throw *error;
  }
  return std::move(*result);
}

// ---- Result tables ----------------------------------------------------------

struct ColumnData {
  std::string name;
  baton::Table::Type type;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string> strings;
  std::vector<uint8_t> nulls;
  bool any_null = false;
};

struct TableData {
  std::string name;
  size_t rows = 0;
  std::vector<ColumnData> columns;
  std::vector<std::string> warnings;
};

// Reads every cell (no GIL needed: tables are immutable).
TableData ReadTable(const baton::Table& t) {
  TableData d;
  d.name = t.name();
  d.rows = t.num_rows();
  d.warnings = t.warnings();
  for (size_t c = 0, nc = t.num_columns(); c < nc; ++c) {
    ColumnData col;
    col.name = t.column_name(c);
    col.type = t.column_type(c);
    col.nulls.resize(d.rows);
    for (size_t r = 0; r < d.rows; ++r) {
      bool null = t.is_null(c, r);
      col.nulls[r] = null;
      col.any_null |= null;
      switch (col.type) {
        case baton::Table::Type::kString:
          col.strings.push_back(null ? std::string() : t.get_string(c, r));
          break;
        case baton::Table::Type::kFloat64:
          col.doubles.push_back(t.get_double(c, r));
          break;
        case baton::Table::Type::kInt64:
        case baton::Table::Type::kTimestamp:
          col.ints.push_back(t.get_int64(c, r));
          break;
      }
    }
    d.columns.push_back(std::move(col));
  }
  return d;
}

py::str Utf8(const std::string& s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

const char* TypeName(baton::Table::Type t) {
  switch (t) {
    case baton::Table::Type::kString: return "string";
    case baton::Table::Type::kInt64: return "int64";
    case baton::Table::Type::kFloat64: return "float64";
    case baton::Table::Type::kTimestamp: return "timestamp";
  }
  return "string";
}

// {"name", "columns": [(name, type, values, nulls or None)], "warnings"}:
// values are int64 (also timestamps, in UTC milliseconds) or float64 numpy
// arrays, or a list of str with None for nulls.
py::dict TableToPython(TableData d) {
  py::list columns;
  for (ColumnData& c : d.columns) {
    py::object values;
    if (c.type == baton::Table::Type::kString) {
      py::list l(c.strings.size());
      for (size_t r = 0; r < c.strings.size(); ++r)
        l[r] = c.nulls[r] ? py::object(py::none()) : py::object(Utf8(c.strings[r]));
      values = l;
    } else if (c.type == baton::Table::Type::kFloat64) {
      values = py::array_t<double>(static_cast<py::ssize_t>(c.doubles.size()), c.doubles.data());
    } else {
      values = py::array_t<int64_t>(static_cast<py::ssize_t>(c.ints.size()), c.ints.data());
    }
    py::object nulls = py::none();
    if (c.any_null) {
      py::array_t<bool> n(static_cast<py::ssize_t>(c.nulls.size()));
      bool* p = n.mutable_data();
      for (size_t r = 0; r < c.nulls.size(); ++r) p[r] = c.nulls[r] != 0;
      nulls = n;
    }
    columns.append(py::make_tuple(Utf8(c.name), TypeName(c.type), values, nulls));
  }
  py::list warnings;
  for (const std::string& w : d.warnings) warnings.append(Utf8(w));
  py::dict out;
  out["name"] = Utf8(d.name);
  out["rows"] = d.rows;
  out["columns"] = columns;
  out["warnings"] = warnings;
  return out;
}

baton::Options ToOptions(const StringMap& m) { return baton::Options(m); }

// ---- The last import's buffers (for the zero-copy tests) --------------------

std::mutex g_imports_mu;
std::map<std::string, std::vector<BufferAddresses>> g_last_imports;

void RecordImport(const std::string& table, std::vector<BufferAddresses> a) {
  std::lock_guard<std::mutex> lock(g_imports_mu);
  g_last_imports[table] = std::move(a);
}

// How long the engine itself took in the last call of each kind
// ("import_arrow:touches", "analyze:funnel"): the benchmark of the binding's
// overhead subtracts it from the time Python saw.
std::map<std::string, double> g_engine_seconds;

class EngineTimer {
 public:
  explicit EngineTimer(std::string what)
      : what_(std::move(what)), start_(std::chrono::steady_clock::now()) {}
  ~EngineTimer() {
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start_;
    std::lock_guard<std::mutex> lock(g_imports_mu);
    g_engine_seconds[what_] = d.count();
  }

 private:
  std::string what_;
  std::chrono::steady_clock::time_point start_;
};

py::dict EngineSeconds() {
  std::lock_guard<std::mutex> lock(g_imports_mu);
  py::dict out;
  for (const auto& [what, seconds] : g_engine_seconds) out[py::str(what)] = seconds;
  return out;
}

py::dict LastImports() {
  std::lock_guard<std::mutex> lock(g_imports_mu);
  py::dict out;
  for (const auto& [table, columns] : g_last_imports) {
    py::dict cols;
    for (const BufferAddresses& b : columns) {
      py::dict d;
      d["format"] = b.format;
      d["values"] = b.values;
      d["validity"] = b.validity;
      d["null_count"] = b.null_count;
      d["dictionary_values"] = b.dictionary_values;
      cols[py::str(b.name)] = d;
    }
    out[py::str(table)] = cols;
  }
  return out;
}

// ---- Workspace --------------------------------------------------------------

class PyWorkspace {
 public:
  PyWorkspace() {
    ws_.set_progress([](double f, const std::string& phase) { return ProgressHook(f, phase); });
  }

  void Load(const std::string& source, const StringMap& options, py::object progress) {
    CallContext ctx;
    ctx.callback = std::move(progress);
    try {
      RunEngine(&ctx, [&] {
        std::unique_lock lock(mu_);
        ws_.load(source, ToOptions(options));
        return 0;
      });
    } catch (const baton::Error& e) {
      throw FileCallError(e);
    }
  }

  void ImportColumns(const std::string& table, const py::list& columns, int64_t length,
                     const StringMap& options) {
    ArrowBatch batch(columns, length);
    RecordImport(table, batch.addresses());
    CallContext ctx;
    RunEngine(&ctx, [&] {
      std::unique_lock lock(mu_);
      EngineTimer timer("import_arrow:" + table);
      ws_.import_arrow(table, batch.schema(), batch.array(), ToOptions(options));
      return 0;
    });
  }

  void Freeze() {
    CallContext ctx;
    RunEngine(&ctx, [&] {
      std::unique_lock lock(mu_);
      EngineTimer timer("freeze");
      ws_.freeze();
      return 0;
    });
  }

  int64_t RowCount(const std::string& table) {
    CallContext ctx;
    return RunEngine(&ctx, [&] {
      std::shared_lock lock(mu_);
      return ws_.row_count(table);
    });
  }

  py::dict Info() {
    CallContext ctx;
    return TableToPython(RunEngine(&ctx, [&] {
      std::shared_lock lock(mu_);
      return ReadTable(ws_.info());
    }));
  }

  py::dict Analyze(const std::string& analysis, const StringMap& options) {
    CallContext ctx;
    return TableToPython(RunEngine(&ctx, [&] {
      std::shared_lock lock(mu_);
      baton::Table t;
      {
        EngineTimer timer("analyze:" + analysis);
        t = ws_.analyze(analysis, ToOptions(options));
      }
      return ReadTable(t);
    }));
  }

  void Report(const std::string& path, const StringMap& options) {
    CallContext ctx;
    RunEngine(&ctx, [&] {
      std::shared_lock lock(mu_);
      ws_.report(path, ToOptions(options));
      return 0;
    });
  }

  void Save(const std::string& path) {
    CallContext ctx;
    RunEngine(&ctx, [&] {
      std::unique_lock lock(mu_);  // saving freezes the workspace first
      ws_.save(path);
      return 0;
    });
  }

  void Close() {
    py::gil_scoped_release release;
    std::unique_lock lock(mu_);
    ws_.close();
    closed_ = true;
  }

  // Read without the lock, which may only be waited for without the GIL.
  bool closed() const { return closed_; }

 private:
  baton::Workspace ws_;
  std::shared_mutex mu_;
  std::atomic<bool> closed_{false};
};

py::dict Plugins() {
  CallContext ctx;
  return TableToPython(RunEngine(&ctx, [] { return ReadTable(baton::Plugins()); }));
}

py::dict Sync(const std::string& source, const std::string& into, const std::string& since,
             const StringMap& options) {
  CallContext ctx;
  return TableToPython(RunEngine(
      &ctx, [&] { return ReadTable(baton::Sync(source, into, since, ToOptions(options))); }));
}

void LoadPlugin(const std::string& path) {
  CallContext ctx;
  try {
    RunEngine(&ctx, [&] {
      baton::LoadPlugin(path);
      return 0;
    });
  } catch (const baton::Error& e) {
    throw FileCallError(e);
  }
}

void WriteSample(const std::string& folder, const StringMap& options) {
  CallContext ctx;
  RunEngine(&ctx, [&] {
    baton::WriteSample(folder, ToOptions(options));
    return 0;
  });
}

}  // namespace
}  // namespace baton::python

PYBIND11_MODULE(_baton, m) {
  using namespace baton::python;
  m.doc() = "Private extension of the baton package: use `import baton`.";
  py::register_exception_translator(&TranslateEngineError);

  m.def("version", &baton::Version, "The engine's release, e.g. \"1.0.0\".");
  m.def("abi_version", &baton::AbiVersion, "(major << 16) | minor of the loaded C ABI.");
  m.def("plugins", &Plugins, "The loaded connector plugins, as a table dict.");
  m.def("load_plugin", &LoadPlugin, py::arg("path"), "Loads one connector plugin file.");
  m.def("sync", &Sync, py::arg("source"), py::arg("into"), py::arg("since"), py::arg("options"),
        "Reads source and merges it into the .baton file into; a table dict of the counts.");
  m.def("sample_write", &WriteSample, py::arg("folder"), py::arg("options"),
        "Writes the sample dataset and sample.toml into folder.");
  m.def("_last_imports", &LastImports,
        "Debug hook: per table and column, the Arrow buffer addresses handed to "
        "the engine by the last import (values is the numpy data pointer when shared).");
  m.def("_engine_seconds", &EngineSeconds,
        "Debug hook: seconds the engine itself took in the last call of each kind "
        "(\"import_arrow:<table>\", \"freeze\", \"analyze:<name>\").");

  py::class_<PyWorkspace>(m, "Workspace", "An engine workspace (see baton.Workspace).")
      .def(py::init<>())
      .def("load", &PyWorkspace::Load, py::arg("source"), py::arg("options"),
           py::arg("progress") = py::none())
      .def("import_columns", &PyWorkspace::ImportColumns, py::arg("table"),
           py::arg("columns"), py::arg("length"), py::arg("options"))
      .def("freeze", &PyWorkspace::Freeze)
      .def("row_count", &PyWorkspace::RowCount, py::arg("table"))
      .def("info", &PyWorkspace::Info)
      .def("analyze", &PyWorkspace::Analyze, py::arg("analysis"), py::arg("options"))
      .def("report", &PyWorkspace::Report, py::arg("path"), py::arg("options"))
      .def("save", &PyWorkspace::Save, py::arg("path"))
      .def("close", &PyWorkspace::Close)
      .def_property_readonly("closed", &PyWorkspace::closed);
}

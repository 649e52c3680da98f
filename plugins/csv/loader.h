// Loader: feeds the entries of a mapping (mapping.h) to the host's sink, row
// by row, whatever the entries read: CSV files here, workbook sheets in the
// xlsx connector, which compiles this file in. A RecordSource gives the
// header and records of one entry's input; the loader checks every mapped
// column against every header before any row is loaded, applies [funnel] and
// [stage_map], filters rows by `where`, counts, rejects (on_error = "skip")
// and reports progress exactly as plugins/csv/README.md describes.
//
// Ownership and threads: everything here is built per call to a connector's
// read and used by the thread that made it; a source may run a worker thread
// of its own (CsvRecordSource does), but every call to the host and the sink
// stays on the calling thread.
#ifndef BATON_PLUGINS_CSV_LOADER_H_
#define BATON_PLUGINS_CSV_LOADER_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "baton/connector.h"
#include "error.h"
#include "mapping.h"

namespace baton::csv {

// The host's services, used only where its struct_size shows it has them.
class HostServices {
 public:
  explicit HostServices(const baton_host* host) : host_(host) {}

  void Log(int level, const std::string& message) const {
    if (Has(offsetof(baton_host, log), sizeof(host_->log)) && host_->log)
      host_->log(host_->self, level, message.c_str());
  }
  // True when the user asked to stop.
  bool Progress(double fraction, const std::string& what) const {
    if (!Has(offsetof(baton_host, progress), sizeof(host_->progress)) ||
        !host_->progress)
      return false;
    return host_->progress(host_->self, fraction, what.c_str()) != 0;
  }
  void SetError(int code, const char* message) const {
    if (Has(offsetof(baton_host, set_error), sizeof(host_->set_error)) &&
        host_->set_error)
      host_->set_error(host_->self, code, message);
  }

 private:
  bool Has(size_t offset, size_t size) const {
    return host_ && host_->struct_size >= offset + size;
  }
  const baton_host* host_;
};

// Load options (baton_kv) that win over the mapping.
struct LoadOptions {
  bool has_on_error = false;
  OnError on_error = OnError::kFail;
  std::string rejects;
  size_t block_size = 0;  // 0: the reader's default
  // since (UTC ms; plugin_time::kNoSince when not given): entries with a
  // modified_at column skip rows modified before it.
  int64_t since = std::numeric_limits<int64_t>::min();
};

// Reads on_error, rejects, block_size and since (a UTC time: the incremental
// load's lower bound); other keys are logged as unused.
// `connector` names the connector in messages ("csv", "xlsx").
Error ParseOptions(std::string_view connector, const HostServices& host,
                   const baton_kv* options, size_t n, LoadOptions* out);

// The records of one entry's input, after its header.
class RecordSource {
 public:
  virtual ~RecordSource() = default;

  // How messages and the sink name the input: "leads.csv", "book.xlsx[Leads]".
  virtual const std::string& name() const = 0;
  virtual const std::vector<std::string>& header() const = 0;
  // Called once before the first Next(); a source may start a worker here.
  virtual void Start() {}
  // Moves to the next record; *has_record is false at the end. A failed
  // read that ends the input is an Error; a record that cannot be read
  // properly sets row_error() instead.
  virtual Error Next(bool* has_record) = 0;
  // The current record: its row number as the user would find it, its
  // fields (valid until the next call to Next), and why it cannot be
  // trusted (empty when it can).
  virtual int64_t row() const = 0;
  virtual std::span<const baton_str> fields() const = 0;
  virtual const std::string& row_error() const = 0;
  // True when the next call to Next leaves the fields of the current record
  // (and of the records before it whose fields are still valid) valid, so a
  // caller may hold the fields of several records and hand them to the sink
  // together, calling Next with held fields only while this is true. A
  // source that cannot say returns false: each record is passed at once.
  virtual bool NextKeepsFields() const { return false; }
  // True when CellError may say something (spreadsheet error cells).
  virtual bool may_have_cell_errors() const { return false; }
  // Why the current record's cell in `column` holds no value (an error cell
  // such as #N/A, named with its sheet and cell), or empty.
  virtual std::string CellError(size_t /*column*/) const { return {}; }
  // Progress: the input's size and how much of it was consumed, in the
  // same unit; blocks_read() changes whenever it is worth reporting.
  virtual uint64_t size() const = 0;
  virtual uint64_t consumed() const = 0;
  virtual uint64_t blocks_read() const = 0;
};

// Opens the input of an entry.
class RecordSourceFactory {
 public:
  virtual ~RecordSourceFactory() = default;
  // header_only: only name(), header() and size() will be used (a cheap
  // open to check columns before loading). Errors name the input.
  virtual Error Open(const Entry& e, bool header_only,
                     std::unique_ptr<RecordSource>* out) = 0;
};

// Opens entries' CSV files (csv_reader.h), read on a worker thread
// (record_stream.h). block_size 0: the reader's default.
class CsvSourceFactory : public RecordSourceFactory {
 public:
  explicit CsvSourceFactory(size_t block_size) : block_size_(block_size) {}
  Error Open(const Entry& e, bool header_only,
             std::unique_ptr<RecordSource>* out) override;

 private:
  size_t block_size_;
};

// Loads every entry of `mapping`, in order, after checking every mapped
// column of every entry; applies [funnel] and [stage_map] first. Rejects
// files are renamed into place at the end, even after a failure.
Error LoadMapping(const HostServices& host, const baton_sink* sink,
                  const Mapping& mapping, const LoadOptions& options,
                  RecordSourceFactory* factory);

std::string_view TrimSpaces(std::string_view s);
bool EqualsIgnoringCase(std::string_view a, std::string_view b);
// True when `s` ends with `suffix`, ignoring ASCII case.
bool EndsWithIgnoringCase(std::string_view s, std::string_view suffix);

}  // namespace baton::csv

#endif  // BATON_PLUGINS_CSV_LOADER_H_

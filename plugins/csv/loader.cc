// The loader of mapping entries (loader.h): moved out of csv_connector.cc so
// that the xlsx connector feeds rows exactly as the csv connector does.

#include "loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "baton/connector.h"
#include "csv_reader.h"
#include "csv_writer.h"
#include "error.h"
#include "mapping.h"
#include "record_stream.h"
#include "utc_time.h"

namespace baton::csv {

Error ParseOptions(std::string_view connector, const HostServices& host,
                   const baton_kv* options, size_t n, LoadOptions* out) {
  const std::string name(connector);
  for (size_t i = 0; i < n; ++i) {
    if (!options || !options[i].key || !options[i].value)
      return Error::Make(BATON_INVALID_ARGUMENT, name + ": an option is NULL");
    const std::string_view key = options[i].key;
    const std::string_view value = options[i].value;
    if (key == "on_error") {
      Error e = ParseOnError(value, &out->on_error);
      if (!e.ok()) return Error::Make(e.code, name + " option " + e.message);
      out->has_on_error = true;
    } else if (key == "rejects") {
      if (value.empty())
        return Error::Make(BATON_INVALID_ARGUMENT, name + " option rejects is empty");
      out->rejects = std::string(value);
    } else if (key == "block_size") {
      size_t v = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || v == 0)
        return Error::Make(BATON_INVALID_ARGUMENT,
                           name + " option block_size \"" + std::string(value) +
                               "\" is not a positive number of bytes");
      out->block_size = v;
    } else if (key == "since") {
      if (!plugin_time::ParseUtcMillis(value, &out->since))
        return Error::Make(BATON_INVALID_ARGUMENT,
                           name + " option since \"" + std::string(value) +
                               "\" is not a time (use ISO 8601 such as "
                               "2024-03-05T10:00:00Z, or a date)");
    } else {
      host.Log(2, name + ": option \"" + std::string(key) +
                      "\" is not used; the " + name +
                      " connector knows on_error, rejects, block_size and since");
    }
  }
  return Error::Ok();
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool EndsWithIgnoringCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         EqualsIgnoringCase(s.substr(s.size() - suffix.size()), suffix);
}

namespace {

// A CSV file read by CsvReader, split on a worker thread once started.
class CsvRecordSource : public RecordSource {
 public:
  Error Open(const Entry& e, const CsvOptions& options) {
    name_ = e.file;
    return reader_.Open(e.path, e.file, options);
  }
  const std::string& name() const override { return name_; }
  const std::vector<std::string>& header() const override { return reader_.header(); }
  // From here on the reader belongs to the stream's worker thread.
  void Start() override { stream_.emplace(&reader_, RecordStreamOptions()); }
  Error Next(bool* has_record) override { return stream_->Next(has_record); }
  int64_t row() const override { return stream_->row(); }
  std::span<const baton_str> fields() const override { return stream_->fields(); }
  const std::string& row_error() const override { return stream_->row_error(); }
  bool NextKeepsFields() const override { return stream_->next_keeps_fields(); }
  uint64_t size() const override { return reader_.file_size(); }
  uint64_t consumed() const override { return stream_->bytes_consumed(); }
  uint64_t blocks_read() const override {
    return stream_ ? stream_->blocks_read() : reader_.blocks_read();
  }

 private:
  std::string name_;
  CsvReader reader_;
  // Declared after the reader, so destroyed (stopping its thread) first.
  std::optional<RecordStream> stream_;
};

}  // namespace

Error CsvSourceFactory::Open(const Entry& e, bool header_only,
                             std::unique_ptr<RecordSource>* out) {
  CsvOptions o = e.csv;
  if (block_size_) o.block_size = block_size_;
  // Only the header is needed to check columns: a small first block (it
  // grows for a longer header) spares reading and clearing megabytes.
  if (header_only) o.block_size = std::min<size_t>(o.block_size, size_t{64} << 10);
  auto source = std::make_unique<CsvRecordSource>();
  BATON_CSV_RETURN_IF_ERROR(source->Open(e, o));
  *out = std::move(source);
  return Error::Ok();
}

namespace {

// Rows handed to the sink per call of rows (the reader's batches hold 4,096).
constexpr size_t kRowsPerCall = 1024;
// Records read before the row count of a file is estimated for reserve.
constexpr int64_t kRowsBeforeEstimate = 1024;

// Whether the host's sink has the 1.1 members (a 1.0 host's ends at note).
bool SinkHasRows(const baton_sink* sink) {
  return sink->struct_size >= offsetof(baton_sink, rows) + sizeof(sink->rows) &&
         sink->rows != nullptr;
}
bool SinkHasReserve(const baton_sink* sink) {
  return sink->struct_size >= offsetof(baton_sink, reserve) + sizeof(sink->reserve) &&
         sink->reserve != nullptr;
}

// Where each mapped column is in one file.
struct Plan {
  std::vector<int> field_column;  // per entry field: column index, -1 constant
  struct Filter {
    size_t column;
    const std::vector<std::string>* values;
  };
  std::vector<Filter> filters;
  int modified_column = -1;  // the entry's modified_at, when since is given
};

class Loader {
 public:
  Loader(const HostServices& host, const baton_sink* sink, const Mapping& mapping,
         const LoadOptions& options, RecordSourceFactory* factory)
      : host_(host), sink_(sink), mapping_(mapping), options_(options),
        factory_(factory) {}

  Error Run();
  // Renames the rejects files into place (see RejectsLog::Commit).
  Error CommitRejects() { return rejects_.Commit(); }

 private:
  OnError Mode(const Entry& e) const {
    return options_.has_on_error ? options_.on_error : e.on_error;
  }
  std::string RejectsPath(const Entry& e) const {
    return options_.rejects.empty() ? e.rejects_path : options_.rejects;
  }
  std::string SinkError() const {
    const char* m = sink_->last_error ? sink_->last_error(sink_->self) : nullptr;
    return m && *m ? m : "the host refused the row without a message";
  }
  bool Cancelled(const std::string& name, uint64_t bytes_in_file) const {
    const double fraction =
        total_bytes_ ? static_cast<double>(done_bytes_ + bytes_in_file) /
                           static_cast<double>(total_bytes_)
                     : -1.0;
    return host_.Progress(std::min(fraction, 1.0), "reading " + name);
  }

  Error ApplyStages();
  Error Resolve(const Entry& e, const RecordSource& source, Plan* plan) const;
  Error FindColumn(const Entry& e, const RecordSource& source,
                   const std::string& column, const std::string& key,
                   size_t* index) const;
  Error Open(const Entry& e, bool header_only,
             std::unique_ptr<RecordSource>* source) const;
  Error Load(const Entry& e);

  HostServices host_;
  const baton_sink* sink_;
  const Mapping& mapping_;
  LoadOptions options_;
  RecordSourceFactory* factory_;
  RejectsLog rejects_;
  uint64_t total_bytes_ = 0;
  uint64_t done_bytes_ = 0;
};

Error Loader::ApplyStages() {
  if (mapping_.has_funnel) {
    if (!sink_->set_stages)
      return Error::Make(BATON_UNSUPPORTED,
                         mapping_.path + ": [funnel]: this host cannot change the funnel");
    std::vector<const char*> names;
    for (const auto& s : mapping_.funnel) names.push_back(s.c_str());
    for (const auto& s : mapping_.exits) names.push_back(s.c_str());
    int rc = sink_->set_stages(sink_->self, names.data(), mapping_.funnel.size(),
                               mapping_.exits.size());
    if (rc != BATON_OK)
      return Error::Make(rc, mapping_.path + ":" + std::to_string(mapping_.funnel_line) +
                                 ": [funnel]: " + SinkError());
  }
  for (const auto& [value, stage] : mapping_.stage_map) {
    if (!sink_->map_stage)
      return Error::Make(BATON_UNSUPPORTED,
                         mapping_.path + ": [stage_map]: this host cannot map stages");
    int rc = sink_->map_stage(sink_->self, value.c_str(), stage.c_str());
    if (rc != BATON_OK)
      return Error::Make(rc, mapping_.path + ":" +
                                 std::to_string(mapping_.stage_map_line) +
                                 ": [stage_map] \"" + value + "\": " + SinkError());
  }
  return Error::Ok();
}

Error Loader::FindColumn(const Entry& e, const RecordSource& source,
                         const std::string& column, const std::string& key,
                         size_t* index) const {
  const std::vector<std::string>& header = source.header();
  std::vector<size_t> exact, trimmed;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == column) exact.push_back(i);
    else if (TrimSpaces(header[i]) == TrimSpaces(column)) trimmed.push_back(i);
  }
  // Headers with stray spaces ("Email ") are common in hand-made sheets.
  const std::vector<size_t>& hits = exact.empty() ? trimmed : exact;
  if (hits.size() == 1) {
    *index = hits[0];
    return Error::Ok();
  }
  const std::string where = e.Context(mapping_.path) + ": column \"" + column +
                            "\" (" + key + ")";
  if (hits.size() > 1)
    return Error::Make(BATON_INVALID_ARGUMENT,
                       where + " appears " + std::to_string(hits.size()) +
                           " times in the header of " + source.name() +
                           " (columns " + std::to_string(hits[0] + 1) + " and " +
                           std::to_string(hits[1] + 1) +
                           "); rename one so the mapping can tell them apart");
  std::string message = where + " is not in " + source.name();
  for (const auto& h : header) {
    if (EqualsIgnoringCase(TrimSpaces(h), TrimSpaces(column))) {
      message += " (did you mean \"" + h + "\"? names are case-sensitive)";
      break;
    }
  }
  message += "; columns are: ";
  const size_t shown = std::min<size_t>(header.size(), 60);
  for (size_t i = 0; i < shown; ++i) {
    if (i) message += ", ";
    message += header[i];
  }
  if (shown < header.size())
    message += ", ... (" + std::to_string(header.size() - shown) + " more)";
  return Error::Make(BATON_NOT_FOUND, message);
}

Error Loader::Resolve(const Entry& e, const RecordSource& source, Plan* plan) const {
  plan->field_column.clear();
  plan->filters.clear();
  for (const FieldMapping& f : e.fields) {
    if (f.is_constant) {
      plan->field_column.push_back(-1);
      continue;
    }
    size_t index = 0;
    BATON_CSV_RETURN_IF_ERROR(FindColumn(e, source, f.column, f.key, &index));
    plan->field_column.push_back(static_cast<int>(index));
  }
  for (const WhereClause& w : e.where) {
    size_t index = 0;
    BATON_CSV_RETURN_IF_ERROR(FindColumn(e, source, w.column, "where", &index));
    plan->filters.push_back(Plan::Filter{index, &w.values});
  }
  plan->modified_column = -1;
  if (!e.modified_at.empty() && options_.since != plugin_time::kNoSince) {
    size_t index = 0;
    BATON_CSV_RETURN_IF_ERROR(FindColumn(e, source, e.modified_at, "modified_at", &index));
    plan->modified_column = static_cast<int>(index);
  }
  return Error::Ok();
}

Error Loader::Open(const Entry& e, bool header_only,
                   std::unique_ptr<RecordSource>* source) const {
  Error opened = factory_->Open(e, header_only, source);
  if (!opened.ok())
    return Error::Make(opened.code, e.Context(mapping_.path) + ": " + opened.message);
  return Error::Ok();
}

Error Loader::Run() {
  // Check every file and column before loading anything.
  for (const Entry& e : mapping_.entries) {
    std::unique_ptr<RecordSource> source;
    BATON_CSV_RETURN_IF_ERROR(Open(e, /*header_only=*/true, &source));
    Plan plan;
    BATON_CSV_RETURN_IF_ERROR(Resolve(e, *source, &plan));
    total_bytes_ += source->size();
  }
  BATON_CSV_RETURN_IF_ERROR(ApplyStages());
  for (const Entry& e : mapping_.entries) BATON_CSV_RETURN_IF_ERROR(Load(e));
  host_.Progress(1.0, "read " + mapping_.path);
  return Error::Ok();
}

Error Loader::Load(const Entry& e) {
  std::unique_ptr<RecordSource> source;
  BATON_CSV_RETURN_IF_ERROR(Open(e, /*header_only=*/false, &source));
  RecordSource& records = *source;
  const std::string& name = records.name();
  Plan plan;
  BATON_CSV_RETURN_IF_ERROR(Resolve(e, records, &plan));

  std::vector<baton_field_spec> specs;
  for (const FieldMapping& f : e.fields)
    specs.push_back(baton_field_spec{f.field.c_str(),
                                     f.is_constant ? nullptr : f.column.c_str()});
  // Last, so that values[i] feeds specs[i] for every value-carrying field.
  if (!e.separator.empty())
    specs.push_back(baton_field_spec{"separator", e.separator.c_str()});
  uint32_t batch = 0;
  int rc = sink_->open(sink_->self, e.table.c_str(), name.c_str(), specs.data(),
                       specs.size(), &batch);
  if (rc != BATON_OK)
    return Error::Make(rc, e.Context(mapping_.path) + ": " + SinkError());

  std::vector<baton_str> values(e.fields.size());
  for (size_t i = 0; i < e.fields.size(); ++i)
    if (e.fields[i].is_constant)
      values[i] = baton_str{e.fields[i].constant.data(), e.fields[i].constant.size()};

  // Error cells matter only in the columns a row is filtered or fed by.
  std::vector<size_t> filter_columns, field_columns;
  if (records.may_have_cell_errors()) {
    for (const Plan::Filter& f : plan.filters) filter_columns.push_back(f.column);
    for (int c : plan.field_column)
      if (c >= 0) field_columns.push_back(static_cast<size_t>(c));
  }
  auto cell_error = [&](const std::vector<size_t>& columns) -> std::string {
    for (size_t c : columns) {
      std::string why = records.CellError(c);
      if (!why.empty()) return why;
    }
    return {};
  };

  const bool skip = Mode(e) == OnError::kSkip;
  int64_t rows_read = 0, rows_rejected = 0, rows_unmodified = 0;

  // Rows wait here, row-major, for one call of the sink's rows (1.1 hosts):
  // consecutive rows of one reader batch, so their views stay valid. A
  // rejecting load (on_error = "skip") needs to know which row failed, so
  // it passes rows one by one.
  const bool batched = !skip && SinkHasRows(sink_);
  const size_t width = values.size();
  std::vector<baton_str> pending(batched ? kRowsPerCall * width : 0);
  size_t pending_rows = 0;
  int64_t pending_first = 0;
  auto flush = [&]() -> Error {
    if (pending_rows == 0) return Error::Ok();
    const int code = sink_->rows(sink_->self, batch, pending_first, pending_rows,
                                 pending.data());
    pending_rows = 0;
    if (code != BATON_OK) return Error::Make(code, SinkError());
    return Error::Ok();
  };
  bool estimated = !SinkHasReserve(sink_);
  bool rejects_open = false;
  size_t rejects_handle = 0;
  std::string rejects_path;
  auto reject = [&](const std::string& why) -> Error {
    if (!rejects_open) {
      BATON_CSV_RETURN_IF_ERROR(rejects_.Open(RejectsPath(e), records.header(),
                                              &rejects_handle, &rejects_path));
      rejects_open = true;
    }
    ++rows_rejected;
    return rejects_.Add(rejects_handle, name, records.row(),
                        std::vector<baton_str>(records.fields().begin(),
                                               records.fields().end()),
                        why);
  };

  if (Cancelled(name, 0))
    return Error::Make(BATON_CANCELLED, "cancelled before reading " + name);
  uint64_t blocks_seen = records.blocks_read();
  // From here on a source may read on a worker thread; this thread keeps
  // every call to the host.
  records.Start();
  for (;;) {
    if (pending_rows > 0 && (pending_rows == kRowsPerCall || !records.NextKeepsFields()))
      BATON_CSV_RETURN_IF_ERROR(flush());
    bool has_record = false;
    Error next = records.Next(&has_record);
    if (!next.ok()) {
      // The rows before a reading error are added first, as one by one.
      BATON_CSV_RETURN_IF_ERROR(flush());
      return next;
    }
    if (!has_record) break;
    if (records.blocks_read() != blocks_seen) {
      BATON_CSV_RETURN_IF_ERROR(flush());
      blocks_seen = records.blocks_read();
      if (Cancelled(name, records.consumed()))
        return Error::Make(BATON_CANCELLED, "cancelled while reading " + name +
                                                " (at row " +
                                                std::to_string(records.row()) + ")");
    }
    const std::span<const baton_str> fields = records.fields();
    // Copied only for a record that has a problem: most have none.
    std::string bad;
    if (!records.row_error().empty()) bad = records.row_error();
    if (bad.empty() && !filter_columns.empty()) bad = cell_error(filter_columns);
    if (!bad.empty()) {
      ++rows_read;
      if (!skip) {
        BATON_CSV_RETURN_IF_ERROR(flush());
        return Error::Make(BATON_PARSE_ERROR, bad);
      }
      BATON_CSV_RETURN_IF_ERROR(reject(bad));
      continue;
    }
    bool keep = true;
    for (const Plan::Filter& f : plan.filters) {
      const std::string_view v =
          TrimSpaces(std::string_view(fields[f.column].data, fields[f.column].size));
      if (std::find(f.values->begin(), f.values->end(), v) == f.values->end()) {
        keep = false;
        break;
      }
    }
    if (!keep) continue;
    // An incremental load skips rows not modified since the last one, as it
    // skips rows `where` filters out; a time that cannot be read keeps the
    // row, since loading it again is harmless (the merge drops duplicates).
    if (plan.modified_column >= 0) {
      const baton_str m = fields[static_cast<size_t>(plan.modified_column)];
      int64_t t = 0;
      if (plugin_time::ParseUtcMillis(std::string_view(m.data, m.size), &t) &&
          t < options_.since) {
        ++rows_unmodified;
        continue;
      }
    }
    ++rows_read;
    if (!field_columns.empty()) {
      bad = cell_error(field_columns);
      if (!bad.empty()) {
        if (!skip) {
          BATON_CSV_RETURN_IF_ERROR(flush());
          return Error::Make(BATON_PARSE_ERROR, bad);
        }
        BATON_CSV_RETURN_IF_ERROR(reject(bad));
        continue;
      }
    }
    if (!estimated && rows_read >= kRowsBeforeEstimate) {
      // Size the table once from the average record so far, with a margin:
      // falling short by one row would double every column again.
      estimated = true;
      const uint64_t consumed = records.consumed();
      const uint64_t size = records.size();
      if (consumed > 0 && size > consumed) {
        const double per_byte =
            static_cast<double>(rows_read) / static_cast<double>(consumed);
        const double more = per_byte * static_cast<double>(size - consumed);
        const int64_t expected =
            static_cast<int64_t>(std::min(more * 1.0625 + 1024.0, 4.0e9));
        rc = sink_->reserve(sink_->self, batch, expected);
        if (rc != BATON_OK) return Error::Make(rc, SinkError());
      }
    }
    if (batched) {
      if (pending_rows > 0 &&
          records.row() != pending_first + static_cast<int64_t>(pending_rows))
        BATON_CSV_RETURN_IF_ERROR(flush());
      if (pending_rows == 0) pending_first = records.row();
      baton_str* out = pending.data() + pending_rows * width;
      for (size_t i = 0; i < width; ++i)
        out[i] = plan.field_column[i] >= 0
                     ? fields[static_cast<size_t>(plan.field_column[i])]
                     : values[i];
      ++pending_rows;
      continue;
    }
    for (size_t i = 0; i < values.size(); ++i)
      if (plan.field_column[i] >= 0) values[i] = fields[plan.field_column[i]];
    rc = sink_->row(sink_->self, batch, records.row(), values.data());
    if (rc != BATON_OK) {
      const bool row_problem = rc == BATON_PARSE_ERROR || rc == BATON_INVALID_ARGUMENT;
      if (!skip || !row_problem) return Error::Make(rc, SinkError());
      BATON_CSV_RETURN_IF_ERROR(reject(SinkError()));
    }
  }
  BATON_CSV_RETURN_IF_ERROR(flush());
  rc = sink_->close(sink_->self, batch, rows_read, rows_rejected,
                    rows_rejected ? rejects_path.c_str() : nullptr);
  if (rc != BATON_OK) return Error::Make(rc, SinkError());
  if (rows_unmodified && sink_->note)
    sink_->note(sink_->self, (name + ": " + std::to_string(rows_unmodified) +
                              " rows modified before the since time (column \"" +
                              e.modified_at + "\") were not loaded")
                                 .c_str());
  if (rows_rejected)
    host_.Log(2, name + ": " + std::to_string(rows_rejected) + " of " +
                     std::to_string(rows_read) +
                     " rows rejected (on_error = \"skip\"); they are in " +
                     rejects_path);
  done_bytes_ += records.size();
  return Error::Ok();
}

}  // namespace

Error LoadMapping(const HostServices& host, const baton_sink* sink,
                  const Mapping& mapping, const LoadOptions& options,
                  RecordSourceFactory* factory) {
  Loader loader(host, sink, mapping, options, factory);
  Error result = loader.Run();
  Error committed = loader.CommitRejects();
  return result.ok() ? committed : result;
}

}  // namespace baton::csv

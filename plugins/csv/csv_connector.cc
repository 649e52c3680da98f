// The csv connector: loads delimited text files (spreadsheet and CRM exports)
// into Baton's canonical tables through a mapping file (TOML), and writes
// result tables as CSV.
//
// read(location = the mapping file):
//  1. The mapping is parsed and checked (mapping.h); then every input file
//     is opened and its header checked against the columns the mapping
//     names, before any row is loaded, so a typo costs milliseconds.
//  2. [funnel] goes to sink->set_stages, [stage_map] to sink->map_stage.
//  3. Each entry, in file order, opens one batch and pushes its rows as
//     text; the host parses times, numbers and stages. A file read by
//     several entries is simply read once per entry.
//
// Counting, per entry: rows read = rows accepted + rows rejected, as given to
// sink->close. A row that fails the entry's `where` filter is not counted at
// all: it is not a row of this table. A row that cannot be split properly
// (wrong field count, text after a closing quote, bytes invalid in the
// encoding) is counted as read whatever the filter says, since its values
// cannot be trusted to be in their columns.
//
// on_error = "fail" (default): the first bad row stops the load with the
// host's message (sink->last_error) or the reader's ("FILE:ROW: ...").
// on_error = "skip": a bad row (one the sink refuses with BATON_PARSE_ERROR
// or BATON_INVALID_ARGUMENT, or one that cannot be split) is counted, written
// to the rejects file with _file, _row and _error columns (csv_writer.h), and
// reading goes on. Other failures (a quote never closed, a read error, the
// host refusing for other reasons) stop the load in both modes. Rejects files
// are renamed into place at the end of the load, even a failed one.
//
// Options (baton_kv), which win over the mapping: on_error ("fail"|"skip"),
// rejects (a path), block_size (bytes per read; a tuning and test knob).
// Unknown options are reported through host->log as warnings.
//
// Progress: host->progress(fraction of all input bytes, "reading FILE") at
// the start of each entry and after each block read; a non-zero return
// stops the load with BATON_CANCELLED.
//
// write(location = the output file): the whole table as CSV (csv_writer.h),
// nulls as empty fields, timestamps as ISO 8601 UTC, written to a temporary
// file and renamed.
//
// Nothing escapes the C boundary: every entry point catches all exceptions.
// No global mutable state: every call builds its own objects.
//
// Threads: while one file loads, a worker thread reads and splits its
// records a few batches ahead (record_stream.h); every call to the host and
// the sink stays on the thread that called read, as connector.h requires.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "baton/connector.h"
#include "csv_reader.h"
#include "csv_writer.h"
#include "error.h"
#include "mapping.h"
#include "record_stream.h"

namespace baton::csv {
namespace {

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

struct LoadOptions {
  bool has_on_error = false;
  OnError on_error = OnError::kFail;
  std::string rejects;
  size_t block_size = 0;  // 0: the reader's default
};

Error ParseOptions(const HostServices& host, const baton_kv* options, size_t n,
                   LoadOptions* out) {
  for (size_t i = 0; i < n; ++i) {
    if (!options || !options[i].key || !options[i].value)
      return Error::Make(BATON_INVALID_ARGUMENT, "csv: an option is NULL");
    const std::string_view key = options[i].key;
    const std::string_view value = options[i].value;
    if (key == "on_error") {
      Error e = ParseOnError(value, &out->on_error);
      if (!e.ok()) return Error::Make(e.code, "csv option " + e.message);
      out->has_on_error = true;
    } else if (key == "rejects") {
      if (value.empty())
        return Error::Make(BATON_INVALID_ARGUMENT, "csv option rejects is empty");
      out->rejects = std::string(value);
    } else if (key == "block_size") {
      size_t v = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || v == 0)
        return Error::Make(BATON_INVALID_ARGUMENT,
                           "csv option block_size \"" + std::string(value) +
                               "\" is not a positive number of bytes");
      out->block_size = v;
    } else {
      host.Log(2, "csv: option \"" + std::string(key) +
                      "\" is not used; the csv connector knows on_error, "
                      "rejects and block_size");
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

// Where each mapped column is in one file.
struct Plan {
  std::vector<int> field_column;  // per entry field: column index, -1 constant
  struct Filter {
    size_t column;
    const std::vector<std::string>* values;
  };
  std::vector<Filter> filters;
};

class Loader {
 public:
  Loader(const HostServices& host, const baton_sink* sink, const Mapping& mapping,
         const LoadOptions& options)
      : host_(host), sink_(sink), mapping_(mapping), options_(options) {}

  Error Run();
  // Renames the rejects files into place (see RejectsLog::Commit).
  Error CommitRejects() { return rejects_.Commit(); }

 private:
  CsvOptions ReaderOptions(const Entry& e) const {
    CsvOptions o = e.csv;
    if (options_.block_size) o.block_size = options_.block_size;
    return o;
  }
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
  bool Cancelled(const Entry& e, uint64_t bytes_in_file) const {
    const double fraction =
        total_bytes_ ? static_cast<double>(done_bytes_ + bytes_in_file) /
                           static_cast<double>(total_bytes_)
                     : -1.0;
    return host_.Progress(std::min(fraction, 1.0), "reading " + e.file);
  }

  Error ApplyStages();
  Error Resolve(const Entry& e, const std::vector<std::string>& header,
                Plan* plan) const;
  Error FindColumn(const Entry& e, const std::vector<std::string>& header,
                   const std::string& column, const std::string& key,
                   size_t* index) const;
  Error Load(const Entry& e);

  HostServices host_;
  const baton_sink* sink_;
  const Mapping& mapping_;
  LoadOptions options_;
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

Error Loader::FindColumn(const Entry& e, const std::vector<std::string>& header,
                         const std::string& column, const std::string& key,
                         size_t* index) const {
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
                           " times in the header of " + e.file +
                           " (columns " + std::to_string(hits[0] + 1) + " and " +
                           std::to_string(hits[1] + 1) +
                           "); rename one so the mapping can tell them apart");
  std::string message = where + " is not in " + e.file;
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

Error Loader::Resolve(const Entry& e, const std::vector<std::string>& header,
                      Plan* plan) const {
  plan->field_column.clear();
  plan->filters.clear();
  for (const FieldMapping& f : e.fields) {
    if (f.is_constant) {
      plan->field_column.push_back(-1);
      continue;
    }
    size_t index = 0;
    BATON_CSV_RETURN_IF_ERROR(FindColumn(e, header, f.column, f.key, &index));
    plan->field_column.push_back(static_cast<int>(index));
  }
  for (const WhereClause& w : e.where) {
    size_t index = 0;
    BATON_CSV_RETURN_IF_ERROR(FindColumn(e, header, w.column, "where", &index));
    plan->filters.push_back(Plan::Filter{index, &w.values});
  }
  return Error::Ok();
}

Error Loader::Run() {
  // Check every file and column before loading anything.
  for (const Entry& e : mapping_.entries) {
    CsvReader reader;
    // Only the header is needed here: a small first block (it grows for a
    // longer header) spares reading and clearing megabytes per file.
    CsvOptions header_only = ReaderOptions(e);
    header_only.block_size = std::min<size_t>(header_only.block_size, size_t{64} << 10);
    Error opened = reader.Open(e.path, e.file, header_only);
    if (!opened.ok())
      return Error::Make(opened.code, e.Context(mapping_.path) + ": " + opened.message);
    Plan plan;
    BATON_CSV_RETURN_IF_ERROR(Resolve(e, reader.header(), &plan));
    total_bytes_ += reader.file_size();
  }
  BATON_CSV_RETURN_IF_ERROR(ApplyStages());
  for (const Entry& e : mapping_.entries) BATON_CSV_RETURN_IF_ERROR(Load(e));
  host_.Progress(1.0, "read " + mapping_.path);
  return Error::Ok();
}

Error Loader::Load(const Entry& e) {
  CsvReader reader;
  Error opened = reader.Open(e.path, e.file, ReaderOptions(e));
  if (!opened.ok())
    return Error::Make(opened.code, e.Context(mapping_.path) + ": " + opened.message);
  Plan plan;
  BATON_CSV_RETURN_IF_ERROR(Resolve(e, reader.header(), &plan));

  std::vector<baton_field_spec> specs;
  for (const FieldMapping& f : e.fields)
    specs.push_back(baton_field_spec{f.field.c_str(),
                                     f.is_constant ? nullptr : f.column.c_str()});
  // Last, so that values[i] feeds specs[i] for every value-carrying field.
  if (!e.separator.empty())
    specs.push_back(baton_field_spec{"separator", e.separator.c_str()});
  uint32_t batch = 0;
  int rc = sink_->open(sink_->self, e.table.c_str(), e.file.c_str(), specs.data(),
                       specs.size(), &batch);
  if (rc != BATON_OK)
    return Error::Make(rc, e.Context(mapping_.path) + ": " + SinkError());

  std::vector<baton_str> values(e.fields.size());
  for (size_t i = 0; i < e.fields.size(); ++i)
    if (e.fields[i].is_constant)
      values[i] = baton_str{e.fields[i].constant.data(), e.fields[i].constant.size()};

  const bool skip = Mode(e) == OnError::kSkip;
  // Declared after the reader, so destroyed (stopping its thread) first.
  std::optional<RecordStream> records;
  int64_t rows_read = 0, rows_rejected = 0;
  bool rejects_open = false;
  size_t rejects_handle = 0;
  std::string rejects_path;
  auto reject = [&](const std::string& why) -> Error {
    const RecordStream& rs = *records;
    if (!rejects_open) {
      BATON_CSV_RETURN_IF_ERROR(rejects_.Open(RejectsPath(e), reader.header(),
                                              &rejects_handle, &rejects_path));
      rejects_open = true;
    }
    ++rows_rejected;
    return rejects_.Add(rejects_handle, e.file, rs.row(),
                        std::vector<baton_str>(rs.fields().begin(), rs.fields().end()),
                        why);
  };

  if (Cancelled(e, 0))
    return Error::Make(BATON_CANCELLED, "cancelled before reading " + e.file);
  uint64_t blocks_seen = reader.blocks_read();
  // From here on the reader belongs to the stream's worker thread; this
  // thread keeps every call to the host.
  records.emplace(&reader, RecordStreamOptions());
  for (;;) {
    bool has_record = false;
    BATON_CSV_RETURN_IF_ERROR(records->Next(&has_record));
    if (!has_record) break;
    if (records->blocks_read() != blocks_seen) {
      blocks_seen = records->blocks_read();
      if (Cancelled(e, records->bytes_consumed()))
        return Error::Make(BATON_CANCELLED, "cancelled while reading " + e.file +
                                                " (at row " +
                                                std::to_string(records->row()) + ")");
    }
    const std::span<const baton_str> fields = records->fields();
    if (!records->row_error().empty()) {
      ++rows_read;
      if (!skip) return Error::Make(BATON_PARSE_ERROR, records->row_error());
      BATON_CSV_RETURN_IF_ERROR(reject(records->row_error()));
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
    ++rows_read;
    for (size_t i = 0; i < values.size(); ++i)
      if (plan.field_column[i] >= 0) values[i] = fields[plan.field_column[i]];
    rc = sink_->row(sink_->self, batch, records->row(), values.data());
    if (rc != BATON_OK) {
      const bool row_problem = rc == BATON_PARSE_ERROR || rc == BATON_INVALID_ARGUMENT;
      if (!skip || !row_problem) return Error::Make(rc, SinkError());
      BATON_CSV_RETURN_IF_ERROR(reject(SinkError()));
    }
  }
  rc = sink_->close(sink_->self, batch, rows_read, rows_rejected,
                    rows_rejected ? rejects_path.c_str() : nullptr);
  if (rc != BATON_OK) return Error::Make(rc, SinkError());
  if (rows_rejected)
    host_.Log(2, e.file + ": " + std::to_string(rows_rejected) + " of " +
                     std::to_string(rows_read) +
                     " rows rejected (on_error = \"skip\"); they are in " +
                     rejects_path);
  done_bytes_ += reader.file_size();
  return Error::Ok();
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         EqualsIgnoringCase(s.substr(s.size() - suffix.size()), suffix);
}

Error ReadMapping(const HostServices& host, const char* location,
                  const baton_kv* options, size_t num_options,
                  const baton_sink* sink) {
  if (!location || !*location)
    return Error::Make(BATON_INVALID_ARGUMENT, "csv: no mapping file given");
  if (!sink || sink->struct_size < offsetof(baton_sink, last_error) + sizeof(sink->last_error) ||
      !sink->open || !sink->row || !sink->close || !sink->last_error)
    return Error::Make(BATON_INVALID_ARGUMENT, "csv: the host's sink lacks functions");
  const std::string path = location;
  if (EndsWith(path, ".csv") || EndsWith(path, ".tsv") || EndsWith(path, ".txt"))
    return Error::Make(BATON_INVALID_ARGUMENT,
                       "csv: " + path +
                           " is a data file; the csv connector reads a mapping "
                           "file (.toml) that says which columns feed which "
                           "fields, e.g. [[people]] file = \"leads.csv\" "
                           "person_id = \"Id\"");
  LoadOptions load_options;
  BATON_CSV_RETURN_IF_ERROR(ParseOptions(host, options, num_options, &load_options));
  Mapping mapping;
  BATON_CSV_RETURN_IF_ERROR(ParseMapping(path, &mapping));
  if (mapping.entries.empty())
    host.Log(2, path + ": the mapping has no [[people]], [[touches]], [[stages]], "
                       "[[deals]], [[spend]] or [[paths]] entry; nothing was read");
  Loader loader(host, sink, mapping, load_options);
  Error result = loader.Run();
  Error committed = loader.CommitRejects();
  return result.ok() ? committed : result;
}

// ---- write ----

// Civil date of a day count since 1970-01-01 (proleptic Gregorian; the
// era/day-of-era method of Howard Hinnant's public-domain date algorithms).
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

// "2024-01-15T10:22:33Z", with ".123" only when the milliseconds are not 0.
void AppendTimestamp(std::string* out, int64_t millis) {
  constexpr int64_t kDay = 86400000;
  int64_t days = millis / kDay;
  int64_t rem = millis % kDay;
  if (rem < 0) {
    rem += kDay;
    --days;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  const int64_t s = rem / 1000, ms = rem % 1000;
  char buf[64];
  int n = ms ? std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                             static_cast<long long>(y), m, d,
                             static_cast<long long>(s / 3600),
                             static_cast<long long>(s / 60 % 60),
                             static_cast<long long>(s % 60), static_cast<long long>(ms))
             : std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                             static_cast<long long>(y), m, d,
                             static_cast<long long>(s / 3600),
                             static_cast<long long>(s / 60 % 60),
                             static_cast<long long>(s % 60));
  if (n > 0) out->append(buf, static_cast<size_t>(std::min<int>(n, sizeof buf - 1)));
}

Error WriteTableCsv(const HostServices& host, const char* location,
                    const baton_kv* options, size_t num_options,
                    const baton_table_view* table) {
  if (!location || !*location)
    return Error::Make(BATON_INVALID_ARGUMENT, "csv: no output file given");
  if (!table ||
      table->struct_size < offsetof(baton_table_view, get_string) + sizeof(table->get_string) ||
      !table->column_name || !table->column_type || !table->is_null ||
      !table->get_int64 || !table->get_double || !table->get_string)
    return Error::Make(BATON_INVALID_ARGUMENT, "csv: the table view lacks functions");
  for (size_t i = 0; i < num_options; ++i)
    if (options && options[i].key)
      host.Log(2, std::string("csv: write ignores option \"") + options[i].key + "\"");

  const size_t cols = table->num_columns;
  std::vector<int> types(cols);
  for (size_t c = 0; c < cols; ++c) {
    types[c] = table->column_type(table->self, c);
    if (types[c] < BATON_TYPE_STRING || types[c] > BATON_TYPE_TIMESTAMP)
      return Error::Make(BATON_INVALID_ARGUMENT,
                         "csv: column " + std::to_string(c + 1) + " has unknown type " +
                             std::to_string(types[c]));
  }
  AtomicFile out;
  BATON_CSV_RETURN_IF_ERROR(out.Open(location));
  std::string buf;
  for (size_t c = 0; c < cols; ++c) {
    if (c) buf.push_back(',');
    const char* name = table->column_name(table->self, c);
    AppendCsvField(&buf, name ? name : "");
  }
  buf.push_back('\n');
  char num[64];
  for (size_t r = 0; r < table->num_rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      if (c) buf.push_back(',');
      if (table->is_null(table->self, c, r)) continue;
      switch (types[c]) {
        case BATON_TYPE_STRING: {
          baton_str s = table->get_string(table->self, c, r);
          if (s.data) AppendCsvField(&buf, std::string_view(s.data, s.size));
          break;
        }
        case BATON_TYPE_INT64: {
          auto res = std::to_chars(num, num + sizeof num, table->get_int64(table->self, c, r));
          buf.append(num, res.ptr);
          break;
        }
        case BATON_TYPE_FLOAT64: {
          const double v = table->get_double(table->self, c, r);
          if (std::isnan(v)) break;
          if (std::isinf(v)) {
            buf += v > 0 ? "inf" : "-inf";
            break;
          }
          auto res = std::to_chars(num, num + sizeof num, v);
          buf.append(num, res.ptr);
          break;
        }
        case BATON_TYPE_TIMESTAMP: {
          const int64_t t = table->get_int64(table->self, c, r);
          if (t != INT64_MIN) AppendTimestamp(&buf, t);  // INT64_MIN: no time
          break;
        }
      }
    }
    buf.push_back('\n');
    if (buf.size() >= (size_t{1} << 20)) {
      BATON_CSV_RETURN_IF_ERROR(out.Write(buf));
      buf.clear();
    }
  }
  BATON_CSV_RETURN_IF_ERROR(out.Write(buf));
  return out.Commit();
}

// ---- C entry points ----

int Probe(const char* location) {
  try {
    if (!location) return 0;
    const std::string path = location;
    if (!EndsWith(path, ".toml")) return 0;
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) ? 100 : 0;
  } catch (...) {
    return 0;
  }
}

int Read(const baton_host* host, const char* location, const baton_kv* options,
         size_t num_options, const baton_sink* sink) {
  HostServices services(host);
  try {
    Error e = ReadMapping(services, location, options, num_options, sink);
    if (!e.ok()) services.SetError(e.code, e.message.c_str());
    return e.code;
  } catch (const std::bad_alloc&) {
    services.SetError(BATON_OUT_OF_MEMORY, "csv: out of memory while reading");
    return BATON_OUT_OF_MEMORY;
  } catch (...) {
    services.SetError(BATON_INTERNAL, "csv: unexpected internal error while reading");
    return BATON_INTERNAL;
  }
}

int Write(const baton_host* host, const char* location, const baton_kv* options,
          size_t num_options, const baton_table_view* table) {
  HostServices services(host);
  try {
    Error e = WriteTableCsv(services, location, options, num_options, table);
    if (!e.ok()) services.SetError(e.code, e.message.c_str());
    return e.code;
  } catch (const std::bad_alloc&) {
    services.SetError(BATON_OUT_OF_MEMORY, "csv: out of memory while writing");
    return BATON_OUT_OF_MEMORY;
  } catch (...) {
    services.SetError(BATON_INTERNAL, "csv: unexpected internal error while writing");
    return BATON_INTERNAL;
  }
}

const baton_connector kConnector = {
    sizeof(baton_connector),
    BATON_CONNECTOR_ABI_MAJOR,
    BATON_CONNECTOR_ABI_MINOR,
    "csv",
    "1.0.0",
    "Delimited text files (CSV, TSV) mapped to Baton's tables by a TOML file; "
    "writes result tables as CSV",
    &Probe,
    &Read,
    &Write,
};

}  // namespace
}  // namespace baton::csv

extern "C" BATON_CONNECTOR_EXPORT const baton_connector* baton_connector_entry(void) {
  return &baton::csv::kConnector;
}

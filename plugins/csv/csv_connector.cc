// The csv connector: loads delimited text files (spreadsheet and CRM exports)
// into Baton's canonical tables through a mapping file (TOML), and writes
// result tables as CSV.
//
// The loading itself (steps 1 to 3, counting, rejects, progress) lives in
// loader.cc, which the xlsx connector compiles in too; this file adds the
// CSV sources, refuses workbook entries (they are the xlsx connector's) and
// writes tables.
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
#include "loader.h"
#include "mapping.h"
#include "utc_time.h"

namespace baton::csv {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return EndsWithIgnoringCase(s, suffix);
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
  BATON_CSV_RETURN_IF_ERROR(ParseOptions("csv", host, options, num_options, &load_options));
  Mapping mapping;
  BATON_CSV_RETURN_IF_ERROR(ParseMapping(path, &mapping));
  for (const Entry& e : mapping.entries)
    if (IsWorkbook(e.file) || !e.sheet.empty() || e.header_row != 1)
      return Error::Make(BATON_UNSUPPORTED,
                         e.Context(path) + ": " + e.file +
                             (IsWorkbook(e.file) ? " is a workbook"
                                                 : " has sheet or header_row") +
                             "; mappings over workbooks (.xlsx, .ods) are read by "
                             "the xlsx connector (baton-xlsx): give xlsx:" + path);
  if (mapping.entries.empty())
    host.Log(2, path + ": the mapping has no [[people]], [[touches]], [[stages]], "
                       "[[deals]], [[spend]] or [[paths]] entry; nothing was read");
  CsvSourceFactory files(load_options.block_size);
  return LoadMapping(host, sink, mapping, load_options, &files);
}

// ---- write ----

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
  int m, d;
  plugin_time::CivilFromDays(days, &y, &m, &d);
  const int64_t s = rem / 1000, ms = rem % 1000;
  char buf[64];
  int n = ms ? std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02lld:%02lld:%02lld.%03lldZ",
                             static_cast<long long>(y), m, d,
                             static_cast<long long>(s / 3600),
                             static_cast<long long>(s / 60 % 60),
                             static_cast<long long>(s % 60), static_cast<long long>(ms))
             : std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02lld:%02lld:%02lldZ",
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
    if (!std::filesystem::is_regular_file(path, ec)) return 0;
    // A mapping over workbooks belongs to the xlsx connector.
    Mapping mapping;
    if (ParseMapping(path, &mapping).ok())
      for (const Entry& e : mapping.entries)
        if (IsWorkbook(e.file) || !e.sheet.empty()) return 0;
    return 100;
  } catch (...) {
    return 0;
  }
}

int Read(const baton_host* host, const char* location, const baton_kv* options,
         size_t num_options, const baton_sink* sink) {
  HostServices services(host);
  return RunEntryPoint(services, "csv", "reading", [&] {
    return ReadMapping(services, location, options, num_options, sink);
  });
}

int Write(const baton_host* host, const char* location, const baton_kv* options,
          size_t num_options, const baton_table_view* table) {
  HostServices services(host);
  return RunEntryPoint(services, "csv", "writing", [&] {
    return WriteTableCsv(services, location, options, num_options, table);
  });
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

// Mapping: a TOML file that says which columns of which CSV files feed which
// canonical fields. The format (plugins/csv/README.md has an example):
//
//   delimiter, encoding, on_error, rejects   top-level defaults for entries
//   [funnel] stages = [...], exits = [...]   replaces the default funnel
//   [stage_map] "Source value" = "stage"     or = "ignore"
//   [[people]] [[touches]] [[stages]] [[deals]] [[spend]] [[paths]]
//       file = "x.csv"          relative to the mapping's folder, or absolute
//       FIELD = "Column"        a canonical field fed by a column
//       FIELD = { value = .. }  a constant (string, number, boolean or date)
//       FIELD = { column = "Column" }   same as FIELD = "Column"
//       attributes = ["Col", ...] or { name = "Col", ... }   people only
//       where = { Col = "v" } or { Col = ["v1", "v2"] }     row filter
//       separator = ">"         paths only
//       modified_at = "Column"  the row's last modification time; with the
//                               load option since, older rows are skipped
//       sheet = "Leads"         workbooks only (xlsx connector): the sheet;
//                               default: the workbook's first sheet
//       header_row = 3          workbooks only: the sheet row of the header
//       delimiter, encoding, on_error, rejects   override the top level
//   [scorecard], [report]       read by other parts of Baton; skipped here
//
// Settings: delimiter "," ";" "\t" "|" (default: detected per file);
// encoding "utf-8" (default) or "cp1252" (aliases windows-1252, latin1,
// iso-8859-1); on_error "fail" (default) or "skip"; rejects a path (default
// <mapping stem>.rejects.csv beside the mapping).
//
// ParseMapping reads and checks the whole file up front, so that a typo is
// reported before any row is loaded: unknown top-level keys or tables, bad
// settings, entries without a file, values of the wrong TOML type. Field
// names are NOT checked here: the host's sink knows the valid fields and
// lists them when one is wrong. Messages start "MAPPING:LINE: ".
//
// A plain value type built by one thread; no shared state.
#ifndef BATON_PLUGINS_CSV_MAPPING_H_
#define BATON_PLUGINS_CSV_MAPPING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "csv_reader.h"
#include "error.h"

namespace baton::csv {

enum class OnError { kFail, kSkip };

// One canonical field of an entry: fed by a column, or a constant.
struct FieldMapping {
  std::string field;     // as passed to the sink: "person_id", "attribute:industry"
  std::string key;       // as written in the mapping, for messages
  std::string column;    // the source column; empty for a constant
  std::string constant;  // the value, when is_constant
  bool is_constant = false;
};

// where = { column = "value" } or { column = ["a", "b"] }: the row is kept
// when the column's value, without surrounding spaces, equals one of values.
struct WhereClause {
  std::string column;
  std::vector<std::string> values;
};

// One [[table]] entry: one file feeding one canonical table.
struct Entry {
  std::string table;      // people, touches, stages, deals, spend, paths
  int index = 0;          // 1-based position among the entries of `table`
  int64_t line = 0;       // line of the entry in the mapping
  std::string file;       // as written (used to name the file in messages)
  std::string path;       // resolved against the mapping's folder
  std::vector<FieldMapping> fields;
  std::vector<WhereClause> where;
  std::string separator;  // paths only; empty: the sink's default
  // The column of each row's last modification time: with the load option
  // "since", rows modified before it are not loaded (counted in a note).
  std::string modified_at;
  std::string sheet;      // workbooks only; empty: the first sheet
  int64_t header_row = 1; // workbooks only: 1-based sheet row of the header
  CsvOptions csv;         // delimiter and encoding (block sizes: defaults)
  OnError on_error = OnError::kFail;
  std::string rejects_path;  // resolved

  // "MAPPING:LINE: [[people]] #1" for messages.
  std::string Context(const std::string& mapping_path) const;
};

struct Mapping {
  std::string path;  // as given to ParseMapping
  int64_t funnel_line = 0;
  bool has_funnel = false;
  std::vector<std::string> funnel;
  std::vector<std::string> exits;
  int64_t stage_map_line = 0;
  // source value -> canonical stage or "ignore", in file order.
  std::vector<std::pair<std::string, std::string>> stage_map;
  // In the order they appear in the file.
  std::vector<Entry> entries;
};

// Reads the mapping at `path`. Errors: BATON_NOT_FOUND (no such file),
// BATON_IO_ERROR, BATON_PARSE_ERROR (not valid TOML: the message has the
// line and column toml++ reports), BATON_INVALID_ARGUMENT (valid TOML that
// is not a valid mapping).
Error ParseMapping(const std::string& path, Mapping* out);

// Parses mapping text; `path` names it in messages and resolves relative
// `file` and `rejects` paths against its folder.
Error ParseMappingText(std::string_view text, const std::string& path,
                       Mapping* out);

// True when `file` names a workbook (.xlsx, .xlsm, .ods, any case), which
// the xlsx connector reads.
bool IsWorkbook(std::string_view file);

// Parses a setting value; the message names the accepted values.
Error ParseDelimiter(std::string_view text, char* out);
Error ParseEncoding(std::string_view text, Encoding* out);
Error ParseOnError(std::string_view text, OnError* out);

}  // namespace baton::csv

#endif  // BATON_PLUGINS_CSV_MAPPING_H_

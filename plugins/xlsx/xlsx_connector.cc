// The xlsx connector: reads workbooks (.xlsx, .xlsm, .ods) into Baton's
// canonical tables.
//
// read(location):
//  - a mapping file (.toml) in the csv connector's format (plugins/csv/
//    README.md) whose entries may name workbooks, with `sheet` (default: the
//    first sheet) and `header_row` (default 1). The mapping parser and the
//    loader (counting, `where`, on_error, rejects, progress) are the csv
//    connector's own sources compiled in, so both connectors read mappings
//    alike; entries naming CSV files are read by the csv code too, so one
//    mapping may mix CSV files and workbooks.
//  - a workbook itself: its sheets named People, Touches, Stages, Deals,
//    Spend or Paths (any case) are read with canonical column names
//    (person_id, created_at, ...; connector.h). Other columns of People are
//    attributes; other columns elsewhere are ignored with a warning.
//
// probe: 100 for an existing workbook, and for a mapping with an entry that
// names a workbook or a sheet (the csv connector answers 0 for those); 0
// otherwise, so plain CSV mappings stay with the csv connector.
//
// Every entry point catches all exceptions. No global mutable state.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "baton/connector.h"
#include "cell_text.h"
#include "error.h"
#include "loader.h"
#include "mapping.h"
#include "workbook.h"

namespace baton::xlsx {
namespace {

using csv::Entry;
using csv::FieldMapping;
using csv::HostServices;
using csv::Mapping;
using csv::RecordSource;

// The rows of one sheet after its header row.
class SheetRecordSource : public RecordSource {
 public:
  Error Open(Workbook* book, const Entry& e) {
    std::string sheet;
    BATON_CSV_RETURN_IF_ERROR(book->OpenSheet(e.sheet, &reader_, &sheet));
    sheet_ = sheet;
    name_ = e.file + "[" + sheet + "]";
    bool has_row = false;
    for (;;) {
      BATON_CSV_RETURN_IF_ERROR(reader_->Next(&row_, &has_row));
      if (!has_row || row_.row >= e.header_row) break;
    }
    if (!has_row || row_.row != e.header_row)
      return Error::Make(BATON_PARSE_ERROR,
                         e.file + ": sheet \"" + sheet + "\": row " +
                             std::to_string(e.header_row) +
                             " (the header row) is empty" +
                             (has_row ? "; the first row after it with values is row " +
                                            std::to_string(row_.row)
                                      : std::string("; the sheet has no rows from there")) +
                             "; set header_row to the row with the column names");
    if (!row_.errors.empty())
      return Error::Make(BATON_PARSE_ERROR,
                         e.file + ": " + Cell(row_.errors[0].first, row_.row) +
                             ": the header cell holds the error " + row_.errors[0].second +
                             "; column names must be text");
    header_ = std::move(row_.cells);
    row_.Clear();
    reader_->LimitColumns(static_cast<int64_t>(header_.size()));
    fields_.resize(header_.size());
    file_ = e.file;
    return Error::Ok();
  }

  const std::string& name() const override { return name_; }
  const std::vector<std::string>& header() const override { return header_; }
  Error Next(bool* has_record) override {
    BATON_CSV_RETURN_IF_ERROR(reader_->Next(&row_, has_record));
    if (!*has_record) return Error::Ok();
    for (size_t i = 0; i < fields_.size(); ++i)
      fields_[i] = i < row_.cells.size()
                       ? baton_str{row_.cells[i].data(), row_.cells[i].size()}
                       : baton_str{"", 0};
    return Error::Ok();
  }
  int64_t row() const override { return row_.row; }
  std::span<const baton_str> fields() const override { return fields_; }
  const std::string& row_error() const override { return no_error_; }
  bool may_have_cell_errors() const override { return true; }
  std::string CellError(size_t column) const override {
    for (const auto& [c, value] : row_.errors)
      if (c == static_cast<int64_t>(column))
        return file_ + ": " + Cell(c, row_.row) + ": column \"" + header_[column] +
               "\" holds the error " + value +
               " instead of a value; correct the cell (or its formula), or set "
               "on_error = \"skip\" to leave such rows out";
    return {};
  }
  uint64_t size() const override { return reader_->size(); }
  uint64_t consumed() const override { return reader_->consumed(); }
  uint64_t blocks_read() const override { return reader_->chunks(); }

 private:
  // "Leads!C7", quoted when the sheet name has spaces: "'My Leads'!C7".
  std::string Cell(int64_t column, int64_t row) const {
    const bool quote = sheet_.find_first_of(" !'-") != std::string::npos;
    return (quote ? "'" + sheet_ + "'" : sheet_) + "!" + ColumnName(column) +
           std::to_string(row);
  }

  std::unique_ptr<SheetReader> reader_;
  std::string file_, sheet_, name_;
  std::vector<std::string> header_;
  SheetRow row_;
  std::vector<baton_str> fields_;
  std::string no_error_;
};

// Opens workbook entries as sheets (each workbook once per read) and other
// entries as CSV files.
class SourceFactory : public csv::RecordSourceFactory {
 public:
  explicit SourceFactory(size_t block_size) : csv_(block_size) {}

  Error Open(const Entry& e, bool header_only,
             std::unique_ptr<RecordSource>* out) override {
    if (!csv::IsWorkbook(e.file) && e.sheet.empty()) {
      if (e.header_row != 1)
        return Error::Make(BATON_INVALID_ARGUMENT,
                           e.file + ": header_row is for workbook sheets; a CSV file's "
                                    "header is its first line");
      return csv_.Open(e, header_only, out);
    }
    Workbook* book = nullptr;
    BATON_CSV_RETURN_IF_ERROR(Book(e.path, e.file, &book));
    auto source = std::make_unique<SheetRecordSource>();
    BATON_CSV_RETURN_IF_ERROR(source->Open(book, e));
    *out = std::move(source);
    return Error::Ok();
  }

  Error Book(const std::string& path, const std::string& name, Workbook** out) {
    auto it = books_.find(path);
    if (it == books_.end()) {
      std::unique_ptr<Workbook> book;
      BATON_CSV_RETURN_IF_ERROR(Workbook::Open(path, name, &book));
      it = books_.emplace(path, std::move(book)).first;
    }
    *out = it->second.get();
    return Error::Ok();
  }

 private:
  csv::CsvSourceFactory csv_;
  std::map<std::string, std::unique_ptr<Workbook>> books_;
};

// Canonical tables and their fields (connector.h).
struct CanonicalTable {
  const char* name;
  std::vector<std::string_view> fields;
  std::vector<std::string_view> required;
};

const std::vector<CanonicalTable>& CanonicalTables() {
  static const std::vector<CanonicalTable> tables = {
      {"people",
       {"person_id", "account_id", "created_at", "source", "owner", "email"},
       {"person_id"}},
      {"touches",
       {"person_id", "at", "channel", "campaign", "side", "activity", "cost"},
       {"person_id", "at"}},
      {"stages", {"person_id", "stage", "at", "disposition", "reason"},
       {"person_id", "stage", "at"}},
      {"deals",
       {"deal_id", "account_id", "person_id", "created_at", "closed_at", "amount",
        "currency", "stage", "is_won", "is_closed", "owner", "source", "campaign"},
       {"deal_id"}},
      {"spend", {"channel", "campaign", "period_start", "period_end", "amount", "currency"},
       {"amount"}},
      {"paths", {"path", "conversions", "value", "nulls"}, {"path"}},
  };
  return tables;
}

// Builds a mapping over the workbook's canonically named sheets.
Error CanonicalMapping(const HostServices& host, const std::string& path,
                       const csv::LoadOptions& options, SourceFactory* factory,
                       Mapping* mapping) {
  const std::string file = std::filesystem::path(path).filename().string();
  Workbook* book = nullptr;
  BATON_CSV_RETURN_IF_ERROR(factory->Book(path, file, &book));
  std::vector<std::string> sheets;
  BATON_CSV_RETURN_IF_ERROR(book->SheetNames(&sheets));
  mapping->path = path;
  const std::filesystem::path p(path);
  const std::string rejects =
      (p.parent_path() / (p.stem().string() + ".rejects.csv")).string();
  for (const CanonicalTable& table : CanonicalTables()) {
    for (const std::string& sheet : sheets) {
      if (!csv::EqualsIgnoringCase(sheet, table.name)) continue;
      Entry e;
      e.table = table.name;
      e.index = 1;
      e.file = file;
      e.path = path;
      e.sheet = sheet;
      e.on_error = options.has_on_error ? options.on_error : csv::OnError::kFail;
      e.rejects_path = rejects;
      std::unique_ptr<RecordSource> source;
      BATON_CSV_RETURN_IF_ERROR(factory->Open(e, /*header_only=*/true, &source));
      std::vector<std::string> ignored;
      for (const std::string& column : source->header()) {
        const std::string_view trimmed = csv::TrimSpaces(column);
        if (trimmed.empty()) continue;
        FieldMapping f;
        f.column = column;
        for (std::string_view field : table.fields)
          if (csv::EqualsIgnoringCase(trimmed, field)) f.field = std::string(field);
        if (f.field.empty() && table.name == std::string_view("people")) {
          constexpr std::string_view kPrefix = "attribute:";
          const std::string_view attribute =
              trimmed.substr(0, kPrefix.size()) == kPrefix ? trimmed.substr(kPrefix.size())
                                                           : trimmed;
          f.field = "attribute:" + std::string(attribute);
        }
        if (f.field.empty()) {
          ignored.push_back(column);
          continue;
        }
        f.key = f.field;
        e.fields.push_back(std::move(f));
      }
      for (std::string_view needed : table.required) {
        bool found = false;
        for (const FieldMapping& f : e.fields) found = found || f.field == needed;
        if (found) continue;
        std::string columns;
        for (const std::string& c : source->header())
          columns += (columns.empty() ? "" : ", ") + c;
        return Error::Make(BATON_NOT_FOUND,
                           file + ": sheet \"" + sheet + "\" has no column " +
                               std::string(needed) + ", which the " + table.name +
                               " table needs; its columns are: " + columns);
      }
      if (!ignored.empty()) {
        std::string list;
        for (const std::string& c : ignored) list += (list.empty() ? "\"" : ", \"") + c + "\"";
        host.Log(2, file + ": sheet \"" + sheet + "\": columns " + list +
                        " are not fields of " + table.name + " and were not read");
      }
      mapping->entries.push_back(std::move(e));
      break;
    }
  }
  if (mapping->entries.empty()) {
    std::string list;
    for (const std::string& s : sheets) list += (list.empty() ? "\"" : ", \"") + s + "\"";
    return Error::Make(BATON_NOT_FOUND,
                       file + ": no sheet is named People, Touches, Stages, Deals, Spend "
                              "or Paths (the sheets are " +
                           (list.empty() ? std::string("none") : list) +
                           "); rename the sheets so, with canonical column names in row "
                           "1, or read the workbook through a mapping file (sheet = "
                           "\"...\")");
  }
  return Error::Ok();
}

Error ReadSource(const HostServices& host, const char* location, const baton_kv* options,
                 size_t num_options, const baton_sink* sink) {
  if (!location || !*location)
    return Error::Make(BATON_INVALID_ARGUMENT, "xlsx: no workbook or mapping file given");
  if (!sink ||
      sink->struct_size < offsetof(baton_sink, last_error) + sizeof(sink->last_error) ||
      !sink->open || !sink->row || !sink->close || !sink->last_error)
    return Error::Make(BATON_INVALID_ARGUMENT, "xlsx: the host's sink lacks functions");
  const std::string path = location;
  csv::LoadOptions load_options;
  BATON_CSV_RETURN_IF_ERROR(
      csv::ParseOptions("xlsx", host, options, num_options, &load_options));
  SourceFactory factory(load_options.block_size);
  Mapping mapping;
  if (csv::EndsWithIgnoringCase(path, ".toml")) {
    BATON_CSV_RETURN_IF_ERROR(csv::ParseMapping(path, &mapping));
    if (mapping.entries.empty())
      host.Log(2, path + ": the mapping has no [[people]], [[touches]], [[stages]], "
                         "[[deals]], [[spend]] or [[paths]] entry; nothing was read");
  } else {
    BATON_CSV_RETURN_IF_ERROR(
        CanonicalMapping(host, path, load_options, &factory, &mapping));
  }
  return csv::LoadMapping(host, sink, mapping, load_options, &factory);
}

int Probe(const char* location) {
  try {
    if (!location) return 0;
    const std::string path = location;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return 0;
    if (csv::IsWorkbook(path)) return 100;
    if (!csv::EndsWithIgnoringCase(path, ".toml")) return 0;
    Mapping mapping;
    if (!csv::ParseMapping(path, &mapping).ok()) return 0;
    for (const Entry& e : mapping.entries)
      if (csv::IsWorkbook(e.file) || !e.sheet.empty()) return 100;
    return 0;
  } catch (...) {
    return 0;
  }
}

int Read(const baton_host* host, const char* location, const baton_kv* options,
         size_t num_options, const baton_sink* sink) {
  HostServices services(host);
  return csv::RunEntryPoint(services, "xlsx", "reading", [&] {
    return ReadSource(services, location, options, num_options, sink);
  });
}

const baton_connector kConnector = {
    sizeof(baton_connector),
    BATON_CONNECTOR_ABI_MAJOR,
    BATON_CONNECTOR_ABI_MINOR,
    "xlsx",
    "1.0.0",
    "Workbooks (.xlsx, .ods): canonically named sheets, or any sheets through a "
    "csv-style mapping file with sheet = \"...\"",
    &Probe,
    &Read,
    nullptr,
};

}  // namespace
}  // namespace baton::xlsx

extern "C" BATON_CONNECTOR_EXPORT const baton_connector* baton_connector_entry(void) {
  return &baton::xlsx::kConnector;
}

// Workbook: an .xlsx (Office Open XML) or .ods (OpenDocument) spreadsheet
// file, read sheet by sheet as rows of cell text.
//
// Opening a workbook reads only what every sheet needs: for .xlsx the sheet
// list and date system (xl/workbook.xml and its relationships), the shared
// strings (kept in memory as a vector of strings) and which cell styles are
// dates (xl/styles.xml); for .ods nothing but the mimetype. A SheetReader
// then streams one sheet's XML through expat in chunks: a sheet is never
// held in memory as a whole.
//
// Cell text follows cell_text.h. Error cells (#N/A, #DIV/0!, ...) give no
// text: SheetRow::errors names them. Empty rows are not returned. Rows and
// columns repeated in .ods are capped: repeated empty rows and cells cost
// nothing, and no sheet has more than 1,048,576 rows or 16,384 columns.
//
// Ownership: a SheetReader borrows its Workbook, which must outlive it.
// Neither is thread-safe; use them from one thread.
#ifndef BATON_PLUGINS_XLSX_WORKBOOK_H_
#define BATON_PLUGINS_XLSX_WORKBOOK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "error.h"
#include "zip_xml.h"

namespace baton::xlsx {

constexpr int64_t kMaxRows = 1048576;
constexpr int64_t kMaxColumns = 16384;

// One row of a sheet: cells by 0-based column (missing cells are empty).
struct SheetRow {
  int64_t row = 0;  // 1-based, as the spreadsheet numbers it
  std::vector<std::string> cells;
  // (column, the error value as shown: "#N/A") for error cells.
  std::vector<std::pair<int64_t, std::string>> errors;
  void Clear() {
    cells.clear();
    errors.clear();
  }
};

class SheetReader {
 public:
  virtual ~SheetReader() = default;
  // The next row with at least one non-empty or error cell; *has_row is
  // false at the end of the sheet. Errors: BATON_PARSE_ERROR (damaged XML
  // or zip data, naming the workbook and part).
  virtual Error Next(SheetRow* row, bool* has_row) = 0;
  // Cells at or right of this column are dropped (the header's width, once
  // known), which bounds the work on rows repeated with content.
  virtual void LimitColumns(int64_t columns) = 0;
  // Progress: bytes of the sheet's XML part, and how many were inflated.
  virtual uint64_t size() const = 0;
  virtual uint64_t consumed() const = 0;
  virtual uint64_t chunks() const = 0;
};

class Workbook {
 public:
  virtual ~Workbook() = default;

  // Opens `path` (.xlsx/.xlsm, or .ods: told apart by content, not name);
  // `name` names it in messages. Errors: BATON_NOT_FOUND (no such file),
  // BATON_PARSE_ERROR (not a zip; a zip that is neither workbook kind;
  // damaged parts).
  static Error Open(const std::string& path, const std::string& name,
                    std::unique_ptr<Workbook>* out);

  const std::string& name() const { return archive_.name(); }
  // Sheet names in workbook order. For .ods this reads content.xml once.
  virtual Error SheetNames(std::vector<std::string>* out) = 0;
  // Opens sheet `sheet` (exact name, then ignoring case); empty: the first
  // sheet. Errors: BATON_NOT_FOUND naming the sheets that exist.
  virtual Error OpenSheet(const std::string& sheet, std::unique_ptr<SheetReader>* out,
                          std::string* actual_name) = 0;

 protected:
  ZipArchive archive_;
};

}  // namespace baton::xlsx

#endif  // BATON_PLUGINS_XLSX_WORKBOOK_H_

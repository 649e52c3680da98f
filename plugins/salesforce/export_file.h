// ExportFile: one CRM export CSV (Salesforce Data Export / Data Loader, or a
// HubSpot export) read whole into memory as text cells, plus the small
// helpers both CRM connectors share (option lookup, a batch writer over the
// connector sink).
//
// Exports are small next to what the csv connector streams (one object per
// file, usually well under a gigabyte), and the connectors need random
// access (a lead is looked up by a contact, an opportunity by a lead), so
// holding the cells is the simple, adequate choice.
//
// Encoding: "utf-8" (invalid bytes are an error naming the file and byte
// offset), "cp1252" (always transcoded), or "auto" (the default): a file that
// is valid UTF-8 is read as is, any other file is transcoded from
// Windows-1252, which is what Salesforce's weekly Data Export and older Data
// Loader versions write. A UTF-8 byte order mark is skipped.
//
// Header names are matched case-insensitively (Data Loader writes them in
// upper case) and with surrounding spaces trimmed.
//
// Ownership and threads: plain values, used by one thread; nothing is shared
// between reads.
#ifndef BATON_PLUGINS_SALESFORCE_EXPORT_FILE_H_
#define BATON_PLUGINS_SALESFORCE_EXPORT_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "baton/connector.h"

namespace baton::crm {

// Returns from the enclosing function when `expr` (a baton_status) fails.
#define BATON_CRM_TRY(expr)              \
  do {                                   \
    int crm_rc_ = (expr);                \
    if (crm_rc_ != BATON_OK) return crm_rc_; \
  } while (0)

struct ExportFile {
  std::string name;                  // file name, for messages
  std::string encoding;              // "utf-8" or "cp1252", as read
  std::vector<std::string> header;   // as written in the file
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> row_numbers;  // per row: 1-based, header = 1

  // Index of the column named `column` (case-insensitive), or -1.
  int Column(std::string_view column) const;
  // The cell of `row` in column `col`; "" when col < 0 or the row is short.
  const std::string& Cell(size_t row, int col) const;
};

// Reads `path` (named `name` in messages) with `encoding` ("auto", "utf-8"
// or "cp1252"). On failure returns a baton_status and sets *error to a
// message naming the file and, where it can, the row.
int ReadExportFile(const std::string& path, const std::string& name,
                   const std::string& encoding, ExportFile* out,
                   std::string* error);

// Reads CSV text already in memory (e.g. a Bulk API 2.0 result page) as
// ReadExportFile reads a file's bytes. Same errors, named `name`.
int ParseExportText(std::string text, const std::string& name,
                    const std::string& encoding, ExportFile* out,
                    std::string* error);

// Lower-cases ASCII letters.
std::string Lower(std::string_view text);

// Files in `folder` as (lower-case name, full path), sorted by name. Returns
// BATON_NOT_FOUND with a message when `folder` is not a readable directory.
int ListFolder(const std::string& folder, const std::string& connector,
               std::vector<std::pair<std::string, std::string>>* files,
               std::string* error);

// Writes rows of one canonical table through a connector sink, counting
// rows accepted and rejected for close().
class BatchWriter {
 public:
  explicit BatchWriter(const baton_sink* sink) : sink_(sink) {}

  // Opens a batch; fields[i].column names the source column (or NULL).
  // Returns a baton_status; the sink's last_error says what went wrong.
  int Open(const char* table, const std::string& file,
           const std::vector<baton_field_spec>& fields);
  // Adds one row; values[i] feeds fields[i].
  int Row(int64_t row_number, const std::vector<std::string>& values);
  // Counts a source row that is deliberately not written (see callers).
  void Skip() { ++skipped_; }
  int Close();

  int64_t accepted() const { return accepted_; }
  int64_t skipped() const { return skipped_; }

 private:
  const baton_sink* sink_;
  uint32_t batch_ = 0;
  bool open_ = false;
  int64_t accepted_ = 0;
  int64_t skipped_ = 0;
  std::vector<baton_str> scratch_;
};

}  // namespace baton::crm

#endif  // BATON_PLUGINS_SALESFORCE_EXPORT_FILE_H_

// Table: a small columnar result (the output of every analysis).
//
// Columns are typed (string, int64, float64, timestamp) and nullable. A table also
// carries warnings (data-quality notes the user should see with the numbers).
// Built by one thread; a finished table is immutable and may be read from any
// number of threads.
#ifndef BATON_TABLE_TABLE_H_
#define BATON_TABLE_TABLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace baton {

// Values equal baton_column_type. kTimestamp stores int64 UTC milliseconds in
// `ints` and renders as ISO 8601.
enum class ColumnType : int { kString = 0, kInt64 = 1, kFloat64 = 2, kTimestamp = 3 };

const char* ColumnTypeName(ColumnType t);

struct Column {
  std::string name;
  ColumnType type = ColumnType::kString;
  std::vector<std::string> strings;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<uint8_t> valid;  // 1 = value present, 0 = null
  size_t size() const { return valid.size(); }
};

class Table {
 public:
  Table() = default;
  explicit Table(std::string name) : name_(std::move(name)) {}

  // Adds an empty column; returns its index.
  size_t AddColumn(std::string name, ColumnType type);

  void AppendString(size_t col, std::string_view v);
  void AppendInt(size_t col, int64_t v);  // also for kTimestamp columns
  void AppendDouble(size_t col, double v);
  // Appends null. For float columns, NaN is also stored as null.
  void AppendNull(size_t col);
  void AppendDoubleOrNull(size_t col, double v);  // null when v is NaN

  const std::string& name() const { return name_; }
  size_t num_columns() const { return columns_.size(); }
  // Rows of the first column (all columns have equal length when done).
  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  const Column& column(size_t i) const { return columns_[i]; }
  // Index of the named column, or -1.
  int ColumnIndex(std::string_view name) const;
  bool IsNull(size_t col, size_t row) const { return !columns_[col].valid[row]; }
  // The cell as text: "" for null, shortest round-trip form for floats.
  std::string CellText(size_t col, size_t row) const;

  void AddWarning(std::string w) { warnings_.push_back(std::move(w)); }
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Checks all columns have the same length (an internal invariant).
  Status Validate() const;

  // Renders: "table" (aligned text), "csv" (RFC 4180), "json" (an array of
  // objects, null for missing). Fails on another format name.
  Result<std::string> Render(std::string_view format) const;
  std::string ToCsv() const;
  std::string ToJson() const;
  std::string ToText() const;

 private:
  std::string name_;
  std::vector<Column> columns_;
  std::vector<std::string> warnings_;
};

// Shortest text that reads back as the same double ("0.25", "1e-07").
std::string FormatDouble(double v);

}  // namespace baton

#endif  // BATON_TABLE_TABLE_H_

#include "table/table.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "model/timestamp.h"

namespace baton {

const char* ColumnTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::kString: return "string";
    case ColumnType::kInt64: return "int64";
    case ColumnType::kFloat64: return "float64";
    case ColumnType::kTimestamp: return "timestamp";
  }
  return "unknown";
}

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

size_t Table::AddColumn(std::string name, ColumnType type) {
  Column c;
  c.name = std::move(name);
  c.type = type;
  columns_.push_back(std::move(c));
  return columns_.size() - 1;
}

void Table::AppendString(size_t col, std::string_view v) {
  Column& c = columns_[col];
  c.strings.emplace_back(v);
  c.valid.push_back(1);
}

void Table::AppendInt(size_t col, int64_t v) {
  Column& c = columns_[col];
  c.ints.push_back(v);
  c.valid.push_back(1);
}

void Table::AppendDouble(size_t col, double v) {
  Column& c = columns_[col];
  c.doubles.push_back(v);
  c.valid.push_back(std::isnan(v) ? 0 : 1);
}

void Table::AppendDoubleOrNull(size_t col, double v) { AppendDouble(col, v); }

void Table::AppendNull(size_t col) {
  Column& c = columns_[col];
  switch (c.type) {
    case ColumnType::kString: c.strings.emplace_back(); break;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: c.ints.push_back(0); break;
    case ColumnType::kFloat64: c.doubles.push_back(std::nan("")); break;
  }
  c.valid.push_back(0);
}

int Table::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string Table::CellText(size_t col, size_t row) const {
  const Column& c = columns_[col];
  if (!c.valid[row]) return "";
  switch (c.type) {
    case ColumnType::kString: return c.strings[row];
    case ColumnType::kInt64: return std::to_string(c.ints[row]);
    case ColumnType::kFloat64: return FormatDouble(c.doubles[row]);
    case ColumnType::kTimestamp: return FormatTimestamp(c.ints[row]);
  }
  return "";
}

Status Table::Validate() const {
  for (const auto& c : columns_)
    if (c.size() != num_rows())
      return Status::Internal("table " + name_ + ": column " + c.name +
                              " has " + std::to_string(c.size()) +
                              " rows, expected " + std::to_string(num_rows()));
  return Status::OK();
}

namespace {

std::string CsvField(const std::string& s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  out += '"';
  return out;
}

// Display width of UTF-8 text: counts code points, not bytes.
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s)
    if ((ch & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

std::string Table::ToCsv() const {
  std::string out;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (c) out += ',';
    out += CsvField(columns_[c].name);
  }
  out += '\n';
  for (size_t r = 0; r < num_rows(); ++r) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c) out += ',';
      out += CsvField(CellText(c, r));
    }
    out += '\n';
  }
  return out;
}

std::string Table::ToJson() const {
  std::string out = "[";
  for (size_t r = 0; r < num_rows(); ++r) {
    out += r ? ",\n {" : "\n {";
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c) out += ", ";
      out += JsonString(columns_[c].name) + ": ";
      if (IsNull(c, r)) {
        out += "null";
      } else if (columns_[c].type == ColumnType::kString ||
                 columns_[c].type == ColumnType::kTimestamp) {
        out += JsonString(CellText(c, r));
      } else {
        out += CellText(c, r);
      }
    }
    out += "}";
  }
  out += num_rows() ? "\n]\n" : "]\n";
  return out;
}

std::string Table::ToText() const {
  std::vector<size_t> width(columns_.size());
  std::vector<std::vector<std::string>> cells(num_rows(),
                                              std::vector<std::string>(columns_.size()));
  for (size_t c = 0; c < columns_.size(); ++c) {
    width[c] = DisplayWidth(columns_[c].name);
    for (size_t r = 0; r < num_rows(); ++r) {
      std::string t;
      if (!IsNull(c, r) && columns_[c].type == ColumnType::kFloat64) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.4f", columns_[c].doubles[r]);
        t = buf;
      } else {
        t = CellText(c, r);
      }
      width[c] = std::max(width[c], DisplayWidth(t));
      cells[r][c] = std::move(t);
    }
  }
  auto pad = [](std::string* out, const std::string& s, size_t w, bool right) {
    size_t n = DisplayWidth(s);
    if (right) out->append(w - n, ' ');
    *out += s;
    if (!right) out->append(w - n, ' ');
  };
  std::string out;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (c) out += "  ";
    pad(&out, columns_[c].name, width[c], columns_[c].type != ColumnType::kString);
  }
  out += '\n';
  for (size_t r = 0; r < num_rows(); ++r) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c) out += "  ";
      pad(&out, cells[r][c], width[c], columns_[c].type != ColumnType::kString);
    }
    out += '\n';
  }
  return out;
}

Result<std::string> Table::Render(std::string_view format) const {
  if (format == "table" || format == "text") return ToText();
  if (format == "csv") return ToCsv();
  if (format == "json") return ToJson();
  return Status::InvalidArgument("unknown format \"" + std::string(format) +
                                 "\"; use table, csv or json");
}

}  // namespace baton

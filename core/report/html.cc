#include "report/html.h"

#include <charconv>
#include <cmath>

#include "model/timestamp.h"

namespace baton {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Inserts a ',' every three digits of the leading integer part of `digits`
// (which may start with '-').
std::string GroupThousands(std::string_view digits) {
  size_t start = !digits.empty() && digits[0] == '-' ? 1 : 0;
  size_t end = digits.find('.');
  if (end == std::string_view::npos) end = digits.size();
  std::string out(digits.substr(0, start));
  for (size_t i = start; i < end; ++i) {
    if (i > start && (end - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  out.append(digits.substr(end));
  return out;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string FormatCount(int64_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), n);
  return GroupThousands(std::string_view(buf, r.ptr - buf));
}

std::string FormatNumber(double v, int decimals) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "\xE2\x88\x9E" : "-\xE2\x88\x9E";  // infinity sign
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed,
                         decimals);
  std::string_view text(buf, r.ptr - buf);
  // -0.04 rounds to "-0.0": show it as zero.
  if (!text.empty() && text[0] == '-' &&
      text.find_first_not_of("-0.") == std::string_view::npos)
    text.remove_prefix(1);
  return GroupThousands(text);
}

std::string FormatPercent(double fraction) {
  if (std::isnan(fraction)) return "";
  return FormatNumber(fraction * 100, 1) + "%";
}

CellFormat FormatOfColumn(const Column& column) {
  switch (column.type) {
    case ColumnType::kString: return CellFormat::kText;
    case ColumnType::kInt64: return CellFormat::kCount;
    case ColumnType::kTimestamp: return CellFormat::kTime;
    case ColumnType::kFloat64: break;
  }
  std::string_view name = column.name;
  if (StartsWith(name, "rate") || EndsWith(name, "_rate") || StartsWith(name, "share"))
    return CellFormat::kPercent;
  if (name.find("days") != std::string_view::npos) return CellFormat::kDays;
  return CellFormat::kNumber;
}

std::string HtmlTable(const Table& table) {
  std::string out = "<table class=\"data\">\n<thead><tr>";
  std::vector<CellFormat> formats;
  for (size_t c = 0; c < table.num_columns(); ++c) {
    const Column& col = table.column(c);
    formats.push_back(FormatOfColumn(col));
    std::string label = col.name;
    for (char& ch : label)
      if (ch == '_') ch = ' ';
    out += formats.back() == CellFormat::kText ? "<th>" : "<th class=\"num\">";
    out += HtmlEscape(label) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (size_t r = 0; r < table.num_rows(); ++r) {
    out += "<tr>";
    for (size_t c = 0; c < table.num_columns(); ++c) {
      const Column& col = table.column(c);
      const bool numeric = formats[c] != CellFormat::kText;
      out += numeric ? "<td class=\"num\">" : "<td>";
      if (table.IsNull(c, r)) {
        out += "<span class=\"null\">&ndash;</span></td>";
        continue;
      }
      switch (formats[c]) {
        case CellFormat::kText: out += HtmlEscape(col.strings[r]); break;
        case CellFormat::kCount: out += FormatCount(col.ints[r]); break;
        case CellFormat::kTime: out += HtmlEscape(FormatTimestamp(col.ints[r])); break;
        case CellFormat::kPercent: out += FormatPercent(col.doubles[r]); break;
        case CellFormat::kDays: out += FormatNumber(col.doubles[r], 1); break;
        case CellFormat::kNumber: out += FormatNumber(col.doubles[r], 2); break;
      }
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

}  // namespace baton

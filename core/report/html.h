// HTML building blocks of the report (private to core/report): escaping,
// the report's number formats, and a result Table rendered as an HTML table.
//
// Every function is pure and thread-safe. Numbers are formatted with
// std::to_chars, so the output never depends on the process locale.
#ifndef BATON_REPORT_HTML_H_
#define BATON_REPORT_HTML_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "table/table.h"

namespace baton {

// Escapes & < > " ' so any user text (a channel named `<b>&"x"`) is shown
// as written, in element content and in quoted attribute values alike.
std::string HtmlEscape(std::string_view text);

// 1234567 -> "1,234,567"; -42 -> "-42".
std::string FormatCount(int64_t n);

// `v` rounded to `decimals` places with thousands separators:
// (1234.56, 1) -> "1,234.6". NaN gives "" (shown as missing); -0 gives "0".
std::string FormatNumber(double v, int decimals);

// A fraction as a percentage with one decimal: 0.1234 -> "12.3%".
// NaN gives "".
std::string FormatPercent(double fraction);

// How HtmlTable shows a column, chosen from its name and type:
// rate_* / *_rate / share* are fractions shown as percentages, *days* have
// one decimal, other floats two, integers get thousands separators,
// timestamps are ISO 8601, strings are escaped.
enum class CellFormat { kText, kCount, kPercent, kDays, kNumber, kTime };
CellFormat FormatOfColumn(const Column& column);

// The table as <table class="data">, headers from column names with '_'
// shown as spaces, numbers right-aligned, nulls as an en dash.
std::string HtmlTable(const Table& table);

}  // namespace baton

#endif  // BATON_REPORT_HTML_H_

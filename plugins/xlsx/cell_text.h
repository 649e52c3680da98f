// Cell text: how the xlsx connector turns spreadsheet cell values into the
// text the host's sink parses (connector.h, convention 3).
//
//   numbers   integers without ".0"; other values in the shortest text that
//             reads back to the same double (std::to_chars)
//   dates     serial numbers under a date format become "YYYY-MM-DD" when
//             the time is midnight, else "YYYY-MM-DD HH:MM:SS" (".mmm" when
//             the milliseconds are not 0), in the 1900 system (with its
//             fictitious 1900-02-29, given as that text so the host names
//             it as a bad date) or the 1904 system
//
// Pure functions; thread-safe.
#ifndef BATON_PLUGINS_XLSX_CELL_TEXT_H_
#define BATON_PLUGINS_XLSX_CELL_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace baton::xlsx {

// Appends `v` as text: "42", "-3", "0.1", "1e+300". NaN and infinities
// (which a workbook cannot store) give "nan", "inf", "-inf".
void AppendNumber(double v, std::string* out);
std::string FormatNumber(double v);

// Parses a number as written in a cell's <v> or office:value. False when
// `text` is not a whole number literal.
bool ParseNumber(std::string_view text, double* out);

// Decodes OOXML's escapes for characters XML cannot hold in place:
// "_x000D_" is a carriage return, "_x005F_" an underscore. Text without
// "_x" is left as it is.
void DecodeEscapes(std::string* text);

// Appends the date of serial number `serial`. date1904: the workbook's
// 1904 date system. Serials below 0 (and NaN) are not dates: false, and
// nothing is appended. A serial in [0, 1) is a time of day: "HH:MM:SS".
bool AppendSerialDate(double serial, bool date1904, std::string* out);

// True when number format `id` with code `code` (empty for a built-in id)
// shows a date or time: built-in ids 14-22, 27-36, 45-47, 50-58, or a code
// with d, m, y, h or s outside quotes, escapes and [colour] brackets.
bool IsDateFormat(int id, std::string_view code);

// The 0-based column of a cell reference ("C7" -> 2); -1 when `ref` does not
// start with 1 to 3 letters. *row gets the row number after the letters
// (0 when there is none).
int64_t ColumnOfReference(std::string_view ref, int64_t* row);

// "A", "Z", "AA", ... for a 0-based column.
std::string ColumnName(int64_t column);

}  // namespace baton::xlsx

#endif  // BATON_PLUGINS_XLSX_CELL_TEXT_H_

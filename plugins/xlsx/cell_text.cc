#include "cell_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

namespace baton::xlsx {
namespace {

// Unix day numbers of the serial-date epochs: serial 0 of the 1904 system is
// 1904-01-01; serial 61 of the 1900 system is 1900-03-01, the first day
// after Excel's fictitious 1900-02-29 (serial 60).
constexpr int64_t kUnixDayOf1904Epoch = -24107;
constexpr int64_t kUnixDayOfSerial61 = -25508;

// Year, month, day of a day count since 1970-01-01 in the proleptic
// Gregorian calendar, counted in 400-year eras of 146097 days from
// 0000-03-01, so that the leap day ends each year.
void DateOfUnixDay(int64_t unix_day, int64_t* year, int* month, int* day) {
  const int64_t z = unix_day + 719468;  // days since 0000-03-01
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  *day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  *month = static_cast<int>(month_from_march < 10 ? month_from_march + 3
                                                  : month_from_march - 9);
  *year = year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

void AppendTime(int64_t millis_of_day, std::string* out) {
  char buf[32];
  const int64_t s = millis_of_day / 1000;
  int n = std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(s / 3600),
                        static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  out->append(buf, static_cast<size_t>(n));
  if (millis_of_day % 1000) {
    n = std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(millis_of_day % 1000));
    out->append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

void AppendNumber(double v, std::string* out) {
  if (std::isnan(v)) {
    *out += "nan";
    return;
  }
  if (std::isinf(v)) {
    *out += v > 0 ? "inf" : "-inf";
    return;
  }
  char buf[64];
  // Whole numbers that a double holds exactly print as integers: 42, not
  // 42.0 or 4.2e+01.
  if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
    out->append(buf, r.ptr);
    return;
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

std::string FormatNumber(double v) {
  std::string s;
  AppendNumber(v, &s);
  return s;
}

bool ParseNumber(std::string_view text, double* out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

void DecodeEscapes(std::string* text) {
  if (text->find("_x") == std::string::npos) return;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text->size());
  const std::string& in = *text;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '_' && i + 6 < in.size() && in[i + 1] == 'x' && in[i + 6] == '_') {
      int code = 0;
      bool ok = true;
      for (size_t k = i + 2; k < i + 6; ++k) {
        const int h = hex(in[k]);
        if (h < 0) ok = false;
        code = code * 16 + h;
      }
      if (ok) {
        // UTF-8 of a code unit below 0x10000 (surrogates are left as text).
        if (code < 0x80) {
          out.push_back(static_cast<char>(code));
        } else if (code < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (code >> 6)));
          out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        } else if (code < 0xD800 || code > 0xDFFF) {
          out.push_back(static_cast<char>(0xE0 | (code >> 12)));
          out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        } else {
          out.append(in, i, 7);
        }
        i += 6;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  *text = std::move(out);
}

bool AppendSerialDate(double serial, bool date1904, std::string* out) {
  if (!(serial >= 0) || serial > 2958465.0)  // 2958465 = 9999-12-31
    return false;
  // Serials carry binary noise (0.5208333333 for 12:30): round to the
  // millisecond, the resolution of Baton's timestamps.
  const int64_t millis = std::llround(serial * 86400000.0);
  const int64_t serial_day = millis / 86400000;
  const int64_t millis_of_day = millis % 86400000;
  if (serial_day == 0 && !date1904) {
    // 1900-01-00 in Excel's count: a time of day without a date.
    AppendTime(millis_of_day, out);
    return true;
  }
  int64_t unix_day = 0;
  if (date1904) {
    unix_day = kUnixDayOf1904Epoch + serial_day;
  } else if (serial_day == 60) {
    // Excel counts 1900 as a leap year; the day does not exist.
    *out += "1900-02-29";
    if (millis_of_day) {
      out->push_back(' ');
      AppendTime(millis_of_day, out);
    }
    return true;
  } else if (serial_day > 60) {
    unix_day = kUnixDayOfSerial61 + (serial_day - 61);
  } else {
    unix_day = kUnixDayOfSerial61 + (serial_day - 60);
  }
  int64_t year;
  int month, day;
  DateOfUnixDay(unix_day, &year, &month, &day);
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(year),
                              month, day);
  out->append(buf, static_cast<size_t>(n));
  if (millis_of_day) {
    out->push_back(' ');
    AppendTime(millis_of_day, out);
  }
  return true;
}

bool IsDateFormat(int id, std::string_view code) {
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
      (id >= 50 && id <= 58))
    return true;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {  // literal text
      const size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) return false;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {  // escaped, padding, fill char
      ++i;
    } else if (c == '[') {
      const size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) return false;
      // [h], [mm], [ss]: elapsed time; anything else is a colour, a
      // condition or a locale.
      const std::string_view inside = code.substr(i + 1, close - i - 1);
      if (!inside.empty() && inside.find_first_not_of("hHmMsS") == std::string_view::npos)
        return true;
      i = close;
    } else {
      switch (c) {
        case 'd': case 'D': case 'm': case 'M': case 'y': case 'Y':
        case 'h': case 'H': case 's': case 'S':
          return true;
        default:
          break;
      }
    }
  }
  return false;
}

int64_t ColumnOfReference(std::string_view ref, int64_t* row) {
  int64_t column = 0;
  size_t i = 0;
  while (i < ref.size() && i < 4) {
    char c = ref[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + (c - 'A' + 1);
    ++i;
  }
  if (i == 0 || i > 3) return -1;
  int64_t r = 0;
  for (size_t j = i; j < ref.size() && j < i + 8; ++j) {
    if (ref[j] < '0' || ref[j] > '9') {
      r = 0;
      break;
    }
    r = r * 10 + (ref[j] - '0');
  }
  if (row) *row = r;
  return column - 1;
}

std::string ColumnName(int64_t column) {
  std::string name;
  for (int64_t n = column + 1; n > 0; n = (n - 1) / 26)
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  return name;
}

}  // namespace baton::xlsx

#include "model/timestamp.h"

#include <cstdio>

namespace baton {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at text[*pos].
bool ReadDigits(std::string_view text, size_t* pos, int n, int64_t* out) {
  if (*pos + n > text.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool ParseEpochMillis(std::string_view text, int64_t* out) {
  size_t i = 0;
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    i = 1;
  }
  size_t digits = text.size() - i;
  // 10-16 digits: 2001-09-09 onwards in ms, until year ~2286 or beyond.
  // Shorter runs are more likely seconds or plain numbers: refuse to guess.
  if (digits < 10 || digits > 16) return false;
  int64_t v = 0;
  for (; i < text.size(); ++i) {
    if (!IsDigit(text[i])) return false;
    v = v * 10 + (text[i] - '0');
  }
  *out = negative ? -v : v;
  return true;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

const char* TimestampFormatsHint() {
  return "expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS[.fff]] with optional 'T', "
         "'Z', +HHMM or +HH:MM, or epoch milliseconds";
}

bool ParseTimestamp(std::string_view text, int64_t* out) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  if (text.size() < 8) return false;
  if (text.size() >= 10 && (text[4] != '-' || text[7] != '-'))
    return ParseEpochMillis(text, out);

  size_t pos = 0;
  int64_t year, month, day;
  if (!ReadDigits(text, &pos, 4, &year) || text[pos++] != '-' ||
      !ReadDigits(text, &pos, 2, &month) || pos >= text.size() ||
      text[pos++] != '-' || !ReadDigits(text, &pos, 2, &day))
    return false;
  if (month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, static_cast<unsigned>(month)))
    return false;
  int64_t millis = DaysFromCivil(year, static_cast<unsigned>(month),
                                 static_cast<unsigned>(day)) *
                   kMillisPerDay;
  if (pos == text.size()) {
    *out = millis;
    return true;
  }
  if (text[pos] != 'T' && text[pos] != ' ') return false;
  ++pos;
  int64_t hour, minute, second = 0;
  if (!ReadDigits(text, &pos, 2, &hour) || pos >= text.size() ||
      text[pos++] != ':' || !ReadDigits(text, &pos, 2, &minute))
    return false;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!ReadDigits(text, &pos, 2, &second)) return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  int64_t frac_ms = 0;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    int n = 0;
    int64_t scale = 100;
    while (pos < text.size() && IsDigit(text[pos])) {
      if (n < 3) {
        frac_ms += (text[pos] - '0') * scale;
        scale /= 10;
      }
      ++n;
      ++pos;
    }
    if (n == 0 || n > 9) return false;
  }
  int64_t offset_ms = 0;
  if (pos < text.size()) {
    char c = text[pos];
    if (c == 'Z' || c == 'z') {
      ++pos;
    } else if (c == '+' || c == '-') {
      ++pos;
      int64_t oh, om = 0;
      if (!ReadDigits(text, &pos, 2, &oh)) return false;
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (pos < text.size() && !ReadDigits(text, &pos, 2, &om)) return false;
      if (oh > 23 || om > 59) return false;
      offset_ms = (oh * 60 + om) * 60000;
      if (c == '-') offset_ms = -offset_ms;
    } else {
      return false;
    }
  }
  if (pos != text.size()) return false;
  *out = millis + ((hour * 60 + minute) * 60 + second) * 1000 + frac_ms -
         offset_ms;
  return true;
}

std::string FormatTimestamp(int64_t millis) {
  if (millis == kNoTime) return "";
  int64_t days = millis >= 0 ? millis / kMillisPerDay
                             : -((-millis + kMillisPerDay - 1) / kMillisPerDay);
  int64_t rem = millis - days * kMillisPerDay;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  int64_t s = rem / 1000, ms = rem % 1000;
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                  static_cast<long long>(y), m, d,
                  static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60),
                  static_cast<long long>(s % 60), static_cast<long long>(ms));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(y), m, d,
                  static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60),
                  static_cast<long long>(s % 60));
  }
  return buf;
}

std::string FormatDate(int64_t millis) {
  if (millis == kNoTime) return "";
  return FormatTimestamp(millis).substr(0, 10);
}

std::string FormatMonth(int64_t millis) {
  if (millis == kNoTime) return "";
  return FormatTimestamp(millis).substr(0, 7);
}

bool ParseDuration(std::string_view text, int64_t* out_millis) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  size_t i = 0;
  double value = 0;
  bool any = false;
  while (i < text.size() && IsDigit(text[i])) {
    value = value * 10 + (text[i] - '0');
    ++i;
    any = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < text.size() && IsDigit(text[i])) {
      value += (text[i] - '0') * scale;
      scale /= 10;
      ++i;
      any = true;
    }
  }
  if (!any) return false;
  std::string_view unit = text.substr(i);
  double mult;
  if (unit.empty() || unit == "d") mult = kMillisPerDay;
  else if (unit == "h") mult = kMillisPerHour;
  else if (unit == "m" || unit == "min") mult = 60000;
  else if (unit == "s") mult = 1000;
  else if (unit == "ms") mult = 1;
  else if (unit == "w") mult = 7.0 * kMillisPerDay;
  else return false;
  double ms = value * mult;
  if (ms > 9.0e18) return false;
  *out_millis = static_cast<int64_t>(ms + 0.5);
  return true;
}

}  // namespace baton

#include "model/timestamp.h"

#include <bit>
#include <cstdio>
#include <cstring>

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

constexpr uint64_t kEachByte = 0x0101010101010101ull;

// Days since 1970-01-01 of the first of each month of the years exports
// hold, computed at compile time: a table read instead of the calendar
// arithmetic of DaysFromCivil for each of millions of timestamps.
constexpr int kFirstTableYear = 1900;
constexpr int kTableYears = 256;
struct MonthStarts {
  int32_t days[kTableYears][12];
};

constexpr MonthStarts MakeMonthStarts() {
  MonthStarts t{};
  constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  // 1900-01-01 is 25567 days before 1970-01-01 (70 years, 17 leap days).
  int32_t day = -25567;
  for (int i = 0; i < kTableYears; ++i) {
    const int y = kFirstTableYear + i;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (int m = 0; m < 12; ++m) {
      t.days[i][m] = day;
      day += kMonthDays[m] + (m == 1 && leap ? 1 : 0);
    }
  }
  return t;
}

constexpr MonthStarts kMonthStarts = MakeMonthStarts();
// 1970-01-01 is day 0, 2000-01-01 day 10957, 2024-03-01 day 19783.
static_assert(kMonthStarts.days[70][0] == 0);
static_assert(kMonthStarts.days[100][0] == 10957);
static_assert(kMonthStarts.days[124][2] == 19783);

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// v with the bytes of `mask` replaced by '0' when they equal those of
// `expected`, and by a non-digit otherwise.
inline uint64_t CheckSeparators(uint64_t v, uint64_t mask, uint64_t expected) {
  const uint64_t zeros = (0x30 * kEachByte) & mask;
  return (v & mask) == expected ? (v & ~mask) | zeros : 0;
}

// True when each of the 8 bytes of v is an ASCII digit: its high nibble is
// 3, and stays 3 once 6 is added (which carries out of 0x3A-0x3F only).
inline bool AllDigits(uint64_t v) {
  const uint64_t high = 0xF0 * kEachByte, three = 0x30 * kEachByte;
  return (v & high) == three && ((v + 0x06 * kEachByte) & high) == three;
}

// Byte k of the result is 10 * digit k + digit k+1 of v (digit bytes 0-9).
inline uint64_t DigitPairs(uint64_t digits) { return digits * 10 + (digits >> 8); }

inline unsigned Byte(uint64_t v, int k) { return static_cast<unsigned>((v >> (8 * k)) & 0xFF); }

// The layouts machine exports write almost always, read as 8-byte words at
// fixed positions: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS, YYYY-MM-DD HH:MM:SS and
// YYYY-MM-DDTHH:MM:SSZ. Returns false for anything else, including an
// impossible date, and the general parser then decides; when it returns true
// the general parser would have read the same value (timestamp_test.cc checks
// that the two agree over a sweep of values).
bool ParseFixedLayout(std::string_view text, int64_t* out) {
  // The words are read little-endian.
  if constexpr (std::endian::native != std::endian::little) return false;
  const size_t n = text.size();
  if (n != 10 && n != 19 && n != 20) return false;
  const char* p = text.data();
  // "YYYY-MM-": '-' at bytes 4 and 7.
  const uint64_t a = CheckSeparators(Load64(p), (0xFFull << 32) | (0xFFull << 56),
                                     (uint64_t{'-'} << 32) | (uint64_t{'-'} << 56));
  if (!AllDigits(a)) return false;
  const uint64_t date = DigitPairs(a - 0x30 * kEachByte);
  const int64_t year = Byte(date, 0) * 100 + Byte(date, 2);
  const unsigned month = Byte(date, 5);
  unsigned day, hour = 0, minute = 0, second = 0;
  if (n == 10) {
    const unsigned d1 = static_cast<unsigned char>(p[8]) - unsigned{'0'};
    const unsigned d2 = static_cast<unsigned char>(p[9]) - unsigned{'0'};
    if (d1 > 9 || d2 > 9) return false;
    day = d1 * 10 + d2;
  } else {
    // "DDTHH:MM" ('T' or ' ' at byte 2, ':' at byte 5), then ":SS" and 'Z'.
    const uint64_t raw = Load64(p + 8);
    const uint64_t sep = Byte(raw, 2) == ' ' ? uint64_t{' '} << 16 : uint64_t{'T'} << 16;
    const uint64_t b =
        CheckSeparators(raw, (0xFFull << 16) | (0xFFull << 40), sep | (uint64_t{':'} << 40));
    if (!AllDigits(b) || p[16] != ':') return false;
    if (n == 20 && p[19] != 'Z') return false;
    const uint64_t time = DigitPairs(b - 0x30 * kEachByte);
    day = Byte(time, 0);
    hour = Byte(time, 3);
    minute = Byte(time, 6);
    const unsigned s1 = static_cast<unsigned char>(p[17]) - unsigned{'0'};
    const unsigned s2 = static_cast<unsigned char>(p[18]) - unsigned{'0'};
    if (s1 > 9 || s2 > 9) return false;
    second = s1 * 10 + s2;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 60)
    return false;
  const uint64_t index = static_cast<uint64_t>(year - kFirstTableYear);
  const int64_t days = index < kTableYears
                           ? kMonthStarts.days[index][month - 1] + int64_t{day} - 1
                           : DaysFromCivil(year, month, day);
  *out = days * kMillisPerDay + ((hour * 60 + minute) * 60 + second) * int64_t{1000};
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
  if (ParseFixedLayout(text, out)) return true;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  if (text.size() < 8) return false;
  if (text.size() >= 10 && (text[4] != '-' || text[7] != '-'))
    return ParseEpochMillis(text, out);

  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0;
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

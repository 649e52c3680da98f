// UTC times in connectors, for the incremental-load option "since": the
// connectors compare a row's modification time with it themselves, since a
// plugin links nothing of the engine (the engine's own parser is not
// available here). Header-only; shared by the csv, salesforce and hubspot
// connectors.
//
// Accepted: epoch milliseconds (digits only); YYYY-MM-DD, optionally
// followed by 'T' or ' ' and HH:MM, HH:MM:SS or HH:MM:SS.fraction, then
// optionally 'Z', "+HH:MM", "+HHMM" or "+HH" (or '-'). These are the forms
// CRM exports write for modification stamps (Salesforce SystemModstamp
// "2024-03-05T10:11:12.000Z" or "+0000", HubSpot "2024-03-05 10:11").
// Stateless functions; thread-safe.
#ifndef BATON_PLUGINS_CSV_UTC_TIME_H_
#define BATON_PLUGINS_CSV_UTC_TIME_H_

#include <cstdint>
#include <limits>
#include <string_view>

namespace baton::plugin_time {

// A `since` that filters nothing.
inline constexpr int64_t kNoSince = std::numeric_limits<int64_t>::min();

namespace detail {

inline bool Digits(std::string_view s, size_t at, size_t n, int64_t* out) {
  if (at + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian).
inline int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace detail

// The civil date (proleptic Gregorian) of `days` since 1970-01-01, the
// inverse of detail::DaysFromCivil: *m is 1..12 and *d 1..31. For connectors
// that write UTC times back out (csv's writer, the API connectors' filters).
inline void CivilFromDays(int64_t days, int64_t* y, int* m, int* d) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

// Parses `text` (surrounding spaces allowed) into UTC milliseconds; false
// when it is not one of the accepted forms or names an impossible date.
inline bool ParseUtcMillis(std::string_view text, int64_t* out) {
  using detail::Digits;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return false;
  bool all_digits = text.size() <= 15;
  for (char ch : text) all_digits = all_digits && ch >= '0' && ch <= '9';
  if (all_digits && text.size() > 8) {  // epoch ms, not a compact date
    int64_t v = 0;
    Digits(text, 0, text.size(), &v);
    *out = v;
    return true;
  }
  int64_t y, mo, d;
  if (!Digits(text, 0, 4, &y) || text.size() < 10 || text[4] != '-' ||
      !Digits(text, 5, 2, &mo) || text[7] != '-' || !Digits(text, 8, 2, &d))
    return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap))
    return false;
  int64_t ms = detail::DaysFromCivil(y, mo, d) * 86400000;
  size_t i = 10;
  if (i < text.size() && (text[i] == 'T' || text[i] == ' ')) {
    int64_t h, mi, s = 0;
    if (!Digits(text, i + 1, 2, &h) || i + 3 >= text.size() || text[i + 3] != ':' ||
        !Digits(text, i + 4, 2, &mi) || h > 23 || mi > 59)
      return false;
    i += 6;
    if (i < text.size() && text[i] == ':') {
      if (!Digits(text, i + 1, 2, &s) || s > 60) return false;
      i += 3;
      if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
        ++i;
        int64_t frac = 0, scale = 100;
        const size_t start = i;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
          frac += (text[i] - '0') * scale;
          scale /= 10;
        }
        if (i == start) return false;
        ms += frac;
      }
    }
    ms += ((h * 60 + mi) * 60 + s) * 1000;
  }
  if (i < text.size() && text[i] == 'Z') {
    ++i;
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    const int64_t sign = text[i] == '+' ? 1 : -1;
    int64_t oh, om = 0;
    if (!Digits(text, i + 1, 2, &oh) || oh > 23) return false;
    i += 3;
    if (i < text.size() && text[i] == ':') ++i;
    if (i < text.size()) {
      if (!Digits(text, i, 2, &om) || om > 59) return false;
      i += 2;
    }
    ms -= sign * (oh * 60 + om) * 60000;
  }
  if (i != text.size()) return false;
  *out = ms;
  return true;
}

}  // namespace baton::plugin_time

#endif  // BATON_PLUGINS_CSV_UTC_TIME_H_

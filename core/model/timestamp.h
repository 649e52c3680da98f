// Timestamps: int64 milliseconds since the Unix epoch, UTC.
//
// ParseTimestamp accepts the formats real CRM and spreadsheet exports use and
// rejects anything else:
//   2024-01-15                      date only (midnight UTC)
//   2024-01-15 10:22:33             space or 'T' separator, seconds optional
//   2024-01-15T10:22:33Z            'Z' suffix
//   2024-01-15T10:22:33.000+0000    fraction (1-9 digits), offset +HHMM
//   2024-01-15T10:22:33.000+00:00   offset +HH:MM (or +HH)
//   1705314153000                   epoch milliseconds as text (10-16 digits
//                                   with optional '-'); 9 digits or fewer
//                                   are rejected as ambiguous
// Pure functions, thread-safe.
#ifndef BATON_MODEL_TIMESTAMP_H_
#define BATON_MODEL_TIMESTAMP_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace baton {

// The value that marks a missing timestamp in every column.
inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kMillisPerDay = 86400000;
inline constexpr int64_t kMillisPerHour = 3600000;

// later - start in milliseconds, saturating at the int64 limits instead of
// overflowing on absurd timestamps (kNoTime included).
inline int64_t ElapsedMillis(int64_t start, int64_t later) {
  int64_t d;
  if (__builtin_sub_overflow(later, start, &d))
    return later > start ? std::numeric_limits<int64_t>::max()
                         : std::numeric_limits<int64_t>::min();
  return d;
}

// Parses `text` into `*out`. Returns false (leaving *out unchanged) when the
// text is not one of the accepted formats or names an impossible date.
bool ParseTimestamp(std::string_view text, int64_t* out);

// The accepted formats, for error messages.
const char* TimestampFormatsHint();

// Days since the epoch for a proleptic Gregorian date (Howard Hinnant's
// days_from_civil algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
// Inverse of DaysFromCivil.
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

// "2024-01-15T10:22:33Z" (milliseconds appended only when non-zero);
// "" for kNoTime.
std::string FormatTimestamp(int64_t millis);
// "2024-01-15".
std::string FormatDate(int64_t millis);
// "2024-01" for the month containing `millis`.
std::string FormatMonth(int64_t millis);

// Parses a duration such as "90d", "24h", "30m", "45s", "1500ms" or "2w".
// A bare number means days. Returns false on anything else or a negative.
bool ParseDuration(std::string_view text, int64_t* out_millis);

}  // namespace baton

#endif  // BATON_MODEL_TIMESTAMP_H_

#include "model/timestamp.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <string>

namespace baton {
namespace {

int64_t Parse(const char* s) {
  int64_t v = 12345;
  EXPECT_TRUE(ParseTimestamp(s, &v)) << s;
  return v;
}

bool Rejects(const char* s) {
  int64_t v = 0;
  return !ParseTimestamp(s, &v);
}

// 2024-01-15 is day 19737 since 1970-01-01 (19737 * 86400 = 1705276800).
TEST(Timestamp, ParsesEveryExportFormat) {
  const int64_t day = 1705276800000;
  const int64_t t = day + (10 * 3600 + 22 * 60 + 33) * 1000;
  EXPECT_EQ(Parse("2024-01-15"), day);
  EXPECT_EQ(Parse("2024-01-15 10:22:33"), t);
  EXPECT_EQ(Parse("2024-01-15T10:22:33"), t);
  EXPECT_EQ(Parse("2024-01-15T10:22:33Z"), t);
  EXPECT_EQ(Parse("2024-01-15T10:22:33.000+0000"), t);
  EXPECT_EQ(Parse("2024-01-15T10:22:33.000+00:00"), t);
  EXPECT_EQ(Parse("2024-01-15T10:22:33.250Z"), t + 250);
  EXPECT_EQ(Parse("2024-01-15 10:22"), t - 33000);
  EXPECT_EQ(Parse("1705314153000"), t);
  EXPECT_EQ(Parse("  2024-01-15  "), day);
}

TEST(Timestamp, AppliesZoneOffsets) {
  const int64_t t = 1705314153000;  // 2024-01-15T10:22:33Z
  EXPECT_EQ(Parse("2024-01-15T12:22:33+02:00"), t);
  EXPECT_EQ(Parse("2024-01-15T05:22:33-0500"), t);
  EXPECT_EQ(Parse("2024-01-15T12:22:33+02"), t);
}

TEST(Timestamp, RejectsWhatIsNotATime) {
  EXPECT_TRUE(Rejects("2024-13-01"));
  EXPECT_TRUE(Rejects("2023-02-29"));
  EXPECT_TRUE(Rejects("2024-01-15T25:00:00"));
  EXPECT_TRUE(Rejects("15/01/2024"));
  EXPECT_TRUE(Rejects("yesterday"));
  EXPECT_TRUE(Rejects(""));
  EXPECT_TRUE(Rejects("12345"));       // too short to be epoch millis
  EXPECT_TRUE(Rejects("2024-01-15X"));
  EXPECT_TRUE(Rejects("2024-01-15T10:22:33+0000junk"));
  EXPECT_FALSE(Rejects("2024-02-29"));  // leap day
}

TEST(Timestamp, FormatsRoundTrip) {
  EXPECT_EQ(FormatTimestamp(1705314153000), "2024-01-15T10:22:33Z");
  EXPECT_EQ(FormatTimestamp(1705314153250), "2024-01-15T10:22:33.250Z");
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatMonth(1705314153000), "2024-01");
  EXPECT_EQ(FormatDate(kNoTime), "");
}

TEST(Timestamp, CivilDaysMatchKnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
}

// ParseTimestamp reads YYYY-MM-DD, YYYY-MM-DD[T ]HH:MM:SS and
// YYYY-MM-DDTHH:MM:SSZ at fixed positions, and everything else with its
// general parser. A leading space always takes the general parser (the fast
// layouts start with a digit), so the pair below compares the two paths.
struct BothPaths {
  bool fast_ok, general_ok;
  int64_t fast, general;
};

BothPaths ParseBoth(const std::string& s) {
  BothPaths r{false, false, 1, 2};
  r.fast_ok = ParseTimestamp(s, &r.fast);
  r.general_ok = ParseTimestamp(" " + s + "\t", &r.general);
  return r;
}

// The reference for valid dates and times is the C library's timegm, which
// shares no code with the parser; validity is the calendar's rule (a leap
// second :60 is accepted, as the general parser always did).
bool Reference(int y, int mo, int d, int h, int mi, int sec, int64_t* out) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + (mo == 2 && leap) ||
      h > 23 || mi > 59 || sec > 60)
    return false;
  std::tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  *out = static_cast<int64_t>(timegm(&tm)) * 1000;
  return true;
}

TEST(Timestamp, FixedLayoutsAgreeWithTheGeneralParserAndTheCalendar) {
  // Years inside and outside 1900-2155, where a table of month starts
  // replaces the calendar arithmetic.
  const int kYears[] = {1899, 1900, 1970, 1999, 2000, 2023, 2024, 2100, 2155, 2156, 2400};
  const int kTimes[][3] = {{0, 0, 0},   {23, 59, 59}, {12, 34, 56}, {9, 5, 7},
                           {24, 0, 0},  {23, 60, 0},  {23, 59, 60}, {23, 59, 61}};
  const char* const kLayouts[] = {"", "T", " ", "TZ"};
  int checked = 0, valid = 0;
  for (int y : kYears) {
    for (int mo = 0; mo <= 13; ++mo) {
      for (int d = 0; d <= 32; ++d) {
        for (const char* layout : kLayouts) {
          for (const auto& t : kTimes) {
            if (layout[0] == 0 && &t != &kTimes[0]) break;  // date only: once
            char buf[32];
            if (layout[0] == 0) {
              std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
            } else {
              std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%c%02d:%02d:%02d%s", y, mo,
                            d, layout[0], t[0], t[1], t[2], layout[1] ? "Z" : "");
            }
            int64_t want = 0;
            const bool ok = layout[0] == 0
                                ? Reference(y, mo, d, 0, 0, 0, &want)
                                : Reference(y, mo, d, t[0], t[1], t[2], &want);
            const BothPaths got = ParseBoth(buf);
            ASSERT_EQ(got.fast_ok, ok) << buf;
            ASSERT_EQ(got.general_ok, ok) << buf;
            if (ok) {
              ASSERT_EQ(got.fast, want) << buf;
              ASSERT_EQ(got.general, want) << buf;
              ++valid;
            }
            ++checked;
          }
        }
      }
    }
  }
  // 11 years x 14 months x 33 days x (1 date-only + 3 layouts x 8 times).
  EXPECT_EQ(checked, 11 * 14 * 33 * 25);
  // Valid: 4019 real days in the 11 years (1900 and 2100 are not leap
  // years; 2000, 2024, 2156 and 2400 are), each once date-only and with each
  // of the 5 valid times (00:00:00, 23:59:59, 12:34:56, 09:05:07, 23:59:60)
  // in 3 layouts: 16 strings a day.
  EXPECT_EQ(valid, (7 * 365 + 4 * 366) * 16);
}

TEST(Timestamp, FixedLayoutsRefuseEveryWrongByte) {
  // Each byte of a valid value replaced by characters around the digits
  // and separators: both paths must agree, byte for byte.
  const std::string good[] = {"2024-02-29", "2024-02-29T23:59:59",
                              "2024-02-29 23:59:59", "2024-02-29T23:59:59Z"};
  const char kBad[] = {'/', ':', '.', '0' - 1, '9' + 1, 'a', 'T', ' ', '-', 'Z',
                       '\0', '\x80', '+', 'z', 't', '5'};
  int refused = 0;
  for (const std::string& g : good) {
    for (size_t i = 0; i < g.size(); ++i) {
      for (char c : kBad) {
        std::string s = g;
        s[i] = c;
        const BothPaths got = ParseBoth(s);
        ASSERT_EQ(got.fast_ok, got.general_ok) << "[" << s << "]";
        if (got.fast_ok) {
          ASSERT_EQ(got.fast, got.general) << s;
        }
        refused += !got.fast_ok;
      }
    }
  }
  EXPECT_GT(refused, 0);
  // Spot checks worked by hand. 2024-02-29 is day 19782 (2024-01-01 is
  // 19723, plus 31 + 28); 23:59:59 is 86399 s.
  const int64_t leap_day = 19782 * kMillisPerDay;
  EXPECT_EQ(Parse("2024-02-29"), leap_day);
  EXPECT_EQ(Parse("2024-02-29 23:59:59"), leap_day + 86399000);
  EXPECT_EQ(Parse("2024-02-29T23:59:59z"), leap_day + 86399000);  // general path
  EXPECT_TRUE(Rejects("2024-02-29T23:59:59ZZ"));
  EXPECT_TRUE(Rejects("2024-02-29T23:59:5Z"));
  EXPECT_TRUE(Rejects("2024-02-30"));
  EXPECT_TRUE(Rejects("2100-02-29"));
}

TEST(Timestamp, OffsetsAroundTheFixedLayouts) {
  // 2024-02-29T23:59:59Z is leap_day + 86399 s; +02:00 means 2 h earlier in
  // UTC, -05:30 means 5.5 h later (the next day, 2024-03-01T05:29:59Z).
  const int64_t t = 19782 * kMillisPerDay + 86399000;
  EXPECT_EQ(Parse("2024-02-29T23:59:59+02:00"), t - 2 * kMillisPerHour);
  EXPECT_EQ(Parse("2024-02-29T23:59:59+0200"), t - 2 * kMillisPerHour);
  EXPECT_EQ(Parse("2024-02-29T23:59:59-05:30"), t + 5 * kMillisPerHour + 1800000);
  EXPECT_EQ(Parse("2024-02-29T23:59:59.5+00:00"), t + 500);
  EXPECT_EQ(Parse("2024-02-29 23:59"), t - 59000);
  // 19 bytes long like the HH:MM:SS layouts, but minutes and an offset:
  // the general parser reads it.
  EXPECT_EQ(Parse("2024-02-29T23:59+01"), t - 59000 - kMillisPerHour);
}

TEST(Duration, ParsesUnits) {
  int64_t ms = 0;
  ASSERT_TRUE(ParseDuration("90d", &ms));
  EXPECT_EQ(ms, 90 * kMillisPerDay);
  ASSERT_TRUE(ParseDuration("24h", &ms));
  EXPECT_EQ(ms, 24 * kMillisPerHour);
  ASSERT_TRUE(ParseDuration("2w", &ms));
  EXPECT_EQ(ms, 14 * kMillisPerDay);
  ASSERT_TRUE(ParseDuration("1.5h", &ms));
  EXPECT_EQ(ms, 90 * 60000);
  ASSERT_TRUE(ParseDuration("7", &ms));
  EXPECT_EQ(ms, 7 * kMillisPerDay);
  EXPECT_FALSE(ParseDuration("-3d", &ms));
  EXPECT_FALSE(ParseDuration("3 days", &ms));
  EXPECT_FALSE(ParseDuration("", &ms));
}

}  // namespace
}  // namespace baton

#include "model/timestamp.h"

#include <gtest/gtest.h>

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

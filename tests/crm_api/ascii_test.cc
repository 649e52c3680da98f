// plugins/http/ascii.h: only ASCII letters change case and only ASCII white
// space is trimmed, so bytes of UTF-8 text pass through untouched.
#include "ascii.h"

#include <gtest/gtest.h>

namespace baton::ascii {
namespace {

TEST(Ascii, LowerChangesOnlyAsciiLetters) {
  // "Ä" is C3 84 in UTF-8: both bytes stay as they are.
  EXPECT_EQ(Lower("Content-TYPE \xC3\x84 Z@[`"), "content-type \xC3\x84 z@[`");
}

TEST(Ascii, EqualsIgnoreCaseComparesLengthAndAsciiLetters) {
  EXPECT_TRUE(EqualsIgnoreCase("Sforce-Locator", "sforce-locator"));
  EXPECT_FALSE(EqualsIgnoreCase("Sforce-Locator", "sforce-locato"));
  // '@' (0x40) and '`' (0x60) differ by the case bit but are not letters.
  EXPECT_FALSE(EqualsIgnoreCase("@", "`"));
  EXPECT_TRUE(EqualsIgnoreCase("", ""));
}

TEST(Ascii, TrimRemovesAsciiWhiteSpaceAtBothEnds) {
  EXPECT_EQ(Trim(" \t\r\n value with  inner space \v\f"), "value with  inner space");
  EXPECT_EQ(Trim(" \t "), "");
  // A no-break space (C2 A0) is not ASCII white space: it stays.
  EXPECT_EQ(Trim("\xC2\xA0x "), "\xC2\xA0x");
}

}  // namespace
}  // namespace baton::ascii

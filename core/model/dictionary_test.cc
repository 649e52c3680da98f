#include "model/dictionary.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace baton {
namespace {

std::string Id(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%07d", prefix, i);
  return buf;
}

TEST(Dictionary, EmptyStringIsCodeZeroWhenReserved) {
  Dictionary labels(true);
  EXPECT_EQ(labels.Intern(""), 0u);
  EXPECT_EQ(labels.Find(""), 0u);
  EXPECT_EQ(labels.Intern("email"), 1u);
  EXPECT_EQ(labels.Intern(""), 0u);
  EXPECT_EQ(labels.size(), 2u);

  Dictionary ids(false);
  EXPECT_EQ(ids.Find(""), Dictionary::kNotFound);
  EXPECT_EQ(ids.Intern("b"), 0u);
  EXPECT_EQ(ids.Intern(""), 1u);  // an ordinary string here
  EXPECT_EQ(ids.Find(""), 1u);
  EXPECT_EQ(ids.Find("b"), 0u);
}

// Codes are given in first-seen order whatever the order of the strings:
// ascending runs (which skip the hash table until a lookup needs it), a
// string smaller than the largest so far, and repeats in between.
TEST(Dictionary, CodesFollowFirstSightInAnyOrder) {
  Dictionary d(false);
  const std::vector<std::string> order = {"a1", "a2", "a3", "a0", "a2", "b",
                                          "a1", "c",  "bb", "a",  "zz", "aa"};
  // first sight: a1 0, a2 1, a3 2, a0 3, b 4, c 5, bb 6, a 7, zz 8, aa 9
  const std::vector<uint32_t> want = {0, 1, 2, 3, 1, 4, 0, 5, 6, 7, 8, 9};
  for (size_t i = 0; i < order.size(); ++i)
    EXPECT_EQ(d.Intern(order[i]), want[i]) << order[i];
  EXPECT_EQ(d.size(), 10u);
  EXPECT_EQ(d.Get(3), "a0");
  EXPECT_EQ(d.Find("zz"), 8u);
  EXPECT_EQ(d.Find("aa"), 9u);
  EXPECT_EQ(d.Find("a4"), Dictionary::kNotFound);
}

// 50,000 ids interned in ascending order, then looked up before and after
// they are placed in the hash table: every id keeps its position as code.
TEST(Dictionary, AscendingIdsAreFoundBeforeAndAfterIndexing) {
  Dictionary d(false);
  const int n = 50000;
  for (int i = 0; i < n; ++i) ASSERT_EQ(d.Intern(Id("P", i + 1)), uint32_t(i));
  // Find reads the not yet indexed run (const, no side effect).
  for (int i = 0; i < n; i += 997) EXPECT_EQ(d.Find(Id("P", i + 1)), uint32_t(i));
  EXPECT_EQ(d.Find(Id("P", 0)), Dictionary::kNotFound);
  EXPECT_EQ(d.Find(Id("P", n + 1)), Dictionary::kNotFound);
  EXPECT_EQ(d.Find("P00000015"), Dictionary::kNotFound);  // one digit more
  // An id below the largest needs the table.
  EXPECT_EQ(d.Intern(Id("P", 17)), 16u);
  for (int i = 0; i < n; ++i) ASSERT_EQ(d.Find(Id("P", i + 1)), uint32_t(i));
  EXPECT_EQ(d.Intern(Id("P", 0)), uint32_t(n));  // new, below the largest
  EXPECT_EQ(d.Intern(Id("Q", 1)), uint32_t(n + 1));  // new, above
  d.Seal();
  EXPECT_EQ(d.Find(Id("Q", 1)), uint32_t(n + 1));
  EXPECT_EQ(d.Find(Id("P", 0)), uint32_t(n));
  EXPECT_EQ(d.size(), uint32_t(n + 2));
}

// Numeric ids of growing length ("9" then "10") ascend by length first.
TEST(Dictionary, NumericIdsOfGrowingLength) {
  Dictionary d(false);
  for (int i = 1; i <= 20000; ++i) ASSERT_EQ(d.Intern(std::to_string(i)), uint32_t(i - 1));
  for (int i = 1; i <= 20000; i += 7) ASSERT_EQ(d.Find(std::to_string(i)), uint32_t(i - 1));
  EXPECT_EQ(d.Intern("999"), 998u);
  EXPECT_EQ(d.Intern("20001"), 20000u);
  EXPECT_EQ(d.Find("0"), Dictionary::kNotFound);
}

// Lengths 0..300, including NUL bytes, and strings that differ in a single
// byte at each position: short strings are compared inside the slot, long
// ones through the arena, and 255+ bytes past the length kept in the slot.
TEST(Dictionary, StringsOfEveryLengthAndByte) {
  Dictionary d(true);
  std::vector<std::string> all;
  for (size_t len = 1; len <= 300; ++len) {
    std::string base(len, 'x');
    base[len / 2] = '\0';
    all.push_back(base);
    for (size_t pos : {size_t{0}, len / 3, len - 1}) {
      std::string s = base;
      s[pos] = static_cast<char>(0x80 | (pos & 0x7F));
      all.push_back(s);
    }
  }
  std::vector<uint32_t> codes;
  for (const auto& s : all) codes.push_back(d.Intern(s));
  for (size_t i = 0; i < all.size(); ++i) {
    // Duplicates within a length (pos 0 == len/3 for short strings) share a code.
    size_t first = i;
    while (first > 0 && all[first - 1].size() == all[i].size()) --first;
    for (size_t j = first; j < i; ++j)
      if (all[j] == all[i]) {
        EXPECT_EQ(codes[j], codes[i]);
      }
    EXPECT_EQ(d.Find(all[i]), codes[i]);
    EXPECT_EQ(d.Get(codes[i]), all[i]);
    EXPECT_TRUE(d.Equals(codes[i], all[i]));
  }
  EXPECT_EQ(d.Find(std::string(301, 'x')), Dictionary::kNotFound);
  EXPECT_EQ(d.Find(std::string(255, 'y')), Dictionary::kNotFound);
  d.Prefetch(all[7]);  // a hint only
  EXPECT_EQ(d.Find(all[7]), codes[7]);
}

TEST(Dictionary, SameBytesComparesEveryLength) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'q'), b(n, 'q');
    EXPECT_TRUE(Dictionary::SameBytes(a.data(), b.data(), n));
    for (size_t i = 0; i < n; ++i) {
      b[i] = 'r';
      EXPECT_FALSE(Dictionary::SameBytes(a.data(), b.data(), n)) << n << " " << i;
      b[i] = 'q';
    }
  }
}

TEST(HashBytes, DependsOnTheBytesNotTheirAddress) {
  char buf[64 + 8];
  for (size_t n = 0; n <= 64; ++n) {
    for (size_t i = 0; i < sizeof buf; ++i) buf[i] = static_cast<char>('a' + i % 7);
    const std::string s(buf, n);
    const uint64_t h = HashBytes(s.data(), n);
    for (size_t off = 1; off < 8; ++off) {
      std::memmove(buf + off, s.data(), n);
      EXPECT_EQ(HashBytes(buf + off, n), h) << n << " at " << off;
    }
  }
}

// A cache in front of one dictionary gives the codes a plain dictionary fed
// the same sequence gives, also when values collide in its 64 entries.
TEST(LabelCache, GivesTheSameCodesAsTheDictionary) {
  std::vector<std::string> values;
  for (int i = 0; i < 200; ++i) {
    // Shared prefixes and suffixes, lengths 1 to 40.
    std::string v = "2024-q";
    v += std::to_string(i % 4);
    v += '-';
    v += std::string(i % 23, 'c');
    v += std::to_string(i);
    values.push_back(v.substr(0, 1 + i % 40));
  }
  values.push_back("");
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, values.size() - 1);
  Dictionary cached(true), plain(true);
  LabelCache cache;
  for (int i = 0; i < 20000; ++i) {
    const std::string& v = values[pick(rng)];
    const uint32_t a = cache.Intern(&cached, v);
    ASSERT_EQ(a, plain.Intern(v)) << v;
    ASSERT_EQ(cached.Get(a), v);
  }
  EXPECT_EQ(cached.size(), plain.size());
}

}  // namespace
}  // namespace baton

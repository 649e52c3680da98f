#include "attribution/shapley.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <vector>

namespace baton {
namespace {

struct RandomGame {
  size_t n = 0;
  std::vector<KeySetCounts::Entry> entries;  // distinct sets
};

// Random journeys over n keys, aggregated by key set the way the engine does.
RandomGame MakeGame(size_t n, std::mt19937_64* rng, size_t counting_keys) {
  RandomGame g;
  g.n = n;
  KeySetCounts counts(counting_keys);
  for (int i = 0; i < 60; ++i) {
    std::vector<uint16_t> keys;
    size_t len = 1 + (*rng)() % 5;
    for (size_t k = 0; k < len; ++k)
      keys.push_back(static_cast<uint16_t>((*rng)() % n));
    std::vector<int64_t> ages(keys.size(), 0);
    JourneyView j;
    j.keys = keys.data();
    j.age_ms = ages.data();
    j.n = static_cast<uint32_t>(keys.size());
    j.conversions = static_cast<double>((*rng)() % 4);
    j.nulls = static_cast<double>((*rng)() % 4);
    j.revenue = 10.0 * j.conversions;
    counts.Add(j);
  }
  g.entries = counts.Entries();
  return g;
}

uint32_t MaskOf(const std::vector<uint16_t>& keys) {
  uint32_t m = 0;
  for (uint16_t k : keys) m |= 1u << k;
  return m;
}

// Shapley values by their definition: the average over all n! orders of
// each player's marginal contribution.
std::vector<double> BruteForce(size_t n, const std::vector<double>& v) {
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> phi(n, 0.0);
  double orders = 0;
  do {
    uint32_t s = 0;
    for (int p : order) {
      phi[p] += v[s | (1u << p)] - v[s];
      s |= 1u << p;
    }
    orders += 1;
  } while (std::next_permutation(order.begin(), order.end()));
  for (double& x : phi) x /= orders;
  return phi;
}

std::vector<std::vector<uint16_t>> Sets(const RandomGame& g) {
  std::vector<std::vector<uint16_t>> s;
  for (const auto& e : g.entries) s.push_back(e.keys);
  return s;
}

TEST(ShapleyAttribution, ConversionsValueMatchesBruteForceOverAllOrders) {
  std::mt19937_64 rng(11);
  for (size_t n = 1; n <= 7; ++n) {
    RandomGame g = MakeGame(n, &rng, n);
    // v(S) = conversions of journeys whose key set is a subset of S.
    std::vector<double> v(size_t{1} << n, 0.0), c;
    for (uint32_t s = 0; s < v.size(); ++s)
      for (const auto& e : g.entries)
        if ((MaskOf(e.keys) & ~s) == 0) v[s] += e.totals.conversions;
    for (const auto& e : g.entries) c.push_back(e.totals.conversions);
    std::vector<double> want = BruteForce(n, v);
    std::vector<double> got = SubsetSumShapley(Sets(g), c, n);
    double sum = 0;
    for (size_t k = 0; k < n; ++k) {
      EXPECT_NEAR(got[k], want[k], 1e-9) << "n=" << n << " key " << k;
      sum += got[k];
    }
    // Efficiency: the phis add up to v(all keys).
    EXPECT_NEAR(sum, v.back(), 1e-9) << "n=" << n;
  }
}

TEST(ShapleyAttribution, RateValueMatchesBruteForceOverAllOrders) {
  std::mt19937_64 rng(12);
  for (size_t n = 1; n <= 7; ++n) {
    RandomGame g = MakeGame(n, &rng, n);
    // v(S) = conversion rate of journeys whose key set is exactly S.
    std::vector<double> v(size_t{1} << n, 0.0), rate;
    for (const auto& e : g.entries) {
      double tries = e.totals.conversions + e.totals.nulls;
      double r = tries > 0 ? e.totals.conversions / tries : 0.0;
      v[MaskOf(e.keys)] = r;
      rate.push_back(r);
    }
    // Players are the keys that appear in some journey.
    uint32_t players = 0;
    for (const auto& e : g.entries) players |= MaskOf(e.keys);
    std::vector<uint16_t> ids;
    for (uint16_t k = 0; k < n; ++k)
      if (players >> k & 1) ids.push_back(k);
    // Brute force over the players only (a game on a sub-index).
    std::vector<double> sub(size_t{1} << ids.size(), 0.0);
    for (uint32_t s = 0; s < sub.size(); ++s) {
      uint32_t full = 0;
      for (size_t i = 0; i < ids.size(); ++i)
        if (s >> i & 1) full |= 1u << ids[i];
      sub[s] = v[full];
    }
    std::vector<double> want_sub = BruteForce(ids.size(), sub);
    std::vector<double> got = ExactSetShapley(Sets(g), rate, n);
    double sum = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      EXPECT_NEAR(got[ids[i]], want_sub[i], 1e-12)
          << "n=" << n << " key " << ids[i];
      sum += got[ids[i]];
    }
    EXPECT_NEAR(sum, sub.back(), 1e-12) << "n=" << n;
    for (uint16_t k = 0; k < n; ++k) {
      if (!(players >> k & 1)) {
        EXPECT_EQ(got[k], 0.0);
      }
    }
  }
}

TEST(ShapleyAttribution, CreditsSumToConversionsAndRevenueForBothValues) {
  std::mt19937_64 rng(13);
  RandomGame g = MakeGame(6, &rng, 6);
  double conversions = 0, revenue = 0;
  for (const auto& e : g.entries) {
    conversions += e.totals.conversions;
    revenue += e.totals.revenue;
  }
  for (ShapleyValue value : {ShapleyValue::kConversions, ShapleyValue::kRate}) {
    ShapleyCredits c = ComputeShapleyCredits(g.entries, 6, value);
    double sc = 0, sr = 0;
    for (size_t k = 0; k < 6; ++k) {
      sc += c.conversions[k];
      sr += c.revenue[k];
    }
    EXPECT_NEAR(sc, conversions, 1e-9);
    EXPECT_NEAR(sr, revenue, 1e-7);
    EXPECT_EQ(c.warnings.size(), value == ShapleyValue::kRate ? 1u : 0u);
  }
}

TEST(ShapleyAttribution, KeyListsBeyondSixtyFourKeysCountLikeMasks) {
  // The same journeys counted as bit masks (7 keys) and as sorted key
  // lists (a 100-key space) give the same sets and totals.
  std::mt19937_64 rng_a(14), rng_b(14);
  RandomGame masks = MakeGame(7, &rng_a, 7);
  RandomGame lists = MakeGame(7, &rng_b, 100);
  ASSERT_EQ(masks.entries.size(), lists.entries.size());
  for (size_t i = 0; i < masks.entries.size(); ++i) {
    EXPECT_EQ(masks.entries[i].keys, lists.entries[i].keys);
    EXPECT_EQ(masks.entries[i].totals.conversions,
              lists.entries[i].totals.conversions);
    EXPECT_EQ(masks.entries[i].totals.nulls, lists.entries[i].totals.nulls);
  }
}

TEST(ShapleyAttribution, ExactForManyKeys) {
  // 300 keys, no sampling: journey k touches key k alone with k+1
  // conversions, plus one journey {0, 299} with 2 conversions. Under
  // "conversions", key k gets k+1, and keys 0 and 299 get 1 more each.
  const size_t n = 300;
  KeySetCounts counts(n);
  std::vector<int64_t> ages(2, 0);
  for (uint16_t k = 0; k < n; ++k) {
    JourneyView j;
    j.keys = &k;
    j.age_ms = ages.data();
    j.n = 1;
    j.conversions = k + 1;
    counts.Add(j);
  }
  uint16_t pair[2] = {299, 0};
  JourneyView j;
  j.keys = pair;
  j.age_ms = ages.data();
  j.n = 2;
  j.conversions = 2;
  counts.Add(j);
  ShapleyCredits c =
      ComputeShapleyCredits(counts.Entries(), n, ShapleyValue::kConversions);
  EXPECT_DOUBLE_EQ(c.conversions[0], 2.0);
  EXPECT_DOUBLE_EQ(c.conversions[150], 151.0);
  EXPECT_DOUBLE_EQ(c.conversions[299], 301.0);
}

TEST(ShapleyAttribution, MergedPartialsEqualOneCount) {
  std::mt19937_64 rng(15);
  std::vector<std::vector<uint16_t>> journeys;
  for (int i = 0; i < 50; ++i) {
    std::vector<uint16_t> keys(1 + rng() % 3);
    for (auto& k : keys) k = static_cast<uint16_t>(rng() % 4);
    journeys.push_back(keys);
  }
  KeySetCounts one(4), a(4), b(4);
  std::vector<int64_t> ages(8, 0);
  for (size_t i = 0; i < journeys.size(); ++i) {
    JourneyView j;
    j.keys = journeys[i].data();
    j.age_ms = ages.data();
    j.n = static_cast<uint32_t>(journeys[i].size());
    j.conversions = 1;
    one.Add(j);
    (i < 20 ? a : b).Add(j);
  }
  a.Merge(b);
  auto x = one.Entries(), y = a.Entries();
  ASSERT_EQ(x.size(), y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i].keys, y[i].keys);
    EXPECT_EQ(x[i].totals.conversions, y[i].totals.conversions);
  }
}

}  // namespace
}  // namespace baton

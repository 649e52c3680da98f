#include "attribution/rules.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace baton {
namespace {

constexpr int64_t kDay = 86400000;

// A journey held in vectors, viewed as the models see it.
struct TestJourney {
  std::vector<uint16_t> keys;
  std::vector<int64_t> ages;
  double conversions = 1;
  double revenue = 0;
  int32_t last_non_direct = -1;
  int32_t lead = kNoMilestone;
  int32_t opportunity = kNoMilestone;

  JourneyView View() const {
    JourneyView j;
    j.keys = keys.data();
    j.age_ms = ages.data();
    j.n = static_cast<uint32_t>(keys.size());
    j.conversions = conversions;
    j.revenue = revenue;
    j.last_non_direct = last_non_direct >= 0
                            ? last_non_direct
                            : static_cast<int32_t>(keys.size()) - 1;
    j.lead = lead;
    j.opportunity = opportunity;
    return j;
  }
};

TestJourney OfLength(size_t n) {
  TestJourney t;
  for (size_t i = 0; i < n; ++i) {
    t.keys.push_back(static_cast<uint16_t>(i));
    t.ages.push_back(static_cast<int64_t>(n - 1 - i) * kDay);
  }
  return t;
}

std::vector<double> Shares(RuleModel m, const TestJourney& t,
                           RuleParams params = RuleParams()) {
  std::vector<double> s(t.keys.size(), -1.0);
  RuleShares(m, t.View(), params, s.data());
  return s;
}

void ExpectShares(const std::vector<double>& got,
                  const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-12) << "touch " << i;
}

TEST(RuleModels, PositionModelsSplitFirstBetweenLast) {
  // Three touches: the one between gets the whole between share.
  ExpectShares(Shares(RuleModel::kUShaped, OfLength(3)), {0.4, 0.2, 0.4});
  ExpectShares(Shares(RuleModel::kJShaped, OfLength(3)), {0.2, 0.2, 0.6});
  ExpectShares(Shares(RuleModel::kInverseJ, OfLength(3)), {0.6, 0.2, 0.2});
  // Four touches: 20% between over two touches is 10% each.
  ExpectShares(Shares(RuleModel::kUShaped, OfLength(4)), {0.4, 0.1, 0.1, 0.4});
  ExpectShares(Shares(RuleModel::kFirst, OfLength(4)), {1, 0, 0, 0});
  ExpectShares(Shares(RuleModel::kLast, OfLength(4)), {0, 0, 0, 1});
  ExpectShares(Shares(RuleModel::kLinear, OfLength(4)),
               {0.25, 0.25, 0.25, 0.25});
}

TEST(RuleModels, ShortJourneysRenormaliseFirstAndLast) {
  // One touch: 100%. Two: first:last renormalised, j_shaped 20:60 -> 1/4, 3/4.
  ExpectShares(Shares(RuleModel::kJShaped, OfLength(1)), {1});
  ExpectShares(Shares(RuleModel::kUShaped, OfLength(2)), {0.5, 0.5});
  ExpectShares(Shares(RuleModel::kJShaped, OfLength(2)), {0.25, 0.75});
  ExpectShares(Shares(RuleModel::kInverseJ, OfLength(2)), {0.75, 0.25});
}

TEST(RuleModels, CustomPositionWeightsAreNormalised) {
  RuleParams p;
  p.position = {3, 2, 5};  // sum 10: 0.3 first, 0.2 between, 0.5 last
  ExpectShares(Shares(RuleModel::kPosition, OfLength(4), p),
               {0.3, 0.1, 0.1, 0.5});
  // Two touches: 3:5 -> 3/8, 5/8.
  ExpectShares(Shares(RuleModel::kPosition, OfLength(2), p), {0.375, 0.625});
  // Only a between weight: two touches fall back to 50/50.
  p.position = {0, 1, 0};
  ExpectShares(Shares(RuleModel::kPosition, OfLength(2), p), {0.5, 0.5});
}

TEST(RuleModels, TimeDecayHalvesPerHalfLife) {
  // Ages 14, 7, 0 days, half-life 7 days: weights 1/4, 1/2, 1, sum 7/4,
  // shares 1/7, 2/7, 4/7.
  TestJourney t = OfLength(3);
  t.ages = {14 * kDay, 7 * kDay, 0};
  ExpectShares(Shares(RuleModel::kTimeDecay, t), {1.0 / 7, 2.0 / 7, 4.0 / 7});
  // Ages far past the half-life do not underflow: 7000 and 6993 days give
  // weights 2^-1000 and 2^-999, shares 1/3 and 2/3.
  t = OfLength(2);
  t.ages = {7000 * kDay, 6993 * kDay};
  ExpectShares(Shares(RuleModel::kTimeDecay, t), {1.0 / 3, 2.0 / 3});
}

TEST(RuleModels, LastNonDirectSkipsDirectTouches) {
  TestJourney t = OfLength(3);
  t.last_non_direct = 1;  // the last touch was direct
  ExpectShares(Shares(RuleModel::kLastNonDirect, t), {0, 1, 0});
}

TEST(RuleModels, WShapedGivesMilestonesThirtyPercent) {
  // Five touches, lead at 2, opportunity at 3: 0.3 to 0, 2, 3; 0.1 over the
  // two others (1 and 4).
  TestJourney t = OfLength(5);
  t.lead = 2;
  t.opportunity = 3;
  ExpectShares(Shares(RuleModel::kWShaped, t), {0.3, 0.05, 0.3, 0.3, 0.05});
}

TEST(RuleModels, TwoMilestonesOnOneTouchAddUp) {
  // Lead on the first touch: it holds first and lead, 0.6; opp 0.3; the
  // two others 0.05 each.
  TestJourney t = OfLength(4);
  t.lead = 0;
  t.opportunity = 2;
  ExpectShares(Shares(RuleModel::kWShaped, t), {0.6, 0.05, 0.3, 0.05});
}

TEST(RuleModels, MissingMilestoneSharesGoToTheOthersInProportion) {
  // No opportunity touch: first and lead hold 0.3 each of 0.6 present; with
  // others, milestones get 0.9 in proportion (0.45 each), others 0.1.
  TestJourney t = OfLength(4);
  t.lead = 1;
  ExpectShares(Shares(RuleModel::kWShaped, t), {0.45, 0.45, 0.05, 0.05});
  // No others: the 10% goes to the milestones too. Two touches, lead and
  // opportunity on the second: 0.3 vs 0.6 of 0.9 -> 1/3, 2/3.
  t = OfLength(2);
  t.lead = 1;
  t.opportunity = 1;
  ExpectShares(Shares(RuleModel::kWShaped, t), {1.0 / 3, 2.0 / 3});
}

TEST(RuleModels, FullPathAddsTheClosedWonTouch) {
  // Five touches, lead 1, opp 2, closed-won 4: 0.225 each, touch 3 gets 0.1.
  TestJourney t = OfLength(5);
  t.lead = 1;
  t.opportunity = 2;
  ExpectShares(Shares(RuleModel::kFullPath, t),
               {0.225, 0.225, 0.225, 0.1, 0.225});
  // Three touches, lead on the first, no opportunity: milestones first+lead
  // on 0 (0.45) and closed-won on 2 (0.225), 0.675 present scaled to 0.9
  // (x 4/3): 0.6 and 0.3; touch 1 gets 0.1.
  t = OfLength(3);
  t.lead = 0;
  ExpectShares(Shares(RuleModel::kFullPath, t), {0.6, 0.1, 0.3});
}

TEST(RuleModels, MilestoneModelsOnPathsFallBackToPositions) {
  // Paths carry no milestones: 45% first, 10% between, 45% last.
  TestJourney t = OfLength(4);
  t.lead = kUnknownMilestone;
  t.opportunity = kUnknownMilestone;
  ExpectShares(Shares(RuleModel::kWShaped, t), {0.45, 0.05, 0.05, 0.45});
  ExpectShares(Shares(RuleModel::kFullPath, t), {0.45, 0.05, 0.05, 0.45});
}

TEST(RuleModels, NamesRoundTrip) {
  for (int i = 0; i < kNumRuleModels; ++i) {
    RuleModel m;
    ASSERT_TRUE(ParseRuleModel(RuleModelName(static_cast<RuleModel>(i)), &m));
    EXPECT_EQ(static_cast<int>(m), i);
  }
  RuleModel m;
  EXPECT_FALSE(ParseRuleModel("markov", &m));
}

// The accumulator's shortcut (position sums, linear sums) must equal the
// reference shares summed journey by journey, for every model, and every
// model's credits must sum to the journeys' conversions and revenue.
TEST(RuleAccumulator, MatchesReferenceSharesOnRandomJourneys) {
  std::mt19937_64 rng(7);
  const size_t kKeys = 5;
  std::vector<TestJourney> journeys;
  double total_conv = 0, total_rev = 0;
  for (int i = 0; i < 400; ++i) {
    TestJourney t;
    const size_t n = 1 + rng() % 7;
    int64_t age = static_cast<int64_t>(rng() % 30) * kDay;
    for (size_t k = 0; k < n; ++k) {
      t.keys.push_back(static_cast<uint16_t>(rng() % kKeys));
      t.ages.push_back(age);
      age = std::max<int64_t>(0, age - static_cast<int64_t>(rng() % 5) * kDay);
    }
    std::sort(t.ages.rbegin(), t.ages.rend());
    t.conversions = 1 + rng() % 3;
    t.revenue = static_cast<double>(rng() % 1000);
    t.last_non_direct = static_cast<int32_t>(rng() % n);
    t.lead = static_cast<int32_t>(rng() % (n + 1)) - 1;
    t.opportunity = static_cast<int32_t>(rng() % (n + 1)) - 1;
    total_conv += t.conversions;
    total_rev += t.revenue;
    journeys.push_back(t);
  }
  RuleParams params;
  params.position = {0.5, 0.3, 0.2};
  std::vector<RuleModel> models;
  for (int i = 0; i < kNumRuleModels; ++i)
    models.push_back(static_cast<RuleModel>(i));
  RuleAccumulator a(kKeys, models, params, false),
      b(kKeys, models, params, false);
  for (size_t i = 0; i < journeys.size(); ++i)
    (i % 2 ? a : b).Add(journeys[i].View());
  a.Merge(b);
  for (RuleModel m : models) {
    std::vector<double> want_c(kKeys, 0), want_r(kKeys, 0);
    for (const TestJourney& t : journeys) {
      std::vector<double> s = Shares(m, t, params);
      for (size_t i = 0; i < s.size(); ++i) {
        want_c[t.keys[i]] += s[i] * t.conversions;
        want_r[t.keys[i]] += s[i] * t.revenue;
      }
    }
    std::vector<double> got_c, got_r;
    a.Credits(m, &got_c, &got_r);
    double sum_c = 0, sum_r = 0;
    for (size_t k = 0; k < kKeys; ++k) {
      EXPECT_NEAR(got_c[k], want_c[k], 1e-9)
          << RuleModelName(m) << " key " << k;
      EXPECT_NEAR(got_r[k], want_r[k], 1e-7)
          << RuleModelName(m) << " key " << k;
      sum_c += got_c[k];
      sum_r += got_r[k];
    }
    EXPECT_NEAR(sum_c, total_conv, 1e-9) << RuleModelName(m);
    EXPECT_NEAR(sum_r, total_rev, 1e-7) << RuleModelName(m);
  }
}

TEST(RuleAccumulator, IgnoresNonConvertingJourneys) {
  TestJourney t = OfLength(2);
  t.conversions = 0;
  RuleAccumulator a(2, {RuleModel::kLinear}, RuleParams(), false);
  a.Add(t.View());
  std::vector<double> c, r;
  a.Credits(RuleModel::kLinear, &c, &r);
  EXPECT_EQ(c, std::vector<double>({0, 0}));
}

}  // namespace
}  // namespace baton

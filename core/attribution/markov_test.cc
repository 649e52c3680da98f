#include "attribution/markov.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "attribution/attribution.h"

namespace baton {
namespace {

// Adds one journey of keys (codes) ending in `conversions` and `nulls`.
void AddJourney(TransitionCounts* counts, std::vector<uint16_t> keys,
                double conversions, double nulls) {
  std::vector<int64_t> ages(keys.size(), 0);
  JourneyView j;
  j.keys = keys.data();
  j.age_ms = ages.data();
  j.n = static_cast<uint32_t>(keys.size());
  j.conversions = conversions;
  j.nulls = nulls;
  counts->Add(j);
}

constexpr uint16_t kA = 0, kB = 1, kC = 2;

// Counts are dense for few keys and hashed for many; every chain test runs
// on both, declaring 3 keys or 5000.
class MarkovCounts : public ::testing::TestWithParam<size_t> {
 protected:
  size_t keys() const { return GetParam(); }
};

TEST_P(MarkovCounts, RemovalEffectsMatchHandSolvedChainWithACycle) {
  // Journeys: a > b > a -> conv, a -> null, b > a -> null.
  // Transitions: start: a 2/3, b 1/3; a: b 1/4, conv 1/4, null 1/2; b: a 1.
  // x_a = 1/4 x_b + 1/4, x_b = x_a -> x_a = 1/3; P = 2/3 x_a + 1/3 x_b = 1/3.
  // Without a: nothing converts, P_a = 0 -> effect 1.
  // Without b: x_a = 1/4, P_b = 2/3 * 1/4 = 1/6 -> effect 1 - 1/2 = 1/2.
  TransitionCounts counts(1, keys());
  AddJourney(&counts, {kA, kB, kA}, 1, 0);
  AddJourney(&counts, {kA}, 0, 1);
  AddJourney(&counts, {kB, kA}, 0, 1);
  for (MarkovSolver solver :
       {MarkovSolver::kSparseLU, MarkovSolver::kIterative}) {
    Result<MarkovSolution> s = SolveMarkov(counts, keys(), solver);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->num_states, 3u);  // start, a, b
    EXPECT_NEAR(s->p_conversion, 1.0 / 3, 1e-12);
    EXPECT_NEAR(s->p_without[kA], 0.0, 1e-12);
    EXPECT_NEAR(s->p_without[kB], 1.0 / 6, 1e-12);
    EXPECT_NEAR(s->removal_effect[kA], 1.0, 1e-12);
    EXPECT_NEAR(s->removal_effect[kB], 0.5, 1e-12);
    // c appears nowhere: removing it changes nothing.
    EXPECT_NEAR(s->p_without[kC], 1.0 / 3, 1e-12);
    EXPECT_EQ(s->removal_effect[kC], 0.0);
  }
}

TEST_P(MarkovCounts, SecondOrderStatesAreTuplesOfTheLastTwoKeys) {
  // a > b > c -> conv, b > c -> null, a > c -> conv (see
  // markov_second_order.txt for the hand solution): states (start), (a),
  // (b), (a,b), (b,c), (a,c); P = 2/3; effects a 3/4, b 1/2, c 1.
  TransitionCounts counts(2, keys());
  AddJourney(&counts, {kA, kB, kC}, 1, 0);
  AddJourney(&counts, {kB, kC}, 0, 1);
  AddJourney(&counts, {kA, kC}, 1, 0);
  Result<MarkovSolution> s = SolveMarkov(counts, keys());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->num_states, 6u);
  EXPECT_NEAR(s->p_conversion, 2.0 / 3, 1e-12);
  EXPECT_NEAR(s->removal_effect[kA], 0.75, 1e-12);
  EXPECT_NEAR(s->removal_effect[kB], 0.5, 1e-12);
  EXPECT_NEAR(s->removal_effect[kC], 1.0, 1e-12);
}

// Key names a, b, c, then k3, k4, ...
std::vector<std::string> Names(size_t n) {
  std::vector<std::string> names{"a", "b", "c"};
  for (size_t k = 3; k < n; ++k) names.push_back("k" + std::to_string(k));
  return names;
}

std::vector<std::string> Rows(const Table& t) {
  std::vector<std::string> rows;
  for (size_t r = 0; r < t.num_rows(); ++r)
    rows.push_back(t.CellText(0, r) + " -> " + t.CellText(1, r) + " " +
                   t.CellText(2, r));
  return rows;
}

TEST_P(MarkovCounts, RepeatedConsecutiveKeysMergeBeforeStatesAreBuilt) {
  // a a b b -> conv and b b -> null become a b -> conv and b -> null:
  // no a -> a or b -> b transition.
  TransitionCounts counts(1, keys());
  AddJourney(&counts, {kA, kA, kB, kB}, 1, 0);
  AddJourney(&counts, {kB, kB}, 0, 1);
  Table t = MarkovTransitionTable(counts, Names(keys()));
  EXPECT_EQ(Rows(t), (std::vector<std::string>{
                         "(start) -> a 0.5", "(start) -> b 0.5", "a -> b 1",
                         "b -> (conversion) 0.5", "b -> (null) 0.5"}));
  // Second order: a b b c is the tuple chain (a) (a,b) (b,c), never (b,b).
  TransitionCounts second(2, keys());
  AddJourney(&second, {kA, kB, kB, kC}, 1, 0);
  EXPECT_EQ(Rows(MarkovTransitionTable(second, Names(keys()))),
            (std::vector<std::string>{"(start) -> a 1", "a -> a > b 1",
                                      "a > b -> b > c 1",
                                      "b > c -> (conversion) 1"}));
}

TEST_P(MarkovCounts, WeightsCountPathRowsByTheirConversionsAndNulls) {
  // One path a with 1 conversion and 3 nulls: a -> conv 1/4, null 3/4.
  TransitionCounts counts(1, keys());
  AddJourney(&counts, {kA}, 1, 3);
  Result<MarkovSolution> s = SolveMarkov(counts, keys());
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->p_conversion, 0.25, 1e-15);
  EXPECT_EQ(s->removal_effect[kA], 1.0);
}

TEST_P(MarkovCounts, EmptyChainHasNoEffects) {
  TransitionCounts counts(3, keys());
  Result<MarkovSolution> s = SolveMarkov(counts, keys());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->p_conversion, 0.0);
  EXPECT_EQ(s->removal_effect, std::vector<double>(keys(), 0.0));
}

TEST_P(MarkovCounts, ThirdAndFourthOrderStatesDropTheOldestKey) {
  // a b c a b -> conv: order 3 walks (a) (a,b) (a,b,c) (b,c,a) (c,a,b);
  // order 4 walks (a) (a,b) (a,b,c) (a,b,c,a) (b,c,a,b).
  TransitionCounts third(3, keys()), fourth(4, keys());
  AddJourney(&third, {kA, kB, kC, kA, kB}, 1, 0);
  AddJourney(&fourth, {kA, kB, kC, kA, kB}, 1, 0);
  EXPECT_EQ(Rows(MarkovTransitionTable(third, Names(keys()))),
            (std::vector<std::string>{
                "(start) -> a 1", "a -> a > b 1", "a > b -> a > b > c 1",
                "a > b > c -> b > c > a 1", "b > c > a -> c > a > b 1",
                "c > a > b -> (conversion) 1"}));
  EXPECT_EQ(
      Rows(MarkovTransitionTable(fourth, Names(keys()))),
      (std::vector<std::string>{
          "(start) -> a 1", "a -> a > b 1", "a > b -> a > b > c 1",
          "a > b > c -> a > b > c > a 1", "a > b > c > a -> b > c > a > b 1",
          "b > c > a > b -> (conversion) 1"}));
}

TEST_P(MarkovCounts, HeldOutLikelihoodUsesAddOneSmoothing) {
  // Train and held-out: one journey a -> conv. With 2 keys there are 4
  // outcomes (a, b, conversion, null). Held-out transitions (start, a) and
  // (a, conv), each seen once in training out of 1: (1 + 1) / (1 + 4) = 2/5
  // each -> 2 log(2/5).
  TransitionCounts train(1, keys()), held(1, keys());
  AddJourney(&train, {kA}, 1, 0);
  AddJourney(&held, {kA}, 1, 0);
  EXPECT_NEAR(HeldOutLogLikelihood(train, held, 2), 2 * std::log(0.4), 1e-15);
  // b -> null: (start, b) (0 + 1) / (1 + 4); (b, null), an unseen state,
  // (0 + 1) / (0 + 4).
  TransitionCounts unseen(1, keys());
  AddJourney(&unseen, {kB}, 0, 1);
  EXPECT_NEAR(HeldOutLogLikelihood(train, unseen, 2),
              std::log(0.2) + std::log(0.25), 1e-15);
}

INSTANTIATE_TEST_SUITE_P(DenseAndHashed, MarkovCounts,
                         ::testing::Values(size_t{3}, size_t{5000}));

// Random journeys over `keys` keys, one in three converting.
TransitionCounts RandomChain(int order, size_t keys, int journeys) {
  std::mt19937_64 rng(5);
  TransitionCounts counts(order, keys);
  for (int i = 0; i < journeys; ++i) {
    std::vector<uint16_t> path(1 + rng() % 8);
    for (auto& k : path) k = static_cast<uint16_t>(rng() % keys);
    const bool converts = rng() % 3 == 0;
    AddJourney(&counts, path, converts ? 1 : 0, converts ? 0 : 1);
  }
  return counts;
}

TEST(MarkovAttribution, IterativeSolveAgreesWithLu) {
  // Order 3 over 6 keys: about 190 states with cycles. The certified
  // iterative solve must match the LU factorisation (to 1e-13 by its bound;
  // compared at 1e-12).
  TransitionCounts counts = RandomChain(3, 6, 5000);
  Result<MarkovSolution> lu = SolveMarkov(counts, 6, MarkovSolver::kSparseLU);
  Result<MarkovSolution> it = SolveMarkov(counts, 6, MarkovSolver::kIterative);
  ASSERT_TRUE(lu.ok() && it.ok());
  ASSERT_GT(lu->num_states, 150u);
  EXPECT_NEAR(it->p_conversion, lu->p_conversion, 1e-12);
  for (size_t k = 0; k < 6; ++k) {
    EXPECT_NEAR(it->p_without[k], lu->p_without[k], 1e-12) << k;
    EXPECT_NEAR(it->removal_effect[k], lu->removal_effect[k], 1e-11) << k;
    EXPECT_GT(lu->removal_effect[k], 0.0);
  }
}

TEST(MarkovAttribution, LargeChainsAreSolvedIteratively) {
  // Order 4 over 8 keys: about 3,000 states, past the LU limit: kAuto
  // takes the iterative path (bit for bit the same numbers).
  TransitionCounts counts = RandomChain(4, 8, 20000);
  Result<MarkovSolution> automatic = SolveMarkov(counts, 8);
  Result<MarkovSolution> it = SolveMarkov(counts, 8, MarkovSolver::kIterative);
  ASSERT_TRUE(automatic.ok() && it.ok());
  ASSERT_GT(automatic->num_states, 2000u);
  EXPECT_EQ(automatic->p_conversion, it->p_conversion);
  EXPECT_EQ(automatic->removal_effect, it->removal_effect);
  EXPECT_GT(automatic->p_conversion, 0.0);
  EXPECT_LT(automatic->p_conversion, 1.0);
}

TEST(MarkovAttribution, AutoOrderPicksTheOrderTheDataNeeds) {
  // Whether c converts depends on the key before it: a b c converts, b a c
  // does not. Order 1 sees c convert half of the time; order 2 knows. Orders
  // 3 and 4 fit the same (the journeys are three keys long) and tie, so the
  // lower order, 2, wins.
  Workspace ws;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(ws.AddPath({"a", "b", "c"}, 1, 10, 0).ok());
    ASSERT_TRUE(ws.AddPath({"b", "a", "c"}, 0, 0, 1).ok());
  }
  ASSERT_TRUE(ws.Freeze().ok());
  AttributionOptions o;
  o.models = {"markov"};
  o.markov_order = 0;
  Result<Table> automatic = Attribute(ws, o);
  ASSERT_TRUE(automatic.ok()) << automatic.status().ToString();
  ASSERT_EQ(automatic->warnings().size(), 1u);
  EXPECT_NE(automatic->warnings()[0].find("chose order 2"), std::string::npos)
      << automatic->warnings()[0];
  o.markov_order = 2;
  Result<Table> second = Attribute(ws, o);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(automatic->num_rows(), 3u);
  for (size_t r = 0; r < 3; ++r)
    EXPECT_EQ(automatic->column(4).doubles[r], second->column(4).doubles[r]);
  // Order 2 by hand: states (a) (b) (a,b) (b,a) (b,c) (a,c); only
  // start -> a -> (a,b) -> (b,c) converts, P = 1/2. Removing a or b or c
  // breaks it: each effect is 1 and each key gets a third of 200.
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_NEAR(second->column(4).doubles[r], 1.0, 1e-12);
    EXPECT_NEAR(second->column(2).doubles[r], 200.0 / 3, 1e-9);
  }
}

TEST(MarkovAttribution, TransitionsTableOfAWorkspace) {
  // a > b -> conv, a -> null, b -> conv: start a 2/3, b 1/3; a -> b 1/2,
  // a -> null 1/2; b -> conv 1.
  Workspace ws;
  ASSERT_TRUE(ws.AddPath({"a", "b"}, 1, 0, 0).ok());
  ASSERT_TRUE(ws.AddPath({"a"}, 0, 0, 1).ok());
  ASSERT_TRUE(ws.AddPath({"b"}, 1, 0, 0).ok());
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Table> t = MarkovTransitions(ws, AttributionOptions());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->num_rows(), 5u);
  EXPECT_EQ(t->CellText(0, 0), "(start)");
  EXPECT_EQ(t->CellText(1, 0), "a");
  EXPECT_NEAR(t->column(2).doubles[0], 2.0 / 3, 1e-15);
  EXPECT_EQ(t->CellText(1, 1), "b");
  EXPECT_NEAR(t->column(2).doubles[1], 1.0 / 3, 1e-15);
  EXPECT_EQ(t->CellText(0, 2) + " " + t->CellText(1, 2), "a b");
  EXPECT_EQ(t->CellText(0, 3) + " " + t->CellText(1, 3), "a (null)");
  EXPECT_EQ(t->CellText(0, 4) + " " + t->CellText(1, 4), "b (conversion)");
  EXPECT_EQ(t->column(2).doubles[4], 1.0);
}

}  // namespace
}  // namespace baton

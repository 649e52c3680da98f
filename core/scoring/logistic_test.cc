#include "scoring/logistic.h"

#include <gtest/gtest.h>

#include <cmath>

namespace baton {
namespace {

Eigen::MatrixXd Column(std::initializer_list<double> v) {
  Eigen::MatrixXd x(v.size(), 1);
  Eigen::Index i = 0;
  for (double d : v) x(i++, 0) = d;
  return x;
}

Eigen::VectorXd Vec(std::initializer_list<double> v) {
  Eigen::VectorXd y(v.size());
  Eigen::Index i = 0;
  for (double d : v) y[i++] = d;
  return y;
}

TEST(LogisticFit, GradientVanishesAtTheSolution) {
  Eigen::MatrixXd x(6, 2);
  x << 0, 1, 1, 0, 2, 1, 3, 0, 1.5, 2, 0.5, 1;
  Eigen::VectorXd y = Vec({0, 0, 1, 1, 0, 1});
  Eigen::VectorXd c = Eigen::VectorXd::Ones(6);
  auto fit = FitLogistic(x, y, c, 1.0);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_TRUE(fit->converged);
  // Recomputed independently of the fit's own bookkeeping.
  Eigen::VectorXd g = LogisticGradient(x, y, c, 1.0, fit->intercept, fit->coef);
  EXPECT_LT(g.norm(), 1e-8);
  EXPECT_LT(fit->gradient_norm, 1e-8);
  // The same objective minimised independently (scipy BFGS, then
  // Nelder-Mead from there, on sum(logaddexp(0, z) - y z) + |w|^2 / 2):
  // b = -0.63754896, w = (0.61531936, -0.20462457), objective 3.6584091135.
  EXPECT_NEAR(fit->intercept, -0.63754896, 1e-6);
  EXPECT_NEAR(fit->coef[0], 0.61531936, 1e-6);
  EXPECT_NEAR(fit->coef[1], -0.20462457, 1e-6);
}

TEST(LogisticFit, OneFeatureMatchesTheScoreEquation) {
  // x = +1: 3 positives, 1 negative; x = -1: 1 positive, 3 negatives. The
  // data are symmetric under (x, y) -> (-x, 1 - y), so the intercept is 0
  // and the score equation for w reduces to
  //   sum (sigma(w x_i) - y_i) x_i + l2 w = 2 (4 sigma(w) - 3) + w = 0,
  // i.e. 8 sigma(w) + w = 6, solved below by bisection. By hand:
  // w = 0.68 gives 5.990, w = 0.69 gives 6.018, so w is in (0.68, 0.69).
  // (Without the penalty w would be log 3 = 1.0986.)
  Eigen::MatrixXd x = Column({1, 1, 1, 1, -1, -1, -1, -1});
  Eigen::VectorXd y = Vec({1, 1, 1, 0, 1, 0, 0, 0});
  auto fit = FitLogistic(x, y, Eigen::VectorXd::Ones(8), 1.0);
  ASSERT_TRUE(fit.ok());
  double lo = 0, hi = 2;
  for (int i = 0; i < 200; ++i) {
    double mid = 0.5 * (lo + hi);
    (8.0 / (1.0 + std::exp(-mid)) + mid < 6 ? lo : hi) = mid;
  }
  EXPECT_NEAR(fit->coef[0], lo, 1e-9);
  EXPECT_GT(fit->coef[0], 0.68);
  EXPECT_LT(fit->coef[0], 0.69);
  EXPECT_NEAR(fit->intercept, 0, 1e-9);
  // Standard error: the inverse Hessian of this 2x2 diagonal system (the
  // off-diagonal sum s_i x_i is 0 by symmetry): H_ww = 8 s + 1 with
  // s = sigma(w)(1 - sigma(w)).
  double s = 1.0 / (1.0 + std::exp(-lo));
  s = s * (1 - s);
  EXPECT_NEAR(fit->std_error[1], 1.0 / std::sqrt(8 * s + 1), 1e-9);
  EXPECT_NEAR(fit->std_error[0], 1.0 / std::sqrt(8 * s), 1e-9);
}

TEST(LogisticFit, SymmetricDataGiveZeroCoefficient) {
  // At x = -1 and x = +1 one positive and one negative each: x carries no
  // information, so w = 0 and the intercept is logit(1/2) = 0.
  Eigen::MatrixXd x = Column({-1, -1, 1, 1});
  Eigen::VectorXd y = Vec({0, 1, 0, 1});
  auto fit = FitLogistic(x, y, Eigen::VectorXd::Ones(4), 1.0);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(fit->coef[0], 0, 1e-12);
  EXPECT_NEAR(fit->intercept, 0, 1e-12);
  EXPECT_FALSE(fit->separable);
}

TEST(LogisticFit, InterceptIsNotPenalised) {
  // A constant-zero feature leaves only the intercept, which must reach the
  // unpenalised logit of the base rate: 1 positive in 4 -> log(1/3).
  Eigen::MatrixXd x = Column({0, 0, 0, 0});
  Eigen::VectorXd y = Vec({1, 0, 0, 0});
  auto fit = FitLogistic(x, y, Eigen::VectorXd::Ones(4), 100.0);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(fit->intercept, std::log(1.0 / 3.0), 1e-10);
  EXPECT_EQ(fit->coef[0], 0);
}

TEST(LogisticFit, SeparableDataAreFlaggedAndStayFinite) {
  Eigen::MatrixXd x = Column({-2, -1, 1, 2});
  Eigen::VectorXd y = Vec({0, 0, 1, 1});
  auto fit = FitLogistic(x, y, Eigen::VectorXd::Ones(4), 1.0);
  ASSERT_TRUE(fit.ok());
  EXPECT_TRUE(fit->separable);
  EXPECT_TRUE(std::isfinite(fit->coef[0]));
  EXPECT_GT(fit->coef[0], 0);
  EXPECT_LT(fit->gradient_norm, 1e-8);
}

TEST(LogisticFit, NoPositivesIsAnError) {
  Eigen::MatrixXd x = Column({1, 2, 3});
  auto fit = FitLogistic(x, Vec({0, 0, 0}), Eigen::VectorXd::Ones(3), 1.0);
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(fit.status().message().find("no positives"), std::string::npos);
  auto all = FitLogistic(x, Vec({1, 1, 1}), Eigen::VectorXd::Ones(3), 1.0);
  ASSERT_FALSE(all.ok());
  EXPECT_NE(all.status().message().find("no negatives"), std::string::npos);
}

TEST(LogisticFit, RowWeightTwoEqualsADuplicatedRow) {
  Eigen::MatrixXd x = Column({0, 1, 2, 3});
  Eigen::VectorXd y = Vec({0, 1, 0, 1});
  auto weighted = FitLogistic(x, y, Vec({1, 2, 1, 1}), 0.5);
  Eigen::MatrixXd x2 = Column({0, 1, 1, 2, 3});
  auto duplicated = FitLogistic(x2, Vec({0, 1, 1, 0, 1}),
                                Eigen::VectorXd::Ones(5), 0.5);
  ASSERT_TRUE(weighted.ok() && duplicated.ok());
  EXPECT_NEAR(weighted->coef[0], duplicated->coef[0], 1e-10);
  EXPECT_NEAR(weighted->intercept, duplicated->intercept, 1e-10);
}

TEST(BalancedWeights, FollowSklearnsFormula) {
  // n = 4, one positive: 4 / (2 * 1) = 2; three negatives: 4 / (2 * 3).
  Eigen::VectorXd c = BalancedWeights(Vec({1, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(c[0], 2.0);
  EXPECT_DOUBLE_EQ(c[1], 4.0 / 6.0);
}

TEST(RankAuc, TiesCountHalf) {
  // Positives 0.9, 0.6, 0.4; negatives 0.6, 0.3, 0.1. Pairs won:
  // 0.9 -> 3; 0.6 -> 2 + 0.5 (tie); 0.4 -> 2. AUC = 7.5 / 9.
  std::vector<double> s = {0.9, 0.6, 0.4, 0.6, 0.3, 0.1};
  std::vector<int> y = {1, 1, 1, 0, 0, 0};
  EXPECT_DOUBLE_EQ(RankAuc(s, y), 7.5 / 9.0);
  EXPECT_TRUE(std::isnan(RankAuc({0.1, 0.2}, {1, 1})));
}

TEST(Metrics, LogLossAndBrierByHand) {
  // p = 0.8 for a positive, 0.4 for a negative:
  // log loss = -(ln 0.8 + ln 0.6) / 2; Brier = (0.2^2 + 0.4^2) / 2 = 0.1.
  EXPECT_NEAR(LogLoss({0.8, 0.4}, {1, 0}),
              -(std::log(0.8) + std::log(0.6)) / 2, 1e-15);
  EXPECT_NEAR(BrierScore({0.8, 0.4}, {1, 0}), 0.1, 1e-15);
}

TEST(LogisticFit, LargeFitUsesTheBlockwiseHessianCorrectly) {
  // 20,001 rows (more than the threaded threshold, and not a multiple of the
  // block size) of 3 features from a fixed linear congruential generator,
  // labels from a known model. At the solution the gradient (computed
  // independently of the Hessian) vanishes, and the standard errors equal
  // those from the Hessian written out here as one full product.
  const Eigen::Index n = 20001;
  Eigen::MatrixXd x(n, 3);
  Eigen::VectorXd y(n), c(n);
  uint64_t state = 12345;
  auto uniform = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (Eigen::Index i = 0; i < n; ++i) {
    for (int j = 0; j < 3; ++j) x(i, j) = 2 * uniform() - 1;
    const double z = -0.5 + 1.5 * x(i, 0) - 0.75 * x(i, 1);
    y[i] = uniform() < Sigmoid(z);
    c[i] = i % 3 == 0 ? 2.0 : 1.0;
  }
  auto fit = FitLogistic(x, y, c, 0.5);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_TRUE(fit->converged);
  EXPECT_LT(LogisticGradient(x, y, c, 0.5, fit->intercept, fit->coef).norm(), 1e-9);
  Eigen::MatrixXd a(n, 4);
  a.col(0).setOnes();
  a.rightCols(3) = x;
  Eigen::VectorXd s(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double p = Sigmoid(fit->intercept + x.row(i).dot(fit->coef));
    s[i] = c[i] * p * (1 - p);
  }
  Eigen::MatrixXd h = a.transpose() * s.asDiagonal() * a;
  h.diagonal().tail(3).array() += 0.5;
  Eigen::VectorXd se = h.inverse().diagonal().cwiseSqrt();
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(fit->std_error[k] / se[k], 1.0, 1e-10) << k;
  // The generating model is recovered roughly (20,000 rows).
  EXPECT_NEAR(fit->coef[0], 1.5, 0.15);
  EXPECT_NEAR(fit->coef[2], 0.0, 0.15);
}

}  // namespace
}  // namespace baton

#include "scoring/logistic.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace baton {
namespace {

constexpr double kGradientTolerance = 1e-10;
constexpr int kMaxIterations = 100;
constexpr int kHessianParts = 4;
constexpr Eigen::Index kHessianBlock = 2048;

// Sum of weighted log-losses plus the penalty; log(1 + exp(z)) is computed
// stably so large margins do not overflow.
double Objective(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                 const Eigen::VectorXd& c, double l2, double b,
                 const Eigen::VectorXd& w) {
  Eigen::VectorXd z = (x * w).array() + b;
  double total = 0;
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    double zi = z[i];
    double softplus = zi > 0 ? zi + std::log1p(std::exp(-zi))
                             : std::log1p(std::exp(zi));
    total += c[i] * (softplus - y[i] * zi);
  }
  return total + 0.5 * l2 * w.squaredNorm();
}

}  // namespace

double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  double e = std::exp(z);
  return e / (1.0 + e);
}

Eigen::VectorXd LogisticGradient(const Eigen::MatrixXd& x,
                                 const Eigen::VectorXd& y,
                                 const Eigen::VectorXd& c, double l2,
                                 double intercept, const Eigen::VectorXd& coef) {
  Eigen::VectorXd z = (x * coef).array() + intercept;
  Eigen::VectorXd r(z.size());
  for (Eigen::Index i = 0; i < z.size(); ++i)
    r[i] = c[i] * (Sigmoid(z[i]) - y[i]);
  Eigen::VectorXd g(coef.size() + 1);
  g[0] = r.sum();
  g.tail(coef.size()) = x.transpose() * r + l2 * coef;
  return g;
}

Eigen::VectorXd BalancedWeights(const Eigen::VectorXd& y) {
  const double n = static_cast<double>(y.size());
  const double pos = y.sum();
  const double neg = n - pos;
  Eigen::VectorXd c(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    double size = y[i] > 0.5 ? pos : neg;
    c[i] = size > 0 ? n / (2.0 * size) : 0.0;
  }
  return c;
}

Result<LogisticFit> FitLogistic(const Eigen::MatrixXd& x,
                                const Eigen::VectorXd& y,
                                const Eigen::VectorXd& c, double l2) {
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  if (y.size() != n || c.size() != n)
    return Status::InvalidArgument(
        "logistic regression: x has " + std::to_string(n) + " rows but y has " +
        std::to_string(y.size()) + " and the weights " +
        std::to_string(c.size()));
  if (n == 0)
    return Status::InvalidArgument(
        "logistic regression: no training rows; widen the data or move the "
        "test split later");
  if (!(l2 > 0) || !std::isfinite(l2))
    return Status::InvalidArgument(
        "logistic regression: l2 must be a positive number (got " +
        std::to_string(l2) + "); use a small value such as 1e-6 for almost "
        "no penalty");
  double positives = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (y[i] != 0.0 && y[i] != 1.0)
      return Status::InvalidArgument("logistic regression: label of row " +
                                     std::to_string(i) + " is " +
                                     std::to_string(y[i]) + ", not 0 or 1");
    if (!(c[i] >= 0) || !std::isfinite(c[i]))
      return Status::InvalidArgument("logistic regression: weight of row " +
                                     std::to_string(i) + " is not a finite "
                                     "non-negative number");
    positives += y[i];
  }
  if (positives == 0 || positives == static_cast<double>(n))
    return Status::InvalidArgument(
        std::string("logistic regression: the training rows have no ") +
        (positives == 0 ? "positives" : "negatives") +
        " (all " + std::to_string(n) + " labelled " +
        (positives == 0 ? "0" : "1") +
        "); choose another label stage, a longer window or more history");

  LogisticFit fit;
  double b = 0;
  Eigen::VectorXd w = Eigen::VectorXd::Zero(p);
  Eigen::MatrixXd h(p + 1, p + 1);
  // The Hessian [1 x]^T diag(s) [1 x] dominates the fit's time. Each of
  // kHessianParts fixed row ranges is summed by blocks of rows as a
  // symmetric rank-k update of its lower triangle (half the work of a full
  // product, no n x p temporary), the parts on their own threads; the parts
  // are always the same ranges, added in order, so the result does not
  // depend on the number of cores.
  std::vector<Eigen::MatrixXd> part_h(kHessianParts, Eigen::MatrixXd(p + 1, p + 1));
  std::vector<Eigen::MatrixXd> part_xs(kHessianParts);
  std::vector<Eigen::VectorXd> part_z(kHessianParts);
  for (int k = 0; k < kHessianParts; ++k) {
    part_xs[k].resize(std::min<Eigen::Index>(kHessianBlock, n), p + 1);
    part_z[k].resize(std::min<Eigen::Index>(kHessianBlock, n));
  }
  auto hessian_part = [&](int k, double b0, const Eigen::VectorXd& w0) {
    Eigen::MatrixXd& acc = part_h[k];
    Eigen::MatrixXd& xs = part_xs[k];
    Eigen::VectorXd& z = part_z[k];
    acc.setZero();
    const Eigen::Index lo = n * k / kHessianParts, hi = n * (k + 1) / kHessianParts;
    for (Eigen::Index r0 = lo; r0 < hi; r0 += kHessianBlock) {
      const Eigen::Index m = std::min<Eigen::Index>(kHessianBlock, hi - r0);
      z.head(m).noalias() = x.middleRows(r0, m) * w0;
      for (Eigen::Index i = 0; i < m; ++i) {
        const double pi = Sigmoid(z[i] + b0);
        xs(i, 0) = std::sqrt(c[r0 + i] * pi * (1 - pi));
      }
      xs.block(0, 1, m, p) = xs.col(0).head(m).asDiagonal() * x.middleRows(r0, m);
      acc.selfadjointView<Eigen::Lower>().rankUpdate(xs.topRows(m).transpose());
    }
  };
  // False when memory ran out in a worker thread (an exception there would
  // end the process).
  auto hessian = [&](double b0, const Eigen::VectorXd& w0) -> bool {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    // Small fits are not worth a thread.
    const bool parallel = cores > 1 && n >= 4 * kHessianBlock;
    std::vector<std::thread> threads;
    std::vector<char> on_thread(kHessianParts, 0), failed(kHessianParts, 0);
    if (parallel) {
      try {
        for (int k = 1; k < kHessianParts; ++k) {
          threads.emplace_back([&, k] {
            try {
              hessian_part(k, b0, w0);
            } catch (...) {
              failed[k] = 1;
            }
          });
          on_thread[k] = 1;
        }
      } catch (const std::system_error&) {
        // No more threads: the remaining parts run here.
      }
    }
    bool ok = true;
    try {
      for (int k = 0; k < kHessianParts; ++k)
        if (!on_thread[k]) hessian_part(k, b0, w0);
    } catch (...) {
      ok = false;
    }
    for (std::thread& t : threads) t.join();
    for (char f : failed) ok = ok && !f;
    if (!ok) return false;
    h = part_h[0];
    for (int k = 1; k < kHessianParts; ++k) h += part_h[k];
    h.diagonal().tail(p).array() += l2;
    for (Eigen::Index j = 1; j <= p; ++j)
      for (Eigen::Index i = 0; i < j; ++i) h(i, j) = h(j, i);
    return true;
  };
  double objective = Objective(x, y, c, l2, b, w);
  Eigen::VectorXd g = LogisticGradient(x, y, c, l2, b, w);
  int it = 0;
  while (g.norm() >= kGradientTolerance && it < kMaxIterations) {
    if (!hessian(b, w))
      return Status(StatusCode::kOutOfMemory,
          "logistic regression: out of memory computing the Hessian (" +
          std::to_string(n) + " rows x " + std::to_string(p) + " features)");
    Eigen::LDLT<Eigen::MatrixXd> ldlt(h);
    if (ldlt.info() != Eigen::Success)
      return Status::Internal("logistic regression: the Hessian could not be "
                              "factorised at iteration " + std::to_string(it));
    Eigen::VectorXd step = ldlt.solve(g);
    if (!step.allFinite())
      return Status::Internal("logistic regression: a Newton step is not "
                              "finite at iteration " + std::to_string(it) +
                              "; try a larger l2");
    // Newton's step may overshoot far from the optimum; halving keeps the
    // objective decreasing, which the convex objective guarantees is possible.
    // Near the optimum the objective no longer changes in floating point, so
    // a full step that leaves it equal to rounding but shrinks the gradient
    // is accepted too; when neither holds the fit has stalled.
    const double slack = 1e-12 * std::max(1.0, std::fabs(objective));
    double t = 1.0;
    double nb = b, next = objective;
    Eigen::VectorXd nw = w, ng = g;
    bool accepted = false;
    for (int k = 0; k < 50 && !accepted; ++k, t *= 0.5) {
      nb = b - t * step[0];
      nw = w - t * step.tail(p);
      next = Objective(x, y, c, l2, nb, nw);
      if (next < objective) {
        accepted = true;
      } else if (next <= objective + slack) {
        ng = LogisticGradient(x, y, c, l2, nb, nw);
        accepted = ng.norm() < g.norm();
      }
    }
    ++it;
    if (!accepted) break;
    b = nb;
    w = nw;
    objective = next;
    g = LogisticGradient(x, y, c, l2, b, w);
  }
  if (!hessian(b, w))
    return Status(StatusCode::kOutOfMemory,
        "logistic regression: out of memory computing the Hessian (" +
        std::to_string(n) + " rows x " + std::to_string(p) + " features)");
  Eigen::MatrixXd cov = h.ldlt().solve(Eigen::MatrixXd::Identity(p + 1, p + 1));
  fit.intercept = b;
  fit.coef = w;
  fit.std_error = cov.diagonal().cwiseMax(0).cwiseSqrt();
  fit.iterations = it;
  fit.gradient_norm = g.norm();
  fit.converged = fit.gradient_norm < kGradientTolerance;
  double min_pos = std::numeric_limits<double>::infinity();
  double max_neg = -std::numeric_limits<double>::infinity();
  Eigen::VectorXd z = x * w;
  for (Eigen::Index i = 0; i < n; ++i) {
    if (c[i] <= 0) continue;
    if (y[i] > 0.5)
      min_pos = std::min(min_pos, z[i]);
    else
      max_neg = std::max(max_neg, z[i]);
  }
  fit.separable = min_pos > max_neg;
  return fit;
}

double RankAuc(const std::vector<double>& score, const std::vector<int>& label) {
  const size_t n = score.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return score[a] < score[b]; });
  double rank_sum = 0, pos = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && score[order[j]] == score[order[i]]) ++j;
    // Tied scores share the average of ranks i+1 .. j.
    double avg = 0.5 * static_cast<double>(i + 1 + j);
    for (size_t k = i; k < j; ++k) {
      if (label[order[k]]) {
        rank_sum += avg;
        pos += 1;
      }
    }
    i = j;
  }
  double neg = static_cast<double>(n) - pos;
  if (pos == 0 || neg == 0) return std::nan("");
  return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

double LogLoss(const std::vector<double>& p, const std::vector<int>& label) {
  if (p.empty()) return std::nan("");
  double total = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double q = std::clamp(p[i], 1e-15, 1 - 1e-15);
    total -= label[i] ? std::log(q) : std::log(1 - q);
  }
  return total / static_cast<double>(p.size());
}

double BrierScore(const std::vector<double>& p, const std::vector<int>& label) {
  if (p.empty()) return std::nan("");
  double total = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double d = p[i] - label[i];
    total += d * d;
  }
  return total / static_cast<double>(p.size());
}

}  // namespace baton

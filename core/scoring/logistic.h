// Logistic regression and the metrics that judge a score: the numerical
// kernel of lead scoring (core/scoring/scoring.h builds the rows).
//
// The model is P(y = 1 | x) = 1 / (1 + exp(-(b + w.x))). FitLogistic
// minimises
//     sum_i c_i * logloss(y_i, p_i) + l2 / 2 * ||w||^2
// (c_i the row weights, 1 unless classes are balanced), with the intercept b
// not penalised: the objective of sklearn's LogisticRegression(C = 1 / l2)
// with its default L2 penalty. It is solved by Newton's method (IRLS) with
// step halving, starting from zero, so the result is deterministic.
// Pure functions; thread-safe. Since: 1.0
#ifndef BATON_SCORING_LOGISTIC_H_
#define BATON_SCORING_LOGISTIC_H_

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "common/status.h"

namespace baton {

struct LogisticFit {
  double intercept = 0;
  Eigen::VectorXd coef;       // one per column of x
  // Standard errors from the inverse of the penalised Hessian at the
  // solution, intercept first, then one per coefficient.
  Eigen::VectorXd std_error;
  int iterations = 0;
  double gradient_norm = 0;  // Euclidean norm of the objective's gradient
  bool converged = false;    // gradient_norm < 1e-10 within 100 iterations
  // Every positive scores strictly above every negative on the training
  // rows: without the penalty the coefficients would grow without bound.
  bool separable = false;
};

// Fits the model to rows x (n x p), labels y (0 or 1) and row weights c
// (n, positive). Large fits use up to 4 threads for the Hessian (fixed row
// ranges, so the result is the same on any machine). Stops when the
// gradient norm is below 1e-10 or after 100 Newton steps. Errors:
// InvalidArgument when the sizes disagree, x has no
// rows, l2 is not > 0 (the intercept and one-hot levels are collinear without
// a penalty), y holds a value other than 0 or 1, or y has no positives or no
// negatives (the intercept would be infinite); Internal when the Hessian
// cannot be factorised; OutOfMemory when memory runs out computing it.
Result<LogisticFit> FitLogistic(const Eigen::MatrixXd& x,
                                const Eigen::VectorXd& y,
                                const Eigen::VectorXd& c, double l2);

// The gradient of the objective above at (intercept, coef): intercept first.
Eigen::VectorXd LogisticGradient(const Eigen::MatrixXd& x,
                                 const Eigen::VectorXd& y,
                                 const Eigen::VectorXd& c, double l2,
                                 double intercept, const Eigen::VectorXd& coef);

// 1 / (1 + exp(-z)), computed without overflow.
double Sigmoid(double z);

// Balanced class weights as sklearn's class_weight="balanced":
// n / (2 * n_class) for each row of that class. Classes of size 0 get 0.
Eigen::VectorXd BalancedWeights(const Eigen::VectorXd& y);

// Area under the ROC curve by ranks (Mann-Whitney): the share of
// (positive, negative) pairs where the positive scores higher, a tie
// counting one half. NaN when there are no positives or no negatives.
double RankAuc(const std::vector<double>& score, const std::vector<int>& label);

// Mean of -[y log p + (1 - y) log(1 - p)], p clipped to [1e-15, 1 - 1e-15]
// (as sklearn's log_loss). NaN for no rows.
double LogLoss(const std::vector<double>& p, const std::vector<int>& label);
// Mean of (p - y)^2. NaN for no rows.
double BrierScore(const std::vector<double>& p, const std::vector<int>& label);

}  // namespace baton

#endif  // BATON_SCORING_LOGISTIC_H_

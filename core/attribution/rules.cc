#include "attribution/rules.h"

#include <algorithm>
#include <cmath>

namespace baton {
namespace {

constexpr const char* kRuleNames[kNumRuleModels] = {
    "first",      "last",      "last_non_direct", "linear",
    "time_decay", "u_shaped",  "j_shaped",        "inverse_j",
    "w_shaped",   "full_path", "position"};

// The milestone models' fallback on paths, whose milestones are unknown.
constexpr std::array<double, 3> kPathMilestoneFallback{0.45, 0.10, 0.45};

bool IsPositional(RuleModel m, bool from_paths) {
  switch (m) {
    case RuleModel::kFirst:
    case RuleModel::kLast:
    case RuleModel::kUShaped:
    case RuleModel::kJShaped:
    case RuleModel::kInverseJ:
    case RuleModel::kPosition:
      return true;
    case RuleModel::kWShaped:
    case RuleModel::kFullPath:
      return from_paths;
    default:
      return false;
  }
}

std::array<double, 3> PositionWeights(RuleModel m, const RuleParams& params) {
  switch (m) {
    case RuleModel::kFirst:
      return {1, 0, 0};
    case RuleModel::kLast:
      return {0, 0, 1};
    case RuleModel::kUShaped:
      return {0.4, 0.2, 0.4};
    case RuleModel::kJShaped:
      return {0.2, 0.2, 0.6};
    case RuleModel::kInverseJ:
      return {0.6, 0.2, 0.2};
    case RuleModel::kWShaped:
    case RuleModel::kFullPath:
      return kPathMilestoneFallback;
    default:
      return params.position;
  }
}

// Shares of a two-touch journey (first, last) under position weights w.
void TwoTouchShares(const std::array<double, 3>& w, double* first,
                    double* last) {
  const double fl = w[0] + w[2];
  *first = fl > 0 ? w[0] / fl : 0.5;
  *last = fl > 0 ? w[2] / fl : 0.5;
}

void PositionShares(const std::array<double, 3>& w, uint32_t n,
                    double* shares) {
  if (n == 1) {
    shares[0] = 1;
    return;
  }
  if (n == 2) {
    TwoTouchShares(w, &shares[0], &shares[1]);
    return;
  }
  const double total = w[0] + w[1] + w[2];
  const double between = w[1] / total / static_cast<double>(n - 2);
  for (uint32_t i = 1; i + 1 < n; ++i) shares[i] = between;
  shares[0] = w[0] / total;
  shares[n - 1] = w[2] / total;
}

void TimeDecayShares(const JourneyView& j, int64_t half_life_ms,
                     double* shares) {
  // Weights relative to the youngest touch, so that old journeys do not
  // underflow to a zero sum.
  int64_t youngest = j.age_ms[0];
  for (uint32_t i = 1; i < j.n; ++i) youngest = std::min(youngest, j.age_ms[i]);
  const double h = static_cast<double>(half_life_ms);
  double sum = 0;
  for (uint32_t i = 0; i < j.n; ++i) {
    shares[i] = std::exp2(-static_cast<double>(j.age_ms[i] - youngest) / h);
    sum += shares[i];
  }
  for (uint32_t i = 0; i < j.n; ++i) shares[i] /= sum;
}

void MilestoneShares(const JourneyView& j, bool full_path, double* shares) {
  const double share = full_path ? 0.225 : 0.3;
  int32_t at[4] = {0, j.lead, j.opportunity,
                   full_path ? static_cast<int32_t>(j.n - 1) : kNoMilestone};
  const int count = full_path ? 4 : 3;
  double present = 0;
  for (int m = 0; m < count; ++m)
    if (at[m] >= 0) present += share;
  auto is_milestone = [&](uint32_t i) {
    for (int m = 0; m < count; ++m)
      if (at[m] == static_cast<int32_t>(i)) return true;
    return false;
  };
  uint32_t others = 0;
  for (uint32_t i = 0; i < j.n; ++i) {
    shares[i] = 0;
    others += !is_milestone(i);
  }
  const double scale = (others > 0 ? 0.9 : 1.0) / present;
  for (int m = 0; m < count; ++m)
    if (at[m] >= 0) shares[at[m]] += share * scale;
  if (others > 0) {
    const double each = 0.1 / others;
    for (uint32_t i = 0; i < j.n; ++i)
      if (!is_milestone(i)) shares[i] = each;
  }
}

}  // namespace

const char* RuleModelName(RuleModel m) {
  return kRuleNames[static_cast<int>(m)];
}

bool ParseRuleModel(std::string_view name, RuleModel* out) {
  for (int i = 0; i < kNumRuleModels; ++i) {
    if (name == kRuleNames[i]) {
      *out = static_cast<RuleModel>(i);
      return true;
    }
  }
  return false;
}

void RuleShares(RuleModel model, const JourneyView& j, const RuleParams& params,
                double* shares) {
  const uint32_t n = j.n;
  if (n == 0) return;
  switch (model) {
    case RuleModel::kLastNonDirect:
      std::fill(shares, shares + n, 0.0);
      shares[j.last_non_direct] = 1;
      return;
    case RuleModel::kLinear:
      std::fill(shares, shares + n, 1.0 / n);
      return;
    case RuleModel::kTimeDecay:
      TimeDecayShares(j, params.half_life_ms, shares);
      return;
    case RuleModel::kWShaped:
    case RuleModel::kFullPath:
      if (j.lead != kUnknownMilestone) {
        MilestoneShares(j, model == RuleModel::kFullPath, shares);
        return;
      }
      break;
    default:
      break;
  }
  PositionShares(PositionWeights(model, params), n, shares);
}

RuleAccumulator::RuleAccumulator(size_t num_keys,
                                 const std::vector<RuleModel>& models,
                                 const RuleParams& params, bool from_paths)
    : num_keys_(num_keys), params_(params), from_paths_(from_paths) {
  for (RuleModel m : models) {
    want_[static_cast<int>(m)] = true;
    positional_ = positional_ || IsPositional(m, from_paths);
  }
  bool need[kNumSums] = {};
  for (Sum s : {kSingle, kFirst2, kLast2, kFirst3, kBetween3, kLast3})
    need[s] = positional_;
  need[kLinearSum] = want_[static_cast<int>(RuleModel::kLinear)];
  need[kLastNonDirectSum] = want_[static_cast<int>(RuleModel::kLastNonDirect)];
  need[kTimeDecaySum] = want_[static_cast<int>(RuleModel::kTimeDecay)];
  need[kWShapedSum] =
      want_[static_cast<int>(RuleModel::kWShaped)] && !from_paths;
  need[kFullPathSum] =
      want_[static_cast<int>(RuleModel::kFullPath)] && !from_paths;
  int slots = 0;
  for (int s = 0; s < kNumSums; ++s) slot_[s] = need[s] ? slots++ : -1;
  sums_.assign(2 * static_cast<size_t>(slots) * num_keys_, 0.0);
}

void RuleAccumulator::AddShares(Sum sum, const JourneyView& j,
                                const double* shares) {
  double* conv = Conv(sum);
  double* rev = Rev(sum);
  for (uint32_t i = 0; i < j.n; ++i) {
    conv[j.keys[i]] += shares[i] * j.conversions;
    rev[j.keys[i]] += shares[i] * j.revenue;
  }
}

void RuleAccumulator::Add(const JourneyView& j) {
  if (!j.converting() || j.n == 0) return;
  const double c = j.conversions, r = j.revenue;
  const uint16_t* k = j.keys;
  const uint32_t n = j.n;
  if (positional_) {
    if (n == 1) {
      Conv(kSingle)[k[0]] += c;
      Rev(kSingle)[k[0]] += r;
    } else if (n == 2) {
      Conv(kFirst2)[k[0]] += c;
      Rev(kFirst2)[k[0]] += r;
      Conv(kLast2)[k[1]] += c;
      Rev(kLast2)[k[1]] += r;
    } else {
      Conv(kFirst3)[k[0]] += c;
      Rev(kFirst3)[k[0]] += r;
      Conv(kLast3)[k[n - 1]] += c;
      Rev(kLast3)[k[n - 1]] += r;
      const double cb = c / (n - 2), rb = r / (n - 2);
      double* conv = Conv(kBetween3);
      double* rev = Rev(kBetween3);
      for (uint32_t i = 1; i + 1 < n; ++i) {
        conv[k[i]] += cb;
        rev[k[i]] += rb;
      }
    }
  }
  if (want_[static_cast<int>(RuleModel::kLinear)]) {
    const double cl = c / n, rl = r / n;
    double* conv = Conv(kLinearSum);
    double* rev = Rev(kLinearSum);
    for (uint32_t i = 0; i < n; ++i) {
      conv[k[i]] += cl;
      rev[k[i]] += rl;
    }
  }
  if (want_[static_cast<int>(RuleModel::kLastNonDirect)]) {
    Conv(kLastNonDirectSum)[k[j.last_non_direct]] += c;
    Rev(kLastNonDirectSum)[k[j.last_non_direct]] += r;
  }
  const bool time_decay = want_[static_cast<int>(RuleModel::kTimeDecay)];
  const bool w_shaped =
      want_[static_cast<int>(RuleModel::kWShaped)] && !from_paths_;
  const bool full_path =
      want_[static_cast<int>(RuleModel::kFullPath)] && !from_paths_;
  if (time_decay || w_shaped || full_path) {
    if (shares_.size() < n)
      shares_.resize(std::max<size_t>(n, 2 * shares_.size()));
    if (time_decay) {
      TimeDecayShares(j, params_.half_life_ms, shares_.data());
      AddShares(kTimeDecaySum, j, shares_.data());
    }
    if (w_shaped) {
      MilestoneShares(j, false, shares_.data());
      AddShares(kWShapedSum, j, shares_.data());
    }
    if (full_path) {
      MilestoneShares(j, true, shares_.data());
      AddShares(kFullPathSum, j, shares_.data());
    }
  }
}

void RuleAccumulator::Merge(const RuleAccumulator& other) {
  for (size_t i = 0; i < sums_.size(); ++i) sums_[i] += other.sums_[i];
}

void RuleAccumulator::Credits(RuleModel model, std::vector<double>* conversions,
                              std::vector<double>* revenue) const {
  conversions->assign(num_keys_, 0.0);
  revenue->assign(num_keys_, 0.0);
  auto copy = [&](Sum s) {
    conversions->assign(Conv(s), Conv(s) + num_keys_);
    revenue->assign(Rev(s), Rev(s) + num_keys_);
  };
  if (IsPositional(model, from_paths_)) {
    const std::array<double, 3> w = PositionWeights(model, params_);
    double f2, l2;
    TwoTouchShares(w, &f2, &l2);
    const double total = w[0] + w[1] + w[2];
    const double f3 = w[0] / total, b3 = w[1] / total, l3 = w[2] / total;
    for (int part = 0; part < 2; ++part) {
      std::vector<double>& out = part == 0 ? *conversions : *revenue;
      auto sum = [&](Sum s) { return part == 0 ? Conv(s) : Rev(s); };
      for (size_t k = 0; k < num_keys_; ++k)
        out[k] = sum(kSingle)[k] + f2 * sum(kFirst2)[k] + l2 * sum(kLast2)[k] +
                 f3 * sum(kFirst3)[k] + b3 * sum(kBetween3)[k] +
                 l3 * sum(kLast3)[k];
    }
    return;
  }
  switch (model) {
    case RuleModel::kLinear:
      copy(kLinearSum);
      break;
    case RuleModel::kLastNonDirect:
      copy(kLastNonDirectSum);
      break;
    case RuleModel::kTimeDecay:
      copy(kTimeDecaySum);
      break;
    case RuleModel::kWShaped:
      copy(kWShapedSum);
      break;
    case RuleModel::kFullPath:
      copy(kFullPathSum);
      break;
    default:
      break;
  }
}

}  // namespace baton

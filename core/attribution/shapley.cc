#include "attribution/shapley.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "table/table.h"

namespace baton {
namespace {

void AddTotals(SetTotals* to, const SetTotals& from) {
  to->conversions += from.conversions;
  to->nulls += from.nulls;
  to->revenue += from.revenue;
}

}  // namespace

bool ParseShapleyValue(std::string_view name, ShapleyValue* out) {
  if (name == "conversions") {
    *out = ShapleyValue::kConversions;
    return true;
  }
  if (name == "rate") {
    *out = ShapleyValue::kRate;
    return true;
  }
  return false;
}

// Up to this many keys the 2^n sets fit a small dense array (96 KB).
constexpr size_t kMaxDenseKeys = 12;

KeySetCounts::KeySetCounts(size_t num_keys) : num_keys_(num_keys) {
  if (num_keys_ <= kMaxDenseKeys) dense_.resize(size_t{1} << num_keys_);
}

void KeySetCounts::Add(const JourneyView& j) {
  // A journey that weighs nothing is not counted (the dense array could not
  // tell its set from one never seen).
  if (j.n == 0 || (j.conversions == 0 && j.nulls == 0 && j.revenue == 0))
    return;
  const SetTotals t{j.conversions, j.nulls, j.revenue};
  if (num_keys_ <= 64) {
    uint64_t mask = 0;
    for (uint32_t i = 0; i < j.n; ++i) mask |= uint64_t{1} << j.keys[i];
    AddTotals(dense_.empty() ? &masks_[mask] : &dense_[mask], t);
    return;
  }
  sorted_.assign(j.keys, j.keys + j.n);
  std::sort(sorted_.begin(), sorted_.end());
  sorted_.erase(std::unique(sorted_.begin(), sorted_.end()), sorted_.end());
  bytes_.resize(sorted_.size() * sizeof(uint16_t));
  std::memcpy(bytes_.data(), sorted_.data(), bytes_.size());
  auto it = lists_.find(bytes_);
  if (it == lists_.end()) it = lists_.emplace(bytes_, SetTotals()).first;
  AddTotals(&it->second, t);
}

void KeySetCounts::Merge(const KeySetCounts& other) {
  for (size_t m = 0; m < dense_.size(); ++m)
    AddTotals(&dense_[m], other.dense_[m]);
  other.masks_.ForEach(
      [&](uint64_t mask, const SetTotals& t) { AddTotals(&masks_[mask], t); });
  for (const auto& [bytes, t] : other.lists_) AddTotals(&lists_[bytes], t);
}

std::vector<KeySetCounts::Entry> KeySetCounts::Entries() const {
  std::vector<Entry> out;
  auto add_mask = [&](uint64_t mask, const SetTotals& t) {
    Entry e;
    for (uint16_t k = 0; k < 64; ++k)
      if (mask >> k & 1) e.keys.push_back(k);
    e.totals = t;
    out.push_back(std::move(e));
  };
  for (size_t m = 1; m < dense_.size(); ++m) {
    const SetTotals& t = dense_[m];
    if (t.conversions != 0 || t.nulls != 0 || t.revenue != 0) add_mask(m, t);
  }
  masks_.ForEach(add_mask);
  for (const auto& [bytes, t] : lists_) {
    Entry e;
    e.keys.resize(bytes.size() / sizeof(uint16_t));
    std::memcpy(e.keys.data(), bytes.data(), bytes.size());
    e.totals = t;
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const Entry& a, const Entry& b) { return a.keys < b.keys; });
  return out;
}

std::vector<double> SubsetSumShapley(
    const std::vector<std::vector<uint16_t>>& sets,
    const std::vector<double>& values, size_t num_keys) {
  std::vector<double> phi(num_keys, 0.0);
  for (size_t e = 0; e < sets.size(); ++e) {
    if (sets[e].empty()) continue;
    const double each = values[e] / static_cast<double>(sets[e].size());
    for (uint16_t k : sets[e]) phi[k] += each;
  }
  return phi;
}

std::vector<double> ExactSetShapley(
    const std::vector<std::vector<uint16_t>>& sets,
    const std::vector<double>& values, size_t num_keys) {
  std::vector<double> phi(num_keys, 0.0);
  std::vector<uint8_t> player(num_keys, 0);
  for (const auto& s : sets)
    for (uint16_t k : s) player[k] = 1;
  size_t n = 0;
  for (uint8_t p : player) n += p;
  if (n == 0) return phi;
  // w(s) = s! (n-s-1)! / n!, by the ratio w(s) / w(s-1) = s / (n-s), which
  // stays accurate (and underflows gracefully) where factorials overflow.
  std::vector<double> w(n + 1, 0.0);
  w[0] = 1.0 / static_cast<double>(n);
  for (size_t s = 1; s < n; ++s)
    w[s] = w[s - 1] * static_cast<double>(s) / static_cast<double>(n - s);
  double a = 0;
  for (size_t e = 0; e < sets.size(); ++e) {
    const size_t size = sets[e].size();
    if (size == 0 || values[e] == 0) continue;
    a += w[size] * values[e];
    const double in = (w[size - 1] + w[size]) * values[e];
    for (uint16_t k : sets[e]) phi[k] += in;
  }
  for (size_t k = 0; k < num_keys; ++k)
    if (player[k]) phi[k] -= a;
  return phi;
}

ShapleyCredits ComputeShapleyCredits(
    const std::vector<KeySetCounts::Entry>& entries, size_t num_keys,
    ShapleyValue value) {
  ShapleyCredits out;
  std::vector<std::vector<uint16_t>> sets;
  std::vector<double> conversions, revenue, rate;
  double total_conversions = 0, total_revenue = 0;
  for (const KeySetCounts::Entry& e : entries) {
    sets.push_back(e.keys);
    conversions.push_back(e.totals.conversions);
    revenue.push_back(e.totals.revenue);
    const double tries = e.totals.conversions + e.totals.nulls;
    rate.push_back(tries > 0 ? e.totals.conversions / tries : 0.0);
    total_conversions += e.totals.conversions;
    total_revenue += e.totals.revenue;
  }
  if (value == ShapleyValue::kConversions) {
    out.conversions = SubsetSumShapley(sets, conversions, num_keys);
    out.revenue = SubsetSumShapley(sets, revenue, num_keys);
    return out;
  }

  std::vector<double> phi = ExactSetShapley(sets, rate, num_keys);
  double sum = 0, sum_abs = 0, sum_positive = 0;
  for (double p : phi) {
    sum += p;
    sum_abs += std::fabs(p);
    if (p > 0) sum_positive += p;
  }
  out.conversions.assign(num_keys, 0.0);
  out.revenue.assign(num_keys, 0.0);
  if (total_conversions == 0 && total_revenue == 0) return out;
  // A sum that is a rounding residue of large opposite phis is no scale.
  const bool usable_sum = sum > 1e-9 * sum_abs;
  if (!usable_sum && !(sum_positive > 0)) {
    out.warnings.push_back(
        "shapley (value rate): no key has a positive Shapley value; its "
        "conversions are not credited");
    return out;
  }
  const double scale = usable_sum ? sum : sum_positive;
  for (size_t k = 0; k < num_keys; ++k) {
    const double share = (usable_sum ? phi[k] : std::max(phi[k], 0.0)) / scale;
    out.conversions[k] = total_conversions * share;
    out.revenue[k] = total_revenue * share;
  }
  if (usable_sum)
    out.warnings.push_back(
        "shapley (value rate): Shapley values of the conversion rate (sum " +
        FormatDouble(sum) +
        ") are scaled to sum to the credited conversions and revenue");
  else
    out.warnings.push_back(
        "shapley (value rate): the Shapley values sum to " + FormatDouble(sum) +
        " (the conversion rate of journeys touching every key); credits are "
        "the positive values scaled to sum to the credited conversions and "
        "revenue");
  return out;
}

}  // namespace baton

#include "scoring/scoring.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <unordered_map>
#include <utility>

#include "scoring/logistic.h"

namespace baton {
namespace {

constexpr const char* kValidKeys =
    "scoring.as_of, scoring.label, scoring.within, scoring.l2, "
    "scoring.class_weight, scoring.test_after, scoring.capacity, "
    "scoring.features, scoring.folds, scoring.crm, scoring.property";
constexpr const char* kNone = "(none)";
constexpr const char* kOther = "other";
constexpr int64_t kMillisPerWeek = 7 * kMillisPerDay;
constexpr double kMaxTouchDays = 365;
constexpr double kMaxCreatedDays = 3650;
constexpr int64_t kWindows[3] = {7, 30, 90};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

bool ParseNumber(const std::string& text, double* out) {
  std::string t = Trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

std::string FunnelNames(const StageMap& map) {
  std::string out;
  for (int i = 0; i < map.num_funnel(); ++i) {
    if (i) out += ", ";
    out += map.Name(i);
  }
  return out;
}

std::string LabelText(const Workspace& ws, uint32_t code) {
  return code == 0 ? std::string(kNone) : std::string(ws.labels().Get(code));
}

// One categorical feature before pooling: the level of each scored person.
struct Categorical {
  std::string prefix;  // "source", "first campaign", or the attribute name
  std::vector<std::string> level;
};

std::string Signed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f", v);
  return buf;
}

bool Matches(const std::string& name, const std::vector<std::string>& wanted) {
  for (const std::string& w : wanted) {
    if (!w.empty() && w.back() == '*') {
      if (name.compare(0, w.size() - 1, w, 0, w.size() - 1) == 0) return true;
    } else if (name == w) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<ScoringOptions> ParseScoringOptions(
    const std::map<std::string, std::string>& options) {
  ScoringOptions out;
  std::string unknown;
  for (const auto& [key, value] : options) {
    if (key.rfind("scoring.", 0) != 0) continue;
    if (key == "scoring.as_of") {
      if (Trim(value).empty())
        return Status::InvalidArgument(
            "option scoring.as_of is empty; use mql (the hand-off), created, "
            "another stage name or a date such as 2024-06-30");
      out.as_of = Trim(value);
    } else if (key == "scoring.label") {
      if (Trim(value).empty())
        return Status::InvalidArgument(
            "option scoring.label is empty; name the outcome stage, e.g. sql "
            "or won");
      out.label = Lower(Trim(value));
    } else if (key == "scoring.within") {
      if (!ParseDuration(Trim(value), &out.within_ms))
        return Status::InvalidArgument(
            "option scoring.within: \"" + value +
            "\" is not a duration; use e.g. 90d, 12w (a bare number means "
            "days)");
    } else if (key == "scoring.l2") {
      if (!ParseNumber(value, &out.l2) || !(out.l2 > 0))
        return Status::InvalidArgument(
            "option scoring.l2: \"" + value +
            "\" is not a positive number; use e.g. 1 (sklearn's C = 1/l2)");
    } else if (key == "scoring.class_weight") {
      std::string v = Lower(Trim(value));
      if (v == "true" || v == "balanced" || v == "1" || v == "yes") {
        out.class_weight = true;
      } else if (v == "false" || v == "none" || v == "0" || v == "no" ||
                 v.empty()) {
        out.class_weight = false;
      } else {
        return Status::InvalidArgument(
            "option scoring.class_weight: \"" + value +
            "\" is not one of balanced, none, true, false");
      }
    } else if (key == "scoring.test_after") {
      if (!ParseTimestamp(Trim(value), &out.test_after))
        return Status::InvalidArgument(
            "option scoring.test_after: \"" + value + "\" is not a date (" +
            TimestampFormatsHint() + ")");
    } else if (key == "scoring.capacity") {
      std::string v = Lower(Trim(value));
      const std::string suffix = "/week";
      if (v.size() > suffix.size() &&
          v.compare(v.size() - suffix.size(), suffix.size(), suffix) == 0)
        v.resize(v.size() - suffix.size());
      if (!ParseNumber(v, &out.capacity_per_week) ||
          out.capacity_per_week < 0)
        return Status::InvalidArgument(
            "option scoring.capacity: \"" + value +
            "\" is not a capacity; use people per week, e.g. 200/week");
    } else if (key == "scoring.features") {
      out.features.clear();
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        std::string name = Trim(std::string_view(value).substr(start, comma - start));
        if (!name.empty()) out.features.push_back(name);
        start = comma + 1;
      }
    } else if (key == "scoring.folds") {
      double k = 0;
      if (!ParseNumber(value, &k) || k != std::floor(k) ||
          !(k == 0 || (k >= 2 && k <= 100)))
        return Status::InvalidArgument(
            "option scoring.folds: \"" + value +
            "\" is not a number of folds; use 0 (no cross-validation) or an "
            "integer from 2 to 100, e.g. 5");
      out.folds = static_cast<int>(k);
    } else if (key == "scoring.crm") {
      std::string v = Lower(Trim(value));
      if (v != "baton" && v != "salesforce" && v != "hubspot")
        return Status::InvalidArgument(
            "option scoring.crm: \"" + value +
            "\" is not a write-back target; use salesforce, hubspot or baton");
      out.crm = v;
    } else if (key == "scoring.property") {
      out.property = Trim(value);
      bool valid = !out.property.empty() && std::islower(
          static_cast<unsigned char>(out.property[0]));
      for (char ch : out.property)
        valid = valid && (std::islower(static_cast<unsigned char>(ch)) ||
                          std::isdigit(static_cast<unsigned char>(ch)) || ch == '_');
      if (!valid)
        return Status::InvalidArgument(
            "option scoring.property: \"" + value +
            "\" is not a HubSpot internal property name; use lowercase "
            "letters, digits and _, starting with a letter, e.g. baton_score");
    } else {
      unknown += (unknown.empty() ? "" : ", ") + key;
    }
  }
  if (!unknown.empty())
    return Status::InvalidArgument("unknown option(s) " + unknown +
                                   "; the scoring options are " + kValidKeys);
  if (out.crm == "hubspot" && out.property.empty())
    return Status::InvalidArgument(
        "scoring.crm = hubspot needs scoring.property: the internal name of "
        "the HubSpot contact property that receives the score, e.g. "
        "baton_score");
  if (out.crm != "hubspot" && !out.property.empty())
    return Status::InvalidArgument(
        "scoring.property names a HubSpot property, but scoring.crm is " +
        out.crm + "; set scoring.crm = hubspot or drop scoring.property");
  return out;
}

Result<ScoringRows> BuildScoringRows(const Workspace& ws,
                                     const ScoringOptions& options) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "lead scoring needs a frozen workspace: call Freeze() after loading");
  // The cap keeps point + within far from int64 overflow.
  if (options.within_ms < 0 || options.within_ms > 100 * 366 * kMillisPerDay)
    return Status::InvalidArgument(
        "scoring.within must be between 0 and 100 years (got " +
        std::to_string(options.within_ms / kMillisPerDay) + " days)");
  const StageMap& map = ws.stage_map();
  const std::string as_of = Lower(Trim(options.as_of));
  int as_of_stage = StageMap::kUnknown;
  int64_t fixed = kNoTime;
  bool created = false;
  if (as_of == "created") {
    created = true;
  } else if ((as_of_stage = map.CodeOf(as_of)) == StageMap::kUnknown &&
             !ParseTimestamp(Trim(options.as_of), &fixed)) {
    return Status::InvalidArgument(
        "scoring.as_of: \"" + options.as_of +
        "\" is neither a stage (" + map.Describe() +
        "), \"created\", nor a date (" + TimestampFormatsHint() + ")");
  }
  const int label_stage = map.CodeOf(Lower(options.label));
  if (!map.IsFunnel(label_stage))
    return Status::InvalidArgument("scoring.label: \"" + options.label +
                                   "\" is not a funnel stage; use one of " +
                                   FunnelNames(map));
  if (label_stage == as_of_stage)
    return Status::InvalidArgument(
        "scoring.label and scoring.as_of are both \"" + options.label +
        "\": everyone would be labelled 1 at their own scoring point; choose "
        "a label stage after the as_of stage, e.g. as_of mql, label sql");
  const bool label_won = label_stage == map.won_code();

  const uint32_t n_people = ws.num_people();
  const PeopleColumns& people = ws.people();
  const TouchColumns& touches = ws.touches();
  const StageColumns& stages = ws.stages();
  const auto& toff = ws.touch_offsets();
  const auto& soff = ws.stage_offsets();

  std::vector<int64_t> won_deal(n_people, kNoTime);
  if (label_won) {
    const DealColumns& deals = ws.deals();
    for (size_t i = 0; i < deals.size(); ++i) {
      uint32_t p = deals.person[i];
      if (p == kNoPerson || p >= n_people || !deals.is_won[i]) continue;
      int64_t t = deals.closed_at[i] != kNoTime ? deals.closed_at[i]
                                                : deals.created_at[i];
      if (t == kNoTime) continue;
      if (won_deal[p] == kNoTime || t < won_deal[p]) won_deal[p] = t;
    }
  }

  ScoringRows rows;
  const int64_t max_time = ws.max_time();
  for (uint32_t p = 0; p < n_people; ++p) {
    int64_t point = kNoTime;
    int64_t label_at = won_deal[p];
    int64_t first_event = kNoTime;
    for (uint32_t r = soff[p]; r < soff[p + 1]; ++r) {
      int64_t t = stages.at[r];
      if (t == kNoTime) continue;
      if (first_event == kNoTime || t < first_event) first_event = t;
      if (stages.stage[r] == as_of_stage && point == kNoTime && !created &&
          fixed == kNoTime)
        point = t;  // rows are time-sorted: the first is the earliest
      if (stages.stage[r] == label_stage &&
          (label_at == kNoTime || t < label_at))
        label_at = t;
    }
    for (uint32_t r = toff[p]; r < toff[p + 1]; ++r) {
      int64_t t = touches.at[r];
      if (t != kNoTime && (first_event == kNoTime || t < first_event))
        first_event = t;
    }
    if (created) {
      point = people.created_at[p];
    } else if (fixed != kNoTime) {
      int64_t c = people.created_at[p];
      bool exists = c != kNoTime ? c <= fixed
                                 : first_event != kNoTime && first_event <= fixed;
      if (exists) point = fixed;
    }
    if (point == kNoTime) continue;
    if (label_at != kNoTime && label_at < point) {
      ++rows.past_label;
      continue;
    }
    int label;
    if (max_time == kNoTime || point > max_time - options.within_ms) {
      label = -1;
    } else {
      label = label_at != kNoTime && label_at <= point + options.within_ms;
    }
    rows.person.push_back(p);
    rows.point.push_back(point);
    rows.label.push_back(label);
  }
  const size_t n = rows.person.size();

  // Touch levels come from touches at or before each point only, so that the
  // feature list itself cannot reveal later activity.
  std::map<std::string, int> channel_index, activity_index;
  auto touch_range = [&](size_t i) {
    uint32_t p = rows.person[i];
    uint32_t b = toff[p], e = toff[p];
    for (uint32_t r = toff[p]; r < toff[p + 1]; ++r) {
      // The workspace refuses touches without a time; skipping keeps this
      // safe should that change (they would sort first).
      if (touches.at[r] == kNoTime) {
        if (e == b) b = e = r + 1;
        continue;
      }
      if (touches.at[r] > rows.point[i]) break;
      e = r + 1;
    }
    return std::make_pair(b, e);
  };
  // Feature offsets by label code (-1: no such level), so the per-touch work
  // below is an array lookup.
  std::vector<int> channel_of(ws.labels().size(), -1);
  std::vector<int> activity_of(ws.labels().size(), -1);
  for (size_t i = 0; i < n; ++i) {
    auto [b, e] = touch_range(i);
    for (uint32_t r = b; r < e; ++r) {
      channel_of[touches.channel[r]] = 0;
      activity_of[touches.activity[r]] = 0;
    }
  }
  for (uint32_t code = 0; code < channel_of.size(); ++code) {
    if (channel_of[code] == 0) channel_index.emplace(LabelText(ws, code), 0);
    if (activity_of[code] == 0) activity_index.emplace(LabelText(ws, code), 0);
  }
  std::vector<std::string>& names = rows.feature_names;
  std::vector<uint8_t>& numeric = rows.numeric;
  auto add = [&](std::string name, bool is_numeric) {
    names.push_back(std::move(name));
    numeric.push_back(is_numeric);
    return static_cast<int>(names.size() - 1);
  };
  for (auto& [name, idx] : channel_index) {
    idx = static_cast<int>(names.size());
    for (int64_t d : kWindows)
      add("touches " + name + " last " + std::to_string(d) + "d", true);
  }
  for (auto& [name, idx] : activity_index) {
    idx = static_cast<int>(names.size());
    for (int64_t d : kWindows)
      add("activity " + name + " last " + std::to_string(d) + "d", true);
  }
  for (uint32_t code = 0; code < channel_of.size(); ++code) {
    if (channel_of[code] == 0) channel_of[code] = channel_index[LabelText(ws, code)];
    if (activity_of[code] == 0) activity_of[code] = activity_index[LabelText(ws, code)];
  }
  const int f_first = add("days since first touch", true);
  const int f_last = add("days since last touch", true);
  const int f_none = add("no touches", false);
  const int f_distinct = add("distinct channels", true);
  const int f_created = add("days since created", true);
  const int f_created_unknown = add("created unknown", false);

  // Categorical fields, pooled by how many scored people hold each level.
  std::vector<Categorical> cats;
  cats.push_back({"source", std::vector<std::string>(n)});
  cats.push_back({"first campaign", std::vector<std::string>(n)});
  std::vector<std::pair<std::string, const std::vector<uint32_t>*>> attrs;
  for (const auto& [key, values] : people.attributes)
    attrs.emplace_back(std::string(ws.labels().Get(key)), &values);
  std::sort(attrs.begin(), attrs.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& a : attrs) cats.push_back({a.first, std::vector<std::string>(n)});
  for (size_t i = 0; i < n; ++i) {
    uint32_t p = rows.person[i];
    cats[0].level[i] = LabelText(ws, people.source[p]);
    cats[1].level[i] = kNone;
    auto [b, e] = touch_range(i);
    for (uint32_t r = b; r < e; ++r) {
      if (touches.campaign[r] != 0) {
        cats[1].level[i] = LabelText(ws, touches.campaign[r]);
        break;
      }
    }
    for (size_t a = 0; a < attrs.size(); ++a)
      cats[2 + a].level[i] = LabelText(ws, (*attrs[a].second)[p]);
  }
  const size_t min_count = std::max<size_t>(
      10, static_cast<size_t>(std::ceil(0.01 * static_cast<double>(n))));
  std::vector<std::vector<int>> cat_feature(cats.size(), std::vector<int>(n));
  for (size_t c = 0; c < cats.size(); ++c) {
    std::map<std::string, size_t> count;
    for (const std::string& l : cats[c].level) ++count[l];
    std::map<std::string, int> index;
    std::vector<std::string> pooled;
    bool literal_other = false;
    for (const auto& [level, k] : count) {
      if (level == kOther) {
        literal_other = true;  // joins the pooled levels, keeping names unique
      } else if (k >= min_count) {
        index[level] = add(cats[c].prefix + " = " + level, false);
      } else {
        pooled.push_back(level);
      }
    }
    if (!pooled.empty() || literal_other) {
      int other = add(cats[c].prefix + " = " + kOther, false);
      for (const std::string& l : pooled) index[l] = other;
      index[kOther] = other;
    }
    if (!pooled.empty()) {
      std::string list;
      for (size_t k = 0; k < pooled.size() && k < 5; ++k)
        list += (k ? ", " : "") + pooled[k];
      if (pooled.size() > 5) list += ", ...";
      rows.notes.push_back(std::to_string(pooled.size()) + " rare level(s) of " +
                           cats[c].prefix + " (held by fewer than " +
                           std::to_string(min_count) +
                           " scored people) pooled into \"other\": " + list);
    }
    for (size_t i = 0; i < n; ++i) cat_feature[c][i] = index[cats[c].level[i]];
  }

  rows.x.assign(n, std::vector<double>(names.size(), 0.0));
  for (size_t i = 0; i < n; ++i) {
    std::vector<double>& x = rows.x[i];
    const int64_t point = rows.point[i];
    auto [b, e] = touch_range(i);
    std::vector<uint32_t> distinct;
    for (uint32_t r = b; r < e; ++r) {
      int64_t age = point - touches.at[r];
      const int ch = channel_of[touches.channel[r]];
      const int ac = activity_of[touches.activity[r]];
      if (std::find(distinct.begin(), distinct.end(), touches.channel[r]) ==
          distinct.end())
        distinct.push_back(touches.channel[r]);
      for (int w = 0; w < 3; ++w) {
        if (age <= kWindows[w] * kMillisPerDay) {
          x[ch + w] += 1;
          x[ac + w] += 1;
        }
      }
    }
    // log1p tames the long tail of very active people.
    for (const auto& [name, idx] : channel_index)
      for (int w = 0; w < 3; ++w) x[idx + w] = std::log1p(x[idx + w]);
    for (const auto& [name, idx] : activity_index)
      for (int w = 0; w < 3; ++w) x[idx + w] = std::log1p(x[idx + w]);
    if (b == e) {
      x[f_none] = 1;
    } else {
      auto days = [&](int64_t t) {
        return std::min(kMaxTouchDays,
                        static_cast<double>(point - t) / kMillisPerDay);
      };
      x[f_first] = days(touches.at[b]);
      x[f_last] = days(touches.at[e - 1]);
    }
    x[f_distinct] = static_cast<double>(distinct.size());
    int64_t c = people.created_at[rows.person[i]];
    if (c == kNoTime) {
      x[f_created_unknown] = 1;
    } else {
      x[f_created] = std::clamp(static_cast<double>(point - c) / kMillisPerDay,
                                0.0, kMaxCreatedDays);
    }
    for (size_t k = 0; k < cats.size(); ++k) x[cat_feature[k][i]] = 1;
  }
  return rows;
}

namespace {

// A model fitted on some labelled rows: the features it kept, how they were
// standardised (on those rows) and the fit.
struct FittedModel {
  std::vector<int> kept;
  std::vector<double> mean, sd;  // one-hot features: 0 and 1
  std::vector<std::string> dropped;
  Eigen::VectorXd weights;  // per training row
  LogisticFit fit;

  double Standardised(const ScoringRows& rows, size_t i, size_t k) const {
    return (rows.x[i][kept[k]] - mean[k]) / sd[k];
  }
  double Score(const ScoringRows& rows, size_t i) const {
    double z = fit.intercept;
    for (size_t k = 0; k < kept.size(); ++k) z += fit.coef[k] * Standardised(rows, i, k);
    return Sigmoid(z);
  }
};

// Keeps the features of `cols` that vary on the training rows, standardises
// them with the training mean and sd and fits.
Result<FittedModel> FitModel(const ScoringRows& rows, const std::vector<int>& cols,
                             const std::vector<size_t>& train,
                             const ScoringOptions& options) {
  FittedModel m;
  // Row by row (each person's features are contiguous): sums, then squared
  // deviations from the mean, and the range that shows a constant column.
  const size_t nc = cols.size();
  std::vector<double> sum(nc, 0.0), ss(nc, 0.0), lo(nc), hi(nc);
  for (size_t k = 0; k < nc; ++k) lo[k] = hi[k] = rows.x[train[0]][cols[k]];
  for (size_t i : train) {
    const std::vector<double>& x = rows.x[i];
    for (size_t k = 0; k < nc; ++k) {
      const double v = x[cols[k]];
      sum[k] += v;
      lo[k] = std::min(lo[k], v);
      hi[k] = std::max(hi[k], v);
    }
  }
  const double count = static_cast<double>(train.size());
  for (size_t i : train) {
    const std::vector<double>& x = rows.x[i];
    for (size_t k = 0; k < nc; ++k) {
      const double d = x[cols[k]] - sum[k] / count;
      ss[k] += d * d;
    }
  }
  for (size_t k = 0; k < nc; ++k) {
    const int j = cols[k];
    const double d = std::sqrt(ss[k] / count);
    if (lo[k] == hi[k] || !(d > 0)) {
      m.dropped.push_back(rows.feature_names[j]);
      continue;
    }
    m.kept.push_back(j);
    m.mean.push_back(rows.numeric[j] ? sum[k] / count : 0.0);
    m.sd.push_back(rows.numeric[j] ? d : 1.0);
  }
  const size_t p = m.kept.size();
  Eigen::MatrixXd xt(train.size(), p);
  Eigen::VectorXd yt(train.size());
  for (size_t r = 0; r < train.size(); ++r) {
    for (size_t k = 0; k < p; ++k) xt(r, k) = m.Standardised(rows, train[r], k);
    yt[r] = rows.label[train[r]];
  }
  m.weights = options.class_weight ? BalancedWeights(yt)
                                   : Eigen::VectorXd::Ones(train.size());
  auto fitted = FitLogistic(xt, yt, m.weights, options.l2);
  if (!fitted.ok())
    return fitted.status().WithContext("lead scoring (label " + options.label + ", " +
                                       std::to_string(train.size()) + " training rows)");
  m.fit = std::move(*fitted);
  return m;
}

// Mean and population sd of the finite values; NaN for none.
std::pair<double, double> MeanSd(const std::vector<double>& v) {
  double s = 0, n = 0;
  for (double x : v)
    if (std::isfinite(x)) s += x, n += 1;
  if (n == 0) return {std::nan(""), std::nan("")};
  const double mean = s / n;
  double ss = 0;
  for (double x : v)
    if (std::isfinite(x)) ss += (x - mean) * (x - mean);
  return {mean, std::sqrt(ss / n)};
}

}  // namespace

int FoldOf(std::string_view person_id, int folds) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : person_id) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  // FNV's low bits follow the last byte's low bits (ids "p0", "p2", ... would
  // share a fold of 2); MurmurHash3's finaliser mixes every bit into all.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return static_cast<int>(h % static_cast<uint64_t>(std::max(1, folds))) + 1;
}

Result<ScoringResult> Score(const Workspace& ws, const ScoringOptions& options) {
  if (!(options.l2 > 0) || !std::isfinite(options.l2))
    return Status::InvalidArgument(
        "scoring.l2 must be a positive number; use e.g. 1 (sklearn's C = 1/l2)");
  if (options.folds != 0 && (options.folds < 2 || options.folds > 100))
    return Status::InvalidArgument("scoring.folds must be 0 or from 2 to 100 (got " +
                                   std::to_string(options.folds) + ")");
  BATON_ASSIGN_OR_RETURN(ScoringRows rows, BuildScoringRows(ws, options));
  const size_t n = rows.person.size();
  std::vector<std::string> warnings = rows.notes;

  // Labelled rows, split by scoring time.
  std::vector<size_t> labelled;
  for (size_t i = 0; i < n; ++i)
    if (rows.label[i] >= 0) labelled.push_back(i);
  int64_t split = options.test_after;
  if (split == kNoTime && !labelled.empty()) {
    std::vector<int64_t> pts;
    for (size_t i : labelled) pts.push_back(rows.point[i]);
    std::sort(pts.begin(), pts.end());
    split = pts[static_cast<size_t>(0.8 * static_cast<double>(pts.size()))];
  }
  std::vector<size_t> train, test;
  for (size_t i : labelled) (rows.point[i] >= split ? test : train).push_back(i);
  if (train.empty())
    return Status::InvalidArgument(
        "lead scoring: no training rows (" + std::to_string(n) +
        " people scored, " + std::to_string(labelled.size()) +
        " with a closed window); load more history, shorten scoring.within "
        "or set scoring.test_after later");

  // Features kept: those asked for, then those that vary on the train rows.
  std::vector<int> cols;
  for (size_t j = 0; j < rows.feature_names.size(); ++j)
    if (options.features.empty() || Matches(rows.feature_names[j], options.features))
      cols.push_back(static_cast<int>(j));
  for (const std::string& wanted : options.features) {
    bool found = false;
    for (const std::string& name : rows.feature_names)
      found = found || Matches(name, {wanted});
    if (!found) {
      std::string some;
      for (size_t j = 0; j < rows.feature_names.size() && j < 8; ++j)
        some += (j ? ", " : "") + rows.feature_names[j];
      return Status::InvalidArgument(
          "scoring.features: \"" + wanted + "\" matches no feature of this "
          "data; features are named like: " + some +
          " (a name ending in * matches a prefix)");
    }
  }
  BATON_ASSIGN_OR_RETURN(FittedModel model, FitModel(rows, cols, train, options));
  const LogisticFit& fit = model.fit;
  const std::vector<int>& kept = model.kept;
  const std::vector<std::string>& dropped = model.dropped;
  if (!dropped.empty()) {
    std::string list;
    for (size_t k = 0; k < dropped.size() && k < 10; ++k)
      list += (k ? ", " : "") + dropped[k];
    if (dropped.size() > 10) list += ", ...";
    warnings.push_back(std::to_string(dropped.size()) +
                       " feature(s) constant on the training rows dropped: " +
                       list);
  }
  const size_t p = kept.size();
  if (fit.separable)
    warnings.push_back(
        "the training rows are perfectly separable (every positive scores above "
        "every negative): the coefficients are finite only because of the "
        "penalty l2 and probabilities may be overconfident");
  if (!fit.converged)
    warnings.push_back("the fit stopped after " + std::to_string(fit.iterations) +
                       " iterations with gradient norm " +
                       FormatDouble(fit.gradient_norm));
  if (test.empty())
    warnings.push_back("no test rows: every labelled person is older than the "
                       "split; evaluation metrics are null");

  ScoringResult out;
  // Scores and explanations for every scored person.
  std::vector<double> score(n);
  {
    Table& t = out.scores;
    size_t c_id = t.AddColumn("person_id", ColumnType::kString);
    size_t c_score = t.AddColumn("score", ColumnType::kFloat64);
    size_t c_label = t.AddColumn("label", ColumnType::kInt64);
    size_t c_top[3] = {t.AddColumn("top_feature_1", ColumnType::kString),
                       t.AddColumn("top_feature_2", ColumnType::kString),
                       t.AddColumn("top_feature_3", ColumnType::kString)};
    std::vector<double> contrib(p);
    std::vector<size_t> order(p);
    for (size_t i = 0; i < n; ++i) {
      double z = fit.intercept;
      for (size_t k = 0; k < p; ++k) {
        contrib[k] = fit.coef[k] * model.Standardised(rows, i, k);
        z += contrib[k];
      }
      score[i] = Sigmoid(z);
      t.AppendString(c_id, ws.person_ids().Get(rows.person[i]));
      t.AppendDouble(c_score, score[i]);
      if (rows.label[i] < 0)
        t.AppendNull(c_label);
      else
        t.AppendInt(c_label, rows.label[i]);
      // Only the three largest matter: a partial sort, ties by feature order.
      std::iota(order.begin(), order.end(), 0);
      const size_t top = std::min<size_t>(3, p);
      std::partial_sort(order.begin(), order.begin() + top, order.end(),
                        [&](size_t a, size_t b) {
                          double fa = std::fabs(contrib[a]), fb = std::fabs(contrib[b]);
                          return fa > fb || (fa == fb && a < b);
                        });
      for (size_t k = 0; k < 3; ++k) {
        if (k < p && contrib[order[k]] != 0)
          t.AppendString(c_top[k], rows.feature_names[kept[order[k]]] + " (" +
                                       Signed(contrib[order[k]]) + ")");
        else
          t.AppendString(c_top[k], "");
      }
    }
  }

  // Test evaluation.
  std::vector<double> ts;
  std::vector<int> tl;
  int64_t test_pos = 0, train_pos = 0;
  for (size_t i : test) {
    ts.push_back(score[i]);
    tl.push_back(rows.label[i]);
    test_pos += rows.label[i];
  }
  for (size_t i : train) train_pos += rows.label[i];
  const double base = test.empty() ? std::nan("")
                                   : static_cast<double>(test_pos) / test.size();

  // Cross-validation: refit without each fold, judge on it.
  struct FoldResult {
    int64_t train_rows = 0, test_rows = 0, test_positives = 0;
    double auc = std::nan(""), log_loss = std::nan(""), brier = std::nan("");
  };
  std::vector<FoldResult> folds(options.folds);
  if (options.folds > 0) {
    std::vector<int> fold_of(n, 0);
    for (size_t i : labelled)
      fold_of[i] = FoldOf(ws.person_ids().Get(rows.person[i]), options.folds);
    for (int f = 1; f <= options.folds; ++f) {
      std::vector<size_t> fit_rows, held;
      for (size_t i : labelled) (fold_of[i] == f ? held : fit_rows).push_back(i);
      FoldResult& r = folds[f - 1];
      r.train_rows = static_cast<int64_t>(fit_rows.size());
      r.test_rows = static_cast<int64_t>(held.size());
      for (size_t i : held) r.test_positives += rows.label[i];
      if (fit_rows.empty() || held.empty()) {
        warnings.push_back("fold " + std::to_string(f) + " of " +
                           std::to_string(options.folds) +
                           " has no rows to fit or to judge; its metrics are null");
        continue;
      }
      auto m = FitModel(rows, cols, fit_rows, options);
      if (!m.ok()) {
        warnings.push_back("fold " + std::to_string(f) + " of " +
                           std::to_string(options.folds) + " could not be fitted (" +
                           m.status().message() + "); its metrics are null");
        continue;
      }
      std::vector<double> fs;
      std::vector<int> fl;
      for (size_t i : held) {
        fs.push_back(m->Score(rows, i));
        fl.push_back(rows.label[i]);
      }
      r.auc = RankAuc(fs, fl);
      r.log_loss = LogLoss(fs, fl);
      r.brier = BrierScore(fs, fl);
    }
  }
  std::vector<double> fold_auc, fold_ll, fold_brier;
  for (const FoldResult& r : folds) {
    fold_auc.push_back(r.auc);
    fold_ll.push_back(r.log_loss);
    fold_brier.push_back(r.brier);
  }
  const auto [auc_mean, auc_sd] = MeanSd(fold_auc);
  const auto [ll_mean, ll_sd] = MeanSd(fold_ll);
  const auto [brier_mean, brier_sd] = MeanSd(fold_brier);
  {
    Table& t = out.folds;
    size_t c_f = t.AddColumn("fold", ColumnType::kString);
    size_t c_tr = t.AddColumn("train_rows", ColumnType::kInt64);
    size_t c_te = t.AddColumn("test_rows", ColumnType::kInt64);
    size_t c_tp = t.AddColumn("test_positives", ColumnType::kInt64);
    size_t c_a = t.AddColumn("auc", ColumnType::kFloat64);
    size_t c_l = t.AddColumn("log_loss", ColumnType::kFloat64);
    size_t c_b = t.AddColumn("brier", ColumnType::kFloat64);
    for (size_t f = 0; f < folds.size(); ++f) {
      t.AppendString(c_f, std::to_string(f + 1));
      t.AppendInt(c_tr, folds[f].train_rows);
      t.AppendInt(c_te, folds[f].test_rows);
      t.AppendInt(c_tp, folds[f].test_positives);
      t.AppendDoubleOrNull(c_a, folds[f].auc);
      t.AppendDoubleOrNull(c_l, folds[f].log_loss);
      t.AppendDoubleOrNull(c_b, folds[f].brier);
    }
    if (!folds.empty()) {
      for (int s = 0; s < 2; ++s) {
        t.AppendString(c_f, s == 0 ? "mean" : "sd");
        for (size_t c : {c_tr, c_te, c_tp}) t.AppendNull(c);
        t.AppendDoubleOrNull(c_a, s == 0 ? auc_mean : auc_sd);
        t.AppendDoubleOrNull(c_l, s == 0 ? ll_mean : ll_sd);
        t.AppendDoubleOrNull(c_b, s == 0 ? brier_mean : brier_sd);
      }
    }
  }

  {
    Table& t = out.summary;
    size_t c_m = t.AddColumn("metric", ColumnType::kString);
    size_t c_v = t.AddColumn("value", ColumnType::kFloat64);
    int64_t open = 0;
    for (int l : rows.label) open += l < 0;
    auto put = [&](const char* m, double v) {
      t.AppendString(c_m, m);
      t.AppendDoubleOrNull(c_v, v);
    };
    put("scored", static_cast<double>(n));
    put("window_open", static_cast<double>(open));
    put("past_label", static_cast<double>(rows.past_label));
    put("train_rows", static_cast<double>(train.size()));
    put("train_positives", static_cast<double>(train_pos));
    put("test_rows", static_cast<double>(test.size()));
    put("test_positives", static_cast<double>(test_pos));
    put("test_base_rate", base);
    put("auc", RankAuc(ts, tl));
    put("log_loss", LogLoss(ts, tl));
    put("brier", BrierScore(ts, tl));
    put("features", static_cast<double>(p));
    put("features_dropped", static_cast<double>(dropped.size()));
    put("iterations", fit.iterations);
    put("gradient_norm", fit.gradient_norm);
    put("l2", options.l2);
    if (options.folds > 0) {
      put("folds", options.folds);
      put("cv_auc_mean", auc_mean);
      put("cv_auc_sd", auc_sd);
      put("cv_log_loss_mean", ll_mean);
      put("cv_log_loss_sd", ll_sd);
      put("cv_brier_mean", brier_mean);
      put("cv_brier_sd", brier_sd);
    }
    for (std::string& w : warnings) t.AddWarning(std::move(w));
  }
  {
    Table& t = out.coefficients;
    size_t c_f = t.AddColumn("feature", ColumnType::kString);
    size_t c_c = t.AddColumn("coefficient", ColumnType::kFloat64);
    size_t c_o = t.AddColumn("odds_ratio", ColumnType::kFloat64);
    size_t c_s = t.AddColumn("std_error", ColumnType::kFloat64);
    for (size_t k = 0; k <= p; ++k) {
      double b = k == 0 ? fit.intercept : fit.coef[k - 1];
      t.AppendString(c_f, k == 0 ? "(intercept)" : rows.feature_names[kept[k - 1]]);
      t.AppendDouble(c_c, b);
      t.AppendDoubleOrNull(c_o, std::exp(b));
      t.AppendDoubleOrNull(c_s, fit.std_error[k]);
    }
  }
  if (options.design) {
    Table& t = out.design;
    size_t c_row = t.AddColumn("row", ColumnType::kInt64);
    size_t c_id = t.AddColumn("person_id", ColumnType::kString);
    size_t c_set = t.AddColumn("set", ColumnType::kString);
    size_t c_y = t.AddColumn("label", ColumnType::kInt64);
    size_t c_w = t.AddColumn("weight", ColumnType::kFloat64);
    std::vector<size_t> c_x(p);
    for (size_t k = 0; k < p; ++k)
      c_x[k] = t.AddColumn(rows.feature_names[kept[k]], ColumnType::kFloat64);
    // labelled, train and test are in row order; train's weights follow it.
    size_t next_train = 0;
    for (size_t i : labelled) {
      const bool is_train = next_train < train.size() && train[next_train] == i;
      t.AppendInt(c_row, static_cast<int64_t>(i));
      t.AppendString(c_id, ws.person_ids().Get(rows.person[i]));
      t.AppendString(c_set, is_train ? "train" : "test");
      t.AppendInt(c_y, rows.label[i]);
      if (is_train)
        t.AppendDouble(c_w, model.weights[static_cast<Eigen::Index>(next_train++)]);
      else
        t.AppendNull(c_w);
      for (size_t k = 0; k < p; ++k) t.AppendDouble(c_x[k], model.Standardised(rows, i, k));
    }
  }
  {
    Table& t = out.calibration;
    size_t c_b = t.AddColumn("bin", ColumnType::kString);
    size_t c_p = t.AddColumn("mean_predicted", ColumnType::kFloat64);
    size_t c_o = t.AddColumn("observed", ColumnType::kFloat64);
    size_t c_n = t.AddColumn("count", ColumnType::kInt64);
    double sum_p[10] = {}, sum_y[10] = {};
    int64_t cnt[10] = {};
    for (size_t k = 0; k < ts.size(); ++k) {
      int b = std::min(9, static_cast<int>(ts[k] * 10));
      sum_p[b] += ts[k];
      sum_y[b] += tl[k];
      ++cnt[b];
    }
    for (int b = 0; b < 10; ++b) {
      char name[16];
      std::snprintf(name, sizeof name, "%.1f-%.1f", b / 10.0, (b + 1) / 10.0);
      t.AppendString(c_b, name);
      t.AppendDoubleOrNull(c_p, cnt[b] ? sum_p[b] / cnt[b] : std::nan(""));
      t.AppendDoubleOrNull(c_o, cnt[b] ? sum_y[b] / cnt[b] : std::nan(""));
      t.AppendInt(c_n, cnt[b]);
    }
  }
  // Test rows by score, highest first; ties by person index for determinism.
  std::vector<size_t> ranked(test.size());
  std::iota(ranked.begin(), ranked.end(), 0);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](size_t a, size_t b) { return ts[a] > ts[b]; });
  {
    Table& t = out.lift;
    size_t c_d = t.AddColumn("decile", ColumnType::kInt64);
    size_t c_n = t.AddColumn("count", ColumnType::kInt64);
    size_t c_p = t.AddColumn("positives", ColumnType::kInt64);
    size_t c_r = t.AddColumn("rate", ColumnType::kFloat64);
    size_t c_l = t.AddColumn("lift", ColumnType::kFloat64);
    const size_t m = ranked.size();
    for (size_t d = 0; d < 10 && m > 0; ++d) {
      size_t lo = d * m / 10, hi = (d + 1) * m / 10;
      int64_t pos = 0;
      for (size_t k = lo; k < hi; ++k) pos += tl[ranked[k]];
      double rate = hi > lo ? static_cast<double>(pos) / (hi - lo) : std::nan("");
      t.AppendInt(c_d, static_cast<int64_t>(d + 1));
      t.AppendInt(c_n, static_cast<int64_t>(hi - lo));
      t.AppendInt(c_p, pos);
      t.AppendDoubleOrNull(c_r, rate);
      t.AppendDoubleOrNull(c_l, base > 0 ? rate / base : std::nan(""));
    }
  }
  {
    Table& t = out.threshold;
    size_t c_r = t.AddColumn("rule", ColumnType::kString);
    size_t c_c = t.AddColumn("cutoff", ColumnType::kFloat64);
    size_t c_w = t.AddColumn("per_week", ColumnType::kFloat64);
    size_t c_v = t.AddColumn("conversion_rate", ColumnType::kFloat64);
    size_t c_p = t.AddColumn("predicted_rate", ColumnType::kFloat64);
    if (!test.empty()) {
      int64_t lo = rows.point[test[0]], hi = lo;
      for (size_t i : test) {
        lo = std::min(lo, rows.point[i]);
        hi = std::max(hi, rows.point[i]);
      }
      const double weeks =
          std::max(1.0, static_cast<double>(hi - lo) / kMillisPerWeek);
      auto row = [&](const char* rule, double cutoff, size_t count) {
        double pos = 0, pred = 0;
        for (size_t k = 0; k < count; ++k) {
          pos += tl[ranked[k]];
          pred += ts[ranked[k]];
        }
        t.AppendString(c_r, rule);
        t.AppendDoubleOrNull(c_c, cutoff);
        t.AppendDouble(c_w, static_cast<double>(count) / weeks);
        t.AppendDoubleOrNull(c_v, count ? pos / count : std::nan(""));
        t.AppendDoubleOrNull(c_p, count ? pred / count : std::nan(""));
      };
      row("all handed off", std::nan(""), ranked.size());
      if (options.capacity_per_week > 0) {
        size_t k = std::min(
            ranked.size(),
            static_cast<size_t>(std::floor(options.capacity_per_week * weeks)));
        if (k == 0) k = 1;
        const double cutoff = ts[ranked[k - 1]];
        // Everyone tied with the cut-off score passes it too.
        while (k < ranked.size() && ts[ranked[k]] >= cutoff) ++k;
        row("score >= cutoff", cutoff, k);
      }
    } else {
      t.AddWarning("no test rows: no threshold can be evaluated");
    }
  }
  return out;
}

Result<Table> ScoresForCrm(const Table& scores, const std::string& crm,
                           const std::string& property) {
  const int c_id = scores.ColumnIndex("person_id");
  const int c_score = scores.ColumnIndex("score");
  if (c_id < 0 || c_score < 0 ||
      scores.column(c_id).type != ColumnType::kString ||
      scores.column(c_score).type != ColumnType::kFloat64)
    return Status::InvalidArgument(
        "scoring write-back: the table has no person_id (string) and score "
        "(float64) columns; pass the scores table of a scoring run");
  if (crm == "baton") return scores;
  std::string id_name, value_name;
  if (crm == "salesforce") {
    id_name = "Id";
    value_name = "Lead_Score__c";
  } else if (crm == "hubspot") {
    if (property.empty())
      return Status::InvalidArgument(
          "scoring write-back to hubspot needs scoring.property: the internal "
          "name of the contact property that receives the score, e.g. baton_score");
    id_name = "Record ID";
    value_name = property;
  } else {
    return Status::InvalidArgument("scoring write-back: \"" + crm +
                                   "\" is not a target; use salesforce, hubspot or baton");
  }
  Table out(crm + "_scores");
  size_t o_id = out.AddColumn(id_name, ColumnType::kString);
  size_t o_v = out.AddColumn(value_name, ColumnType::kFloat64);
  const Column& ids = scores.column(c_id);
  const Column& values = scores.column(c_score);
  for (size_t r = 0; r < scores.num_rows(); ++r) {
    const double v = values.valid[r] ? values.doubles[r] : std::nan("");
    if (!(v >= 0 && v <= 1))
      return Status::InvalidArgument(
          "scoring write-back: row " + std::to_string(r + 1) + " (person " +
          ids.strings[r] + ") has score " + (values.valid[r] ? FormatDouble(v) : "null") +
          ", not a probability in [0, 1]");
    out.AppendString(o_id, ids.strings[r]);
    // One decimal on a 0-100 scale: what a CRM list view shows and sorts by.
    out.AppendDouble(o_v, std::round(v * 1000.0) / 10.0);
  }
  for (const std::string& w : scores.warnings()) out.AddWarning(w);
  return out;
}

}  // namespace baton

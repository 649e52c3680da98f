#include "scorecard/scorecard.h"

// toml++ is header-only here; parse errors are ordinary results, so the
// library runs without exceptions.
#define TOML_EXCEPTIONS 0
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "common/text.h"
#include "handoff/quantile.h"
#include "model/timestamp.h"
#include "pipeline/deals.h"

namespace baton {
namespace {

constexpr int64_t kMaxPeriods = 100000;
constexpr int kMaxStages = 60;  // StageMap::SetStages allows at most 60

enum class MetricKind {
  kFunnelRate,
  kFunnelReached,
  kFunnelVelocity,
  kHandoffSlaRate,
  kHandoffAcceptance,
  kHandoffResponse,
  kHandoffLeaked,
  kDealsWinRate,
  kDealsWonAmount,
  kDealsPipeline,
  kDealsPipelineMarketing,
  kDealsPipelineSales,
  kSpendTotal,
  kSpendCac,
  kSpendRoi,
};

struct Metric {
  MetricKind kind;
  std::string from, to;  // stage names of funnel metrics
};

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Splits "<from>-><to>"; false unless both sides are non-empty.
bool SplitTransition(std::string_view s, std::string* from, std::string* to) {
  const size_t arrow = s.find("->");
  if (arrow == std::string_view::npos) return false;
  *from = AsciiLower(Trim(s.substr(0, arrow)));
  *to = AsciiLower(Trim(s.substr(arrow + 2)));
  return !from->empty() && !to->empty() && to->find("->") == std::string::npos;
}

// Structural parse of a metric name; stage names are checked against the
// workspace's stage map later.
bool ParseMetric(std::string_view text, Metric* out) {
  static const struct {
    const char* name;
    MetricKind kind;
  } kPlain[] = {
      {"handoff.sla_rate", MetricKind::kHandoffSlaRate},
      {"handoff.acceptance_rate", MetricKind::kHandoffAcceptance},
      {"handoff.response_median_hours", MetricKind::kHandoffResponse},
      {"handoff.leaked", MetricKind::kHandoffLeaked},
      {"deals.win_rate", MetricKind::kDealsWinRate},
      {"deals.won_amount", MetricKind::kDealsWonAmount},
      {"deals.pipeline_amount", MetricKind::kDealsPipeline},
      {"deals.pipeline_amount:side=marketing", MetricKind::kDealsPipelineMarketing},
      {"deals.pipeline_amount:side=sales", MetricKind::kDealsPipelineSales},
      {"spend.total", MetricKind::kSpendTotal},
      {"spend.cac", MetricKind::kSpendCac},
      {"spend.roi", MetricKind::kSpendRoi},
  };
  const std::string m = Trim(text);
  for (const auto& p : kPlain) {
    if (m == p.name) {
      out->kind = p.kind;
      return true;
    }
  }
  const size_t colon = m.find(':');
  if (colon == std::string::npos) return false;
  const std::string head = m.substr(0, colon);
  const std::string arg = m.substr(colon + 1);
  if (head == "funnel.rate" || head == "funnel.velocity_days") {
    out->kind = head == "funnel.rate" ? MetricKind::kFunnelRate
                                      : MetricKind::kFunnelVelocity;
    return SplitTransition(arg, &out->from, &out->to);
  }
  if (head == "funnel.reached") {
    out->kind = MetricKind::kFunnelReached;
    out->from = AsciiLower(Trim(arg));
    return !out->from.empty();
  }
  return false;
}

std::string JoinMetricNames() {
  std::string out;
  for (const std::string& m : ScorecardMetricNames())
    out += (out.empty() ? "" : ", ") + m;
  return out;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t PeriodKey(int64_t t, ScorecardPeriod period) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(t, kMillisPerDay), &y, &m, &d);
  switch (period) {
    case ScorecardPeriod::kMonth: return y * 12 + (m - 1);
    case ScorecardPeriod::kQuarter: return y * 4 + (m - 1) / 3;
    case ScorecardPeriod::kYear: return y;
  }
  return y;
}

std::string PeriodKeyName(int64_t key, ScorecardPeriod period) {
  char buf[48];
  switch (period) {
    case ScorecardPeriod::kMonth: {
      const int64_t y = FloorDiv(key, 12);
      std::snprintf(buf, sizeof buf, "%04lld-%02lld", static_cast<long long>(y),
                    static_cast<long long>(key - y * 12 + 1));
      break;
    }
    case ScorecardPeriod::kQuarter: {
      const int64_t y = FloorDiv(key, 4);
      std::snprintf(buf, sizeof buf, "%04lld-Q%lld", static_cast<long long>(y),
                    static_cast<long long>(key - y * 4 + 1));
      break;
    }
    case ScorecardPeriod::kYear:
      std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(key));
      break;
  }
  return buf;
}

// How a series turns its per-period sums into a value.
enum class Finish { kRate, kSum, kMedian, kCac, kRoi };

// One KPI's per-period sums, dense over the period range.
struct Series {
  Finish finish = Finish::kSum;
  std::vector<double> a, b;                  // numerator, denominator
  std::vector<std::vector<double>> values;   // for medians

  explicit Series(size_t periods) : a(periods, 0), b(periods, 0), values(periods) {}

  double Value(size_t i) const {
    const double nan = std::nan("");
    switch (finish) {
      case Finish::kRate: return b[i] > 0 ? a[i] / b[i] : nan;
      case Finish::kSum: return a[i];
      case Finish::kMedian: {
        std::vector<double> v = values[i];
        return LinearQuantile(v.data(), v.data() + v.size(), 0.5);
      }
      case Finish::kCac: return b[i] > 0 ? a[i] / b[i] : nan;
      case Finish::kRoi: return b[i] != 0 ? (a[i] - b[i]) / b[i] : nan;
    }
    return nan;
  }
};

bool AtLeast(double v, double threshold) {
  return v >= threshold - 1e-9 * std::fabs(threshold);
}
bool AtMost(double v, double threshold) {
  return v <= threshold + 1e-9 * std::fabs(threshold);
}

const char* StatusOf(double v, double target, bool lower_is_better) {
  if (!lower_is_better) {
    if (AtLeast(v, target)) return "on_track";
    if (AtLeast(v, 0.9 * target)) return "at_risk";
    return "off_track";
  }
  if (AtMost(v, target)) return "on_track";
  if (AtMost(v, 1.1 * target)) return "at_risk";
  return "off_track";
}

// Everything Scorecard() computes once and shares between KPIs.
class Calculator {
 public:
  Calculator(const Workspace& ws, const ScorecardConfig& config, int64_t first_key,
             size_t periods)
      : ws_(ws), config_(config), first_key_(first_key), periods_(periods) {}

  Result<Series> Compute(const ScorecardKpi& kpi, const Metric& m);
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  size_t Index(int64_t t) const {
    return static_cast<size_t>(PeriodKey(t, config_.period) - first_key_);
  }
  Result<int> Stage(const ScorecardKpi& kpi, const std::string& name) const;
  Status Funnel(const ScorecardKpi& kpi, const Metric& m, Series* s);
  Status Handoff(const Metric& m, Series* s);
  void Deals(const Metric& m, Series* s);
  void Spend(const Metric& m, Series* s);
  void Warn(std::string w) {
    if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end())
      warnings_.push_back(std::move(w));
  }

  const Workspace& ws_;
  const ScorecardConfig& config_;
  const int64_t first_key_;
  const size_t periods_;
  std::optional<HandoffEvents> handoffs_;
  std::optional<std::vector<uint8_t>> marketing_;
  std::vector<std::string> warnings_;
};

Result<int> Calculator::Stage(const ScorecardKpi& kpi,
                              const std::string& name) const {
  const StageMap& map = ws_.stage_map();
  const int code = map.CodeOf(name);
  if (!map.IsFunnel(code)) {
    std::string stages;
    for (int s = 0; s < map.num_funnel(); ++s)
      stages += (s ? ", " : "") + map.Name(s);
    return Status::InvalidArgument(
        config_.path + ":" + std::to_string(kpi.line) + ": KPI \"" + kpi.name +
        "\": \"" + name + "\" is not a funnel stage; funnel stages are " +
        stages);
  }
  return code;
}

Status Calculator::Funnel(const ScorecardKpi& kpi, const Metric& m, Series* s) {
  BATON_ASSIGN_OR_RETURN(const int from, Stage(kpi, m.from));
  int to = from;
  if (m.kind != MetricKind::kFunnelReached) {
    BATON_ASSIGN_OR_RETURN(to, Stage(kpi, m.to));
    if (to <= from)
      return Status::InvalidArgument(
          config_.path + ":" + std::to_string(kpi.line) + ": KPI \"" +
          kpi.name + "\": " + m.to + " does not come after " + m.from +
          " in the funnel; write the earlier stage first");
  }
  s->finish = m.kind == MetricKind::kFunnelRate      ? Finish::kRate
              : m.kind == MetricKind::kFunnelReached ? Finish::kSum
                                                     : Finish::kMedian;
  const StageColumns& st = ws_.stages();
  const std::vector<uint32_t>& off = ws_.stage_offsets();
  const int num_funnel = std::min(ws_.stage_map().num_funnel(), kMaxStages);
  int64_t first[kMaxStages];
  int64_t negative = 0;
  for (uint32_t p = 0; p < ws_.num_people(); ++p) {
    if (off[p] == off[p + 1]) continue;
    std::fill(first, first + num_funnel, kNoTime);
    int max_stage = -1;
    for (uint32_t r = off[p]; r < off[p + 1]; ++r) {
      const int c = st.stage[r];
      if (c >= num_funnel) continue;
      if (first[c] == kNoTime) first[c] = st.at[r];
      max_stage = std::max(max_stage, c);
    }
    if (max_stage < from) continue;
    if (m.kind == MetricKind::kFunnelVelocity) {
      if (first[from] == kNoTime || first[to] == kNoTime) continue;
      const int64_t d = ElapsedMillis(first[from], first[to]);
      if (d < 0) {
        ++negative;
        continue;
      }
      const size_t i = Index(first[from]);
      s->values[i].push_back(static_cast<double>(d) / kMillisPerDay);
      continue;
    }
    // Passing `from`: its first entry, or for people who skipped it, the
    // first entry into any later funnel stage.
    int64_t passing = first[from];
    if (passing == kNoTime)
      for (int c = from + 1; c < num_funnel; ++c)
        if (first[c] != kNoTime && (passing == kNoTime || first[c] < passing))
          passing = first[c];
    const size_t i = Index(passing);
    if (m.kind == MetricKind::kFunnelReached) {
      s->a[i] += 1;
    } else {
      s->b[i] += 1;
      if (max_stage >= to) s->a[i] += 1;
    }
  }
  if (negative > 0)
    Warn(kpi.name + ": " + std::to_string(negative) +
         (negative == 1 ? " person entered " : " people entered ") + m.to +
         " before " + m.from + "; left out of the velocity");
  return Status::OK();
}

Status Calculator::Handoff(const Metric& m, Series* s) {
  if (!handoffs_) {
    Result<HandoffEvents> ev = FindHandoffs(ws_, config_.handoff);
    if (!ev.ok()) return ev.status().WithContext(config_.path + ": [scorecard]");
    handoffs_ = std::move(ev).value();
  }
  const HandoffEvents& ev = *handoffs_;
  s->finish = m.kind == MetricKind::kHandoffResponse ? Finish::kMedian
              : m.kind == MetricKind::kHandoffLeaked ? Finish::kSum
                                                     : Finish::kRate;
  for (size_t e = 0; e < ev.size(); ++e) {
    const size_t i = Index(ev.at[e]);
    const bool worked = ev.response_ms[e] != kNotWorked;
    switch (m.kind) {
      case MetricKind::kHandoffSlaRate:
        s->b[i] += 1;
        s->a[i] += worked && ev.response_ms[e] <= config_.handoff.sla_ms;
        break;
      case MetricKind::kHandoffAcceptance: {
        const auto o = static_cast<HandoffOutcome>(ev.outcome[e]);
        if (o == HandoffOutcome::kAccepted || o == HandoffOutcome::kRejected) {
          s->b[i] += 1;
          s->a[i] += o == HandoffOutcome::kAccepted;
        }
        break;
      }
      case MetricKind::kHandoffResponse:
        if (worked)
          s->values[i].push_back(static_cast<double>(ev.response_ms[e]) /
                                 kMillisPerHour);
        break;
      case MetricKind::kHandoffLeaked:
        s->a[i] += ev.leaked[e];
        break;
      default:
        break;
    }
  }
  return Status::OK();
}

void Calculator::Deals(const Metric& m, Series* s) {
  const DealColumns& d = ws_.deals();
  const bool by_side = m.kind == MetricKind::kDealsPipelineMarketing ||
                       m.kind == MetricKind::kDealsPipelineSales;
  if (by_side && !marketing_) marketing_ = MarketingSourcedDeals(ws_);
  s->finish = m.kind == MetricKind::kDealsWinRate ? Finish::kRate : Finish::kSum;
  int64_t undated = 0;
  for (size_t k = 0; k < d.size(); ++k) {
    if (d.created_at[k] == kNoTime) {
      ++undated;
      continue;
    }
    const size_t i = Index(d.created_at[k]);
    switch (m.kind) {
      case MetricKind::kDealsWinRate:
        if (d.is_closed[k]) {
          s->b[i] += 1;
          s->a[i] += d.is_won[k];
        }
        break;
      case MetricKind::kDealsWonAmount:
        if (d.is_won[k]) s->a[i] += d.amount[k];
        break;
      case MetricKind::kDealsPipeline:
        s->a[i] += d.amount[k];
        break;
      case MetricKind::kDealsPipelineMarketing:
      case MetricKind::kDealsPipelineSales:
        if (((*marketing_)[k] != 0) == (m.kind == MetricKind::kDealsPipelineMarketing))
          s->a[i] += d.amount[k];
        break;
      default:
        break;
    }
  }
  if (undated > 0)
    Warn(std::to_string(undated) + (undated == 1 ? " deal has" : " deals have") +
         " no created_at and is left out of the deals.* metrics");
}

void Calculator::Spend(const Metric& m, Series* s) {
  const SpendColumns& sp = ws_.spend();
  s->finish = m.kind == MetricKind::kSpendTotal ? Finish::kSum
              : m.kind == MetricKind::kSpendCac ? Finish::kCac
                                                : Finish::kRoi;
  int64_t undated = 0;
  for (size_t k = 0; k < sp.size(); ++k) {
    if (sp.period_start[k] == kNoTime) {
      ++undated;
      continue;
    }
    const size_t i = Index(sp.period_start[k]);
    // spend is the numerator of CAC and the denominator of ROI.
    (m.kind == MetricKind::kSpendRoi ? s->b[i] : s->a[i]) += sp.amount[k];
  }
  if (undated > 0)
    Warn(std::to_string(undated) + " spend rows have no period_start and are "
         "left out of the spend.* metrics");
  if (m.kind == MetricKind::kSpendTotal) return;
  const DealColumns& d = ws_.deals();
  for (size_t k = 0; k < d.size(); ++k) {
    if (!d.is_won[k] || d.closed_at[k] == kNoTime) continue;
    const size_t i = Index(d.closed_at[k]);
    if (m.kind == MetricKind::kSpendCac)
      s->b[i] += 1;
    else
      s->a[i] += d.amount[k];
  }
}

Result<Series> Calculator::Compute(const ScorecardKpi& kpi, const Metric& m) {
  Series s(periods_);
  switch (m.kind) {
    case MetricKind::kFunnelRate:
    case MetricKind::kFunnelReached:
    case MetricKind::kFunnelVelocity:
      BATON_RETURN_IF_ERROR(Funnel(kpi, m, &s));
      break;
    case MetricKind::kHandoffSlaRate:
    case MetricKind::kHandoffAcceptance:
    case MetricKind::kHandoffResponse:
    case MetricKind::kHandoffLeaked:
      BATON_RETURN_IF_ERROR(Handoff(m, &s));
      break;
    case MetricKind::kDealsWinRate:
    case MetricKind::kDealsWonAmount:
    case MetricKind::kDealsPipeline:
    case MetricKind::kDealsPipelineMarketing:
    case MetricKind::kDealsPipelineSales:
      Deals(m, &s);
      break;
    case MetricKind::kSpendTotal:
    case MetricKind::kSpendCac:
    case MetricKind::kSpendRoi:
      Spend(m, &s);
      break;
  }
  return s;
}

// ---- Configuration ----

Status Invalid(const std::string& path, int64_t line, const std::string& what) {
  return Status::InvalidArgument(path + ":" + std::to_string(line) + ": " + what);
}

int64_t LineOf(const toml::node& n) {
  return static_cast<int64_t>(n.source().begin.line);
}

Status ReadKpi(const std::string& path, const toml::table& t, int64_t line,
               ScorecardKpi* out) {
  out->line = line;
  bool has_name = false, has_metric = false, has_target = false;
  for (const auto& [k, v] : t) {
    const std::string key(k.str());
    const int64_t at = LineOf(v) > 0 ? LineOf(v) : line;
    if (key == "name") {
      std::optional<std::string> s = v.value_exact<std::string>();
      if (!s || Trim(*s).empty())
        return Invalid(path, at, "[[scorecard.kpi]] name must be a non-empty string");
      out->name = Trim(*s);
      has_name = true;
    } else if (key == "metric") {
      std::optional<std::string> s = v.value_exact<std::string>();
      if (!s)
        return Invalid(path, at, "[[scorecard.kpi]] metric must be a string, e.g. "
                                 "\"funnel.rate:mql->sql\"");
      out->metric = Trim(*s);
      has_metric = true;
    } else if (key == "target") {
      std::optional<double> d;
      if (v.is_integer())
        d = static_cast<double>(*v.value_exact<int64_t>());
      else if (v.is_floating_point())
        d = v.value_exact<double>();
      if (!d || !std::isfinite(*d))
        return Invalid(path, at, "[[scorecard.kpi]] target must be a finite number");
      out->target = *d;
      has_target = true;
    } else if (key == "lower_is_better") {
      std::optional<bool> b = v.value_exact<bool>();
      if (!b)
        return Invalid(path, at, "[[scorecard.kpi]] lower_is_better must be true or false");
      out->lower_is_better = *b;
    } else {
      return Invalid(path, at, "unknown key \"" + key +
                                   "\" in [[scorecard.kpi]]; the keys are name, "
                                   "metric, target, lower_is_better");
    }
  }
  if (!has_name) return Invalid(path, line, "[[scorecard.kpi]] has no name");
  const std::string who = "KPI \"" + out->name + "\"";
  if (!has_metric) return Invalid(path, line, who + " has no metric");
  if (!has_target) return Invalid(path, line, who + " has no target");
  Metric m;
  if (!ParseMetric(out->metric, &m))
    return Invalid(path, line, who + ": metric \"" + out->metric +
                                   "\" is not known; metrics are " +
                                   JoinMetricNames());
  return Status::OK();
}

Status ReadDuration(const std::string& path, const std::string& key,
                    const toml::node& v, int64_t* out) {
  std::optional<std::string> s = v.value_exact<std::string>();
  if (!s || !ParseDuration(Trim(*s), out))
    return Invalid(path, LineOf(v),
                   "[scorecard] " + key +
                       " must be a duration string such as \"24h\" or \"30d\"");
  return Status::OK();
}

}  // namespace

const std::vector<std::string>& ScorecardMetricNames() {
  static const std::vector<std::string> kNames = {
      "funnel.rate:<from>-><to>",
      "funnel.reached:<stage>",
      "funnel.velocity_days:<from>-><to>",
      "handoff.sla_rate",
      "handoff.acceptance_rate",
      "handoff.response_median_hours",
      "handoff.leaked",
      "deals.win_rate",
      "deals.won_amount",
      "deals.pipeline_amount",
      "deals.pipeline_amount:side=marketing",
      "deals.pipeline_amount:side=sales",
      "spend.total",
      "spend.cac",
      "spend.roi",
  };
  return kNames;
}

std::string PeriodName(int64_t millis, ScorecardPeriod period) {
  return PeriodKeyName(PeriodKey(millis, period), period);
}

Result<ScorecardConfig> ParseScorecardText(std::string_view text,
                                           const std::string& path) {
  toml::parse_result parsed = toml::parse(text, path);
  if (!parsed) {
    const toml::parse_error& err = parsed.error();
    return Status::ParseError(path + ":" + std::to_string(err.source().begin.line) +
                              ":" + std::to_string(err.source().begin.column) +
                              ": not valid TOML: " + std::string(err.description()));
  }
  const toml::table& root = parsed.table();
  const toml::node* node = root.get("scorecard");
  if (!node)
    return Status::NotFound(path + ": no [scorecard] table; add one with period "
                                   "and [[scorecard.kpi]] entries (name, metric, "
                                   "target)");
  const toml::table* sc = node->as_table();
  if (!sc) return Invalid(path, LineOf(*node), "scorecard must be a table");

  ScorecardConfig config;
  config.path = path;
  const int64_t sc_line = LineOf(*sc);
  for (const auto& [k, v] : *sc) {
    const std::string key(k.str());
    if (key == "period") {
      std::optional<std::string> s = v.value_exact<std::string>();
      const std::string p = s ? AsciiLower(Trim(*s)) : "";
      if (p == "month")
        config.period = ScorecardPeriod::kMonth;
      else if (p == "quarter")
        config.period = ScorecardPeriod::kQuarter;
      else if (p == "year")
        config.period = ScorecardPeriod::kYear;
      else
        return Invalid(path, LineOf(v),
                       "[scorecard] period must be \"month\", \"quarter\" or \"year\"");
    } else if (key == "handoff_stage") {
      std::optional<std::string> s = v.value_exact<std::string>();
      if (!s || Trim(*s).empty())
        return Invalid(path, LineOf(v),
                       "[scorecard] handoff_stage must be a stage name such as \"mql\"");
      config.handoff.stage = AsciiLower(Trim(*s));
    } else if (key == "sla") {
      BATON_RETURN_IF_ERROR(ReadDuration(path, key, v, &config.handoff.sla_ms));
    } else if (key == "leak_after") {
      BATON_RETURN_IF_ERROR(
          ReadDuration(path, key, v, &config.handoff.leak_after_ms));
    } else if (key == "kpi") {
      const toml::array* list = v.as_array();
      if (!list)
        return Invalid(path, LineOf(v),
                       "scorecard.kpi must be an array of tables: write each "
                       "KPI as [[scorecard.kpi]]");
      for (const toml::node& item : *list) {
        const toml::table* t = item.as_table();
        if (!t)
          return Invalid(path, LineOf(item),
                         "each scorecard.kpi entry must be a table with name, "
                         "metric and target");
        ScorecardKpi kpi;
        const int64_t line = LineOf(item) > 0 ? LineOf(item) : LineOf(v);
        BATON_RETURN_IF_ERROR(ReadKpi(path, *t, line, &kpi));
        config.kpis.push_back(std::move(kpi));
      }
    } else {
      return Invalid(path, LineOf(v) > 0 ? LineOf(v) : sc_line,
                     "unknown key \"" + key +
                         "\" in [scorecard]; the keys are period, "
                         "handoff_stage, sla, leak_after and [[scorecard.kpi]]");
    }
  }
  if (config.kpis.empty())
    return Invalid(path, sc_line,
                   "[scorecard] has no KPI; add [[scorecard.kpi]] entries with "
                   "name, metric and target");
  return config;
}

Result<ScorecardConfig> ParseScorecard(const std::string& toml_path) {
  std::error_code ec;
  const std::filesystem::file_status fst = std::filesystem::status(toml_path, ec);
  if (!std::filesystem::exists(fst))
    return Status::NotFound("scorecard configuration " + toml_path + " not found");
  if (std::filesystem::is_directory(fst))
    return Status::IoError("scorecard configuration " + toml_path +
                           " is a folder; give the .toml file");
  std::ifstream in(toml_path, std::ios::binary);
  if (!in) return Status::IoError("cannot open scorecard configuration " + toml_path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IoError("cannot read scorecard configuration " + toml_path);
  return ParseScorecardText(text.str(), toml_path);
}

Result<Table> Scorecard(const Workspace& ws, const ScorecardConfig& config) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "the scorecard needs a frozen workspace: call Freeze() after loading");
  std::vector<Metric> metrics(config.kpis.size());
  for (size_t k = 0; k < config.kpis.size(); ++k)
    if (!ParseMetric(config.kpis[k].metric, &metrics[k]))
      return Invalid(config.path, config.kpis[k].line,
                     "KPI \"" + config.kpis[k].name + "\": metric \"" +
                         config.kpis[k].metric + "\" is not known; metrics are " +
                         JoinMetricNames());

  Table t("scorecard");
  const size_t c_kpi = t.AddColumn("kpi", ColumnType::kString);
  const size_t c_metric = t.AddColumn("metric", ColumnType::kString);
  const size_t c_period = t.AddColumn("period", ColumnType::kString);
  const size_t c_value = t.AddColumn("value", ColumnType::kFloat64);
  const size_t c_target = t.AddColumn("target", ColumnType::kFloat64);
  const size_t c_ratio = t.AddColumn("ratio", ColumnType::kFloat64);
  const size_t c_previous = t.AddColumn("previous", ColumnType::kFloat64);
  const size_t c_trend = t.AddColumn("trend", ColumnType::kFloat64);
  const size_t c_status = t.AddColumn("status", ColumnType::kString);

  // Every event time lies within the workspace's time range, except spend
  // periods, which the workspace does not track.
  int64_t lo = ws.min_time(), hi = ws.max_time();
  for (int64_t s : ws.spend().period_start) {
    if (s == kNoTime) continue;
    if (lo == kNoTime || s < lo) lo = s;
    if (hi == kNoTime || s > hi) hi = s;
  }
  if (lo == kNoTime) {
    t.AddWarning("the workspace has no dated records: no period to score");
    return t;
  }
  const int64_t first_key = PeriodKey(lo, config.period);
  const int64_t last_key = PeriodKey(hi, config.period);
  if (last_key - first_key + 1 > kMaxPeriods)
    return Status::InvalidArgument(
        "the data spans " + PeriodName(lo, config.period) + " to " +
        PeriodName(hi, config.period) + ", more than " +
        std::to_string(kMaxPeriods) +
        " periods; check the timestamps (an epoch value in the wrong unit?) "
        "or use a longer scorecard period");
  const size_t periods = static_cast<size_t>(last_key - first_key + 1);

  Calculator calc(ws, config, first_key, periods);
  std::vector<Series> series;
  series.reserve(config.kpis.size());
  for (size_t k = 0; k < config.kpis.size(); ++k) {
    BATON_ASSIGN_OR_RETURN(Series s, calc.Compute(config.kpis[k], metrics[k]));
    series.push_back(std::move(s));
  }

  for (size_t k = 0; k < config.kpis.size(); ++k) {
    const ScorecardKpi& kpi = config.kpis[k];
    double previous = std::nan("");
    for (size_t i = 0; i < periods; ++i) {
      const double v = series[k].Value(i);
      t.AppendString(c_kpi, kpi.name);
      t.AppendString(c_metric, kpi.metric);
      t.AppendString(c_period, PeriodKeyName(first_key + static_cast<int64_t>(i),
                                             config.period));
      t.AppendDoubleOrNull(c_value, v);
      t.AppendDouble(c_target, kpi.target);
      t.AppendDoubleOrNull(c_ratio, kpi.target != 0 ? v / kpi.target : std::nan(""));
      t.AppendDoubleOrNull(c_previous, previous);
      t.AppendDoubleOrNull(c_trend, v - previous);
      if (std::isnan(v))
        t.AppendNull(c_status);
      else
        t.AppendString(c_status, StatusOf(v, kpi.target, kpi.lower_is_better));
      previous = v;
    }
  }
  for (const std::string& w : calc.warnings()) t.AddWarning(w);
  BATON_RETURN_IF_ERROR(t.Validate());
  return t;
}

}  // namespace baton

#include "attribution/attribution.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>

#include "attribution/journeys.h"
#include "attribution/markov.h"
#include "attribution/rules.h"
#include "attribution/shapley.h"

namespace baton {
namespace {

constexpr const char* kPrefix = "attribution.";
// Partial sums of all chunks together stay under this many bytes.
constexpr size_t kPartialBudgetBytes = size_t{64} << 20;
constexpr size_t kMaxChunks = 16;

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = s.find(',', start);
    out.push_back(Trim(s.substr(start, comma == std::string_view::npos
                                           ? std::string_view::npos
                                           : comma - start)));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Status CheckWeights(const std::vector<double>& w) {
  double sum = 0;
  bool ok = w.size() == 3;
  for (double v : w) {
    ok = ok && std::isfinite(v) && v >= 0;
    sum += v;
  }
  if (!ok || !(sum > 0) || !std::isfinite(sum))
    return Status::InvalidArgument(
        "attribution.weights: expected three non-negative numbers (first, "
        "between, last) that do not all equal 0, like \"0.3,0.4,0.3\"");
  return Status::OK();
}

// What to run, validated.
struct Plan {
  std::vector<std::string> models;  // expanded, in table order
  std::vector<RuleModel> rules;
  bool markov = false;
  bool shapley = false;
  int order = 1;  // 0 = auto
  ShapleyValue value = ShapleyValue::kConversions;
  RuleParams params;
  JourneyOptions journeys;
};

Result<Plan> MakePlan(const AttributionOptions& o, bool transitions_only) {
  Plan plan;
  if (o.markov_order < 0 || o.markov_order > kMaxMarkovOrder)
    return Status::InvalidArgument(
        "attribution.order must be auto or an integer from 1 to " +
        std::to_string(kMaxMarkovOrder) + " (got " +
        std::to_string(o.markov_order) + ")");
  plan.order = o.markov_order;
  const std::string by = Lower(o.by);
  if (by != "channel" && by != "campaign")
    return Status::InvalidArgument(
        "attribution.by must be channel or campaign (got \"" + o.by + "\")");
  if (!ParseShapleyValue(Lower(o.shapley_value), &plan.value))
    return Status::InvalidArgument(
        "attribution.value must be conversions or rate (got \"" +
        o.shapley_value + "\")");
  if (o.half_life_ms <= 0)
    return Status::InvalidArgument(
        "attribution.half_life must be a positive duration");
  if (!o.position_weights.empty()) {
    BATON_RETURN_IF_ERROR(CheckWeights(o.position_weights));
    std::copy(o.position_weights.begin(), o.position_weights.end(),
              plan.params.position.begin());
  }
  plan.params.half_life_ms = o.half_life_ms;
  plan.journeys.by_campaign = by == "campaign";
  plan.journeys.include_sales = o.include_sales;
  plan.journeys.lookback_ms = o.lookback_ms;
  plan.journeys.conversion = o.conversion;
  if (transitions_only) {
    plan.markov = true;
    return plan;
  }

  const std::vector<std::string>& known = AttributionModelNames();
  std::vector<bool> chosen(known.size(), false);
  std::vector<std::string> asked = o.models;
  if (asked.empty()) asked.push_back("all");
  for (const std::string& raw : asked) {
    const std::string name = Lower(Trim(raw));
    if (name == "all") {
      for (size_t i = 0; i < known.size(); ++i)
        if (known[i] != "position" || !o.position_weights.empty())
          chosen[i] = true;
      continue;
    }
    auto it = std::find(known.begin(), known.end(), name);
    if (it == known.end())
      return Status::InvalidArgument("attribution.model: unknown model \"" +
                                     raw + "\"; models are " +
                                     JoinNames(known) + ", or all");
    chosen[it - known.begin()] = true;
  }
  for (size_t i = 0; i < known.size(); ++i) {
    if (!chosen[i]) continue;
    plan.models.push_back(known[i]);
    RuleModel rule;
    if (ParseRuleModel(known[i], &rule)) plan.rules.push_back(rule);
    plan.markov = plan.markov || known[i] == "markov";
    plan.shapley = plan.shapley || known[i] == "shapley";
  }
  if (chosen[std::find(known.begin(), known.end(), "position") -
             known.begin()] &&
      o.position_weights.empty())
    return Status::InvalidArgument(
        "attribution.model position needs attribution.weights (first, "
        "between, last), like \"0.3,0.4,0.3\"");
  return plan;
}

// The partial sums of one range of journeys.
struct Partial {
  std::unique_ptr<RuleAccumulator> rules;
  // A fixed order: chains[0]. Auto: chains[k-1] fits order k on the kept
  // journeys, chains[kMaxMarkovOrder + k-1] counts the held-out ones.
  std::vector<TransitionCounts> chains;
  std::unique_ptr<KeySetCounts> sets;
  double conversions = 0;
  double revenue = 0;
  int64_t uncredited = 0;

  Partial(const Plan& plan, const JourneySource& source) {
    const size_t keys = source.num_keys();
    if (!plan.rules.empty())
      rules = std::make_unique<RuleAccumulator>(keys, plan.rules, plan.params,
                                                source.from_paths());
    if (plan.markov) {
      if (plan.order == 0) {
        for (int part = 0; part < 2; ++part)
          for (int k = 1; k <= kMaxMarkovOrder; ++k)
            chains.emplace_back(k, keys);
      } else {
        chains.emplace_back(plan.order, keys);
      }
    }
    if (plan.shapley) sets = std::make_unique<KeySetCounts>(keys);
  }

  void Add(const JourneyView& j, bool auto_order) {
    if (j.converting()) {
      conversions += j.conversions;
      revenue += j.revenue;
      if (rules) rules->Add(j);
    }
    if (auto_order) {
      const size_t base = j.held_out ? kMaxMarkovOrder : 0;
      for (int k = 0; k < kMaxMarkovOrder; ++k) chains[base + k].Add(j);
    } else if (!chains.empty()) {
      chains[0].Add(j);
    }
    if (sets) sets->Add(j);
  }

  void Merge(const Partial& o) {
    conversions += o.conversions;
    revenue += o.revenue;
    uncredited += o.uncredited;
    if (rules) rules->Merge(*o.rules);
    for (size_t i = 0; i < chains.size(); ++i) chains[i].Merge(o.chains[i]);
    if (sets) sets->Merge(*o.sets);
  }
};

// Map and merge: builds every journey once and feeds the partial of its
// range; ranges are merged in order.
Result<Partial> RunPass(const JourneySource& source, const Plan& plan) {
  const bool auto_order = plan.markov && plan.order == 0;
  JourneySource::Wants wants;
  wants.non_converting = plan.markov || plan.shapley;
  wants.held_out = auto_order;
  const size_t bytes_per_partial =
      2 * 11 * sizeof(double) * std::max<size_t>(source.num_keys(), 1);
  const size_t max_chunks = std::clamp<size_t>(
      kPartialBudgetBytes / bytes_per_partial, 1, kMaxChunks);
  const std::vector<size_t> bounds = source.ChunkBounds(max_chunks);
  std::vector<std::optional<Partial>> partials(bounds.size() - 1);
  BATON_RETURN_IF_ERROR(ParallelFor(partials.size(), [&](size_t c) {
    Partial& part = partials[c].emplace(plan, source);
    JourneyScratch scratch;
    JourneyView j;
    for (size_t u = bounds[c]; u < bounds[c + 1]; ++u) {
      switch (source.Build(u, wants, &scratch, &j)) {
        case JourneySource::Unit::kUncredited:
          ++part.uncredited;
          break;
        case JourneySource::Unit::kJourney:
          part.Add(j, auto_order);
          break;
        case JourneySource::Unit::kNone:
          break;
      }
    }
  }));
  if (partials.empty()) return Partial(plan, source);
  for (size_t c = 1; c < partials.size(); ++c) partials[0]->Merge(*partials[c]);
  return std::move(*partials[0]);
}

// Picks the order for "auto" and returns its chain fitted on all journeys.
TransitionCounts ChooseMarkovOrder(const std::vector<TransitionCounts>& chains,
                                   size_t num_keys, std::string* note) {
  bool any_held_out = !chains[kMaxMarkovOrder].empty();
  int best = 1;
  if (any_held_out) {
    double best_ll = 0;
    std::string lls;
    for (int k = 1; k <= kMaxMarkovOrder; ++k) {
      const double ll = HeldOutLogLikelihood(
          chains[k - 1], chains[kMaxMarkovOrder + k - 1], num_keys);
      lls += (k > 1 ? ", " : "") + std::to_string(k) + ": " + FormatDouble(ll);
      // Orders whose held-out fit is equal up to rounding tie; the lower
      // order wins a tie.
      if (k == 1 || ll > best_ll + 1e-9 * std::fabs(best_ll)) {
        best = k;
        best_ll = ll;
      }
    }
    *note = "markov order auto: chose order " + std::to_string(best) +
            " by held-out log-likelihood (" + lls + ")";
  } else {
    *note = "markov order auto: too few journeys to hold any out; order 1 used";
  }
  TransitionCounts all = chains[best - 1];
  all.Merge(chains[kMaxMarkovOrder + best - 1]);
  return all;
}

Table EmptyResult() {
  Table t("attribution");
  t.AddColumn("model", ColumnType::kString);
  t.AddColumn("key", ColumnType::kString);
  t.AddColumn("conversions", ColumnType::kFloat64);
  t.AddColumn("revenue", ColumnType::kFloat64);
  t.AddColumn("removal_effect", ColumnType::kFloat64);
  return t;
}

void AddCommonWarnings(const JourneySource& source, const Partial& total,
                       Table* t) {
  for (const std::string& w : source.warnings()) t->AddWarning(w);
  if (total.uncredited > 0)
    t->AddWarning(std::to_string(total.uncredited) +
                  " conversions had no touches before them and are not "
                  "credited");
  if (source.from_paths() && total.conversions == 0 && total.revenue == 0 &&
      source.num_keys() > 0)
    t->AddWarning("no path converted: there is nothing to credit");
}

}  // namespace

const std::vector<std::string>& AttributionModelNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (int i = 0; i < kNumRuleModels; ++i)
      names.push_back(RuleModelName(static_cast<RuleModel>(i)));
    names.push_back("markov");
    names.push_back("shapley");
    return names;
  }();
  return kNames;
}

Result<AttributionOptions> ParseAttributionOptions(
    const std::map<std::string, std::string>& options) {
  static const char* kKeys =
      "attribution.model, attribution.order, attribution.by, "
      "attribution.conversion, attribution.include_sales, "
      "attribution.lookback, attribution.half_life, attribution.weights, "
      "attribution.value";
  AttributionOptions o;
  for (const auto& [key, raw] : options) {
    if (key.rfind(kPrefix, 0) != 0) continue;
    const std::string name = key.substr(std::string_view(kPrefix).size());
    const std::string value = Trim(raw);
    const std::string lower = Lower(value);
    auto bad = [&](const std::string& expected) {
      return Status::InvalidArgument(key + ": \"" + raw + "\" is not valid; " +
                                     expected);
    };
    if (name == "model") {
      o.models.clear();
      for (const std::string& m : SplitList(value))
        if (!m.empty()) o.models.push_back(Lower(m));
      if (o.models.empty())
        return bad("expected a comma list of models: " +
                   JoinNames(AttributionModelNames()) + ", or all");
      for (const std::string& m : o.models) {
        const auto& known = AttributionModelNames();
        if (m != "all" &&
            std::find(known.begin(), known.end(), m) == known.end())
          return Status::InvalidArgument(key + ": unknown model \"" + m +
                                         "\"; models are " + JoinNames(known) +
                                         ", or all");
      }
    } else if (name == "order") {
      if (lower == "auto") {
        o.markov_order = 0;
        continue;
      }
      int order = 0;
      auto [end, ec] =
          std::from_chars(value.data(), value.data() + value.size(), order);
      if (ec != std::errc() || end != value.data() + value.size() ||
          order < 1 || order > kMaxMarkovOrder)
        return bad("expected auto or an integer from 1 to " +
                   std::to_string(kMaxMarkovOrder));
      o.markov_order = order;
    } else if (name == "by") {
      if (lower != "channel" && lower != "campaign")
        return bad("expected channel or campaign");
      o.by = lower;
    } else if (name == "conversion") {
      if (value.empty()) return bad("expected a stage name, like won or sql");
      o.conversion = lower;
    } else if (name == "include_sales") {
      if (lower == "true" || lower == "1" || lower == "yes" || lower == "on")
        o.include_sales = true;
      else if (lower == "false" || lower == "0" || lower == "no" ||
               lower == "off")
        o.include_sales = false;
      else
        return bad("expected true or false");
    } else if (name == "lookback") {
      if (lower == "none" || lower == "unlimited") {
        o.lookback_ms = -1;
      } else if (!ParseDuration(value, &o.lookback_ms)) {
        return bad("expected a duration like 90d, 12w or 24h, or none");
      }
    } else if (name == "half_life") {
      int64_t ms = 0;
      if (!ParseDuration(value, &ms) || ms <= 0)
        return bad("expected a positive duration like 7d or 36h");
      o.half_life_ms = ms;
    } else if (name == "weights") {
      std::vector<double> w;
      for (const std::string& part : SplitList(value)) {
        double v = 0;
        auto [end, ec] =
            std::from_chars(part.data(), part.data() + part.size(), v);
        if (part.empty() || ec != std::errc() ||
            end != part.data() + part.size())
          return bad(
              "expected three numbers (first, between, last), like "
              "0.3,0.4,0.3");
        w.push_back(v);
      }
      Status st = CheckWeights(w);
      if (!st.ok())
        return bad(
            "expected three non-negative numbers (first, between, last), not "
            "all 0, like 0.3,0.4,0.3");
      o.position_weights = w;
    } else if (name == "value") {
      if (lower != "conversions" && lower != "rate")
        return bad("expected conversions or rate");
      o.shapley_value = lower;
    } else {
      return Status::InvalidArgument("unknown option " + key +
                                     "; attribution options are " + kKeys);
    }
  }
  return o;
}

Result<Table> Attribute(const Workspace& ws,
                        const AttributionOptions& options) {
  BATON_ASSIGN_OR_RETURN(Plan plan, MakePlan(options, false));
  BATON_ASSIGN_OR_RETURN(JourneySource source,
                         JourneySource::Make(ws, plan.journeys));
  BATON_ASSIGN_OR_RETURN(Partial total, RunPass(source, plan));
  Table table = EmptyResult();
  AddCommonWarnings(source, total, &table);
  const size_t num_keys = source.num_keys();
  if (num_keys == 0) {
    table.AddWarning("no touches or paths to attribute");
    return table;
  }

  // Finalize: per model, per key credits.
  std::vector<std::vector<double>> conv(plan.models.size()),
      rev(plan.models.size());
  std::vector<double> removal;
  for (size_t m = 0; m < plan.models.size(); ++m) {
    const std::string& name = plan.models[m];
    RuleModel rule;
    if (ParseRuleModel(name, &rule)) {
      total.rules->Credits(rule, &conv[m], &rev[m]);
    } else if (name == "markov") {
      TransitionCounts chain = total.chains[0];
      if (plan.order == 0) {
        std::string note;
        chain = ChooseMarkovOrder(total.chains, num_keys, &note);
        table.AddWarning(note);
      }
      BATON_ASSIGN_OR_RETURN(MarkovSolution s, SolveMarkov(chain, num_keys));
      removal = s.removal_effect;
      double sum = 0;
      for (double re : removal) sum += re;
      conv[m].assign(num_keys, 0.0);
      rev[m].assign(num_keys, 0.0);
      for (size_t k = 0; k < num_keys && sum > 0; ++k) {
        conv[m][k] = total.conversions * removal[k] / sum;
        rev[m][k] = total.revenue * removal[k] / sum;
      }
      // Only paths with value but no conversions leave the chain without a
      // way to convert while something is to be credited.
      if (!(sum > 0) && (total.conversions > 0 || total.revenue > 0))
        table.AddWarning(
            "markov: no journey reaches a conversion, so no key has a "
            "removal effect and markov credits nothing");
    } else if (name == "shapley") {
      ShapleyCredits s =
          ComputeShapleyCredits(total.sets->Entries(), num_keys, plan.value);
      conv[m] = std::move(s.conversions);
      rev[m] = std::move(s.revenue);
      for (std::string& w : s.warnings) table.AddWarning(std::move(w));
    }
  }

  const std::vector<std::string>& keys = source.key_names();
  for (size_t m = 0; m < plan.models.size(); ++m) {
    for (size_t k = 0; k < num_keys; ++k) {
      table.AppendString(0, plan.models[m]);
      table.AppendString(1, keys[k]);
      table.AppendDouble(2, conv[m][k]);
      table.AppendDouble(3, rev[m][k]);
      if (plan.models[m] == "markov")
        table.AppendDouble(4, removal[k]);
      else
        table.AppendNull(4);
    }
  }
  return table;
}

Result<Table> MarkovTransitions(const Workspace& ws,
                                const AttributionOptions& options) {
  BATON_ASSIGN_OR_RETURN(Plan plan, MakePlan(options, true));
  BATON_ASSIGN_OR_RETURN(JourneySource source,
                         JourneySource::Make(ws, plan.journeys));
  BATON_ASSIGN_OR_RETURN(Partial total, RunPass(source, plan));
  std::string note;
  TransitionCounts chain =
      plan.order == 0
          ? ChooseMarkovOrder(total.chains, source.num_keys(), &note)
          : total.chains[0];
  Table table = MarkovTransitionTable(chain, source.key_names());
  AddCommonWarnings(source, total, &table);
  if (!note.empty()) table.AddWarning(note);
  return table;
}

}  // namespace baton

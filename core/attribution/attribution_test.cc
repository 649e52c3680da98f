#include "attribution/attribution.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace baton {
namespace {

constexpr int64_t kDay = 86400000;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Status AddStage(Workspace* ws, std::string_view person, int stage, int64_t at) {
  StageRow row;
  row.person_id = person;
  row.stage = stage;
  row.at = at;
  return ws->AddStage(row);
}

// ---- Options ----

TEST(AttributionOptions, ParsesEveryKey) {
  Result<AttributionOptions> o = ParseAttributionOptions({
      {"attribution.model", "Linear, markov ,shapley"},
      {"attribution.order", "3"},
      {"attribution.by", "campaign"},
      {"attribution.conversion", "SQL"},
      {"attribution.include_sales", "yes"},
      {"attribution.lookback", "90d"},
      {"attribution.half_life", "36h"},
      {"attribution.weights", "0.3, 0.4,0.3"},
      {"attribution.value", "rate"},
      {"funnel.by", "source"},  // another analysis's key: ignored
  });
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->models,
            (std::vector<std::string>{"linear", "markov", "shapley"}));
  EXPECT_EQ(o->markov_order, 3);
  EXPECT_EQ(o->by, "campaign");
  EXPECT_EQ(o->conversion, "sql");
  EXPECT_TRUE(o->include_sales);
  EXPECT_EQ(o->lookback_ms, 90 * kDay);
  EXPECT_EQ(o->half_life_ms, 36 * 3600000LL);
  EXPECT_EQ(o->position_weights, (std::vector<double>{0.3, 0.4, 0.3}));
  EXPECT_EQ(o->shapley_value, "rate");
}

TEST(AttributionOptions, DefaultsWhenNothingIsSet) {
  Result<AttributionOptions> o = ParseAttributionOptions({});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->models.empty());
  EXPECT_EQ(o->markov_order, 1);
  EXPECT_EQ(o->by, "channel");
  EXPECT_EQ(o->conversion, "won");
  EXPECT_EQ(o->lookback_ms, -1);
  EXPECT_EQ(o->half_life_ms, 7 * kDay);
  EXPECT_EQ(o->shapley_value, "conversions");
  Result<AttributionOptions> a =
      ParseAttributionOptions({{"attribution.order", "auto"}});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->markov_order, 0);
}

TEST(AttributionOptions, RejectsBadValuesSayingWhatIsAccepted) {
  struct Bad {
    const char* key;
    const char* value;
    const char* message;
  } cases[] = {
      {"attribution.order", "0", "auto or an integer from 1 to 4"},
      {"attribution.order", "5", "auto or an integer from 1 to 4"},
      {"attribution.order", "two", "auto or an integer from 1 to 4"},
      {"attribution.model", "linear,magic",
       "unknown model \"magic\"; models are first"},
      {"attribution.model", " , ", "expected a comma list of models"},
      {"attribution.by", "owner", "channel or campaign"},
      {"attribution.include_sales", "maybe", "true or false"},
      {"attribution.lookback", "soon", "a duration"},
      {"attribution.half_life", "0d", "positive duration"},
      {"attribution.weights", "0.5,0.5", "three"},
      {"attribution.weights", "1,-1,1", "non-negative"},
      {"attribution.weights", "0,0,0", "not all 0"},
      {"attribution.weights", "a,b,c", "three numbers"},
      {"attribution.value", "revenue", "conversions or rate"},
      {"attribution.conversion", " ", "a stage name"},
  };
  for (const Bad& b : cases) {
    Result<AttributionOptions> o = ParseAttributionOptions({{b.key, b.value}});
    ASSERT_FALSE(o.ok()) << b.key << "=" << b.value;
    EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(o.status().message(), b.message))
        << b.key << "=" << b.value << ": " << o.status().message();
    EXPECT_TRUE(Contains(o.status().message(), b.key)) << o.status().message();
  }
}

TEST(AttributionOptions, UnknownKeyListsTheValidOnes) {
  Result<AttributionOptions> o =
      ParseAttributionOptions({{"attribution.modle", "linear"}});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(o.status().message(), "attribution.modle"));
  EXPECT_TRUE(
      Contains(o.status().message(), "attribution.model, attribution.order"));
}

// ---- Bad inputs to Attribute ----

Workspace* OnePathWorkspace() {
  static Workspace* ws = [] {
    auto* w = new Workspace();
    EXPECT_TRUE(w->AddPath({"a", "b"}, 1, 10, 2).ok());
    EXPECT_TRUE(w->Freeze().ok());
    return w;
  }();
  return ws;
}

TEST(AttributionErrors, UnknownModelListsTheModels) {
  AttributionOptions o;
  o.models = {"linear", "magic"};
  Result<Table> t = Attribute(*OnePathWorkspace(), o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(t.status().message(),
                       "models are first, last, last_non_direct, linear, "
                       "time_decay, u_shaped, j_shaped, inverse_j, w_shaped, "
                       "full_path, position, markov, shapley, or all"))
      << t.status().message();
}

TEST(AttributionErrors, MarkovOrderOutsideZeroToFour) {
  for (int order : {-1, 5}) {
    AttributionOptions o;
    o.markov_order = order;
    Result<Table> t = Attribute(*OnePathWorkspace(), o);
    ASSERT_FALSE(t.ok()) << order;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(t.status().message(), "from 1 to 4"));
  }
}

TEST(AttributionErrors, PositionNeedsWeights) {
  AttributionOptions o;
  o.models = {"position"};
  Result<Table> t = Attribute(*OnePathWorkspace(), o);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(Contains(t.status().message(), "needs attribution.weights"));
  o.position_weights = {1, 2};
  t = Attribute(*OnePathWorkspace(), o);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(Contains(t.status().message(), "three non-negative numbers"));
}

TEST(AttributionErrors, OtherBadOptions) {
  AttributionOptions o;
  o.half_life_ms = 0;
  EXPECT_EQ(Attribute(*OnePathWorkspace(), o).status().code(),
            StatusCode::kInvalidArgument);
  o = AttributionOptions();
  o.by = "owner";
  EXPECT_EQ(Attribute(*OnePathWorkspace(), o).status().code(),
            StatusCode::kInvalidArgument);
  o = AttributionOptions();
  o.shapley_value = "revenue";
  EXPECT_EQ(Attribute(*OnePathWorkspace(), o).status().code(),
            StatusCode::kInvalidArgument);
  o = AttributionOptions();
  o.by = "campaign";  // paths have no campaigns
  Result<Table> t = Attribute(*OnePathWorkspace(), o);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(Contains(t.status().message(), "channels only"));
}

TEST(AttributionErrors, WorkspaceMustBeFrozen) {
  Workspace ws;
  ASSERT_TRUE(ws.AddPath({"a"}, 1, 0, 0).ok());
  Result<Table> t = Attribute(ws, AttributionOptions());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kFailedPrecondition);
}

TEST(AttributionErrors, PathsRejectEmptyPathsAndNegativeCounts) {
  Workspace ws;
  EXPECT_EQ(ws.AddPath({}, 1, 0, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ws.AddPath({"a"}, -1, 0, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ws.AddPath({"a"}, 1, -5, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ws.AddPath({"a"}, 1, 0, -2).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ws.AddPath({"a"}, std::nan(""), 0, 0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ws.AddPath({"a", ""}, 1, 0, 0).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ws.paths().size(), 0u);
}

TEST(AttributionErrors, EmptyWorkspaceGivesNoRowsAndSaysWhy) {
  Workspace ws;
  ASSERT_TRUE(ws.Freeze().ok());
  Result<Table> t = Attribute(ws, AttributionOptions());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->num_rows(), 0u);
  ASSERT_EQ(t->warnings().size(), 1u);
  EXPECT_EQ(t->warnings()[0], "no touches or paths to attribute");
}

// ---- Table shape ----

TEST(AttributionTable, RowsPerModelAndKeyWithRemovalEffectOnlyForMarkov) {
  // "all" without weights: every model but position, in table order.
  Result<Table> t = Attribute(*OnePathWorkspace(), AttributionOptions());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->num_columns(), 5u);
  EXPECT_EQ(t->column(0).name, "model");
  EXPECT_EQ(t->column(1).name, "key");
  EXPECT_EQ(t->column(2).name, "conversions");
  EXPECT_EQ(t->column(3).name, "revenue");
  EXPECT_EQ(t->column(4).name, "removal_effect");
  EXPECT_EQ(t->column(4).type, ColumnType::kFloat64);
  std::vector<std::string> models;
  for (size_t r = 0; r < t->num_rows(); r += 2) {
    models.push_back(t->CellText(0, r));
    EXPECT_EQ(t->CellText(1, r), "a");
    EXPECT_EQ(t->CellText(1, r + 1), "b");
    EXPECT_EQ(t->IsNull(4, r), models.back() != "markov");
  }
  EXPECT_EQ(models, (std::vector<std::string>{
                        "first", "last", "last_non_direct", "linear",
                        "time_decay", "u_shaped", "j_shaped", "inverse_j",
                        "w_shaped", "full_path", "markov", "shapley"}));
}

// ---- Workspace journeys ----

TEST(AttributionJourneys, ConversionWithoutTouchesIsCountedNotCredited) {
  // p1 converts with no touch; p2 has a touch and converts (10).
  Workspace ws;
  const int won = ws.stage_map().CodeOf("won");
  ASSERT_TRUE(AddStage(&ws, "p1", won, 5 * kDay).ok());
  TouchRow t;
  t.person_id = "p2";
  t.at = kDay;
  t.channel = "email";
  ASSERT_TRUE(ws.AddTouch(t).ok());
  ASSERT_TRUE(AddStage(&ws, "p2", won, 2 * kDay).ok());
  ASSERT_TRUE(ws.Freeze().ok());
  AttributionOptions o;
  o.models = {"linear", "markov", "shapley"};
  Result<Table> r = Attribute(ws, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->num_rows(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r->CellText(1, i), "email");
    EXPECT_EQ(r->column(2).doubles[i], 1.0);
  }
  ASSERT_EQ(r->warnings().size(), 1u);
  EXPECT_EQ(r->warnings()[0],
            "1 conversions had no touches before them and are not credited");
}

TEST(AttributionJourneys, UnlinkedWonDealsAreReported) {
  Workspace ws;
  TouchRow t;
  t.person_id = "p1";
  t.at = kDay;
  t.channel = "email";
  ASSERT_TRUE(ws.AddTouch(t).ok());
  DealRow d;
  d.deal_id = "d1";
  d.closed_at = 2 * kDay;
  d.amount = 500;
  d.is_won = true;
  ASSERT_TRUE(ws.AddDeal(d).ok());
  ASSERT_TRUE(ws.Freeze().ok());
  AttributionOptions o;
  o.models = {"first"};
  Result<Table> r = Attribute(ws, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->warnings().size(), 1u);
  EXPECT_EQ(
      r->warnings()[0],
      "1 won deals are not linked to a person; their revenue (500) is not "
      "attributed");
  EXPECT_EQ(r->column(2).doubles[0], 0.0);  // p1 never converted
}

// ---- A generated dataset: the credits-sum invariant and an independent
// recomputation of linear credits, over enough people to split the pass
// into several ranges ----

struct GenTouch {
  int64_t at;
  int channel;
  bool sales;
};
struct GenPerson {
  std::vector<GenTouch> touches;
  int64_t won_stage = kNoTime;
  int64_t mql = kNoTime;
  std::vector<std::pair<int64_t, double>> won_deals;  // closed_at, amount
};

TEST(AttributionInvariant, EveryModelSumsToTheCreditedTotalsOnGeneratedData) {
  const std::vector<std::string> channels = {
      "direct", "email", "search", "social", "display", "events", "", "Direct"};
  std::mt19937_64 rng(2024);
  const int kPeople = 45000;  // about 160,000 touches: several ranges
  std::vector<GenPerson> people(kPeople);
  Workspace ws;
  const int won = ws.stage_map().CodeOf("won");
  const int mql = ws.stage_map().CodeOf("mql");
  for (int p = 0; p < kPeople; ++p) {
    GenPerson& g = people[p];
    const std::string id = "person-" + std::to_string(p);
    const int n = static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) {
      GenTouch t{static_cast<int64_t>(rng() % (120 * 24)) * 3600000,
                 static_cast<int>(rng() % channels.size()), rng() % 5 == 0};
      g.touches.push_back(t);
      TouchRow row;
      row.person_id = id;
      row.at = t.at;
      row.channel = channels[t.channel];
      row.side = t.sales ? Side::kSales : Side::kMarketing;
      ASSERT_TRUE(ws.AddTouch(row).ok());
    }
    if (rng() % 3 == 0) {
      g.mql = static_cast<int64_t>(rng() % 100) * kDay;
      ASSERT_TRUE(AddStage(&ws, id, mql, g.mql).ok());
    }
    if (rng() % 3 == 0) {
      g.won_stage = static_cast<int64_t>(rng() % 130) * kDay;
      ASSERT_TRUE(AddStage(&ws, id, won, g.won_stage).ok());
    }
    if (rng() % 6 == 0) {
      std::pair<int64_t, double> deal{static_cast<int64_t>(rng() % 130) * kDay,
                                      static_cast<double>(rng() % 1000)};
      g.won_deals.push_back(deal);
      DealRow d;
      std::string deal_id = "deal-" + std::to_string(p);
      d.deal_id = deal_id;
      d.person_id = id;
      d.closed_at = deal.first;
      d.amount = deal.second;
      d.is_won = true;
      ASSERT_TRUE(ws.AddDeal(d).ok());
    }
    if (n == 0 && g.won_stage == kNoTime && g.won_deals.empty()) {
      PersonRow row;
      row.person_id = id;
      ASSERT_TRUE(ws.AddPerson(row).ok());
    }
  }
  ASSERT_TRUE(ws.Freeze().ok());
  ASSERT_GT(ws.touches().size(), 150000u);

  // Independently: conversion time, credited touches (marketing, at or
  // before the conversion, within 30 days), totals and linear credits.
  const int64_t lookback = 30 * kDay;
  double total_conv = 0, total_rev = 0;
  int64_t uncredited = 0;
  std::map<std::string, double> linear_conv, linear_rev;
  for (const GenPerson& g : people) {
    int64_t conv = g.won_stage;
    double revenue = 0;
    for (const auto& [closed, amount] : g.won_deals) {
      if (conv == kNoTime || closed < conv) conv = closed;
      revenue += amount;
    }
    if (conv == kNoTime) continue;
    std::vector<int> credited;
    for (const GenTouch& t : g.touches)
      if (!t.sales && t.at <= conv && conv - t.at <= lookback)
        credited.push_back(t.channel);
    if (credited.empty()) {
      ++uncredited;
      continue;
    }
    total_conv += 1;
    total_rev += revenue;
    for (int c : credited) {
      const std::string key = channels[c].empty() ? "(none)" : channels[c];
      linear_conv[key] += 1.0 / credited.size();
      linear_rev[key] += revenue / credited.size();
    }
  }
  ASSERT_GT(total_conv, 1000);

  for (const char* value : {"conversions", "rate"}) {
    AttributionOptions o;
    o.lookback_ms = lookback;
    o.position_weights = {0.1, 0.3, 0.6};
    o.markov_order = 0;
    o.shapley_value = value;
    Result<Table> r = Attribute(ws, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const Table& t = *r;
    std::map<std::string, std::pair<double, double>> sums;
    for (size_t i = 0; i < t.num_rows(); ++i) {
      const std::string model = t.CellText(0, i), key = t.CellText(1, i);
      sums[model].first += t.column(2).doubles[i];
      sums[model].second += t.column(3).doubles[i];
      if (model == "linear") {
        EXPECT_NEAR(t.column(2).doubles[i], linear_conv[key], 1e-7) << key;
        EXPECT_NEAR(t.column(3).doubles[i], linear_rev[key], 1e-5) << key;
      }
    }
    EXPECT_EQ(sums.size(), 13u);
    for (const auto& [model, s] : sums) {
      EXPECT_NEAR(s.first, total_conv, 1e-6) << model << " " << value;
      EXPECT_NEAR(s.second, total_rev, 1e-4) << model << " " << value;
    }
    bool said_uncredited = false, said_order = false;
    for (const std::string& w : t.warnings()) {
      said_uncredited = said_uncredited ||
                        w == std::to_string(uncredited) +
                                 " conversions had no touches before them and "
                                 "are not credited";
      said_order = said_order || Contains(w, "markov order auto: chose order");
    }
    EXPECT_TRUE(said_uncredited);
    EXPECT_TRUE(said_order);
  }
}

// ---- The channel_paths dataset against an independent dense solve ----

struct DenseChain {
  size_t n = 0;  // transient states: 0 = start, 1.. = channels
  std::vector<std::vector<double>> weight;  // [from][to] between transient
  std::vector<double> conv, total;
};

// Probability of converting from start, with `removed` (0 = none) sent to
// null, by Gauss elimination with partial pivoting on the dense system.
double DenseAbsorption(const DenseChain& c, size_t removed) {
  const size_t n = c.n;
  std::vector<std::vector<double>> a(n, std::vector<double>(n + 1, 0.0));
  for (size_t i = 0; i < n; ++i) {
    a[i][i] = 1;
    if (removed != 0 && i == removed) continue;  // x_removed = 0
    for (size_t j = 0; j < n; ++j)
      if (c.total[i] > 0 && !(removed != 0 && j == removed))
        a[i][j] -= c.weight[i][j] / c.total[i];
    a[i][n] = c.total[i] > 0 ? c.conv[i] / c.total[i] : 0;
  }
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < n; ++r)
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    std::swap(a[col], a[pivot]);
    for (size_t r = 0; r < n; ++r) {
      if (r == col || a[r][col] == 0) continue;
      const double f = a[r][col] / a[col][col];
      for (size_t k = col; k <= n; ++k) a[r][k] -= f * a[col][k];
    }
  }
  return a[0][n] / a[0][0];
}

TEST(AttributionChannelPaths, MarkovMatchesAnIndependentDenseSolve) {
  const std::string file =
      std::string(BATON_SHARED_DATA_DIR) + "/channel_paths/paths.csv";
  std::ifstream in(file);
  ASSERT_TRUE(in) << "cannot read " << file;
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "path,total_conversions,total_conversion_value,total_null");
  Workspace ws;
  std::map<std::string, size_t> state;  // channel -> dense index (1..)
  std::vector<std::vector<std::string>> rows;
  std::vector<double> conv, value, nulls;
  double total_conv = 0, total_value = 0;
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    std::string path, c, v, n;
    std::getline(cells, path, ',');
    std::getline(cells, c, ',');
    std::getline(cells, v, ',');
    std::getline(cells, n, ',');
    std::vector<std::string> steps;
    for (size_t start = 0;;) {
      size_t sep = path.find(" > ", start);
      steps.push_back(
          path.substr(start, sep == std::string::npos ? sep : sep - start));
      if (sep == std::string::npos) break;
      start = sep + 3;
    }
    std::vector<std::string_view> views(steps.begin(), steps.end());
    ASSERT_TRUE(
        ws.AddPath(views, std::stod(c), std::stod(v), std::stod(n)).ok())
        << line;
    rows.push_back(steps);
    conv.push_back(std::stod(c));
    value.push_back(std::stod(v));
    nulls.push_back(std::stod(n));
    total_conv += conv.back();
    total_value += value.back();
    for (const std::string& s : steps) state.emplace(s, 0);
  }
  ASSERT_EQ(rows.size(), 10000u);
  ASSERT_EQ(state.size(), 12u);
  ASSERT_TRUE(ws.Freeze().ok());

  // The dense first-order chain, merging consecutive repeats.
  size_t next = 1;
  for (auto& [name, index] : state) index = next++;
  DenseChain chain;
  chain.n = state.size() + 1;
  chain.weight.assign(chain.n, std::vector<double>(chain.n, 0.0));
  chain.conv.assign(chain.n, 0.0);
  chain.total.assign(chain.n, 0.0);
  for (size_t r = 0; r < rows.size(); ++r) {
    const double w = conv[r] + nulls[r];
    if (w == 0) continue;
    size_t from = 0;
    for (size_t i = 0; i < rows[r].size(); ++i) {
      if (i > 0 && rows[r][i] == rows[r][i - 1]) continue;
      const size_t to = state[rows[r][i]];
      chain.weight[from][to] += w;
      chain.total[from] += w;
      from = to;
    }
    chain.conv[from] += conv[r];
    chain.total[from] += w;
  }
  const double p = DenseAbsorption(chain, 0);
  ASSERT_GT(p, 0);

  AttributionOptions o;
  o.models = {"markov"};
  Result<Table> t = Attribute(ws, o);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->num_rows(), 12u);
  EXPECT_TRUE(t->warnings().empty());
  std::map<std::string, double> effect;
  double effect_sum = 0;
  for (const auto& [name, index] : state) {
    effect[name] = 1 - DenseAbsorption(chain, index) / p;
    effect_sum += effect[name];
  }
  double credited = 0, revenue = 0;
  for (size_t r = 0; r < t->num_rows(); ++r) {
    const std::string key = t->CellText(1, r);
    ASSERT_TRUE(effect.count(key)) << key;
    EXPECT_NEAR(t->column(4).doubles[r], effect[key], 1e-9) << key;
    EXPECT_NEAR(t->column(2).doubles[r], total_conv * effect[key] / effect_sum,
                1e-6)
        << key;
    credited += t->column(2).doubles[r];
    revenue += t->column(3).doubles[r];
  }
  EXPECT_NEAR(total_conv, 19785, 1e-9);
  EXPECT_NEAR(credited, 19785, 1e-6);
  EXPECT_NEAR(revenue, total_value, 1e-6);
}

}  // namespace
}  // namespace baton

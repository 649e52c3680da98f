// The report's attribution section: the models side by side.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "attribution/attribution.h"
#include "report/html.h"
#include "report/sections.h"

namespace baton {
namespace {

// The models compared in the report unless attribution.model says otherwise:
// the rules marketers quote most, and the two data-driven models.
const char* const kReportModels[] = {"first", "last",   "linear", "time_decay",
                                     "u_shaped", "w_shaped", "markov", "shapley"};

std::string ModelLabel(const std::string& model) {
  static const std::map<std::string, std::string> kLabels = {
      {"first", "first touch"},        {"last", "last touch"},
      {"last_non_direct", "last non-direct"}, {"linear", "linear"},
      {"time_decay", "time decay"},    {"u_shaped", "U-shaped"},
      {"j_shaped", "J-shaped"},        {"inverse_j", "inverse J"},
      {"w_shaped", "W-shaped"},        {"full_path", "full path"},
      {"position", "custom position"}, {"markov", "Markov chain"},
      {"shapley", "Shapley"}};
  auto it = kLabels.find(model);
  return it == kLabels.end() ? model : it->second;
}

// Credit shares: share[model][key] = conversions credited / all credited.
struct Shares {
  std::vector<std::string> models;  // in table order
  std::vector<std::string> keys;    // in table order
  std::vector<std::vector<double>> share;  // [model][key]
  std::vector<std::vector<double>> conversions;
  std::vector<double> removal_effect;  // per key, NaN when absent
  double total = 0;
};

Shares SharesOf(const Table& t) {
  Shares s;
  int model_col = t.ColumnIndex("model"), key_col = t.ColumnIndex("key"),
      conv_col = t.ColumnIndex("conversions"), re_col = t.ColumnIndex("removal_effect");
  std::map<std::string, size_t> model_index, key_index;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    const std::string& m = t.column(model_col).strings[r];
    const std::string& k = t.column(key_col).strings[r];
    if (model_index.emplace(m, s.models.size()).second) s.models.push_back(m);
    if (key_index.emplace(k, s.keys.size()).second) s.keys.push_back(k);
  }
  s.conversions.assign(s.models.size(), std::vector<double>(s.keys.size(), 0));
  s.removal_effect.assign(s.keys.size(), std::nan(""));
  for (size_t r = 0; r < t.num_rows(); ++r) {
    size_t m = model_index[t.column(model_col).strings[r]];
    size_t k = key_index[t.column(key_col).strings[r]];
    if (!t.IsNull(conv_col, r)) s.conversions[m][k] = t.column(conv_col).doubles[r];
    if (re_col >= 0 && !t.IsNull(re_col, r)) s.removal_effect[k] = t.column(re_col).doubles[r];
  }
  s.share = s.conversions;
  for (size_t m = 0; m < s.models.size(); ++m) {
    double sum = 0;
    for (double v : s.conversions[m]) sum += v;
    if (m == 0) s.total = sum;
    for (double& v : s.share[m]) v = sum > 0 ? v / sum : 0;
  }
  return s;
}

// Grouped horizontal bars: one group per key, one bar per model.
std::string GroupedBarsSvg(const Shares& s) {
  const double kLabel = 150, kBarArea = 520, kBar = 9, kGap = 14;
  double max_share = 0;
  for (const auto& row : s.share)
    for (double v : row) max_share = std::max(max_share, v);
  if (max_share <= 0) max_share = 1;
  const double group_h = kBar * s.models.size() + kGap;
  const double legend_h = 22.0 * ((s.models.size() + 3) / 4);
  const double height = legend_h + group_h * s.keys.size() + 10;
  std::string svg = "<svg role=\"img\" width=\"760\" height=\"" +
                    Px(height) + "\" viewBox=\"0 0 760 " + Px(height) +
                    "\" aria-label=\"Share of credited conversions by channel and model\">\n";
  for (size_t m = 0; m < s.models.size(); ++m) {
    double x = 10 + 185.0 * (m % 4), y = 6 + 22.0 * (m / 4);
    svg += "<rect x=\"" + Px(x) + "\" y=\"" + Px(y) + "\" width=\"12\" height=\"12\" fill=\"" +
           SeriesColor(m) + "\"/><text x=\"" + Px(x + 18) + "\" y=\"" + Px(y + 11) + "\">" +
           HtmlEscape(ModelLabel(s.models[m])) + "</text>\n";
  }
  for (size_t k = 0; k < s.keys.size(); ++k) {
    double top = legend_h + group_h * k;
    svg += "<text x=\"" + Px(kLabel - 8) + "\" y=\"" + Px(top + group_h / 2) +
           "\" text-anchor=\"end\" dominant-baseline=\"middle\">" + HtmlEscape(s.keys[k]) +
           "</text>\n";
    for (size_t m = 0; m < s.models.size(); ++m) {
      double w = kBarArea * s.share[m][k] / max_share;
      double y = top + kBar * m;
      svg += "<rect x=\"" + Px(kLabel) + "\" y=\"" + Px(y) + "\" width=\"" + Px(w) +
             "\" height=\"" + Px(kBar - 1) + "\" fill=\"" + SeriesColor(m) + "\"><title>" +
             HtmlEscape(s.keys[k] + ", " + ModelLabel(s.models[m]) + ": " +
                        FormatPercent(s.share[m][k])) +
             "</title></rect>\n";
    }
  }
  svg += "</svg>\n";
  return svg;
}

// A few sentences a marketer can act on: where the models disagree.
std::string Reading(const Shares& s) {
  if (s.models.size() < 2 || s.keys.empty()) return "";
  struct Spread {
    size_t key, low_model, high_model;
    double low, high;
  };
  std::vector<Spread> spreads;
  for (size_t k = 0; k < s.keys.size(); ++k) {
    Spread sp{k, 0, 0, s.share[0][k], s.share[0][k]};
    for (size_t m = 1; m < s.models.size(); ++m) {
      if (s.share[m][k] < sp.low) sp.low = s.share[m][k], sp.low_model = m;
      if (s.share[m][k] > sp.high) sp.high = s.share[m][k], sp.high_model = m;
    }
    spreads.push_back(sp);
  }
  std::sort(spreads.begin(), spreads.end(), [](const Spread& a, const Spread& b) {
    return a.high - a.low > b.high - b.low;
  });
  std::string out = "<ul class=\"reading\">\n";
  for (size_t i = 0; i < std::min<size_t>(2, spreads.size()); ++i) {
    const Spread& sp = spreads[i];
    out += "<li>The models disagree most on <b>" + HtmlEscape(s.keys[sp.key]) + "</b>: " +
           FormatPercent(sp.low) + " of the credit under " +
           HtmlEscape(ModelLabel(s.models[sp.low_model])) + ", " + FormatPercent(sp.high) +
           " under " + HtmlEscape(ModelLabel(s.models[sp.high_model])) + ".</li>\n";
  }
  // Openers and closers: compare first-touch and last-touch shares.
  auto index_of = [&](const char* name) -> int {
    for (size_t m = 0; m < s.models.size(); ++m)
      if (s.models[m] == name) return static_cast<int>(m);
    return -1;
  };
  int first = index_of("first"), last = index_of("last");
  if (first >= 0 && last >= 0) {
    size_t opener = 0, closer = 0;
    for (size_t k = 1; k < s.keys.size(); ++k) {
      if (s.share[first][k] - s.share[last][k] > s.share[first][opener] - s.share[last][opener])
        opener = k;
      if (s.share[last][k] - s.share[first][k] > s.share[last][closer] - s.share[first][closer])
        closer = k;
    }
    if (s.share[first][opener] > s.share[last][opener])
      out += "<li><b>" + HtmlEscape(s.keys[opener]) +
             "</b> opens journeys more than it closes them (" +
             FormatPercent(s.share[first][opener]) + " first touch against " +
             FormatPercent(s.share[last][opener]) +
             " last touch): a last-touch report undervalues it.</li>\n";
    if (s.share[last][closer] > s.share[first][closer])
      out += "<li><b>" + HtmlEscape(s.keys[closer]) + "</b> closes journeys (" +
             FormatPercent(s.share[last][closer]) + " last touch against " +
             FormatPercent(s.share[first][closer]) +
             " first touch): a first-touch report undervalues it.</li>\n";
  }
  int markov = index_of("markov"), shapley = index_of("shapley");
  for (int m : {markov, shapley}) {
    if (m < 0) continue;
    size_t top = 0;
    for (size_t k = 1; k < s.keys.size(); ++k)
      if (s.share[m][k] > s.share[m][top]) top = k;
    out += "<li>The data-driven " + HtmlEscape(ModelLabel(s.models[m])) +
           " model, which compares journeys with and without each channel, credits <b>" +
           HtmlEscape(s.keys[top]) + "</b> most (" + FormatPercent(s.share[m][top]) +
           ").</li>\n";
  }
  out += "</ul>\n";
  return out;
}

std::string PivotTable(const Shares& s) {
  std::string h = "<table class=\"data\">\n<tr><th>channel</th>";
  for (const std::string& m : s.models) h += "<th>" + HtmlEscape(ModelLabel(m)) + "</th>";
  h += "<th>removal effect</th></tr>\n";
  for (size_t k = 0; k < s.keys.size(); ++k) {
    h += "<tr><td>" + HtmlEscape(s.keys[k]) + "</td>";
    for (size_t m = 0; m < s.models.size(); ++m)
      h += "<td class=\"num\">" + FormatNumber(s.conversions[m][k], 1) + "</td>";
    h += "<td class=\"num\">" +
         (std::isnan(s.removal_effect[k]) ? std::string("&ndash;")
                                          : FormatPercent(s.removal_effect[k])) +
         "</td></tr>\n";
  }
  h += "</table>\n";
  return h;
}

}  // namespace

Result<Section> AttributionSection(ReportContext* ctx) {
  Section sec{"attribution", "Attribution", "", {}};
  std::map<std::string, std::string> options = ctx->options;
  if (!options.count("attribution.model")) {
    std::string models;
    for (const char* m : kReportModels) models += (models.empty() ? "" : ",") + std::string(m);
    options["attribution.model"] = models;
  }
  BATON_ASSIGN_OR_RETURN(AttributionOptions ao, ParseAttributionOptions(options));
  Result<Table> result = Attribute(ctx->ws, ao);
  if (!result.ok()) {
    // A workspace without touches or conversions still gets its report.
    sec.html = "<p class=\"muted\">No attribution: " + HtmlEscape(result.status().message()) +
               "</p>\n";
    return sec;
  }
  const Table& t = *result;
  for (const std::string& w : t.warnings()) ctx->warnings.push_back("Attribution: " + w);
  Shares s = SharesOf(t);
  if (t.num_rows() == 0 || s.total <= 0) {
    sec.html = "<p class=\"muted\">No conversion (" + HtmlEscape(ao.conversion) +
               ") has a touch before it, so there is nothing to credit.</p>\n";
    return sec;
  }
  std::string& h = sec.html;
  h += "<p>Who gets the credit for " + FormatNumber(s.total, 0) + " conversions (" +
       HtmlEscape(ao.conversion) + ") among the " + HtmlEscape(ao.by) +
       "s that touched the people before they converted. Each bar is a channel's share of "
       "the credit under one model; rule models split each journey by position or time, the "
       "data-driven models by what journeys without the channel achieve.</p>\n";
  h += Reading(s);
  h += GroupedBarsSvg(s);
  h += "<h3>Credited conversions by model</h3>\n";
  h += PivotTable(s);
  sec.tables.push_back({"Credit by " + ao.by + " and model", t});
  return sec;
}

}  // namespace baton

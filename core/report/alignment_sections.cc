// The report's sections for the shared scorecard, the hand-off, spend and
// the deals pipeline.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "handoff/handoff.h"
#include "pipeline/deals.h"
#include "report/html.h"
#include "report/sections.h"
#include "scorecard/scorecard.h"
#include "spend/spend.h"

namespace baton {
namespace {

double Cell(const Table& t, const char* column, size_t row) {
  int c = t.ColumnIndex(column);
  if (c < 0 || t.IsNull(c, row)) return std::nan("");
  const Column& col = t.column(c);
  return col.type == ColumnType::kFloat64 ? col.doubles[row]
                                          : static_cast<double>(col.ints[row]);
}

std::string Text(const Table& t, const char* column, size_t row) {
  int c = t.ColumnIndex(column);
  return c < 0 ? std::string() : t.CellText(c, row);
}

// Horizontal bars, one per label; negative values extend left of the axis
// in the alert colour. `label_of` formats the value shown after each bar.
std::string BarsSvg(const std::vector<std::string>& labels, const std::vector<double>& values,
                    const std::function<std::string(double)>& label_of, const char* aria) {
  const double kLabel = 170, kArea = 440, kRow = 22;
  double lo = 0, hi = 0;
  for (double v : values)
    if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (hi - lo <= 0) hi = lo + 1;
  const double zero = kLabel + kArea * (-lo) / (hi - lo);
  const double height = kRow * labels.size() + 8;
  std::string svg = "<svg role=\"img\" width=\"760\" height=\"" +
                    Px(height) + "\" viewBox=\"0 0 760 " + Px(height) + "\" aria-label=\"" +
                    HtmlEscape(aria) + "\">\n";
  for (size_t i = 0; i < labels.size(); ++i) {
    double y = 4 + kRow * i, v = values[i];
    svg += "<text x=\"" + Px(kLabel - 8) + "\" y=\"" + Px(y + kRow / 2) +
           "\" text-anchor=\"end\" dominant-baseline=\"middle\">" + HtmlEscape(labels[i]) +
           "</text>\n";
    if (std::isnan(v)) continue;
    double w = kArea * std::abs(v) / (hi - lo);
    double x = v >= 0 ? zero : zero - w;
    svg += "<rect x=\"" + Px(x) + "\" y=\"" + Px(y + 3) + "\" width=\"" + Px(w) +
           "\" height=\"" + Px(kRow - 6) + "\" fill=\"" + (v >= 0 ? "#2f7d6d" : "#c0504d") +
           "\"/>\n<text x=\"" + Px(std::max(zero, x + w) + 6) + "\" y=\"" + Px(y + kRow / 2) +
           "\" dominant-baseline=\"middle\">" + HtmlEscape(label_of(v)) + "</text>\n";
  }
  svg += "<line x1=\"" + Px(zero) + "\" y1=\"0\" x2=\"" + Px(zero) + "\" y2=\"" + Px(height) +
         "\" stroke=\"#888\"/>\n</svg>\n";
  return svg;
}

std::string By(const ReportContext& ctx, const char* key, const char* fallback) {
  auto it = ctx.options.find(key);
  if (it != ctx.options.end()) return it->second;
  auto f = ctx.options.find("funnel.by");
  return f != ctx.options.end() ? f->second : fallback;
}

}  // namespace

Result<Section> ScorecardSection(ReportContext* ctx) {
  Section sec{"scorecard", "Scorecard", "", {}};
  auto it = ctx->options.find("scorecard.config");
  if (it == ctx->options.end() || it->second.empty()) {
    sec.html = "<p class=\"muted\">No targets were given: add a [scorecard] table to the "
               "mapping (or pass a baton.toml) to judge both teams by the same KPIs.</p>\n";
    return sec;
  }
  Result<ScorecardConfig> config = ParseScorecard(it->second);
  if (!config.ok()) {
    if (config.status().code() == StatusCode::kNotFound) {
      sec.html = "<p class=\"muted\">" + HtmlEscape(config.status().message()) + "</p>\n";
      return sec;
    }
    return config.status();
  }
  BATON_ASSIGN_OR_RETURN(Table t, Scorecard(ctx->ws, *config));
  for (const std::string& w : t.warnings()) ctx->warnings.push_back("Scorecard: " + w);
  // One tile per KPI: its latest period.
  std::map<std::string, size_t> latest;
  std::vector<std::string> order;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    std::string kpi = Text(t, "kpi", r);
    if (!latest.count(kpi)) order.push_back(kpi);
    latest[kpi] = r;
  }
  std::string& h = sec.html;
  h += "<p>The KPIs both teams agreed on, for the latest period, against their targets "
       "(on track at or above target, at risk within 10% below, off track below; "
       "reversed where lower is better).</p>\n<div class=\"tiles\">\n";
  for (const std::string& kpi : order) {
    size_t r = latest[kpi];
    std::string status = Text(t, "status", r);
    const char* colour = status == "on_track" ? "#2f7d6d" : status == "at_risk" ? "#c98a1b"
                                                                             : "#c0504d";
    double value = Cell(t, "value", r), target = Cell(t, "target", r),
           trend = Cell(t, "trend", r);
    bool fraction = std::abs(target) <= 1.0 && std::abs(value) <= 1.0;
    auto fmt = [&](double v) { return fraction ? FormatPercent(v) : FormatNumber(v, 1); };
    h += "<div class=\"tile\" style=\"border-top: 6px solid " + std::string(colour) +
         "\"><div class=\"kpi\">" + HtmlEscape(kpi) + "</div><div class=\"value\">" +
         fmt(value) + "</div><div class=\"muted\">target " + fmt(target) + " &middot; " +
         HtmlEscape(Text(t, "period", r)) + "</div><div class=\"status\" style=\"color: " +
         colour + "\">" + HtmlEscape(status) +
         (std::isnan(trend) ? std::string()
                            : std::string(trend >= 0 ? " &#9650; " : " &#9660; ") +
                                  fmt(std::abs(trend))) +
         "</div></div>\n";
  }
  h += "</div>\n<h3>Every period</h3>\n" + HtmlTable(t);
  sec.tables.push_back({"KPIs against targets", std::move(t)});
  return sec;
}

Result<Section> HandoffSection(ReportContext* ctx) {
  Section sec{"handoff", "Hand-off", "", {}};
  std::map<std::string, std::string> options = ctx->options;
  options["handoff.by"] = By(*ctx, "handoff.by", "source");
  BATON_ASSIGN_OR_RETURN(HandoffOptions ho, ParseHandoffOptions(options));
  BATON_ASSIGN_OR_RETURN(Table main, Handoff(ctx->ws, ho));
  if (main.num_rows() == 0) {
    sec.html = "<p class=\"muted\">No hand-offs (" + HtmlEscape(ho.stage) +
               " entries) were loaded.</p>\n";
    return sec;
  }
  HandoffOptions overall = ho;
  overall.by = "";
  BATON_ASSIGN_OR_RETURN(Table buckets, HandoffByResponse(ctx->ws, overall));
  HandoffOptions by_campaign = ho;
  by_campaign.by = "campaign";
  BATON_ASSIGN_OR_RETURN(Table reasons, HandoffReasons(ctx->ws, by_campaign));
  std::string& h = sec.html;
  h += "<p>A hand-off is a lead entering <b>" + HtmlEscape(ho.stage) +
       "</b>. Sales works it when a sales touch follows; the SLA is " +
       FormatNumber(static_cast<double>(ho.sla_ms) / kMillisPerHour, 1) +
       " hours; a hand-off leaked when nothing happened within " +
       FormatNumber(static_cast<double>(ho.leak_after_ms) / kMillisPerDay, 0) + " days.</p>\n";
  std::vector<std::string> labels;
  std::vector<double> counts, rates;
  for (size_t r = 0; r < buckets.num_rows(); ++r) {
    labels.push_back(Text(buckets, "bucket", r));
    counts.push_back(Cell(buckets, "handed_off", r));
    rates.push_back(Cell(buckets, "rate_to_won", r));
  }
  h += "<h3>Response time</h3>\n<p>Hand-offs by time to the first sales touch:</p>\n";
  h += BarsSvg(labels, counts, [](double v) { return FormatCount(static_cast<int64_t>(v)); },
               "Hand-offs by response time");
  h += "<p>What a faster response is worth: the share of each bucket that was won.</p>\n";
  h += BarsSvg(labels, rates, [](double v) { return FormatPercent(v); },
               "Win rate by response time");
  h += "<h3>By " + HtmlEscape(ho.by) + "</h3>\n" + HtmlTable(main);
  // The three most common rejection reasons of each campaign.
  Table top("handoff_reasons");
  for (size_t c = 0; c < reasons.num_columns(); ++c)
    top.AddColumn(reasons.column(c).name, reasons.column(c).type);
  std::map<std::string, int> seen;
  for (size_t r = 0; r < reasons.num_rows(); ++r) {
    if (++seen[Text(reasons, "segment", r)] > 3) continue;
    for (size_t c = 0; c < reasons.num_columns(); ++c) {
      const Column& col = reasons.column(c);
      if (col.type == ColumnType::kString) top.AppendString(c, col.strings[r]);
      else if (col.type == ColumnType::kFloat64) top.AppendDouble(c, col.doubles[r]);
      else top.AppendInt(c, col.ints[r]);
    }
  }
  h += "<h3>Top rejection reasons per campaign</h3>\n";
  h += top.num_rows() ? HtmlTable(top)
                      : std::string("<p class=\"muted\">No rejections were recorded.</p>\n");
  sec.tables.push_back({"Hand-offs by response time", std::move(buckets)});
  sec.tables.push_back({"By " + ho.by, std::move(main)});
  if (top.num_rows())
    sec.tables.push_back({"Top rejection reasons per campaign", std::move(top)});
  return sec;
}

Result<Section> SpendSection(ReportContext* ctx) {
  Section sec{"spend", "Spend", "", {}};
  if (ctx->ws.spend().size() == 0) {
    sec.html = "<p class=\"muted\">No spend was loaded.</p>\n";
    return sec;
  }
  BATON_ASSIGN_OR_RETURN(SpendOptions so, ParseSpendOptions(ctx->options));
  BATON_ASSIGN_OR_RETURN(Table t, Spend(ctx->ws, so));
  for (const std::string& w : t.warnings()) ctx->warnings.push_back("Spend: " + w);
  std::vector<std::string> labels;
  std::vector<double> roi;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    labels.push_back(Text(t, "key", r));
    roi.push_back(Cell(t, "roi", r));
  }
  std::string& h = sec.html;
  h += "<p>Return on spend per " + HtmlEscape(so.by) + ": (revenue - spend) / spend, with "
       "revenue credited by the " + HtmlEscape(so.model) + " model. Bars left of the axis "
       "lost money.</p>\n";
  h += BarsSvg(labels, roi, [](double v) { return FormatPercent(v); }, "ROI by channel");
  h += "<h3>Cost per stage</h3>\n" + HtmlTable(t);
  sec.tables.push_back({"Cost per stage and return by " + so.by, std::move(t)});
  return sec;
}

Result<Section> DealsSection(ReportContext* ctx) {
  Section sec{"deals", "Deals", "", {}};
  if (ctx->ws.deals().size() == 0) {
    sec.html = "<p class=\"muted\">No deals were loaded.</p>\n";
    return sec;
  }
  std::map<std::string, std::string> options = ctx->options;
  options.emplace("deals.by", "owner");
  BATON_ASSIGN_OR_RETURN(DealsOptions dopt, ParseDealsOptions(options));
  BATON_ASSIGN_OR_RETURN(Table t, Deals(ctx->ws, dopt));
  for (const std::string& w : t.warnings()) ctx->warnings.push_back("Deals: " + w);
  sec.html = "<p>Pipeline and outcomes per " + HtmlEscape(dopt.by) +
             ": win rate = won / (won + lost); cycle = created to closed.</p>\n" + HtmlTable(t);
  sec.tables.push_back({"Deals by " + dopt.by, std::move(t)});
  return sec;
}

}  // namespace baton

// The report's lead-scoring section: does the score separate the leads that
// convert (lift by decile), can its probabilities be taken at face value
// (calibration), what would working only the top scores give compared with
// today's rule (the capacity threshold), and what drives it (odds ratios).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/html.h"
#include "report/sections.h"
#include "scoring/scoring.h"

namespace baton {
namespace {

constexpr size_t kTopCoefficients = 10;

double Cell(const Table& t, const std::string& column, size_t row) {
  int c = t.ColumnIndex(column);
  if (c < 0 || t.IsNull(c, row)) return std::nan("");
  const Column& col = t.column(c);
  return col.type == ColumnType::kFloat64 ? col.doubles[row]
                                          : static_cast<double>(col.ints[row]);
}

double Metric(const Table& summary, const std::string& name) {
  for (size_t r = 0; r < summary.num_rows(); ++r)
    if (summary.column(0).strings[r] == name) return Cell(summary, "value", r);
  return std::nan("");
}

// Lift per decile as vertical bars, with the base rate (lift 1) dashed.
std::string LiftSvg(const Table& lift) {
  const double kW = 560, kH = 240, kLeft = 48, kBottom = 34, kTop = 12;
  double max_lift = 1;
  for (size_t r = 0; r < lift.num_rows(); ++r) {
    double v = Cell(lift, "lift", r);
    if (std::isfinite(v)) max_lift = std::max(max_lift, v);
  }
  max_lift = std::ceil(max_lift * 2) / 2;  // a round axis top
  const double plot_h = kH - kTop - kBottom;
  const double slot = (kW - kLeft - 10) / 10;
  auto y_of = [&](double v) { return kTop + plot_h * (1 - v / max_lift); };
  std::string svg = "<svg class=\"lift\" role=\"img\" width=\"" + Px(kW) + "\" height=\"" +
                    Px(kH) + "\" viewBox=\"0 0 " + Px(kW) + " " + Px(kH) +
                    "\" aria-label=\"Lift by score decile\">\n";
  for (double tick = 0; tick <= max_lift + 1e-9; tick += max_lift > 4 ? 1.0 : 0.5) {
    svg += "<text class=\"small\" x=\"" + Px(kLeft - 6) + "\" y=\"" + Px(y_of(tick) + 4) +
           "\" text-anchor=\"end\">" + FormatNumber(tick, 1) + "</text>\n";
  }
  for (size_t r = 0; r < lift.num_rows(); ++r) {
    const double v = Cell(lift, "lift", r);
    const double x = kLeft + slot * static_cast<double>(r) + 4;
    const std::string decile = FormatNumber(Cell(lift, "decile", r), 0);
    if (std::isfinite(v)) {
      svg += "<rect x=\"" + Px(x) + "\" y=\"" + Px(y_of(v)) + "\" width=\"" + Px(slot - 8) +
             "\" height=\"" + Px(y_of(0) - y_of(v)) + "\" fill=\"" + SeriesColor(0) +
             "\"><title>" +
             HtmlEscape("decile " + decile + ": lift " + FormatNumber(v, 2) + ", " +
                        FormatPercent(Cell(lift, "rate", r)) + " of " +
                        FormatNumber(Cell(lift, "count", r), 0) + " converted") +
             "</title></rect>\n";
    }
    svg += "<text class=\"small\" x=\"" + Px(x + (slot - 8) / 2) + "\" y=\"" +
           Px(kH - kBottom + 16) + "\" text-anchor=\"middle\">" + decile + "</text>\n";
  }
  svg += "<line x1=\"" + Px(kLeft) + "\" x2=\"" + Px(kW - 10) + "\" y1=\"" + Px(y_of(1)) +
         "\" y2=\"" + Px(y_of(1)) + "\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n";
  svg += "<text class=\"small\" x=\"" + Px(kLeft + (kW - kLeft) / 2) + "\" y=\"" +
         Px(kH - 4) + "\" text-anchor=\"middle\">score decile (1 = highest scores); "
         "dashed: the base rate</text>\n</svg>\n";
  return svg;
}

// Mean predicted against observed conversion per probability bin, with the
// diagonal a calibrated score lies on. Axes end at the largest value shown
// (rounded up to a tenth) so a low base rate does not crowd one corner.
std::string CalibrationSvg(const Table& cal) {
  const double kSize = 260, kPad = 44;
  double top = 0.1;
  for (size_t r = 0; r < cal.num_rows(); ++r)
    for (const char* c : {"mean_predicted", "observed"}) {
      double v = Cell(cal, c, r);
      if (std::isfinite(v)) top = std::max(top, v);
    }
  top = std::min(1.0, std::ceil(top * 10 - 1e-9) / 10);
  const double side = kSize - 2 * kPad + 20;
  auto x_of = [&](double v) { return kPad + side * v / top; };
  auto y_of = [&](double v) { return kPad - 30 + side * (1 - v / top); };
  std::string svg = "<svg class=\"calibration\" role=\"img\" width=\"" + Px(kSize + 40) +
                    "\" height=\"" + Px(kSize) + "\" viewBox=\"0 0 " + Px(kSize + 40) + " " +
                    Px(kSize) + "\" aria-label=\"Calibration: predicted against observed\">\n";
  svg += "<rect x=\"" + Px(x_of(0)) + "\" y=\"" + Px(y_of(top)) + "\" width=\"" + Px(side) +
         "\" height=\"" + Px(side) + "\" fill=\"none\" stroke=\"#ccc\"/>\n";
  svg += "<line x1=\"" + Px(x_of(0)) + "\" y1=\"" + Px(y_of(0)) + "\" x2=\"" + Px(x_of(top)) +
         "\" y2=\"" + Px(y_of(top)) + "\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>\n";
  for (double tick : {0.0, top / 2, top}) {
    svg += "<text class=\"small\" x=\"" + Px(x_of(tick)) + "\" y=\"" + Px(y_of(0) + 14) +
           "\" text-anchor=\"middle\">" + FormatPercent(tick) + "</text>\n";
    svg += "<text class=\"small\" x=\"" + Px(x_of(0) - 4) + "\" y=\"" + Px(y_of(tick) + 4) +
           "\" text-anchor=\"end\">" + FormatPercent(tick) + "</text>\n";
  }
  for (size_t r = 0; r < cal.num_rows(); ++r) {
    const double p = Cell(cal, "mean_predicted", r), o = Cell(cal, "observed", r);
    if (!std::isfinite(p) || !std::isfinite(o)) continue;
    svg += "<circle cx=\"" + Px(x_of(p)) + "\" cy=\"" + Px(y_of(o)) + "\" r=\"4\" fill=\"" +
           SeriesColor(1) + "\"><title>" +
           HtmlEscape("scores " + cal.CellText(0, r) + ": predicted " + FormatPercent(p) +
                      ", observed " + FormatPercent(o) + " (" +
                      FormatNumber(Cell(cal, "count", r), 0) + " people)") +
           "</title></circle>\n";
  }
  svg += "<text class=\"small\" x=\"" + Px(x_of(top / 2)) + "\" y=\"" + Px(y_of(0) + 30) +
         "\" text-anchor=\"middle\">predicted</text>\n";
  svg += "<text class=\"small\" x=\"12\" y=\"" + Px(y_of(top / 2)) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 12 " + Px(y_of(top / 2)) +
         ")\">observed</text>\n</svg>\n";
  return svg;
}

// The largest coefficients (by |coefficient|) as odds ratios per standard
// deviation (numeric) or for having the level (one-hot), on a log axis
// centred on 1.
std::string OddsRatiosSvg(const Table& coef, std::vector<size_t>* shown) {
  std::vector<size_t> rows;
  for (size_t r = 1; r < coef.num_rows(); ++r)  // row 0 is the intercept
    if (std::isfinite(Cell(coef, "coefficient", r))) rows.push_back(r);
  std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) {
    return std::fabs(Cell(coef, "coefficient", a)) > std::fabs(Cell(coef, "coefficient", b));
  });
  if (rows.size() > kTopCoefficients) rows.resize(kTopCoefficients);
  *shown = rows;
  double max_abs = 0.1;
  for (size_t r : rows) max_abs = std::max(max_abs, std::fabs(Cell(coef, "coefficient", r)));
  const double kLabel = 260, kHalf = 200, kRow = 20;
  const double height = kRow * static_cast<double>(rows.size()) + 30;
  const double mid = kLabel + kHalf;
  std::string svg = "<svg class=\"odds\" role=\"img\" width=\"" + Px(kLabel + 2 * kHalf + 70) +
                    "\" height=\"" + Px(height) + "\" viewBox=\"0 0 " +
                    Px(kLabel + 2 * kHalf + 70) + " " + Px(height) +
                    "\" aria-label=\"Top features as odds ratios\">\n";
  for (size_t k = 0; k < rows.size(); ++k) {
    const double b = Cell(coef, "coefficient", rows[k]);
    const double w = kHalf * std::fabs(b) / max_abs;
    const double y = 4 + kRow * static_cast<double>(k);
    const std::string name = coef.CellText(0, rows[k]);
    svg += "<text x=\"" + Px(kLabel - 8) + "\" y=\"" + Px(y + 13) + "\" text-anchor=\"end\">" +
           HtmlEscape(name) + "</text>\n";
    svg += "<rect x=\"" + Px(b >= 0 ? mid : mid - w) + "\" y=\"" + Px(y + 2) + "\" width=\"" +
           Px(w) + "\" height=\"" + Px(kRow - 6) + "\" fill=\"" + SeriesColor(b >= 0 ? 2 : 3) +
           "\"><title>" + HtmlEscape(name + ": odds x " + FormatNumber(std::exp(b), 2)) +
           "</title></rect>\n";
    svg += "<text class=\"small\" x=\"" + Px(b >= 0 ? mid + w + 4 : mid + 4) + "\" y=\"" +
           Px(y + 13) + "\">x" + FormatNumber(std::exp(b), 2) + "</text>\n";
  }
  svg += "<line x1=\"" + Px(mid) + "\" x2=\"" + Px(mid) + "\" y1=\"0\" y2=\"" +
         Px(height - 24) + "\" stroke=\"#555\"/>\n";
  svg += "<text class=\"small\" x=\"" + Px(mid) + "\" y=\"" + Px(height - 8) +
         "\" text-anchor=\"middle\">odds ratio (log scale; 1 = no effect)</text>\n</svg>\n";
  return svg;
}

}  // namespace

Result<Section> ScoringSection(ReportContext* ctx) {
  Section sec{"scoring", "Lead scoring", "", {}};
  BATON_ASSIGN_OR_RETURN(ScoringOptions options, ParseScoringOptions(ctx->options));
  std::string& h = sec.html;
  Result<ScoringResult> first = Score(ctx->ws, options);
  if (!first.ok()) {
    // Too little history, one class only, no hand-offs: the report still
    // comes out, and says why this part is missing.
    h = "<p class=\"muted\">No lead scoring: " + HtmlEscape(first.status().message()) +
        "</p>\n";
    return sec;
  }
  const bool capacity_given = options.capacity_per_week > 0;
  double today_per_week = std::nan("");
  if (first->threshold.num_rows() > 0) today_per_week = Cell(first->threshold, "per_week", 0);
  std::optional<ScoringResult> second;
  if (!capacity_given && std::isfinite(today_per_week) && today_per_week >= 2) {
    // No capacity stated: show what half of today's volume would give, as
    // an example the reader can replace with scoring.capacity.
    ScoringOptions half = options;
    half.capacity_per_week = std::floor(today_per_week / 2);
    Result<ScoringResult> halved = Score(ctx->ws, half);
    if (halved.ok()) second = std::move(*halved);
  }
  const ScoringResult& r =
      second && second->threshold.num_rows() > 1 ? *second : *first;
  for (const std::string& w : r.summary.warnings()) ctx->warnings.push_back("Lead scoring: " + w);

  const Table& s = r.summary;
  const double auc = Metric(s, "auc");
  h += "<p>Each person is scored when handed to sales (" + HtmlEscape(options.as_of) +
       ") from what was known then, and the score is the chance of reaching <b>" +
       HtmlEscape(options.label) + "</b> within " +
       FormatNumber(static_cast<double>(options.within_ms) / kMillisPerDay, 0) +
       " days. The model learned from " + FormatCount(static_cast<int64_t>(Metric(s, "train_rows"))) +
       " older people and is judged below on the " +
       FormatCount(static_cast<int64_t>(Metric(s, "test_rows"))) + " newest ones (" +
       FormatPercent(Metric(s, "test_base_rate")) + " of them converted).</p>\n";
  if (!std::isfinite(auc)) {
    h += "<p class=\"muted\">The newest people are all of one outcome (or there are none), so "
         "the score cannot be judged yet: no lift or calibration is shown.</p>\n";
  } else {
    h += "<p>AUC <b>" + FormatNumber(auc, 3) +
         "</b> (0.5 is a coin toss, 1 a perfect ranking); log loss " +
         FormatNumber(Metric(s, "log_loss"), 3) + "; Brier score " +
         FormatNumber(Metric(s, "brier"), 3) + ".";
    if (r.lift.num_rows() > 0 && std::isfinite(Cell(r.lift, "lift", 0)))
      h += " The top tenth of scores converts at " + FormatPercent(Cell(r.lift, "rate", 0)) +
           ", " + FormatNumber(Cell(r.lift, "lift", 0), 1) + " times the base rate.";
    h += "</p>\n";
    h += "<h3>Lift by decile</h3>\n" + LiftSvg(r.lift);
    h += "<h3>Calibration</h3>\n<p>Predicted against observed conversion per band of "
         "scores; points on the dashed diagonal mean a score of 30% converts 30% of the "
         "time.</p>\n" + CalibrationSvg(r.calibration);
  }

  h += "<h3>Capacity threshold</h3>\n";
  const Table& th = r.threshold;
  if (th.num_rows() > 0) {
    h += "<p>Today's rule hands every " + HtmlEscape(options.as_of) + " to sales: " +
         FormatNumber(Cell(th, "per_week", 0), 1) + " a week, converting at " +
         FormatPercent(Cell(th, "conversion_rate", 0)) + ".";
    if (th.num_rows() > 1) {
      h += std::string(capacity_given ? " With the stated capacity"
                                      : " At half that volume (an example; set "
                                        "scoring.capacity to your team's)") +
           ", working only scores of at least " + FormatPercent(Cell(th, "cutoff", 1)) +
           " sends " + FormatNumber(Cell(th, "per_week", 1), 1) +
           " a week, converting at " + FormatPercent(Cell(th, "conversion_rate", 1)) + ".";
    }
    h += "</p>\n" + HtmlTable(th);
  } else {
    h += "<p class=\"muted\">No test period to measure a threshold on.</p>\n";
  }

  h += "<h3>What drives the score</h3>\n<p>The largest effects as odds ratios: per standard "
       "deviation for counts and durations, for having the value for the others.</p>\n";
  std::vector<size_t> shown;
  h += OddsRatiosSvg(r.coefficients, &shown);
  sec.tables.push_back({"Lift by score decile", r.lift});
  sec.tables.push_back({"Calibration", r.calibration});
  sec.tables.push_back({"Capacity threshold", r.threshold});
  sec.tables.push_back({"Coefficients", r.coefficients});
  sec.tables.push_back({"Evaluation", r.summary});
  return sec;
}

}  // namespace baton

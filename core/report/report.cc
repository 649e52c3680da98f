#include "report/report.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "funnel/funnel.h"
#include "model/timestamp.h"
#include "report/html.h"
#include "report/sections.h"
#include "table/table.h"

namespace baton {
namespace {

struct ReportOptions {
  std::string title = "Baton alignment report";
};

Result<ReportOptions> ParseReportOptions(
    const std::map<std::string, std::string>& options) {
  ReportOptions out;
  for (const auto& [key, value] : options) {
    if (key.rfind("report.", 0) != 0) continue;
    if (key == "report.title") {
      out.title = value;
    } else {
      return Status::InvalidArgument("unknown option \"" + key +
                                     "\"; the report options are report.title");
    }
  }
  return out;
}

// A table cell as a number (int64 or float64 columns); NaN when null.
double Number(const Table& t, int col, size_t row) {
  if (col < 0 || t.IsNull(col, row)) return std::nan("");
  const Column& c = t.column(col);
  return c.type == ColumnType::kFloat64 ? c.doubles[row]
                                        : static_cast<double>(c.ints[row]);
}

std::string Text(const Table& t, int col, size_t row) {
  if (col < 0 || t.IsNull(col, row)) return "";
  return t.CellText(col, row);
}

// ---- Funnel ----------------------------------------------------------------

// One funnel stage of one segment, as the charts need it.
struct StageBar {
  std::string stage;
  std::string next_stage;
  double reached = 0;
  double rate_to_next = std::nan("");  // fraction; NaN for the last stage
  double rate_to_won = std::nan("");
};

struct SegmentFunnel {
  std::string segment;
  std::vector<StageBar> bars;
};

// Groups the funnel table's rows (in table order) by segment.
std::vector<SegmentFunnel> SegmentsOf(const Table& t) {
  const int c_segment = t.ColumnIndex("segment"), c_stage = t.ColumnIndex("stage"),
            c_next = t.ColumnIndex("next_stage"), c_reached = t.ColumnIndex("reached"),
            c_advanced = t.ColumnIndex("advanced"),
            c_rate = t.ColumnIndex("rate_to_next"),
            c_rate_won = t.ColumnIndex("rate_to_won");
  std::vector<SegmentFunnel> out;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    std::string segment = Text(t, c_segment, r);
    if (out.empty() || out.back().segment != segment)
      out.push_back({segment, {}});
    StageBar bar;
    bar.stage = Text(t, c_stage, r);
    bar.next_stage = Text(t, c_next, r);
    bar.reached = Number(t, c_reached, r);
    if (std::isnan(bar.reached)) bar.reached = 0;
    // The rate from the counts when both are there, so the chart and the
    // table agree whatever the rate column's precision.
    const double advanced = Number(t, c_advanced, r);
    bar.rate_to_next = !std::isnan(advanced) && bar.reached > 0
                           ? advanced / bar.reached
                           : Number(t, c_rate, r);
    bar.rate_to_won = Number(t, c_rate_won, r);
    out.back().bars.push_back(std::move(bar));
  }
  return out;
}

// Bar colours, from the top of the funnel (blue) to won (green).
const char* const kStageColors[] = {"#2f5d8a", "#33709e", "#3a83a8", "#3d96a3",
                                    "#3fa58f", "#45b07a", "#4fb868", "#5bbf58"};

const char* StageColor(size_t i) {
  constexpr size_t n = sizeof(kStageColors) / sizeof(kStageColors[0]);
  return kStageColors[std::min(i, n - 1)];
}

}  // namespace

const char* SeriesColor(size_t i) {
  // Distinguishable for the common colour-vision deficiencies (Okabe-Ito
  // order, without the yellow that fades on white).
  static const char* const kSeries[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7",
                                        "#56b4e9", "#d55e00", "#000000", "#999999"};
  return kSeries[i % (sizeof(kSeries) / sizeof(kSeries[0]))];
}

std::string Px(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), std::round(v * 10) / 10,
                         std::chars_format::fixed, 1);
  std::string out(buf, r.ptr);
  if (out.size() > 2 && out.compare(out.size() - 2, 2, ".0") == 0)
    out.resize(out.size() - 2);
  return out;
}

namespace {

// The overall funnel: one centred bar per stage, its width proportional to
// the people who reached it, labelled with the stage, the count and the
// conversion to the next stage.
std::string FunnelChartSvg(const SegmentFunnel& f) {
  constexpr double kWidth = 760, kLabelRight = 130, kBarLeft = 145,
                   kBarWidth = 360, kTextLeft = 520, kRow = 38, kBar = 28,
                   kTop = 8;
  double max_reached = 0;
  for (const StageBar& b : f.bars) max_reached = std::max(max_reached, b.reached);
  const double height = kTop * 2 + kRow * static_cast<double>(f.bars.size());
  std::string svg = "<svg class=\"funnel\" viewBox=\"0 0 " + Px(kWidth) + " " +
                    Px(height) + "\" width=\"" + Px(kWidth) + "\" height=\"" +
                    Px(height) +
                    "\" role=\"img\" aria-label=\"Funnel: people reaching each "
                    "stage\">\n<title>People reaching each stage</title>\n";
  for (size_t i = 0; i < f.bars.size(); ++i) {
    const StageBar& b = f.bars[i];
    const double y = kTop + kRow * static_cast<double>(i);
    double w = max_reached > 0 ? kBarWidth * b.reached / max_reached : 0;
    if (b.reached > 0) w = std::max(w, 2.0);
    const double x = kBarLeft + (kBarWidth - w) / 2;
    const double text_y = y + kBar / 2 + 5;
    svg += "<text class=\"stage\" x=\"" + Px(kLabelRight) + "\" y=\"" + Px(text_y) +
           "\" text-anchor=\"end\">" + HtmlEscape(b.stage) + "</text>\n";
    svg += "<rect x=\"" + Px(x) + "\" y=\"" + Px(y) + "\" width=\"" + Px(w) +
           "\" height=\"" + Px(kBar) + "\" rx=\"3\" fill=\"" + StageColor(i) +
           "\"/>\n";
    std::string label = FormatCount(static_cast<int64_t>(b.reached));
    if (!b.next_stage.empty() && !std::isnan(b.rate_to_next))
      label += " \xC2\xB7 " + FormatPercent(b.rate_to_next) + " to " +
               HtmlEscape(b.next_stage);
    svg += "<text class=\"value\" x=\"" + Px(kTextLeft) + "\" y=\"" + Px(text_y) +
           "\">" + label + "</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

// A small funnel per segment, each scaled to its own first stage, so shapes
// compare at a glance whatever the segment's size.
std::string SmallMultiplesHtml(const std::vector<SegmentFunnel>& segments,
                               size_t limit) {
  std::vector<const SegmentFunnel*> order;
  for (const SegmentFunnel& s : segments)
    if (!s.bars.empty()) order.push_back(&s);
  // Largest segments first; ties by name (the table's order) for stability.
  std::stable_sort(order.begin(), order.end(),
                   [](const SegmentFunnel* a, const SegmentFunnel* b) {
                     return a->bars[0].reached > b->bars[0].reached;
                   });
  std::string html = "<div class=\"multiples\">\n";
  const size_t shown = std::min(limit, order.size());
  for (size_t s = 0; s < shown; ++s) {
    const SegmentFunnel& f = *order[s];
    constexpr double kWidth = 240, kLabel = 86, kBarMax = 100, kRow = 18, kBar = 13;
    const double top = f.bars[0].reached;
    const double height = kRow * static_cast<double>(f.bars.size()) + 4;
    html += "<figure class=\"multiple\"><figcaption><b>" + HtmlEscape(f.segment) +
            "</b><br>" + FormatCount(static_cast<int64_t>(top)) + " people";
    if (!std::isnan(f.bars[0].rate_to_won))
      html += " \xC2\xB7 " + FormatPercent(f.bars[0].rate_to_won) + " won";
    html += "</figcaption>\n<svg viewBox=\"0 0 " + Px(kWidth) + " " + Px(height) +
            "\" width=\"" + Px(kWidth) + "\" height=\"" + Px(height) +
            "\" role=\"img\" aria-label=\"Funnel of " + HtmlEscape(f.segment) +
            "\">\n";
    for (size_t i = 0; i < f.bars.size(); ++i) {
      const StageBar& b = f.bars[i];
      const double y = 2 + kRow * static_cast<double>(i);
      double w = top > 0 ? kBarMax * b.reached / top : 0;
      if (b.reached > 0) w = std::max(w, 1.0);
      html += "<text x=\"" + Px(kLabel - 4) + "\" y=\"" + Px(y + 11) +
              "\" text-anchor=\"end\" class=\"small\" font-size=\"11\">" + HtmlEscape(b.stage) +
              "</text><rect x=\"" + Px(kLabel) + "\" y=\"" + Px(y) + "\" width=\"" +
              Px(w) + "\" height=\"" + Px(kBar) + "\" fill=\"" + StageColor(i) +
              "\"/><text x=\"" + Px(kLabel + w + 4) + "\" y=\"" + Px(y + 11) +
              "\" class=\"small\" font-size=\"11\">" + FormatCount(static_cast<int64_t>(b.reached)) +
              "</text>\n";
    }
    html += "</svg></figure>\n";
  }
  html += "</div>\n";
  if (order.size() > shown)
    html += "<p class=\"muted\">The " + std::to_string(shown) +
            " largest segments of " + std::to_string(order.size()) +
            " are drawn; the table above has them all.</p>\n";
  return html;
}

Result<Section> FunnelSection(ReportContext* ctx) {
  // The report splits the funnel by source unless told otherwise.
  std::map<std::string, std::string> options = ctx->options;
  options.emplace("funnel.by", "source");
  BATON_ASSIGN_OR_RETURN(FunnelOptions by_segment, ParseFunnelOptions(options));
  FunnelOptions overall = by_segment;
  overall.by = "";
  overall.cohort_month = false;

  BATON_ASSIGN_OR_RETURN(Table all, Funnel(ctx->ws, overall));
  BATON_ASSIGN_OR_RETURN(Table split, Funnel(ctx->ws, by_segment));
  for (const std::string& w : all.warnings()) ctx->warnings.push_back("Funnel: " + w);
  for (const std::string& w : split.warnings())
    if (std::find(all.warnings().begin(), all.warnings().end(), w) ==
        all.warnings().end())
      ctx->warnings.push_back("Funnel by " + by_segment.by + ": " + w);

  Section s{"funnel", "Funnel", "", {}};
  std::string& h = s.html;
  h += by_segment.strict
           ? "<p>People with a recorded entry in each stage of the funnel"
           : "<p>People reaching each stage of the funnel (a person who "
             "skipped a stage counts as having passed it)";
  h += "; the conversion is the share of them who reached the next stage";
  if (by_segment.within_ms >= 0)
    h += " within " + FormatNumber(static_cast<double>(by_segment.within_ms) /
                                       kMillisPerDay, 1) + " days";
  h += ".</p>\n";
  std::vector<SegmentFunnel> overall_segments = SegmentsOf(all);
  if (overall_segments.empty() || overall_segments[0].bars.empty()) {
    h += "<p class=\"muted\">No stage entries were loaded, so there is no "
         "funnel to show.</p>\n";
    return s;
  }
  h += FunnelChartSvg(overall_segments[0]);

  const std::string by_name = by_segment.by.empty() ? "segment" : by_segment.by;
  s.tables.push_back({"People reaching each stage", all});
  s.tables.push_back({"By " + by_name, split});
  h += "<h3>By " + HtmlEscape(by_name) + "</h3>\n";
  h += HtmlTable(split);
  if (!by_segment.by.empty() && !by_segment.cohort_month) {
    h += "<h3>Funnel shape by " + HtmlEscape(by_name) + "</h3>\n";
    h += SmallMultiplesHtml(SegmentsOf(split), 12);
  }
  return s;
}

}  // namespace

// ---- Sections and page -------------------------------------------------------

// Later analyses append their function here; every report format follows.
Result<std::vector<Section>> BuildSections(ReportContext* ctx) {
  std::vector<Section> sections;
  for (auto* section : {ScorecardSection, FunnelSection, HandoffSection, AttributionSection,
                        SpendSection, DealsSection, ScoringSection}) {
    BATON_ASSIGN_OR_RETURN(Section s, section(ctx));
    sections.push_back(std::move(s));
  }
  return sections;
}

namespace {

std::string SummaryHtml(const ReportContext& ctx) {
  const Workspace& ws = ctx.ws;
  std::string h = "<section class=\"summary\">\n<h2>Data</h2>\n";
  h += "<table class=\"data compact\"><thead><tr><th>table</th><th "
       "class=\"num\">rows</th></tr></thead><tbody>\n";
  auto row = [&](const char* name, size_t n) {
    h += std::string("<tr><td>") + name + "</td><td class=\"num\">" +
         FormatCount(static_cast<int64_t>(n)) + "</td></tr>\n";
  };
  row("people", ws.num_people());
  row("touches", ws.touches().size());
  row("stages", ws.stages().size());
  row("deals", ws.deals().size());
  row("spend", ws.spend().size());
  if (ws.paths().size() > 0) row("paths", ws.paths().size());
  h += "</tbody></table>\n";
  if (ws.min_time() != kNoTime)
    h += "<p>Dates from <b>" + FormatDate(ws.min_time()) + "</b> to <b>" +
         FormatDate(ws.max_time()) + "</b> (UTC).</p>\n";
  else
    h += "<p class=\"muted\">The data has no dates.</p>\n";

  if (!ws.load_stats().empty()) {
    h += "<h3>Loaded</h3>\n<table class=\"data compact\"><thead><tr><th>"
         "connector</th><th>table</th><th>file</th><th class=\"num\">rows "
         "read</th><th class=\"num\">accepted</th><th "
         "class=\"num\">rejected</th><th>rejects file</th></tr></thead><tbody>\n";
    for (const LoadStat& l : ws.load_stats()) {
      h += "<tr><td>" + HtmlEscape(l.connector) + "</td><td>" + HtmlEscape(l.table) +
           "</td><td>" + HtmlEscape(l.file) + "</td><td class=\"num\">" +
           FormatCount(l.rows_read) + "</td><td class=\"num\">" +
           FormatCount(l.rows_accepted) + "</td><td class=\"num" +
           (l.rows_rejected > 0 ? " warn" : "") + "\">" +
           FormatCount(l.rows_rejected) + "</td><td>" + HtmlEscape(l.rejects_file) +
           "</td></tr>\n";
    }
    h += "</tbody></table>\n";
  }
  if (!ws.notes().empty() || !ctx.warnings.empty()) {
    h += "<h3>Notes</h3>\n<ul class=\"notes\">\n";
    for (const std::string& n : ws.notes()) h += "<li>" + HtmlEscape(n) + "</li>\n";
    for (const std::string& w : ctx.warnings)
      h += "<li class=\"warn\">" + HtmlEscape(w) + "</li>\n";
    h += "</ul>\n";
  }
  h += "</section>\n";
  return h;
}

// System fonts only: the page must open offline, exactly as written.
const char kStyle[] = R"css(
:root { --ink: #1d2733; --muted: #5b6b7b; --rule: #d8dee6; --band: #f4f6f9; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 32px 48px;
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--rule); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p { margin: 6px 0; }
.muted { color: var(--muted); }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0; }
.tile { width: 200px; padding: 10px 12px; background: var(--band); border-radius: 4px; }
.tile .kpi { font-weight: 600; }
.tile .value { font-size: 24px; }
.tile .status { font-weight: 600; }
ul.reading li { margin: 3px 0; }
nav.toc ol { margin: 4px 0; padding-left: 20px; }
nav.toc a { color: #2f5d8a; text-decoration: none; }
table.data { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
table.data th, table.data td { padding: 3px 10px; border-bottom: 1px solid var(--rule);
  text-align: left; vertical-align: top; }
table.data th { background: var(--band); font-weight: 600; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.data tbody tr:hover { background: #fafbfc; }
.null { color: #a0aab4; }
.warn { color: #9a4a00; }
ul.notes { margin: 4px 0; padding-left: 20px; }
svg text { font-family: inherit; font-size: 13px; fill: var(--ink); }
svg text.stage { font-weight: 600; }
svg text.small { font-size: 11px; }
.multiples { display: flex; flex-wrap: wrap; gap: 8px 20px; }
figure.multiple { margin: 0; }
figure.multiple figcaption { font-size: 12px; color: var(--muted); }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
)css";

std::string RenderPage(const ReportOptions& report, const std::string& summary,
                       const std::vector<Section>& sections) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>" +
      HtmlEscape(report.title) + "</title>\n<style>" + kStyle +
      "</style>\n</head>\n<body>\n<header>\n<h1>" + HtmlEscape(report.title) +
      "</h1>\n</header>\n";
  page += summary;
  page += "<nav class=\"toc\">\n<h2>Contents</h2>\n<ol>\n";
  for (const Section& s : sections)
    page += "<li><a href=\"#" + HtmlEscape(s.id) + "\">" + HtmlEscape(s.title) +
            "</a></li>\n";
  page += "</ol>\n</nav>\n";
  for (const Section& s : sections)
    page += "<section id=\"" + HtmlEscape(s.id) + "\">\n<h2>" + HtmlEscape(s.title) +
            "</h2>\n" + s.html + "</section>\n";
  // No generation time: the same data gives the same file.
  page += "<footer>Made by Baton";
#ifdef BATON_VERSION
  page += std::string(" ") + BATON_VERSION;
#endif
  page += ".</footer>\n</body>\n</html>\n";
  return page;
}

std::string Errno(int err) { return std::strerror(err); }

}  // namespace

Status WriteHtmlReport(const Workspace& ws, const std::string& path,
                       const std::map<std::string, std::string>& options) {
  if (!ws.frozen())
    return Status::FailedPrecondition(
        "the report needs a frozen workspace: call Freeze() after loading");
  BATON_ASSIGN_OR_RETURN(ReportOptions report, ParseReportOptions(options));
  ReportContext ctx{ws, options, {}};
  BATON_ASSIGN_OR_RETURN(std::vector<Section> sections, BuildSections(&ctx));
  return WriteFileAtomically(path, RenderPage(report, SummaryHtml(ctx), sections));
}

Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  if (path.empty())
    return Status::InvalidArgument("the output path is empty; name a file to write");
  const std::string temp =
      path + ".tmp." + std::to_string(static_cast<long>(::getpid()));
  auto fail = [&](const std::string& what, int err, bool remove) {
    if (remove) ::unlink(temp.c_str());
    return Status::IoError("cannot write " + path + ": " + what + ": " + Errno(err) +
                           "; check that the folder exists and is writable");
  };
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot create the temporary file " + temp, errno, false);
  const char* data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      ::close(fd);
      return fail("writing " + temp, err, true);
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  // Durable before it is visible; file systems without fsync say EINVAL.
  if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
    int err = errno;
    ::close(fd);
    return fail("syncing " + temp, err, true);
  }
  if (::close(fd) != 0) return fail("closing " + temp, errno, true);
  if (::rename(temp.c_str(), path.c_str()) != 0)
    return fail("renaming " + temp + " into place", errno, true);
  return Status::OK();
}

}  // namespace baton

// The report's sections (private to core/report).
//
// The report is a list of sections, each written by one function from the
// workspace; a new analysis joins the report by declaring its function here,
// writing it in its own file, and appending it to BuildSections in
// report.cc. Each function runs its analysis with the report's options and
// returns an already-escaped HTML body, and the result tables it shows, so
// every report format (HTML, XLSX) runs the same analyses with the same
// options.
#ifndef BATON_REPORT_SECTIONS_H_
#define BATON_REPORT_SECTIONS_H_

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/workspace.h"
#include "table/table.h"

namespace baton {

// A result table a section shows, with a caption in plain text.
struct SectionTable {
  std::string caption;
  Table table;
};

struct Section {
  std::string id;     // anchor, unique, [a-z0-9-]
  std::string title;  // plain text (escaped when rendered)
  std::string html;   // the body, already escaped
  // The tables behind the section, the one its chart draws first; empty when
  // the workspace does not support the analysis (html then says why).
  std::vector<SectionTable> tables;
};

// What every section reads, and where it leaves the warnings the summary
// shows at the top.
struct ReportContext {
  const Workspace& ws;
  const std::map<std::string, std::string>& options;
  std::vector<std::string> warnings;
};

// Every section of the report, in order, run on ctx->ws with ctx->options.
// Errors: the first failing analysis's (an invalid option, mostly).
Result<std::vector<Section>> BuildSections(ReportContext* ctx);

// An SVG coordinate: one decimal at most, no thousands separator.
std::string Px(double v);

// A colour of the report's categorical palette (cycles).
const char* SeriesColor(size_t i);

// Who gets credit: the models side by side per channel, with a reading of
// where they disagree. An empty optional-like section (html says why) when
// nothing converted.
Result<Section> AttributionSection(ReportContext* ctx);

// The shared KPIs (report option scorecard.config names the [scorecard]
// file): a status tile per KPI for its latest period, then every period.
Result<Section> ScorecardSection(ReportContext* ctx);
// Response-time histogram, win rate by response, the hand-off table by
// segment and the top rejection reasons per campaign.
Result<Section> HandoffSection(ReportContext* ctx);
// ROI bars and cost per stage per channel.
Result<Section> SpendSection(ReportContext* ctx);
// Pipeline and outcomes per owner.
Result<Section> DealsSection(ReportContext* ctx);
// Lead scoring (options scoring.*): lift by decile, calibration, the
// capacity threshold next to today's rule (half today's volume as an example
// when scoring.capacity is not set) and the top odds ratios. When scoring is
// impossible (no labelled history, one class only) the html says why and
// tables is empty. InvalidArgument only for bad scoring.* options.
Result<Section> ScoringSection(ReportContext* ctx);

}  // namespace baton

#endif  // BATON_REPORT_SECTIONS_H_

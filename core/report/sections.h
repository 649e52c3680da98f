// The report's sections (private to core/report).
//
// The report is a list of sections, each written by one function from the
// workspace; a new analysis joins the report by declaring its function here,
// writing it in its own file, and appending it to BuildSections in
// report.cc. Each function runs its analysis with the report's options and
// returns an already-escaped HTML body.
#ifndef BATON_REPORT_SECTIONS_H_
#define BATON_REPORT_SECTIONS_H_

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/workspace.h"

namespace baton {

struct Section {
  std::string id;     // anchor, unique, [a-z0-9-]
  std::string title;  // plain text (escaped when rendered)
  std::string html;   // the body, already escaped
};

// What every section reads, and where it leaves the warnings the summary
// shows at the top.
struct ReportContext {
  const Workspace& ws;
  const std::map<std::string, std::string>& options;
  std::vector<std::string> warnings;
};

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

}  // namespace baton

#endif  // BATON_REPORT_SECTIONS_H_

// The XLSX report: the alignment report as an Excel workbook with native
// charts, for people who take the numbers further in a spreadsheet.
//
// The workbook holds the same analyses, run with the same options, as the
// HTML report (both follow BuildSections in sections.h): a first sheet
// "About" (title, source, generation time, the sheets), then one sheet per
// analysis the workspace supports, in the HTML report's order: Scorecard,
// Funnel, Hand-off, Attribution, Spend, Deals, Scores (an analysis the data
// cannot support gets no sheet; the About sheet says why). Each sheet holds the
// analysis's main table at A1 (bold frozen header row, autofilter, a number
// format per column, timestamps as real Excel dates, columns as wide as
// their longest value), its other tables below it, and a native chart
// beside it.
//
// Ownership: the caller owns the workspace; nothing is kept after the call.
// Thread-safety: a pure function of a frozen workspace; any number of
// threads may write reports at once (to different paths).
#ifndef BATON_REPORT_XLSX_REPORT_H_
#define BATON_REPORT_XLSX_REPORT_H_

#include <map>
#include <string>

#include "common/status.h"
#include "model/workspace.h"

namespace baton {

// Runs every analysis the frozen workspace supports and writes the workbook
// to `path`, first under a temporary name in the same folder
// (PATH.tmp-PID-N), then renamed into place, so a failure never leaves half
// a workbook, nor the temporary file. Options: those of the HTML report, i.e.
// the analyses' own (funnel.by, ...) and report.title (default "Baton
// alignment report"); the About sheet names the loaded files as the source.
// Errors: FailedPrecondition unless ws.frozen(); InvalidArgument for an
// empty path or an option an analysis rejects; IoError naming the path when
// the workbook cannot be written (a missing folder, no permission, a full
// disk). Since: 1.0
Status WriteXlsxReport(const Workspace& ws, const std::string& path,
                       const std::map<std::string, std::string>& options);

}  // namespace baton

#endif  // BATON_REPORT_XLSX_REPORT_H_

// The HTML report: one self-contained file (no network) with every analysis
// the workspace supports, tables and SVG charts a person reads at a glance.
//
// WriteHtmlReport runs the analyses on a frozen workspace with the given
// options (funnel.by, ..., report.title) and writes `path` through a
// temporary file renamed into place, so a failure never leaves half a report.
#ifndef BATON_REPORT_REPORT_H_
#define BATON_REPORT_REPORT_H_

#include <map>
#include <string>

#include "common/status.h"
#include "model/workspace.h"

namespace baton {

Status WriteHtmlReport(const Workspace& ws, const std::string& path,
                       const std::map<std::string, std::string>& options);

// Writes `contents` to `path` atomically (temporary name in the same
// folder, then rename). IoError naming the path on failure.
Status WriteFileAtomically(const std::string& path, const std::string& contents);

}  // namespace baton

#endif  // BATON_REPORT_REPORT_H_

// Test-only helpers shared by the report tests (report_test.cc,
// xlsx_report_test.cc): a fresh temporary folder per test, and the ten-person
// funnel both build their workspaces on. Not part of baton_core: only
// *_test.cc files include it.
//
// Ownership and threads: plain functions; the caller owns the folders and
// workspaces they fill. One test at a time.
#ifndef BATON_CORE_REPORT_REPORT_TEST_SUPPORT_H_
#define BATON_CORE_REPORT_REPORT_TEST_SUPPORT_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "model/timestamp.h"
#include "model/workspace.h"

namespace baton::report_test {

// An empty folder "<tmp>/<prefix>_<pid>_<name>", emptied first if it exists.
inline std::filesystem::path TempDir(const std::string& prefix, const std::string& name) {
  namespace fs = std::filesystem;
  fs::path p = fs::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// 2025-01-01T00:00Z: the day every person of AddTenPersonFunnel enters inquiry.
inline int64_t FunnelStart() { return DaysFromCivil(2025, 1, 1) * kMillisPerDay; }

// Adds people p1..p10 with source sources[i] for p(i+1) (ten entries), all
// entering inquiry on FunnelStart(), and these stages (days after it):
//   p1   mql +1, sal +2, sql +3, opportunity +4, won +5
//   p2   mql +2, sal +3, sql +4
//   p3   mql +3, sal +4
//   p4   mql +4
//   p5, p6   -
//   p7   mql +5, sal +6, sql +7, won +9 (skips opportunity)
//   p8   mql +6
//   p9, p10  -
// The workspace is not frozen: callers add more rows first.
inline void AddTenPersonFunnel(Workspace* ws, const std::vector<std::string>& sources) {
  ASSERT_EQ(sources.size(), 10u);
  const int64_t t0 = FunnelStart();
  const std::vector<std::vector<int>> days = {
      {0, 1, 2, 3, 4, 5}, {0, 2, 3, 4}, {0, 3, 4}, {0, 4}, {0}, {0},
      {0, 5, 6, 7, -1, 9}, {0, 6}, {0}, {0}};
  const char* const stages[] = {"inquiry", "mql", "sal", "sql", "opportunity", "won"};
  for (size_t i = 0; i < days.size(); ++i) {
    const std::string id = "p" + std::to_string(i + 1);
    PersonRow person;
    person.person_id = id;
    person.source = sources[i];
    ASSERT_TRUE(ws->AddPerson(person).ok());
    for (size_t s = 0; s < days[i].size(); ++s) {
      if (days[i][s] < 0) continue;
      StageRow row;
      row.person_id = id;
      row.stage = ws->stage_map().CodeOf(stages[s]);
      row.at = t0 + days[i][s] * kMillisPerDay;
      ASSERT_TRUE(ws->AddStage(row).ok());
    }
  }
}

}  // namespace baton::report_test

#endif  // BATON_CORE_REPORT_REPORT_TEST_SUPPORT_H_

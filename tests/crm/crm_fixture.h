// Test fixture shared by the CRM connector tests: a fresh temporary export
// folder per test (TempFolderTest: dir_, Put, Path), a Workspace to load it
// into, and readers that turn the loaded tables into text a test can compare
// with a hand-written list.
#ifndef BATON_TESTS_CRM_CRM_FIXTURE_H_
#define BATON_TESTS_CRM_CRM_FIXTURE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "common/temp_folder_test.h"
#include "funnel/funnel.h"
#include "model/timestamp.h"
#include "model/workspace.h"
#include "plugin_host/plugin_host.h"
#include "table/table.h"

namespace baton {

class CrmExportTest : public TempFolderTest {
 protected:
  Status Load(const std::string& connector,
              const std::map<std::string, std::string>& options = {}) {
    return LoadSource(&ws_, connector + ":" + dir_.string(), options, nullptr);
  }

  std::string Label(uint32_t code) const { return std::string(ws_.labels().Get(code)); }
  std::string PersonId(uint32_t p) const { return std::string(ws_.person_ids().Get(p)); }
  uint32_t Person(const std::string& id) const { return ws_.person_ids().Find(id); }

  // Every stage row as "person stage YYYY-MM-DDTHH:MM", sorted.
  std::vector<std::string> StageRows() const {
    std::vector<std::string> out;
    const StageColumns& s = ws_.stages();
    for (size_t i = 0; i < s.size(); ++i)
      out.push_back(PersonId(s.person[i]) + " " + ws_.stage_map().Name(s.stage[i]) +
                    " " + FormatTimestamp(s.at[i]).substr(0, 16));
    std::sort(out.begin(), out.end());
    return out;
  }

  // Every touch as "person side channel|campaign|activity YYYY-MM-DD", sorted.
  std::vector<std::string> TouchRows() const {
    std::vector<std::string> out;
    const TouchColumns& t = ws_.touches();
    for (size_t i = 0; i < t.size(); ++i)
      out.push_back(PersonId(t.person[i]) + " " +
                    SideName(static_cast<Side>(t.side[i])) + " " +
                    Label(t.channel[i]) + "|" + Label(t.campaign[i]) + "|" +
                    Label(t.activity[i]) + " " +
                    FormatTimestamp(t.at[i]).substr(0, 10));
    std::sort(out.begin(), out.end());
    return out;
  }

  // Funnel "reached" per stage name, after freezing the workspace.
  std::map<std::string, int64_t> Reached() {
    std::map<std::string, int64_t> out;
    Status st = ws_.Freeze();
    EXPECT_TRUE(st.ok()) << st.ToString();
    Result<Table> t = Funnel(ws_, FunnelOptions{});
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    if (!t.ok()) return out;
    const int stage = t->ColumnIndex("stage"), reached = t->ColumnIndex("reached");
    for (size_t r = 0; r < t->num_rows(); ++r)
      out[t->CellText(static_cast<size_t>(stage), r)] =
          t->column(static_cast<size_t>(reached)).ints[r];
    return out;
  }

  bool HasNoteContaining(const std::string& text) const {
    for (const auto& n : ws_.notes())
      if (n.find(text) != std::string::npos) return true;
    return false;
  }

  Workspace ws_;
};

}  // namespace baton

#endif  // BATON_TESTS_CRM_CRM_FIXTURE_H_

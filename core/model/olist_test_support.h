// Test support (header-only, included only by *_test.cc): the real Olist
// marketing funnel from ../shared/data as a workspace, for the tests that
// check analyses against figures computed independently with pandas.
#ifndef BATON_MODEL_OLIST_TEST_SUPPORT_H_
#define BATON_MODEL_OLIST_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/timestamp.h"
#include "model/workspace.h"

namespace baton {
namespace testing_support {

// The first `fields` comma-separated fields of each data line of a CSV
// file; the columns read here never hold quotes (checked).
inline std::vector<std::vector<std::string>> ReadFields(const std::string& path,
                                                        size_t fields) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    std::stringstream ss(line);
    std::string field;
    while (row.size() < fields && std::getline(ss, field, ',')) {
      EXPECT_EQ(field.find('"'), std::string::npos) << line;
      row.push_back(field);
    }
    while (row.size() < fields) row.emplace_back();
    rows.push_back(std::move(row));
  }
  return rows;
}

// Fills `ws` (not frozen) with Olist's 8,000 MQLs (person, origin as source,
// an mql entry at first_contact_date) and the 842 won deals' won entries at
// won_date. Failures are reported as test failures.
inline void LoadOlistFunnel(Workspace* ws) {
  const std::string dir =
      std::string(BATON_SHARED_DATA_DIR) + "/olist_marketing_funnel/";
  const int mql = ws->stage_map().CodeOf("mql");
  const int won = ws->stage_map().CodeOf("won");
  for (const auto& r :
       ReadFields(dir + "olist_marketing_qualified_leads_dataset.csv", 4)) {
    PersonRow person;
    person.person_id = r[0];
    person.source = r[3];
    EXPECT_TRUE(ws->AddPerson(person).ok());
    StageRow stage;
    stage.person_id = r[0];
    stage.stage = mql;
    EXPECT_TRUE(ParseTimestamp(r[1], &stage.at)) << r[1];
    EXPECT_TRUE(ws->AddStage(stage).ok());
  }
  for (const auto& r : ReadFields(dir + "olist_closed_deals_dataset.csv", 5)) {
    StageRow stage;
    stage.person_id = r[0];
    stage.stage = won;
    EXPECT_TRUE(ParseTimestamp(r[4], &stage.at)) << r[4];
    EXPECT_TRUE(ws->AddStage(stage).ok());
  }
}

}  // namespace testing_support
}  // namespace baton

#endif  // BATON_MODEL_OLIST_TEST_SUPPORT_H_

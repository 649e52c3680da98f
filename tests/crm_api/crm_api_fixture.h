// Test fixture shared by the API connector tests (salesforce, hubspot,
// pipedrive): the CRM export fixture (crm_fixture.h: a temporary folder, a
// Workspace and its readers) plus a local fixture server started for each
// test, and the connector's token set in the environment for the test only.
//
// Ownership and threads: the fixture owns its server; the token variable is
// process state, set in SetUp and removed in TearDown, so these tests must
// not run in parallel threads of one process (ctest runs each test in its own
// process).
#ifndef BATON_TESTS_CRM_API_CRM_API_FIXTURE_H_
#define BATON_TESTS_CRM_API_CRM_API_FIXTURE_H_

#include <cstdlib>
#include <map>
#include <string>

#include "crm_fixture.h"
#include "fixture_server.h"
#include "table/table.h"

namespace baton {

class CrmApiTest : public CrmExportTest {
 protected:
  // `token_variable` (e.g. "HUBSPOT_ACCESS_TOKEN") holds `token` during each
  // test. Both must be string literals (they are kept, not copied).
  CrmApiTest(const char* token_variable, const char* token)
      : token_variable_(token_variable), token_(token) {}

  void SetUp() override {
    CrmExportTest::SetUp();
    std::string error;
    ASSERT_TRUE(server_.Start(&error)) << error;
    setenv(token_variable_, token_, 1);
  }
  void TearDown() override {
    server_.Stop();
    unsetenv(token_variable_);
    CrmExportTest::TearDown();
  }

  // Loads "<connector>+<the server's URL>" into `ws` with `options`, plus
  // insecure_http_for_tests=1 (the server speaks plain http on 127.0.0.1)
  // and retry_backoff=`backoff` seconds unless `options` sets it: short
  // waits keep retrying tests quick; Retry-After is still honoured.
  Status LoadFromServer(Workspace* ws, const std::string& connector,
                        std::map<std::string, std::string> options,
                        const char* backoff = "0.05") {
    options.emplace("insecure_http_for_tests", "1");
    options.emplace("retry_backoff", backoff);
    return LoadSource(ws, connector + "+" + server_.base_url(), options, nullptr);
  }

  // The integer / float in the first row of `column` of `t` (a one-row
  // summary such as the hand-off table).
  static int64_t FirstInt(const Table& t, const char* column) {
    return t.column(static_cast<size_t>(t.ColumnIndex(column))).ints[0];
  }
  static double FirstFloat(const Table& t, const char* column) {
    return t.column(static_cast<size_t>(t.ColumnIndex(column))).doubles[0];
  }

  fixture::FixtureServer server_;

 private:
  const char* token_variable_;
  const char* token_;
};

}  // namespace baton

#endif  // BATON_TESTS_CRM_API_CRM_API_FIXTURE_H_

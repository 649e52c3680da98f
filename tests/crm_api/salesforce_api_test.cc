// The salesforce connector's API path end to end: a local fixture server
// answers as a Salesforce org's REST API (query with nextRecordsUrl paging)
// and Bulk API 2.0 (query jobs, CSV result pages with Sforce-Locator) would,
// and each test loads "salesforce+http://127.0.0.1:PORT" through the plugin
// host (baton::LoadSource) with insecure_http_for_tests=1.
//
// The data is the small org of the export-folder test (tests/crm): four
// leads (one converted into a contact and an opportunity), a second contact,
// three opportunities, three campaigns, members, tasks and an event. The
// same records are also written as an export folder, and both paths must
// give the same tables.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "crm_api_fixture.h"
#include "handoff/handoff.h"

namespace baton {
namespace {

using fixture::FixtureResponse;
using fixture::RecordedRequest;

constexpr const char* kToken = "00DTEST0000001!AQ0AQTestAccessTokenValue42";
constexpr const char* kQueryPath = "/services/data/v59.0/query";
constexpr const char* kJobsPath = "/services/data/v59.0/jobs/query";

// One object of the org: the fields the connector queries, and its records
// ("" is null).
struct SObject {
  std::string name;
  std::vector<std::string> fields;
  std::vector<std::vector<std::string>> rows;
};

std::vector<SObject> Org() {
  const std::string t = "T00:00:00.000+0000";
  return {
      {"Campaign",
       {"Id", "Name", "Type", "StartDate", "EndDate", "ActualCost"},
       {{"701A", "Webinar J\xC3\xA4n", "Webinar", "2024-01-01", "2024-01-31", "1500.5"},
        {"701B", "Trade Show", "Event", "2024-02-01", "2024-02-03", ""},
        {"701C", "Search Q1", "Paid Search", "2024-01-01", "2024-03-31", "2500"}}},
      {"Lead",
       {"Id", "CreatedDate", "LeadSource", "OwnerId", "Email", "Status", "IsConverted",
        "ConvertedDate", "ConvertedContactId", "ConvertedAccountId", "ConvertedOpportunityId"},
       {{"00Q1", "2024-01-02T09:00:00.000+0000", "Web", "005A", "ana@x.test",
         "Closed - Converted", "true", "2024-01-20", "003C1", "001A1", "006O1"},
        {"00Q2", "2024-01-05T10:00:00.000+0000", "Webinar", "005A", "", "Working - Contacted",
         "false", "", "", "", ""},
        {"00Q3", "2024-01-10T12:00:00.000+0000", "", "005B", "", "Open - Not Contacted",
         "false", "", "", "", ""},
        {"00Q4", "2024-01-11T08:00:00.000+0000", "Web", "005B", "", "Closed - Not Converted",
         "false", "", "", "", ""}}},
      {"LeadHistory",
       {"LeadId", "Field", "OldValue", "NewValue", "CreatedDate"},
       {{"00Q2", "Status", "Open - Not Contacted", "Working - Contacted",
         "2024-01-08T10:00:00.000+0000"}}},
      {"Contact",
       {"Id", "AccountId", "CreatedDate", "LeadSource", "OwnerId", "Email"},
       {{"003C1", "001A1", "2024-01-20" + t, "Partner", "005A", "ana@x.test"},
        {"003C2", "", "2024-02-01" + t, "Partner", "005C", "eve@x.test"}}},
      {"Opportunity",
       {"Id", "AccountId", "ContactId", "StageName", "Amount", "CloseDate", "CreatedDate",
        "IsWon", "IsClosed", "OwnerId", "LeadSource", "CampaignId"},
       {{"006O1", "001A1", "", "Closed Won", "1200", "2024-02-15", "2024-01-20" + t, "true",
         "true", "005A", "Web", "701A"},
        {"006O2", "001A2", "003C2", "Closed Lost", "300", "2024-03-01", "2024-02-05" + t,
         "false", "true", "005C", "Partner", ""},
        {"006O3", "001A3", "", "Qualification", "5000", "2024-06-30", "2024-02-06" + t,
         "false", "false", "005B", "", "701C"}}},
      {"OpportunityHistory",
       {"OpportunityId", "StageName", "CreatedDate"},
       {{"006O1", "Prospecting", "2024-01-20" + t},
        {"006O1", "Closed Won", "2024-02-15" + t},
        {"006O2", "Prospecting", "2024-02-05" + t},
        {"006O3", "Qualification", "2024-02-06" + t}}},
      {"CampaignMember",
       {"CampaignId", "LeadId", "ContactId", "FirstRespondedDate", "CreatedDate"},
       {{"701A", "00Q1", "003C1", "2024-01-15", "2024-01-03" + t},
        {"701A", "00Q2", "", "", "2024-01-06" + t},
        {"701C", "", "003C2", "2024-02-02", "2024-02-01" + t},
        {"701B", "", "003C1", "", "2024-02-01" + t},
        {"701B", "", "", "", "2024-02-01" + t}}},
      {"Task",
       {"WhoId", "TaskSubtype", "Type", "ActivityDate", "CreatedDate"},
       {{"00Q2", "Call", "", "2024-01-09", "2024-01-09T08:00:00.000+0000"},
        {"003C1", "Email", "", "", "2024-01-25T10:00:00.000+0000"},
        {"", "Task", "Other", "2024-01-26", "2024-01-26" + t},
        {"003C2", "Task", "Meeting", "2024-02-03", "2024-02-03" + t}}},
      {"Event",
       {"WhoId", "StartDateTime", "ActivityDateTime", "ActivityDate", "CreatedDate"},
       {{"00Q1", "2024-01-22T15:00:00.000+0000", "2024-01-22T15:00:00.000+0000", "2024-01-22",
         "2024-01-21" + t}}},
  };
}

// A record as the REST API returns it: attributes first, booleans and
// numbers typed, null for empty.
nlohmann::json Record(const SObject& o, const std::vector<std::string>& row, size_t index) {
  nlohmann::json rec = nlohmann::json::object();
  rec["attributes"] = {{"type", o.name},
                       {"url", "/services/data/v59.0/sobjects/" + o.name + "/X" +
                                   std::to_string(index)}};
  for (size_t i = 0; i < o.fields.size(); ++i) {
    const std::string& f = o.fields[i];
    const std::string& v = row[i];
    if (v.empty()) {
      rec[f] = nullptr;
    } else if (f.rfind("Is", 0) == 0) {
      rec[f] = v == "true";
    } else if (f == "Amount" || f == "ActualCost") {
      rec[f] = std::stod(v);
    } else {
      rec[f] = v;
    }
  }
  return rec;
}

// A query response with records [from, to) of `o`.
std::string QueryPage(const SObject& o, size_t from, size_t to, const std::string& next) {
  nlohmann::json page = {{"totalSize", o.rows.size()}, {"done", next.empty()}};
  if (!next.empty()) page["nextRecordsUrl"] = next;
  page["records"] = nlohmann::json::array();
  for (size_t r = from; r < to && r < o.rows.size(); ++r)
    page["records"].push_back(Record(o, o.rows[r], r));
  return page.dump();
}

std::string CsvQuote(const std::string& v) {
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Records [from, to) of `o` as a Bulk API 2.0 result page (or an export
// file): a header line, then every value quoted, nulls empty.
std::string Csv(const SObject& o, size_t from, size_t to) {
  std::string out;
  for (size_t i = 0; i < o.fields.size(); ++i) out += (i ? "," : "") + CsvQuote(o.fields[i]);
  out += "\n";
  for (size_t r = from; r < to && r < o.rows.size(); ++r) {
    for (size_t i = 0; i < o.fields.size(); ++i)
      out += (i ? "," : "") + (o.rows[r][i].empty() ? std::string() : CsvQuote(o.rows[r][i]));
    out += "\n";
  }
  return out;
}

// Routes are tried in registration order and "FROM Lead" is a prefix of
// "FROM LeadHistory": register longer object names first.
std::vector<SObject> LongestNameFirst(std::vector<SObject> org) {
  std::stable_sort(org.begin(), org.end(), [](const SObject& a, const SObject& b) {
    return a.name.size() > b.name.size();
  });
  return org;
}

class SalesforceApi : public CrmApiTest {
 protected:
  SalesforceApi() : CrmApiTest("SALESFORCE_ACCESS_TOKEN", kToken) {}

  // Every object answers its query in one page, except Lead: two pages of
  // two records, the second behind a nextRecordsUrl.
  void ServeRest() {
    for (const SObject& o : LongestNameFirst(Org())) {
      if (o.name == "Lead") {
        server_.On("GET", std::string(kQueryPath) + "/01gLEAD-2",
                   {FixtureResponse::Json(QueryPage(o, 2, 4, ""))});
        server_.OnParam("GET", kQueryPath, "q", "FROM Lead",
                        {FixtureResponse::Json(
                            QueryPage(o, 0, 2, std::string(kQueryPath) + "/01gLEAD-2"))});
      } else {
        server_.OnParam("GET", kQueryPath, "q", "FROM " + o.name,
                        {FixtureResponse::Json(QueryPage(o, 0, o.rows.size(), ""))});
      }
    }
  }

  Status LoadApi(Workspace* ws, std::map<std::string, std::string> options = {}) {
    options.emplace("bulk_poll_interval", "0.01");
    return LoadFromServer(ws, "salesforce", std::move(options), "0.01");
  }

  // The requests of the query for `object` (its q names FROM object, and
  // not a longer name).
  std::vector<RecordedRequest> Queries(const std::string& object) const {
    std::vector<RecordedRequest> out;
    for (const RecordedRequest& r : server_.Requests("GET", kQueryPath)) {
      const std::string q = r.Param("q");
      size_t at = q.find("FROM " + object);
      if (at == std::string::npos) continue;
      size_t end = at + 5 + object.size();
      if (end == q.size() || q[end] == ' ') out.push_back(r);
    }
    return out;
  }

  // As CrmExportTest::StageRows and TouchRows, for another workspace.
  static std::vector<std::string> StageRowsOf(const Workspace& ws) {
    std::vector<std::string> out;
    const StageColumns& st = ws.stages();
    for (size_t i = 0; i < st.size(); ++i)
      out.push_back(std::string(ws.person_ids().Get(st.person[i])) + " " +
                    ws.stage_map().Name(st.stage[i]) + " " +
                    FormatTimestamp(st.at[i]).substr(0, 16));
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::vector<std::string> TouchRowsOf(const Workspace& ws) {
    std::vector<std::string> out;
    const TouchColumns& t = ws.touches();
    auto label = [&ws](uint32_t code) { return std::string(ws.labels().Get(code)); };
    for (size_t i = 0; i < t.size(); ++i)
      out.push_back(std::string(ws.person_ids().Get(t.person[i])) + " " +
                    SideName(static_cast<Side>(t.side[i])) + " " + label(t.channel[i]) + "|" +
                    label(t.campaign[i]) + "|" + label(t.activity[i]) + " " +
                    FormatTimestamp(t.at[i]).substr(0, 10));
    std::sort(out.begin(), out.end());
    return out;
  }

  // Every deal as "id person won closed amount campaign closed_at".
  std::vector<std::string> DealRows(const Workspace& ws) const {
    std::vector<std::string> out;
    const DealColumns& d = ws.deals();
    for (size_t i = 0; i < d.size(); ++i) {
      char amount[32];
      std::snprintf(amount, sizeof amount, "%.2f", d.amount[i]);
      out.push_back(std::string(ws.labels().Get(d.id[i])) + " " +
                    (d.person[i] == kNoPerson ? std::string("-")
                                              : std::string(ws.person_ids().Get(d.person[i]))) +
                    " " + std::to_string(d.is_won[i]) + std::to_string(d.is_closed[i]) + " " +
                    amount + " " + std::string(ws.labels().Get(d.campaign[i])) + " " +
                    (d.closed_at[i] == kNoTime ? "-" : FormatTimestamp(d.closed_at[i])));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Checks the figures worked out by hand for Org() (see each comment).
  void ExpectOrgFigures() {
    // People: leads 00Q1..00Q4 and contact 003C2; contact 003C1 is lead 00Q1.
    EXPECT_EQ(ws_.num_people(), 5u);
    EXPECT_EQ(Person("003C1"), Dictionary::kNotFound);
    EXPECT_EQ(Label(ws_.people().source[Person("00Q1")]), "Web");
    EXPECT_EQ(Label(ws_.people().account[Person("00Q1")]), "001A1");
    // Stages: 00Q1 converted (sql at ConvertedDate, its status not dated at
    // CreatedDate), opportunity history Prospecting and Closed Won; 00Q2's
    // history: first OldValue (mql) at CreatedDate, then sal; 00Q3 mql;
    // 00Q4 rejected; 003C2 Prospecting of 006O2.
    EXPECT_EQ(StageRows(), (std::vector<std::string>{
                               "003C2 opportunity 2024-02-05T00:00",
                               "00Q1 opportunity 2024-01-20T00:00",
                               "00Q1 sql 2024-01-20T00:00",
                               "00Q1 won 2024-02-15T00:00",
                               "00Q2 mql 2024-01-05T10:00",
                               "00Q2 sal 2024-01-08T10:00",
                               "00Q3 mql 2024-01-10T12:00",
                               "00Q4 rejected 2024-01-11T08:00",
                           }));
    // Touches: members (00v5 has no person), tasks (00T3 has no WhoId),
    // the event a meeting.
    EXPECT_EQ(TouchRows(), (std::vector<std::string>{
                               "003C2 marketing Paid Search|Search Q1| 2024-02-02",
                               "003C2 sales ||meeting 2024-02-03",
                               "00Q1 marketing Event|Trade Show| 2024-02-01",
                               "00Q1 marketing Webinar|Webinar J\xC3\xA4n| 2024-01-15",
                               "00Q1 sales ||email 2024-01-25",
                               "00Q1 sales ||meeting 2024-01-22",
                               "00Q2 marketing Webinar|Webinar J\xC3\xA4n| 2024-01-06",
                               "00Q2 sales ||call 2024-01-09",
                           }));
    // Deals: 006O1 won by 00Q1 (the lead converted into it), 006O2 lost by
    // its ContactId 003C2, 006O3 open (no person, CloseDate only expected).
    EXPECT_EQ(DealRows(ws_), (std::vector<std::string>{
                                 "006O1 00Q1 11 1200.00 Webinar J\xC3\xA4n 2024-02-15T00:00:00Z",
                                 "006O2 003C2 01 300.00  2024-03-01T00:00:00Z",
                                 "006O3 - 00 5000.00 Search Q1 -",
                             }));
    // Spend: 1500.5 + 2500 (the Trade Show has no ActualCost).
    EXPECT_DOUBLE_EQ(std::accumulate(ws_.spend().amount.begin(), ws_.spend().amount.end(), 0.0),
                     4000.5);
    // Funnel: furthest stage 00Q1 won, 00Q2 sal, 00Q3 mql, 003C2
    // opportunity (00Q4 only an exit); skipped stages count as passed.
    EXPECT_EQ(Reached(), (std::map<std::string, int64_t>{
                             {"mql", 4}, {"sal", 3}, {"sql", 2}, {"opportunity", 2}, {"won", 1}}));
    // Hand-off (mql, SLA 24 h): 00Q2 at 01-05 10:00, first sales touch the
    // call on 01-09 00:00 = 3 d 14 h = 86 h, not within SLA, accepted (next
    // row sal); 00Q3 at 01-10 12:00 never touched nor advanced: leaked
    // (30 days pass before the data's last time), no outcome.
    Result<Table> h = Handoff(ws_, HandoffOptions{});
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    ASSERT_EQ(h->num_rows(), 1u);
    auto cell = [&](const char* column) {
      return h->CellText(static_cast<size_t>(h->ColumnIndex(column)), 0);
    };
    EXPECT_EQ(cell("handed_off"), "2");
    EXPECT_EQ(cell("worked"), "1");
    EXPECT_DOUBLE_EQ(FirstFloat(*h, "response_median_hours"), 86.0);
    EXPECT_EQ(cell("within_sla"), "0");
    EXPECT_EQ(cell("leaked"), "1");
    EXPECT_EQ(cell("accepted"), "1");
    EXPECT_EQ(cell("rejected"), "0");
  }
};

TEST_F(SalesforceApi, RestQueriesFollowNextRecordsUrlAndGiveTheHandComputedFigures) {
  ServeRest();
  Status s = LoadApi(&ws_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Nine objects, one query each, plus Lead's second page.
  EXPECT_EQ(server_.Count("GET", kQueryPath), 9u);
  EXPECT_EQ(server_.Count("GET", std::string(kQueryPath) + "/01gLEAD-2"), 1u);
  for (const RecordedRequest& r : server_.Requests())
    EXPECT_EQ(r.Header("Authorization"), std::string("Bearer ") + kToken);
  // The SOQL asks for the fields the mapping reads.
  ASSERT_EQ(Queries("Lead").size(), 1u);
  EXPECT_EQ(Queries("Lead")[0].Param("q"),
            "SELECT Id, CreatedDate, LeadSource, OwnerId, Email, Status, IsConverted, "
            "ConvertedDate, ConvertedContactId, ConvertedAccountId, ConvertedOpportunityId "
            "FROM Lead");
  EXPECT_EQ(Queries("LeadHistory")[0].Param("q"),
            "SELECT LeadId, Field, OldValue, NewValue, CreatedDate FROM LeadHistory "
            "WHERE Field = 'Status'");
  EXPECT_TRUE(HasNoteContaining("Lead 4 records")) << ws_.notes().back();
  ExpectOrgFigures();
}

TEST_F(SalesforceApi, ApiAndExportFolderOfTheSameOrgGiveTheSameTables) {
  ServeRest();
  Status s = LoadApi(&ws_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (const SObject& o : Org()) Put(o.name + ".csv", Csv(o, 0, o.rows.size()));
  Workspace from_export;
  s = LoadSource(&from_export, "salesforce:" + dir_.string(), {}, nullptr);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(StageRowsOf(from_export), StageRows());
  EXPECT_EQ(TouchRowsOf(from_export), TouchRows());
  EXPECT_EQ(DealRows(from_export), DealRows(ws_));
  EXPECT_EQ(from_export.num_people(), ws_.num_people());
  EXPECT_EQ(from_export.spend().size(), ws_.spend().size());
  // And both are the hand-computed tables.
  ExpectOrgFigures();
}

TEST_F(SalesforceApi, BulkQueryJobsReadTwoCsvPagesPerObject) {
  // Each POST creates the job "750<Object>"; Lead's job is InProgress at
  // the first poll; every result set comes in two pages: the first names
  // the locator "L2", the second "null".
  const std::vector<SObject> org = Org();
  server_.OnHandler("POST", kJobsPath, [&org](const RecordedRequest& r) {
    nlohmann::json body = nlohmann::json::parse(r.body);
    std::string query = body["query"];
    std::string object = query.substr(query.find(" FROM ") + 6);
    object = object.substr(0, object.find(' '));
    return FixtureResponse::Json(
        nlohmann::json{{"id", "750" + object}, {"state", "UploadComplete"}, {"object", object}}
            .dump());
  });
  for (const SObject& o : org) {
    const std::string job = std::string(kJobsPath) + "/750" + o.name;
    std::vector<FixtureResponse> states;
    if (o.name == "Lead") states.push_back(FixtureResponse::Json("{\"state\":\"InProgress\"}"));
    states.push_back(FixtureResponse::Json("{\"state\":\"JobComplete\"}"));
    server_.On("GET", job, states);
    const size_t half = (o.rows.size() + 1) / 2;
    server_.OnParam("GET", job + "/results", "locator", "L2",
                    {FixtureResponse::Csv(Csv(o, half, o.rows.size()),
                                          {{"Sforce-Locator", "null"},
                                           {"Sforce-NumberOfRecords",
                                            std::to_string(o.rows.size() - half)}})});
    server_.On("GET", job + "/results",
               {FixtureResponse::Csv(Csv(o, 0, half),
                                     {{"Sforce-Locator", "L2"},
                                      {"Sforce-NumberOfRecords", std::to_string(half)}})});
  }
  Status s = LoadApi(&ws_, {{"bulk", "1"}, {"max_records", "2"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(server_.Count("GET", kQueryPath), 0u);
  EXPECT_EQ(server_.Count("POST", kJobsPath), 9u);
  // Lead: polled twice (InProgress, JobComplete), then two result pages.
  EXPECT_EQ(server_.Count("GET", std::string(kJobsPath) + "/750Lead"), 2u);
  auto pages = server_.Requests("GET", std::string(kJobsPath) + "/750Lead/results");
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].Param("maxRecords"), "2");
  EXPECT_EQ(pages[0].Param("locator"), "");
  EXPECT_EQ(pages[1].Param("locator"), "L2");
  const auto posts = server_.Requests("POST", kJobsPath);
  nlohmann::json first = nlohmann::json::parse(posts[0].body);
  EXPECT_EQ(first["operation"], "query");
  EXPECT_EQ(first["query"], "SELECT Id, Name, Type, StartDate, EndDate, ActualCost FROM Campaign");
  ExpectOrgFigures();
}

TEST_F(SalesforceApi, AutoBulkSwitchesAnObjectAboveTheThresholdToABulkJob) {
  // Lead's first REST page says totalSize 4 (> bulk_threshold 3) and not
  // done: Lead is read by a Bulk job instead of its second page; the other
  // objects (3 records or fewer, done) stay on REST.
  ServeRest();
  const SObject lead = Org()[1];
  server_.On("POST", kJobsPath,
             {FixtureResponse::Json("{\"id\":\"750L\",\"state\":\"UploadComplete\"}")});
  server_.On("GET", std::string(kJobsPath) + "/750L",
             {FixtureResponse::Json("{\"state\":\"JobComplete\"}")});
  server_.On("GET", std::string(kJobsPath) + "/750L/results",
             {FixtureResponse::Csv(Csv(lead, 0, 4), {{"Sforce-Locator", "null"}})});
  Status s = LoadApi(&ws_, {{"bulk_threshold", "3"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(server_.Count("GET", std::string(kQueryPath) + "/01gLEAD-2"), 0u);
  ASSERT_EQ(server_.Count("POST", kJobsPath), 1u);
  EXPECT_NE(server_.Requests("POST", kJobsPath)[0].body.find("FROM Lead\""), std::string::npos);
  ExpectOrgFigures();
}

TEST_F(SalesforceApi, FailedBulkJobReportsTheServersErrorMessage) {
  server_.On("POST", kJobsPath,
             {FixtureResponse::Json("{\"id\":\"750X\",\"state\":\"UploadComplete\"}")});
  server_.On("GET", std::string(kJobsPath) + "/750X",
             {FixtureResponse::Json(
                 "{\"state\":\"Failed\",\"errorMessage\":\"INVALID_FIELD: No such column\"}")});
  Status s = LoadApi(&ws_, {{"bulk", "1"}});
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("query job 750X for Campaign ended Failed: INVALID_FIELD: No such "
                             "column"),
            std::string::npos)
      << s.message();
}

TEST_F(SalesforceApi, SinceAddsASystemModstampFilterToEverySoql) {
  for (const SObject& o : LongestNameFirst(Org()))
    server_.OnParam("GET", kQueryPath, "q", "FROM " + o.name,
                    {FixtureResponse::Json(QueryPage(o, 0, 0, ""))});
  Status s = LoadApi(&ws_, {{"since", "2024-01-15"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto q = [&](const std::string& object) {
    auto r = Queries(object);
    return r.empty() ? std::string("(no query)") : r[0].Param("q");
  };
  // A date means its midnight UTC; histories are never modified, so
  // LeadHistory filters on CreatedDate.
  EXPECT_EQ(q("Lead"),
            "SELECT Id, CreatedDate, LeadSource, OwnerId, Email, Status, IsConverted, "
            "ConvertedDate, ConvertedContactId, ConvertedAccountId, ConvertedOpportunityId "
            "FROM Lead WHERE SystemModstamp > 2024-01-15T00:00:00Z");
  EXPECT_EQ(q("LeadHistory"),
            "SELECT LeadId, Field, OldValue, NewValue, CreatedDate FROM LeadHistory "
            "WHERE CreatedDate > 2024-01-15T00:00:00Z AND Field = 'Status'");
  for (const char* object : {"Campaign", "Contact", "Opportunity", "OpportunityHistory",
                             "CampaignMember", "Task", "Event"})
    EXPECT_NE(q(object).find(" WHERE SystemModstamp > 2024-01-15T00:00:00Z"), std::string::npos)
        << object << ": " << q(object);
  EXPECT_EQ(ws_.num_people(), 0u);
}

TEST_F(SalesforceApi, ExpiredTokenNamesTheErrorCodeAndTheVariableToSet) {
  server_.On("GET", kQueryPath,
             {FixtureResponse::Json(
                 "[{\"message\":\"Session expired or invalid\",\"errorCode\":"
                 "\"INVALID_SESSION_ID\"}]",
                 401)});
  Status s = LoadApi(&ws_);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("Salesforce rejected the access token (INVALID_SESSION_ID): set "
                             "SALESFORCE_ACCESS_TOKEN to a valid token"),
            std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find(kToken), std::string::npos) << s.message();
  // A 401 is not retried.
  EXPECT_EQ(server_.Count("GET", kQueryPath), 1u);
}

TEST_F(SalesforceApi, MissingTokenFailsBeforeAnyRequest) {
  unsetenv("SALESFORCE_ACCESS_TOKEN");
  ServeRest();
  Status s = LoadApi(&ws_);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("set the environment variable SALESFORCE_ACCESS_TOKEN"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(SalesforceApi, BareSalesforceUrlIsClaimedByTheSalesforceConnector) {
  // No token, so the connector stops before any network access; its message
  // shows the URL reached it whole.
  unsetenv("SALESFORCE_ACCESS_TOKEN");
  Status s = LoadSource(&ws_, "https://acme.my.salesforce.com", {}, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("salesforce: no access token for https://acme.my.salesforce.com"),
            std::string::npos)
      << s.message();
}

TEST_F(SalesforceApi, TooManyRequestsIsRetriedAfterRetryAfter) {
  // The Campaign query (the first) is refused once with Retry-After: 1.
  const SObject campaign = Org()[0];
  server_.OnParam("GET", kQueryPath, "q", "ActualCost FROM Campaign",
                  {FixtureResponse::Status(429, {{"Retry-After", "1"}}),
                   FixtureResponse::Json(QueryPage(campaign, 0, 3, ""))});
  ServeRest();
  Status s = LoadApi(&ws_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Queries("Campaign") also matches neither CampaignMember nor others.
  EXPECT_EQ(Queries("Campaign").size(), 2u);
  EXPECT_EQ(ws_.spend().size(), 2u);
}

TEST_F(SalesforceApi, ServerErrorInTheMiddleOfPagingIsRetriedThenSaysHowFarItGot) {
  const SObject lead = Org()[1];
  server_.On("GET", std::string(kQueryPath) + "/01gLEAD-2",
             {FixtureResponse::Json("{\"message\":\"oops\"}", 500)});
  ServeRest();
  Status s = LoadApi(&ws_, {{"max_attempts", "3"}});
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  // Page 1 held 2 leads; page 2 failed 3 times.
  EXPECT_EQ(server_.Count("GET", std::string(kQueryPath) + "/01gLEAD-2"), 3u);
  EXPECT_NE(s.message().find("reading Lead through the REST API failed after 2 records (page 2)"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("HTTP 500 after 3 attempts"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(kToken), std::string::npos) << s.message();
}

TEST_F(SalesforceApi, MalformedJsonNamesTheObjectUrlAndByteOffset) {
  // {"totalSize":1,"done":true,"records":[{"Id":"00Q1",]} : the ']' after
  // the comma is byte 52 (counting from 1), where the parser stops.
  server_.OnParam("GET", kQueryPath, "q", "ActualCost FROM Campaign",
                  {FixtureResponse::Json(
                      "{\"totalSize\":1,\"done\":true,\"records\":[{\"Id\":\"00Q1\",]}")});
  Status s = LoadApi(&ws_);
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_NE(s.message().find("reading Campaign through the REST API failed after 0 records "
                             "(page 1)"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("not valid JSON at byte 52"), std::string::npos) << s.message();
}

TEST_F(SalesforceApi, SlowServerEndsInATimeoutError) {
  // The server would answer after 10 s; the test's timeout is 0.3 s, one try.
  FixtureResponse slow = FixtureResponse::Json(QueryPage(Org()[0], 0, 3, ""));
  slow.delay_ms = 10000;
  server_.On("GET", kQueryPath, {slow});
  Status s = LoadApi(&ws_, {{"timeout", "0.3"}, {"max_attempts", "1"}});
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("timed out after 0.3 s"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("reading Campaign"), std::string::npos) << s.message();
}

TEST_F(SalesforceApi, TheTokenEchoedByTheServerIsRedactedFromTheError) {
  server_.On("GET", kQueryPath,
             {FixtureResponse::Json(std::string("[{\"message\":\"bad query from ") + kToken +
                                        "\",\"errorCode\":\"MALFORMED_QUERY\"}]",
                                    400)});
  Status s = LoadApi(&ws_);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("MALFORMED_QUERY"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(kToken), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("[redacted]"), std::string::npos) << s.message();
}

TEST_F(SalesforceApi, PlainHttpIsRefusedWithoutTheTestOption) {
  ServeRest();
  Status s = LoadSource(&ws_, "salesforce+" + server_.base_url(), {}, nullptr);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("plain http://"), std::string::npos) << s.message();
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(SalesforceApi, ApiOptionsOnAnExportFolderAreRejected) {
  Put("Lead.csv", "Id,Status,CreatedDate\n00Q1,Open - Not Contacted,2024-01-02\n");
  Status s = Load("salesforce", {{"bulk", "1"}});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("option bulk applies only to API sources"), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace baton

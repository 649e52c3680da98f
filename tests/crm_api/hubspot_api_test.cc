// The hubspot connector's API mode end to end: a local fixture server answers
// as the HubSpot CRM v3 API does (documented shapes: results[{id,
// properties, createdAt, associations}], paging.next.after; the search API;
// the v4 association batch read; the error body {"status": "error",
// "message", "category"}), and baton::LoadSource("hubspot+http://127.0.0.1:
// PORT") loads it. Expected values are worked out by hand in the comments.
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <numeric>

#include "crm_api_fixture.h"
#include "handoff/handoff.h"

namespace baton {
namespace {

using fixture::FixtureResponse;

constexpr const char* kToken = "pat-na1-11111111-2222-3333-4444-secret";
constexpr const char* kContacts = "/crm/v3/objects/contacts";
constexpr const char* kDeals = "/crm/v3/objects/deals";

// Contacts over three pages (2 + 2 + 1):
//  201 v2 entry dates lead, MQL, SQL, opportunity, customer (the older
//      hs_lifecyclestage_lead_date says 11:00 and loses to v2's 10:00);
//  202 epoch-millisecond times and only the older property names
//      (subscriber 1709371800000 = 2024-03-02T09:30Z, MQL 2024-03-06);
//  203 lifecyclestage lead and no entry date: lead at createdate;
//  204 lead, then the custom stage 98765432 (mapped to sal by option);
//  205 only "other", which the default stage map ignores.
const char* kContactsPage1 = R"({
  "results": [
    {"id": "201", "createdAt": "2024-03-01T10:00:00.000Z", "archived": false,
     "properties": {"createdate": "2024-03-01T10:00:00.000Z", "email": "zoe@a.example",
       "lifecyclestage": "customer", "hs_lead_status": "CONNECTED",
       "hs_analytics_source": "ORGANIC_SEARCH", "hs_analytics_source_data_1": "google",
       "hs_analytics_first_timestamp": "2024-02-28T09:00:00.000Z",
       "hubspot_owner_id": "11",
       "hs_v2_date_entered_lead": "2024-03-01T10:00:00.000Z",
       "hs_lifecyclestage_lead_date": "2024-03-01T11:00:00.000Z",
       "hs_v2_date_entered_marketingqualifiedlead": "2024-03-05T00:00:00.000Z",
       "hs_v2_date_entered_salesqualifiedlead": "2024-03-10T00:00:00.000Z",
       "hs_v2_date_entered_opportunity": "2024-03-12T00:00:00.000Z",
       "hs_v2_date_entered_customer": "2024-04-01T00:00:00.000Z",
       "hs_v2_date_exited_lead": "2024-03-05T00:00:00.000Z"}},
    {"id": "202", "createdAt": "2024-03-02T09:31:00.000Z",
     "properties": {"createdate": "1709371860000", "lifecyclestage": "marketingqualifiedlead",
       "hs_analytics_source": "PAID_SEARCH", "hubspot_owner_id": "11",
       "hs_v2_date_entered_subscriber": null,
       "hs_lifecyclestage_subscriber_date": "1709371800000",
       "hs_lifecyclestage_marketingqualifiedlead_date": "2024-03-06T00:00:00Z"}}
  ],
  "paging": {"next": {"after": "2", "link": "https://api.hubapi.com/crm/v3/objects/contacts?after=2"}}
})";
const char* kContactsPage2 = R"({
  "results": [
    {"id": "203", "properties": {"createdate": "2024-03-03T08:00:00Z",
       "lifecyclestage": "lead", "hs_analytics_source": "EMAIL_MARKETING",
       "hs_v2_date_entered_lead": null, "hs_lifecyclestage_lead_date": ""}},
    {"id": "204", "properties": {"createdate": "2024-03-04T12:00:00Z",
       "lifecyclestage": "98765432", "hs_analytics_source": "SOCIAL_MEDIA",
       "hubspot_owner_id": "12",
       "hs_v2_date_entered_lead": "2024-03-04T12:00:00Z",
       "hs_v2_date_entered_98765432": "2024-03-15T00:00:00Z"}}
  ],
  "paging": {"next": {"after": "4"}}
})";
const char* kContactsPage3 = R"({
  "results": [
    {"id": "205", "properties": {"createdate": "2024-03-05T00:00:00Z",
       "lifecyclestage": "other", "hs_analytics_source": "DIRECT_TRAFFIC",
       "hs_v2_date_entered_other": "2024-03-05T00:00:00Z"}}
  ]
})";

// Deals over two pages: 9001 won (contacts 201 and 202: the first is the
// person), 9002 lost (204), 9003 open with an expected closedate and no
// contact.
const char* kDealsPage1 = R"({
  "results": [
    {"id": "9001", "properties": {"dealstage": "closedwon", "amount": "1000",
       "closedate": "2024-04-01T00:00:00Z", "createdate": "2024-03-12T00:00:00Z",
       "pipeline": "default", "hubspot_owner_id": "11", "deal_currency_code": "EUR",
       "hs_is_closed_won": "true", "hs_is_closed": "true"},
     "associations": {"contacts": {"results": [
       {"id": "201", "type": "deal_to_contact"}, {"id": "202", "type": "deal_to_contact"}]}}},
    {"id": "9002", "properties": {"dealstage": "closedlost", "amount": "250.5",
       "closedate": "2024-04-10T00:00:00Z", "createdate": "2024-03-20T00:00:00Z",
       "hs_is_closed_won": "false", "hs_is_closed": "true"},
     "associations": {"contacts": {"results": [{"id": "204", "type": "deal_to_contact"}]}}}
  ],
  "paging": {"next": {"after": "9002"}}
})";
const char* kDealsPage2 = R"({
  "results": [
    {"id": "9003", "properties": {"dealstage": "appointmentscheduled", "amount": "700",
       "closedate": "2024-05-31T00:00:00Z", "createdate": "2024-03-21T00:00:00Z",
       "hs_is_closed_won": "false", "hs_is_closed": "false"}}
  ]
})";

class HubspotApi : public CrmApiTest {
 protected:
  HubspotApi() : CrmApiTest("HUBSPOT_ACCESS_TOKEN", kToken) {}

  // The standard account; routes with an "after" are registered first so
  // the first page's route answers only requests without one.
  void ServeAccount() {
    server_.OnParam("GET", kContacts, "after", "4",
                    {FixtureResponse::Json(kContactsPage3)});
    server_.OnParam("GET", kContacts, "after", "2",
                    {FixtureResponse::Json(kContactsPage2)});
    server_.On("GET", kContacts, {FixtureResponse::Json(kContactsPage1)});
    server_.OnParam("GET", kDeals, "after", "9002",
                    {FixtureResponse::Json(kDealsPage2)});
    server_.On("GET", kDeals, {FixtureResponse::Json(kDealsPage1)});
  }

  Status LoadApi(std::map<std::string, std::string> options = {}) {
    options.emplace("stage.98765432", "sal");
    return LoadFromServer(&ws_, "hubspot", std::move(options));
  }
};

TEST_F(HubspotApi, FollowsPagingAndMapsContactsToPeople) {
  ServeAccount();
  Status s = LoadApi();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 5u);
  EXPECT_EQ(Label(ws_.people().source[Person("201")]), "organic_search");
  EXPECT_EQ(Label(ws_.people().source[Person("202")]), "paid_search");
  EXPECT_EQ(Label(ws_.people().source[Person("205")]), "direct_traffic");
  EXPECT_EQ(Label(ws_.people().owner[Person("204")]), "12");
  // createdate as epoch milliseconds: 1709371860000 = 2024-03-02T09:31Z.
  EXPECT_EQ(FormatTimestamp(ws_.people().created_at[Person("202")]),
            "2024-03-02T09:31:00Z");
  // Three contact pages: none, then after=2, then after=4.
  std::vector<fixture::RecordedRequest> r = server_.Requests("GET", kContacts);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].Param("after"), "");
  EXPECT_EQ(r[1].Param("after"), "2");
  EXPECT_EQ(r[2].Param("after"), "4");
  EXPECT_EQ(r[0].Param("limit"), "100");
  EXPECT_EQ(r[0].Header("Authorization"), std::string("Bearer ") + kToken);
  const std::string properties = r[0].Param("properties");
  for (const char* p :
       {"lifecyclestage", "hs_analytics_source", "hs_lead_status", "createdate",
        "hubspot_owner_id", "hs_v2_date_entered_customer",
        "hs_lifecyclestage_marketingqualifiedlead_date",
        "hs_v2_date_entered_98765432"})
    EXPECT_NE(properties.find(p), std::string::npos)
        << p << " not in " << properties;
  // Deals ask for their contacts.
  std::vector<fixture::RecordedRequest> d = server_.Requests("GET", kDeals);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].Param("associations"), "contacts");
  EXPECT_EQ(d[1].Param("after"), "9002");
}

TEST_F(HubspotApi, LifecycleEntryDatesAreStageRowsAndFunnel) {
  ServeAccount();
  Status s = LoadApi();
  ASSERT_TRUE(s.ok()) << s.ToString();
  // 201: 5 v2 dates (lead at v2's 10:00, not v1's 11:00; date_exited is not
  // an entry); 202: subscriber (epoch ms) and MQL from the older names; 203:
  // lifecyclestage lead at createdate; 204: lead and 98765432 -> sal; 205:
  // "other" is ignored. 10 rows.
  EXPECT_EQ(StageRows(), (std::vector<std::string>{
                             "201 inquiry 2024-03-01T10:00",
                             "201 mql 2024-03-05T00:00",
                             "201 opportunity 2024-03-12T00:00",
                             "201 sql 2024-03-10T00:00",
                             "201 won 2024-04-01T00:00",
                             "202 inquiry 2024-03-02T09:30",
                             "202 mql 2024-03-06T00:00",
                             "203 inquiry 2024-03-03T08:00",
                             "204 inquiry 2024-03-04T12:00",
                             "204 sal 2024-03-15T00:00",
                         }));
  EXPECT_TRUE(
      HasNoteContaining("1 contacts have no lifecycle stage entry date"));
  EXPECT_TRUE(HasNoteContaining("1 stage rows map to \"ignore\""));
  // Furthest stage: 201 won, 202 mql, 203 inquiry, 204 sal, 205 none.
  // inquiry 4; mql: 201, 202, 204 = 3; sal: 201 (skipped, counts), 204 = 2;
  // sql, opportunity, won: 201 = 1 each.
  EXPECT_EQ(Reached(), (std::map<std::string, int64_t>{{"inquiry", 4},
                                                       {"mql", 3},
                                                       {"sal", 2},
                                                       {"sql", 1},
                                                       {"opportunity", 1},
                                                       {"won", 1}}));
}

TEST_F(HubspotApi, OriginalSourcesAreMarketingTouchesAndHandOffsAreUnworked) {
  ServeAccount();
  Status s = LoadApi();
  ASSERT_TRUE(s.ok()) << s.ToString();
  // One touch per contact with a source, at hs_analytics_first_timestamp
  // (201) or createdate.
  EXPECT_EQ(TouchRows(),
            (std::vector<std::string>{
                "201 marketing organic_search||original_source 2024-02-28",
                "202 marketing paid_search||original_source 2024-03-02",
                "203 marketing email_marketing||original_source 2024-03-03",
                "204 marketing social_media||original_source 2024-03-04",
                "205 marketing direct_traffic||original_source 2024-03-05",
            }));
  ASSERT_TRUE(ws_.Freeze().ok());
  Result<Table> t = Handoff(ws_, HandoffOptions{});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->num_rows(), 1u);
  // Hand-offs = MQL rows: 201 (03-05) and 202 (03-06). No sales touches, so
  // none is worked. 201's next row is sql (a later funnel stage: accepted)
  // and 201 reaches won; 202 has no next row.
  EXPECT_EQ(FirstInt(*t, "handed_off"), 2);
  EXPECT_EQ(FirstInt(*t, "worked"), 0);
  EXPECT_EQ(FirstInt(*t, "accepted"), 1);
  EXPECT_EQ(FirstInt(*t, "won"), 1);
}

TEST_F(HubspotApi, DealsCarryAmountsOutcomesAndFirstContact) {
  ServeAccount();
  Status s = LoadApi();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const DealColumns& d = ws_.deals();
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(PersonId(d.person[0]), "201");  // first of 201, 202
  EXPECT_EQ(d.is_won[0], 1);
  EXPECT_EQ(d.is_closed[0], 1);
  EXPECT_EQ(Label(d.currency[0]), "EUR");
  EXPECT_EQ(FormatTimestamp(d.closed_at[0]), "2024-04-01T00:00:00Z");
  EXPECT_EQ(PersonId(d.person[1]), "204");
  EXPECT_EQ(d.is_won[1], 0);
  EXPECT_EQ(d.is_closed[1], 1);
  EXPECT_EQ(d.person[2], kNoPerson);
  EXPECT_EQ(d.is_closed[2], 0);
  // An open deal's closedate is only expected: not a close.
  EXPECT_EQ(d.closed_at[2], kNoTime);
  // 1000 + 250.5 + 700.
  EXPECT_DOUBLE_EQ(std::accumulate(d.amount.begin(), d.amount.end(), 0.0),
                   1950.5);
  EXPECT_TRUE(HasNoteContaining("1 deals have no associated contact"));
}

TEST_F(HubspotApi, SinceSearchesOnLastModifiedDate) {
  // The search API returns the same shapes without associations; those come
  // from the v4 batch read.
  server_.On("POST", std::string(kContacts) + "/search",
             {FixtureResponse::Json(kContactsPage3)});
  // One page: deal 9002 of the list page, as search returns it.
  server_.On("POST", std::string(kDeals) + "/search",
             {FixtureResponse::Json(R"({"total": 2, "results": [
               {"id": "9001", "properties": {"dealstage": "closedwon", "amount": "1000"}},
               {"id": "9002", "properties": {"dealstage": "closedlost", "amount": "250.5",
                 "hs_is_closed": "true", "hs_is_closed_won": "false"}}]})")});
  server_.On("POST", "/crm/v4/associations/deals/contacts/batch/read",
             {FixtureResponse::Json(R"({"status": "COMPLETE", "results": [
               {"from": {"id": "9002"}, "to": [{"toObjectId": 204,
                 "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 3}]}]}]})")});
  Status s = LoadApi({{"since", "2024-03-01T00:00:00Z"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(server_.Count("GET", kContacts), 0u);
  std::vector<fixture::RecordedRequest> c =
      server_.Requests("POST", std::string(kContacts) + "/search");
  ASSERT_EQ(c.size(), 1u);
  nlohmann::json body = nlohmann::json::parse(c[0].body);
  // 2024-03-01T00:00:00Z = 1709251200000 ms.
  const nlohmann::json& f = body["filterGroups"][0]["filters"][0];
  EXPECT_EQ(f["propertyName"], "lastmodifieddate");
  EXPECT_EQ(f["operator"], "GTE");
  EXPECT_EQ(f["value"], "1709251200000");
  std::vector<fixture::RecordedRequest> d =
      server_.Requests("POST", std::string(kDeals) + "/search");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(
                d[0].body)["filterGroups"][0]["filters"][0]["propertyName"],
            "hs_lastmodifieddate");
  // The association read asks for the page's two deals; 9002 -> 204, 9001
  // has none.
  std::vector<fixture::RecordedRequest> a = server_.Requests(
      "POST", "/crm/v4/associations/deals/contacts/batch/read");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(a[0].body)["inputs"].size(), 2u);
  ASSERT_EQ(ws_.deals().size(), 2u);
  EXPECT_EQ(ws_.deals().person[0], kNoPerson);
  EXPECT_EQ(PersonId(ws_.deals().person[1]), "204");
  // Contact 205 from the search, and 204 known only as deal 9002's person.
  EXPECT_EQ(ws_.num_people(), 2u);
}

TEST_F(HubspotApi, ExpiredTokenNamesTheVariableNotTheToken) {
  server_.On(
      "GET", kContacts,
      {FixtureResponse::Json(
          R"({"status": "error", "message": "The OAuth token used to make this call expired 2 hour(s) ago.", "correlationId": "c0ffee", "category": "EXPIRED_AUTHENTICATION"})",
          401)});
  Status s = LoadApi();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("HUBSPOT_ACCESS_TOKEN"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("EXPIRED_AUTHENTICATION"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("HTTP 401"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(kToken), std::string::npos) << s.message();
  EXPECT_EQ(ws_.num_people(), 0u);
}

TEST_F(HubspotApi, MissingTokenFailsBeforeAnyRequest) {
  ServeAccount();
  unsetenv("HUBSPOT_ACCESS_TOKEN");
  Status s = LoadApi();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("HUBSPOT_ACCESS_TOKEN"), std::string::npos)
      << s.message();
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(HubspotApi, RateLimitIsRetriedAfterRetryAfter) {
  // First answer 429 with Retry-After: 1, then the page.
  server_.OnParam("GET", kContacts, "after", "4",
                  {FixtureResponse::Json(kContactsPage3)});
  server_.OnParam("GET", kContacts, "after", "2",
                  {FixtureResponse::Json(kContactsPage2)});
  server_.On("GET", kContacts,
             {FixtureResponse::Status(429, {{"Retry-After", "1"}}),
              FixtureResponse::Json(kContactsPage1)});
  server_.On("GET", kDeals, {FixtureResponse::Json(R"({"results": []})")});
  Status s = LoadApi();
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Page 1 twice (429, then 200), pages 2 and 3 once: 4 contact requests,
  // and all 5 contacts loaded.
  EXPECT_EQ(server_.Count("GET", kContacts), 4u);
  EXPECT_EQ(ws_.num_people(), 5u);
}

TEST_F(HubspotApi, ServerErrorMidPagingSaysHowFarItGotAndLoadsNothing) {
  // Page 2 always fails; its body echoes the token, which must not leak.
  server_.OnParam(
      "GET", kContacts, "after", "2",
      {FixtureResponse::Json(
          std::string(
              R"({"status": "error", "message": "internal error for token )") +
              kToken + R"(", "category": "INTERNAL_ERROR"})",
          500)});
  server_.On("GET", kContacts, {FixtureResponse::Json(kContactsPage1)});
  Status s = LoadApi({{"max_attempts", "2"}});
  ASSERT_FALSE(s.ok());
  // Page 1 gave 2 records; page 2 failed after 2 attempts.
  EXPECT_NE(s.message().find("page 2 of contacts, after 2 records on 1 page"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("500"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("Nothing was loaded"), std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find(kToken), std::string::npos) << s.message();
  EXPECT_EQ(server_.Count("GET", kContacts), 3u);  // page 1, page 2 twice
  EXPECT_EQ(ws_.num_people(), 0u);
}

TEST_F(HubspotApi, MalformedJsonIsAParseError) {
  server_.On("GET", kContacts,
             {FixtureResponse::Json(R"({"results": [{"id": "1",)")});
  Status s = LoadApi();
  EXPECT_EQ(s.code(), StatusCode::kParseError) << s.ToString();
  EXPECT_NE(s.message().find("page 1 of contacts"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("not valid JSON"), std::string::npos)
      << s.message();
}

TEST_F(HubspotApi, SlowServerEndsInATimeout) {
  FixtureResponse slow = FixtureResponse::Json(kContactsPage3);
  slow.delay_ms = 5000;
  server_.On("GET", kContacts, {slow});
  Status s = LoadApi({{"timeout", "0.3"}, {"max_attempts", "1"}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("page 1 of contacts"), std::string::npos)
      << s.message();
}

TEST_F(HubspotApi, UnmappedCustomStageAsksForTheStageOption) {
  server_.On("GET", kContacts, {FixtureResponse::Json(R"({"results": [
    {"id": "204", "properties": {"createdate": "2024-03-04T12:00:00Z",
       "hs_v2_date_entered_98765432": "2024-03-15T00:00:00Z"}}]})")});
  server_.On("GET", kDeals, {FixtureResponse::Json(R"({"results": []})")});
  Status s = LoadSource(&ws_, "hubspot+" + server_.base_url(),
                        {{"insecure_http_for_tests", "1"}}, nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("98765432"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("stage.<value>=<stage>"), std::string::npos)
      << s.message();
}

TEST(ApiConnectors, PluginsListHubspotAndPipedriveWithVersions) {
  setenv("BATON_PLUGIN_PATH", BATON_PLUGIN_DIR, 0);
  PluginRegistry::Global().LoadSearchPath();
  std::map<std::string, std::string> versions;
  for (const PluginInfo& p : PluginRegistry::Global().List())
    versions[p.name] = p.version;
  EXPECT_EQ(versions["hubspot"], "1.1.0");
  EXPECT_EQ(versions["pipedrive"], "1.0.0");
}

}  // namespace
}  // namespace baton

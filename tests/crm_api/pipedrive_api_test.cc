// The pipedrive connector end to end: a local fixture server answers as the
// Pipedrive API does (documented shapes: {"success": true, "data": [...],
// "additional_data": {"next_cursor": ...}} for v2, {"pagination":
// {"more_items_in_collection", "next_start"}} for v1, error body
// {"success": false, "error": ...}), and baton::LoadSource("pipedrive+http://
// 127.0.0.1:PORT") loads it. Expected values are worked out by hand in the
// comments.
#include <cstdlib>
#include <numeric>

#include "crm_api_fixture.h"
#include "handoff/handoff.h"

namespace baton {
namespace {

using fixture::FixtureResponse;

constexpr const char* kToken = "0123456789abcdef-pipedrive-secret";

const char* kStagesV2 = R"({"success": true, "data": [
  {"id": 1, "name": "Qualified", "pipeline_id": 1, "order_nr": 1},
  {"id": 2, "name": "Contact Made", "pipeline_id": 1, "order_nr": 2},
  {"id": 3, "name": "Proposal Made", "pipeline_id": 1, "order_nr": 3}],
  "additional_data": {"next_cursor": null}})";

// Persons over two cursor pages: 1, 2 | 3.
const char* kPersonsPage1 = R"({"success": true, "data": [
  {"id": 1, "name": "Ann", "owner_id": 7, "add_time": "2024-03-01T09:00:00Z",
   "update_time": "2024-03-05T00:00:00Z",
   "emails": [{"value": "ann@old.example", "primary": false, "label": "home"},
              {"value": "ann@a.example", "primary": true, "label": "work"}]},
  {"id": 2, "name": "Ben", "owner_id": 7, "add_time": "2024-03-02T09:00:00Z",
   "update_time": "2024-03-02T09:00:00Z"}],
  "additional_data": {"next_cursor": "c2"}})";
const char* kPersonsPage2 = R"({"success": true, "data": [
  {"id": 3, "name": "Cy", "owner_id": 8, "add_time": "2024-03-03T09:00:00Z",
   "update_time": "2024-03-03T09:00:00Z"}],
  "additional_data": {"next_cursor": null}})";

// Leads (v1 only) over two offset pages: a (person 1), b (2) | c (no
// person), d (3).
const char* kLeadsPage1 = R"({"success": true, "data": [
  {"id": "adf21080-0e10-11eb-879b-05d71fb426ec", "person_id": 1, "organization_id": null,
   "source_name": "Web forms", "add_time": "2024-03-01T10:00:00.000Z",
   "update_time": "2024-03-01T10:00:00.000Z", "is_archived": false},
  {"id": "b1", "person_id": 2, "source_name": "Prospector",
   "add_time": "2024-03-02T10:00:00.000Z", "update_time": "2024-03-02T10:00:00.000Z"}],
  "additional_data": {"pagination": {"start": 0, "limit": 2,
    "more_items_in_collection": true, "next_start": 2}}})";
const char* kLeadsPage2 = R"({"success": true, "data": [
  {"id": "c1", "person_id": null, "organization_id": 5, "source_name": "API",
   "add_time": "2024-03-02T11:00:00.000Z", "update_time": "2024-03-02T11:00:00.000Z"},
  {"id": "d1", "person_id": 3, "source_name": "Web forms",
   "add_time": "2024-03-03T10:00:00.000Z", "update_time": "2024-03-03T10:00:00.000Z"}],
  "additional_data": {"pagination": {"start": 2, "limit": 2,
    "more_items_in_collection": false}}})";

// Deals: 11 won (person 1), 12 lost (person 2), 13 open without a person.
const char* kDealsV2 = R"({"success": true, "data": [
  {"id": 11, "title": "A", "person_id": 1, "stage_id": 3, "status": "won", "value": 5000,
   "currency": "USD", "add_time": "2024-03-05T00:00:00Z", "won_time": "2024-03-20T00:00:00Z",
   "close_time": "2024-03-20T00:00:00Z", "lost_time": null, "owner_id": 7},
  {"id": 12, "title": "B", "person_id": 2, "stage_id": 2, "status": "lost", "value": 1200.5,
   "currency": "USD", "add_time": "2024-03-06T00:00:00Z", "lost_time": "2024-03-25T00:00:00Z",
   "owner_id": 7},
  {"id": 13, "title": "C", "person_id": null, "stage_id": 1, "status": "open", "value": 300,
   "currency": "USD", "add_time": "2024-03-07T00:00:00Z", "owner_id": 8}],
  "additional_data": {"next_cursor": null}})";

// Activities: a done call for 1 (2 h after its lead), a done email for 2
// (person given as a participant, 48 h after its lead), an undone meeting
// for 3, and a done call without a person.
const char* kActivitiesV2 = R"({"success": true, "data": [
  {"id": 101, "type": "call", "person_id": 1, "done": true,
   "due_date": "2024-03-01", "marked_as_done_time": "2024-03-01T12:00:00Z"},
  {"id": 102, "type": "email", "done": true,
   "participants": [{"person_id": 2, "primary": true}],
   "due_date": "2024-03-04", "marked_as_done_time": "2024-03-04T10:00:00Z"},
  {"id": 103, "type": "meeting", "person_id": 3, "done": false,
   "due_date": "2024-03-10", "due_time": "15:00"},
  {"id": 104, "type": "call", "person_id": null, "done": true,
   "marked_as_done_time": "2024-03-04T11:00:00Z"}],
  "additional_data": {"next_cursor": null}})";

class PipedriveApi : public CrmApiTest {
 protected:
  PipedriveApi() : CrmApiTest("PIPEDRIVE_API_TOKEN", kToken) {}

  void ServeLeads() {
    server_.OnParam("GET", "/v1/leads", "start", "2",
                    {FixtureResponse::Json(kLeadsPage2)});
    server_.On("GET", "/v1/leads", {FixtureResponse::Json(kLeadsPage1)});
  }

  void ServeAccount() {
    server_.On("GET", "/api/v2/stages", {FixtureResponse::Json(kStagesV2)});
    server_.OnParam("GET", "/api/v2/persons", "cursor", "c2",
                    {FixtureResponse::Json(kPersonsPage2)});
    server_.On("GET", "/api/v2/persons",
               {FixtureResponse::Json(kPersonsPage1)});
    ServeLeads();
    server_.On("GET", "/api/v2/deals", {FixtureResponse::Json(kDealsV2)});
    server_.On("GET", "/api/v2/activities",
               {FixtureResponse::Json(kActivitiesV2)});
  }

  Status LoadApi(std::map<std::string, std::string> options = {}) {
    return LoadFromServer(&ws_, "pipedrive", std::move(options));
  }
};

TEST_F(PipedriveApi, FollowsCursorAndOffsetPagingWithTheTokenInAHeader) {
  ServeAccount();
  Status s = LoadApi();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ws_.num_people(), 3u);
  EXPECT_EQ(Label(ws_.people().owner[Person("3")]), "8");
  EXPECT_EQ(FormatTimestamp(ws_.people().created_at[Person("1")]),
            "2024-03-01T09:00:00Z");
  // The source of a person is its first lead's source_name.
  EXPECT_EQ(Label(ws_.people().source[Person("1")]), "web_forms");
  EXPECT_EQ(Label(ws_.people().source[Person("2")]), "prospector");
  std::vector<fixture::RecordedRequest> p =
      server_.Requests("GET", "/api/v2/persons");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].Param("cursor"), "");
  EXPECT_EQ(p[1].Param("cursor"), "c2");
  EXPECT_EQ(p[0].Header("x-api-token"), kToken);
  EXPECT_EQ(p[0].query.find(kToken), std::string::npos);  // never in a URL
  std::vector<fixture::RecordedRequest> l =
      server_.Requests("GET", "/v1/leads");
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].Param("start"), "");
  EXPECT_EQ(l[1].Param("start"), "2");
}

TEST_F(PipedriveApi,
       LeadsAndDealsAreStagesWithTheHandComputedFunnelAndHandoff) {
  ServeAccount();
  Status s = LoadApi();
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Leads with a person are mql at add_time (lead c has none); deals with a
  // person are opportunity at add_time and won / lost at won_time /
  // lost_time.
  EXPECT_EQ(StageRows(), (std::vector<std::string>{
                             "1 mql 2024-03-01T10:00",
                             "1 opportunity 2024-03-05T00:00",
                             "1 won 2024-03-20T00:00",
                             "2 lost 2024-03-25T00:00",
                             "2 mql 2024-03-02T10:00",
                             "2 opportunity 2024-03-06T00:00",
                             "3 mql 2024-03-03T10:00",
                         }));
  EXPECT_TRUE(HasNoteContaining("1 leads have no person"));
  // Done activities with a person are sales touches.
  EXPECT_EQ(TouchRows(),
            (std::vector<std::string>{"1 sales ||call 2024-03-01",
                                      "2 sales ||email 2024-03-04"}));
  EXPECT_TRUE(HasNoteContaining("1 activities not marked done"));
  EXPECT_TRUE(HasNoteContaining("1 activities have no person"));
  // mql: 1, 2, 3 = 3; opportunity: 1, 2 = 2 (lost is an exit); won: 1.
  EXPECT_EQ(Reached(), (std::map<std::string, int64_t>{
                           {"mql", 3}, {"opportunity", 2}, {"won", 1}}));
  Result<Table> t = Handoff(ws_, HandoffOptions{});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->num_rows(), 1u);
  // Hand-offs: the three mql rows. Worked: 1 (call 2 h later), 2 (email 48
  // h later); within the 24 h SLA: 1 only. Median response (2 + 48) / 2 =
  // 25 h. Accepted: 1 and 2 (next row opportunity). Won: 1.
  EXPECT_EQ(FirstInt(*t, "handed_off"), 3);
  EXPECT_EQ(FirstInt(*t, "worked"), 2);
  EXPECT_EQ(FirstInt(*t, "within_sla"), 1);
  EXPECT_DOUBLE_EQ(FirstFloat(*t, "response_median_hours"), 25.0);
  EXPECT_EQ(FirstInt(*t, "accepted"), 2);
  EXPECT_EQ(FirstInt(*t, "won"), 1);
}

TEST_F(PipedriveApi, DealsTakeStageNamesStatusAndCloseTimes) {
  ServeAccount();
  Status s = LoadApi();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const DealColumns& d = ws_.deals();
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(Label(d.stage[0]), "Proposal Made");  // stage_id 3
  EXPECT_EQ(d.is_won[0], 1);
  EXPECT_EQ(FormatTimestamp(d.closed_at[0]), "2024-03-20T00:00:00Z");
  EXPECT_EQ(PersonId(d.person[0]), "1");
  EXPECT_EQ(Label(d.owner[0]), "7");
  EXPECT_EQ(Label(d.stage[1]), "Contact Made");
  EXPECT_EQ(d.is_won[1], 0);
  EXPECT_EQ(d.is_closed[1], 1);
  EXPECT_EQ(FormatTimestamp(d.closed_at[1]), "2024-03-25T00:00:00Z");
  EXPECT_EQ(d.is_closed[2], 0);
  EXPECT_EQ(d.closed_at[2], kNoTime);
  EXPECT_EQ(d.person[2], kNoPerson);
  // 5000 + 1200.5 + 300.
  EXPECT_DOUBLE_EQ(std::accumulate(d.amount.begin(), d.amount.end(), 0.0),
                   6500.5);
  EXPECT_EQ(Label(d.currency[1]), "USD");
}

TEST_F(PipedriveApi, SinceIsUpdatedSinceInV2) {
  ServeAccount();
  Status s = LoadApi({{"since", "2024-03-01"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (const char* path :
       {"/api/v2/persons", "/api/v2/deals", "/api/v2/activities"}) {
    std::vector<fixture::RecordedRequest> r = server_.Requests("GET", path);
    ASSERT_FALSE(r.empty()) << path;
    EXPECT_EQ(r[0].Param("updated_since"), "2024-03-01T00:00:00Z") << path;
  }
}

TEST_F(PipedriveApi, V1ReadsOffsetPagesAndFiltersSinceOnUpdateTime) {
  server_.On("GET", "/v1/stages",
             {FixtureResponse::Json(R"({"success": true, "data": [
    {"id": 3, "name": "Proposal Made"}]})")});
  // v1 persons: owner as an object, email as a list; 2 pages by offset.
  server_.OnParam("GET", "/v1/persons", "start", "1",
                  {FixtureResponse::Json(R"({"success": true,
    "data": [{"id": 2, "owner_id": {"id": 7, "name": "Jo"}, "add_time": "2024-03-02 09:00:00",
              "update_time": "2024-03-02 09:00:00"}],
    "additional_data": {"pagination": {"start": 1, "limit": 1,
      "more_items_in_collection": false}}})")});
  server_.On("GET", "/v1/persons", {FixtureResponse::Json(R"({"success": true,
    "data": [{"id": 1, "owner_id": {"id": 7, "name": "Jo"}, "add_time": "2024-02-01 09:00:00",
              "update_time": "2024-02-01 09:00:00",
              "email": [{"value": "ann@a.example", "primary": true}]}],
    "additional_data": {"pagination": {"start": 0, "limit": 1,
      "more_items_in_collection": true, "next_start": 1}}})")});
  ServeLeads();
  // v1 deal: person_id and user_id as objects.
  server_.On("GET", "/v1/deals",
             {FixtureResponse::Json(R"({"success": true, "data": [
    {"id": 11, "person_id": {"value": 2, "name": "Ben"}, "user_id": {"id": 7, "name": "Jo"},
     "stage_id": 3, "status": "won", "value": 800, "currency": "EUR",
     "add_time": "2024-03-05 00:00:00", "won_time": "2024-03-09 00:00:00",
     "update_time": "2024-03-09 00:00:00"}],
    "additional_data": {"pagination": {"more_items_in_collection": false}}})")});
  server_.On("GET", "/v1/activities",
             {FixtureResponse::Json(R"({"success": true, "data": null,
    "additional_data": {"pagination": {"more_items_in_collection": false}}})")});
  Status s = LoadApi({{"api", "v1"}, {"since", "2024-03-02T00:00:00Z"}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  // Person 1 (updated 2024-02-01) is older than since and left out; person 2
  // stays. Leads a (03-01) is left out; b (03-02 10:00) and d (03-03) stay.
  EXPECT_EQ(Person("1"), Dictionary::kNotFound);
  EXPECT_EQ(Label(ws_.people().owner[Person("2")]), "7");
  EXPECT_EQ(StageRows(), (std::vector<std::string>{
                             "2 mql 2024-03-02T10:00",
                             "2 opportunity 2024-03-05T00:00",
                             "2 won 2024-03-09T00:00",
                             "3 mql 2024-03-03T10:00",
                         }));
  ASSERT_EQ(ws_.deals().size(), 1u);
  EXPECT_EQ(PersonId(ws_.deals().person[0]), "2");
  EXPECT_EQ(Label(ws_.deals().stage[0]), "Proposal Made");
  EXPECT_EQ(Label(ws_.deals().owner[0]), "7");
  // v1 lists cannot filter: no updated_since; all users' activities.
  EXPECT_EQ(server_.Requests("GET", "/v1/persons")[0].Param("updated_since"),
            "");
  EXPECT_EQ(server_.Requests("GET", "/v1/activities")[0].Param("user_id"), "0");
  EXPECT_EQ(server_.Requests("GET", "/v1/persons")[1].Param("start"), "1");
}

TEST_F(PipedriveApi, UnauthorizedNamesTheVariableNotTheToken) {
  server_.On(
      "GET", "/api/v2/stages",
      {FixtureResponse::Json(
          std::string(
              R"({"success": false, "error": "unauthorized access for )") +
              kToken +
              R"(", "errorCode": 401, "error_info": "Please check developers.pipedrive.com"})",
          401)});
  Status s = LoadApi();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("PIPEDRIVE_API_TOKEN"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("unauthorized access"), std::string::npos)
      << s.message();
  EXPECT_EQ(s.message().find(kToken), std::string::npos) << s.message();
}

TEST_F(PipedriveApi, MissingTokenFailsBeforeAnyRequest) {
  ServeAccount();
  unsetenv("PIPEDRIVE_API_TOKEN");
  Status s = LoadApi();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("PIPEDRIVE_API_TOKEN"), std::string::npos)
      << s.message();
  EXPECT_TRUE(server_.Requests().empty());
}

TEST_F(PipedriveApi, RateLimitIsRetriedAfterRetryAfter) {
  // Registered first, so this route answers /api/v2/stages: 429 with
  // Retry-After: 1, then the stages.
  server_.On("GET", "/api/v2/stages",
             {FixtureResponse::Status(429, {{"Retry-After", "1"}}),
              FixtureResponse::Json(kStagesV2)});
  ServeAccount();
  Status s = LoadApi();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(server_.Count("GET", "/api/v2/stages"), 2u);
  ASSERT_EQ(ws_.deals().size(), 3u);
  EXPECT_EQ(Label(ws_.deals().stage[0]), "Proposal Made");
}

TEST_F(PipedriveApi, ServerErrorMidPagingSaysHowFarItGotAndLoadsNothing) {
  server_.On("GET", "/api/v2/stages", {FixtureResponse::Json(kStagesV2)});
  server_.OnParam(
      "GET", "/api/v2/persons", "cursor", "c2",
      {FixtureResponse::Json(R"({"success": false, "error": "Internal error"})",
                             500)});
  server_.On("GET", "/api/v2/persons", {FixtureResponse::Json(kPersonsPage1)});
  Status s = LoadApi({{"max_attempts", "2"}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("page 2 of persons, after 2 records on 1 page"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("500"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("Internal error"), std::string::npos)
      << s.message();
  EXPECT_EQ(ws_.num_people(), 0u);
}

TEST_F(PipedriveApi, SlowServerEndsInATimeout) {
  server_.On("GET", "/api/v2/stages", {FixtureResponse::Json(kStagesV2)});
  FixtureResponse slow = FixtureResponse::Json(kDealsV2);
  slow.delay_ms = 5000;
  server_.On("GET", "/api/v2/persons", {slow});
  Status s = LoadApi({{"timeout", "0.3"}, {"max_attempts", "1"}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("page 1 of persons"), std::string::npos) << s.message();
  EXPECT_EQ(ws_.num_people(), 0u);
}

TEST_F(PipedriveApi, MalformedJsonIsAParseError) {
  server_.On("GET", "/api/v2/stages",
             {FixtureResponse::Json(R"({"success": true, "data": [)")});
  Status s = LoadApi();
  EXPECT_EQ(s.code(), StatusCode::kParseError) << s.ToString();
  EXPECT_NE(s.message().find("page 1 of stages"), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace baton

// The HTTP layer of the API connectors against the local fixture server:
// retries, timeouts, refusal of plain http, redaction, headers, JSON errors.
#include "http_client.h"

#include <gtest/gtest.h>

#include <string>

#include "fixture_server.h"

namespace baton::http {
namespace {

using fixture::FixtureResponse;
using fixture::FixtureServer;

// Options for tests: loopback http allowed, waits kept short.
HttpOptions TestOptions() {
  HttpOptions o;
  o.allow_insecure_http = true;
  o.initial_backoff_s = 0.01;
  o.connect_timeout_s = 2;
  o.total_timeout_s = 5;
  return o;
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server_.Start(&error)) << error;
  }
  std::string Url(const std::string& path) const { return server_.base_url() + path; }
  FixtureServer server_;
};

TEST_F(HttpClientTest, GetReturnsBodyStatusAndHeadersCaseInsensitively) {
  server_.On("GET", "/a", {FixtureResponse::Csv("x,y\n1,2\n", {{"Sforce-Locator", "L2"}})});
  HttpClient client(TestOptions());
  HttpResponse r = client.Get(Url("/a?p=1"), {{"X-Test", "yes"}});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "x,y\n1,2\n");
  EXPECT_EQ(r.Header("sforce-locator"), "L2");
  EXPECT_EQ(r.Header("SFORCE-LOCATOR"), "L2");
  EXPECT_FALSE(r.HasHeader("Sforce-NumberOfRecords"));
  EXPECT_EQ(r.attempts, 1);
  auto reqs = server_.Requests("GET", "/a");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].Param("p"), "1");
  EXPECT_EQ(reqs[0].Header("x-test"), "yes");
}

TEST_F(HttpClientTest, PostSendsBodyWithJsonContentTypeByDefault) {
  server_.On("POST", "/jobs", {FixtureResponse::Json("{\"id\":\"750\"}", 200)});
  HttpClient client(TestOptions());
  HttpResponse r = client.Post(Url("/jobs"), {}, "{\"operation\":\"query\"}");
  ASSERT_TRUE(r.ok()) << r.message;
  auto reqs = server_.Requests("POST", "/jobs");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].body, "{\"operation\":\"query\"}");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/json");
}

TEST_F(HttpClientTest, TooManyRequestsIsRetriedAfterRetryAfterSeconds) {
  // First answer 429 with Retry-After: 1, then 200: two requests, one wait.
  server_.On("GET", "/limited",
             {FixtureResponse::Status(429, {{"Retry-After", "1"}}),
              FixtureResponse::Json("{\"ok\":true}")});
  HttpOptions o = TestOptions();
  std::string logged;
  o.log = [&](int, const std::string& m) { logged += m + "\n"; };
  HttpClient client(o);
  HttpResponse r = client.Get(Url("/limited"), {});
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(server_.Count("GET", "/limited"), 2u);
  // The wait came from Retry-After (1.0 s), not the 0.01 s backoff.
  EXPECT_NE(logged.find("HTTP 429; retrying in 1.0 s"), std::string::npos) << logged;
}

TEST_F(HttpClientTest, RetryAfterBeyondTheWaitBudgetStopsWithoutWaiting) {
  // Retry-After 30 s with a 2 s budget: the client gives up after one try.
  server_.On("GET", "/limited", {FixtureResponse::Status(429, {{"Retry-After", "30"}})});
  HttpOptions o = TestOptions();
  o.max_total_wait_s = 2;
  HttpClient client(o);
  HttpResponse r = client.Get(Url("/limited"), {});
  EXPECT_EQ(r.error, BATON_IO_ERROR);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(server_.Count("GET", "/limited"), 1u);
  EXPECT_NE(r.message.find("HTTP 429 after 1 attempt"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("max_retry_wait"), std::string::npos) << r.message;
}

TEST_F(HttpClientTest, ServerErrorsAreRetriedThenReportedWithTheAttemptCount) {
  server_.On("GET", "/broken", {FixtureResponse::Json("{\"e\":1}", 503)});
  HttpOptions o = TestOptions();
  o.max_attempts = 3;
  HttpClient client(o);
  HttpResponse r = client.Get(Url("/broken"), {});
  EXPECT_EQ(r.error, BATON_IO_ERROR);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(server_.Count("GET", "/broken"), 3u);
  EXPECT_NE(r.message.find("GET " + Url("/broken") + ": HTTP 503 after 3 attempts"),
            std::string::npos)
      << r.message;
}

TEST_F(HttpClientTest, ClientErrorsAreNotRetriedAndKeepTheBody) {
  server_.On("GET", "/denied",
             {FixtureResponse::Json("[{\"message\":\"Session expired\"}]", 401)});
  HttpClient client(TestOptions());
  HttpResponse r = client.Get(Url("/denied"), {});
  EXPECT_EQ(r.error, BATON_IO_ERROR);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "[{\"message\":\"Session expired\"}]");
  EXPECT_EQ(server_.Count("GET", "/denied"), 1u);
}

TEST_F(HttpClientTest, SlowServerEndsInATimeoutError) {
  // The server waits 5 s; the client gives each attempt 0.3 s and tries twice.
  FixtureResponse slow = FixtureResponse::Json("{}");
  slow.delay_ms = 5000;
  server_.On("GET", "/slow", {slow});
  HttpOptions o = TestOptions();
  o.total_timeout_s = 0.3;
  o.max_attempts = 2;
  HttpClient client(o);
  HttpResponse r = client.Get(Url("/slow"), {});
  EXPECT_EQ(r.error, BATON_IO_ERROR);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_NE(r.message.find("timed out after 0.3 s"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("after 2 attempts"), std::string::npos) << r.message;
}

TEST_F(HttpClientTest, PlainHttpIsRefusedWithoutTheTestOptionAndOffLoopback) {
  server_.On("GET", "/a", {FixtureResponse::Json("{}")});
  HttpClient strict{HttpOptions{}};
  HttpResponse r = strict.Get(Url("/a"), {});
  EXPECT_EQ(r.error, BATON_INVALID_ARGUMENT);
  EXPECT_NE(r.message.find("insecure_http_for_tests=1"), std::string::npos) << r.message;
  HttpClient test_client(TestOptions());
  r = test_client.Get("http://example.com/a", {});
  EXPECT_EQ(r.error, BATON_INVALID_ARGUMENT);
  EXPECT_NE(r.message.find("use https://"), std::string::npos) << r.message;
  // Neither refused request reached the server.
  EXPECT_EQ(server_.Count("GET", "/a"), 0u);
}

TEST_F(HttpClientTest, TheAuthorizationTokenNeverAppearsInMessagesOrLogs) {
  const std::string token = "00Dxx0000001gPL!AQ4AQFakeTokenValue";
  server_.On("GET", "/echo",
             {FixtureResponse::Json("bad token " + token, 500),
              FixtureResponse::Json("bad token " + token, 400)});
  HttpOptions o = TestOptions();
  std::string logged;
  o.log = [&](int, const std::string& m) { logged += m; };
  HttpClient client(o);
  HttpResponse r = client.Get(Url("/echo?t=" + token), {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(server_.Requests("GET", "/echo")[0].Header("Authorization"), "Bearer " + token);
  EXPECT_EQ(r.message.find(token), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("[redacted]"), std::string::npos) << r.message;
  EXPECT_EQ(r.url.find(token), std::string::npos);
  EXPECT_EQ(logged.find(token), std::string::npos) << logged;
}

TEST_F(HttpClientTest, ApiKeyHeadersAreRedactedToo) {
  // A key in a header named x-api-token, echoed back in a 403 body.
  const std::string key = "pd-key-0123456789abcdef";
  server_.On("GET", "/k", {FixtureResponse::Json("{\"error\":\"key " + key + " revoked\"}", 403)});
  HttpClient client(TestOptions());
  HttpResponse r = client.Get(Url("/k"), {{"X-Api-Token", key}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.message.find(key), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("key [redacted] revoked"), std::string::npos) << r.message;
}

TEST(HttpJson, ParseErrorNamesTheUrlAndByteOffset) {
  nlohmann::json j;
  std::string error;
  // {"a": 1,, : the second comma is byte 9 (1-based), the parser's offset.
  EXPECT_EQ(ParseJson("{\"a\": 1,,}", "https://x/q", &j, &error), BATON_PARSE_ERROR);
  EXPECT_NE(error.find("https://x/q: the response is not valid JSON at byte 9"),
            std::string::npos)
      << error;
  EXPECT_EQ(ParseJson("{\"a\": [1, null]}", "https://x/q", &j, &error), BATON_OK);
  EXPECT_EQ(j["a"][0], 1);
}

TEST(HttpUrl, ResolveEncodeAndOptions) {
  EXPECT_EQ(ResolveUrl("https://na1.my.salesforce.com/services/data/v59.0/query?q=x",
                       "/services/data/v59.0/query/01g-2000"),
            "https://na1.my.salesforce.com/services/data/v59.0/query/01g-2000");
  EXPECT_EQ(ResolveUrl("https://a/b", "https://c/d"), "https://c/d");
  EXPECT_EQ(UrlOrigin("http://127.0.0.1:8080/x?y"), "http://127.0.0.1:8080");
  EXPECT_EQ(UrlEncode("SELECT Id FROM Lead WHERE a > 1"),
            "SELECT%20Id%20FROM%20Lead%20WHERE%20a%20%3E%201");
  HttpOptions o;
  std::string error;
  EXPECT_EQ(SetHttpOption("timeout", "0.5", &o, &error), 1);
  EXPECT_DOUBLE_EQ(o.total_timeout_s, 0.5);
  EXPECT_EQ(SetHttpOption("timeout", "soon", &o, &error), -1);
  EXPECT_NE(error.find("timeout=\"soon\""), std::string::npos) << error;
  EXPECT_EQ(SetHttpOption("max_attempts", "0", &o, &error), -1);
  EXPECT_EQ(SetHttpOption("bulk", "1", &o, &error), 0);
}

}  // namespace
}  // namespace baton::http

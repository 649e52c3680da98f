// OpenApiSession (plugins/http/api_session.h): the set-up every API connector
// makes before its first request, checked against a host made here.
#include "api_session.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace baton::http {
namespace {

// A host whose secrets are a map and whose log lines are kept.
struct FakeHost {
  std::map<std::string, std::string> secrets;
  std::vector<std::pair<int, std::string>> logged;
  baton_host host{};

  FakeHost() {
    host.struct_size = sizeof host;
    host.self = this;
    host.log = [](void* self, int level, const char* message) {
      static_cast<FakeHost*>(self)->logged.emplace_back(level, message);
    };
    host.secret = [](void* self, const char* name) -> const char* {
      const auto& s = static_cast<FakeHost*>(self)->secrets;
      auto it = s.find(name);
      return it == s.end() ? nullptr : it->second.c_str();
    };
  }
};

ApiSessionSpec Spec() {
  return {"acme", "ACME_TOKEN", "acme: no token: set ACME_TOKEN to an API token"};
}

TEST(OpenApiSession, TokenIsReturnedRedactedAndLogLinesNameTheConnector) {
  FakeHost h;
  h.secrets["ACME_TOKEN"] = "s3cret-value";
  HttpOptions options;
  std::string token, error;
  ASSERT_EQ(OpenApiSession(&h.host, Spec(), "https://api.acme.example", &options, &token,
                           &error),
            BATON_OK)
      << error;
  EXPECT_EQ(token, "s3cret-value");
  EXPECT_EQ(options.redact, (std::vector<std::string>{"s3cret-value"}));
  // A client built from the options redacts the token from its messages.
  HttpClient client(options);
  EXPECT_EQ(client.Redact("GET /x?t=s3cret-value failed"), "GET /x?t=[redacted] failed");
  // Retry notices reach the host prefixed with the connector's name.
  ASSERT_TRUE(static_cast<bool>(options.log));
  options.log(2, "retrying after HTTP 503");
  ASSERT_EQ(h.logged.size(), 1u);
  EXPECT_EQ(h.logged[0].first, 2);
  EXPECT_EQ(h.logged[0].second, "acme: retrying after HTTP 503");
}

TEST(OpenApiSession, MissingOrEmptySecretGivesTheSpecMessageAndChangesNothing) {
  for (const char* value : {static_cast<const char*>(nullptr), ""}) {
    FakeHost h;
    if (value) h.secrets["ACME_TOKEN"] = value;
    HttpOptions options;
    std::string token, error;
    EXPECT_EQ(OpenApiSession(&h.host, Spec(), "https://api.acme.example", &options, &token,
                             &error),
              BATON_INVALID_ARGUMENT);
    EXPECT_EQ(error, "acme: no token: set ACME_TOKEN to an API token");
    EXPECT_TRUE(options.redact.empty());
    EXPECT_FALSE(static_cast<bool>(options.log));
  }
}

TEST(OpenApiSession, PlainHttpIsRefusedWithTheConnectorNamed) {
  FakeHost h;
  h.secrets["ACME_TOKEN"] = "t";
  HttpOptions options;  // allow_insecure_http is off
  std::string token, error;
  EXPECT_EQ(OpenApiSession(&h.host, Spec(), "http://api.acme.example", &options, &token, &error),
            BATON_INVALID_ARGUMENT);
  // The message is CheckUrl's, after the connector's name.
  std::string check;
  ASSERT_EQ(CheckUrl("http://api.acme.example", options, &check), BATON_INVALID_ARGUMENT);
  EXPECT_EQ(error, "acme: " + check);
}

}  // namespace
}  // namespace baton::http

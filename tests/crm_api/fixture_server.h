// FixtureServer: a local HTTP server for API connector tests. A test starts
// it in-process on 127.0.0.1 on a free port, registers the responses each
// route gives (JSON or CSV bodies, status codes, headers, delays), points a
// connector at base_url() with the option insecure_http_for_tests=1, and
// afterwards asserts on the requests the server recorded (method, path,
// decoded query parameters, headers, body).
//
// Routes: On(method, path, responses) matches the exact path (the query is
// not part of it); OnParam(...) also requires a query parameter to contain a
// text (e.g. q contains "FROM Lead"); OnHandler(...) computes the response.
// Routes are tried in the order registered; the first that matches answers.
// A route's responses are a script: the n-th request it answers gets
// responses[n], and the last response repeats once the script is used up
// (so {429, 200} is "first 429, then 200 for ever", and {500} is "always
// 500"). A request no route matches gets 404 with a JSON body naming it, and
// is recorded too.
//
// Delays: a response with delay_ms sleeps before it is sent (a slow server);
// Stop() and the destructor interrupt such sleeps, so a test never waits for
// them.
//
// Ownership and threads: the server runs its own threads while started;
// every public method is thread-safe. Stop() (or the destructor) joins them.
//
// Build: tests/crm_api/CMakeLists.txt defines the static library
// baton_fixture_server (links cpp-httplib); link it and add the include
// directory tests/crm_api.
#ifndef BATON_TESTS_CRM_API_FIXTURE_SERVER_H_
#define BATON_TESTS_CRM_API_FIXTURE_SERVER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace baton::fixture {

struct FixtureResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Extra headers, e.g. {"Retry-After", "1"}, {"Sforce-Locator", "abc"}.
  std::vector<std::pair<std::string, std::string>> headers;
  int delay_ms = 0;  // sleep this long before answering

  // A JSON body with `status`.
  static FixtureResponse Json(std::string body, int status = 200);
  // A CSV body (text/csv; charset=UTF-8) with extra headers.
  static FixtureResponse Csv(
      std::string body,
      std::vector<std::pair<std::string, std::string>> headers = {});
  // An empty-bodied response with `status` and headers, e.g.
  // Status(429, {{"Retry-After", "1"}}).
  static FixtureResponse Status(
      int status, std::vector<std::pair<std::string, std::string>> headers = {});
};

struct RecordedRequest {
  std::string method;   // "GET"
  std::string path;     // "/services/data/v59.0/query", without the query
  std::string query;    // the raw query string after '?', still encoded
  std::multimap<std::string, std::string> params;  // decoded query parameters
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The header `name` (case-insensitive), or "" when absent.
  std::string Header(std::string_view name) const;
  // The decoded query parameter `name` (the first), or "" when absent.
  std::string Param(const std::string& name) const;
};

class FixtureServer {
 public:
  FixtureServer();
  ~FixtureServer();  // Stop()
  FixtureServer(const FixtureServer&) = delete;
  FixtureServer& operator=(const FixtureServer&) = delete;

  // Binds 127.0.0.1 on a free port and starts serving. Returns false (with
  // *error set when given) when no port could be bound. Routes may be
  // registered before or after Start.
  bool Start(std::string* error = nullptr);
  // Stops serving and joins the threads; interrupts delays. Idempotent.
  void Stop();

  int port() const;
  // "http://127.0.0.1:PORT" (no trailing slash).
  std::string base_url() const;

  void On(const std::string& method, const std::string& path,
          std::vector<FixtureResponse> responses);
  // Matches only when query parameter `param` (decoded) contains `contains`.
  void OnParam(const std::string& method, const std::string& path,
               const std::string& param, const std::string& contains,
               std::vector<FixtureResponse> responses);
  void OnHandler(const std::string& method, const std::string& path,
                 std::function<FixtureResponse(const RecordedRequest&)> handler);

  // Every request received, in arrival order.
  std::vector<RecordedRequest> Requests() const;
  // Those with this method and path.
  std::vector<RecordedRequest> Requests(const std::string& method,
                                        const std::string& path) const;
  size_t Count(const std::string& method, const std::string& path) const;
  // Forgets the recorded requests (routes stay).
  void ClearRequests();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace baton::fixture

#endif  // BATON_TESTS_CRM_API_FIXTURE_SERVER_H_

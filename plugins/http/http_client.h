// HttpClient: the HTTP layer every API connector (salesforce, hubspot,
// pipedrive, ...) compiles in. A thin libcurl wrapper with the policies an
// API connector needs and should not re-invent:
//
//  * timeouts: a connect timeout and a total timeout per attempt (defaults
//    10 s and 120 s), so a stalled server ends in a clear error, never a hang;
//  * bounded retries: 429 (honouring Retry-After in seconds), 5xx and
//    transient network errors (connect failure, reset, timeout) are retried
//    with exponential backoff, at most `max_attempts` tries and at most
//    `max_total_wait_s` seconds of waiting per request; then an error naming
//    the method, URL, the last status and the number of attempts;
//  * secrets: the value of an Authorization header (and the token after its
//    scheme), the value of any header whose name contains "token", "key" or
//    "secret", and every string in `HttpOptions::redact`, are replaced by
//    "[redacted]" in every message the client makes (errors and log lines);
//    headers are never logged;
//  * TLS: certificate and host verification are always on. Plain http:// is
//    refused unless `allow_insecure_http` (the connector option
//    insecure_http_for_tests=1) is set, and even then only for 127.0.0.1,
//    [::1] and localhost: it exists for the local fixture server of tests.
//
// The caller adds where paging got to ("after 4000 records, page 3") to the
// message of a failed response; the client cannot know it.
//
// Ownership and threads: HttpClient holds one curl easy handle and is used by
// one thread at a time; separate clients may run on separate threads. Each
// request returns plain values. libcurl's global state is initialised once
// per process (thread-safe) on the first client.
//
// Build: plugins/http/CMakeLists.txt defines the static library baton_http
// (PIC, hidden symbols, links libcurl and nlohmann-json). A connector links
// it with target_link_libraries(baton-NAME PRIVATE baton_http); it adds the
// include directory plugins/http. It exists only when libcurl was found:
// check if(TARGET baton_http).
//
// Since: 1.1
#ifndef BATON_PLUGINS_HTTP_HTTP_CLIENT_H_
#define BATON_PLUGINS_HTTP_HTTP_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "baton/connector.h"

namespace baton::http {

// Request or response headers, in order, as (name, value).
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpOptions {
  double connect_timeout_s = 10;   // per attempt
  double total_timeout_s = 120;    // per attempt, whole transfer
  int max_attempts = 5;            // tries per request, including the first
  double max_total_wait_s = 60;    // backoff + Retry-After sleeps, per request
  double initial_backoff_s = 0.5;  // first wait after a 5xx or network error;
                                   // doubled on each further retry
  double max_retry_after_s = 30;   // a longer Retry-After is capped to this
  bool allow_insecure_http = false;  // test-only, loopback hosts only
  std::string user_agent = "baton/1.1";
  // Strings (tokens) replaced by "[redacted]" in every message, in addition
  // to the value of any Authorization header of the request.
  std::vector<std::string> redact;
  // Optional: receives retry notices (level 0 debug, 1 info, 2 warning), already
  // redacted. A connector usually forwards to host->log.
  std::function<void(int level, const std::string& message)> log;
  // Optional: returns true when the user asked to cancel; checked during
  // transfers and between attempts (the request then fails with
  // BATON_CANCELLED).
  std::function<bool()> cancelled;
};

struct HttpResponse {
  // BATON_OK when a 2xx response arrived. Otherwise a baton_status:
  //   BATON_INVALID_ARGUMENT  the URL was refused (http:// without the test
  //                           option, a malformed URL) before any request;
  //   BATON_IO_ERROR          network failure or timeout after the retries,
  //                           or a non-2xx status (status/body then hold the
  //                           last response, e.g. 401 with the API's error);
  //   BATON_CANCELLED         the cancelled callback returned true.
  int error = BATON_OK;
  // What failed, redacted: "GET https://x/y: HTTP 500 after 5 attempts
  // (Internal Server Error)" or "GET https://x/y: timed out after 2.0 s
  // (total timeout; option timeout=SECONDS)". Empty when error == BATON_OK.
  std::string message;
  int status = 0;     // HTTP status of the last response; 0 when none came
  std::string body;   // body of the last response
  HttpHeaders headers;  // headers of the last response
  std::string url;    // the URL requested (redacted)
  int attempts = 0;   // tries made

  bool ok() const { return error == BATON_OK; }
  // The value of header `name` (case-insensitive; the first if repeated), or
  // "" when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // GET `url` with `headers` (e.g. {"Authorization", "Bearer " + token}).
  // Never throws; see HttpResponse::error for the outcomes.
  HttpResponse Get(const std::string& url, const HttpHeaders& headers);
  // POST `body` to `url`; pass the Content-Type in `headers` (default
  // application/json).
  HttpResponse Post(const std::string& url, const HttpHeaders& headers,
                    const std::string& body);
  // Any method ("PATCH", "DELETE", ...); body may be empty.
  HttpResponse Send(const std::string& method, const std::string& url,
                    const HttpHeaders& headers, const std::string& body);

  const HttpOptions& options() const { return options_; }
  // `text` with the Authorization values seen so far and options().redact
  // replaced by "[redacted]"; use it on any text built from a response.
  std::string Redact(std::string text) const;

 private:
  HttpOptions options_;
  std::vector<std::string> seen_secrets_;
  struct Curl;
  std::unique_ptr<Curl> curl_;
};

// Parses a connector option shared by every API connector into `options`:
//   timeout=SECONDS            total timeout per attempt (default 120)
//   connect_timeout=SECONDS    (default 10)
//   max_attempts=N             1..20 (default 5)
//   max_retry_wait=SECONDS     total waiting between attempts (default 60)
//   retry_backoff=SECONDS      first backoff (default 0.5)
//   insecure_http_for_tests=1  allow http:// to loopback (tests only)
// Returns 1 when `key` is one of these and was set, 0 when it is not an HTTP
// option, and -1 with *error set ("option timeout=\"x\" is not a number of
// seconds") on a bad value.
int SetHttpOption(const std::string& key, const std::string& value,
                  HttpOptions* options, std::string* error);

// The names above, comma-separated, for "valid options are ..." messages.
const char* HttpOptionNames();

// Checks that `url` may be requested under `options`: https://, or http://
// to a loopback host with allow_insecure_http. BATON_OK, or
// BATON_INVALID_ARGUMENT with *error saying what to do.
int CheckUrl(const std::string& url, const HttpOptions& options,
             std::string* error);

// Percent-encodes `text` for a query parameter value (RFC 3986 unreserved
// characters kept; a space becomes %20).
std::string UrlEncode(std::string_view text);

// `ref` resolved against `base`: returned unchanged when it has a scheme,
// the origin (scheme://host:port) of `base` + `ref` when it starts with '/',
// else `base` + "/" + `ref`. Used for Salesforce's nextRecordsUrl.
std::string ResolveUrl(const std::string& base, const std::string& ref);

// "scheme://host:port" of `url` (no trailing slash), or "" when malformed.
std::string UrlOrigin(const std::string& url);

// Parses `body` (from `url`, for the message) as JSON. On failure returns
// BATON_PARSE_ERROR and sets *error to "<url>: the response is not valid JSON
// at byte N: <reason>; the start of the body was: <first 120 bytes>".
int ParseJson(const std::string& body, const std::string& url,
              nlohmann::json* out, std::string* error);

}  // namespace baton::http

#endif  // BATON_PLUGINS_HTTP_HTTP_CLIENT_H_

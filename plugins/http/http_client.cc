#include "http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "ascii.h"

namespace baton::http {
namespace {

constexpr const char* kRedacted = "[redacted]";

using ascii::EqualsIgnoreCase;
using ascii::Trim;

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The host of `url` ("127.0.0.1", "localhost", "::1"), lower case, or "".
std::string HostOf(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  size_t start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  size_t at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    return close == std::string::npos ? "" : ascii::Lower(authority.substr(1, close - 1));
  }
  return ascii::Lower(authority.substr(0, authority.find(':')));
}

bool ParseSeconds(const std::string& value, double* out) {
  const std::string v = Trim(value);
  if (v.empty()) return false;
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (end != v.c_str() + v.size() || !std::isfinite(d) || d < 0) return false;
  *out = d;
  return true;
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (EqualsIgnoreCase(k, name)) return v;
  return "";
}

bool HttpResponse::HasHeader(std::string_view name) const {
  for (const auto& h : headers)
    if (EqualsIgnoreCase(h.first, name)) return true;
  return false;
}

struct HttpClient::Curl {
  CURL* handle = nullptr;
};

HttpClient::HttpClient(HttpOptions options)
    : options_(std::move(options)), curl_(std::make_unique<Curl>()) {
  GlobalInit();
  curl_->handle = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_ && curl_->handle) curl_easy_cleanup(curl_->handle);
}

std::string HttpClient::Redact(std::string text) const {
  auto replace_all = [&text](const std::string& secret) {
    // Very short strings would redact ordinary words; tokens are long.
    if (secret.size() < 4) return;
    for (size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + std::char_traits<char>::length(kRedacted)))
      text.replace(pos, secret.size(), kRedacted);
  };
  for (const std::string& s : seen_secrets_) replace_all(s);
  for (const std::string& s : options_.redact) replace_all(s);
  return text;
}

HttpResponse HttpClient::Get(const std::string& url, const HttpHeaders& headers) {
  return Send("GET", url, headers, "");
}

HttpResponse HttpClient::Post(const std::string& url, const HttpHeaders& headers,
                              const std::string& body) {
  return Send("POST", url, headers, body);
}

namespace {

struct Transfer {
  std::string body;
  HttpHeaders headers;
  const std::function<bool()>* cancelled = nullptr;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->body.append(data, size * count);
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  // A new status line starts a new header block (after a redirect or 100).
  if (line.rfind("HTTP/", 0) == 0) {
    t->headers.clear();
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos)
    t->headers.emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  return size * count;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->cancelled && *t->cancelled && (*t->cancelled)() ? 1 : 0;
}

bool Transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

}  // namespace

HttpResponse HttpClient::Send(const std::string& method, const std::string& url,
                              const HttpHeaders& headers, const std::string& body) {
  HttpResponse r;
  for (const auto& [k, v] : headers) {
    const std::string name = ascii::Lower(k);
    if (name.find("token") != std::string::npos || name.find("key") != std::string::npos ||
        name.find("secret") != std::string::npos)
      seen_secrets_.push_back(v);
    if (EqualsIgnoreCase(k, "Authorization")) {
      // Redact both the whole value and the bare token after the scheme.
      seen_secrets_.push_back(v);
      size_t space = v.find(' ');
      if (space != std::string::npos) seen_secrets_.push_back(Trim(v.substr(space + 1)));
    }
  }
  // Longest first, so a whole "Bearer x" is replaced before its token.
  std::sort(seen_secrets_.begin(), seen_secrets_.end(),
            [](const std::string& a, const std::string& b) {
              return a.size() != b.size() ? a.size() > b.size() : a < b;
            });
  seen_secrets_.erase(std::unique(seen_secrets_.begin(), seen_secrets_.end()),
                      seen_secrets_.end());
  r.url = Redact(url);
  const std::string what = method + " " + r.url;
  std::string error;
  if (CheckUrl(url, options_, &error) != BATON_OK) {
    r.error = BATON_INVALID_ARGUMENT;
    r.message = Redact(error);
    return r;
  }
  if (!curl_->handle) {
    r.error = BATON_IO_ERROR;
    r.message = what + ": libcurl could not be initialised";
    return r;
  }
  auto log = [this](int level, const std::string& m) {
    if (options_.log) options_.log(level, Redact(m));
  };
  auto is_cancelled = [this] { return options_.cancelled && options_.cancelled(); };

  struct curl_slist* list = nullptr;
  bool has_content_type = false;
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, "Content-Type")) has_content_type = true;
    list = curl_slist_append(list, (k + ": " + v).c_str());
  }
  if (method == "POST" && !has_content_type)
    list = curl_slist_append(list, "Content-Type: application/json");
  // libcurl would otherwise send "Expect: 100-continue" and wait for it.
  list = curl_slist_append(list, "Expect:");

  const int max_attempts = std::max(1, options_.max_attempts);
  double waited = 0;
  double backoff = options_.initial_backoff_s;
  std::string last_problem;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    if (is_cancelled()) {
      r.error = BATON_CANCELLED;
      r.message = what + ": cancelled";
      break;
    }
    CURL* h = curl_->handle;
    curl_easy_reset(h);
    Transfer t;
    t.cancelled = &options_.cancelled;
    char curl_error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout_s * 1000));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(options_.total_timeout_s * 1000));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    // Only the scheme CheckUrl allowed; no redirect to plain http.
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, options_.allow_insecure_http ? "http,https" : "https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    if (method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      if (method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    CURLcode code = curl_easy_perform(h);
    r.attempts = attempt;
    double retry_after = -1;
    if (code == CURLE_ABORTED_BY_CALLBACK) {
      r.error = BATON_CANCELLED;
      r.message = what + ": cancelled";
      break;
    }
    if (code != CURLE_OK) {
      r.status = 0;
      r.body.clear();
      r.headers.clear();
      if (code == CURLE_OPERATION_TIMEDOUT) {
        last_problem = "timed out after " + Seconds(options_.total_timeout_s) +
                       " (the server did not answer in time; option timeout=SECONDS, "
                       "connect_timeout=SECONDS)";
      } else {
        last_problem = std::string(curl_error[0] ? curl_error : curl_easy_strerror(code));
      }
      if (!Transient(code)) {
        r.error = BATON_IO_ERROR;
        r.message = Redact(what + ": " + last_problem);
        break;
      }
    } else {
      long status = 0;
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
      r.status = static_cast<int>(status);
      r.body = std::move(t.body);
      r.headers = std::move(t.headers);
      if (status >= 200 && status < 300) {
        r.error = BATON_OK;
        r.message.clear();
        break;
      }
      last_problem = "HTTP " + std::to_string(status);
      if (status != 429 && status < 500) {
        std::string start = r.body.substr(0, 300);
        r.error = BATON_IO_ERROR;
        r.message = Redact(what + ": HTTP " + std::to_string(status) +
                           (start.empty() ? "" : ": " + start));
        break;
      }
      if (status == 429) {
        double s;
        if (ParseSeconds(r.Header("Retry-After"), &s))
          retry_after = std::min(s, options_.max_retry_after_s);
      }
    }
    // A retryable failure: wait, unless this was the last try or the wait
    // budget is spent.
    double wait = retry_after >= 0 ? retry_after : backoff;
    if (retry_after < 0) backoff *= 2;
    if (attempt == max_attempts || waited + wait > options_.max_total_wait_s) {
      r.error = BATON_IO_ERROR;
      r.message = Redact(what + ": " + last_problem + " after " + std::to_string(attempt) +
                         (attempt == 1 ? " attempt" : " attempts") +
                         (attempt < max_attempts
                              ? " (stopped: the next wait would exceed max_retry_wait=" +
                                    Seconds(options_.max_total_wait_s) + ")"
                              : " (option max_attempts=N)"));
      break;
    }
    log(1, what + ": " + last_problem + "; retrying in " + Seconds(wait) + " (attempt " +
               std::to_string(attempt + 1) + " of " + std::to_string(max_attempts) + ")");
    // Sleep in short slices so a cancel is seen promptly.
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::microseconds(static_cast<int64_t>(wait * 1e6));
    while (std::chrono::steady_clock::now() < until && !is_cancelled())
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(20),
                                                        until - std::chrono::steady_clock::now()));
    waited += wait;
  }
  curl_slist_free_all(list);
  return r;
}

int SetHttpOption(const std::string& key, const std::string& value,
                  HttpOptions* options, std::string* error) {
  auto seconds = [&](double* target, double min) {
    double s;
    if (!ParseSeconds(value, &s) || s < min) {
      *error = "option " + key + "=\"" + value + "\" is not a number of seconds" +
               (min > 0 ? " above 0" : "");
      return -1;
    }
    *target = s;
    return 1;
  };
  if (key == "timeout") return seconds(&options->total_timeout_s, 0.001);
  if (key == "connect_timeout") return seconds(&options->connect_timeout_s, 0.001);
  if (key == "max_retry_wait") return seconds(&options->max_total_wait_s, 0);
  if (key == "retry_backoff") return seconds(&options->initial_backoff_s, 0);
  if (key == "max_attempts") {
    const std::string v = Trim(value);
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || end != v.c_str() + v.size() || n < 1 || n > 20) {
      *error = "option max_attempts=\"" + value + "\" must be a whole number from 1 to 20";
      return -1;
    }
    options->max_attempts = static_cast<int>(n);
    return 1;
  }
  if (key == "insecure_http_for_tests") {
    const std::string v = ascii::Lower(Trim(value));
    if (v == "1" || v == "true" || v == "yes") {
      options->allow_insecure_http = true;
    } else if (v == "0" || v == "false" || v == "no") {
      options->allow_insecure_http = false;
    } else {
      *error = "option insecure_http_for_tests=\"" + value + "\" must be 1 or 0";
      return -1;
    }
    return 1;
  }
  return 0;
}

const char* HttpOptionNames() {
  return "timeout, connect_timeout, max_attempts, max_retry_wait, retry_backoff, "
         "insecure_http_for_tests";
}

int CheckUrl(const std::string& url, const HttpOptions& options, std::string* error) {
  const std::string lower = ascii::Lower(url.substr(0, 8));
  if (lower.rfind("https://", 0) == 0) {
    if (HostOf(url).empty()) {
      *error = "\"" + url + "\" has no host; expected https://HOST[/PATH]";
      return BATON_INVALID_ARGUMENT;
    }
    return BATON_OK;
  }
  if (lower.rfind("http://", 0) == 0) {
    const std::string host = HostOf(url);
    const bool loopback = host == "127.0.0.1" || host == "localhost" || host == "::1";
    if (options.allow_insecure_http && loopback) return BATON_OK;
    *error = "\"" + url + "\" uses plain http://, which would send the access token "
             "unencrypted; use https://" +
             (loopback ? std::string(" (or, in tests only, the option insecure_http_for_tests=1)")
                       : std::string());
    return BATON_INVALID_ARGUMENT;
  }
  *error = "\"" + url + "\" is not an https:// URL";
  return BATON_INVALID_ARGUMENT;
}

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string UrlOrigin(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos || scheme == 0) return "";
  size_t end = url.find_first_of("/?#", scheme + 3);
  std::string origin = url.substr(0, end);
  return origin.size() > scheme + 3 ? origin : "";
}

std::string ResolveUrl(const std::string& base, const std::string& ref) {
  if (ref.find("://") != std::string::npos) return ref;
  if (!ref.empty() && ref[0] == '/') return UrlOrigin(base) + ref;
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b + "/" + ref;
}

int ParseJson(const std::string& body, const std::string& url, nlohmann::json* out,
              std::string* error) {
  try {
    *out = nlohmann::json::parse(body);
    return BATON_OK;
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // nlohmann's message starts "[json.exception.parse_error.101] parse error
    // at line 1, column 5: ..."; keep the reason after the position.
    size_t colon = what.find(": ");
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    std::string start = body.substr(0, 120);
    for (char& ch : start)
      if (ch == '\n' || ch == '\r') ch = ' ';
    *error = url + ": the response is not valid JSON at byte " + std::to_string(e.byte) +
             ": " + reason + "; the start of the body was: " +
             (start.empty() ? "(empty)" : start);
    return BATON_PARSE_ERROR;
  } catch (const std::exception& e) {
    *error = url + ": the response is not valid JSON: " + e.what();
    return BATON_PARSE_ERROR;
  }
}

}  // namespace baton::http

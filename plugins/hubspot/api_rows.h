// API records -> connector rows: the pieces the CRM API connectors (hubspot,
// pipedrive) share once the HTTP layer has returned a JSON page.
//
//  * JsonText / JsonAt: read a JSON value as the text a sink parses, without
//    throwing, whatever the API chose (string, number, bool, null, absent).
//  * FormatIsoUtc: the since time as the APIs' filters
//    want it (it is parsed with plugins/csv/utc_time.h); values that go into
//    the workspace are passed on as text and parsed by the host.
//  * RowBuffer: the rows of one canonical table, collected over every page
//    and written to the sink only after the last page arrived, so that a
//    request failing half-way leaves nothing half-loaded.
//  * ApiRead, Fail, SetSharedApiOption, GuardApiRead, PageProgress: the
//    state of a read both connectors keep, its error reporting, the options
//    both take (HTTP, since, stage.<value>), the exception guard of their
//    entry points and the "page 3 of deals, after ..." text of their paging
//    messages.
//
// pipedrive compiles this file in, as hubspot compiles the salesforce
// connector's export_file.cc.
//
// Ownership and threads: plain values, used by one thread; nothing is kept
// between reads.
#ifndef BATON_PLUGINS_HUBSPOT_API_ROWS_H_
#define BATON_PLUGINS_HUBSPOT_API_ROWS_H_

#include <cstdint>
#include <exception>
#include <new>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "baton/connector.h"
#include "http_client.h"

namespace baton::crm {

// Returns from the enclosing function when `expr` (a baton_status) fails.
#define BATON_API_TRY(expr)                  \
  do {                                       \
    const int api_rc_ = (expr);              \
    if (api_rc_ != BATON_OK) return api_rc_; \
  } while (0)

// The text of a JSON scalar: strings as they are, integers in decimal,
// other numbers with up to 17 significant digits, booleans "true"/"false";
// "" for null, objects, arrays and a missing value (nullptr).
std::string JsonText(const nlohmann::json* value);

// The member `key` of `object`, or nullptr when `object` is null, not an
// object, or lacks the key. Never throws.
const nlohmann::json* JsonAt(const nlohmann::json* object,
                             std::string_view key);

// "2024-03-01T10:00:00Z" (with ".mmm" when ms is not a whole second).
std::string FormatIsoUtc(int64_t ms);

// The state of one read that every API connector (hubspot, pipedrive)
// keeps; each derives its own state from it. Owned by the entry point's
// stack frame for the duration of one read.
struct ApiRead {
  const baton_host* host = nullptr;
  const baton_sink* sink = nullptr;
  std::string base;                    // base URL, without a trailing '/'
  http::HttpOptions http_options;      // from the options; see api_session.h
  http::HttpHeaders headers;           // sent with every request
  http::HttpClient* client = nullptr;  // set while the client exists
  bool has_since = false;              // since= had a value
  int64_t since_ms = 0;                // since=, in UTC milliseconds
};

// Reports `message` through host->set_error, with the token redacted while
// a client exists, and returns `code`.
int Fail(const ApiRead& a, int code, const std::string& message);

// Handles option `key`=`value` of `connector` ("hubspot") when it is a
// shared one: an HTTP option (SetHttpOption), since (ISO 8601 or epoch ms;
// an empty value is ignored), or stage.<value>=<stage> (a translation handed
// to sink->map_stage). Returns 1 when it was one and was set in `a`, 0 when
// `key` is none of these, and -1 with *error set to the whole message
// ("hubspot: option since=\"x\" is not a time; ...") on a bad value.
int SetSharedApiOption(const char* connector, const std::string& key,
                       const std::string& value, ApiRead* a, std::string* error);

// Runs `read` (a callable returning a baton_status: parse the options, then
// read) so that no exception leaves the connector: std::bad_alloc becomes
// BATON_OUT_OF_MEMORY "<connector>: out of memory reading <base>", any other
// std::exception BATON_INTERNAL "<connector>: unexpected error reading the
// API: <what>", both reported with Fail.
template <typename Read>
int GuardApiRead(ApiRead* a, const char* connector, Read&& read) {
  try {
    return read();
  } catch (const std::bad_alloc&) {
    a->client = nullptr;  // the client is gone with the stack it lived on
    return Fail(*a, BATON_OUT_OF_MEMORY,
                std::string(connector) + ": out of memory reading " + a->base);
  } catch (const std::exception& e) {
    a->client = nullptr;
    return Fail(*a, BATON_INTERNAL,
                std::string(connector) + ": unexpected error reading the API: " + e.what());
  }
}

// Where paging got to, for messages: "page 3 of contacts, after 200 records
// on 2 pages" (`page` counts from 1; `records` were read on the pages before).
std::string PageProgress(const std::string& what, int page, int64_t records);

// The rows of one canonical table, written in one batch named `file`.
class RowBuffer {
 public:
  // `fields` are canonical field names; `columns` the source each one comes
  // from (JSON paths, for messages), same length.
  RowBuffer(std::string table, std::string file,
            std::vector<std::string> fields, std::vector<std::string> columns);

  // Adds a row; values[i] feeds fields[i]. The row number in messages is
  // the row's 1-based position in this buffer.
  void Add(std::vector<std::string> values);
  size_t size() const { return rows_.size(); }

  // Opens a batch, pushes every row and closes it. On failure returns the
  // baton_status and sets *error to the sink's message followed by `hint`.
  // An empty buffer writes nothing.
  int Write(const baton_sink* sink, const std::string& hint,
            std::string* error) const;

 private:
  std::string table_;
  std::string file_;
  std::vector<std::string> fields_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace baton::crm

#endif  // BATON_PLUGINS_HUBSPOT_API_ROWS_H_

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
//
// pipedrive compiles this file in, as hubspot compiles the salesforce
// connector's export_file.cc.
//
// Ownership and threads: plain values, used by one thread; nothing is kept
// between reads.
#ifndef BATON_PLUGINS_HUBSPOT_API_ROWS_H_
#define BATON_PLUGINS_HUBSPOT_API_ROWS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "baton/connector.h"

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

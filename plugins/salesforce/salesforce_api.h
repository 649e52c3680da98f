// SalesforceApi: reads the objects the salesforce connector maps (Lead,
// Contact, Opportunity, OpportunityHistory, Campaign, CampaignMember, Task,
// Event, LeadHistory) from a Salesforce org's REST API (SOQL query, following
// nextRecordsUrl) or Bulk API 2.0 (query jobs, CSV result pages following
// Sforce-Locator), into ExportFile values: one per object, with the queried
// fields as the header and one row of text per record, exactly as the export
// reader produces them from a Data Export folder. The connector then maps
// them with the same code as an export.
//
// Values: JSON null -> "", booleans -> "true"/"false", numbers as written,
// strings as is (datetimes stay 2024-01-15T10:22:33.000+0000); nested
// objects (attributes, relationships) are ignored.
//
// Ownership and threads: plain functions over values; one call per read.
#ifndef BATON_PLUGINS_SALESFORCE_SALESFORCE_API_H_
#define BATON_PLUGINS_SALESFORCE_SALESFORCE_API_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "baton/connector.h"
#include "export_file.h"
#include "http_client.h"

namespace baton::crm {

struct SalesforceApiOptions {
  std::string api_version = "59.0";
  // "0": REST only; "1": Bulk API 2.0 for every object; "auto": REST, and
  // Bulk for an object whose first page reports more than bulk_threshold
  // records.
  std::string bulk = "auto";
  int64_t bulk_threshold = 50000;
  double bulk_poll_interval_s = 2;   // first wait between job polls (doubles, max 30 s)
  double bulk_max_wait_s = 1800;     // give up on a job after this long
  int64_t max_records = 0;           // Bulk maxRecords per result page; 0 = server default
  std::string since;                 // ISO timestamp; "" = everything
  bool multicurrency = false;        // also query CurrencyIsoCode
  http::HttpOptions http;
};

// Parses an API option of the salesforce connector: bulk, bulk_threshold,
// bulk_poll_interval, bulk_max_wait, max_records, since, api_version,
// multicurrency, and the HTTP options (http_client.h). Returns 1 when `key`
// is one and was set, 0 when it is not an API option, -1 with *error set on a
// bad value.
int SetSalesforceApiOption(const std::string& key, const std::string& value,
                           SalesforceApiOptions* options, std::string* error);

// The SOQL literal for an ISO timestamp or date ("2024-01-15",
// "2024-01-15T10:00:00Z", "2024-01-15 10:00:00.000+0000", epoch
// milliseconds): "2024-01-15T10:00:00Z" or "...+01:00". Returns false when
// `iso` is none of these.
bool SoqlDateTime(const std::string& iso, std::string* literal);

struct FetchedObject {
  std::string object;   // "Lead"
  ExportFile file;      // header = queried fields; name "Lead (REST API)" or "Lead (Bulk API 2.0)"
  int64_t pages = 0;
};

// Reads every mapped object from `instance` (https://NAME.my.salesforce.com)
// with `token`, in mapping order. `progress(fraction, what)` returns true to
// cancel. On failure returns a baton_status and sets *error: the HTTP
// client's message plus the object and how far paging got; 401
// INVALID_SESSION_ID says to set SALESFORCE_ACCESS_TOKEN. The token never
// appears in *error.
int FetchSalesforceObjects(const std::string& instance, const std::string& token,
                           const SalesforceApiOptions& options,
                           const std::function<bool(double, const std::string&)>& progress,
                           std::vector<FetchedObject>* out, std::string* error);

}  // namespace baton::crm

#endif  // BATON_PLUGINS_SALESFORCE_SALESFORCE_API_H_

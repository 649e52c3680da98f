// The hubspot connector's API mode: reads contacts and deals from the
// HubSpot CRM v3 API ("hubspot+https://api.hubapi.com") into the canonical
// tables, with the same meanings as the CSV export mode.
//
//   contacts -> people (id; createdate; hs_analytics_source normalised to
//               lower snake case; hubspot_owner_id; email; attributes
//               lead_status and source_detail from hs_lead_status and
//               hs_analytics_source_data_1)
//            -> stages: one row per lifecycle stage entered, from
//               hs_v2_date_entered_<stage> (or, when absent,
//               hs_lifecyclestage_<stage>_date), translated by the host's
//               stage map; custom stages (numeric ids) through the option
//               stage.<id>=<stage>. A contact with no such date but a
//               lifecyclestage enters it at createdate (noted).
//            -> touches: the original source as a marketing touch (channel =
//               the normalised hs_analytics_source, activity
//               original_source) at hs_analytics_first_timestamp, else
//               createdate.
//   deals    -> deals (id; dealstage; amount; closedate, blank while
//               hs_is_closed is false; createdate; hubspot_owner_id;
//               deal_currency_code; hs_is_closed_won and hs_is_closed when
//               HubSpot sends them, else the stage map decides; the first
//               associated contact is the person).
//
// Requests: GET /crm/v3/objects/{contacts,deals}?limit=100&properties=...
// following paging.next.after. With the option since=<ISO time> the search
// API is used instead (POST /crm/v3/objects/<type>/search filtered on
// lastmodifieddate / hs_lastmodifieddate >= since), and deal-to-contact
// associations come from POST /crm/v4/associations/deals/contacts/batch/read,
// since search results carry none. Every page is read before anything is
// written, so a failed request leaves the workspace unchanged.
//
// Token: the private app access token in HUBSPOT_ACCESS_TOKEN (host->secret),
// sent as "Authorization: Bearer ..."; it never appears in a message.
//
// Threads: one call at a time per host; no state outlives the call.
#ifndef BATON_PLUGINS_HUBSPOT_HUBSPOT_API_H_
#define BATON_PLUGINS_HUBSPOT_HUBSPOT_API_H_

#include <cstddef>
#include <string>

#include "baton/connector.h"

namespace baton::crm {

// True when `location` is an API URL (http:// or https://) rather than an
// export folder.
bool IsApiLocation(const std::string& location);

// hs_analytics_source and the export's Original Source as a channel name:
// "ORGANIC_SEARCH" and "Organic Search" both give "organic_search". Defined
// in hubspot_connector.cc, shared by both modes.
std::string NormalizeSourceName(const std::string& value);

// Reads the HubSpot account at `base_url` (scheme://host[:port], no path)
// into `sink`. Options: since, stage.<value>=<stage or ignore>, and the HTTP
// layer's (timeout, connect_timeout, max_attempts, max_retry_wait,
// retry_backoff, insecure_http_for_tests). Returns a baton_status; on
// failure host->set_error has said what failed, where paging got to and what
// to do.
int ReadHubspotApi(const baton_host* host, const std::string& base_url,
                   const baton_kv* options, size_t num_options,
                   const baton_sink* sink);

}  // namespace baton::crm

#endif  // BATON_PLUGINS_HUBSPOT_HUBSPOT_API_H_

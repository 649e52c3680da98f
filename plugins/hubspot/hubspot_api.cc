#include "hubspot_api.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "api_rows.h"
#include "api_session.h"
#include "http_client.h"

namespace baton::crm {
namespace {

using nlohmann::json;

constexpr const char* kTokenVariable = "HUBSPOT_ACCESS_TOKEN";
constexpr int kPageSize = 100;
// HubSpot answers the v4 association batch read for at most 1000 ids.
constexpr size_t kAssociationBatch = 1000;
constexpr const char* kStageHint =
    " (for the hubspot connector pass the option stage.<value>=<stage>, or "
    "=ignore)";

// Lifecycle stages whose entry dates are requested by name; custom stages
// (numeric ids) are added from the stage.<id> options.
constexpr const char* kLifecycleStages[] = {
    "subscriber",         "lead",        "marketingqualifiedlead",
    "salesqualifiedlead", "opportunity", "customer",
    "evangelist",         "other"};

constexpr const char* kV2Prefix = "hs_v2_date_entered_";
constexpr const char* kV1Prefix = "hs_lifecyclestage_";
constexpr const char* kV1Suffix = "_date";

struct Api : ApiRead {
  std::vector<std::string> custom_stages;
};

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? separator : "") + parts[i];
  return out;
}

// "EXPIRED_AUTHENTICATION: The OAuth token used to make this call expired
// 2 hour(s) ago." from HubSpot's error body, or "" when it has none.
std::string ApiMessage(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return "";
  std::string message = JsonText(JsonAt(&j, "message"));
  const std::string category = JsonText(JsonAt(&j, "category"));
  if (!category.empty())
    message = category + (message.empty() ? "" : ": " + message);
  return message;
}

// Turns a failed response into the connector's error.
int FailResponse(const Api& a, const http::HttpResponse& r,
                 const std::string& where) {
  const std::string api = ApiMessage(r.body);
  if (r.status == 401 || r.status == 403) {
    return Fail(a, BATON_IO_ERROR,
                "hubspot: HubSpot refused the access token (HTTP " +
                    std::to_string(r.status) + (api.empty() ? "" : ", " + api) +
                    ") at " + where + "; set " + kTokenVariable +
                    " to a valid private app access token with the scopes "
                    "crm.objects.contacts.read and crm.objects.deals.read. "
                    "Nothing was loaded.");
  }
  std::string message = "hubspot: reading " + where + " failed: " + r.message;
  if (!api.empty()) message += " (HubSpot says " + api + ")";
  message += ". Nothing was loaded.";
  return Fail(a, r.error == BATON_OK ? BATON_IO_ERROR : r.error, message);
}

bool Cancelled(const Api& a, const std::string& what) {
  return a.host->progress(a.host->self, -1.0, what.c_str()) != 0;
}

// Reads every page of `object` ("contacts" or "deals") and calls `record`
// on each result. `modified` names the last-modified property used with
// since.
int ReadObject(
    Api* a, const std::string& object,
    const std::vector<std::string>& properties, bool associations,
    const char* modified, const std::function<int(const json&)>& record,
    const std::function<int(const json&, const std::string&)>& page_done) {
  std::string after;
  int64_t records = 0;
  for (int page = 1;; ++page) {
    const std::string where = PageProgress(object, page, records);
    if (Cancelled(*a, "hubspot " + object + " page " + std::to_string(page)))
      return Fail(*a, BATON_CANCELLED, "hubspot: cancelled at " + where);
    http::HttpResponse r;
    if (a->has_since) {
      const json filter = {{"propertyName", modified},
                           {"operator", "GTE"},
                           {"value", std::to_string(a->since_ms)}};
      json group;
      group["filters"] = json::array({filter});
      json body;
      body["filterGroups"] = json::array({group});
      body["sorts"] = json::array(
          {json{{"propertyName", modified}, {"direction", "ASCENDING"}}});
      body["properties"] = properties;
      body["limit"] = kPageSize;
      if (!after.empty()) body["after"] = after;
      r = a->client->Post(a->base + "/crm/v3/objects/" + object + "/search",
                          a->headers, body.dump());
    } else {
      std::string url = a->base + "/crm/v3/objects/" + object +
                        "?limit=" + std::to_string(kPageSize) +
                        "&archived=false" +
                        "&properties=" + http::UrlEncode(Join(properties, ","));
      if (associations) url += "&associations=contacts";
      if (!after.empty()) url += "&after=" + http::UrlEncode(after);
      r = a->client->Get(url, a->headers);
    }
    if (!r.ok()) return FailResponse(*a, r, where);
    json j;
    std::string error;
    int rc = http::ParseJson(r.body, r.url, &j, &error);
    if (rc != BATON_OK)
      return Fail(*a, rc,
                  "hubspot: " + where + ": " + error + ". Nothing was loaded.");
    const json* results = JsonAt(&j, "results");
    if (results == nullptr || !results->is_array())
      return Fail(
          *a, BATON_PARSE_ERROR,
          "hubspot: " + where + ": the response of " + r.url +
              " has no \"results\" array; is " + a->base +
              " the HubSpot API (https://api.hubapi.com)? Nothing was loaded.");
    for (const json& item : *results) {
      if (!item.is_object() || JsonText(JsonAt(&item, "id")).empty())
        return Fail(*a, BATON_PARSE_ERROR,
                    "hubspot: " + where + ": result " +
                        std::to_string(records + 1) +
                        " has no \"id\". Nothing was loaded.");
      BATON_API_TRY(record(item));
      ++records;
    }
    BATON_API_TRY(page_done(*results, where));
    const std::string next =
        JsonText(JsonAt(JsonAt(JsonAt(&j, "paging"), "next"), "after"));
    if (next.empty()) break;
    if (next == after)
      return Fail(*a, BATON_PARSE_ERROR,
                  "hubspot: " + where + ": paging.next.after repeats \"" +
                      next +
                      "\"; stopping instead of reading the same page again");
    after = next;
  }
  return BATON_OK;
}

struct Contacts {
  RowBuffer people{
      "people",
      "hubspot contacts",
      {"person_id", "created_at", "source", "owner", "email",
       "attribute:lead_status", "attribute:source_detail"},
      {"id", "properties.createdate", "properties.hs_analytics_source",
       "properties.hubspot_owner_id", "properties.email",
       "properties.hs_lead_status", "properties.hs_analytics_source_data_1"}};
  RowBuffer stages{
      "stages",
      "hubspot contacts",
      {"person_id", "stage", "at"},
      {"id", "the lifecycle stage of properties.hs_v2_date_entered_<stage>",
       "properties.hs_v2_date_entered_<stage> / "
       "hs_lifecyclestage_<stage>_date"}};
  RowBuffer touches{"touches",
                    "hubspot contacts",
                    {"person_id", "at", "channel", "side", "activity"},
                    {"id", "properties.hs_analytics_first_timestamp",
                     "properties.hs_analytics_source", "side", "activity"}};
  int64_t from_lifecycle = 0;
};

std::string Property(const json& record, const char* name) {
  return JsonText(JsonAt(JsonAt(&record, "properties"), name));
}

int AddContact(Contacts* c, const json& record) {
  const std::string id = JsonText(JsonAt(&record, "id"));
  std::string created = Property(record, "createdate");
  if (created.empty()) created = JsonText(JsonAt(&record, "createdAt"));
  const std::string source =
      NormalizeSourceName(Property(record, "hs_analytics_source"));
  c->people.Add({id, created, source, Property(record, "hubspot_owner_id"),
                 Property(record, "email"), Property(record, "hs_lead_status"),
                 Property(record, "hs_analytics_source_data_1")});
  // Entry dates: hs_v2_date_entered_<stage> first, the older
  // hs_lifecyclestage_<stage>_date where the newer one is blank.
  std::map<std::string, std::string> entered;
  const json* props = JsonAt(&record, "properties");
  if (props != nullptr && props->is_object()) {
    const std::string v2 = kV2Prefix, v1 = kV1Prefix, v1_end = kV1Suffix;
    for (const auto& [key, value] : props->items()) {
      const std::string at = JsonText(&value);
      if (at.empty()) continue;
      if (key.size() > v2.size() && key.compare(0, v2.size(), v2) == 0)
        entered[key.substr(v2.size())] = at;
    }
    for (const auto& [key, value] : props->items()) {
      const std::string at = JsonText(&value);
      if (at.empty()) continue;
      if (key.size() > v1.size() + v1_end.size() &&
          key.compare(0, v1.size(), v1) == 0 &&
          key.compare(key.size() - v1_end.size(), v1_end.size(), v1_end) == 0)
        entered.emplace(
            key.substr(v1.size(), key.size() - v1.size() - v1_end.size()), at);
    }
  }
  for (const auto& [stage, at] : entered) c->stages.Add({id, stage, at});
  if (entered.empty()) {
    const std::string lifecycle = Property(record, "lifecyclestage");
    if (!lifecycle.empty() && !created.empty()) {
      c->stages.Add({id, lifecycle, created});
      ++c->from_lifecycle;
    }
  }
  if (!source.empty()) {
    std::string at = Property(record, "hs_analytics_first_timestamp");
    if (at.empty()) at = created;
    if (!at.empty())
      c->touches.Add({id, at, source, "marketing", "original_source"});
  }
  return BATON_OK;
}

struct Deals {
  RowBuffer deals{
      "deals",
      "hubspot deals",
      {"deal_id", "person_id", "stage", "amount", "closed_at", "created_at",
       "owner", "currency", "is_won", "is_closed"},
      {"id", "associations.contacts", "properties.dealstage",
       "properties.amount", "properties.closedate", "properties.createdate",
       "properties.hubspot_owner_id", "properties.deal_currency_code",
       "properties.hs_is_closed_won", "properties.hs_is_closed"}};
  // Deals of the current page waiting for their contact (search mode).
  std::vector<std::vector<std::string>> pending;
  int64_t without_contact = 0;
};

std::vector<std::string> DealRow(const json& record,
                                 const std::string& person) {
  std::string closed = Property(record, "closedate");
  const std::string is_closed = Property(record, "hs_is_closed");
  // An open deal's closedate is only the expected date.
  if (is_closed == "false") closed.clear();
  std::string created = Property(record, "createdate");
  if (created.empty()) created = JsonText(JsonAt(&record, "createdAt"));
  return {JsonText(JsonAt(&record, "id")),
          person,
          Property(record, "dealstage"),
          Property(record, "amount"),
          closed,
          created,
          Property(record, "hubspot_owner_id"),
          Property(record, "deal_currency_code"),
          Property(record, "hs_is_closed_won"),
          is_closed};
}

// The first contact of a list result's associations.contacts.results.
std::string FirstAssociatedContact(const json& record) {
  const json* results =
      JsonAt(JsonAt(JsonAt(&record, "associations"), "contacts"), "results");
  if (results == nullptr || !results->is_array()) return "";
  for (const json& r : *results) {
    std::string id = JsonText(JsonAt(&r, "id"));
    if (!id.empty()) return id;
  }
  return "";
}

// Search results carry no associations: asks the v4 association API for the
// contacts of the page's deals.
int ResolveContacts(Api* a, Deals* d, const std::string& where) {
  for (size_t start = 0; start < d->pending.size();
       start += kAssociationBatch) {
    const size_t end = std::min(d->pending.size(), start + kAssociationBatch);
    json inputs = json::array();
    for (size_t i = start; i < end; ++i)
      inputs.push_back(json{{"id", d->pending[i][0]}});
    json body;
    body["inputs"] = inputs;
    http::HttpResponse r = a->client->Post(
        a->base + "/crm/v4/associations/deals/contacts/batch/read", a->headers,
        body.dump());
    const std::string at = "the deal-to-contact associations of " + where;
    // 207 (some ids without associations) is a 2xx and so ok().
    if (!r.ok()) return FailResponse(*a, r, at);
    json j;
    std::string error;
    int rc = http::ParseJson(r.body, r.url, &j, &error);
    if (rc != BATON_OK)
      return Fail(*a, rc,
                  "hubspot: " + at + ": " + error + ". Nothing was loaded.");
    std::unordered_map<std::string, std::string> contact_of;
    const json* results = JsonAt(&j, "results");
    if (results != nullptr && results->is_array()) {
      for (const json& res : *results) {
        const std::string from = JsonText(JsonAt(JsonAt(&res, "from"), "id"));
        const json* to = JsonAt(&res, "to");
        if (from.empty() || to == nullptr || !to->is_array()) continue;
        for (const json& t : *to) {
          std::string id = JsonText(JsonAt(&t, "toObjectId"));
          if (id.empty()) id = JsonText(JsonAt(&t, "id"));
          if (!id.empty()) {
            contact_of.emplace(from, id);
            break;
          }
        }
      }
    }
    for (size_t i = start; i < end; ++i) {
      auto it = contact_of.find(d->pending[i][0]);
      if (it != contact_of.end()) d->pending[i][1] = it->second;
    }
  }
  for (auto& row : d->pending) {
    if (row[1].empty()) ++d->without_contact;
    d->deals.Add(std::move(row));
  }
  d->pending.clear();
  return BATON_OK;
}

int ParseOptions(Api* a, const baton_kv* options, size_t num_options) {
  for (size_t i = 0; i < num_options; ++i) {
    const std::string key = options[i].key ? options[i].key : "";
    const std::string value = options[i].value ? options[i].value : "";
    std::string error;
    const int shared = SetSharedApiOption("hubspot", key, value, a, &error);
    if (shared < 0) return Fail(*a, BATON_INVALID_ARGUMENT, error);
    if (shared == 0)
      return Fail(*a, BATON_INVALID_ARGUMENT,
                  "hubspot: unknown option \"" + key +
                      "\"; valid options for the HubSpot API are since, "
                      "stage.<value>, " +
                      http::HttpOptionNames());
    // Custom lifecycle stages (numeric ids) get their entry dates requested.
    if (key.rfind("stage.", 0) == 0) a->custom_stages.push_back(key.substr(6));
  }
  return BATON_OK;
}

std::vector<std::string> ContactProperties(const Api& a) {
  std::vector<std::string> p = {"email",
                                "createdate",
                                "lastmodifieddate",
                                "lifecyclestage",
                                "hs_lead_status",
                                "hs_analytics_source",
                                "hs_analytics_source_data_1",
                                "hs_analytics_first_timestamp",
                                "hubspot_owner_id"};
  std::vector<std::string> stages(std::begin(kLifecycleStages),
                                  std::end(kLifecycleStages));
  for (const std::string& s : a.custom_stages) {
    bool numeric =
        !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
    if (numeric) stages.push_back(s);
  }
  for (const std::string& s : stages) {
    p.push_back(kV2Prefix + s);
    p.push_back(kV1Prefix + s + kV1Suffix);
  }
  return p;
}

int Run(Api* a) {
  const http::ApiSessionSpec spec{
      "hubspot", kTokenVariable,
      std::string("hubspot: no access token: set the environment variable ") +
          kTokenVariable +
          " to a HubSpot private app access token (scopes "
          "crm.objects.contacts.read, crm.objects.deals.read)"};
  const baton_host* host = a->host;
  std::string token, error;
  int rc = http::OpenApiSession(host, spec, a->base, &a->http_options, &token,
                                &error);
  if (rc != BATON_OK) return Fail(*a, rc, error);
  http::HttpClient client(a->http_options);
  a->client = &client;
  a->headers = {{"Authorization", "Bearer " + token},
                {"Accept", "application/json"}};
  if (a->has_since) a->headers.push_back({"Content-Type", "application/json"});

  Contacts contacts;
  BATON_API_TRY(ReadObject(
      a, "contacts", ContactProperties(*a), false, "lastmodifieddate",
      [&](const json& r) { return AddContact(&contacts, r); },
      [](const json&, const std::string&) { return BATON_OK; }));

  Deals deals;
  const std::vector<std::string> deal_properties = {
      "dealname",         "dealstage",          "amount",
      "closedate",        "createdate",         "pipeline",
      "hubspot_owner_id", "deal_currency_code", "hs_is_closed_won",
      "hs_is_closed",     "hs_lastmodifieddate"};
  BATON_API_TRY(ReadObject(
      a, "deals", deal_properties, true, "hs_lastmodifieddate",
      [&](const json& r) {
        if (a->has_since) {
          deals.pending.push_back(DealRow(r, ""));
        } else {
          std::string person = FirstAssociatedContact(r);
          if (person.empty()) ++deals.without_contact;
          deals.deals.Add(DealRow(r, person));
        }
        return BATON_OK;
      },
      [&](const json&, const std::string& where) {
        return a->has_since && !deals.pending.empty()
                   ? ResolveContacts(a, &deals, where)
                   : BATON_OK;
      }));

  // Every page is in: now the rows go to the workspace.
  for (const RowBuffer* b :
       {&contacts.people, &contacts.stages, &contacts.touches, &deals.deals}) {
    rc = b->Write(a->sink, b == &contacts.stages ? kStageHint : "", &error);
    if (rc != BATON_OK) return Fail(*a, rc, error);
  }
  std::string summary = "hubspot: read " +
                        std::to_string(contacts.people.size()) +
                        " contacts and " + std::to_string(deals.deals.size()) +
                        " deals from " + a->base;
  if (a->has_since) summary += " modified since " + FormatIsoUtc(a->since_ms);
  a->sink->note(a->sink->self, summary.c_str());
  if (contacts.from_lifecycle > 0) {
    const std::string note =
        "hubspot contacts: " + std::to_string(contacts.from_lifecycle) +
        " contacts have no lifecycle stage entry date; their lifecyclestage is "
        "recorded at their createdate";
    a->sink->note(a->sink->self, note.c_str());
  }
  if (deals.without_contact > 0) {
    const std::string note =
        "hubspot deals: " + std::to_string(deals.without_contact) +
        " deals have no associated contact (no person)";
    a->sink->note(a->sink->self, note.c_str());
  }
  host->log(host->self, 1, summary.c_str());
  host->progress(host->self, 1.0, "done");
  return BATON_OK;
}

}  // namespace

int ReadHubspotApi(const baton_host* host, const std::string& base_url,
                   const baton_kv* options, size_t num_options,
                   const baton_sink* sink) {
  Api a;
  a.host = host;
  a.sink = sink;
  a.base = base_url;
  while (!a.base.empty() && a.base.back() == '/') a.base.pop_back();
  return GuardApiRead(&a, "hubspot", [&] {
    BATON_API_TRY(ParseOptions(&a, options, num_options));
    return Run(&a);
  });
}

}  // namespace baton::crm

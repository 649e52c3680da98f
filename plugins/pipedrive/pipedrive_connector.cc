// The pipedrive connector: reads a Pipedrive company account through its
// REST API ("pipedrive+https://COMPANY.pipedrive.com") into the canonical
// tables.
//
//   stages      -> names of deal stages (stage_id -> name), for deals.stage
//   persons     -> people (id; add_time as created_at; owner_id; the primary
//                  email; source: the source_name of the person's first lead,
//                  normalised to lower snake case)
//   leads       -> stages: each lead with a person enters the stage named by
//                  the option lead_stage (default mql: Pipedrive's Leads
//                  Inbox holds the leads handed to sales) at its add_time
//   deals       -> deals (id; person_id; stage name; value and currency;
//                  add_time; won_time / lost_time / close_time; status won
//                  is won, won and lost are closed; owner_id)
//               -> stages of the deal's person: opportunity at add_time, won
//                  at won_time or lost at lost_time
//   activities  -> touches (side sales; activity = type; at =
//                  marked_as_done_time, else due_date and due_time; only done
//                  activities unless activities=all)
//
// API versions: api=v2 (the default) reads /api/v2/{stages,persons,deals,
// activities} with cursor paging (additional_data.next_cursor) and passes
// since as updated_since; api=v1 reads /v1/... with offset paging
// (additional_data.pagination.more_items_in_collection, next_start) and,
// since v1 lists cannot filter on it, keeps records whose update_time is at
// or after since. Leads exist only in v1 (/v1/leads) and are filtered the v1
// way. The pager follows whichever of the two paging shapes a response has.
//
// The token (PIPEDRIVE_API_TOKEN) goes in the x-api-token header, never in
// a URL, so it cannot leak through a logged URL; it is redacted from every
// message. Every page is read before anything is written: a failed request
// leaves the workspace unchanged.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "api_rows.h"
#include "api_session.h"
#include "baton/connector.h"
#include "http_client.h"
#include "utc_time.h"

namespace baton::crm {
namespace {

using nlohmann::json;

constexpr const char* kName = "pipedrive";
constexpr const char* kTokenVariable = "PIPEDRIVE_API_TOKEN";
constexpr int kPageSize = 500;

struct Api : ApiRead {
  bool v2 = true;
  std::string lead_stage = "mql";
  bool all_activities = false;
};

void Note(const Api& a, const std::string& message) {
  a.sink->note(a.sink->self, message.c_str());
}

// The id of a reference that v1 gives as an object ({"value": 7, "name":
// ...} for persons, {"id": 7, ...} for users) and v2 as a number.
std::string RefId(const json* value) {
  if (value != nullptr && value->is_object()) {
    std::string id = JsonText(JsonAt(value, "value"));
    return id.empty() ? JsonText(JsonAt(value, "id")) : id;
  }
  return JsonText(value);
}

std::string Field(const json& record, const char* name) {
  return JsonText(JsonAt(&record, name));
}

// Pipedrive's error body {"success": false, "error": "...", "errorCode": 401}.
std::string ApiMessage(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return "";
  std::string message = JsonText(JsonAt(&j, "error"));
  const std::string info = JsonText(JsonAt(&j, "error_info"));
  if (!info.empty()) message += (message.empty() ? "" : " ") + info;
  return message;
}

int FailResponse(const Api& a, const http::HttpResponse& r,
                 const std::string& where) {
  const std::string api = ApiMessage(r.body);
  if (r.status == 401 || r.status == 403)
    return Fail(a, BATON_IO_ERROR,
                "pipedrive: Pipedrive refused the API token (HTTP " +
                    std::to_string(r.status) + (api.empty() ? "" : ": " + api) +
                    ") at " + where + "; set " + kTokenVariable +
                    " to a valid API token (Settings > Personal preferences > "
                    "API in Pipedrive). Nothing was loaded.");
  std::string message = "pipedrive: reading " + where + " failed: " + r.message;
  if (!api.empty()) message += " (Pipedrive says: " + api + ")";
  message += ". Nothing was loaded.";
  return Fail(a, r.error == BATON_OK ? BATON_IO_ERROR : r.error, message);
}

// Reads every page of a list. `path` is the full path ("/api/v2/deals");
// `params` the query without paging ("status=all_not_deleted"). Calls
// `record` on each element of "data".
int ReadList(Api* a, const std::string& what, const std::string& path,
             const std::string& params, bool filter_since_locally,
             const std::function<void(const json&)>& record) {
  std::string cursor;
  int64_t start = 0;
  int64_t records = 0;
  for (int page = 1;; ++page) {
    const std::string where = PageProgress(what, page, records);
    if (a->host->progress(a->host->self, -1.0, ("pipedrive " + where).c_str()))
      return Fail(*a, BATON_CANCELLED, "pipedrive: cancelled at " + where);
    std::string url = a->base + path + "?limit=" + std::to_string(kPageSize);
    if (!params.empty()) url += "&" + params;
    if (!cursor.empty()) url += "&cursor=" + http::UrlEncode(cursor);
    if (start > 0) url += "&start=" + std::to_string(start);
    http::HttpResponse r = a->client->Get(url, a->headers);
    if (!r.ok()) return FailResponse(*a, r, where);
    json j;
    std::string error;
    int rc = http::ParseJson(r.body, r.url, &j, &error);
    if (rc != BATON_OK)
      return Fail(
          *a, rc,
          "pipedrive: " + where + ": " + error + ". Nothing was loaded.");
    const json* success = JsonAt(&j, "success");
    if (success != nullptr && success->is_boolean() && !success->get<bool>())
      return Fail(*a, BATON_IO_ERROR,
                  "pipedrive: " + where +
                      ": Pipedrive answered success=false (" +
                      ApiMessage(r.body) + "). Nothing was loaded.");
    const json* data = JsonAt(&j, "data");
    // v1 sends "data": null for an empty list.
    if (data != nullptr && !data->is_null() && !data->is_array())
      return Fail(
          *a, BATON_PARSE_ERROR,
          "pipedrive: " + where + ": the response of " + r.url +
              " has no \"data\" list; is " + a->base +
              " a Pipedrive company URL (https://COMPANY.pipedrive.com)? "
              "Nothing was loaded.");
    if (data == nullptr && success == nullptr)
      return Fail(
          *a, BATON_PARSE_ERROR,
          "pipedrive: " + where + ": the response of " + r.url +
              " is not a Pipedrive list (no \"success\" and no \"data\"). "
              "Nothing was loaded.");
    if (data != nullptr && data->is_array()) {
      for (const json& item : *data) {
        if (!item.is_object() || Field(item, "id").empty())
          return Fail(*a, BATON_PARSE_ERROR,
                      "pipedrive: " + where + ": record " +
                          std::to_string(records + 1) +
                          " has no \"id\". Nothing was loaded.");
        ++records;
        if (filter_since_locally && a->has_since) {
          int64_t updated = 0;
          const std::string text = Field(item, "update_time");
          // Pipedrive v1 times are UTC without a zone ("2024-03-01 10:00:00").
          if (!text.empty() && plugin_time::ParseUtcMillis(text, &updated) &&
              updated < a->since_ms)
            continue;
        }
        record(item);
      }
    }
    const json* more = JsonAt(&j, "additional_data");
    const std::string next_cursor = JsonText(JsonAt(more, "next_cursor"));
    if (!next_cursor.empty()) {
      if (next_cursor == cursor)
        return Fail(*a, BATON_PARSE_ERROR,
                    "pipedrive: " + where + ": next_cursor repeats \"" +
                        next_cursor +
                        "\"; stopping instead of reading the same page again");
      cursor = next_cursor;
      continue;
    }
    const json* pagination = JsonAt(more, "pagination");
    const json* has_more = JsonAt(pagination, "more_items_in_collection");
    if (has_more == nullptr || !has_more->is_boolean() ||
        !has_more->get<bool>())
      break;
    int64_t next = start + (data != nullptr && data->is_array()
                                ? static_cast<int64_t>(data->size())
                                : 0);
    const json* next_start = JsonAt(pagination, "next_start");
    if (next_start != nullptr && next_start->is_number_integer())
      next = next_start->get<int64_t>();
    if (next <= start)
      return Fail(*a, BATON_PARSE_ERROR,
                  "pipedrive: " + where +
                      ": more_items_in_collection is true but "
                      "next_start does not move forward (" +
                      std::to_string(next) +
                      "); stopping instead of reading the same page again");
    start = next;
  }
  return BATON_OK;
}

int ParseOptions(Api* a, const baton_kv* options, size_t num_options) {
  for (size_t i = 0; i < num_options; ++i) {
    const std::string key = options[i].key ? options[i].key : "";
    const std::string value = options[i].value ? options[i].value : "";
    std::string error;
    const int shared = SetSharedApiOption(kName, key, value, a, &error);
    if (shared < 0) return Fail(*a, BATON_INVALID_ARGUMENT, error);
    if (shared > 0) continue;
    if (key == "api") {
      if (value != "v1" && value != "v2")
        return Fail(*a, BATON_INVALID_ARGUMENT,
                    "pipedrive: option api=\"" + value + "\" is not v1 or v2");
      a->v2 = value == "v2";
    } else if (key == "lead_stage") {
      a->lead_stage = value;
    } else if (key == "activities") {
      if (value != "done" && value != "all")
        return Fail(*a, BATON_INVALID_ARGUMENT,
                    "pipedrive: option activities=\"" + value +
                        "\" is not done or all");
      a->all_activities = value == "all";
    } else {
      return Fail(
          *a, BATON_INVALID_ARGUMENT,
          "pipedrive: unknown option \"" + key +
              "\"; valid options are since, api, lead_stage, activities, "
              "stage.<value>, " +
              http::HttpOptionNames());
    }
  }
  return BATON_OK;
}

std::string PrimaryEmail(const json& person) {
  for (const char* key : {"emails", "email"}) {
    const json* list = JsonAt(&person, key);
    if (list == nullptr || !list->is_array()) continue;
    std::string first;
    for (const json& e : *list) {
      const std::string v = JsonText(JsonAt(&e, "value"));
      if (v.empty()) continue;
      const json* primary = JsonAt(&e, "primary");
      if (primary != nullptr && primary->is_boolean() && primary->get<bool>())
        return v;
      if (first.empty()) first = v;
    }
    if (!first.empty()) return first;
  }
  return "";
}

// The person of an activity: person_id, else the primary participant.
std::string ActivityPerson(const json& activity) {
  std::string person = RefId(JsonAt(&activity, "person_id"));
  if (!person.empty()) return person;
  const json* participants = JsonAt(&activity, "participants");
  if (participants == nullptr || !participants->is_array()) return "";
  for (const json& p : *participants) {
    const json* primary = JsonAt(&p, "primary");
    const bool is_primary =
        primary == nullptr || (primary->is_boolean() && primary->get<bool>());
    if (is_primary) {
      person = RefId(JsonAt(&p, "person_id"));
      if (!person.empty()) return person;
    }
  }
  return "";
}

// "Web forms" -> "web_forms".
std::string Channel(const std::string& value) {
  std::string out;
  bool gap = false;
  for (char ch : value) {
    const unsigned char u = static_cast<unsigned char>(ch);
    if (ch == ' ' || ch == '_' || ch == '-' || ch == '/' || ch == '\t') {
      gap = !out.empty();
      continue;
    }
    if (gap) out.push_back('_');
    gap = false;
    out.push_back(u >= 'A' && u <= 'Z' ? static_cast<char>(u - 'A' + 'a') : ch);
  }
  return out;
}

int Run(Api* a) {
  const http::ApiSessionSpec spec{
      kName, kTokenVariable,
      std::string("pipedrive: no API token: set the environment variable ") +
          kTokenVariable +
          " to your Pipedrive API token (Settings > Personal preferences > "
          "API)"};
  const baton_host* host = a->host;
  std::string token, error;
  int rc = http::OpenApiSession(host, spec, a->base, &a->http_options, &token,
                                &error);
  if (rc != BATON_OK) return Fail(*a, rc, error);
  http::HttpClient client(a->http_options);
  a->client = &client;
  a->headers = {{"x-api-token", token}, {"Accept", "application/json"}};

  const std::string prefix = a->v2 ? "/api/v2/" : "/v1/";
  // v2 filters on the server; v1 lists are filtered here on update_time.
  const std::string since =
      a->v2 && a->has_since
          ? "updated_since=" + http::UrlEncode(FormatIsoUtc(a->since_ms))
          : "";
  const bool local_since = !a->v2;

  std::unordered_map<std::string, std::string> stage_names;
  BATON_API_TRY(ReadList(
      a, "stages", prefix + "stages", "", false,
      [&](const json& s) { stage_names[Field(s, "id")] = Field(s, "name"); }));

  struct Person {
    std::string id, created, owner, email;
  };
  std::vector<Person> persons;
  BATON_API_TRY(ReadList(
      a, "persons", prefix + "persons", since, local_since, [&](const json& p) {
        std::string owner = RefId(JsonAt(&p, "owner_id"));
        persons.push_back(
            {Field(p, "id"), Field(p, "add_time"), owner, PrimaryEmail(p)});
      }));

  RowBuffer stage_rows(
      "stages", "pipedrive leads and deals", {"person_id", "stage", "at"},
      {"person_id", "lead / deal status", "add_time / won_time / lost_time"});
  std::unordered_map<std::string, std::string>
      lead_source;  // person -> first lead's
  std::unordered_map<std::string, std::string> lead_time;
  int64_t leads_without_person = 0, leads = 0;
  BATON_API_TRY(ReadList(
      a, "leads", "/v1/leads", "archived_status=all", true, [&](const json& l) {
        ++leads;
        const std::string person = RefId(JsonAt(&l, "person_id"));
        const std::string at = Field(l, "add_time");
        if (person.empty() || at.empty()) {
          ++leads_without_person;
          return;
        }
        stage_rows.Add({person, a->lead_stage, at});
        // The person's source is that of its earliest lead.
        int64_t t = 0, seen = 0;
        auto it = lead_time.find(person);
        const bool earlier =
            it == lead_time.end() ||
            (plugin_time::ParseUtcMillis(at, &t) &&
             plugin_time::ParseUtcMillis(it->second, &seen) && t < seen);
        if (earlier) {
          lead_time[person] = at;
          lead_source[person] = Channel(Field(l, "source_name"));
        }
      }));

  RowBuffer deal_rows(
      "deals", "pipedrive deals",
      {"deal_id", "person_id", "stage", "amount", "currency", "created_at",
       "closed_at", "is_won", "is_closed", "owner"},
      {"id", "person_id", "stage_id (name from stages)", "value", "currency",
       "add_time", "won_time / lost_time / close_time", "status", "status",
       "owner_id"});
  int64_t deleted = 0, deals_without_person = 0;
  const std::string deal_params = a->v2 ? since : "status=all_not_deleted";
  BATON_API_TRY(ReadList(
      a, "deals", prefix + "deals", deal_params, local_since,
      [&](const json& d) {
        const std::string status = Field(d, "status");
        if (status == "deleted") {
          ++deleted;
          return;
        }
        const bool won = status == "won", lost = status == "lost";
        std::string closed;
        if (won) closed = Field(d, "won_time");
        if (lost) closed = Field(d, "lost_time");
        if ((won || lost) && closed.empty()) closed = Field(d, "close_time");
        const std::string stage_id = Field(d, "stage_id");
        auto name = stage_names.find(stage_id);
        const std::string stage =
            name != stage_names.end() && !name->second.empty() ? name->second
                                                               : stage_id;
        std::string owner = RefId(JsonAt(&d, "owner_id"));
        if (owner.empty()) owner = RefId(JsonAt(&d, "user_id"));
        const std::string person = RefId(JsonAt(&d, "person_id"));
        const std::string created = Field(d, "add_time");
        deal_rows.Add({Field(d, "id"), person, stage, Field(d, "value"),
                       Field(d, "currency"), created, closed,
                       won ? "true" : "false", won || lost ? "true" : "false",
                       owner});
        if (person.empty()) {
          ++deals_without_person;
          return;
        }
        if (!created.empty()) stage_rows.Add({person, "opportunity", created});
        if ((won || lost) && !closed.empty())
          stage_rows.Add({person, won ? "won" : "lost", closed});
      }));

  RowBuffer touch_rows(
      "touches", "pipedrive activities",
      {"person_id", "at", "side", "activity"},
      {"person_id", "marked_as_done_time / due_date", "side", "type"});
  int64_t undone = 0, activities_without_person = 0;
  const std::string activity_params = a->v2 ? since : "user_id=0";
  BATON_API_TRY(ReadList(
      a, "activities", prefix + "activities", activity_params, local_since,
      [&](const json& act) {
        const json* done_value = JsonAt(&act, "done");
        const bool done =
            done_value != nullptr &&
            ((done_value->is_boolean() && done_value->get<bool>()) ||
             (done_value->is_number() && done_value->get<double>() != 0));
        if (!done && !a->all_activities) {
          ++undone;
          return;
        }
        const std::string person = ActivityPerson(act);
        if (person.empty()) {
          ++activities_without_person;
          return;
        }
        std::string at = done ? Field(act, "marked_as_done_time") : "";
        if (at.empty()) {
          at = Field(act, "due_date");
          const std::string time = Field(act, "due_time");
          if (!at.empty() && !time.empty()) at += " " + time;
        }
        if (at.empty()) at = Field(act, "add_time");
        touch_rows.Add({person, at, "sales", Field(act, "type")});
      }));

  RowBuffer people_rows("people", "pipedrive persons",
                        {"person_id", "created_at", "owner", "email", "source"},
                        {"id", "add_time", "owner_id", "emails",
                         "source_name of the first lead"});
  for (const Person& p : persons) {
    auto src = lead_source.find(p.id);
    people_rows.Add({p.id, p.created, p.owner, p.email,
                     src == lead_source.end() ? "" : src->second});
  }

  // Every page is in: now the rows go to the workspace.
  const std::string hint =
      " (for the pipedrive connector pass the option stage.<value>=<stage>, or "
      "=ignore)";
  for (const RowBuffer* b :
       {&people_rows, &stage_rows, &deal_rows, &touch_rows}) {
    rc = b->Write(a->sink, b == &stage_rows ? hint : "", &error);
    if (rc != BATON_OK) return Fail(*a, rc, error);
  }
  std::string summary =
      "pipedrive: read " + std::to_string(persons.size()) + " persons, " +
      std::to_string(leads) + " leads, " + std::to_string(deal_rows.size()) +
      " deals and " + std::to_string(touch_rows.size()) + " activities from " +
      a->base + " (API " + (a->v2 ? "v2" : "v1") + ")";
  if (a->has_since) summary += " updated since " + FormatIsoUtc(a->since_ms);
  Note(*a, summary);
  if (leads_without_person > 0)
    Note(*a, "pipedrive leads: " + std::to_string(leads_without_person) +
                 " leads have no person and give no stage row");
  if (deleted > 0)
    Note(*a, "pipedrive deals: " + std::to_string(deleted) +
                 " deleted deals were not read");
  if (deals_without_person > 0)
    Note(*a,
         "pipedrive deals: " + std::to_string(deals_without_person) +
             " deals have no person (no opportunity or won/lost stage row)");
  if (undone > 0)
    Note(*a, "pipedrive activities: " + std::to_string(undone) +
                 " activities not marked done are not touches (option "
                 "activities=all "
                 "reads them at their due date)");
  if (activities_without_person > 0)
    Note(*a,
         "pipedrive activities: " + std::to_string(activities_without_person) +
             " activities have no person and were not read");
  host->log(host->self, 1, summary.c_str());
  host->progress(host->self, 1.0, "done");
  return BATON_OK;
}

int Read(const baton_host* host, const char* location, const baton_kv* options,
         size_t num_options, const baton_sink* sink) {
  Api a;
  a.host = host;
  a.sink = sink;
  a.base = location ? location : "";
  while (!a.base.empty() && a.base.back() == '/') a.base.pop_back();
  if (a.base.rfind("https://", 0) != 0 && a.base.rfind("http://", 0) != 0)
    return Fail(
        a, BATON_INVALID_ARGUMENT,
        "pipedrive: \"" + a.base +
            "\" is not a URL; use pipedrive+https://COMPANY.pipedrive.com");
  return GuardApiRead(&a, kName, [&] {
    BATON_API_TRY(ParseOptions(&a, options, num_options));
    return Run(&a);
  });
}

int Probe(const char* location) {
  if (location == nullptr) return 0;
  const std::string l = location;
  if (l.rfind("https://", 0) != 0) return 0;
  return l.find(".pipedrive.com") != std::string::npos ? 90 : 0;
}

const baton_connector kConnector = {
    sizeof(baton_connector),
    BATON_CONNECTOR_ABI_MAJOR,
    BATON_CONNECTOR_ABI_MINOR,
    kName,
    "1.0.0",
    "Pipedrive REST API: persons, leads, deals, activities "
    "(pipedrive+https://COMPANY.pipedrive.com)",
    &Probe,
    &Read,
    nullptr,
};

}  // namespace
}  // namespace baton::crm

extern "C" BATON_CONNECTOR_EXPORT const baton_connector* baton_connector_entry(
    void) {
  return &baton::crm::kConnector;
}

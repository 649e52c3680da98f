#include "salesforce_api.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

namespace baton::crm {
namespace {

using http::HttpClient;
using http::HttpHeaders;
using http::HttpResponse;

struct ObjectQuery {
  const char* object;
  std::vector<const char*> fields;
  // The field `since` filters on: SystemModstamp where the object has it;
  // LeadHistory rows are never modified, so their CreatedDate.
  const char* modified_field;
  const char* condition;  // always applied, or nullptr
  bool has_currency;      // has CurrencyIsoCode in multi-currency orgs
};

// The objects and the fields the export mapping (salesforce_connector.cc)
// reads, in the order they are fetched.
const std::vector<ObjectQuery>& Objects() {
  static const std::vector<ObjectQuery> kObjects = {
      {"Campaign", {"Id", "Name", "Type", "StartDate", "EndDate", "ActualCost"},
       "SystemModstamp", nullptr, true},
      {"Lead",
       {"Id", "CreatedDate", "LeadSource", "OwnerId", "Email", "Status", "IsConverted",
        "ConvertedDate", "ConvertedContactId", "ConvertedAccountId", "ConvertedOpportunityId"},
       "SystemModstamp", nullptr, false},
      {"LeadHistory", {"LeadId", "Field", "OldValue", "NewValue", "CreatedDate"},
       "CreatedDate", "Field = 'Status'", false},
      {"Contact", {"Id", "AccountId", "CreatedDate", "LeadSource", "OwnerId", "Email"},
       "SystemModstamp", nullptr, false},
      {"Opportunity",
       {"Id", "AccountId", "ContactId", "StageName", "Amount", "CloseDate", "CreatedDate",
        "IsWon", "IsClosed", "OwnerId", "LeadSource", "CampaignId"},
       "SystemModstamp", nullptr, true},
      {"OpportunityHistory", {"OpportunityId", "StageName", "CreatedDate"},
       "SystemModstamp", nullptr, false},
      {"CampaignMember",
       {"CampaignId", "LeadId", "ContactId", "FirstRespondedDate", "CreatedDate"},
       "SystemModstamp", nullptr, false},
      {"Task", {"WhoId", "TaskSubtype", "Type", "ActivityDate", "CreatedDate"},
       "SystemModstamp", nullptr, false},
      {"Event", {"WhoId", "StartDateTime", "ActivityDateTime", "ActivityDate", "CreatedDate"},
       "SystemModstamp", nullptr, false},
  };
  return kObjects;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool AllDigits(const std::string& s, size_t from, size_t n) {
  if (from + n > s.size()) return false;
  for (size_t i = from; i < from + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

std::string Plural(int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The Salesforce error in a response body: "INVALID_FIELD: No such column"
// from [{"message": ..., "errorCode": ...}] (or one such object), else "".
std::string ApiError(const HttpResponse& r, std::string* code) {
  nlohmann::json j;
  std::string ignored;
  if (r.body.empty() || http::ParseJson(r.body, r.url, &j, &ignored) != BATON_OK) return "";
  if (j.is_array() && !j.empty()) j = j[0];
  if (!j.is_object()) return "";
  std::string c, m;
  if (j.contains("errorCode") && j["errorCode"].is_string()) c = j["errorCode"].get<std::string>();
  if (j.contains("message") && j["message"].is_string()) m = j["message"].get<std::string>();
  if (code) *code = c;
  if (c.empty() && m.empty()) return "";
  return c.empty() ? m : (m.empty() ? c : c + ": " + m);
}

// The text of one JSON field value, as an export would hold it.
std::string CellText(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number()) return v.dump();
  return "";  // nested objects (relationships) are not mapped
}

class Fetcher {
 public:
  Fetcher(const std::string& instance, const std::string& token,
          const SalesforceApiOptions& options,
          const std::function<bool(double, const std::string&)>& progress)
      : options_(options), client_(WithRedaction(options.http, token)), progress_(progress) {
    base_ = http::UrlOrigin(instance) + "/services/data/v" + options.api_version;
    headers_ = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  }

  int Run(std::vector<FetchedObject>* out, std::string* error) {
    const auto& objects = Objects();
    for (size_t i = 0; i < objects.size(); ++i) {
      fraction_ = static_cast<double>(i) / static_cast<double>(objects.size());
      FetchedObject f;
      f.object = objects[i].object;
      int rc = Fetch(objects[i], &f, error);
      if (rc != BATON_OK) return rc;
      out->push_back(std::move(f));
    }
    return BATON_OK;
  }

 private:
  static http::HttpOptions WithRedaction(http::HttpOptions o, const std::string& token) {
    o.redact.push_back(token);
    return o;
  }

  std::string Soql(const ObjectQuery& q) const {
    std::string soql = "SELECT ";
    for (size_t i = 0; i < q.fields.size(); ++i) soql += (i ? ", " : "") + std::string(q.fields[i]);
    if (q.has_currency && options_.multicurrency) soql += ", CurrencyIsoCode";
    soql += " FROM " + std::string(q.object);
    std::vector<std::string> where;
    if (!since_literal().empty())
      where.push_back(std::string(q.modified_field) + " > " + since_literal());
    if (q.condition) where.push_back(q.condition);
    for (size_t i = 0; i < where.size(); ++i) soql += (i ? " AND " : " WHERE ") + where[i];
    return soql;
  }

  std::string since_literal() const {
    std::string literal;
    if (!options_.since.empty()) SoqlDateTime(options_.since, &literal);
    return literal;
  }

  std::vector<std::string> Header(const ObjectQuery& q) const {
    std::vector<std::string> h(q.fields.begin(), q.fields.end());
    if (q.has_currency && options_.multicurrency) h.push_back("CurrencyIsoCode");
    return h;
  }

  bool Cancelled(const std::string& what) {
    return progress_ && progress_(fraction_, what);
  }

  // The message for a failed response: the client's, or the API's own error
  // for a bad token.
  int Failed(const HttpResponse& r, const std::string& where, std::string* error) {
    std::string code;
    const std::string api = ApiError(r, &code);
    if (r.status == 401 || code == "INVALID_SESSION_ID") {
      const size_t colon = api.find(": ");
      const std::string said = colon == std::string::npos ? api : api.substr(colon + 2);
      *error = "Salesforce rejected the access token (" +
               (code.empty() ? std::string("HTTP ") + std::to_string(r.status) : code) +
               "): set SALESFORCE_ACCESS_TOKEN to a valid token (" +
               (said.empty() || said == code ? "" : "the API said \"" + said + "\"; ") + where +
               ")";
      *error = client_.Redact(*error);
      return BATON_INVALID_ARGUMENT;
    }
    if (!api.empty() && r.status >= 400 && r.status < 500 && r.status != 429) {
      // The API's own error says more than the raw body the client quotes.
      *error = client_.Redact("salesforce: " + where + ": HTTP " + std::to_string(r.status) +
                              " from " + r.url + ": " + api);
    } else {
      *error = client_.Redact("salesforce: " + where + ": " + r.message +
                              (api.empty() || r.message.find(api) != std::string::npos
                                   ? ""
                                   : " (" + api + ")"));
    }
    return r.error == BATON_OK ? BATON_IO_ERROR : r.error;
  }

  static std::string Where(const ObjectQuery& q, const char* api, int64_t records,
                           int64_t page) {
    return "reading " + std::string(q.object) + " through the " + api + " failed after " +
           Plural(records, "record") + " (page " + std::to_string(page) + ")";
  }

  int Fetch(const ObjectQuery& q, FetchedObject* f, std::string* error) {
    if (options_.bulk == "1") return FetchBulk(q, f, error);
    f->file.name = std::string(q.object) + " (REST API)";
    f->file.encoding = "utf-8";
    f->file.header = Header(q);
    std::string url = base_ + "/query?q=" + http::UrlEncode(Soql(q));
    int64_t page = 0;
    while (true) {
      ++page;
      const std::string where = Where(q, "REST API", static_cast<int64_t>(f->file.rows.size()), page);
      if (Cancelled(std::string(q.object) + " page " + std::to_string(page))) {
        *error = "salesforce: cancelled while reading " + std::string(q.object);
        return BATON_CANCELLED;
      }
      HttpResponse r = client_.Get(url, headers_);
      if (!r.ok()) return Failed(r, where, error);
      nlohmann::json j;
      std::string parse_error;
      if (http::ParseJson(r.body, r.url, &j, &parse_error) != BATON_OK) {
        *error = "salesforce: " + where + ": " + client_.Redact(parse_error);
        return BATON_PARSE_ERROR;
      }
      if (!j.is_object() || !j.contains("records") || !j["records"].is_array()) {
        *error = "salesforce: " + where + ": " + r.url +
                 " answered without a \"records\" array; is the instance URL a Salesforce "
                 "org (https://NAME.my.salesforce.com)?";
        return BATON_PARSE_ERROR;
      }
      for (const auto& rec : j["records"]) {
        std::vector<std::string> row;
        row.reserve(f->file.header.size());
        for (const std::string& field : f->file.header) {
          auto it = rec.is_object() ? rec.find(field) : rec.end();
          row.push_back(it == rec.end() ? std::string() : CellText(*it));
        }
        f->file.rows.push_back(std::move(row));
        // API records are numbered from 1 in messages.
        f->file.row_numbers.push_back(static_cast<int64_t>(f->file.rows.size()));
      }
      f->pages = page;
      const bool done = !j.contains("done") || !j["done"].is_boolean() || j["done"].get<bool>();
      if (done) return BATON_OK;
      if (page == 1 && options_.bulk == "auto" && j.contains("totalSize") &&
          j["totalSize"].is_number_integer() &&
          j["totalSize"].get<int64_t>() > options_.bulk_threshold) {
        // A large object: a Bulk job costs fewer API calls than 2000-record pages.
        *f = FetchedObject{};
        f->object = q.object;
        return FetchBulk(q, f, error);
      }
      if (!j.contains("nextRecordsUrl") || !j["nextRecordsUrl"].is_string()) {
        *error = "salesforce: " + where + ": the response says done=false but has no "
                 "nextRecordsUrl";
        return BATON_PARSE_ERROR;
      }
      url = http::ResolveUrl(base_, j["nextRecordsUrl"].get<std::string>());
    }
  }

  bool Sleep(double seconds, const std::string& what) {
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
    while (std::chrono::steady_clock::now() < until) {
      if (Cancelled(what)) return false;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
    }
    return true;
  }

  int FetchBulk(const ObjectQuery& q, FetchedObject* f, std::string* error) {
    f->file.name = std::string(q.object) + " (Bulk API 2.0)";
    f->file.encoding = "utf-8";
    const std::string object = q.object;
    // 1. Create the query job.
    nlohmann::json create = {{"operation", "query"}, {"query", Soql(q)}};
    HttpHeaders post_headers = headers_;
    post_headers.emplace_back("Content-Type", "application/json");
    HttpResponse r = client_.Post(base_ + "/jobs/query", post_headers, create.dump());
    const std::string where_create = "creating a Bulk API 2.0 query job for " + object + " failed";
    if (!r.ok()) return Failed(r, where_create, error);
    nlohmann::json job;
    std::string parse_error;
    if (http::ParseJson(r.body, r.url, &job, &parse_error) != BATON_OK) {
      *error = "salesforce: " + where_create + ": " + client_.Redact(parse_error);
      return BATON_PARSE_ERROR;
    }
    if (!job.is_object() || !job.contains("id") || !job["id"].is_string()) {
      *error = "salesforce: " + where_create + ": the response has no job \"id\"";
      return BATON_PARSE_ERROR;
    }
    const std::string id = job["id"].get<std::string>();
    const std::string job_url = base_ + "/jobs/query/" + http::UrlEncode(id);

    // 2. Poll until JobComplete, waiting longer each time, within bulk_max_wait.
    std::string state = job.contains("state") && job["state"].is_string()
                             ? job["state"].get<std::string>()
                             : "";
    double waited = 0, interval = options_.bulk_poll_interval_s;
    int polls = 0;
    while (state != "JobComplete") {
      if (state == "Failed" || state == "Aborted") {
        std::string reason = job.contains("errorMessage") && job["errorMessage"].is_string()
                                 ? job["errorMessage"].get<std::string>()
                                 : "no errorMessage given";
        *error = client_.Redact("salesforce: the Bulk API 2.0 query job " + id + " for " +
                                object + " ended " + state + ": " + reason);
        return BATON_IO_ERROR;
      }
      if (waited >= options_.bulk_max_wait_s) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f s", waited);
        *error = "salesforce: the Bulk API 2.0 query job " + id + " for " + object +
                 " was still " + (state.empty() ? "not complete" : state) + " after " + buf +
                 " and " + Plural(polls, "poll") +
                 "; raise the option bulk_max_wait=SECONDS or use bulk=0";
        return BATON_IO_ERROR;
      }
      const double wait = std::min(interval, options_.bulk_max_wait_s - waited);
      if (!Sleep(wait, object + " (Bulk job " + state + ")")) {
        *error = "salesforce: cancelled while waiting for the Bulk API 2.0 job for " + object;
        return BATON_CANCELLED;
      }
      waited += wait;
      interval = std::min(interval * 2, 30.0);
      ++polls;
      r = client_.Get(job_url, headers_);
      const std::string where_poll = "polling the Bulk API 2.0 query job " + id + " for " + object + " failed";
      if (!r.ok()) return Failed(r, where_poll, error);
      if (http::ParseJson(r.body, r.url, &job, &parse_error) != BATON_OK) {
        *error = "salesforce: " + where_poll + ": " + client_.Redact(parse_error);
        return BATON_PARSE_ERROR;
      }
      state = job.is_object() && job.contains("state") && job["state"].is_string()
                  ? job["state"].get<std::string>()
                  : "";
    }

    // 3. Result pages, following Sforce-Locator until "null".
    std::string locator;
    int64_t page = 0;
    HttpHeaders csv_headers = {headers_[0], {"Accept", "text/csv"}};
    while (true) {
      ++page;
      const std::string where = Where(q, "Bulk API 2.0", static_cast<int64_t>(f->file.rows.size()), page);
      if (Cancelled(object + " results page " + std::to_string(page))) {
        *error = "salesforce: cancelled while reading " + object;
        return BATON_CANCELLED;
      }
      std::string url = job_url + "/results";
      std::string sep = "?";
      if (options_.max_records > 0) {
        url += sep + "maxRecords=" + std::to_string(options_.max_records);
        sep = "&";
      }
      if (!locator.empty()) url += sep + "locator=" + http::UrlEncode(locator);
      r = client_.Get(url, csv_headers);
      if (!r.ok()) return Failed(r, where, error);
      ExportFile part;
      std::string csv_error;
      int rc = ParseExportText(r.body, f->file.name + " page " + std::to_string(page), "utf-8",
                               &part, &csv_error);
      if (rc != BATON_OK) {
        *error = "salesforce: " + where + ": " + csv_error;
        return rc;
      }
      if (page == 1 || f->file.header.empty()) {
        f->file.header = part.header;
      } else if (!part.header.empty() && part.header != f->file.header) {
        *error = "salesforce: " + where + ": the result page's columns differ from page 1's";
        return BATON_PARSE_ERROR;
      }
      for (auto& row : part.rows) {
        f->file.rows.push_back(std::move(row));
        f->file.row_numbers.push_back(static_cast<int64_t>(f->file.rows.size()));
      }
      f->pages = page;
      const std::string next = Trim(r.Header("Sforce-Locator"));
      if (next.empty() || next == "null") break;
      if (next == locator) {
        *error = "salesforce: " + where + ": the server returned the same Sforce-Locator twice";
        return BATON_PARSE_ERROR;
      }
      locator = next;
    }
    if (f->file.header.empty()) f->file.header = Header(q);
    return BATON_OK;
  }

  const SalesforceApiOptions& options_;
  HttpClient client_;
  const std::function<bool(double, const std::string&)>& progress_;
  std::string base_;
  HttpHeaders headers_;
  double fraction_ = 0;
};

}  // namespace

bool SoqlDateTime(const std::string& iso_in, std::string* literal) {
  const std::string s = Trim(iso_in);
  if (!s.empty() && s.size() >= 9 && AllDigits(s, 0, s.size())) {
    // Epoch milliseconds.
    const long long ms = std::strtoll(s.c_str(), nullptr, 10);
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    if (!gmtime_r(&secs, &tm)) return false;
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    *literal = buf;
    return true;
  }
  // YYYY-MM-DD
  if (!(AllDigits(s, 0, 4) && s.size() >= 10 && s[4] == '-' && AllDigits(s, 5, 2) &&
        s[7] == '-' && AllDigits(s, 8, 2)))
    return false;
  std::string date = s.substr(0, 10);
  if (s.size() == 10) {
    *literal = date + "T00:00:00Z";
    return true;
  }
  if (s[10] != 'T' && s[10] != ' ') return false;
  size_t i = 11;
  if (!(AllDigits(s, i, 2) && i + 5 <= s.size() && s[i + 2] == ':' && AllDigits(s, i + 3, 2)))
    return false;
  std::string time = s.substr(i, 5);
  i += 5;
  std::string sec = "00";
  if (i < s.size() && s[i] == ':') {
    if (!AllDigits(s, i + 1, 2)) return false;
    sec = s.substr(i + 1, 2);
    i += 3;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
  }
  std::string zone;
  if (i == s.size() || (s[i] == 'Z' && i + 1 == s.size())) {
    zone = "Z";
  } else if (s[i] == '+' || s[i] == '-') {
    std::string z = s.substr(i + 1);
    if (z.size() == 4 && AllDigits(z, 0, 4)) {
      zone = s.substr(i, 1) + z.substr(0, 2) + ":" + z.substr(2, 2);
    } else if (z.size() == 5 && AllDigits(z, 0, 2) && z[2] == ':' && AllDigits(z, 3, 2)) {
      zone = s.substr(i, 1) + z;
    } else if (z.size() == 2 && AllDigits(z, 0, 2)) {
      zone = s.substr(i, 1) + z + ":00";
    } else {
      return false;
    }
    if (zone == "+00:00" || zone == "-00:00") zone = "Z";
  } else {
    return false;
  }
  *literal = date + "T" + time + ":" + sec + zone;
  return true;
}

int SetSalesforceApiOption(const std::string& key, const std::string& value,
                           SalesforceApiOptions* options, std::string* error) {
  const std::string v = Trim(value);
  auto number = [&](double* out, double min) {
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || !std::isfinite(d) || d < min) {
      *error = "option " + key + "=\"" + value + "\" is not a number" +
               (min > 0 ? " above 0" : " of 0 or more");
      return -1;
    }
    *out = d;
    return 1;
  };
  if (key == "bulk") {
    const std::string b = Lower(v);
    if (b == "1" || b == "true" || b == "yes") {
      options->bulk = "1";
    } else if (b == "0" || b == "false" || b == "no") {
      options->bulk = "0";
    } else if (b == "auto") {
      options->bulk = "auto";
    } else {
      *error = "option bulk=\"" + value + "\" must be 1 (Bulk API 2.0), 0 (REST) or auto";
      return -1;
    }
    return 1;
  }
  if (key == "bulk_threshold" || key == "max_records") {
    double d;
    if (number(&d, 0) < 0) return -1;
    if (d != std::floor(d)) {
      *error = "option " + key + "=\"" + value + "\" must be a whole number";
      return -1;
    }
    (key == "bulk_threshold" ? options->bulk_threshold : options->max_records) =
        static_cast<int64_t>(d);
    return 1;
  }
  if (key == "bulk_poll_interval") return number(&options->bulk_poll_interval_s, 0.001);
  if (key == "bulk_max_wait") return number(&options->bulk_max_wait_s, 0);
  if (key == "since") {
    std::string literal;
    if (!v.empty() && !SoqlDateTime(v, &literal)) {
      *error = "option since=\"" + value +
               "\" is not a timestamp; use ISO 8601 (2024-01-15 or "
               "2024-01-15T10:00:00Z) or epoch milliseconds";
      return -1;
    }
    options->since = v;
    return 1;
  }
  if (key == "api_version") {
    // "59.0": digits, one dot, digits.
    size_t dot = v.find('.');
    if (dot == std::string::npos || dot == 0 || !AllDigits(v, 0, dot) ||
        dot + 1 >= v.size() || !AllDigits(v, dot + 1, v.size() - dot - 1)) {
      *error = "option api_version=\"" + value + "\" must look like 59.0";
      return -1;
    }
    options->api_version = v;
    return 1;
  }
  if (key == "multicurrency") {
    const std::string b = Lower(v);
    options->multicurrency = b == "1" || b == "true" || b == "yes";
    if (!options->multicurrency && b != "0" && b != "false" && b != "no") {
      *error = "option multicurrency=\"" + value + "\" must be 1 or 0";
      return -1;
    }
    return 1;
  }
  return http::SetHttpOption(key, value, &options->http, error);
}

int FetchSalesforceObjects(const std::string& instance, const std::string& token,
                           const SalesforceApiOptions& options,
                           const std::function<bool(double, const std::string&)>& progress,
                           std::vector<FetchedObject>* out, std::string* error) {
  std::string url_error;
  if (http::CheckUrl(instance, options.http, &url_error) != BATON_OK) {
    *error = "salesforce: " + url_error;
    return BATON_INVALID_ARGUMENT;
  }
  Fetcher fetcher(instance, token, options, progress);
  return fetcher.Run(out, error);
}

}  // namespace baton::crm

// The salesforce connector: reads a Salesforce Data Export (or Data Loader)
// folder of object CSV files into the canonical tables.
//
//   Lead.csv, Contact.csv        -> people (a converted lead and its contact
//                                   are one person, under the lead's Id)
//   Lead.csv Status/ConvertedDate, LeadHistory.csv (Field = Status)
//                                -> stages
//   CampaignMember.csv (+ Campaign.csv for Type and Name)
//                                -> marketing touches
//   Task.csv, Event.csv (WhoId)  -> sales touches
//   Opportunity.csv              -> deals (linked to the lead converted
//                                   into it, else to its ContactId)
//   OpportunityHistory.csv       -> stages of the deal's linked person
//   Campaign.csv ActualCost      -> spend
//   Account.csv                  -> read and counted; nothing is mapped
//
// Stage rows of a lead: a lead with Status changes in LeadHistory enters the
// OldValue of its earliest change at CreatedDate, then each NewValue at the
// change's CreatedDate (history times are compared as text, which orders the
// single format one export uses); a lead without history enters its current
// Status at CreatedDate. A converted lead enters "sql" at ConvertedDate, and
// its current Status (Closed - Converted) is not also recorded at
// CreatedDate, which would date the conversion to the lead's creation.
//
// Options: encoding=auto|utf-8|cp1252 (default auto: a file that is not
// valid UTF-8 is read as Windows-1252), stage.<value>=<canonical stage or
// ignore> to translate an org's own lead statuses or opportunity stages,
// since=<time> for an incremental load: rows of a file with a SystemModstamp
// (else LastModifiedDate) column that is before `since` are not loaded
// (counted in a note). Lookups (converted leads, campaigns, first statuses)
// still use every row, so an unchanged lead still links its changed contact.
//
// Lookups that are empty or hold the null id 000000000000000AAA are empty.
// Custom fields (__c) and other extra columns are ignored.
//
// API sources: a location https://INSTANCE (the source
// "salesforce+https://NAME.my.salesforce.com") reads the same objects from
// the org's REST API or Bulk API 2.0 (salesforce_api.h) with the token in
// the secret SALESFORCE_ACCESS_TOKEN, and maps them with the code below, so
// an API read and an export of the same org give the same tables. Account
// is not queried (nothing is mapped from it). since= filters in the SOQL
// (SystemModstamp > since). API options: bulk=0|1|auto, bulk_threshold,
// bulk_poll_interval, bulk_max_wait, max_records, api_version,
// multicurrency and the HTTP options (timeout, ...).
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "baton/connector.h"
#include "export_file.h"
#ifdef BATON_SALESFORCE_API
#include "api_session.h"
#include "salesforce_api.h"
#endif
#include "utc_time.h"

namespace baton::crm {
namespace {

constexpr const char* kName = "salesforce";

constexpr const char* kKnownFiles[] = {
    "Lead.csv",          "Contact.csv", "Opportunity.csv",
    "OpportunityHistory.csv", "Campaign.csv", "CampaignMember.csv",
    "Task.csv",          "Event.csv",   "LeadHistory.csv",
    "Account.csv"};

struct CampaignInfo {
  std::string name;
  std::string type;
};

struct Context {
  const baton_host* host = nullptr;
  const baton_sink* sink = nullptr;
  std::string folder;
  std::string encoding = "auto";
  std::map<std::string, std::string> files;  // lower-case name -> path
  std::vector<std::string> read;             // "Lead.csv (3 rows, utf-8)"
  // Contact Id -> the Id of the lead converted into it.
  std::unordered_map<std::string, std::string> contact_to_lead;
  // Opportunity Id -> the Id of the lead converted into it.
  std::unordered_map<std::string, std::string> opportunity_to_lead;
  // Opportunity Id -> the person its history rows belong to.
  std::unordered_map<std::string, std::string> opportunity_person;
  std::unordered_map<std::string, CampaignInfo> campaigns;
  // Lead Id -> (time, OldValue) of its earliest Status change.
  std::unordered_map<std::string, std::pair<std::string, std::string>> first_status;
  int step = 0;
  int64_t since = plugin_time::kNoSince;  // option since
  // API sources: the objects read, by lower-case export file name
  // ("lead.csv"), taken by Load() instead of files.
  bool api = false;
  std::map<std::string, ExportFile> fetched;
#ifdef BATON_SALESFORCE_API
  SalesforceApiOptions api_options;
#endif
};

int Fail(Context* c, int code, const std::string& message) {
  c->host->set_error(c->host->self, code, message.c_str());
  return code;
}

void Note(Context* c, const std::string& message) {
  c->sink->note(c->sink->self, message.c_str());
}

// Salesforce writes the null id for an empty lookup in some exports.
std::string Clean(const std::string& value) {
  size_t b = 0, e = value.size();
  while (b < e && (value[b] == ' ' || value[b] == '\t')) ++b;
  while (e > b && (value[e - 1] == ' ' || value[e - 1] == '\t')) --e;
  std::string v = value.substr(b, e - b);
  if (v == "000000000000000AAA" || v == "000000000000000") return "";
  return v;
}

bool IsTrue(const std::string& value) {
  const std::string v = Lower(Clean(value));
  return v == "1" || v == "true" || v == "yes";
}

// The person an Id of a lead or contact stands for.
std::string PersonOf(const Context& c, const std::string& id) {
  auto it = c.contact_to_lead.find(id);
  return it == c.contact_to_lead.end() ? id : it->second;
}

int Progress(Context* c, const char* what) {
  constexpr double kSteps = 10;
  double fraction = c->step++ / kSteps;
  if (fraction > 1) fraction = 1;
  if (c->host->progress(c->host->self, fraction, what))
    return Fail(c, BATON_CANCELLED, std::string(kName) + ": cancelled while reading " + what);
  return BATON_OK;
}

// Loads `file` (canonical name, e.g. "Lead.csv") when present.
int Load(Context* c, const char* file, ExportFile* out, bool* present) {
  *present = false;
  if (c->api) {
    auto it = c->fetched.find(Lower(file));
    if (it == c->fetched.end()) return BATON_OK;
    *out = std::move(it->second);
    c->fetched.erase(it);
    *present = true;
    c->read.push_back(out->name.substr(0, out->name.find(' ')) + " " +
                      std::to_string(out->rows.size()) +
                      (out->rows.size() == 1 ? " record" : " records"));
    return BATON_OK;
  }
  auto it = c->files.find(Lower(file));
  if (it == c->files.end()) return BATON_OK;
  BATON_CRM_TRY(Progress(c, file));
  std::string error;
  int rc = ReadExportFile(it->second, file, c->encoding, out, &error);
  if (rc != BATON_OK) return Fail(c, rc, error);
  *present = true;
  c->read.push_back(std::string(file) + " (" + std::to_string(out->rows.size()) +
                    " rows, " + out->encoding + ")");
  if (out->encoding == "cp1252" && c->encoding == "auto")
    Note(c, std::string(file) +
                ": not valid UTF-8, read as Windows-1252 (cp1252); pass "
                "encoding=utf-8 to make this an error instead");
  return BATON_OK;
}

int RequireColumn(Context* c, const ExportFile& f, const char* column) {
  if (f.Column(column) >= 0) return BATON_OK;
  return Fail(c, BATON_PARSE_ERROR,
              f.name + ":1: column \"" + column +
                  "\" is missing; the header must name it (any letter case)");
}

// The canonical fields of one batch and, per field, the source column.
class Plan {
 public:
  explicit Plan(const ExportFile& f) : f_(f) {}
  // Adds `field` fed from `column` when the file has it; returns its slot or
  // -1. Columns are looked up case-insensitively.
  int Add(const char* field, const char* column) {
    int col = f_.Column(column);
    if (col < 0) return -1;
    names_.push_back(f_.header[static_cast<size_t>(col)]);
    fields_.push_back(field);
    cols_.push_back(col);
    return static_cast<int>(fields_.size()) - 1;
  }
  // Adds `field` whose value the connector derives (column names the source
  // for messages).
  int AddDerived(const char* field, const std::string& column) {
    names_.push_back(column);
    fields_.push_back(field);
    cols_.push_back(-1);
    return static_cast<int>(fields_.size()) - 1;
  }
  std::vector<baton_field_spec> Specs() const {
    std::vector<baton_field_spec> specs;
    for (size_t i = 0; i < fields_.size(); ++i)
      specs.push_back({fields_[i], names_[i].c_str()});
    return specs;
  }
  // Values of `row`: each column's cell, null ids made empty.
  void Fill(size_t row, std::vector<std::string>* values) const {
    values->resize(fields_.size());
    for (size_t i = 0; i < fields_.size(); ++i)
      (*values)[i] = cols_[i] < 0 ? std::string() : Clean(f_.Cell(row, cols_[i]));
  }

 private:
  const ExportFile& f_;
  std::vector<const char*> fields_;
  std::vector<std::string> names_;
  std::vector<int> cols_;
};

// Writes the rows of `f` to `table`. `adjust` edits the values of a row
// filled from the plan and returns false to skip the row (counted and
// reported in a note with `skip_reason`).
int Write(Context* c, const char* table, const ExportFile& f, const Plan& plan,
          const std::function<bool(size_t, std::vector<std::string>*)>& adjust,
          const std::string& skip_reason, const std::string& hint = "") {
  BatchWriter w(c->sink);
  int rc = w.Open(table, f.name, plan.Specs());
  if (rc != BATON_OK) return Fail(c, rc, c->sink->last_error(c->sink->self));
  int modified = -1;
  if (c->since != plugin_time::kNoSince) {
    modified = f.Column("SystemModstamp");
    if (modified < 0) modified = f.Column("LastModifiedDate");
  }
  int64_t unmodified = 0;
  std::vector<std::string> values;
  for (size_t r = 0; r < f.rows.size(); ++r) {
    // A stamp that cannot be read keeps the row: reading it again is
    // harmless, the merge drops duplicates.
    int64_t stamp = 0;
    if (modified >= 0 && plugin_time::ParseUtcMillis(Clean(f.Cell(r, modified)), &stamp) &&
        stamp < c->since) {
      ++unmodified;
      continue;
    }
    plan.Fill(r, &values);
    if (!adjust(r, &values)) {
      w.Skip();
      continue;
    }
    rc = w.Row(f.row_numbers[r], values);
    if (rc != BATON_OK)
      return Fail(c, rc, std::string(c->sink->last_error(c->sink->self)) + hint);
  }
  rc = w.Close();
  if (rc != BATON_OK) return Fail(c, rc, c->sink->last_error(c->sink->self));
  if (unmodified > 0)
    Note(c, f.name + ": " + std::to_string(unmodified) + " of " +
                std::to_string(f.rows.size()) + " rows not read into " + table +
                ": modified before the since time (column " +
                f.header[static_cast<size_t>(modified)] + ")");
  if (w.skipped() > 0)
    Note(c, f.name + ": " + std::to_string(w.skipped()) + " of " +
                std::to_string(f.rows.size()) + " rows not read into " + table +
                ": " + skip_reason);
  return BATON_OK;
}

const char* kStageHint =
    " (for the salesforce connector pass the option stage.<value>=<stage>, "
    "e.g. stage.Nurturing=mql, or =ignore)";

int ReadCampaigns(Context* c, const ExportFile& f) {
  BATON_CRM_TRY(RequireColumn(c, f, "Id"));
  const int id = f.Column("Id"), name = f.Column("Name"), type = f.Column("Type");
  for (size_t r = 0; r < f.rows.size(); ++r) {
    CampaignInfo info{Clean(f.Cell(r, name)), Clean(f.Cell(r, type))};
    c->campaigns[Clean(f.Cell(r, id))] = std::move(info);
  }
  return BATON_OK;
}

std::string CampaignName(const Context& c, const std::string& id) {
  auto it = c.campaigns.find(id);
  if (it == c.campaigns.end() || it->second.name.empty()) return id;
  return it->second.name;
}

// Records conversions: the contact and opportunity a lead became.
int IndexLeads(Context* c, const ExportFile& f) {
  BATON_CRM_TRY(RequireColumn(c, f, "Id"));
  const int id = f.Column("Id"), converted = f.Column("IsConverted"),
            contact = f.Column("ConvertedContactId"),
            opportunity = f.Column("ConvertedOpportunityId");
  for (size_t r = 0; r < f.rows.size(); ++r) {
    const std::string lead = Clean(f.Cell(r, id));
    if (lead.empty()) continue;
    // Without an IsConverted column a filled ConvertedContactId still says
    // the lead was converted.
    if (converted >= 0 && !IsTrue(f.Cell(r, converted))) continue;
    const std::string ct = Clean(f.Cell(r, contact));
    const std::string op = Clean(f.Cell(r, opportunity));
    if (!ct.empty()) c->contact_to_lead[ct] = lead;
    if (!op.empty()) c->opportunity_to_lead[op] = lead;
  }
  return BATON_OK;
}

int IndexLeadHistory(Context* c, const ExportFile& f) {
  BATON_CRM_TRY(RequireColumn(c, f, "LeadId"));
  BATON_CRM_TRY(RequireColumn(c, f, "Field"));
  BATON_CRM_TRY(RequireColumn(c, f, "CreatedDate"));
  const int lead = f.Column("LeadId"), field = f.Column("Field"),
            old_value = f.Column("OldValue"), at = f.Column("CreatedDate");
  for (size_t r = 0; r < f.rows.size(); ++r) {
    if (Lower(Clean(f.Cell(r, field))) != "status") continue;
    const std::string id = Clean(f.Cell(r, lead));
    const std::string when = Clean(f.Cell(r, at));
    if (id.empty() || when.empty()) continue;
    auto it = c->first_status.find(id);
    if (it == c->first_status.end() || when < it->second.first)
      c->first_status[id] = {when, Clean(f.Cell(r, old_value))};
  }
  return BATON_OK;
}

int WritePeople(Context* c, const ExportFile& f, bool contacts) {
  BATON_CRM_TRY(RequireColumn(c, f, "Id"));
  Plan plan(f);
  plan.Add("person_id", "Id");
  plan.Add("created_at", "CreatedDate");
  plan.Add("source", "LeadSource");
  plan.Add("owner", "OwnerId");
  plan.Add("email", "Email");
  if (contacts || plan.Add("account_id", "ConvertedAccountId") < 0)
    plan.Add("account_id", "AccountId");
  return Write(
      c, "people", f, plan,
      [&](size_t, std::vector<std::string>* v) {
        if ((*v)[0].empty()) return false;
        if (contacts) (*v)[0] = PersonOf(*c, (*v)[0]);
        return true;
      },
      "the Id is empty");
}

int WriteLeadStages(Context* c, const ExportFile& f) {
  const int converted = f.Column("IsConverted"),
            converted_date = f.Column("ConvertedDate");
  if (f.Column("Status") >= 0 && f.Column("CreatedDate") >= 0) {
    Plan plan(f);
    plan.Add("person_id", "Id");
    const int stage = plan.Add("stage", "Status");
    plan.Add("at", "CreatedDate");
    BATON_CRM_TRY(Write(
        c, "stages", f, plan,
        [&](size_t r, std::vector<std::string>* v) {
          if ((*v)[0].empty() || (*v)[2].empty()) return false;
          auto it = c->first_status.find((*v)[0]);
          if (it != c->first_status.end()) {
            (*v)[static_cast<size_t>(stage)] = it->second.second;
          } else if (converted >= 0 && IsTrue(f.Cell(r, converted)) &&
                     !Clean(f.Cell(r, converted_date)).empty()) {
            return false;
          }
          return !(*v)[static_cast<size_t>(stage)].empty();
        },
        "no Id, Status or CreatedDate, or converted (recorded at "
        "ConvertedDate instead)",
        kStageHint));
  }
  if (converted_date >= 0) {
    Plan plan(f);
    plan.Add("person_id", "Id");
    const int stage = plan.AddDerived("stage", "IsConverted");
    plan.Add("at", "ConvertedDate");
    BATON_CRM_TRY(Write(
        c, "stages", f, plan,
        [&](size_t r, std::vector<std::string>* v) {
          if (converted >= 0 && !IsTrue(f.Cell(r, converted))) return false;
          if ((*v)[0].empty() || (*v)[2].empty()) return false;
          (*v)[static_cast<size_t>(stage)] = "sql";
          return true;
        },
        "not converted (no ConvertedDate)"));
  }
  return BATON_OK;
}

int WriteLeadHistory(Context* c, const ExportFile& f) {
  Plan plan(f);
  plan.Add("person_id", "LeadId");
  if (plan.Add("stage", "NewValue") < 0)
    return RequireColumn(c, f, "NewValue");
  plan.Add("at", "CreatedDate");
  const int field = f.Column("Field");
  return Write(
      c, "stages", f, plan,
      [&](size_t r, std::vector<std::string>* v) {
        if (Lower(Clean(f.Cell(r, field))) != "status") return false;
        return !(*v)[0].empty() && !(*v)[1].empty() && !(*v)[2].empty();
      },
      "not a Status change (other Field), or no LeadId, NewValue or "
      "CreatedDate",
      kStageHint);
}

int WriteCampaignMembers(Context* c, const ExportFile& f) {
  BATON_CRM_TRY(RequireColumn(c, f, "CampaignId"));
  const int lead = f.Column("LeadId"), contact = f.Column("ContactId"),
            campaign = f.Column("CampaignId"),
            responded = f.Column("FirstRespondedDate"),
            created = f.Column("CreatedDate");
  if (lead < 0 && contact < 0) return RequireColumn(c, f, "LeadId");
  Plan plan(f);
  plan.AddDerived("person_id", f.header[static_cast<size_t>(lead >= 0 ? lead : contact)]);
  plan.AddDerived("at", responded >= 0 ? f.header[static_cast<size_t>(responded)]
                                       : std::string("CreatedDate"));
  plan.AddDerived("channel", "Campaign.csv Type");
  plan.AddDerived("campaign", "Campaign.csv Name");
  plan.AddDerived("side", "");
  return Write(
      c, "touches", f, plan,
      [&](size_t r, std::vector<std::string>* v) {
        std::string person = Clean(f.Cell(r, lead));
        if (person.empty()) person = PersonOf(*c, Clean(f.Cell(r, contact)));
        std::string at = Clean(f.Cell(r, responded));
        if (at.empty()) at = Clean(f.Cell(r, created));
        if (person.empty() || at.empty()) return false;
        const std::string id = Clean(f.Cell(r, campaign));
        auto it = c->campaigns.find(id);
        (*v)[0] = person;
        (*v)[1] = at;
        (*v)[2] = it == c->campaigns.end() ? "" : it->second.type;
        (*v)[3] = CampaignName(*c, id);
        (*v)[4] = "marketing";
        return true;
      },
      "no LeadId or ContactId, or no FirstRespondedDate or CreatedDate");
}

// The activity of a task: its subtype, else its Type, else "task".
std::string TaskActivity(const std::string& subtype, const std::string& type) {
  for (const std::string& s : {Lower(subtype), Lower(type)}) {
    if (s == "call") return "call";
    if (s == "email" || s == "listemail" || s == "send letter") return "email";
    if (s == "meeting") return "meeting";
  }
  const std::string t = Lower(type);
  if (!t.empty() && t != "task" && t != "other") return t;
  return "task";
}

int WriteActivities(Context* c, const ExportFile& f, bool events) {
  BATON_CRM_TRY(RequireColumn(c, f, "WhoId"));
  const int who = f.Column("WhoId"), subtype = f.Column("TaskSubtype"),
            type = f.Column("Type");
  const std::vector<const char*> time_columns =
      events ? std::vector<const char*>{"StartDateTime", "ActivityDateTime",
                                        "ActivityDate", "CreatedDate"}
             : std::vector<const char*>{"ActivityDate", "CreatedDate"};
  std::vector<int> time_cols;
  std::string time_names;
  for (const char* t : time_columns) {
    int col = f.Column(t);
    if (col < 0) continue;
    time_cols.push_back(col);
    if (!time_names.empty()) time_names += " or ";
    time_names += f.header[static_cast<size_t>(col)];
  }
  Plan plan(f);
  plan.AddDerived("person_id", f.header[static_cast<size_t>(who)]);
  plan.AddDerived("at", time_names);
  plan.AddDerived("activity", events ? "Event" : "TaskSubtype or Type");
  plan.AddDerived("side", "");
  return Write(
      c, "touches", f, plan,
      [&](size_t r, std::vector<std::string>* v) {
        const std::string person = PersonOf(*c, Clean(f.Cell(r, who)));
        std::string at;
        for (int col : time_cols) {
          at = Clean(f.Cell(r, col));
          if (!at.empty()) break;
        }
        if (person.empty() || at.empty()) return false;
        (*v)[0] = person;
        (*v)[1] = at;
        (*v)[2] = events ? "meeting"
                         : TaskActivity(Clean(f.Cell(r, subtype)), Clean(f.Cell(r, type)));
        (*v)[3] = "sales";
        return true;
      },
      "no WhoId (not about a lead or contact) or no date");
}

int WriteOpportunities(Context* c, const ExportFile& f) {
  BATON_CRM_TRY(RequireColumn(c, f, "Id"));
  const int id_col = f.Column("Id"), contact = f.Column("ContactId"),
            closed = f.Column("IsClosed"), campaign = f.Column("CampaignId");
  // Who the deal belongs to, for its history rows too.
  for (size_t r = 0; r < f.rows.size(); ++r) {
    const std::string id = Clean(f.Cell(r, id_col));
    auto it = c->opportunity_to_lead.find(id);
    std::string person = it != c->opportunity_to_lead.end()
                             ? it->second
                             : PersonOf(*c, Clean(f.Cell(r, contact)));
    if (!id.empty() && !person.empty()) c->opportunity_person[id] = person;
  }
  Plan plan(f);
  plan.Add("deal_id", "Id");
  const int person = plan.AddDerived("person_id", "ConvertedOpportunityId of Lead.csv");
  plan.Add("account_id", "AccountId");
  plan.Add("created_at", "CreatedDate");
  const int close = plan.Add("closed_at", "CloseDate");
  plan.Add("amount", "Amount");
  plan.Add("currency", "CurrencyIsoCode");
  plan.Add("stage", "StageName");
  const int won = plan.Add("is_won", "IsWon");
  const int is_closed = plan.Add("is_closed", "IsClosed");
  plan.Add("owner", "OwnerId");
  plan.Add("source", "LeadSource");
  const int camp = campaign >= 0 ? plan.AddDerived("campaign", f.header[static_cast<size_t>(campaign)]) : -1;
  return Write(
      c, "deals", f, plan,
      [&](size_t r, std::vector<std::string>* v) {
        if ((*v)[0].empty()) return false;
        auto it = c->opportunity_person.find((*v)[0]);
        (*v)[static_cast<size_t>(person)] =
            it == c->opportunity_person.end() ? "" : it->second;
        // CloseDate of an open opportunity is only the expected date.
        if (close >= 0 && closed >= 0 && !IsTrue(f.Cell(r, closed)))
          (*v)[static_cast<size_t>(close)].clear();
        for (int b : {won, is_closed})
          if (b >= 0 && (*v)[static_cast<size_t>(b)].empty())
            (*v)[static_cast<size_t>(b)] = "0";
        if (camp >= 0) {
          const std::string cid = Clean(f.Cell(r, campaign));
          (*v)[static_cast<size_t>(camp)] = cid.empty() ? "" : CampaignName(*c, cid);
        }
        return true;
      },
      "the Id is empty");
}

int WriteOpportunityHistory(Context* c, const ExportFile& f) {
  BATON_CRM_TRY(RequireColumn(c, f, "OpportunityId"));
  BATON_CRM_TRY(RequireColumn(c, f, "StageName"));
  BATON_CRM_TRY(RequireColumn(c, f, "CreatedDate"));
  const int opportunity = f.Column("OpportunityId");
  Plan plan(f);
  plan.AddDerived("person_id", "OpportunityId (its lead or contact)");
  plan.Add("stage", "StageName");
  plan.Add("at", "CreatedDate");
  return Write(
      c, "stages", f, plan,
      [&](size_t r, std::vector<std::string>* v) {
        auto it = c->opportunity_person.find(Clean(f.Cell(r, opportunity)));
        if (it == c->opportunity_person.end()) return false;
        (*v)[0] = it->second;
        return !(*v)[1].empty() && !(*v)[2].empty();
      },
      "the opportunity has no known lead or contact, or no StageName or "
      "CreatedDate",
      kStageHint);
}

int WriteSpend(Context* c, const ExportFile& f) {
  if (f.Column("ActualCost") < 0) return BATON_OK;
  Plan plan(f);
  plan.Add("channel", "Type");
  plan.Add("campaign", "Name");
  plan.Add("period_start", "StartDate");
  plan.Add("period_end", "EndDate");
  const int amount = plan.Add("amount", "ActualCost");
  plan.Add("currency", "CurrencyIsoCode");
  return Write(
      c, "spend", f, plan,
      [&](size_t, std::vector<std::string>* v) {
        return !(*v)[static_cast<size_t>(amount)].empty();
      },
      "no ActualCost");
}

bool IsApiLocation(const std::string& location) {
  const std::string l = Lower(location.substr(0, 8));
  return l.rfind("https://", 0) == 0 || l.rfind("http://", 0) == 0;
}

std::string ApiHttpOptionNames() {
#ifdef BATON_SALESFORCE_API
  return http::HttpOptionNames();
#else
  return "";
#endif
}

int ParseOptions(Context* c, const baton_kv* options, size_t num_options) {
  for (size_t i = 0; i < num_options; ++i) {
    const std::string key = options[i].key ? options[i].key : "";
    const std::string value = options[i].value ? options[i].value : "";
    if (key == "encoding") {
      const std::string v = Lower(value);
      if (v != "auto" && v != "utf-8" && v != "utf8" && v != "cp1252" &&
          v != "windows-1252")
        return Fail(c, BATON_INVALID_ARGUMENT,
                    std::string(kName) + ": option encoding=\"" + value +
                        "\" is not supported; use auto, utf-8 or cp1252");
      c->encoding = v;
    } else if (key == "since") {
      if (!plugin_time::ParseUtcMillis(value, &c->since))
        return Fail(c, BATON_INVALID_ARGUMENT,
                    std::string(kName) + ": option since=\"" + value +
                        "\" is not a time; use ISO 8601 such as 2024-03-05T10:00:00Z");
#ifdef BATON_SALESFORCE_API
      std::string error;
      if (SetSalesforceApiOption(key, value, &c->api_options, &error) < 0)
        return Fail(c, BATON_INVALID_ARGUMENT, std::string(kName) + ": " + error);
#endif
    } else if (key.rfind("stage.", 0) == 0 && key.size() > 6) {
      if (c->sink->map_stage(c->sink->self, key.c_str() + 6, value.c_str()) != BATON_OK)
        return Fail(c, BATON_INVALID_ARGUMENT,
                    std::string(kName) + ": option " + key + ": " +
                        c->sink->last_error(c->sink->self));
    } else {
#ifdef BATON_SALESFORCE_API
      std::string error;
      int set = SetSalesforceApiOption(key, value, &c->api_options, &error);
      if (set < 0) return Fail(c, BATON_INVALID_ARGUMENT, std::string(kName) + ": " + error);
      if (set > 0 && !c->api)
        return Fail(c, BATON_INVALID_ARGUMENT,
                    std::string(kName) + ": option " + key +
                        " applies only to API sources (salesforce+https://INSTANCE)");
      if (set > 0) continue;
#endif
      return Fail(c, BATON_INVALID_ARGUMENT,
                  std::string(kName) + ": unknown option \"" + key +
                      "\"; valid options are encoding, since and stage.<value>" +
                      (c->api ? std::string(", and for API sources bulk, bulk_threshold, "
                                            "bulk_poll_interval, bulk_max_wait, max_records, "
                                            "api_version, multicurrency, ") +
                                    ApiHttpOptionNames()
                              : std::string()));
    }
  }
  return BATON_OK;
}

// Reads the org's objects into c->fetched, named as export files so Load()
// hands them to the same mapping.
int FetchApi(Context* c) {
#ifdef BATON_SALESFORCE_API
  const http::ApiSessionSpec spec{
      kName, "SALESFORCE_ACCESS_TOKEN",
      std::string(kName) + ": no access token for " + c->folder +
          ": set the environment variable SALESFORCE_ACCESS_TOKEN to an OAuth "
          "access token (or session id) of the org"};
  std::string token, error;
  int rc = http::OpenApiSession(c->host, spec, c->folder, &c->api_options.http, &token,
                                &error);
  if (rc != BATON_OK) return Fail(c, rc, error);
  std::vector<FetchedObject> objects;
  rc = FetchSalesforceObjects(
      c->folder, token, c->api_options,
      [c](double fraction, const std::string& what) {
        return c->host->progress(c->host->self, fraction * 0.8, what.c_str()) != 0;
      },
      &objects, &error);
  if (rc != BATON_OK) return Fail(c, rc, error);
  for (FetchedObject& o : objects) c->fetched[Lower(o.object + ".csv")] = std::move(o.file);
  // The mapping's own progress steps start after the download.
  c->step = 8;
  return BATON_OK;
#else
  return Fail(c, BATON_UNSUPPORTED,
              std::string(kName) + ": this build has no HTTP support (libcurl was not "
                                   "found at build time), so " + c->folder +
                  " cannot be read; export the org to a folder and read that instead");
#endif
}

int Read(const baton_host* host, const char* location, const baton_kv* options,
         size_t num_options, const baton_sink* sink) {
  Context c;
  c.host = host;
  c.sink = sink;
  c.folder = location ? location : "";
  c.api = IsApiLocation(c.folder);
  BATON_CRM_TRY(ParseOptions(&c, options, num_options));
  if (c.api) BATON_CRM_TRY(FetchApi(&c));
  std::vector<std::pair<std::string, std::string>> listing;
  std::string error;
  int rc = c.api ? BATON_OK : ListFolder(c.folder, kName, &listing, &error);
  if (rc != BATON_OK) return Fail(&c, rc, error);
  for (auto& [name, path] : listing) c.files[name] = path;
  bool any = c.api;
  for (const char* f : kKnownFiles) any = any || c.files.count(Lower(f)) > 0;
  if (!any) {
    std::string expected;
    for (const char* f : kKnownFiles) expected += std::string(expected.empty() ? "" : ", ") + f;
    return Fail(&c, BATON_NOT_FOUND,
                std::string(kName) + ": no Salesforce export files in folder " +
                    c.folder + "; expected any of " + expected);
  }

  ExportFile lead, contact, opportunity, opp_history, campaign, member, task,
      event, lead_history, account;
  bool has_lead, has_contact, has_opp, has_opp_history, has_campaign,
      has_member, has_task, has_event, has_lead_history, has_account;
  BATON_CRM_TRY(Load(&c, "Campaign.csv", &campaign, &has_campaign));
  BATON_CRM_TRY(Load(&c, "Lead.csv", &lead, &has_lead));
  BATON_CRM_TRY(Load(&c, "LeadHistory.csv", &lead_history, &has_lead_history));
  BATON_CRM_TRY(Load(&c, "Contact.csv", &contact, &has_contact));
  BATON_CRM_TRY(Load(&c, "Opportunity.csv", &opportunity, &has_opp));
  BATON_CRM_TRY(Load(&c, "OpportunityHistory.csv", &opp_history, &has_opp_history));
  BATON_CRM_TRY(Load(&c, "CampaignMember.csv", &member, &has_member));
  BATON_CRM_TRY(Load(&c, "Task.csv", &task, &has_task));
  BATON_CRM_TRY(Load(&c, "Event.csv", &event, &has_event));
  BATON_CRM_TRY(Load(&c, "Account.csv", &account, &has_account));

  if (has_campaign) BATON_CRM_TRY(ReadCampaigns(&c, campaign));
  if (has_lead) BATON_CRM_TRY(IndexLeads(&c, lead));
  if (has_lead_history) BATON_CRM_TRY(IndexLeadHistory(&c, lead_history));
  // Leads first: a converted lead's own values win over its contact's.
  if (has_lead) BATON_CRM_TRY(WritePeople(&c, lead, false));
  if (has_contact) BATON_CRM_TRY(WritePeople(&c, contact, true));
  if (has_lead) BATON_CRM_TRY(WriteLeadStages(&c, lead));
  if (has_lead_history) BATON_CRM_TRY(WriteLeadHistory(&c, lead_history));
  if (has_member) BATON_CRM_TRY(WriteCampaignMembers(&c, member));
  if (has_task) BATON_CRM_TRY(WriteActivities(&c, task, false));
  if (has_event) BATON_CRM_TRY(WriteActivities(&c, event, true));
  if (has_opp) BATON_CRM_TRY(WriteOpportunities(&c, opportunity));
  if (has_opp_history) BATON_CRM_TRY(WriteOpportunityHistory(&c, opp_history));
  if (has_campaign) BATON_CRM_TRY(WriteSpend(&c, campaign));

  std::string summary = std::string(kName) + ": read ";
  if (c.api) summary += "from " + c.folder + ": ";
  for (size_t i = 0; i < c.read.size(); ++i) summary += (i ? ", " : "") + c.read[i];
  if (has_account)
    summary += "; Account.csv is not mapped to a table";
  std::string missing;
  for (const char* f : kKnownFiles)
    if (!c.api && c.files.count(Lower(f)) == 0)
      missing += (missing.empty() ? "" : ", ") + std::string(f);
  if (!missing.empty()) summary += "; not in the export: " + missing;
  host->log(host->self, 1, summary.c_str());
  Note(&c, summary);
  host->progress(host->self, 1.0, "done");
  return BATON_OK;
}

int Probe(const char* location) {
  if (!location) return 0;
  if (IsApiLocation(location)) {
    const std::string l = Lower(location);
    return l.find(".salesforce.com") != std::string::npos ||
                   l.find(".force.com") != std::string::npos
               ? 70
               : 0;
  }
  std::vector<std::pair<std::string, std::string>> listing;
  std::string error;
  if (ListFolder(location, kName, &listing, &error) != BATON_OK) return 0;
  int found = 0;
  for (const auto& entry : listing)
    for (const char* f : kKnownFiles)
      if (entry.first == Lower(f)) ++found;
  return found >= 2 ? 80 : (found == 1 ? 40 : 0);
}

const baton_connector kConnector = {
    sizeof(baton_connector),
    BATON_CONNECTOR_ABI_MAJOR,
    BATON_CONNECTOR_ABI_MINOR,
    kName,
    "1.1.0",
#ifdef BATON_SALESFORCE_API
    "Salesforce Data Export / Data Loader folder, or an org's REST / Bulk API 2.0 "
    "(salesforce+https://INSTANCE): Lead, Contact, Opportunity, Campaign, "
    "CampaignMember, Task, Event, histories",
#else
    "Salesforce Data Export / Data Loader folder (Lead, Contact, Opportunity, "
    "Campaign, CampaignMember, Task, Event, histories); built without API support",
#endif
    &Probe,
    &Read,
    nullptr,
};

}  // namespace
}  // namespace baton::crm

extern "C" BATON_CONNECTOR_EXPORT const baton_connector* baton_connector_entry(void) {
  return &baton::crm::kConnector;
}

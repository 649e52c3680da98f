// The hubspot connector: reads a folder of HubSpot CSV exports into the
// canonical tables.
//
//   contacts*.csv  -> people (Record ID; Create Date; Original Source,
//                     normalised to lower snake case; Contact owner; Email;
//                     attributes lead_status and source_detail from Lead
//                     Status and Original Source Drill-Down 1)
//                  -> stages: one row per "Became a ... Date" that is set,
//                     translated by the host's stage map (subscriber and
//                     lead -> inquiry, marketingqualifiedlead -> mql, ...,
//                     customer and evangelist -> won). A contact with none
//                     of these dates but a Lifecycle Stage enters that stage
//                     at Create Date (noted, since the real date is unknown).
//   deals*.csv     -> deals (the first of the ";"-separated Associated
//                     Contact IDs is the person; the host decides is_won and
//                     is_closed from Deal Stage: closedwon / Closed Won is
//                     won, closedlost / Closed Lost is lost)
//
// Several files of a kind (contacts-1.csv, contacts-2.csv) are read in name
// order. Options: encoding=auto|utf-8|cp1252, stage.<value>=<stage>,
// since=<time> for an incremental load: rows whose "Last Modified Date"
// (else "Last Activity Date") is before it are not loaded (counted in a
// note). Export times without an offset are read as UTC.
//
// A location that is a URL ("hubspot+https://api.hubapi.com") is read from
// the CRM v3 API instead: see hubspot_api.h.
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "baton/connector.h"
#include "export_file.h"
#include "hubspot_api.h"
#include "utc_time.h"

namespace baton::crm {
namespace {

constexpr const char* kName = "hubspot";

// "Became a ... Date" columns and the lifecycle value each one records.
struct BecameColumn {
  const char* column;
  const char* stage;
};
constexpr BecameColumn kBecame[] = {
    {"Became a Subscriber Date", "subscriber"},
    {"Became a Lead Date", "lead"},
    {"Became a Marketing Qualified Lead Date", "marketingqualifiedlead"},
    {"Became a Sales Qualified Lead Date", "salesqualifiedlead"},
    {"Became an Opportunity Date", "opportunity"},
    {"Became a Customer Date", "customer"},
    {"Became an Evangelist Date", "evangelist"},
};

struct Context {
  const baton_host* host = nullptr;
  const baton_sink* sink = nullptr;
  std::string encoding = "auto";
  std::vector<std::string> read;
  int64_t since = plugin_time::kNoSince;  // option since
};

int Fail(Context* c, int code, const std::string& message) {
  c->host->set_error(c->host->self, code, message.c_str());
  return code;
}

void Note(Context* c, const std::string& message) {
  c->sink->note(c->sink->self, message.c_str());
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

// "Organic Search" and "ORGANIC_SEARCH" both become "organic_search".
std::string NormalizeSource(const std::string& value) {
  std::string out;
  bool gap = false;
  for (char ch : Trim(value)) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (ch == ' ' || ch == '_' || ch == '-' || ch == '/') {
      gap = !out.empty();
      continue;
    }
    if (gap) out.push_back('_');
    gap = false;
    out.push_back(u < 0x80 ? static_cast<char>(std::tolower(u)) : ch);
  }
  return out;
}

int RequireColumn(Context* c, const ExportFile& f, const char* column) {
  if (f.Column(column) >= 0) return BATON_OK;
  return Fail(c, BATON_PARSE_ERROR,
              f.name + ":1: column \"" + column +
                  "\" is missing; is this a HubSpot export? (header names are "
                  "matched in any letter case)");
}

// Fields of one batch with their source columns (as in the header).
struct Batch {
  std::vector<std::string> names;
  std::vector<const char*> fields;
  std::vector<int> cols;
  int Add(const ExportFile& f, const char* field, const char* column) {
    int col = f.Column(column);
    if (col < 0) return -1;
    names.push_back(f.header[static_cast<size_t>(col)]);
    fields.push_back(field);
    cols.push_back(col);
    return static_cast<int>(fields.size()) - 1;
  }
  std::vector<baton_field_spec> Specs() const {
    std::vector<baton_field_spec> s;
    for (size_t i = 0; i < fields.size(); ++i) s.push_back({fields[i], names[i].c_str()});
    return s;
  }
};

int SinkFail(Context* c, int rc) {
  return Fail(c, rc, c->sink->last_error(c->sink->self));
}

int WriteContacts(Context* c, const ExportFile& f) {
  BATON_CRM_TRY(RequireColumn(c, f, "Record ID"));
  // People.
  {
    Batch b;
    b.Add(f, "person_id", "Record ID");
    b.Add(f, "created_at", "Create Date");
    const int source = b.Add(f, "source", "Original Source");
    b.Add(f, "owner", "Contact owner");
    b.Add(f, "email", "Email");
    b.Add(f, "attribute:lead_status", "Lead Status");
    b.Add(f, "attribute:source_detail", "Original Source Drill-Down 1");
    BatchWriter w(c->sink);
    int rc = w.Open("people", f.name, b.Specs());
    if (rc != BATON_OK) return SinkFail(c, rc);
    std::vector<std::string> v(b.fields.size());
    int64_t skipped = 0;
    for (size_t r = 0; r < f.rows.size(); ++r) {
      for (size_t i = 0; i < v.size(); ++i) v[i] = Trim(f.Cell(r, b.cols[i]));
      if (v[0].empty()) {
        ++skipped;
        continue;
      }
      if (source >= 0) v[static_cast<size_t>(source)] = NormalizeSource(v[static_cast<size_t>(source)]);
      rc = w.Row(f.row_numbers[r], v);
      if (rc != BATON_OK) return SinkFail(c, rc);
    }
    rc = w.Close();
    if (rc != BATON_OK) return SinkFail(c, rc);
    if (skipped > 0)
      Note(c, f.name + ": " + std::to_string(skipped) +
                  " rows have no Record ID and were not read");
  }
  // Stages: one batch, the stage value derived from the column it came from.
  std::vector<std::pair<int, const char*>> became;  // (column, stage value)
  std::string became_names;
  for (const auto& bc : kBecame) {
    int col = f.Column(bc.column);
    if (col < 0) continue;
    became.emplace_back(col, bc.stage);
    if (!became_names.empty()) became_names += ", ";
    became_names += f.header[static_cast<size_t>(col)];
  }
  const int id = f.Column("Record ID"), lifecycle = f.Column("Lifecycle Stage"),
            created = f.Column("Create Date");
  if (became.empty() && lifecycle < 0) return BATON_OK;
  const std::string at_names =
      became_names.empty() ? std::string("Create Date") : became_names;
  const std::string stage_names =
      lifecycle >= 0 ? "Lifecycle Stage / the Became a ... Date column"
                     : "the Became a ... Date column";
  std::vector<baton_field_spec> specs = {{"person_id", f.header[static_cast<size_t>(id)].c_str()},
                                         {"stage", stage_names.c_str()},
                                         {"at", at_names.c_str()}};
  BatchWriter w(c->sink);
  int rc = w.Open("stages", f.name, specs);
  if (rc != BATON_OK) return SinkFail(c, rc);
  int64_t from_lifecycle = 0;
  std::vector<std::string> v(3);
  const std::string hint =
      " (for the hubspot connector pass the option stage.<value>=<stage>, or "
      "=ignore)";
  for (size_t r = 0; r < f.rows.size(); ++r) {
    v[0] = Trim(f.Cell(r, id));
    if (v[0].empty()) continue;
    bool any = false;
    for (const auto& [col, stage] : became) {
      v[2] = Trim(f.Cell(r, col));
      if (v[2].empty()) continue;
      any = true;
      v[1] = stage;
      rc = w.Row(f.row_numbers[r], v);
      if (rc != BATON_OK)
        return Fail(c, rc, std::string(c->sink->last_error(c->sink->self)) + hint);
    }
    if (!any && lifecycle >= 0) {
      v[1] = Trim(f.Cell(r, lifecycle));
      v[2] = Trim(f.Cell(r, created));
      if (v[1].empty() || v[2].empty()) continue;
      rc = w.Row(f.row_numbers[r], v);
      if (rc != BATON_OK)
        return Fail(c, rc, std::string(c->sink->last_error(c->sink->self)) + hint);
      ++from_lifecycle;
    }
  }
  rc = w.Close();
  if (rc != BATON_OK) return SinkFail(c, rc);
  if (from_lifecycle > 0)
    Note(c, f.name + ": " + std::to_string(from_lifecycle) +
                " contacts have no \"Became a ... Date\"; their Lifecycle "
                "Stage is recorded at their Create Date");
  return BATON_OK;
}

int WriteDeals(Context* c, const ExportFile& f) {
  BATON_CRM_TRY(RequireColumn(c, f, "Record ID"));
  Batch b;
  b.Add(f, "deal_id", "Record ID");
  const int person = b.Add(f, "person_id", "Associated Contact IDs");
  b.Add(f, "stage", "Deal Stage");
  b.Add(f, "amount", "Amount");
  b.Add(f, "closed_at", "Close Date");
  b.Add(f, "created_at", "Create Date");
  b.Add(f, "owner", "Deal owner");
  b.Add(f, "currency", "Currency");
  BatchWriter w(c->sink);
  int rc = w.Open("deals", f.name, b.Specs());
  if (rc != BATON_OK) return SinkFail(c, rc);
  std::vector<std::string> v(b.fields.size());
  int64_t skipped = 0;
  for (size_t r = 0; r < f.rows.size(); ++r) {
    for (size_t i = 0; i < v.size(); ++i) v[i] = Trim(f.Cell(r, b.cols[i]));
    if (v[0].empty()) {
      ++skipped;
      continue;
    }
    if (person >= 0) {
      std::string& p = v[static_cast<size_t>(person)];
      size_t cut = p.find_first_of(";,");
      if (cut != std::string::npos) p = Trim(p.substr(0, cut));
    }
    rc = w.Row(f.row_numbers[r], v);
    if (rc != BATON_OK) return SinkFail(c, rc);
  }
  rc = w.Close();
  if (rc != BATON_OK) return SinkFail(c, rc);
  if (skipped > 0)
    Note(c, f.name + ": " + std::to_string(skipped) +
                " rows have no Record ID and were not read");
  return BATON_OK;
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
    } else if (key.rfind("stage.", 0) == 0 && key.size() > 6) {
      if (c->sink->map_stage(c->sink->self, key.c_str() + 6, value.c_str()) != BATON_OK)
        return Fail(c, BATON_INVALID_ARGUMENT,
                    std::string(kName) + ": option " + key + ": " +
                        c->sink->last_error(c->sink->self));
    } else {
      return Fail(c, BATON_INVALID_ARGUMENT,
                  std::string(kName) + ": unknown option \"" + key +
                      "\"; valid options are encoding, since and stage.<value>");
    }
  }
  return BATON_OK;
}

// With option since, removes the rows of `f` modified before it; a stamp
// that cannot be read keeps its row (the merge drops what is read twice).
void DropUnmodified(Context* c, ExportFile* f) {
  if (c->since == plugin_time::kNoSince) return;
  int col = f->Column("Last Modified Date");
  if (col < 0) col = f->Column("Last Activity Date");
  if (col < 0) return;
  size_t kept = 0;
  for (size_t r = 0; r < f->rows.size(); ++r) {
    int64_t t = 0;
    if (plugin_time::ParseUtcMillis(f->Cell(r, col), &t) && t < c->since) continue;
    if (kept != r) {
      f->rows[kept] = std::move(f->rows[r]);
      f->row_numbers[kept] = f->row_numbers[r];
    }
    ++kept;
  }
  const size_t dropped = f->rows.size() - kept;
  f->rows.resize(kept);
  f->row_numbers.resize(kept);
  if (dropped > 0)
    Note(c, f->name + ": " + std::to_string(dropped) + " rows not read: modified before "
                      "the since time (column " + f->header[static_cast<size_t>(col)] + ")");
}

bool IsExport(const std::string& lower_name, const char* prefix) {
  const std::string p(prefix);
  return lower_name.size() >= p.size() + 4 && lower_name.rfind(p, 0) == 0 &&
         lower_name.compare(lower_name.size() - 4, 4, ".csv") == 0;
}

int Read(const baton_host* host, const char* location, const baton_kv* options,
         size_t num_options, const baton_sink* sink) {
  if (location && IsApiLocation(location)) {
#ifdef BATON_HUBSPOT_API
    return ReadHubspotApi(host, location, options, num_options, sink);
#else
    host->set_error(host->self, BATON_UNSUPPORTED,
                    "hubspot: this build has no HTTP layer (libcurl was not found "
                    "when it was built), so it cannot read the HubSpot API; "
                    "export contacts and deals as CSV and load the folder");
    return BATON_UNSUPPORTED;
#endif
  }
  Context c;
  c.host = host;
  c.sink = sink;
  BATON_CRM_TRY(ParseOptions(&c, options, num_options));
  const std::string folder = location ? location : "";
  std::vector<std::pair<std::string, std::string>> listing;
  std::string error;
  int rc = ListFolder(folder, kName, &listing, &error);
  if (rc != BATON_OK) return Fail(&c, rc, error);
  std::vector<std::pair<std::string, std::string>> contacts, deals;
  for (const auto& entry : listing) {
    if (IsExport(entry.first, "contacts")) contacts.push_back(entry);
    if (IsExport(entry.first, "deals")) deals.push_back(entry);
  }
  if (contacts.empty() && deals.empty())
    return Fail(&c, BATON_NOT_FOUND,
                std::string(kName) + ": no HubSpot export in folder " + folder +
                    "; expected contacts*.csv and/or deals*.csv");
  const double total = static_cast<double>(contacts.size() + deals.size());
  double done = 0;
  for (int kind = 0; kind < 2; ++kind) {
    for (const auto& [lower, path] : kind == 0 ? contacts : deals) {
      const std::string name = path.substr(path.find_last_of('/') + 1);
      if (host->progress(host->self, done++ / total, name.c_str()))
        return Fail(&c, BATON_CANCELLED, std::string(kName) + ": cancelled at " + name);
      ExportFile f;
      rc = ReadExportFile(path, name, c.encoding, &f, &error);
      if (rc != BATON_OK) return Fail(&c, rc, error);
      if (f.encoding == "cp1252" && c.encoding == "auto")
        Note(&c, name + ": not valid UTF-8, read as Windows-1252 (cp1252); "
                        "pass encoding=utf-8 to make this an error instead");
      DropUnmodified(&c, &f);
      BATON_CRM_TRY(kind == 0 ? WriteContacts(&c, f) : WriteDeals(&c, f));
      c.read.push_back(name + " (" + std::to_string(f.rows.size()) + " rows, " +
                       f.encoding + ")");
    }
  }
  std::string summary = std::string(kName) + ": read ";
  for (size_t i = 0; i < c.read.size(); ++i) summary += (i ? ", " : "") + c.read[i];
  if (contacts.empty()) summary += "; no contacts*.csv";
  if (deals.empty()) summary += "; no deals*.csv";
  host->log(host->self, 1, summary.c_str());
  Note(&c, summary);
  host->progress(host->self, 1.0, "done");
  return BATON_OK;
}

int Probe(const char* location) {
  if (!location) return 0;
  if (IsApiLocation(location))
    return std::string(location).find("hubapi.com") != std::string::npos ? 90 : 0;
  std::vector<std::pair<std::string, std::string>> listing;
  std::string error;
  if (ListFolder(location, kName, &listing, &error) != BATON_OK) return 0;
  int found = 0;
  for (const auto& entry : listing)
    if (IsExport(entry.first, "contacts") || IsExport(entry.first, "deals")) ++found;
  return found > 0 ? 60 : 0;
}

const baton_connector kConnector = {
    sizeof(baton_connector),
    BATON_CONNECTOR_ABI_MAJOR,
    BATON_CONNECTOR_ABI_MINOR,
    kName,
    "1.1.0",
    "HubSpot CSV exports (contacts*.csv, deals*.csv) and the CRM v3 API "
    "(hubspot+https://api.hubapi.com)",
    &Probe,
    &Read,
    nullptr,
};

}  // namespace

bool IsApiLocation(const std::string& location) {
  return location.rfind("https://", 0) == 0 || location.rfind("http://", 0) == 0;
}

std::string NormalizeSourceName(const std::string& value) { return NormalizeSource(value); }

}  // namespace baton::crm

extern "C" BATON_CONNECTOR_EXPORT const baton_connector* baton_connector_entry(void) {
  return &baton::crm::kConnector;
}

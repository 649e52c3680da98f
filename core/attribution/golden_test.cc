// Golden attribution cases: every file tests/golden/attribution/*.txt is one
// case (journeys in, credits out), run by the single test below. Adding a
// case adds a file, not code.
//
// Format: one directive per line; '#' starts a comment line; blank lines
// are ignored. Times are in days (decimals allowed) since the epoch.
//
//   option: attribution.KEY=VALUE   any attribution option (see
//                                   attribution.h); applied in order
//   model: NAME[,NAME...]           shorthand for attribution.model
//   journey: TOKENS -> END          one person (p1, p2, ... in file order)
//     TOKENS, in any order:
//       CHANNEL@DAY                 a marketing touch ("-" = no channel)
//       CHANNEL/CAMPAIGN@DAY        a touch with a campaign
//       sales:CHANNEL@DAY           a sales touch
//       lead@DAY                    entered stage mql
//       opp@DAY                     entered stage opportunity
//       stage:NAME@DAY              entered stage NAME
//       deal@DAY                    an open deal created at DAY
//       wondeal:V@DAY               a won deal of amount V closed at DAY
//     END:
//       null                        never converts
//       convert@DAY [value=V]       enters the conversion stage at DAY;
//                                   value adds a won deal of amount V
//                                   closed at DAY
//       wondeal@DAY value=V         only a won deal of amount V closed at DAY
//   path: A > B > C conversions=N value=V nulls=M   an aggregated path row
//   expect: [MODEL] KEY FIELD=X ...  FIELD is conversions, revenue or
//                                    removal_effect; X a number or a/b.
//                                    MODEL may be left out when one model
//                                    runs
//   total: conversions=X revenue=Y  the credited totals: every model's
//                                   credits must sum to them (required)
//   warning: TEXT                   the table has a warning containing TEXT;
//                                   the table's warnings must all be listed
//   tolerance: X                    absolute tolerance (default 1e-9)
//   error: CODE TEXT                the options or Attribute fail with this
//                                   StatusCode name, the message containing
//                                   TEXT
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "attribution/attribution.h"

namespace baton {
namespace {

constexpr double kDayMs = 86400000.0;

struct Expectation {
  std::string model;
  std::string key;
  std::map<std::string, double> fields;
  int line = 0;
};

struct Case {
  std::map<std::string, std::string> options;
  std::vector<std::string> journeys;
  std::vector<std::string> paths;
  std::vector<Expectation> expects;
  bool has_total = false;
  double total_conversions = 0, total_revenue = 0;
  std::vector<std::string> warnings;
  double tolerance = 1e-9;
  std::string error_code, error_text;
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "0.25", "1/3", "-2e-3".
bool ParseNumber(const std::string& s, double* out) {
  size_t slash = s.find('/');
  try {
    size_t used = 0;
    if (slash == std::string::npos) {
      *out = std::stod(s, &used);
      return used == s.size();
    }
    size_t u1 = 0, u2 = 0;
    std::string a = s.substr(0, slash), b = s.substr(slash + 1);
    double num = std::stod(a, &u1), den = std::stod(b, &u2);
    *out = num / den;
    return u1 == a.size() && u2 == b.size();
  } catch (...) {
    return false;
  }
}

int64_t ParseDay(const std::string& s) {
  double d = 0;
  EXPECT_TRUE(ParseNumber(s, &d)) << "bad day \"" << s << "\"";
  return static_cast<int64_t>(std::llround(d * kDayMs));
}

// Splits "name@day".
bool SplitAt(const std::string& token, std::string* name, int64_t* at) {
  size_t p = token.rfind('@');
  if (p == std::string::npos) return false;
  *name = token.substr(0, p);
  *at = ParseDay(token.substr(p + 1));
  return true;
}

// Reads "k=v" words into fields.
void ReadFields(const std::vector<std::string>& words, size_t from,
                std::map<std::string, double>* fields,
                const std::string& where) {
  for (size_t i = from; i < words.size(); ++i) {
    size_t eq = words[i].find('=');
    double v = 0;
    ASSERT_NE(eq, std::string::npos) << where << ": expected field=value";
    ASSERT_TRUE(ParseNumber(words[i].substr(eq + 1), &v))
        << where << ": bad number in " << words[i];
    (*fields)[words[i].substr(0, eq)] = v;
  }
}

void ReadCase(const std::filesystem::path& file, Case* c) {
  std::ifstream in(file);
  ASSERT_TRUE(in) << "cannot read " << file;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where =
        file.filename().string() + ":" + std::to_string(n);
    size_t colon = line.find(':');
    ASSERT_NE(colon, std::string::npos) << where << ": expected directive:";
    const std::string directive = line.substr(0, colon);
    const std::string rest = Trim(line.substr(colon + 1));
    if (directive == "option") {
      size_t eq = rest.find('=');
      ASSERT_NE(eq, std::string::npos) << where;
      c->options[Trim(rest.substr(0, eq))] = Trim(rest.substr(eq + 1));
    } else if (directive == "model") {
      c->options["attribution.model"] = rest;
    } else if (directive == "journey") {
      c->journeys.push_back(rest);
    } else if (directive == "path") {
      c->paths.push_back(rest);
    } else if (directive == "expect") {
      std::vector<std::string> w = Words(rest);
      size_t named = 0;
      while (named < w.size() && w[named].find('=') == std::string::npos)
        ++named;
      ASSERT_TRUE(named == 1 || named == 2)
          << where << ": expect [model] key ...";
      Expectation e;
      e.line = n;
      e.model = named == 2 ? w[0] : "";
      e.key = w[named - 1];
      ReadFields(w, named, &e.fields, where);
      c->expects.push_back(e);
    } else if (directive == "total") {
      std::map<std::string, double> f;
      ReadFields(Words(rest), 0, &f, where);
      c->has_total = true;
      c->total_conversions = f["conversions"];
      c->total_revenue = f["revenue"];
    } else if (directive == "warning") {
      c->warnings.push_back(rest);
    } else if (directive == "tolerance") {
      ASSERT_TRUE(ParseNumber(rest, &c->tolerance)) << where;
    } else if (directive == "error") {
      size_t sp = rest.find(' ');
      c->error_code = rest.substr(0, sp);
      c->error_text = sp == std::string::npos ? "" : Trim(rest.substr(sp + 1));
    } else {
      FAIL() << where << ": unknown directive \"" << directive << "\"";
    }
  }
}

void AddJourney(Workspace* ws, int index, const std::string& text,
                const std::string& conversion_stage) {
  const std::string person = "p" + std::to_string(index);
  size_t arrow = text.find("->");
  ASSERT_NE(arrow, std::string::npos) << "journey without ->: " << text;
  const StageMap& map = ws->stage_map();
  auto stage = [&](const std::string& name, int64_t at) {
    StageRow row;
    row.person_id = person;
    row.stage = map.CodeOf(name);
    ASSERT_GE(row.stage, 0) << "unknown stage " << name;
    row.at = at;
    ASSERT_TRUE(ws->AddStage(row).ok());
  };
  int deals = 0;
  auto deal = [&](int64_t created, int64_t closed, double amount, bool won) {
    const std::string id = person + "-d" + std::to_string(++deals);
    DealRow row;
    row.deal_id = id;
    row.person_id = person;
    row.created_at = created;
    row.closed_at = closed;
    row.amount = amount;
    row.is_won = won;
    row.is_closed = won;
    ASSERT_TRUE(ws->AddDeal(row).ok());
  };
  // Each journey names its person even without touches.
  PersonRow p;
  p.person_id = person;
  ASSERT_TRUE(ws->AddPerson(p).ok());
  for (const std::string& token : Words(text.substr(0, arrow))) {
    std::string name;
    int64_t at = 0;
    ASSERT_TRUE(SplitAt(token, &name, &at)) << "bad token " << token;
    if (name == "lead") {
      stage("mql", at);
    } else if (name == "opp") {
      stage("opportunity", at);
    } else if (name.rfind("stage:", 0) == 0) {
      stage(name.substr(6), at);
    } else if (name == "deal") {
      deal(at, kNoTime, 0, false);
    } else if (name.rfind("wondeal:", 0) == 0) {
      double amount = 0;
      ASSERT_TRUE(ParseNumber(name.substr(8), &amount)) << token;
      deal(kNoTime, at, amount, true);
    } else {
      TouchRow t;
      t.person_id = person;
      t.at = at;
      if (name.rfind("sales:", 0) == 0) {
        t.side = Side::kSales;
        name = name.substr(6);
      }
      size_t slash = name.find('/');
      std::string channel = name.substr(0, slash);
      std::string campaign =
          slash == std::string::npos ? "" : name.substr(slash + 1);
      if (channel == "-") channel.clear();
      t.channel = channel;
      t.campaign = campaign;
      ASSERT_TRUE(ws->AddTouch(t).ok());
    }
  }
  std::vector<std::string> end = Words(text.substr(arrow + 2));
  ASSERT_FALSE(end.empty()) << "journey without an end: " << text;
  if (end[0] == "null") return;
  std::string what;
  int64_t at = 0;
  ASSERT_TRUE(SplitAt(end[0], &what, &at)) << "bad end " << end[0];
  std::map<std::string, double> fields;
  ReadFields(end, 1, &fields, text);
  if (what == "convert") {
    stage(conversion_stage, at);
    if (fields.count("value")) deal(kNoTime, at, fields["value"], true);
  } else if (what == "wondeal") {
    deal(kNoTime, at, fields["value"], true);
  } else {
    FAIL() << "bad end " << end[0];
  }
}

void AddPathRow(Workspace* ws, const std::string& text) {
  std::vector<std::string> words = Words(text);
  std::vector<std::string> channels;
  size_t i = 0;
  for (; i < words.size() && words[i].find('=') == std::string::npos; ++i)
    if (words[i] != ">") channels.push_back(words[i]);
  std::map<std::string, double> f;
  ReadFields(words, i, &f, text);
  std::vector<std::string_view> views(channels.begin(), channels.end());
  ASSERT_TRUE(ws->AddPath(views, f["conversions"], f["value"], f["nulls"]).ok())
      << text;
}

void RunCase(const std::filesystem::path& file) {
  Case c;
  ASSERT_NO_FATAL_FAILURE(ReadCase(file, &c));
  Result<AttributionOptions> options = ParseAttributionOptions(c.options);
  auto expect_error = [&](const Status& st) {
    EXPECT_EQ(StatusCodeName(st.code()), c.error_code);
    EXPECT_NE(st.message().find(c.error_text), std::string::npos)
        << st.message();
  };
  if (!options.ok() && !c.error_code.empty())
    return expect_error(options.status());
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  Workspace ws;
  for (size_t i = 0; i < c.journeys.size(); ++i)
    ASSERT_NO_FATAL_FAILURE(AddJourney(&ws, static_cast<int>(i + 1),
                                       c.journeys[i], options->conversion));
  for (const std::string& p : c.paths)
    ASSERT_NO_FATAL_FAILURE(AddPathRow(&ws, p));
  ASSERT_TRUE(ws.Freeze().ok());

  Result<Table> result = Attribute(ws, *options);
  if (!c.error_code.empty()) {
    ASSERT_FALSE(result.ok()) << "expected an error";
    return expect_error(result.status());
  }
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const Table& t = *result;
  ASSERT_TRUE(c.has_total) << "every case states its credited totals (total:)";

  // Rows by (model, key); sums per model.
  std::map<std::pair<std::string, std::string>, size_t> row_of;
  std::map<std::string, std::pair<double, double>> sums;
  std::set<std::string> models;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    const std::string model = t.column(0).strings[r],
                      key = t.column(1).strings[r];
    row_of[{model, key}] = r;
    models.insert(model);
    sums[model].first += t.column(2).doubles[r];
    sums[model].second += t.column(3).doubles[r];
  }
  for (const auto& [model, s] : sums) {
    EXPECT_NEAR(s.first, c.total_conversions, c.tolerance)
        << model << ": conversions do not sum to the credited total";
    EXPECT_NEAR(s.second, c.total_revenue,
                c.tolerance * std::max(1.0, c.total_revenue))
        << model << ": revenue does not sum to the credited total";
  }
  for (const Expectation& e : c.expects) {
    std::string model = e.model;
    if (model.empty()) {
      ASSERT_EQ(models.size(), 1u) << "line " << e.line << ": name the model";
      model = *models.begin();
    }
    auto it = row_of.find({model, e.key});
    ASSERT_NE(it, row_of.end())
        << "line " << e.line << ": no row " << model << " " << e.key;
    const size_t r = it->second;
    for (const auto& [field, want] : e.fields) {
      int col = t.ColumnIndex(field);
      ASSERT_GE(col, 2) << "line " << e.line << ": unknown field " << field;
      ASSERT_FALSE(t.IsNull(col, r))
          << "line " << e.line << ": " << field << " is null";
      EXPECT_NEAR(t.column(col).doubles[r], want, c.tolerance)
          << "line " << e.line << ": " << model << " " << e.key << " " << field;
    }
  }
  std::vector<bool> matched(t.warnings().size(), false);
  for (const std::string& w : c.warnings) {
    bool found = false;
    for (size_t i = 0; i < t.warnings().size(); ++i) {
      if (!matched[i] && t.warnings()[i].find(w) != std::string::npos) {
        matched[i] = found = true;
        break;
      }
    }
    EXPECT_TRUE(found) << "no warning contains \"" << w << "\"";
  }
  for (size_t i = 0; i < matched.size(); ++i)
    EXPECT_TRUE(matched[i]) << "unexpected warning: " << t.warnings()[i];
}

TEST(AttributionGolden, EveryCaseFileMatches) {
  const std::filesystem::path dir =
      std::filesystem::path(BATON_SOURCE_DIR) / "tests/golden/attribution";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 20u) << "golden cases missing in " << dir;
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    RunCase(f);
  }
}

}  // namespace
}  // namespace baton

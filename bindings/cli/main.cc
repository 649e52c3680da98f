// The `baton` command line: converts arguments, calls the C++ facade
// (baton.hpp, itself over the C ABI alone) and prints results. Every command
// therefore exercises the stable ABI. No analysis happens here.
//
// Exit codes: 0 success, 1 engine or data error, 2 usage error.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "baton/baton.hpp"

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A command's parsed arguments: positionals and --flag values.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> flags;
  std::vector<std::string> options;  // --option key=value, repeatable

  bool Has(const std::string& f) const { return flags.count(f) != 0; }
  std::string Get(const std::string& f, const std::string& fallback = "") const {
    auto it = flags.find(f);
    return it == flags.end() ? fallback : it->second;
  }
};

struct Command {
  const char* name;
  const char* summary;
  const char* usage;  // full help text
  std::set<std::string> value_flags;
  std::set<std::string> bool_flags;
  int min_positional;
  int max_positional;
  std::function<int(const Args&)> run;
};

Args Parse(const Command& cmd, int argc, char** argv, int first) {
  Args a;
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0 && s.size() > 2) {
      std::string name = s.substr(2), value;
      size_t eq = name.find('=');
      bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      if (name == "option" || cmd.value_flags.count(name)) {
        if (!inline_value) {
          if (i + 1 >= argc) throw UsageError("--" + name + " needs a value");
          value = argv[++i];
        }
        if (name == "option") a.options.push_back(value);
        else a.flags[name] = value;
      } else if (cmd.bool_flags.count(name)) {
        if (inline_value) throw UsageError("--" + name + " takes no value");
        a.flags[name] = "true";
      } else {
        throw UsageError("unknown option --" + name + " for `baton " + cmd.name +
                         "` (see baton " + cmd.name + " --help)");
      }
    } else {
      a.positional.push_back(s);
    }
  }
  int n = static_cast<int>(a.positional.size());
  if (n < cmd.min_positional)
    throw UsageError(std::string("`baton ") + cmd.name + "` needs " +
                     (cmd.min_positional == 1 ? "a SOURCE" : "more arguments") +
                     " (see baton " + cmd.name + " --help)");
  if (n > cmd.max_positional)
    throw UsageError("unexpected argument \"" + a.positional[cmd.max_positional] + "\"");
  return a;
}

baton::Options ConnectorOptions(const Args& a) {
  baton::Options o;
  for (const std::string& kv : a.options) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--option takes key=value, got \"" + kv + "\"");
    o.Set(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return o;
}

// Prints a progress line on stderr once work has taken more than a second.
class ProgressLine {
 public:
  ProgressLine() : start_(Clock::now()), tty_(isatty(STDERR_FILENO)) {}
  ~ProgressLine() { Finish(); }
  bool Update(double fraction, const std::string& phase) {
    auto now = Clock::now();
    if (now - start_ < std::chrono::seconds(1)) return false;
    if (!tty_ && shown_ && now - last_ < std::chrono::seconds(2) && phase == phase_)
      return false;
    char pct[16] = "";
    if (fraction >= 0) std::snprintf(pct, sizeof pct, " %3.0f%%", fraction * 100);
    std::fprintf(stderr, tty_ ? "\r\033[Kbaton: %s%s" : "baton: %s%s\n", phase.c_str(), pct);
    std::fflush(stderr);
    shown_ = true;
    last_ = now;
    phase_ = phase;
    return false;
  }
  void Finish() {
    if (shown_ && tty_) std::fprintf(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_, last_;
  bool tty_;
  bool shown_ = false;
  std::string phase_;
};

// Loads SOURCE and prints what was read (and which defaults were applied)
// on stderr, so stdout carries only the result.
baton::Workspace Load(const std::string& source, const Args& a) {
  baton::Workspace ws;
  ProgressLine progress;
  ws.set_progress([&](double f, const std::string& phase) { return progress.Update(f, phase); });
  ws.load(source, ConnectorOptions(a));
  ws.freeze();
  progress.Finish();
  ws.set_progress(nullptr);
  baton::Table info = ws.info();
  size_t kind = info.column_index("kind");
  for (size_t r = 0; r < info.num_rows(); ++r) {
    if (info.get_string(kind, r) == "load") {
      std::string rejects = info.get_string("rejects_file", r);
      std::fprintf(stderr, "baton: read %s: %lld rows -> %s (%lld accepted, %lld rejected%s%s)\n",
                   info.get_string("file", r).c_str(),
                   static_cast<long long>(info.get_int64("rows_read", r)),
                   info.get_string("table", r).c_str(),
                   static_cast<long long>(info.get_int64("rows_accepted", r)),
                   static_cast<long long>(info.get_int64("rows_rejected", r)),
                   rejects.empty() ? "" : "; rejects in ", rejects.c_str());
    } else {
      std::fprintf(stderr, "baton: note: %s\n", info.get_string("message", r).c_str());
    }
  }
  return ws;
}

void PrintWarnings(const baton::Table& t) {
  for (const std::string& w : t.warnings()) std::fprintf(stderr, "baton: warning: %s\n", w.c_str());
}

std::string Format(const Args& a) {
  std::string f = a.Get("format", "table");
  if (f != "table" && f != "csv" && f != "json")
    throw UsageError("--format must be table, csv or json, not \"" + f + "\"");
  return f;
}

baton::Options FunnelOptions(const Args& a) {
  baton::Options o;
  if (a.Has("by")) o.Set("funnel.by", a.Get("by"));
  if (a.Has("strict")) o.Set("funnel.strict", "true");
  if (a.Has("cohort")) o.Set("funnel.cohort", a.Get("cohort"));
  if (a.Has("within")) o.Set("funnel.within", a.Get("within"));
  return o;
}

int RunPlugins(const Args& a) {
  baton::Table t = baton::Plugins();
  std::string f = Format(a);
  std::cout << t.render(f);
  PrintWarnings(t);
  return 0;
}

int RunSample(const Args& a) {
  if (!a.Has("out")) throw UsageError("`baton sample` needs --out DIR");
  baton::Options o;
  if (a.Has("people")) o.Set("sample.people", a.Get("people"));
  if (a.Has("seed")) o.Set("sample.seed", a.Get("seed"));
  if (a.Has("months")) o.Set("sample.months", a.Get("months"));
  baton::WriteSample(a.Get("out"), o);
  std::fprintf(stderr, "baton: wrote the sample data and its mapping %s/sample.toml\n",
               a.Get("out").c_str());
  return 0;
}

int RunFunnel(const Args& a) {
  std::string format = Format(a);
  baton::Options o = FunnelOptions(a);
  baton::Workspace ws = Load(a.positional[0], a);
  baton::Table t = ws.funnel(o);
  std::cout << t.render(format);
  PrintWarnings(t);
  return 0;
}

int RunAttribution(const Args& a) {
  std::string format = Format(a);
  baton::Options o;
  static const char* const kPassThrough[][2] = {
      {"model", "attribution.model"},         {"order", "attribution.order"},
      {"by", "attribution.by"},               {"conversion", "attribution.conversion"},
      {"lookback", "attribution.lookback"},   {"half-life", "attribution.half_life"},
      {"weights", "attribution.weights"},     {"value", "attribution.value"}};
  for (const auto& p : kPassThrough)
    if (a.Has(p[0])) o.Set(p[1], a.Get(p[0]));
  if (a.Has("include-sales")) o.Set("attribution.include_sales", "true");
  baton::Workspace ws = Load(a.positional[0], a);
  baton::Table t = a.Has("transitions") ? ws.markov_transitions(o) : ws.attribution(o);
  std::cout << t.render(format);
  PrintWarnings(t);
  return 0;
}

// Prints an analysis's table; flags map one-to-one to options.
int RunTable(const Args& a, const std::vector<std::pair<const char*, const char*>>& flags,
             const std::function<baton::Table(const baton::Workspace&, const baton::Options&)>& run,
             baton::Options o = {}) {
  std::string format = Format(a);
  for (const auto& [flag, key] : flags)
    if (a.Has(flag)) o.Set(key, a.Get(flag));
  baton::Workspace ws = Load(a.positional[0], a);
  baton::Table t = run(ws, o);
  std::cout << t.render(format);
  PrintWarnings(t);
  return 0;
}

int RunHandoff(const Args& a) {
  if (a.Has("reasons") && a.Has("by-response"))
    throw UsageError("give --reasons or --by-response, not both");
  return RunTable(a, {{"by", "handoff.by"}, {"stage", "handoff.stage"}, {"sla", "handoff.sla"},
                      {"leak-after", "handoff.leak_after"}},
                  [&](const baton::Workspace& ws, const baton::Options& o) {
                    if (a.Has("reasons")) return ws.handoff_reasons(o);
                    if (a.Has("by-response")) return ws.handoff_by_response(o);
                    return ws.handoff(o);
                  });
}

int RunSpend(const Args& a) {
  return RunTable(a, {{"by", "spend.by"}, {"model", "spend.model"}},
                  [](const baton::Workspace& ws, const baton::Options& o) { return ws.spend(o); });
}

int RunDeals(const Args& a) {
  return RunTable(a, {{"by", "deals.by"}},
                  [](const baton::Workspace& ws, const baton::Options& o) { return ws.deals(o); });
}

// The scorecard's targets come from --config, else from the mapping file
// itself when it has a [scorecard] table.
std::string ScorecardConfig(const Args& a) {
  if (a.Has("config")) return a.Get("config");
  const std::string& source = a.positional[0];
  if (source.size() > 5 && source.compare(source.size() - 5, 5, ".toml") == 0) return source;
  throw UsageError("give the targets with --config baton.toml (a file with a [scorecard] table)");
}

int RunScorecard(const Args& a) {
  baton::Options o;
  o.Set("scorecard.config", ScorecardConfig(a));
  return RunTable(a, {},
                  [](const baton::Workspace& ws, const baton::Options& opts) {
                    return ws.scorecard(opts);
                  },
                  o);
}

int RunScore(const Args& a) {
  std::string format = Format(a);
  baton::Options o;
  static const char* const kPassThrough[][2] = {
      {"as-of", "scoring.as_of"},       {"label", "scoring.label"},
      {"within", "scoring.within"},     {"l2", "scoring.l2"},
      {"capacity", "scoring.capacity"}, {"test-after", "scoring.test_after"},
      {"features", "scoring.features"}, {"class-weight", "scoring.class_weight"},
      {"folds", "scoring.folds"},       {"crm", "scoring.crm"},
      {"property", "scoring.property"}};
  for (const auto& p : kPassThrough)
    if (a.Has(p[0])) o.Set(p[1], a.Get(p[0]));
  if ((a.Has("crm") || a.Has("property")) && !a.Has("out"))
    throw UsageError("--crm and --property choose the columns of --out; add --out scores.csv");
  baton::Workspace ws = Load(a.positional[0], a);
  std::vector<const char*> outputs = {"summary", "coefficients", "threshold"};
  if (a.Has("folds")) outputs.push_back("folds");
  for (const char* output : outputs) {
    baton::Options oo = o;
    oo.Set("scoring.output", output);
    baton::Table t = ws.score(oo);
    if (format == "table") std::cout << "# " << output << "\n";
    std::cout << t.render(format);
    if (format == "table") std::cout << "\n";
    if (std::string(output) == "summary") PrintWarnings(t);
  }
  if (a.Has("out")) {
    baton::Options oo = o;
    oo.Set("scoring.output", "writeback");
    ws.score(oo).write("csv:" + a.Get("out"));  // the csv connector renames into place
    std::fprintf(stderr, "baton: wrote the scores (%s columns) to %s\n",
                 a.Has("crm") ? a.Get("crm").c_str() : "baton", a.Get("out").c_str());
  }
  return 0;
}

int RunReport(const Args& a) {
  if (!a.Has("out"))
    throw UsageError("`baton report` needs --out report.html (or --out report.xlsx)");
  baton::Options o = FunnelOptions(a);
  if (!a.Has("by")) o.Set("funnel.by", "source");
  if (a.Has("title")) o.Set("report.title", a.Get("title"));
  const std::string& source = a.positional[0];
  if (a.Has("config")) {
    o.Set("scorecard.config", a.Get("config"));
  } else if (source.size() > 5 && source.compare(source.size() - 5, 5, ".toml") == 0) {
    o.Set("scorecard.config", source);  // the mapping's own [scorecard], if any
  }
  baton::Workspace ws = Load(a.positional[0], a);
  if (a.Has("print")) {
    baton::Table t = ws.funnel(baton::Options{{"funnel.by", ""}});
    std::cout << t.render("table");
  }
  ws.report(a.Get("out"), o);
  std::fprintf(stderr, "baton: wrote %s\n", a.Get("out").c_str());
  return 0;
}

// Incremental load into a saved workspace; prints what changed per table.
int RunSync(const Args& a) {
  if (!a.Has("into")) throw UsageError("`baton sync` needs --into FILE.baton");
  std::string format = Format(a);
  auto options = ConnectorOptions(a).ToC();
  baton_table* raw = nullptr;
  baton::detail::Check(baton_sync(a.positional[0].c_str(), a.Get("into").c_str(),
                                  a.Get("since").c_str(), options.get(), &raw));
  baton::Table t(raw);
  std::cout << t.render(format);
  PrintWarnings(t);
  std::fprintf(stderr, "baton: saved %s\n", a.Get("into").c_str());
  return 0;
}

const char* kSourceHelp =
    "SOURCE is a mapping file (*.toml, read by the csv connector, or by the xlsx\n"
    "connector when it names workbooks), a workbook (*.xlsx, *.ods) with sheets\n"
    "named People, Touches, Stages, Deals, Spend, or NAME:LOCATION\n"
    "for a named connector (see `baton plugins`), or a saved workspace (*.baton,\n"
    "written by `baton sync`). Connector options: --option KEY=VALUE.\n";

std::vector<Command> Commands() {
  return {
      {"plugins", "list the connector plugins found",
       "usage: baton plugins [--format table|csv|json]\n\n"
       "Lists the connectors loaded from BATON_PLUGIN_PATH and the install's plugin\n"
       "folder, with their versions and ABI. Plugin files that were refused are\n"
       "listed as warnings on stderr.\n",
       {"format"}, {}, 0, 0, RunPlugins},
      {"sync", "read what changed in a source into a saved workspace (*.baton)",
       "usage: baton sync SOURCE --into FILE.baton [--since TIME|auto]\n"
       "                         [--format table|csv|json]\n\n"
       "Reads SOURCE and merges it into FILE.baton (created when absent) without\n"
       "duplicating rows, then saves FILE.baton atomically. Prints one row per table:\n"
       "table, added, replaced, unchanged (for touches and stages: duplicates\n"
       "dropped), rows (held after the sync). Keys: people by person_id (non-empty\n"
       "fields of the new record replace), deals by deal_id, spend by (channel,\n"
       "campaign, period), touches by (person, time, channel, campaign, side,\n"
       "activity), stages by (person, stage, time).\n"
       "  --since TIME  read only rows modified at or after TIME (the connector's\n"
       "                option since: Salesforce SystemModstamp, HubSpot Last Modified\n"
       "                Date, the csv mapping's modified_at)\n"
       "  --since auto  since the last sync of this SOURCE into FILE (everything the\n"
       "                first time)\n"
       "Every command reads FILE.baton as its SOURCE.\n",
       {"into", "since", "format"}, {}, 1, 1, RunSync},
      {"sample", "write the sample B2B dataset and its mapping",
       "usage: baton sample --out DIR [--people N] [--seed S] [--months M]\n\n"
       "Writes a deterministic, realistic B2B dataset (people, touches, stages,\n"
       "deals, spend as CSV) and DIR/sample.toml, the mapping that reads it.\n"
       "  --people N   people to generate (default 20000)\n"
       "  --seed S     random seed (default 42); the same seed gives the same bytes\n"
       "  --months M   months of history ending 2025-12-31 (default 18)\n",
       {"out", "people", "seed", "months"}, {}, 0, 0, RunSample},
      {"funnel", "the demand waterfall: reach, conversion and velocity per stage",
       "usage: baton funnel SOURCE [--by FIELD] [--strict] [--cohort month]\n"
       "                           [--within 90d] [--format table|csv|json]\n\n"
       "One row per segment and funnel stage: segment, stage, reached, next_stage,\n"
       "advanced, rate_to_next, won, rate_to_won, median_days_to_next, p90_days_to_next.\n"
       "  --by FIELD     source, campaign (of the first touch), owner, or a people\n"
       "                 attribute; missing values form the segment (none)\n"
       "  --strict       count recorded stages only (default: a later stage implies\n"
       "                 the skipped ones)\n"
       "  --cohort month split by month of entering the first stage\n"
       "  --within DUR   count advancing and winning only within DUR (90d, 24h, 2w)\n"
       "  --format F     table (default), csv or json\n",
       {"by", "cohort", "within", "format"}, {"strict"}, 1, 1, RunFunnel},
      {"attribution", "multi-touch attribution of conversions and revenue",
       "usage: baton attribution SOURCE [--model NAME[,NAME...]|all] [--order k|auto]\n"
       "       [--by channel|campaign] [--conversion STAGE] [--lookback 90d]\n"
       "       [--include-sales] [--half-life 7d] [--weights F,B,L]\n"
       "       [--value conversions|rate] [--transitions] [--format table|csv|json]\n\n"
       "One row per (model, key): model, key, conversions, revenue, removal_effect.\n"
       "A conversion is a person's first entry into --conversion (default won, which a\n"
       "won deal also reaches); revenue is the amount of the person's won deals. The\n"
       "touches credited are the person's marketing touches (and sales touches with\n"
       "--include-sales) at or before the conversion, within --lookback.\n"
       "Models and their weights:\n"
       "  first            100% to the first touch\n"
       "  last             100% to the last touch\n"
       "  last_non_direct  100% to the last touch whose channel is not direct\n"
       "  linear           equal shares\n"
       "  time_decay       weight 2^(-age/half-life), age from the conversion\n"
       "  u_shaped         40% first, 40% last, 20% over the touches between\n"
       "  j_shaped         20% first, 60% last, 20% between\n"
       "  inverse_j        60% first, 20% last, 20% between\n"
       "  w_shaped         30% first, 30% lead creation, 30% opportunity creation,\n"
       "                   10% over the others\n"
       "  full_path        22.5% each to first, lead creation, opportunity creation and\n"
       "                   closed-won touches, 10% over the others\n"
       "  position         --weights first,between,last\n"
       "  markov           removal effects of an absorbing Markov chain of --order k,\n"
       "                   solved exactly (no simulation)\n"
       "  shapley          exact Shapley values (--value conversions: v(S) = conversions\n"
       "                   of journeys whose channels all lie in S; rate: conversion rate\n"
       "                   of journeys with exactly the channels S)\n"
       "  --transitions    print the Markov chain (from, to, probability) instead\n",
       {"model", "order", "by", "conversion", "lookback", "half-life", "weights", "value",
        "format"},
       {"include-sales", "transitions"}, 1, 1, RunAttribution},
      {"handoff", "the hand-off: response time, SLA, leakage, acceptance, reasons",
       "usage: baton handoff SOURCE [--by FIELD] [--stage mql] [--sla 24h]\n"
       "                            [--leak-after 30d] [--reasons | --by-response]\n"
       "                            [--format table|csv|json]\n\n"
       "One row per segment: segment, handed_off, worked, response_median_hours,\n"
       "response_p90_hours, within_sla, sla_rate, leaked, accepted, rejected,\n"
       "acceptance_rate, recycled, won, rate_to_won.\n"
       "  A hand-off is an entry into --stage (default mql). worked: followed by a sales\n"
       "  touch; response time: to that first sales touch; within_sla: worked within\n"
       "  --sla (exactly at it counts); sla_rate = within_sla / handed_off; leaked: no\n"
       "  sales touch and no later stage within --leak-after (only hand-offs that old);\n"
       "  accepted / rejected / recycled: the next disposition after the hand-off.\n"
       "  --reasons      rejection reasons per segment: segment, reason, rejected, share\n"
       "  --by-response  conversion to won by response bucket (<1h, 1-4h, 4-24h, 1-3d,\n"
       "                 >3d, never): segment, bucket, handed_off, won, rate_to_won\n",
       {"by", "stage", "sla", "leak-after", "format"}, {"reasons", "by-response"}, 1, 1,
       RunHandoff},
      {"spend", "spend efficiency: cost per stage, CAC and ROI",
       "usage: baton spend SOURCE [--by channel|campaign] [--model first]\n"
       "                          [--format table|csv|json]\n\n"
       "key, spend, people, mqls, sqls, won_deals, revenue, cost_per_lead, cost_per_mql,\n"
       "cost_per_sql, cac, roi. People belong to the channel (campaign) of their first\n"
       "marketing touch; revenue is credited by --model (any attribution model,\n"
       "default first); ROI = (revenue - spend) / spend; rates with a zero\n"
       "denominator are empty.\n",
       {"by", "model", "format"}, {}, 1, 1, RunSpend},
      {"deals", "pipeline and sales outcomes per owner, source, campaign or attribute",
       "usage: baton deals SOURCE [--by FIELD] [--format table|csv|json]\n\n"
       "key, deals, open, won, lost, win_rate, won_amount, avg_won_amount,\n"
       "median_cycle_days, pipeline_open_amount. --by owner, source, campaign or a\n"
       "people attribute (deals without a person take it from the person whose id is\n"
       "the deal's owner, e.g. a sales team file mapped as people).\n",
       {"by", "format"}, {}, 1, 1, RunDeals},
      {"scorecard", "the shared KPIs against their targets, per period",
       "usage: baton scorecard SOURCE [--config baton.toml] [--format table|csv|json]\n\n"
       "kpi, metric, period, value, target, ratio, previous, trend, status for each KPI\n"
       "of the [scorecard] table in --config (default: the mapping file itself).\n"
       "status: on_track at or above target, at_risk within 10% below, off_track below\n"
       "(reversed for lower_is_better KPIs). See the README for the metric names.\n",
       {"config", "format"}, {}, 1, 1, RunScorecard},
      {"score", "lead scoring learned from sales outcomes, with the capacity threshold",
       "usage: baton score SOURCE [--as-of mql|created|DATE] [--label sql|won]\n"
       "                          [--within 90d] [--l2 1.0] [--capacity 200/week]\n"
       "                          [--test-after DATE] [--features a,b*] [--class-weight balanced]\n"
       "                          [--folds 5] [--out scores.csv [--crm salesforce|hubspot|baton]\n"
       "                          [--property baton_score]] [--format table|csv|json]\n\n"
       "Scores each person as of --as-of (default: the hand-off, mql) with features\n"
       "known then (touches per channel and activity in the last 7/30/90 days, recency,\n"
       "source, first campaign, attributes), labelled by reaching --label within\n"
       "--within. An L2 logistic regression is fitted on the older people and evaluated\n"
       "on the newer. Prints the evaluation (AUC, log loss, Brier), the coefficients as\n"
       "odds ratios, and the score cut-off that fills --capacity next to today's rule;\n"
       "--out writes every person's score as CSV.\n"
       "  --folds K      also K-fold cross-validation (AUC, log loss, Brier per fold,\n"
       "                 mean and sd); a person's fold is a hash of its id\n"
       "  --crm NAME     columns of --out: salesforce (Id,Lead_Score__c), hubspot\n"
       "                 (Record ID,<--property>), baton (default: person_id, score,\n"
       "                 label, top features); CRM scores are 0-100 with one decimal\n"
       "  --property P   the HubSpot contact property to fill (required for hubspot)\n"
       "The file is written to a temporary name and renamed into place.\n",
       {"as-of", "label", "within", "l2", "capacity", "test-after", "features",
        "class-weight", "out", "format", "folds", "crm", "property"},
       {}, 1, 1, RunScore},
      {"report", "write the alignment report (HTML or XLSX)",
       "usage: baton report SOURCE --out report.html [--by FIELD] [--title TEXT] [--print]\n"
       "       baton report SOURCE --out report.xlsx [...]\n\n"
       "Runs every analysis the data supports (scorecard, funnel, hand-off,\n"
       "attribution, spend, deals) and writes one self-contained HTML file (no\n"
       "network needed to view it), or, when --out ends in .xlsx, an Excel\n"
       "workbook with one sheet per analysis, formatted tables and native charts.\n"
       "  --by FIELD   segment of the funnel tables (default source)\n"
       "  --title T    the report's title\n"
       "  --config F   the [scorecard] targets (default: the mapping file itself)\n"
       "  --print      also print the overall funnel on stdout\n",
       {"out", "by", "title", "cohort", "within", "config"}, {"print", "strict"}, 1, 1,
       RunReport},
  };
}

void PrintHelp(const std::vector<Command>& cmds) {
  std::printf(
      "baton %s: one set of numbers for sales and marketing\n\n"
      "usage: baton COMMAND [ARGS] (baton COMMAND --help for details)\n\ncommands:\n",
      baton::Version().c_str());
  for (const auto& c : cmds) std::printf("  %-9s %s\n", c.name, c.summary);
  std::printf("\n%s", kSourceHelp);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Command> cmds = Commands();
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    PrintHelp(cmds);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("baton %s (ABI %u.%u)\n", baton::Version().c_str(), baton::AbiVersion() >> 16,
                baton::AbiVersion() & 0xffff);
    return 0;
  }
  for (const auto& cmd : cmds) {
    if (cmd.name != std::string(argv[1])) continue;
    for (int i = 2; i < argc; ++i) {
      if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
        std::printf("%s", cmd.usage);
        if (cmd.max_positional > 0) std::printf("\n%s", kSourceHelp);
        return 0;
      }
    }
    try {
      Args a = Parse(cmd, argc, argv, 2);
      return cmd.run(a);
    } catch (const UsageError& e) {
      std::fprintf(stderr, "baton: %s\n", e.what());
      return 2;
    } catch (const baton::Error& e) {
      std::fprintf(stderr, "baton: error: %s\n", e.what());
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "baton: error: %s\n", e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "baton: unknown command \"%s\" (see baton --help)\n", argv[1]);
  return 2;
}

// The C# binding's checks, the same as tests/java: figures equal the CLI's
// on the sample and the Olist data (and the Olist README's totals), every
// error path raises the documented exception with the engine's message,
// closed objects raise, a thousand workspaces leave no native growth, and
// non-ASCII text round-trips. Environment (set by ctest): BATON_CLI,
// BATON_DATA (the shared datasets), BATON_SCRATCH, BATON_PLUGIN_PATH.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace Baton.Tests {

public static class BindingTests {
  const long Day = 86400000L;
  static string scratch;

  static string Env(string name) {
    string value = Environment.GetEnvironmentVariable(name);
    if (string.IsNullOrEmpty(value)) throw new CheckFailed(name + " is not set (ctest sets it)");
    return value;
  }

  static string Scratch(string name) {
    string dir = Path.Combine(scratch, name);
    if (Directory.Exists(dir)) Directory.Delete(dir, true);
    Directory.CreateDirectory(dir);
    return dir;
  }

  // ---- Helpers: the CLI, CSV, table comparison, RSS ------------------------

  static string RunCli(params string[] args) {
    var info = new ProcessStartInfo(Env("BATON_CLI")) {
      UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
      StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
      Arguments = string.Join(" ", args.Select(a => "\"" + a + "\"")),
    };
    using (var p = Process.Start(info)) {
      Task<string> err = p.StandardError.ReadToEndAsync();
      string output = p.StandardOutput.ReadToEnd();
      p.WaitForExit();
      Check.Equal(0, p.ExitCode, "baton " + info.Arguments + ": " + err.Result);
      return output;
    }
  }

  // RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines.
  static List<List<string>> ParseCsv(string text) {
    var rows = new List<List<string>>();
    var row = new List<string>();
    var field = new StringBuilder();
    bool quoted = false, any = false;
    for (int i = 0; i < text.Length; ++i) {
      char c = text[i];
      if (quoted) {
        if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); ++i; }
        else if (c == '"') quoted = false;
        else field.Append(c);
      } else if (c == '"') {
        quoted = true; any = true;
      } else if (c == ',') {
        row.Add(field.ToString()); field.Clear(); any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') ++i;
        if (any || field.Length > 0) { row.Add(field.ToString()); rows.Add(row); }
        row = new List<string>(); field.Clear(); any = false;
      } else {
        field.Append(c); any = true;
      }
    }
    if (any || field.Length > 0) { row.Add(field.ToString()); rows.Add(row); }
    return rows;
  }

  static double ParseDouble(string s) {
    switch (s) {
      case "nan": return double.NaN;
      case "inf": return double.PositiveInfinity;
      case "-inf": return double.NegativeInfinity;
      default: return double.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
    }
  }

  // The table holds exactly the CLI's CSV. The CLI prints numbers in
  // shortest round-trip form, so doubles must be equal; "" is a null cell.
  static void SameAsCsv(List<List<string>> csv, Table t) {
    Check.Equal(string.Join(",", csv[0]), string.Join(",", t.ColumnNames), "columns");
    Check.Equal(csv.Count - 1, t.NumRows(), "rows");
    for (int r = 0; r < t.NumRows(); ++r) {
      for (int c = 0; c < t.NumColumns(); ++c) {
        string expected = csv[r + 1][c];
        string where = t.ColumnName(c) + " row " + r;
        ColumnType type = t.ColumnType(c);
        if (type == ColumnType.String) Check.Equal(expected, t.GetString(c, r), where);
        else if (expected.Length == 0) Check.True(t.IsNull(c, r), where + " should be null");
        else if (type == ColumnType.Float64) Check.Near(ParseDouble(expected), t.GetDouble(c, r), 0.0, where);
        else Check.Equal(long.Parse(expected), t.GetLong(c, r), where);
      }
    }
  }

  static int RowOf(Table t, string column, string value) {
    for (int r = 0; r < t.NumRows(); ++r)
      if (t.GetString(column, r) == value) return r;
    throw new CheckFailed("no row with " + column + " = " + value + " in\n" + t.Render("table"));
  }

  static long DataLines(string csvPath) {
    return ParseCsv(File.ReadAllText(csvPath, Encoding.UTF8)).Count - 1;
  }

  static long ResidentKb() {
    foreach (string line in File.ReadAllLines("/proc/self/status"))
      if (line.StartsWith("VmRSS:")) return long.Parse(new string(line.Where(char.IsDigit).ToArray()));
    throw new CheckFailed("no VmRSS in /proc/self/status");
  }

  // p1 inquiry -> mql (1 s later) -> won (day 3); p2 inquiry -> mql (4 s); p3 inquiry.
  static Workspace Small() {
    return new Workspace()
        .AddPerson("p1").AddPerson("p2").AddPerson("p3")
        .AddStage("p1", "inquiry", 1000).AddStage("p1", "mql", 2000).AddStage("p1", "won", 3 * Day)
        .AddStage("p2", "inquiry", 1000).AddStage("p2", "mql", 5000)
        .AddStage("p3", "inquiry", 1000);
  }

  static string WriteSample(string name, string people, string seed = "42") {
    string folder = Scratch(name);
    using (var o = new Options { { "sample.people", people }, { "sample.seed", seed } })
      Engine.WriteSample(folder, o);
    return Path.Combine(folder, "sample.toml");
  }

  // ---- Figures -------------------------------------------------------------

  static void SampleEqualsCli() {
    string toml = WriteSample("figures", "2000", "7");
    string folder = Path.GetDirectoryName(toml);
    using (var ws = new Workspace().Load(toml)) {
      foreach (string table in new[] { "people", "touches", "stages", "deals", "spend" })
        Check.Equal(DataLines(Path.Combine(folder, table + ".csv")), ws.RowCount(table), table);
      Check.Equal(2000L, ws.RowCount("people"), "people");

      using (Table t = ws.Funnel(new Options { { "funnel.by", "source" } })) {
        Check.Equal(ColumnType.Int64, t.ColumnType("reached"), "reached type");
        Check.Equal(ColumnType.Float64, t.ColumnType("rate_to_next"), "rate type");
        SameAsCsv(ParseCsv(RunCli("funnel", toml, "--by", "source", "--format", "csv")), t);
      }
      using (Table t = ws.Analyze("funnel", new Options { { "funnel.by", "campaign" },
                                                           { "funnel.strict", "true" },
                                                           { "funnel.within", "90d" } }))
        SameAsCsv(ParseCsv(RunCli("funnel", toml, "--by", "campaign", "--strict", "--within",
                                  "90d", "--format", "csv")), t);
      using (Table t = ws.Attribution())
        SameAsCsv(ParseCsv(RunCli("attribution", toml, "--format", "csv")), t);
      using (Table t = ws.MarkovTransitions())
        SameAsCsv(ParseCsv(RunCli("attribution", toml, "--transitions", "--format", "csv")), t);
      using (Table t = ws.Handoff(new Options { { "handoff.by", "source" } }))
        SameAsCsv(ParseCsv(RunCli("handoff", toml, "--by", "source", "--format", "csv")), t);
      using (Table t = ws.HandoffReasons())
        SameAsCsv(ParseCsv(RunCli("handoff", toml, "--reasons", "--format", "csv")), t);
      using (Table t = ws.HandoffByResponse())
        SameAsCsv(ParseCsv(RunCli("handoff", toml, "--by-response", "--format", "csv")), t);
      using (Table t = ws.Spend(new Options { { "spend.by", "campaign" } }))
        SameAsCsv(ParseCsv(RunCli("spend", toml, "--by", "campaign", "--format", "csv")), t);
      using (Table t = ws.Deals(new Options { { "deals.by", "owner" } }))
        SameAsCsv(ParseCsv(RunCli("deals", toml, "--by", "owner", "--format", "csv")), t);
      // The sample's mapping carries its own [scorecard] targets.
      using (Table t = ws.Scorecard(new Options { { "scorecard.config", toml } })) {
        SameAsCsv(ParseCsv(RunCli("scorecard", toml, "--format", "csv")), t);
        Check.True(t.NumRows() > 0, "the sample's KPIs");
      }
    }
  }

  static void OlistEqualsCliAndReadme() {
    string data = Path.Combine(Env("BATON_DATA"), "olist_marketing_funnel");
    string leads = Path.Combine(data, "olist_marketing_qualified_leads_dataset.csv");
    string deals = Path.Combine(data, "olist_closed_deals_dataset.csv");
    string mapping = Path.Combine(Scratch("olist"), "olist.toml");
    File.WriteAllText(mapping, string.Join("\n",
        "[[people]]", "file = \"" + leads + "\"", "person_id = \"mql_id\"",
        "created_at = \"first_contact_date\"", "source = \"origin\"",
        "attributes = [\"landing_page_id\"]", "",
        "[[stages]]", "file = \"" + leads + "\"", "person_id = \"mql_id\"",
        "at = \"first_contact_date\"", "stage = { value = \"mql\" }", "",
        "[[stages]]", "file = \"" + deals + "\"", "person_id = \"mql_id\"",
        "at = \"won_date\"", "stage = { value = \"won\" }", ""));
    using (var ws = new Workspace().Load(mapping)) {
      using (Table t = ws.Funnel(new Options { { "funnel.by", "source" } })) {
        SameAsCsv(ParseCsv(RunCli("funnel", mapping, "--by", "source", "--format", "csv")), t);
        Check.Equal(22, t.NumRows(), "ten origins and (none), two stages each");
      }
      using (Table t = ws.Funnel()) {
        // The README: 8,000 MQLs, 842 of them closed.
        Check.Equal("mql", t.GetString("stage", 0), "first stage");
        Check.Equal(8000L, t.GetLong("reached", 0), "MQLs");
        Check.Equal(842L, t.GetLong("advanced", 0), "closed deals");
        Check.Near(842.0 / 8000.0, t.GetDouble("rate_to_next", 0), 1e-12, "rate");
        Check.Equal(842L, t.GetLong("reached", 1), "won");
        Check.True(t.IsNull("advanced", 1), "won is the last stage");
        Check.True(t.Warnings.Any(w => w.Contains("negative")), "the deal won before its contact");
      }
    }
  }

  static void AppendedFunnelMatchesHandCount() {
    // Reached: inquiry 3, mql 2, won 1. inquiry -> mql: 2 of 3, in 1 s and
    // 4 s: median 2.5 s, p90 1 + 0.9 * 3 = 3.7 s (linear rule).
    using (var ws = Small())
    using (Table t = ws.Funnel()) {
      Check.Equal(3, t.NumRows(), "rows");
      Check.Equal(3L, t.GetLong("reached", 0), "inquiry");
      Check.Equal(2L, t.GetLong("advanced", 0), "to mql");
      Check.Near(2.0 / 3.0, t.GetDouble("rate_to_next", 0), 1e-15, "rate");
      Check.Near(1.0 / 3.0, t.GetDouble("rate_to_won", 0), 1e-15, "to won");
      Check.Near(2500.0 / Day, t.GetDouble("median_days_to_next", 0), 1e-15, "median");
      Check.Near(3700.0 / Day, t.GetDouble("p90_days_to_next", 0), 1e-15, "p90");
      Check.Near((3 * Day - 2000) / (double)Day, t.GetDouble("median_days_to_next", 1), 1e-12, "mql days");
      Check.Equal("", t.GetString("next_stage", 2), "the last stage has none");
      Check.Equal("funnel", t.Name(), "name");
    }
  }

  static void HandoffSpendAndDealsMatchHandCount() {
    const long Hour = 3600000L;
    // Three MQLs on day 1. p1: called after 2 h, accepted, won (deal d1,
    // 1000, created day 5, won day 10). p2: emailed after 30 h, rejected for
    // "no budget", open deal d2 of 400. p3: never worked. Spend: 600 on
    // search (p1, p2's first touch), 300 on social (p3's).
    using (var ws = new Workspace()) {
      ws.AddPerson("p1").AddPerson("p2").AddPerson("p3")
        .AddTouch("p1", 0, "search").AddTouch("p2", 0, "search").AddTouch("p3", 0, "social")
        .AddStage("p1", "mql", Day).AddTouch("p1", Day + 2 * Hour, "", "", "sales", "call")
        .AddStage("p1", "sal", Day + 3 * Hour, "accepted").AddStage("p1", "won", 10 * Day)
        .AddStage("p2", "mql", Day).AddTouch("p2", Day + 30 * Hour, "", "", "sales", "email")
        .AddStage("p2", "rejected", Day + 31 * Hour, "rejected", "no budget")
        .AddStage("p3", "mql", Day)
        .AddDeal("d1", "acme", "p1", 5 * Day, 10 * Day, 1000.0, "EUR", "won", 1, 1, "alice")
        .AddDeal("d2", "beta", "p2", 5 * Day, Engine.NoTime, 400.0, "EUR", "opportunity", 0, 0, "alice")
        .AddSpend("search", "", 0, 30 * Day, 600.0, "EUR")
        .AddSpend("social", "", 0, 30 * Day, 300.0, "EUR");
      using (Table t = ws.Handoff()) {
        // Responses 2 h and 30 h: median 16 h, p90 2 + 0.9 * 28 = 27.2 h; one
        // of three within the 24 h SLA; 1 accepted, 1 rejected; 1 won.
        Check.Equal(3L, t.GetLong("handed_off", 0), "handed off");
        Check.Equal(2L, t.GetLong("worked", 0), "worked");
        Check.Near(16.0, t.GetDouble("response_median_hours", 0), 1e-9, "median");
        Check.Near(27.2, t.GetDouble("response_p90_hours", 0), 1e-9, "p90");
        Check.Equal(1L, t.GetLong("within_sla", 0), "within SLA");
        Check.Near(1.0 / 3.0, t.GetDouble("sla_rate", 0), 1e-12, "SLA rate");
        Check.Near(0.5, t.GetDouble("acceptance_rate", 0), 1e-12, "acceptance");
        Check.Near(1.0 / 3.0, t.GetDouble("rate_to_won", 0), 1e-12, "to won");
      }
      using (Table t = ws.HandoffReasons()) {
        Check.Equal("no budget", t.GetString("reason", 0), "reason");
        Check.Near(1.0, t.GetDouble("share", 0), 0.0, "share");
      }
      using (Table t = ws.HandoffByResponse()) {
        Check.Equal(1L, t.GetLong("won", RowOf(t, "bucket", "1-4h")), "p1 won");
        Check.Equal(1L, t.GetLong("handed_off", RowOf(t, "bucket", "1-3d")), "p2");
        Check.Equal(1L, t.GetLong("handed_off", RowOf(t, "bucket", "never")), "p3");
      }
      using (Table t = ws.Spend()) {
        // search: 600 for 2 leads, 1 SQL, 1 won deal of 1000: ROI 400 / 600.
        int search = RowOf(t, "key", "search");
        Check.Near(300.0, t.GetDouble("cost_per_lead", search), 1e-9, "cost per lead");
        Check.Near(600.0, t.GetDouble("cac", search), 1e-9, "CAC");
        Check.Near(400.0 / 600.0, t.GetDouble("roi", search), 1e-12, "ROI");
        int social = RowOf(t, "key", "social");
        Check.True(t.IsNull("cac", social), "no won deal: no CAC");
        Check.Near(-1.0, t.GetDouble("roi", social), 1e-12, "social ROI");
      }
      using (Table t = ws.Deals()) {
        Check.Equal(2L, t.GetLong("deals", 0), "deals");
        Check.Equal(1L, t.GetLong("open", 0), "open");
        Check.Near(1.0, t.GetDouble("win_rate", 0), 0.0, "win rate");
        Check.Near(5.0, t.GetDouble("median_cycle_days", 0), 1e-9, "cycle");
        Check.Near(400.0, t.GetDouble("pipeline_open_amount", 0), 1e-9, "open pipeline");
      }
      // Every analysis is also reachable by name, with the same result.
      var named = new Dictionary<string, Func<Table>> {
        { "funnel", () => ws.Funnel() }, { "attribution", () => ws.Attribution() },
        { "markov_transitions", () => ws.MarkovTransitions() }, { "handoff", () => ws.Handoff() },
        { "handoff_reasons", () => ws.HandoffReasons() },
        { "handoff_by_response", () => ws.HandoffByResponse() },
        { "spend", () => ws.Spend() }, { "deals", () => ws.Deals() },
      };
      foreach (var entry in named) {
        using (Table byName = ws.Analyze(entry.Key))
        using (Table direct = entry.Value()) {
          Check.Equal(direct.Render("csv"), byName.Render("csv"), entry.Key);
          Check.True(direct.NumRows() > 0, entry.Key + " rows");
        }
      }
      string targets = Path.Combine(scratch, "targets.toml");
      var missing = Check.Throws<FileNotFoundException>(
          () => ws.Scorecard(new Options { { "scorecard.config", targets } }), "scorecard config");
      Check.Contains("targets.toml", missing.Message, "config path");
      Check.Throws<FileNotFoundException>(
          () => ws.Analyze("scorecard", new Options { { "scorecard.config", targets } }), "by name");
      Check.Contains("scorecard.config",
                     Check.Throws<ArgumentException>(() => ws.Scorecard(), "no config").Message,
                     "no config message");
    }
  }

  static void NonAsciiRoundTrips() {
    string channel = "Événements", campaign = "広告 🚀", source = "Müller–Straße";
    using (var ws = new Workspace()) {
      ws.AddPerson("p1", 0, source, "Zoë", "acme").AddPerson("p2", 0, source)
        .SetAttribute("p1", "Größe", "groß").SetAttribute("p2", "Größe", "klein")
        .AddTouch("p1", Day, channel, campaign)
        .AddTouch("p1", 2 * Day, "Anruf", "", "sales", "call")
        .AddTouch("p2", Day, "web")
        .AddStage("p1", "inquiry", Day).AddStage("p1", "won", 5 * Day)
        .AddStage("p2", "inquiry", Day)
        .AddDeal("d1", "acme", "p1", 2 * Day, 5 * Day, 1000.0, "EUR", "won", 1, 1)
        .AddSpend(channel, campaign, 0, 30 * Day, 500.0, "EUR");
      Check.Equal(2L, ws.RowCount("people"), "people");
      Check.Equal(3L, ws.RowCount("touches"), "touches");
      Check.Equal(3L, ws.RowCount("stages"), "stages");
      Check.Equal(1L, ws.RowCount("deals"), "deals");
      Check.Equal(1L, ws.RowCount("spend"), "spend");
      using (Table t = ws.Funnel(new Options { { "funnel.by", "campaign" } }))
        Check.Equal(1L, t.GetLong("reached", RowOf(t, "segment", campaign)), "campaign");
      using (Table t = ws.Funnel(new Options { { "funnel.by", "source" } }))
        Check.Equal(2L, t.GetLong("reached", RowOf(t, "segment", source)), "source");
      using (Table t = ws.Funnel(new Options { { "funnel.by", "Größe" } }))
        Check.Contains("groß,inquiry,1", t.Render("csv"), "attribute");
      using (Table t = ws.Attribution(new Options { { "attribution.model", "linear" } })) {
        int row = RowOf(t, "key", channel);
        Check.Near(1.0, t.GetDouble("conversions", row), 1e-12, "conversions");
        Check.Near(1000.0, t.GetDouble("revenue", row), 1e-9, "revenue");
      }
      using (Table t = ws.Funnel()) {
        var e = Check.Throws<BatonException>(() => t.GetLong("Größe", 0), "unknown column");
        Check.Contains("\"Größe\"", e.Message, "message");
      }
    }
  }

  // ---- Errors ----------------------------------------------------------------

  static void ErrorsRaiseTheDocumentedExceptions() {
    string missing = Path.Combine(scratch, "no-such-export.toml");
    using (var ws = new Workspace()) {
      var e = Check.Throws<FileNotFoundException>(() => ws.Load(missing), "missing file");
      Check.Contains(missing, e.Message, "missing file message");
      Check.Throws<FileNotFoundException>(() => ws.Load("csv:" + missing), "csv:missing");
      var c = Check.Throws<BatonException>(() => ws.Load("nosuch:" + scratch), "connector");
      Check.Equal(Status.NotFound, c.Status, "connector status");
      Check.Equal("NotFound", c.StatusName, "status name");
      Check.Contains("no connector named \"nosuch\"", c.Message, "connector message");
    }
    Check.Throws<FileNotFoundException>(
        () => Engine.LoadPlugin(Path.Combine(scratch, "no-such.so")), "plugin");

    using (var ws = Small()) {
      var bad = Check.Throws<ArgumentException>(
          () => ws.Funnel(new Options { { "funnel.cohort", "fortnight" } }), "bad option");
      Check.Contains("funnel.cohort", bad.Message, "bad option message");
      Check.Contains("fortnight", bad.Message, "bad option value");
      Check.Throws<ArgumentException>(() => ws.Funnel(new Options { { "funnel.nope", "1" } }),
                                      "unknown option");
      using (Table t = ws.Funnel()) {
        var col = Check.Throws<BatonException>(() => t.GetLong("nope", 0), "unknown column");
        Check.Equal(Status.NotFound, col.Status, "column status");
        Check.Contains("no column \"nope\"", col.Message, "column message");
        var type = Check.Throws<ArgumentException>(() => t.GetLong("segment", 0), "wrong type");
        Check.Contains("\"segment\" is string", type.Message, "type message");
        Check.Throws<ArgumentException>(() => t.GetString("reached", 0), "string of int");
        Check.Contains("row 99", Check.Throws<ArgumentException>(() => t.GetLong("reached", 99),
                                                                 "row").Message, "row message");
        Check.Contains("column -1", Check.Throws<ArgumentException>(() => t.GetLong(-1, 0),
                                                                    "negative").Message, "negative");
        Check.Near(3.0, t.GetDouble("reached", 0), 0.0, "double of int64");
        Check.True(t.HasColumn("reached") && !t.HasColumn("nope"), "HasColumn");
      }
      var frozen = Check.Throws<BatonException>(() => ws.AddPerson("p4"), "frozen");
      Check.Equal(Status.FailedPrecondition, frozen.Status, "frozen status");
      Check.Contains("frozen", frozen.Message, "frozen message");
      Check.Contains("funnel", Check.Throws<BatonException>(() => ws.Analyze("nope"),
                                                            "analysis").Message, "analyses listed");
    }
    using (var ws = new Workspace()) {
      var stage = Check.Throws<BatonException>(() => ws.AddStage("p", "nosuchstage", 5), "stage");
      Check.Equal(Status.ParseError, stage.Status, "stage status");
      Check.Throws<ArgumentException>(() => ws.AddTouch("p", 5, "web", "", "nosuchside"), "side");
      Check.Throws<ArgumentException>(() => ws.AddPerson(""), "empty id");
      var nul = Check.Throws<ArgumentNullException>(() => ws.AddPerson(null), "null id");
      Check.Equal("person_id", nul.ParamName, "null parameter");
      Check.Throws<ArgumentException>(() => ws.Funnel(null), "null options");
    }
    Check.Throws<ArgumentException>(
        () => Engine.WriteSample(scratch, new Options { { "sample.people", "-3" } }), "sample");
  }

  static void ClosingTwiceIsHarmlessAndClosedObjectsRaise() {
    var ws = Small();
    var t = ws.Funnel();
    var kept = ws.Funnel();
    var o = new Options { { "funnel.by", "source" } };
    t.Dispose(); t.Close();
    ws.Close(); ws.Dispose();
    o.Dispose(); o.Dispose();
    var e = Check.Throws<BatonException>(() => t.NumRows(), "closed table");
    Check.Equal(Status.FailedPrecondition, e.Status, "status");
    Check.Contains("Table is closed", e.Message, "table message");
    Check.Contains("Workspace is closed",
                   Check.Throws<BatonException>(() => ws.Funnel(), "closed workspace").Message,
                   "workspace message");
    Check.Throws<BatonException>(() => ws.AddPerson("p"), "append to closed");
    Check.Throws<BatonException>(() => o.Get("funnel.by"), "closed options");
    using (var other = Small())
      Check.Throws<ArgumentException>(() => other.Funnel(o), "closed options argument");
    // A result owns its data: it outlives the workspace that computed it.
    Check.Equal(3L, kept.GetLong("reached", 0), "table after its workspace closed");
    kept.Dispose();
  }

  // ---- Lifecycle, plugins, reports, threads --------------------------------

  static void ThousandWorkspacesLeaveNoNativeGrowth() {
    string toml = WriteSample("memory", "40");
    Action cycle = () => {
      using (var ws = new Workspace().Load(toml))
      using (Table t = ws.Funnel()) {
        Check.Equal(40L, ws.RowCount("people"), "people");
        Check.True(t.NumRows() > 0, "rows");
      }
    };
    for (int i = 0; i < 100; ++i) cycle();  // warm-up: JIT, allocator pools
    GC.Collect();
    GC.WaitForPendingFinalizers();
    long before = ResidentKb();
    for (int i = 0; i < 1000; ++i) cycle();
    GC.Collect();
    GC.WaitForPendingFinalizers();
    long after = ResidentKb();
    Console.WriteLine("VmRSS after warm-up {0} kB, after 1000 workspaces {1} kB ({2:+0;-0} kB)",
                      before, after, after - before);
    Check.True(after - before < 8 * 1024, "resident set grew by " + (after - before) + " kB");
  }

  static void OptionsBehaveAsADictionary() {
    using (var o = new Options { { "b", "2" }, { "a", "1" } }) {
      o["b"] = "3";
      Check.Equal(2, o.Size(), "size");
      Check.Equal("a=1;b=3", string.Join(";", o.Select(kv => kv.Key + "=" + kv.Value)), "sorted");
      Check.Equal("fallback", o.Get("c", "fallback"), "fallback");
      Check.Throws<KeyNotFoundException>(() => { string unused = o["c"]; }, "indexer");
      o.Remove("a");
      Check.Equal(1, o.Size(), "removed");
    }
  }

  static void PluginsInfoReportAndWrite() {
    using (Table p = Engine.Plugins()) {
      int row = RowOf(p, "name", "csv");
      Check.Equal(1L, p.GetLong("can_read", row), "can_read");
      Check.True(p.GetString("path", row).EndsWith("baton-csv.so"), "plugin path");
    }
    Check.Equal(0x10000, Engine.AbiVersion() & unchecked((int)0xffff0000), "ABI major 1");
    Check.Equal(long.MinValue, Engine.NoTime, "NoTime");

    string toml = WriteSample("report", "300");
    using (var ws = new Workspace().Load(toml, new Options())) {
      using (Table info = ws.Info()) {
        long people = -1;
        for (int r = 0; r < info.NumRows(); ++r)
          if (info.GetString("kind", r) == "load" && info.GetString("table", r) == "people")
            people = info.GetLong("rows_accepted", r);
        Check.Equal(300L, people, "people loaded");
      }
      string report = Path.Combine(scratch, "report.html");
      ws.Report(report, new Options { { "report.title", "Q3 — Überblick" } });
      string html = File.ReadAllText(report, Encoding.UTF8);
      Check.Contains("<html", html, "HTML");
      Check.Contains("Q3 — Überblick", html, "the title in UTF-8");
      using (Table t = ws.Funnel()) {
        string written = Path.Combine(scratch, "funnel.csv");
        t.Write("csv:" + written);
        Check.Equal(t.Render("csv").Replace("\r", ""),
                    File.ReadAllText(written, Encoding.UTF8).Replace("\r", ""), "written table");
      }
    }
  }

  static void SavedWorkspaceLoadsBackAndSyncAddsNothingTwice() {
    string toml = WriteSample("store", "300");
    string saved = Path.Combine(scratch, "ws.baton");
    string funnel;
    using (var ws = new Workspace().Load(toml, new Options())) {
      using (Table t = ws.Funnel()) funnel = t.Render("csv");
      ws.Save(saved);
    }
    using (var back = new Workspace().Load(saved, new Options()))
    using (Table t = back.Funnel())
      Check.Equal(funnel, t.Render("csv"), "funnel of the saved workspace");
    // The first sync into a new file adds all 300 people; the same export
    // again finds every one of them by id: nothing added, 300 rows kept.
    string into = Path.Combine(scratch, "crm.baton");
    File.Delete(into);  // the scratch folder outlives a run
    using (Table first = Engine.Sync(toml, into, "", new Options()))
      Check.Equal(300L, first.GetLong("added", RowOf(first, "table", "people")), "first sync adds");
    using (Table second = Engine.Sync(toml, into, "", new Options())) {
      int r = RowOf(second, "table", "people");
      Check.Equal(0L, second.GetLong("added", r), "second sync adds nothing");
      Check.Equal(300L, second.GetLong("rows", r), "people kept");
    }
  }

  // Records every call; cancels when told to, throws what it is given.
  class Recorder : Progress {
    public readonly List<double> Fractions = new List<double>();
    public readonly List<string> Phases = new List<string>();
    public bool Cancel;
    public Exception ToThrow;

    public override bool OnProgress(double fraction, string phase) {
      Fractions.Add(fraction);
      Phases.Add(phase);
      if (ToThrow != null) throw ToThrow;
      return Cancel;
    }
  }

  static void ProgressReportsTheLoadCancelsAndRethrows() {
    string toml = WriteSample("progress", "300");
    using (var ws = new Workspace()) {
      var r = new Recorder();
      ws.SetProgress(r);
      GC.Collect();  // the workspace, not the caller, keeps the callback alive
      GC.WaitForPendingFinalizers();
      ws.Load(toml);
      // The csv connector reports the share of input bytes read, file by
      // file (people.csv first in the sample's mapping), and 1 at the end.
      Check.Equal("reading people.csv", r.Phases[0], "first phase");
      Check.Equal("read " + toml, r.Phases[r.Phases.Count - 1], "last phase");
      Check.Near(1.0, r.Fractions[r.Fractions.Count - 1], 0.0, "last fraction");
      for (int i = 1; i < r.Fractions.Count; ++i)
        Check.True(r.Fractions[i] >= r.Fractions[i - 1], "non-decreasing fractions");
    }
    using (var ws = new Workspace()) {
      var r = new Recorder { Cancel = true };
      var e = Check.Throws<BatonException>(() => ws.SetProgress(r).Load(toml), "cancel");
      Check.Equal(Status.Cancelled, e.Status, "cancelled");
      Check.Equal(1, r.Phases.Count, "the first report cancels");
    }
    using (var ws = new Workspace()) {
      var r = new Recorder { ToThrow = new InvalidOperationException("stop: the CRM sync was aborted") };
      var e = Check.Throws<InvalidOperationException>(() => ws.SetProgress(r).Load(toml), "throw");
      Check.True(ReferenceEquals(r.ToThrow, e), "the same exception object");
      // The exception does not linger: the next failure is the engine's own.
      Check.Throws<ArgumentException>(() => ws.Funnel(new Options { { "funnel.x", "1" } }), "next");
    }
    using (var ws = new Workspace()) {
      var r = new Recorder();
      ws.SetProgress(r).SetProgress(null).Load(toml);
      Check.Equal(0, r.Phases.Count, "no reports after SetProgress(null)");
    }
  }

  static void FrozenWorkspaceServesManyThreads() {
    string toml = WriteSample("threads", "1000");
    using (var ws = new Workspace().Load(toml).Freeze()) {
      string expected;
      using (Table t = ws.Funnel(new Options { { "funnel.by", "source" } })) expected = t.Render("csv");
      var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(() => {
        using (var o = new Options { { "funnel.by", "source" } })
        using (Table t = ws.Funnel(o)) return t.Render("csv");
      })).ToArray();
      foreach (var task in tasks) Check.Equal(expected, task.Result, "same funnel on every thread");
    }
  }

  public static int Main() {
    scratch = Env("BATON_SCRATCH");
    Directory.CreateDirectory(scratch);
    var runner = new Runner();
    runner.Add("SampleEqualsCli", SampleEqualsCli);
    runner.Add("OlistEqualsCliAndReadme", OlistEqualsCliAndReadme);
    runner.Add("AppendedFunnelMatchesHandCount", AppendedFunnelMatchesHandCount);
    runner.Add("HandoffSpendAndDealsMatchHandCount", HandoffSpendAndDealsMatchHandCount);
    runner.Add("NonAsciiRoundTrips", NonAsciiRoundTrips);
    runner.Add("ErrorsRaiseTheDocumentedExceptions", ErrorsRaiseTheDocumentedExceptions);
    runner.Add("ClosingTwiceIsHarmlessAndClosedObjectsRaise", ClosingTwiceIsHarmlessAndClosedObjectsRaise);
    runner.Add("ThousandWorkspacesLeaveNoNativeGrowth", ThousandWorkspacesLeaveNoNativeGrowth);
    runner.Add("OptionsBehaveAsADictionary", OptionsBehaveAsADictionary);
    runner.Add("PluginsInfoReportAndWrite", PluginsInfoReportAndWrite);
    runner.Add("ProgressReportsTheLoadCancelsAndRethrows", ProgressReportsTheLoadCancelsAndRethrows);
    runner.Add("FrozenWorkspaceServesManyThreads", FrozenWorkspaceServesManyThreads);
    runner.Add("SavedWorkspaceLoadsBackAndSyncAddsNothingTwice",
               SavedWorkspaceLoadsBackAndSyncAddsNothingTwice);
    return runner.Run();
  }
}

}  // namespace Baton.Tests

package org.baton.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.baton.Baton;
import org.baton.ColumnType;
import org.baton.BatonException;
import org.baton.BatonFileNotFoundException;
import org.baton.Options;
import org.baton.Progress;
import org.baton.Status;
import org.baton.Table;
import org.baton.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Row appends, analyses, non-ASCII text, plugins, reports and threads. */
class WorkspaceTest {
  static final long DAY = 86_400_000L;
  @TempDir Path tmp;

  @Test
  void appendedFunnelMatchesHandCount() {
    // p1 inquiry -> mql (1 s later) -> won (day 3); p2 inquiry -> mql (4 s);
    // p3 inquiry. Reached: inquiry 3, mql 2, won 1. inquiry -> mql: 2 of 3,
    // in 1 s and 4 s: median 2.5 s, p90 1 + 0.9 * 3 = 3.7 s (linear rule).
    try (Workspace ws = ErrorsTest.small(); Table t = ws.funnel()) {
      assertEquals(3, t.numRows());
      assertEquals("inquiry", t.getString("stage", 0));
      assertEquals(3, t.getLong("reached", 0));
      assertEquals("mql", t.getString("next_stage", 0));
      assertEquals(2, t.getLong("advanced", 0));
      assertEquals(2.0 / 3.0, t.getDouble("rate_to_next", 0), 1e-15);
      assertEquals(1.0 / 3.0, t.getDouble("rate_to_won", 0), 1e-15);
      assertEquals(2_500.0 / DAY, t.getDouble("median_days_to_next", 0), 1e-15);
      assertEquals(3_700.0 / DAY, t.getDouble("p90_days_to_next", 0), 1e-15);
      assertEquals(2, t.getLong("reached", 1));
      assertEquals(1, t.getLong("advanced", 1));
      assertEquals((3 * DAY - 2_000) / (double) DAY, t.getDouble("median_days_to_next", 1), 1e-12);
      assertEquals("won", t.getString(t.columnIndex("stage"), 2));
      assertEquals("", t.getString("next_stage", 2));  // the last stage has none
      assertEquals("funnel", t.name());
    }
  }

  @Test
  void handoffSpendAndDealsMatchHandCount() {
    final long hour = 3_600_000L;
    try (Workspace ws = new Workspace()) {
      // Three MQLs on day 1. p1: called after 2 h, accepted, won (deal d1,
      // 1000, created day 5, won day 10). p2: emailed after 30 h, rejected
      // for "no budget", open deal d2 of 400. p3: never worked. Spend: 600
      // on search (p1, p2's first touch), 300 on social (p3's).
      ws.addPerson("p1").addPerson("p2").addPerson("p3")
          .addTouch("p1", 0, "search").addTouch("p2", 0, "search").addTouch("p3", 0, "social")
          .addStage("p1", "mql", DAY).addTouch("p1", DAY + 2 * hour, "", "", "sales", "call")
          .addStage("p1", "sal", DAY + 3 * hour, "accepted").addStage("p1", "won", 10 * DAY)
          .addStage("p2", "mql", DAY).addTouch("p2", DAY + 30 * hour, "", "", "sales", "email")
          .addStage("p2", "rejected", DAY + 31 * hour, "rejected", "no budget")
          .addStage("p3", "mql", DAY)
          .addDeal("d1", "acme", "p1", 5 * DAY, 10 * DAY, 1000.0, "EUR", "won", 1, 1, "alice")
          .addDeal("d2", "beta", "p2", 5 * DAY, Baton.NO_TIME, 400.0, "EUR", "opportunity", 0, 0,
                   "alice")
          .addSpend("search", "", 0, 30 * DAY, 600.0, "EUR")
          .addSpend("social", "", 0, 30 * DAY, 300.0, "EUR");
      try (Table t = ws.handoff()) {
        // Responses 2 h and 30 h: median 16 h, p90 2 + 0.9 * 28 = 27.2 h;
        // one of three within the 24 h SLA; 1 accepted, 1 rejected; 1 won.
        assertEquals(3, t.getLong("handed_off", 0));
        assertEquals(2, t.getLong("worked", 0));
        assertEquals(16.0, t.getDouble("response_median_hours", 0), 1e-9);
        assertEquals(27.2, t.getDouble("response_p90_hours", 0), 1e-9);
        assertEquals(1, t.getLong("within_sla", 0));
        assertEquals(1.0 / 3.0, t.getDouble("sla_rate", 0), 1e-12);
        assertEquals(0.5, t.getDouble("acceptance_rate", 0), 1e-12);
        assertEquals(1.0 / 3.0, t.getDouble("rate_to_won", 0), 1e-12);
      }
      try (Table t = ws.handoffReasons()) {
        assertEquals("no budget", t.getString("reason", 0));
        assertEquals(1, t.getLong("rejected", 0));
        assertEquals(1.0, t.getDouble("share", 0), 0.0);
      }
      try (Table t = ws.handoffByResponse()) {
        assertEquals(1, t.getLong("won", Support.rowOf(t, "bucket", "1-4h")));       // p1
        assertEquals(1, t.getLong("handed_off", Support.rowOf(t, "bucket", "1-3d")));  // p2
        assertEquals(1, t.getLong("handed_off", Support.rowOf(t, "bucket", "never"))); // p3
      }
      try (Table t = ws.spend()) {
        // search: 600 for 2 leads, 1 SQL, 1 won deal of 1000: ROI 400 / 600.
        int search = Support.rowOf(t, "key", "search");
        assertEquals(300.0, t.getDouble("cost_per_lead", search), 1e-9);
        assertEquals(600.0, t.getDouble("cac", search), 1e-9);
        assertEquals(400.0 / 600.0, t.getDouble("roi", search), 1e-12);
        int social = Support.rowOf(t, "key", "social");
        assertTrue(t.isNull("cac", social), "no won deal: no CAC");
        assertEquals(-1.0, t.getDouble("roi", social), 1e-12);
      }
      try (Table t = ws.deals()) {
        // d1 won after 5 days; d2 open with 400.
        assertEquals(2, t.getLong("deals", 0));
        assertEquals(1, t.getLong("open", 0));
        assertEquals(1.0, t.getDouble("win_rate", 0), 0.0);
        assertEquals(5.0, t.getDouble("median_cycle_days", 0), 1e-9);
        assertEquals(400.0, t.getDouble("pipeline_open_amount", 0), 1e-9);
      }
      // Every analysis is also reachable by name, with the same result.
      java.util.Map<String, java.util.function.Supplier<Table>> named = java.util.Map.of(
          "funnel", ws::funnel, "attribution", ws::attribution,
          "markov_transitions", ws::markovTransitions, "handoff", ws::handoff,
          "handoff_reasons", ws::handoffReasons, "handoff_by_response", ws::handoffByResponse,
          "spend", ws::spend, "deals", ws::deals);
      for (var entry : named.entrySet()) {
        try (Table byName = ws.analyze(entry.getKey()); Table direct = entry.getValue().get()) {
          assertEquals(direct.render("csv"), byName.render("csv"), entry.getKey());
          assertTrue(direct.numRows() > 0, entry.getKey());
        }
      }
      BatonFileNotFoundException missing = assertThrows(BatonFileNotFoundException.class,
          () -> ws.scorecard(Options.of("scorecard.config", tmp.resolve("targets.toml").toString())));
      assertTrue(missing.getMessage().contains("targets.toml"), missing.getMessage());
      assertThrows(BatonFileNotFoundException.class, () -> ws.analyze("scorecard",
          Options.of("scorecard.config", tmp.resolve("targets.toml").toString())));
      IllegalArgumentException none = assertThrows(IllegalArgumentException.class, ws::scorecard);
      assertTrue(none.getMessage().contains("scorecard.config"), none.getMessage());
    }
  }

  @Test
  void everyRowKindAppendsAndNonAsciiTextRoundTrips() {
    String channel = "Événements";
    String campaign = "広告 🚀";  // the rocket is outside the BMP: four UTF-8 bytes
    String source = "Müller–Straße";
    try (Workspace ws = new Workspace()) {
      ws.addPerson("p1", 0, source, "Zoë", "acme")
          .addPerson("p2", 0, source)
          .setAttribute("p1", "Größe", "groß")
          .setAttribute("p2", "Größe", "klein")
          .addTouch("p1", DAY, channel, campaign)
          .addTouch("p1", 2 * DAY, "Anruf", "", "sales", "call")
          .addTouch("p2", DAY, "web")
          .addStage("p1", "inquiry", DAY).addStage("p1", "won", 5 * DAY)
          .addStage("p2", "inquiry", DAY)
          .addDeal("d1", "acme", "p1", 2 * DAY, 5 * DAY, 1000.0, "EUR", "won", 1, 1)
          .addSpend(channel, campaign, 0, 30 * DAY, 500.0, "EUR");
      assertEquals(2, ws.rowCount("people"));
      assertEquals(3, ws.rowCount("touches"));
      assertEquals(3, ws.rowCount("stages"));
      assertEquals(1, ws.rowCount("deals"));
      assertEquals(1, ws.rowCount("spend"));

      // Segments come back as the same text: p1's first-touch campaign, the
      // shared source, an attribute with a non-ASCII key and value.
      try (Table t = ws.funnel(Options.of("funnel.by", "campaign"))) {
        int row = Support.rowOf(t, "segment", campaign);
        assertEquals("inquiry", t.getString("stage", row));
        assertEquals(1, t.getLong("reached", row));
      }
      try (Table t = ws.funnel(Options.of("funnel.by", "source"))) {
        assertEquals(2, t.getLong("reached", Support.rowOf(t, "segment", source)));
      }
      try (Table t = ws.funnel(Options.of("funnel.by", "Größe"))) {
        assertEquals(1, t.getLong("reached", Support.rowOf(t, "segment", "groß")));
        assertTrue(t.render("csv").contains("groß,inquiry,1"), t.render("csv"));
      }
      // One marketing touch before p1's win: linear gives it the whole
      // conversion and the won deal's 1000; p2's web touch converts nothing.
      try (Table t = ws.attribution(Options.of("attribution.model", "linear"))) {
        int row = Support.rowOf(t, "key", channel);
        assertEquals(1.0, t.getDouble("conversions", row), 1e-12);
        assertEquals(1000.0, t.getDouble("revenue", row), 1e-9);
        for (int r = 0; r < t.numRows(); ++r)
          if (r != row) assertEquals(0.0, t.getDouble("conversions", r), 0.0);
      }
      try (Table t = ws.funnel()) {
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(
            RuntimeException.class, () -> t.getLong("Größe", 0));
        assertTrue(e.getMessage().contains("\"Größe\""), e.getMessage());
      }
    }
  }

  @Test
  void optionsBehaveAsASortedMap() {
    try (Options o = new Options().set("b", "2").set("a", "1").set("b", "3")) {
      assertEquals(2, o.size());
      assertEquals("a", o.key(0));
      assertEquals("3", o.get("b"));
      assertEquals("fallback", o.get("c", "fallback"));
      assertTrue(o.has("a"));
      assertEquals(java.util.Map.of("a", "1", "b", "3"), o.toMap());
      o.remove("a");
      assertEquals(1, o.size());
    }
  }

  @Test
  void pluginsListTheCsvConnector() {
    try (Table t = Baton.plugins()) {
      int row = -1;
      for (int r = 0; r < t.numRows(); ++r) if (t.getString("name", r).equals("csv")) row = r;
      assertTrue(row >= 0, t.render("table"));
      assertEquals(1, t.getLong("can_read", row));
      assertEquals(1, t.getLong("can_write", row));
      assertTrue(t.getString("path", row).endsWith("baton-csv.so"), t.getString("path", row));
    }
    assertEquals(0x10000, Baton.abiVersion() & 0xffff0000);
    assertEquals(Long.MIN_VALUE, Baton.NO_TIME);
  }

  @Test
  void loadInfoReportAndWrittenTableMatchTheSample() throws Exception {
    Path folder = tmp.resolve("sample");
    Baton.writeSample(folder.toString(), Options.of("sample.people", "300"));
    try (Workspace ws = new Workspace().load(folder.resolve("sample.toml").toString(),
                                              new Options())) {
      try (Table info = ws.info()) {
        long people = -1;
        for (int r = 0; r < info.numRows(); ++r) {
          if (info.getString("kind", r).equals("load") && info.getString("table", r).equals("people"))
            people = info.getLong("rows_accepted", r);
        }
        assertEquals(300, people);
      }
      Path report = tmp.resolve("report.html");
      ws.report(report.toString(), Options.of("report.title", "Q3 — Überblick"));
      String html = Files.readString(report, StandardCharsets.UTF_8);
      assertTrue(html.contains("<html"), "an HTML document");
      assertTrue(html.contains("Q3 — Überblick"), "the title, in UTF-8");

      try (Table t = ws.funnel()) {
        Path out = tmp.resolve("funnel.csv");
        t.write("csv:" + out);
        assertEquals(Support.parseCsv(t.render("csv")),
                     Support.parseCsv(Files.readString(out, StandardCharsets.UTF_8)));
        assertEquals(ColumnType.STRING, t.columnType(0));
      }
    }
  }

  @Test
  void savedWorkspaceLoadsBackAndSyncAddsNothingTwice() throws Exception {
    Path folder = tmp.resolve("store");
    Baton.writeSample(folder.toString(), Options.of("sample.people", "300"));
    String toml = folder.resolve("sample.toml").toString();
    Path saved = tmp.resolve("ws.baton");
    String funnel;
    try (Workspace ws = new Workspace().load(toml, new Options())) {
      try (Table t = ws.funnel()) { funnel = t.render("csv"); }
      ws.save(saved.toString());
    }
    try (Workspace back = new Workspace().load(saved.toString(), new Options());
         Table t = back.funnel()) {
      assertEquals(funnel, t.render("csv"));
    }
    // The first sync into a new file adds all 300 people; the same export
    // again finds every one of them by id: nothing added, 300 rows kept.
    Path into = tmp.resolve("crm.baton");
    try (Table first = Baton.sync(toml, into.toString(), "", new Options())) {
      int r = Support.rowOf(first, "table", "people");
      assertEquals(300, first.getLong("added", r));
    }
    try (Table second = Baton.sync(toml, into.toString(), "", new Options())) {
      int r = Support.rowOf(second, "table", "people");
      assertEquals(0, second.getLong("added", r));
      assertEquals(300, second.getLong("rows", r));
    }
  }

  /** Records every call; cancels when told to, throws what it is given. */
  static final class Recorder extends Progress {
    final List<Double> fractions = new ArrayList<>();
    final List<String> phases = new ArrayList<>();
    boolean cancel;
    RuntimeException toThrow;

    @Override
    public boolean onProgress(double fraction, String phase) {
      fractions.add(fraction);
      phases.add(phase);
      if (toThrow != null) throw toThrow;
      return cancel;
    }
  }

  @Test
  void progressReportsTheLoadCancelsAndRethrows() {
    Path folder = tmp.resolve("sample");
    Baton.writeSample(folder.toString(), Options.of("sample.people", "300"));
    String toml = folder.resolve("sample.toml").toString();
    try (Workspace ws = new Workspace()) {
      Recorder r = new Recorder();
      ws.setProgress(r);
      System.gc();  // the workspace, not the caller, keeps the callback alive
      ws.load(toml);
      // The csv connector reports the share of input bytes read, file by
      // file (people.csv first in the sample's mapping), and 1 at the end.
      assertEquals("reading people.csv", r.phases.get(0));
      assertEquals("read " + toml, r.phases.get(r.phases.size() - 1));
      assertEquals(1.0, r.fractions.get(r.fractions.size() - 1), 0.0);
      for (int i = 0; i < r.fractions.size(); ++i) {
        assertTrue(r.fractions.get(i) >= (i == 0 ? 0.0 : r.fractions.get(i - 1)), r.fractions.toString());
      }
    }
    try (Workspace ws = new Workspace()) {
      Recorder r = new Recorder();
      r.cancel = true;
      BatonException e = assertThrows(BatonException.class, () -> ws.setProgress(r).load(toml));
      assertEquals(Status.CANCELLED, e.getStatus());
      assertEquals(1, r.phases.size(), "the first report cancels");
    }
    try (Workspace ws = new Workspace()) {
      Recorder r = new Recorder();
      r.toThrow = new IllegalStateException("stop: the CRM sync was aborted");
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> ws.setProgress(r).load(toml));
      assertSame(r.toThrow, e);
      // The exception does not linger: the next failure is the engine's own.
      assertThrows(IllegalArgumentException.class, () -> ws.funnel(Options.of("funnel.x", "1")));
    }
    try (Workspace ws = new Workspace()) {
      Recorder r = new Recorder();
      ws.setProgress(r).setProgress(null).load(toml);
      assertEquals(0, r.phases.size(), "no reports after setProgress(null)");
    }
  }

  @Test
  void frozenWorkspaceServesAnalysesFromManyThreads() throws Exception {
    Path folder = tmp.resolve("sample");
    Baton.writeSample(folder.toString(), Options.of("sample.people", "1000"));
    try (Workspace ws = new Workspace().load(folder.resolve("sample.toml").toString()).freeze()) {
      String expected;
      try (Table t = ws.funnel(Options.of("funnel.by", "source"))) {
        expected = t.render("csv");
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 16; ++i) {
          results.add(pool.submit(() -> {
            try (Options o = Options.of("funnel.by", "source"); Table t = ws.funnel(o)) {
              return t.render("csv");
            }
          }));
        }
        for (Future<String> f : results) assertEquals(expected, f.get());
      } finally {
        pool.shutdown();
      }
    }
  }
}

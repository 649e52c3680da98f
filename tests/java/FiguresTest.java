package org.baton.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.baton.Baton;
import org.baton.ColumnType;
import org.baton.Options;
import org.baton.Table;
import org.baton.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binding's figures equal the CLI's (the same engine through another
 * front end) on the sample data and on the real Olist funnel, and the Olist
 * totals equal the dataset's own README: 8,000 MQLs, 842 closed deals.
 */
class FiguresTest {
  @TempDir static Path tmp;
  static Path sampleToml;
  static Workspace sample;

  @BeforeAll
  static void loadSample() {
    Path folder = tmp.resolve("sample");
    try (Options o = Options.of("sample.people", "2000", "sample.seed", "7")) {
      Baton.writeSample(folder.toString(), o);
    }
    sampleToml = folder.resolve("sample.toml");
    sample = new Workspace().load(sampleToml.toString());
  }

  @AfterAll
  static void close() {
    sample.close();
  }

  @Test
  void sampleRowCountsEqualTheFilesLines() throws Exception {
    // The sample's CSV files, counted here without the engine.
    Path folder = sampleToml.getParent();
    assertEquals(Support.dataLines(folder.resolve("people.csv")), sample.rowCount("people"));
    assertEquals(Support.dataLines(folder.resolve("touches.csv")), sample.rowCount("touches"));
    assertEquals(Support.dataLines(folder.resolve("stages.csv")), sample.rowCount("stages"));
    assertEquals(Support.dataLines(folder.resolve("deals.csv")), sample.rowCount("deals"));
    assertEquals(Support.dataLines(folder.resolve("spend.csv")), sample.rowCount("spend"));
    assertEquals(2000, sample.rowCount("people"));
  }

  @Test
  void sampleFunnelBySourceEqualsCli() throws Exception {
    String csv = Support.runCli("funnel", sampleToml.toString(), "--by", "source", "--format", "csv");
    try (Table t = sample.funnel(Options.of("funnel.by", "source"))) {
      assertEquals(ColumnType.INT64, t.columnType("reached"));
      assertEquals(ColumnType.FLOAT64, t.columnType("rate_to_next"));
      Support.assertSameAsCsv(Support.parseCsv(csv), t);
      assertTrue(t.numRows() > 6, "several sources, six stages each");
    }
  }

  @Test
  void sampleFunnelOptionsEqualCli() throws Exception {
    String csv = Support.runCli("funnel", sampleToml.toString(), "--by", "campaign", "--strict",
                                "--within", "90d", "--format", "csv");
    try (Table t = sample.analyze("funnel", Options.of("funnel.by", "campaign",
                                                        "funnel.strict", "true",
                                                        "funnel.within", "90d"))) {
      Support.assertSameAsCsv(Support.parseCsv(csv), t);
    }
  }

  @Test
  void sampleAttributionEqualsCli() throws Exception {
    String csv = Support.runCli("attribution", sampleToml.toString(), "--format", "csv");
    try (Table t = sample.attribution()) {
      Support.assertSameAsCsv(Support.parseCsv(csv), t);
    }
    String chain = Support.runCli("attribution", sampleToml.toString(), "--transitions",
                                  "--format", "csv");
    try (Table t = sample.markovTransitions()) {
      Support.assertSameAsCsv(Support.parseCsv(chain), t);
    }
  }

  @Test
  void sampleHandoffSpendDealsAndScorecardEqualCli() throws Exception {
    String toml = sampleToml.toString();
    try (Table t = sample.handoff(Options.of("handoff.by", "source"))) {
      Support.assertSameAsCsv(Support.parseCsv(
          Support.runCli("handoff", toml, "--by", "source", "--format", "csv")), t);
    }
    try (Table t = sample.handoffReasons()) {
      Support.assertSameAsCsv(Support.parseCsv(
          Support.runCli("handoff", toml, "--reasons", "--format", "csv")), t);
    }
    try (Table t = sample.handoffByResponse()) {
      Support.assertSameAsCsv(Support.parseCsv(
          Support.runCli("handoff", toml, "--by-response", "--format", "csv")), t);
    }
    try (Table t = sample.spend(Options.of("spend.by", "campaign"))) {
      Support.assertSameAsCsv(Support.parseCsv(
          Support.runCli("spend", toml, "--by", "campaign", "--format", "csv")), t);
    }
    try (Table t = sample.deals(Options.of("deals.by", "owner"))) {
      Support.assertSameAsCsv(Support.parseCsv(
          Support.runCli("deals", toml, "--by", "owner", "--format", "csv")), t);
    }
    // The sample's mapping carries its own [scorecard] targets.
    try (Table t = sample.scorecard(Options.of("scorecard.config", toml))) {
      Support.assertSameAsCsv(Support.parseCsv(
          Support.runCli("scorecard", toml, "--format", "csv")), t);
      assertTrue(t.numRows() > 0, "the sample's KPIs");
    }
  }

  static Path olistMapping(Path dir) throws Exception {
    Path folder = Support.sharedData().resolve("olist_marketing_funnel");
    Path leads = folder.resolve("olist_marketing_qualified_leads_dataset.csv");
    Path deals = folder.resolve("olist_closed_deals_dataset.csv");
    Path mapping = dir.resolve("olist.toml");
    String toml = String.join("\n",
        "[[people]]",
        "file = \"" + leads + "\"",
        "person_id = \"mql_id\"",
        "created_at = \"first_contact_date\"",
        "source = \"origin\"",
        "attributes = [\"landing_page_id\"]",
        "",
        "[[stages]]",
        "file = \"" + leads + "\"",
        "person_id = \"mql_id\"",
        "at = \"first_contact_date\"",
        "stage = { value = \"mql\" }",
        "",
        "[[stages]]",
        "file = \"" + deals + "\"",
        "person_id = \"mql_id\"",
        "at = \"won_date\"",
        "stage = { value = \"won\" }",
        "");
    Files.write(mapping, toml.getBytes(StandardCharsets.UTF_8));
    return mapping;
  }

  @Test
  void olistFunnelEqualsCliAndTheDatasetsReadme() throws Exception {
    Path mapping = olistMapping(tmp);
    try (Workspace ws = new Workspace().load(mapping.toString())) {
      try (Table t = ws.funnel(Options.of("funnel.by", "source"))) {
        String csv = Support.runCli("funnel", mapping.toString(), "--by", "source", "--format", "csv");
        Support.assertSameAsCsv(Support.parseCsv(csv), t);
        // Ten origins plus the blanks as (none), two stages each.
        assertEquals(22, t.numRows());
      }
      try (Table t = ws.funnel()) {
        // The README: 8,000 MQLs, 842 of them closed: mql -> won.
        assertEquals("all", t.getString("segment", 0));
        assertEquals("mql", t.getString("stage", 0));
        assertEquals(8000, t.getLong("reached", 0));
        assertEquals(842, t.getLong("advanced", 0));
        assertEquals(842.0 / 8000.0, t.getDouble("rate_to_next", 0), 1e-12);
        assertEquals("won", t.getString("stage", 1));
        assertEquals(842, t.getLong("reached", 1));
        assertTrue(t.isNull("advanced", 1), "won is the last stage");
        // The known quirk: one deal won before its first contact.
        List<String> warnings = t.warnings();
        assertTrue(warnings.stream().anyMatch(w -> w.contains("negative")), warnings.toString());
      }
    }
  }
}

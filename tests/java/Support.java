package org.baton.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.baton.ColumnType;
import org.baton.Table;

/** What the tests share: the CLI, the shared data, CSV reading, table comparison. */
final class Support {
  private Support() {}

  static Path cli() {
    return Paths.get(property("baton.cli"));
  }

  static Path sharedData() {
    return Paths.get(property("baton.data"));
  }

  static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isEmpty()) fail("system property " + name + " is not set (ctest sets it)");
    return value;
  }

  /** Runs the baton CLI; returns its stdout, failing on a non-zero exit. */
  static String runCli(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(cli().toString());
    for (String a : args) command.add(a);
    Path err = Files.createTempFile("baton-cli", ".err");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(600, TimeUnit.SECONDS), "baton " + command + " did not finish");
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    Files.delete(err);
    assertEquals(0, p.exitValue(), "baton " + command + " failed:\n" + stderr);
    return new String(out, StandardCharsets.UTF_8);
  }

  /** RFC 4180 records: quoted fields may hold commas, quotes ("") and newlines. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); ++i) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') ++i;
        if (any || field.length() > 0) {
          row.add(field.toString());
          rows.add(row);
        }
        row = new ArrayList<>();
        field.setLength(0);
        any = false;
      } else {
        field.append(c);
        any = true;
      }
    }
    if (any || field.length() > 0) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }

  /**
   * Asserts that a result table holds exactly the CLI's CSV: the same columns
   * in order, the same rows, every cell equal. The CLI prints numbers in
   * shortest round-trip form, so doubles must be bit-equal; an empty field is
   * a null cell.
   */
  static void assertSameAsCsv(List<List<String>> csv, Table t) {
    assertEquals(csv.get(0), t.columnNames(), "columns");
    assertEquals(csv.size() - 1, t.numRows(), "rows");
    for (int r = 0; r < t.numRows(); ++r) {
      List<String> line = csv.get(r + 1);
      for (int c = 0; c < t.numColumns(); ++c) {
        String expected = line.get(c);
        String where = t.columnName(c) + " row " + r;
        ColumnType type = t.columnType(c);
        if (type == ColumnType.STRING) {
          assertEquals(expected, t.getString(c, r), where);
        } else if (expected.isEmpty()) {
          assertTrue(t.isNull(c, r), where + " should be null");
        } else if (type == ColumnType.FLOAT64) {
          assertEquals(parseDouble(expected), t.getDouble(c, r), 0.0, where);
        } else {
          assertEquals(Long.parseLong(expected), t.getLong(c, r), where);
        }
      }
    }
  }

  private static double parseDouble(String s) {
    switch (s) {
      case "nan": return Double.NaN;
      case "inf": return Double.POSITIVE_INFINITY;
      case "-inf": return Double.NEGATIVE_INFINITY;
      default: return Double.parseDouble(s);
    }
  }

  /** The first row whose string column holds value; fails when there is none. */
  static int rowOf(Table t, String column, String value) {
    for (int r = 0; r < t.numRows(); ++r) {
      if (t.getString(column, r).equals(value)) return r;
    }
    return fail("no row with " + column + " = " + value + " in\n" + t.render("table"));
  }

  /** Data lines of a CSV file (its lines less the header), counted independently. */
  static long dataLines(Path csv) throws IOException {
    return parseCsv(Files.readString(csv, StandardCharsets.UTF_8)).size() - 1;
  }

  /** The process's resident set (VmRSS of /proc/self/status), in kB. */
  static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }
}

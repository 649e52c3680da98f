package org.baton.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.baton.Baton;
import org.baton.BatonException;
import org.baton.BatonFileNotFoundException;
import org.baton.Options;
import org.baton.Status;
import org.baton.Table;
import org.baton.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error path raises the documented exception with the engine's
 * message, and closed objects raise instead of crashing the JVM.
 */
class ErrorsTest {
  @TempDir Path tmp;

  /** Three people: p1 inquiry -> mql -> won, p2 inquiry -> mql, p3 inquiry. */
  static Workspace small() {
    return new Workspace()
        .addPerson("p1").addPerson("p2").addPerson("p3")
        .addStage("p1", "inquiry", 1_000).addStage("p1", "mql", 2_000)
        .addStage("p1", "won", 3 * 86_400_000L)
        .addStage("p2", "inquiry", 1_000).addStage("p2", "mql", 5_000)
        .addStage("p3", "inquiry", 1_000);
  }

  @Test
  void missingFileRaisesFileNotFoundWithThePath() {
    String path = tmp.resolve("no-such-export.toml").toString();
    try (Workspace ws = new Workspace()) {
      BatonFileNotFoundException e =
          assertThrows(BatonFileNotFoundException.class, () -> ws.load(path));
      assertEquals(Status.NOT_FOUND, e.getStatus());
      assertEquals("NotFound", e.getStatusName());
      assertTrue(e.getMessage().contains(path), e.getMessage());
      assertThrows(BatonFileNotFoundException.class, () -> ws.load("csv:" + path));
    }
    assertThrows(BatonFileNotFoundException.class,
                 () -> Baton.loadPlugin(tmp.resolve("no-such-plugin.so").toString()));
  }

  @Test
  void unknownConnectorIsNotFoundButNotAFileError() {
    try (Workspace ws = new Workspace()) {
      BatonException e = assertThrows(BatonException.class, () -> ws.load("nosuch:" + tmp));
      assertFalse(e instanceof BatonFileNotFoundException);
      assertEquals(Status.NOT_FOUND, e.getStatus());
      assertTrue(e.getMessage().contains("no connector named \"nosuch\""), e.getMessage());
    }
  }

  @Test
  void badOptionValueRaisesIllegalArgumentNamingTheOption() {
    try (Workspace ws = small()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ws.funnel(Options.of("funnel.cohort", "fortnight")));
      assertTrue(e.getMessage().contains("funnel.cohort") && e.getMessage().contains("fortnight"),
                 e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
                       () -> ws.funnel(Options.of("funnel.nope", "1")));
      assertTrue(e.getMessage().contains("funnel.nope"), e.getMessage());
    }
  }

  @Test
  void unknownColumnRaisesNotFoundListingTheColumns() {
    try (Workspace ws = small(); Table t = ws.funnel()) {
      BatonException e = assertThrows(BatonException.class, () -> t.getLong("nope", 0));
      assertEquals(Status.NOT_FOUND, e.getStatus());
      assertTrue(e.getMessage().contains("no column \"nope\"") && e.getMessage().contains("reached"),
                 e.getMessage());
      assertFalse(t.hasColumn("nope"));
      assertTrue(t.hasColumn("reached"));
    }
  }

  @Test
  void wrongTypeGetterAndBadIndexesRaiseIllegalArgument() {
    try (Workspace ws = small(); Table t = ws.funnel()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> t.getLong("segment", 0));
      assertTrue(e.getMessage().contains("\"segment\" is string"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> t.getString("reached", 0));
      e = assertThrows(IllegalArgumentException.class, () -> t.getLong("reached", 99));
      assertTrue(e.getMessage().contains("row 99"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> t.getLong(-1, 0));
      assertTrue(e.getMessage().contains("column -1"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> t.columnName(t.numColumns()));
      // get_double also reads int64 columns (baton.h).
      assertEquals(3.0, t.getDouble("reached", 0), 0.0);
    }
  }

  @Test
  void badRowsAndStateRaiseWithTheEnginesMessage() {
    try (Workspace ws = new Workspace()) {
      BatonException stage =
          assertThrows(BatonException.class, () -> ws.addStage("p", "nosuchstage", 5));
      assertEquals(Status.PARSE_ERROR, stage.getStatus());
      assertTrue(stage.getMessage().contains("nosuchstage"), stage.getMessage());
      assertThrows(IllegalArgumentException.class,
                   () -> ws.addTouch("p", 5, "web", "", "nosuchside"));
      assertThrows(IllegalArgumentException.class, () -> ws.addPerson(""));
      IllegalArgumentException nul =
          assertThrows(IllegalArgumentException.class, () -> ws.addPerson(null));
      assertTrue(nul.getMessage().contains("person_id"), nul.getMessage());
      assertThrows(IllegalArgumentException.class, () -> ws.funnel(null));
      ws.addPerson("p").freeze();
      BatonException frozen = assertThrows(BatonException.class, () -> ws.addPerson("q"));
      assertEquals(Status.FAILED_PRECONDITION, frozen.getStatus());
      assertTrue(frozen.getMessage().contains("frozen"), frozen.getMessage());
      BatonException analysis = assertThrows(BatonException.class, () -> ws.analyze("nope"));
      assertTrue(analysis.getMessage().contains("funnel"), analysis.getMessage());
    }
    assertThrows(IllegalArgumentException.class,
                 () -> Baton.writeSample(tmp.toString(), Options.of("sample.people", "-3")));
    assertThrows(IllegalArgumentException.class, () -> Options.of("odd"));
  }

  @Test
  void closingTwiceIsHarmlessAndUsingAClosedObjectRaises() {
    Workspace ws = small();
    Table t = ws.funnel();
    Table kept = ws.funnel();
    Options o = Options.of("funnel.by", "source");
    t.close();
    t.close();
    ws.close();
    ws.close();
    o.close();
    o.close();
    BatonException e = assertThrows(BatonException.class, t::numRows);
    assertEquals(Status.FAILED_PRECONDITION, e.getStatus());
    assertTrue(e.getMessage().contains("Table is closed"), e.getMessage());
    e = assertThrows(BatonException.class, () -> ws.funnel());
    assertTrue(e.getMessage().contains("Workspace is closed"), e.getMessage());
    assertThrows(BatonException.class, () -> ws.addPerson("p"));
    assertThrows(BatonException.class, () -> o.get("funnel.by"));
    try (Workspace other = small()) {
      assertThrows(IllegalArgumentException.class, () -> other.funnel(o));
    }
    // A result owns its data: it outlives the workspace that computed it.
    assertEquals(3, kept.getLong("reached", 0));
    kept.close();
  }
}

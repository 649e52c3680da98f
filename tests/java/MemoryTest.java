package org.baton.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.baton.Baton;
import org.baton.Options;
import org.baton.Table;
import org.baton.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand workspaces created, loaded, analysed and closed leave native
 * memory where it was. The JVM runs with a fixed, pre-touched heap (ctest
 * sets -Xms = -Xmx and AlwaysPreTouch), so the resident set moves only with
 * native allocations.
 */
class MemoryTest {
  @TempDir Path tmp;

  static void cycle(String toml) {
    try (Workspace ws = new Workspace().load(toml); Table t = ws.funnel()) {
      assertEquals(40, ws.rowCount("people"));
      assertTrue(t.numRows() > 0);
    }
  }

  @Test
  void thousandWorkspacesLeaveNoNativeGrowth() throws Exception {
    Baton.writeSample(tmp.toString(), Options.of("sample.people", "40"));
    String toml = tmp.resolve("sample.toml").toString();
    for (int i = 0; i < 100; ++i) cycle(toml);  // warm-up: JIT, allocator pools
    System.gc();
    long before = Support.residentKb();
    for (int i = 0; i < 1000; ++i) cycle(toml);
    System.gc();
    long after = Support.residentKb();
    System.out.printf("VmRSS after warm-up %d kB, after 1000 workspaces %d kB (%+d kB)%n",
                      before, after, after - before);
    assertTrue(after - before < 8 * 1024, "resident set grew by " + (after - before) + " kB");
  }
}

// Prints the funnel by source and the attribution by channel of the sample
// data set, the figures a CRM integration would push back to its records.
//
// Build and run (the build does both; see bindings/swig):
//   javac -cp lib/java/baton.jar -d out examples/java/FunnelReport.java
//   java -cp lib/java/baton.jar:out FunnelReport [FOLDER]
// FOLDER receives the sample data (default: a new temporary folder).
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.baton.Baton;
import org.baton.Options;
import org.baton.Table;
import org.baton.Workspace;

public final class FunnelReport {
  public static void main(String[] args) throws Exception {
    Path folder = args.length > 0 ? Paths.get(args[0]) : Files.createTempDirectory("baton-sample");
    Baton.writeSample(folder.toString(), Options.of("sample.people", "2000"));

    try (Workspace ws = new Workspace()) {
      ws.load(folder.resolve("sample.toml").toString());
      try (Table funnel = ws.funnel(Options.of("funnel.by", "source"))) {
        System.out.println("Funnel by source (" + funnel.numRows() + " rows)");
        System.out.printf("%-16s %-12s %8s %8s%n", "source", "stage", "reached", "to won");
        for (int row = 0; row < funnel.numRows(); ++row) {
          // A stage nobody reached has no rate: the cell is null.
          String toWon = funnel.isNull("rate_to_won", row)
              ? "-"
              : String.format("%.1f%%", 100 * funnel.getDouble("rate_to_won", row));
          System.out.printf("%-16s %-12s %8d %8s%n", funnel.getString("segment", row),
                            funnel.getString("stage", row), funnel.getLong("reached", row), toWon);
        }
      }
      try (Table credit = ws.attribution(Options.of("attribution.model", "linear,markov"))) {
        System.out.println();
        System.out.println("Attribution by channel");
        System.out.printf("%-8s %-16s %12s %14s%n", "model", "channel", "conversions", "revenue");
        for (int row = 0; row < credit.numRows(); ++row) {
          System.out.printf("%-8s %-16s %12.2f %14.2f%n", credit.getString("model", row),
                            credit.getString("key", row), credit.getDouble("conversions", row),
                            credit.getDouble("revenue", row));
        }
      }
    }
  }
}

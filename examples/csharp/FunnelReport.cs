// Prints the funnel by source and the attribution by channel of the sample
// data set, the figures a CRM integration would push back to its records.
//
// Build and run (the build does both; see bindings/swig):
//   mcs -r:lib/csharp/Baton.dll -out:lib/csharp/FunnelReport.exe examples/csharp/FunnelReport.cs
//   mono lib/csharp/FunnelReport.exe [FOLDER]
// FOLDER receives the sample data (default: a new temporary folder).
using System;
using System.IO;
using Baton;

public static class FunnelReport {
  public static int Main(string[] args) {
    string folder = args.Length > 0
        ? args[0]
        : Path.Combine(Path.GetTempPath(), "baton-sample-" + Guid.NewGuid().ToString("N"));
    Engine.WriteSample(folder, new Options { { "sample.people", "2000" } });

    using (var ws = new Workspace()) {
      ws.Load(Path.Combine(folder, "sample.toml"));
      using (Table funnel = ws.Funnel(new Options { { "funnel.by", "source" } })) {
        Console.WriteLine("Funnel by source ({0} rows)", funnel.NumRows());
        Console.WriteLine("{0,-16} {1,-12} {2,8} {3,8}", "source", "stage", "reached", "to won");
        for (int row = 0; row < funnel.NumRows(); ++row) {
          // A stage nobody reached has no rate: the cell is null.
          string toWon = funnel.IsNull("rate_to_won", row)
              ? "-"
              : (100 * funnel.GetDouble("rate_to_won", row)).ToString("F1") + "%";
          Console.WriteLine("{0,-16} {1,-12} {2,8} {3,8}", funnel.GetString("segment", row),
                            funnel.GetString("stage", row), funnel.GetLong("reached", row), toWon);
        }
      }
      using (Table credit = ws.Attribution(new Options { { "attribution.model", "linear,markov" } })) {
        Console.WriteLine();
        Console.WriteLine("Attribution by channel");
        Console.WriteLine("{0,-8} {1,-16} {2,12} {3,14}", "model", "channel", "conversions", "revenue");
        for (int row = 0; row < credit.NumRows(); ++row) {
          Console.WriteLine("{0,-8} {1,-16} {2,12:F2} {3,14:F2}", credit.GetString("model", row),
                            credit.GetString("key", row), credit.GetDouble("conversions", row),
                            credit.GetDouble("revenue", row));
        }
      }
    }
    return 0;
  }
}

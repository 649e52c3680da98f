// A tiny assertion helper: each test is a named method; failures are
// collected and reported as "N passed, N failed", and the exit code is
// non-zero when any test failed.
using System;
using System.Collections.Generic;

namespace Baton.Tests {

public class CheckFailed : Exception {
  public CheckFailed(string message) : base(message) {}
}

public static class Check {
  public static void True(bool condition, string what) {
    if (!condition) throw new CheckFailed(what);
  }

  public static void Equal<T>(T expected, T actual, string what) {
    if (!EqualityComparer<T>.Default.Equals(expected, actual))
      throw new CheckFailed(what + ": expected <" + expected + "> but was <" + actual + ">");
  }

  public static void Near(double expected, double actual, double tolerance, string what) {
    bool same = double.IsNaN(expected) ? double.IsNaN(actual)
                                       : Math.Abs(expected - actual) <= tolerance;
    if (!same)
      throw new CheckFailed(what + ": expected <" + expected.ToString("R") + "> but was <" +
                            actual.ToString("R") + ">");
  }

  // Runs action and returns the exception of exactly type T it must throw.
  public static T Throws<T>(Action action, string what) where T : Exception {
    try {
      action();
    } catch (Exception e) {
      if (e.GetType() == typeof(T)) return (T)e;
      throw new CheckFailed(what + ": expected " + typeof(T).Name + " but got " +
                            e.GetType().FullName + ": " + e.Message);
    }
    throw new CheckFailed(what + ": expected " + typeof(T).Name + ", nothing was thrown");
  }

  public static void Contains(string needle, string haystack, string what) {
    if (haystack == null || !haystack.Contains(needle))
      throw new CheckFailed(what + ": \"" + needle + "\" not in \"" + haystack + "\"");
  }
}

public class Runner {
  readonly List<KeyValuePair<string, Action>> tests = new List<KeyValuePair<string, Action>>();

  public void Add(string name, Action test) {
    tests.Add(new KeyValuePair<string, Action>(name, test));
  }

  public int Run() {
    int passed = 0, failed = 0;
    foreach (var t in tests) {
      try {
        t.Value();
        ++passed;
        Console.WriteLine("PASS " + t.Key);
      } catch (Exception e) {
        ++failed;
        Console.WriteLine("FAIL " + t.Key + ": " + (e is CheckFailed ? e.Message : e.ToString()));
      }
    }
    Console.WriteLine("{0} passed, {1} failed", passed, failed);
    return failed == 0 ? 0 : 1;
  }
}

}  // namespace Baton.Tests

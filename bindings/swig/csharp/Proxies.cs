// Completes the generated proxy classes (partial) with what C# callers
// expect: Close() beside Dispose(), lists, indexers and collection
// initialisers. Conversions only; every call goes to the generated methods.
using System.Collections;
using System.Collections.Generic;

namespace Baton {

public partial class Workspace {
  // Keeps the callback of SetProgress alive: only native code calls it.
#pragma warning disable 414
  private Progress progressRef;
#pragma warning restore 414

  /// <summary>Frees the workspace now (as Dispose); calling it again does
  /// nothing, using it afterwards throws a BatonException
  /// (FailedPrecondition).</summary>
  public void Close() {
    Dispose();
  }
}

public partial class Table {
  /// <summary>Frees the table now (as Dispose).</summary>
  public void Close() {
    Dispose();
  }

  /// <summary>The column names, in order.</summary>
  public IList<string> ColumnNames {
    get {
      var names = new List<string>();
      for (int i = 0, n = NumColumns(); i < n; ++i) names.Add(ColumnName(i));
      return names;
    }
  }

  /// <summary>The data-quality warnings attached to the result.</summary>
  public IList<string> Warnings {
    get {
      var warnings = new List<string>();
      for (int i = 0, n = NumWarnings(); i < n; ++i) warnings.Add(Warning(i));
      return warnings;
    }
  }
}

/// <summary>Options also read as a dictionary and fill from a collection
/// initialiser: <c>new Options { { "funnel.by", "source" } }</c>.</summary>
public partial class Options : IEnumerable<KeyValuePair<string, string>> {
  /// <summary>Frees the options now (as Dispose).</summary>
  public void Close() {
    Dispose();
  }

  /// <summary>Sets key to value (collection initialisers call it).</summary>
  public void Add(string key, string value) {
    Set(key, value);
  }

  /// <summary>The value of key; KeyNotFoundException when unset.</summary>
  public string this[string key] {
    get {
      if (!Has(key)) throw new KeyNotFoundException("option \"" + key + "\" is not set");
      return Get(key);
    }
    set { Set(key, value); }
  }

  public IEnumerator<KeyValuePair<string, string>> GetEnumerator() {
    for (int i = 0, n = Size(); i < n; ++i) {
      string key = Key(i);
      yield return new KeyValuePair<string, string>(key, Get(key));
    }
  }

  IEnumerator IEnumerable.GetEnumerator() {
    return GetEnumerator();
  }
}

}  // namespace Baton

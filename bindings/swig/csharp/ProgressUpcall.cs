// Runs a Progress.OnProgress call made by the engine. A managed exception
// must not unwind through the engine's native frames, so it is kept here and
// the callback answers "cancel"; the cancelled call then rethrows it
// (Errors.Raise). Per thread: the callback runs on the thread that made the
// call.
using System;

namespace Baton {

internal static class ProgressUpcall {
  [ThreadStatic] static Exception thrown;

  internal static bool Run(Func<bool> call) {
    try {
      return call();
    } catch (Exception e) {
      thrown = e;
      return true;
    }
  }

  internal static Exception TakeThrown() {
    Exception e = thrown;
    thrown = null;
    return e;
  }
}

}  // namespace Baton

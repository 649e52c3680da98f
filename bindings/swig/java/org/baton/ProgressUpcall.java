package org.baton;

import java.util.function.BooleanSupplier;

/**
 * Runs a {@link Progress#onProgress} call made by the engine. A Java exception
 * must not unwind through the engine's native frames, so it is kept here and
 * the callback answers "cancel"; the cancelled call then rethrows it
 * (BatonException.fromEngine). Per thread: the callback runs on the thread
 * that made the call.
 */
final class ProgressUpcall {
  private static final ThreadLocal<Throwable> thrown = new ThreadLocal<>();

  private ProgressUpcall() {}

  static boolean run(BooleanSupplier call) {
    try {
      return call.getAsBoolean();
    } catch (Throwable t) {
      thrown.set(t);
      return true;
    }
  }

  static Throwable takeThrown() {
    Throwable t = thrown.get();
    thrown.remove();
    return t;
  }
}

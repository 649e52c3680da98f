package org.baton;

import java.nio.charset.StandardCharsets;

/**
 * An error reported by the Baton engine: its status and its message, which
 * says what failed, where (file, row, column) and what to do.
 *
 * <p>The engine's errors arrive as follows: {@code INVALID_ARGUMENT} as
 * {@link IllegalArgumentException}, a missing file as
 * {@link BatonFileNotFoundException}, every other status as a
 * {@code BatonException}. All are unchecked. Thread-safe (immutable).
 *
 * @since 1.0
 */
public class BatonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status status;

  /** An error with the engine's status and message. */
  public BatonException(Status status, String message) {
    super(message);
    this.status = status;
  }

  /** The engine's status, e.g. {@link Status#NOT_FOUND}. */
  public Status getStatus() {
    return status;
  }

  /** The status name the engine uses in its C ABI, e.g. "NotFound". */
  public String getStatusName() {
    return Baton.statusName(status);
  }

  // Called from the JNI library for every failed call (baton.i, BatonRaise).
  // A call that a Progress callback cancelled by throwing rethrows what it
  // threw.
  static Throwable fromEngine(int code, boolean file, byte[] message) {
    Throwable thrown = ProgressUpcall.takeThrown();
    if (thrown != null) return thrown;
    String text = new String(message, StandardCharsets.UTF_8);
    Status status;
    try {
      status = Status.swigToEnum(code);
    } catch (IllegalArgumentException unknown) {
      status = Status.INTERNAL;
      text = "status " + code + ": " + text;
    }
    if (status == Status.INVALID_ARGUMENT) return new IllegalArgumentException(text);
    if (file) return new BatonFileNotFoundException(status, text);
    return new BatonException(status, text);
  }
}

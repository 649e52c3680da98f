package org.baton;

/**
 * A file or folder the caller named (a source to load, a plugin) does not
 * exist. Status {@link Status#NOT_FOUND}. Unchecked, like every Baton error,
 * so that calls need no {@code throws} clause; catch it where a missing export
 * is expected.
 *
 * @since 1.0
 */
public class BatonFileNotFoundException extends BatonException {
  private static final long serialVersionUID = 1L;

  /** An error with the engine's status (NOT_FOUND) and message. */
  public BatonFileNotFoundException(Status status, String message) {
    super(status, message);
  }
}

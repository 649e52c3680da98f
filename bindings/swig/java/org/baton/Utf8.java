package org.baton;

import java.nio.charset.StandardCharsets;

/** UTF-8 conversion of every string crossing into and out of the engine. */
final class Utf8 {
  private Utf8() {}

  // Standard UTF-8, not JNI's modified UTF-8, so characters beyond the Basic
  // Multilingual Plane reach the engine as the four bytes it expects.
  static byte[] encode(String s, String parameter) {
    if (s == null) throw new IllegalArgumentException(parameter + " is null");
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String decode(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}

package org.baton;

import java.io.File;
import java.net.URISyntaxException;
import java.security.CodeSource;

/**
 * Loads the JNI library libbaton_java.so once, before the first native call.
 *
 * <p>Search order: the file named by the system property {@code baton.library}
 * if set; libbaton_java.so in the folder of the jar holding this class (the
 * build and install layout); then {@code System.loadLibrary("baton_java")},
 * which searches {@code java.library.path}. libbaton_java.so finds libbaton.so
 * through its run path, so only the JNI library needs to be found here.
 */
final class NativeLibrary {
  static final String NAME = "baton_java";

  private NativeLibrary() {}

  static synchronized void load() {
    String explicit = System.getProperty("baton.library");
    if (explicit != null && !explicit.isEmpty()) {
      System.load(new File(explicit).getAbsolutePath());
      return;
    }
    File beside = besideJar();
    if (beside != null && beside.isFile()) {
      System.load(beside.getAbsolutePath());
      return;
    }
    System.loadLibrary(NAME);
  }

  private static File besideJar() {
    try {
      CodeSource source = NativeLibrary.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) return null;
      File location = new File(source.getLocation().toURI());
      File folder = location.isDirectory() ? location : location.getParentFile();
      return folder == null ? null : new File(folder, System.mapLibraryName(NAME));
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return null;
    }
  }
}

// Every string crosses into and out of the engine as UTF-8 bytes, whatever
// the platform's default marshalling (ANSI code pages on some runtimes).
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Baton {

internal static class Utf8 {
  // NUL-terminated UTF-8 for a const char* parameter.
  internal static byte[] Encode(string s, string parameter) {
    if (s == null) throw new ArgumentNullException(parameter);
    int n = Encoding.UTF8.GetByteCount(s);
    var bytes = new byte[n + 1];
    Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
    return bytes;
  }

  // Decodes a NUL-terminated UTF-8 string the engine owns.
  internal static string Read(IntPtr p) {
    if (p == IntPtr.Zero) return null;
    int n = 0;
    while (Marshal.ReadByte(p, n) != 0) ++n;
    var bytes = new byte[n];
    Marshal.Copy(p, bytes, 0, n);
    return Encoding.UTF8.GetString(bytes);
  }

  // Decodes and frees a string the wrapper allocated for a return value.
  internal static string Take(IntPtr p) {
    try {
      return Read(p);
    } finally {
      if (p != IntPtr.Zero) EnginePINVOKE.BatonStringFree(p);
    }
  }
}

}  // namespace Baton

// Engine errors as .NET exceptions. Each failed native call hands its status
// and UTF-8 message to Errors.Raise (registered once, below), which leaves the
// exception pending in SWIG's per-thread slot; the proxy method throws it as
// soon as the call returns, so native frames never unwind through managed
// code.
using System;
using System.Runtime.InteropServices;

namespace Baton {

/// <summary>An error reported by the Baton engine: its status and its
/// message (what failed, where, what to do). INVALID_ARGUMENT arrives as
/// <see cref="ArgumentException"/> and a missing file as
/// <see cref="System.IO.FileNotFoundException"/>; every other status as a
/// BatonException. Immutable, thread-safe. Since 1.0.</summary>
public class BatonException : Exception {
  public BatonException(Status status, string message) : base(message) {
    Status = status;
  }

  /// <summary>The engine's status, e.g. Status.NotFound.</summary>
  public Status Status { get; }

  /// <summary>The status name the engine's C ABI uses, e.g. "NotFound".</summary>
  public string StatusName => Engine.StatusName(Status);
}

internal class Errors {
  delegate void ErrorCallback(int code, int file, IntPtr message);

  // Kept in a static field: native code holds the function pointer for the
  // life of the process, so the delegate must never be collected.
  static readonly ErrorCallback callback = Raise;

  [DllImport("baton_csharp", EntryPoint = "BatonRegisterErrorCallback")]
  static extern void Register(ErrorCallback callback);

  static Errors() {
    Register(callback);
  }

  // A call that a Progress callback cancelled by throwing rethrows what it
  // threw.
  static void Raise(int code, int file, IntPtr message) {
    Exception thrown = ProgressUpcall.TakeThrown();
    EnginePINVOKE.SWIGPendingException.Set(thrown ?? Make(code, file != 0, Utf8.Read(message)));
  }

  internal static Exception Make(int code, bool file, string message) {
    if (!Enum.IsDefined(typeof(Status), code))
      return new BatonException(Status.Internal, "status " + code + ": " + message);
    var status = (Status)code;
    if (status == Status.InvalidArgument) return new ArgumentException(message);
    if (file) return new System.IO.FileNotFoundException(message);
    return new BatonException(status, message);
  }
}

}  // namespace Baton

// Java (package org.baton) and C# (namespace Baton) bindings of Baton.
//
// Wraps baton_swig.h, a plain-typed restatement of the C++ facade, and adds
// only conversions: UTF-8 strings both ways, engine errors to exceptions (one
// %exception block), close()/Dispose(), and names in each language's style.
// A method added to baton_swig.h is wrapped with no change here.
%module(directors="1") Baton

%{
#include <cstdlib>
#include <cstring>
#include <new>

#include "baton_swig.h"
%}

%include <stdint.i>

// ---- Names: get_string becomes getString (Java) and GetString (C#). -------
#ifdef SWIGJAVA
%include <enums.swg>
%rename("%(lowercamelcase)s", %$isfunction) "";
// Enum items: InvalidArgument becomes INVALID_ARGUMENT.
%rename("%(uppercase)s", %$isenumitem, regexmatch$name="^[A-Z][a-z0-9]*$") "";
%rename("%(regex:/^([A-Z][a-z0-9]*)([A-Z][a-z0-9]*)$/\\U\\1_\\2/)s", %$isenumitem,
        regexmatch$name="^([A-Z][a-z0-9]*){2}$") "";
%rename("%(regex:/^([A-Z][a-z0-9]*)([A-Z][a-z0-9]*)([A-Z][a-z0-9]*)$/\\U\\1_\\2_\\3/)s",
        %$isenumitem, regexmatch$name="^([A-Z][a-z0-9]*){3}$") "";
// The JNI library loads on first use (NativeLibrary.java: the jar's folder,
// then java.library.path).
%pragma(java) jniclasscode=%{
  static {
    NativeLibrary.load();
  }
%}
#else
%rename("%(camelcase)s", %$isfunction) "";
%rename(NoTime) NO_TIME;
#endif

// ---- Errors: one raise per language, used by every error path below. ------
#ifdef SWIGJAVA
%{
// Throws BatonException.fromEngine(...): the Java side picks the class
// (IllegalArgumentException, BatonFileNotFoundException, BatonException).
static void BatonRaise(JNIEnv* jenv, int code, bool file, const char* message) {
  if (jenv->ExceptionCheck()) return;  // a Java exception is already on its way
  jclass cls = jenv->FindClass("org/baton/BatonException");
  if (!cls) return;
  jmethodID make = jenv->GetStaticMethodID(
      cls, "fromEngine", "(IZ[B)Ljava/lang/Throwable;");
  jsize n = static_cast<jsize>(std::strlen(message));
  jbyteArray bytes = make ? jenv->NewByteArray(n) : nullptr;
  if (!bytes) return;
  jenv->SetByteArrayRegion(bytes, 0, n, reinterpret_cast<const jbyte*>(message));
  jobject error = jenv->CallStaticObjectMethod(cls, make, static_cast<jint>(code),
                                              static_cast<jboolean>(file), bytes);
  if (error && !jenv->ExceptionCheck()) jenv->Throw(static_cast<jthrowable>(error));
}
#define BATON_RAISE(code, file, message) BatonRaise(jenv, code, file, message)
#define BATON_CLOSE_CALL "close()"
%}
#else
%insert(runtime) %{
// The C# side registers one callback (Errors.cs) that builds the exception
// and leaves it pending; the proxy rethrows it when the call returns.
typedef void (SWIGSTDCALL* BatonErrorCallback)(int code, int file, const char* message);
static BatonErrorCallback baton_error_callback = nullptr;
extern "C" SWIGEXPORT void SWIGSTDCALL BatonRegisterErrorCallback(BatonErrorCallback cb) {
  baton_error_callback = cb;
}
// Strings returned to C# are malloc'd UTF-8, decoded and freed by Utf8.Take.
extern "C" SWIGEXPORT void SWIGSTDCALL BatonStringFree(char* s) { std::free(s); }
%}
%{
static void BatonRaise(int code, bool file, const char* message) {
  if (baton_error_callback)
    baton_error_callback(code, file ? 1 : 0, message);
  else
    SWIG_CSharpSetPendingException(SWIG_CSharpApplicationException, message);
}
static char* BatonCopy(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}
#define BATON_RAISE(code, file, message) BatonRaise(code, file, message)
#define BATON_CLOSE_CALL "Dispose()"
%}
%pragma(csharp) imclasscode=%{
  // Registers the error callback before the first native call.
  internal static readonly Errors batonErrors = new Errors();
  [global::System.Runtime.InteropServices.DllImport("$dllimport", EntryPoint="BatonStringFree")]
  internal static extern void BatonStringFree(global::System.IntPtr s);
%}
#endif

%exception {
  try {
    $action
  } catch (const baton::swig::FileNotFound& e) {
    BATON_RAISE(e.code(), true, e.what());
    return $null;
  } catch (const baton::Error& e) {
    BATON_RAISE(e.code(), false, e.what());
    return $null;
  } catch (const std::bad_alloc&) {
    BATON_RAISE(BATON_OUT_OF_MEMORY, false, "out of memory");
    return $null;
  } catch (const std::exception& e) {
    BATON_RAISE(BATON_INTERNAL, false, e.what());
    return $null;
  }
}

// A closed proxy passes a null pointer: raise, as the facade does for a
// closed handle, instead of dereferencing it. The same for an argument.
%{
static std::string BatonClosed(const char* type) {
  std::string name(type);
  name = name.substr(name.rfind(':') + 1);  // npos + 1 == 0: no namespace
  return "this " + name + " is closed: it cannot be used after " BATON_CLOSE_CALL;
}
%}
%typemap(check, canthrow=1) SWIGTYPE* self %{
  if (!$1) {
    BATON_RAISE(BATON_FAILED_PRECONDITION, false, BatonClosed("$*1_ltype").c_str());
    return $null;
  }
%}
#ifdef SWIGJAVA
%typemap(in) const baton::swig::Options& %{ $1 = *($&1_ltype)&$input; %}
#else
%typemap(in) const baton::swig::Options& %{ $1 = ($1_ltype)$input; %}
#endif
%typemap(check, canthrow=1) const baton::swig::Options& %{
  if (!$1) {
    BATON_RAISE(BATON_INVALID_ARGUMENT, false,
                "the Options argument is null, or closed: it cannot be used after "
                BATON_CLOSE_CALL);
    return $null;
  }
%}

// ---- Strings: UTF-8 bytes across the boundary, never modified UTF-8 or a
// locale's code page. A null string is an argument error. -----------------
#ifdef SWIGJAVA
%typemap(jni) std::string, const std::string& "jbyteArray"
%typemap(jtype) std::string, const std::string& "byte[]"
%typemap(jstype) std::string, const std::string& "String"
%typemap(javain) const std::string& "Utf8.encode($javainput, \"$javainput\")"
%typemap(in) const std::string& (std::string bytes) %{
  {
    jsize n = jenv->GetArrayLength($input);
    bytes.resize(static_cast<size_t>(n));
    if (n) jenv->GetByteArrayRegion($input, 0, n, reinterpret_cast<jbyte*>(&bytes[0]));
    $1 = &bytes;
  }
%}
%typemap(out) std::string %{
  $result = jenv->NewByteArray(static_cast<jsize>($1.size()));
  if ($result)
    jenv->SetByteArrayRegion($result, 0, static_cast<jsize>($1.size()),
                             reinterpret_cast<const jbyte*>($1.data()));
%}
%typemap(javaout) std::string { return Utf8.decode($jnicall); }
#else
%typemap(ctype) const std::string& "const char*"
%typemap(imtype) const std::string& "byte[]"
%typemap(cstype) const std::string& "string"
%typemap(csin) const std::string& "Utf8.Encode($csinput, \"$csinput\")"
%typemap(in, canthrow=1) const std::string& (std::string bytes) %{
  if (!$input) {
    BATON_RAISE(BATON_INVALID_ARGUMENT, false, "a string argument is null");
    return $null;
  }
  bytes.assign($input);
  $1 = &bytes;
%}
%typemap(ctype) std::string "char*"
%typemap(imtype) std::string "global::System.IntPtr"
%typemap(cstype) std::string "string"
%typemap(out) std::string %{ $result = BatonCopy($1); %}
%typemap(csout, excode=SWIGEXCODE) std::string {
    global::System.IntPtr utf8 = $imcall;$excode
    return Utf8.Take(utf8);
  }
#endif

// ---- Progress: a director. The callback's exception is caught on the
// managed side (ProgressUpcall: Java and C# exceptions must not unwind native
// frames), which cancels the call; the call then rethrows that exception.
// The workspace proxy holds the callback so that the collector keeps it.
%feature("director") baton::swig::Progress;
#ifdef SWIGJAVA
%typemap(jni) const char* phase "jbyteArray"
%typemap(jtype) const char* phase "byte[]"
%typemap(jstype) const char* phase "String"
%typemap(javain) const char* phase "Utf8.encode($javainput, \"phase\")"
%typemap(in) const char* phase (std::string bytes) %{
  {
    jsize n = jenv->GetArrayLength($input);
    bytes.resize(static_cast<size_t>(n));
    if (n) jenv->GetByteArrayRegion($input, 0, n, reinterpret_cast<jbyte*>(&bytes[0]));
    $1 = ($1_ltype)bytes.c_str();
  }
%}
%typemap(freearg) const char* phase ""
%typemap(directorin, descriptor="Ljava/lang/String;") const char* phase %{
  {
    jsize n = static_cast<jsize>(std::strlen($1));
    $input = jenv->NewByteArray(n);
    if ($input) jenv->SetByteArrayRegion($input, 0, n, reinterpret_cast<const jbyte*>($1));
  }
  Swig::LocalRefGuard $1_refguard(jenv, $input);
%}
%typemap(javadirectorin) const char* phase "Utf8.decode($jniinput)"
%typemap(javadirectorout) bool on_progress "ProgressUpcall.run(() -> $javacall)"
%typemap(javain) baton::swig::Progress* progress
    "Progress.getCPtr(this.progressRef = $javainput)"
#else
%typemap(imtype, inattributes="[global::System.Runtime.InteropServices.MarshalAs(global::System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)]",
         directorinattributes="[global::System.Runtime.InteropServices.MarshalAs(global::System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)]")
    const char* phase "string"
%typemap(csdirectorout) bool on_progress "ProgressUpcall.Run(() => $cscall)"
%typemap(csin) baton::swig::Progress* progress
    "Progress.getCPtr(this.progressRef = $csinput)"
#endif

// ---- Ownership: close() (Java, AutoCloseable) and Dispose() (C#). Closing
// twice does nothing; the proxies of fluent calls are `this`, so a chain
// never makes a second owner of the same object. ---------------------------
#ifdef SWIGJAVA
%typemap(javainterfaces) baton::swig::Workspace, baton::swig::Table, baton::swig::Options
    "AutoCloseable"
%typemap(javaout) baton::swig::Workspace&, baton::swig::Options& {
    $jnicall;
    return this;
  }
%typemap(javacode) baton::swig::Workspace %{
  private Progress progressRef;  // keeps the callback of setProgress alive

  /** Frees the workspace now; calling it again does nothing. */
  @Override
  public void close() {
    delete();
  }
%}
%typemap(javacode) baton::swig::Table %{
  /** Frees the table now; calling it again does nothing. */
  @Override
  public void close() {
    delete();
  }
  /** The column names, in order. */
  public java.util.List<String> columnNames() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0, n = numColumns(); i < n; ++i) out.add(columnName(i));
    return out;
  }
  /** The data-quality warnings attached to the result. */
  public java.util.List<String> warnings() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (int i = 0, n = numWarnings(); i < n; ++i) out.add(warning(i));
    return out;
  }
%}
%typemap(javacode) baton::swig::Options %{
  /** Frees the options now; calling it again does nothing. */
  @Override
  public void close() {
    delete();
  }
  /** Options from key, value, key, value, ... */
  public static Options of(String... keyValues) {
    if (keyValues.length % 2 != 0)
      throw new IllegalArgumentException("Options.of takes key, value pairs; got " +
                                         keyValues.length + " strings");
    Options o = new Options();
    for (int i = 0; i < keyValues.length; i += 2) o.set(keyValues[i], keyValues[i + 1]);
    return o;
  }
  /** Options holding every entry of map. */
  public static Options of(java.util.Map<String, String> map) {
    Options o = new Options();
    map.forEach(o::set);
    return o;
  }
  /** A copy of the options as a sorted map. */
  public java.util.SortedMap<String, String> toMap() {
    java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
    for (int i = 0, n = size(); i < n; ++i) out.put(key(i), get(key(i)));
    return out;
  }
%}
#else
// Errors.cs, Utf8.cs and partial classes (Close, lists, indexers,
// collection initialisers) complete the generated classes.
%typemap(csclassmodifiers) SWIGTYPE "public partial class"
%typemap(csout, excode=SWIGEXCODE) baton::swig::Workspace&, baton::swig::Options& {
    $imcall;$excode
    return this;
  }
#endif

// A constant, not a read-only variable: Baton.NO_TIME (Java), Engine.NoTime (C#).
%ignore baton::swig::NO_TIME;
%constant int64_t NO_TIME = baton::swig::NO_TIME;

// Tables come from analyses, never from `new Table()`.
%nodefaultctor baton::swig::Table;

%include "baton_swig.h"

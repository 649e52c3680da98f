// Error: how the csv connector's own functions report failure.
//
// The plugin links nothing of Baton (connector.h is its only Baton header),
// so it cannot use baton::Status. An Error carries a baton_status code
// (BATON_OK means success) and a message that names the file, row and column
// where it can; the connector's entry points hand both to host->set_error.
// A plain value type: copy it freely; no shared state.
#ifndef BATON_PLUGINS_CSV_ERROR_H_
#define BATON_PLUGINS_CSV_ERROR_H_

#include <new>
#include <string>
#include <utility>

#include "baton/connector.h"

namespace baton::csv {

struct [[nodiscard]] Error {
  int code = BATON_OK;
  std::string message;

  bool ok() const { return code == BATON_OK; }
  static Error Ok() { return Error(); }
  static Error Make(int code, std::string message) {
    Error e;
    e.code = code;
    e.message = std::move(message);
    return e;
  }
};

// Runs a connector entry point's `body` (a callable returning Error) and turns
// its outcome into the baton_status the entry point returns: a failed Error
// goes to host.SetError with its message; std::bad_alloc becomes
// BATON_OUT_OF_MEMORY "<connector>: out of memory while <verb>" and any other
// exception BATON_INTERNAL "<connector>: unexpected internal error while
// <verb>", so that no exception crosses the C ABI. `host` is any type with
// SetError(int, const char*) (HostServices of loader.h); `verb` is "reading"
// or "writing".
template <typename Host, typename Body>
int RunEntryPoint(const Host& host, const char* connector, const char* verb,
                  Body&& body) {
  try {
    Error e = body();
    if (!e.ok()) host.SetError(e.code, e.message.c_str());
    return e.code;
  } catch (const std::bad_alloc&) {
    const std::string message =
        std::string(connector) + ": out of memory while " + verb;
    host.SetError(BATON_OUT_OF_MEMORY, message.c_str());
    return BATON_OUT_OF_MEMORY;
  } catch (...) {
    const std::string message =
        std::string(connector) + ": unexpected internal error while " + verb;
    host.SetError(BATON_INTERNAL, message.c_str());
    return BATON_INTERNAL;
  }
}

}  // namespace baton::csv

// Returns the Error of `expr` from the enclosing function when it failed.
#define BATON_CSV_RETURN_IF_ERROR(expr)              \
  do {                                               \
    ::baton::csv::Error baton_csv_error_ = (expr);   \
    if (!baton_csv_error_.ok()) return baton_csv_error_; \
  } while (0)

#endif  // BATON_PLUGINS_CSV_ERROR_H_

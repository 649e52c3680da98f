// Error: how the csv connector's own functions report failure.
//
// The plugin links nothing of Baton (connector.h is its only Baton header),
// so it cannot use baton::Status. An Error carries a baton_status code
// (BATON_OK means success) and a message that names the file, row and column
// where it can; the connector's entry points hand both to host->set_error.
// A plain value type: copy it freely; no shared state.
#ifndef BATON_PLUGINS_CSV_ERROR_H_
#define BATON_PLUGINS_CSV_ERROR_H_

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

}  // namespace baton::csv

// Returns the Error of `expr` from the enclosing function when it failed.
#define BATON_CSV_RETURN_IF_ERROR(expr)              \
  do {                                               \
    ::baton::csv::Error baton_csv_error_ = (expr);   \
    if (!baton_csv_error_.ok()) return baton_csv_error_; \
  } while (0)

#endif  // BATON_PLUGINS_CSV_ERROR_H_

// Status and Result: how every fallible core function reports failure.
//
// A Status is OK or carries a code and a message that says what went wrong,
// where, and what to do about it. Codes equal the C ABI's baton_status values
// (a static_assert in core/capi keeps them equal); new codes are appended only.
// Result<T> holds either a value or a non-OK Status.
#ifndef BATON_COMMON_STATUS_H_
#define BATON_COMMON_STATUS_H_

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace baton {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,
  kNotFound = 2,
  kIoError = 3,
  kParseError = 4,
  kUnsupported = 5,
  kCancelled = 6,
  kInternal = 7,
  kFailedPrecondition = 8,
  kPluginError = 9,
  kOutOfMemory = 10,
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return Status(StatusCode::kInvalidArgument, std::move(m));
  }
  static Status NotFound(std::string m) {
    return Status(StatusCode::kNotFound, std::move(m));
  }
  static Status IoError(std::string m) {
    return Status(StatusCode::kIoError, std::move(m));
  }
  static Status ParseError(std::string m) {
    return Status(StatusCode::kParseError, std::move(m));
  }
  static Status Unsupported(std::string m) {
    return Status(StatusCode::kUnsupported, std::move(m));
  }
  static Status Cancelled(std::string m) {
    return Status(StatusCode::kCancelled, std::move(m));
  }
  static Status Internal(std::string m) {
    return Status(StatusCode::kInternal, std::move(m));
  }
  static Status FailedPrecondition(std::string m) {
    return Status(StatusCode::kFailedPrecondition, std::move(m));
  }
  static Status PluginError(std::string m) {
    return Status(StatusCode::kPluginError, std::move(m));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "ParseError: stages.csv:12: ..." for logs and tests.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace baton

#define BATON_CONCAT_INNER_(a, b) a##b
#define BATON_CONCAT_(a, b) BATON_CONCAT_INNER_(a, b)

#define BATON_RETURN_IF_ERROR(expr)              \
  do {                                           \
    ::baton::Status baton_status_ = (expr);      \
    if (!baton_status_.ok()) return baton_status_; \
  } while (0)

#define BATON_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#define BATON_ASSIGN_OR_RETURN(lhs, rexpr) \
  BATON_ASSIGN_OR_RETURN_IMPL_(BATON_CONCAT_(baton_result_, __LINE__), lhs, rexpr)

#endif  // BATON_COMMON_STATUS_H_

// Status and Result<T>: how every n4a library function reports failure.
//
// A Status is ok or carries a code and a message; a Result<T> holds a T or a
// non-ok Status. Library functions never throw: exceptions of DuckDB or the
// standard library are caught at the layer that calls them and turned into a
// Status. Both types are cheap to move and safe to use from any thread (they
// are values; sharing one object across threads needs external sync).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace n4a {

// The CLI maps codes to exit statuses (DESIGN.md "Errors"):
// kInvalidArgument -> 2, kLockTimeout -> 3, kCorruption -> 4, others -> 1.
enum class StatusCode {
  kOk = 0,
  kNotFound,
  kInvalidArgument,
  kAlreadyExists,
  kCorruption,
  kIOError,
  kLockTimeout,
  kNotSupported,
  kFailedPrecondition,
  kInternal,
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok

  static Status Ok() { return {}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status LockTimeout(std::string msg) { return {StatusCode::kLockTimeout, std::move(msg)}; }
  static Status NotSupported(std::string msg) {
    return {StatusCode::kNotSupported, std::move(msg)};
  }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  bool IsAlreadyExists() const { return code_ == StatusCode::kAlreadyExists; }
  bool IsCorruption() const { return code_ == StatusCode::kCorruption; }
  bool IsIOError() const { return code_ == StatusCode::kIOError; }
  bool IsLockTimeout() const { return code_ == StatusCode::kLockTimeout; }
  bool IsNotSupported() const { return code_ == StatusCode::kNotSupported; }

  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "ok", or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>" (ok stays ok).
  Status WithContext(std::string_view context) const;
  // The same status with `hint` (what the user can do next) after its
  // message: "<message>; <hint>". Ok stays ok.
  Status WithHint(std::string_view hint) const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// The name of a code, e.g. "NotFound".
const char* StatusCodeName(StatusCode code);

// A value of type T, or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "a Result needs a value or a non-ok Status");
    if (status_.ok()) status_ = Status::Internal("Result constructed from an ok Status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  // By value, so that `for (auto& x : *MakeResult())` cannot dangle.
  T value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

namespace internal {
inline const Status& StatusOf(const Status& s) {
  return s;
}
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace n4a

#define N4A_CONCAT_IMPL(a, b) a##b
#define N4A_CONCAT(a, b) N4A_CONCAT_IMPL(a, b)

// Returns the Status of `expr` (a Status or a Result<T>) from the enclosing
// function when it is not ok.
#define N4A_TRY(expr) N4A_TRY_IMPL(N4A_CONCAT(n4a_try_value_, __COUNTER__), expr)
#define N4A_TRY_IMPL(tmp, expr)                                                      \
  do {                                                                               \
    auto&& tmp = (expr);                                                             \
    if (!::n4a::internal::StatusOf(tmp).ok()) return ::n4a::internal::StatusOf(tmp); \
  } while (false)

// `N4A_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result's value,
// or returns its Status from the enclosing function.
#define N4A_ASSIGN_OR_RETURN(lhs, expr) \
  N4A_ASSIGN_OR_RETURN_IMPL(N4A_CONCAT(n4a_result_, __COUNTER__), lhs, expr)
#define N4A_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

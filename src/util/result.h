// One error model for every layer: a stable code, a sentence a DBA can act on.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace dbtrail {

// Stable error codes. Each maps to a CLI exit code (exit_code()) and, later, an
// HTTP status. Never renumber: scripts depend on exit codes.
enum class ErrorCode : int {
  kOk = 0,
  kInvalidArgument = 2,   // bad flag or value on the command line
  kNotFound = 3,          // a file, schema, table or row that does not exist
  kCorrupt = 4,           // bytes that cannot be what they claim (CRC, lengths)
  kTruncated = 5,         // input ends inside an event (a live file still being written)
  kUnsupported = 6,       // a valid feature we cannot read (e.g. encrypted binlog)
  kIo = 7,                // operating system refused a read or write
  kConnection = 8,        // a server could not be reached or refused us
  kInternal = 9,          // a bug in dbtrail: please report
  kPrerequisite = 10,     // the source is not configured as dbtrail needs (dbtrail check)
  kListen = 11,           // a local address to serve on cannot be bound (in use, not this host's)
};

inline int exit_code(ErrorCode c) { return static_cast<int>(c); }
const char* error_code_name(ErrorCode c);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // full sentence: what is wrong and what to do; never a secret
};

// Result<T>: a value or an Error. Result<void> carries only success or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : err_(std::move(e)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return err_; }

 private:
  Error err_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace dbtrail

// Propagate an error from an expression returning Result/Status.
#define DBT_TRY(expr)                              \
  do {                                             \
    auto dbt_try_r_ = (expr);                      \
    if (!dbt_try_r_.ok()) return dbt_try_r_.error(); \
  } while (0)

// SpoolResult<T>: the Result<T> of a quarantine spool operation, with a kind of error
// beside the message, so a caller can act on the kind (tempfail with the counted reason
// "quarantine full" on OverQuota, answer "no such entry" on NotFound) without reading the
// text. It converts to a plain Result<T> for callers that only pass the message on.
#pragma once

#include <string>
#include <utility>

#include "gateway/util/Result.hpp"

namespace mailgate {

enum class SpoolErrorKind {
    None,
    InvalidId,  // not a mailgate ID: refused before any path is built from it
    NotFound,
    Exists,     // store of an ID the spool already holds
    OverQuota,  // the spool's byte or entry bound would be passed
    Malformed,  // an entry's metadata or body on disk is damaged, or the entry is invalid
    Refused,    // the caller's change to an entry said no
    Io,         // the file system failed (disk full, permission, I/O error)
};

struct SpoolError {
    SpoolErrorKind kind;
    std::string message;
};

template <class T>
class [[nodiscard]] SpoolResult : public Result<T> {
  public:
    SpoolResult(T value) : Result<T>(std::move(value)) {}
    SpoolResult(SpoolError error)
        : Result<T>(makeError(std::move(error.message))), kind_(error.kind) {}
    SpoolErrorKind errorKind() const { return kind_; }

  private:
    SpoolErrorKind kind_ = SpoolErrorKind::None;
};

template <>
class [[nodiscard]] SpoolResult<void> : public Result<void> {
  public:
    SpoolResult() = default;
    SpoolResult(SpoolError error)
        : Result<void>(makeError(std::move(error.message))), kind_(error.kind) {}
    SpoolErrorKind errorKind() const { return kind_; }

  private:
    SpoolErrorKind kind_ = SpoolErrorKind::None;
};

}  // namespace mailgate

// Result<T>: a value or an error message, returned across module edges instead of
// throwing. It is deliberately small (a subset of C++23 std::expected, which g++ 12
// does not offer in C++20 mode). Result<T, E> carries a structured error E instead of a
// message where callers must tell failures apart (SmtpResult: the stage and the reply).
// It is not for programmer errors: those still throw.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace mailgate {

struct Error {
    std::string message;
};

template <class T, class E = Error>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    // The error message, for the usual Result<T>.
    const std::string& error() const requires std::is_same_v<E, Error> {
        return std::get<1>(state_).message;
    }
    // The error itself, whatever its type.
    const E& failure() const { return std::get<1>(state_); }

  private:
    std::variant<T, E> state_;
};

// Result<void>: success, or an error message.
template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Error error) : error_(std::move(error.message)), failed_(true) {}

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const std::string& error() const { return error_; }

  private:
    std::string error_;
    bool failed_ = false;
};

inline Error makeError(std::string message) {
    return Error{std::move(message)};
}

}  // namespace mailgate

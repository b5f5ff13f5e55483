#pragma once
// Result<T>: a value or an error message. The engine never aborts on bad input; every fallible
// call returns one of these and the caller (app/ or the CLI) turns the error into visible state.
#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace hearth {

struct Error {
    std::string message;
};

template <class T> class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const std::string& error() const {
        assert(!ok());
        return std::get<1>(v_).message;
    }
    Error takeError() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

// Result<void>: success or an error message.
template <> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}
    bool ok() const { return !error_; }
    explicit operator bool() const { return ok(); }
    const std::string& error() const {
        assert(!ok());
        return error_->message;
    }
    Error takeError() && { return std::move(*error_); }

private:
    std::optional<Error> error_;
};

using Status = Result<void>;

inline Error makeError(std::string message) {
    return Error{std::move(message)};
}

} // namespace hearth

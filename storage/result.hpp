#pragma once
// Result<T>: the value of an operation that can fail in an expected way (bad input, a full disk,
// an unreachable server). Bugs are assertions; expected failures are values, and nothing throws
// across a folder's public header. It lives in storage/ because storage is the lowest layer that
// storage, sync and kiosk all share (drivers/ stays independent and has its own error types).

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace doorpost {

// What kind of failure, chosen so the command line can map it to an exit code
// (DESIGN.md: 2 bad input, 3 environment fault) and the UI to a message.
enum class ErrorKind {
    BadInput,    // the caller's data is wrong: a malformed code, an invalid ID number
    Environment, // the world is wrong: disk full, I/O error, device gone, network down
    Negative,    // a well-formed answer that is "no": a tampered export, a broken chain
    Conflict,    // the data contradicts what is already recorded
};

struct Error {
    ErrorKind kind = ErrorKind::BadInput;
    std::string message; // one line, names what was wrong
};

inline Error badInput(std::string message) {
    return {ErrorKind::BadInput, std::move(message)};
}
inline Error environmentFault(std::string message) {
    return {ErrorKind::Environment, std::move(message)};
}

template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<T>(m_state);
    }
    const T& value() const& {
        assert(ok());
        return std::get<T>(m_state);
    }
    T&& value() && {
        assert(ok());
        return std::get<T>(std::move(m_state));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<Error>(m_state);
    }

private:
    std::variant<T, Error> m_state;
};

// Result<void>: success carries nothing.
template <> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const {
        assert(m_failed);
        return m_error;
    }

private:
    Error m_error;
    bool m_failed = false;
};

} // namespace doorpost

#pragma once
// Result<T>: the value of an operation that can fail in an expected way (bad input, a full disk,
// an unreachable server, an unplugged camera). Bugs are assertions; expected failures are values,
// and nothing throws across a folder's public header. The error type is Error unless a layer
// needs finer kinds of its own (drivers: DriverError, storage/base/driver_error.hpp).

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

// Where a failure came from, when a caller acts on it (the door screen tells a configuration
// fault from a disk fault); General everywhere else. Never parsed out of the message.
enum class ErrorOrigin {
    General,
    TrustData, // the trust data (keys, deny list, roster) could not be loaded
};

struct Error {
    ErrorKind kind = ErrorKind::BadInput;
    std::string message; // one line, names what was wrong
    ErrorOrigin origin = ErrorOrigin::General;
};

inline Error badInput(std::string message) {
    return {ErrorKind::BadInput, std::move(message)};
}
inline Error environmentFault(std::string message) {
    return {ErrorKind::Environment, std::move(message)};
}

template <typename T, typename E = Error> class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(E error) : m_state(std::move(error)) {}

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

    const E& error() const {
        assert(!ok());
        return std::get<E>(m_state);
    }

private:
    std::variant<T, E> m_state;
};

// Result<void>: success carries nothing.
template <typename E> class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    Result(E error) : m_error(std::move(error)), m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const E& error() const {
        assert(m_failed);
        return m_error;
    }

private:
    E m_error{};
    bool m_failed = false;
};

} // namespace doorpost

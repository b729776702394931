#pragma once
// Expected failures of drivers/ as values. drivers/ depends on nothing else in Doorpost, so it has
// its own small error type; kiosk/ maps it onto doorpost::Error where it needs an exit code.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace doorpost::drivers {

enum class DriverErrorKind {
    BadInput,    // the caller's data is wrong: an unreadable image file, an invalid view
    NotFound,    // no such file or device
    Unsupported, // the device or file offers nothing we can use (pixel format, codec)
    Unplugged,   // the device went away (ENODEV); it may come back
    Timeout,     // nothing arrived in time
    Device,      // any other fault reported by the device or the kernel
    Crashed,     // the isolated decoder process died on this frame
};

struct DriverError {
    DriverErrorKind kind = DriverErrorKind::Device;
    std::string message; // one line, names what was wrong
};

const char* toString(DriverErrorKind kind);

template <typename T> class [[nodiscard]] DriverResult {
public:
    DriverResult(T value) : m_state(std::move(value)) {}
    DriverResult(DriverError error) : m_state(std::move(error)) {}

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

    const DriverError& error() const {
        assert(!ok());
        return std::get<DriverError>(m_state);
    }

private:
    std::variant<T, DriverError> m_state;
};

// Success that carries nothing.
struct Done {};
using DriverStatus = DriverResult<Done>;

} // namespace doorpost::drivers

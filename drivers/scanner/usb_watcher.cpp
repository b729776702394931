#include "drivers/scanner/usb_watcher.hpp"

#include "drivers/scanner/usb_devices.hpp"

#include <libusb.h>

namespace doorpost::drivers::scanner {
namespace {

libusb_context* ctx(void* context) {
    return static_cast<libusb_context*>(context);
}

int LIBUSB_CALL trampoline(libusb_context*, libusb_device* device, libusb_hotplug_event event,
                           void* self) {
    static_cast<UsbWatcher*>(self)->handle(device, event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED);
    return 0; // stay registered
}

} // namespace

const char* toString(UsbDeviceKind kind) {
    switch (kind) {
    case UsbDeviceKind::Camera:
        return "camera";
    case UsbDeviceKind::HidPosScanner:
        return "hid-pos-scanner";
    case UsbDeviceKind::KeyboardWedge:
        return "keyboard-wedge";
    case UsbDeviceKind::Other:
        return "other";
    }
    return "other";
}

UsbDeviceKind classifyUsbDevice(std::uint8_t deviceClass,
                                const std::vector<UsbInterfaceInfo>& interfaces) {
    if (deviceClass == LIBUSB_CLASS_VIDEO) {
        return UsbDeviceKind::Camera;
    }
    bool keyboard = false;
    bool hid = false;
    for (const auto& info : interfaces) {
        if (info.interfaceClass == LIBUSB_CLASS_VIDEO) {
            return UsbDeviceKind::Camera; // webcams are composite devices (video + audio + HID)
        }
        if (info.interfaceClass == LIBUSB_CLASS_HID) {
            // Boot interface subclass 1, protocol 1: a keyboard.
            if (info.subClass == 1 && info.protocol == 1) {
                keyboard = true;
            } else if (info.protocol == 0) {
                hid = true;
            }
        }
    }
    if (hid) {
        return UsbDeviceKind::HidPosScanner;
    }
    return keyboard ? UsbDeviceKind::KeyboardWedge : UsbDeviceKind::Other;
}

UsbWatcher::~UsbWatcher() {
    stop();
}

DriverStatus UsbWatcher::start(std::function<void(const UsbEvent&)> onEvent) {
    if (m_running) {
        return Done{};
    }
    libusb_context* context = nullptr;
    if (libusb_init(&context) != 0) {
        return DriverError{DriverErrorKind::Device, "libusb could not start"};
    }
    m_context = context;
    if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) == 0) {
        libusb_exit(context);
        m_context = nullptr;
        return DriverError{DriverErrorKind::Unsupported, "libusb has no hot-plug support here"};
    }
    m_onEvent = std::move(onEvent);
    // ENUMERATE reports what is already plugged in, from this (the caller's) thread.
    const int result = libusb_hotplug_register_callback(
        context,
        static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
                                          LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
        LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
        LIBUSB_HOTPLUG_MATCH_ANY, trampoline, this, &m_callback);
    if (result != LIBUSB_SUCCESS) {
        libusb_exit(context);
        m_context = nullptr;
        return DriverError{DriverErrorKind::Device,
                           std::string("hot-plug registration: ") + libusb_error_name(result)};
    }
    m_running = true;
    m_thread = std::thread([this] {
        classifyPending(); // the devices already plugged in
        while (m_running) {
            timeval tick{0, 200000}; // wakes up to notice stop()
            libusb_handle_events_timeout_completed(ctx(m_context), &tick, nullptr);
            classifyPending();
        }
    });
    return Done{};
}

void UsbWatcher::stop() {
    if (!m_running) {
        return;
    }
    m_running = false;
    libusb_hotplug_deregister_callback(ctx(m_context), m_callback); // wakes the event loop
    if (m_thread.joinable()) {
        m_thread.join();
    }
    for (const auto& note : m_pending) {
        libusb_unref_device(static_cast<libusb_device*>(note.first));
    }
    m_pending.clear();
    libusb_exit(ctx(m_context));
    m_context = nullptr;
}

void UsbWatcher::handle(void* devicePtr, bool attached) {
    // Inside libusb's event handling: only note the device. Opening it (to read its report
    // descriptors) happens in classifyPending, after the event handler returned.
    std::lock_guard lock(m_pendingMutex);
    m_pending.emplace_back(libusb_ref_device(static_cast<libusb_device*>(devicePtr)), attached);
}

void UsbWatcher::classifyPending() {
    std::vector<std::pair<void*, bool>> pending;
    {
        std::lock_guard lock(m_pendingMutex);
        pending.swap(m_pending);
    }
    for (const auto& [devicePtr, attached] : pending) {
        auto* device = static_cast<libusb_device*>(devicePtr);
        const std::uint8_t bus = libusb_get_bus_number(device);
        const std::uint8_t address = libusb_get_device_address(device);
        const auto key = static_cast<std::uint16_t>(bus << 8 | address);
        if (!attached) {
            const auto it = m_known.find(key);
            if (it != m_known.end()) {
                UsbEvent event = it->second;
                event.attached = false;
                m_known.erase(it);
                m_onEvent(event);
            }
        } else {
            const UsbInputDevice described = describeUsbDevice(device);
            if (described.kind != UsbDeviceKind::Other) { // hubs, storage, mice: not ours
                UsbEvent event{
                    true,    described.kind,         described.vendorId, described.productId, bus,
                    address, described.posInterface, described.product,  described.serial};
                m_known[key] = event;
                m_onEvent(event);
            }
        }
        libusb_unref_device(device);
    }
}

} // namespace doorpost::drivers::scanner

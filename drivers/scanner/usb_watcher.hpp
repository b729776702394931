#pragma once
// Watches USB hot-plug through libusb: cameras (video class) and scanners (HID) attaching and
// detaching become events with their vendor and product ids, so the kiosk can open a camera
// that was plugged in after start and tell staff when one was pulled.
//
// Threads: the watcher runs libusb's event loop on its own thread and calls `onEvent` there.
// The callback must only post the event to the kiosk's queue (never touch UI or sources).

#include "storage/base/driver_error.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace doorpost::drivers::scanner {

enum class UsbDeviceKind { Camera, HidPosScanner, KeyboardWedge, Other };
const char* toString(UsbDeviceKind kind);

struct UsbInterfaceInfo {
    std::uint8_t interfaceClass = 0;
    std::uint8_t subClass = 0;
    std::uint8_t protocol = 0;
};

// A first look from the interface classes alone: cameras are USB video class (0x0E); a HID
// keyboard interface (boot protocol 1) is a wedge scanner or a keyboard; another HID interface
// (protocol 0) may be a HID POS scanner. Only its report descriptor (usb_devices.hpp) tells:
// nothing is taken for a scanner on this look alone.
UsbDeviceKind classifyUsbDevice(std::uint8_t deviceClass,
                                const std::vector<UsbInterfaceInfo>& interfaces);

struct UsbEvent {
    bool attached = true;
    UsbDeviceKind kind = UsbDeviceKind::Other; // from the descriptors (usb_devices.hpp)
    std::uint16_t vendorId = 0;
    std::uint16_t productId = 0;
    std::uint8_t bus = 0;
    std::uint8_t address = 0;
    int posInterface = -1; // a scanner: the interface carrying its reports
    std::string product;
    std::string serial;
};

class UsbWatcher {
public:
    UsbWatcher() = default;
    ~UsbWatcher();
    UsbWatcher(const UsbWatcher&) = delete;
    UsbWatcher& operator=(const UsbWatcher&) = delete;

    // Starts watching; devices already present are reported as attached first. Fails where
    // libusb has no hot-plug support (then the kiosk polls for /dev/video* instead).
    DriverStatus start(std::function<void(const UsbEvent&)> onEvent);
    void stop();

    // Called by libusb (public for the C callback trampoline): notes the device for the
    // watcher thread, which classifies it outside libusb's event handling.
    void handle(void* device, bool attached);

private:
    void classifyPending();

    void* m_context = nullptr;
    int m_callback = 0;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
    std::function<void(const UsbEvent&)> m_onEvent;
    // What each attached device was, by bus/address: a detached device can no longer be asked.
    std::map<std::uint16_t, UsbEvent> m_known;
    // Hot-plug notes waiting for the watcher thread: libusb_device*, referenced, and whether it
    // arrived. Filled from inside libusb's callbacks (on the watcher thread, and on the
    // starting thread for the devices already present), hence the mutex.
    std::mutex m_pendingMutex;
    std::vector<std::pair<void*, bool>> m_pending;
};

} // namespace doorpost::drivers::scanner

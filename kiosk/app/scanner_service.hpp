#pragma once
// ScannerService: HID POS barcode scanners in the running kiosk. It watches USB hot-plug
// (drivers/scanner/usb_watcher.hpp); a device whose report descriptor is on the bar code scanner
// page is opened through libusb (that interface's kernel driver detached, nothing else touched)
// and read on a thread of its own, each read going to the kiosk like a camera's. Removing it
// turns the scanner chip red. Keyboard-wedge scanners need none of this: they type into the UI.
//
// Threads: the watcher thread reports devices; one reader thread per scanner. Every callback in
// ScannerEvents runs on one of those and must only hand over (post to the UI queue, give the
// gate a request).

#include "drivers/scanner/usb_watcher.hpp"
#include "kiosk/app/ports.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace doorpost::kiosk::app {

struct ScannerEvents {
    std::function<void(CodeRead)> onRead;
    std::function<void(DeviceState, const std::string&)> onState;
    // The USB scanners and keyboards plugged in now ("hid-pos-scanner 0c2e:1234 Xenon"), and
    // that a camera came or went (the camera list may have changed), after each hot-plug event.
    std::function<void(std::vector<std::string> scanners, bool camerasChanged)> onDevices;
};

class ScannerService {
public:
    explicit ScannerService(ScannerEvents events);
    ~ScannerService(); // stops the watcher, then every reader
    ScannerService(const ScannerService&) = delete;
    ScannerService& operator=(const ScannerService&) = delete;

    // Starts watching. Fails (environment) where libusb cannot watch; the kiosk then runs with
    // keyboard-wedge scanners only.
    Result<void> start();

private:
    struct Reader;
    void onUsbEvent(const drivers::scanner::UsbEvent& event); // watcher thread
    void read(Reader& reader);                                // reader thread
    std::vector<std::string> listing() const;                 // under m_mutex

    ScannerEvents m_events;
    mutable std::mutex m_mutex;                                    // guards m_devices and m_readers
    std::map<std::uint16_t, drivers::scanner::UsbEvent> m_devices; // by bus << 8 | address
    std::map<std::uint16_t, std::unique_ptr<Reader>> m_readers;
    drivers::scanner::UsbWatcher m_watcher; // last: stopped first
};

} // namespace doorpost::kiosk::app

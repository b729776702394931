#include "kiosk/app/scanner_service.hpp"

#include "drivers/scanner/hid_pos.hpp"
#include "drivers/scanner/usb_devices.hpp"

#include <chrono>

namespace doorpost::kiosk::app {

namespace scanner = drivers::scanner;

struct ScannerService::Reader {
    scanner::UsbEvent device;
    std::atomic<bool> stop{false};
    std::thread thread;
};

namespace {

std::string name(const scanner::UsbEvent& device) {
    std::string text = scanner::usbId(device.vendorId, device.productId);
    if (!device.product.empty()) {
        text += " " + device.product;
    }
    return text;
}

} // namespace

ScannerService::ScannerService(ScannerEvents events) : m_events(std::move(events)) {}

ScannerService::~ScannerService() {
    m_watcher.stop();
    std::map<std::uint16_t, std::unique_ptr<Reader>> readers;
    {
        std::lock_guard lock(m_mutex);
        readers.swap(m_readers);
    }
    for (auto& [key, reader] : readers) {
        reader->stop = true;
        if (reader->thread.joinable()) {
            reader->thread.join();
        }
    }
}

Result<void> ScannerService::start() {
    auto started = m_watcher.start([this](const scanner::UsbEvent& event) { onUsbEvent(event); });
    if (!started) {
        return environmentFault("USB scanners: " + started.error().message);
    }
    return {};
}

std::vector<std::string> ScannerService::listing() const {
    std::vector<std::string> out;
    for (const auto& [key, device] : m_devices) {
        if (device.kind == scanner::UsbDeviceKind::HidPosScanner ||
            device.kind == scanner::UsbDeviceKind::KeyboardWedge) {
            out.push_back(std::string(scanner::toString(device.kind)) + " " + name(device));
        }
    }
    return out;
}

void ScannerService::onUsbEvent(const scanner::UsbEvent& event) {
    const auto key = static_cast<std::uint16_t>(event.bus << 8 | event.address);
    std::unique_ptr<Reader> gone;
    std::vector<std::string> scanners;
    {
        std::lock_guard lock(m_mutex);
        if (event.attached) {
            m_devices[key] = event;
            if (event.kind == scanner::UsbDeviceKind::HidPosScanner && m_readers.count(key) == 0) {
                auto reader = std::make_unique<Reader>();
                reader->device = event;
                Reader* raw = reader.get();
                reader->thread = std::thread([this, raw] { read(*raw); });
                m_readers[key] = std::move(reader);
            }
        } else {
            m_devices.erase(key);
            if (auto it = m_readers.find(key); it != m_readers.end()) {
                gone = std::move(it->second);
                m_readers.erase(it);
            }
        }
        scanners = listing();
    }
    if (gone) {
        gone->stop = true;
        // The reader notices the flag within one wait (200 ms); closing its scanner cancels the
        // transfer and waits at most half a second for it (hid_pos.hpp), so this join is bounded
        // even when the device vanished mid-transfer and its transfer never comes back.
        gone->thread.join();
        if (m_events.onState) {
            m_events.onState(DeviceState::Offline,
                             name(event.attached ? gone->device : event) + " unplugged");
        }
    }
    if (m_events.onDevices) {
        m_events.onDevices(std::move(scanners), event.kind == scanner::UsbDeviceKind::Camera);
    }
}

void ScannerService::read(Reader& reader) {
    const scanner::UsbEvent& device = reader.device;
    auto opened = scanner::HidPosScanner::open(device.bus, device.address, device.posInterface);
    if (!opened) {
        if (m_events.onState) {
            m_events.onState(DeviceState::Offline, name(device) + ": " + opened.error().message);
        }
        return;
    }
    if (m_events.onState) {
        m_events.onState(DeviceState::Ok, "hid " + name(device));
    }
    auto& hid = *opened.value();
    int errors = 0;
    while (!reader.stop) {
        const scanner::ScannerEvent event = hid.next(std::chrono::milliseconds(200));
        if (event.status == scanner::ScannerStatus::Read) {
            errors = 0;
            if (m_events.onRead) {
                m_events.onRead(
                    CodeRead{std::string(event.read.bytes.begin(), event.read.bytes.end()),
                             ReadSource::HidScanner,
                             {}});
            }
        } else if (event.status == scanner::ScannerStatus::Unplugged) {
            // LIBUSB_ERROR_NO_DEVICE: the chip turns red now; the watcher's detach event, when
            // it follows, says so again.
            if (m_events.onState) {
                m_events.onState(DeviceState::Offline, name(device) + " unplugged");
            }
            break;
        } else if (event.status == scanner::ScannerStatus::Error && ++errors > 20) {
            if (m_events.onState) {
                m_events.onState(DeviceState::Offline, name(device) + ": " + event.message);
            }
            break;
        }
    }
}

} // namespace doorpost::kiosk::app

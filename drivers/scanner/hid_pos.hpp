#pragma once
// HID POS barcode scanners (USB HID usage page 0x8C, "Bar Code Scanner"): the scanner sends
// each read as fixed 64-byte input reports:
//   [0] report id (0x02)  [1] data length in this report (0..56)  [2..4] AIM symbology id
//   ("]Q0")  [5..60] data  [61] further symbology id  [62] reserved  [63] bit 0: more follows
// Long codes are split over several reports, all but the last with the "more" bit set.
// The parser assembles them; HidPosScanner reads them with libusb interrupt transfers.

#include "drivers/decode/code_format.hpp"
#include "storage/base/driver_error.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace doorpost::drivers::scanner {

constexpr std::uint16_t kHidPosUsagePage = 0x8C;
constexpr std::size_t kHidPosReportSize = 64;

struct HidPosRead {
    std::string aim; // "]Q0"
    decode::CodeFormat format = decode::CodeFormat::None;
    std::vector<std::uint8_t> bytes; // the code's content
};

// "]Q.." -> QR, "]L" -> PDF417, "]C" -> Code128, ...
decode::CodeFormat formatFromAim(std::string_view aim);

class HidPosParser {
public:
    explicit HidPosParser(std::uint8_t reportId = 0x02) : m_reportId(reportId) {}

    // Feeds one input report. Returns a read when its last part arrives. Reports with another
    // id, short or inconsistent reports are dropped (with whatever partial read they belonged to).
    std::optional<HidPosRead> feed(std::span<const std::uint8_t> report);

    std::uint64_t droppedReports() const { return m_dropped; }

private:
    std::uint8_t m_reportId;
    std::vector<std::uint8_t> m_pending;
    std::string m_aim;
    std::uint64_t m_dropped = 0;
};

enum class ScannerStatus { Read, Timeout, Unplugged, Error };

struct ScannerEvent {
    ScannerStatus status = ScannerStatus::Timeout;
    HidPosRead read; // when status == Read
    std::string message;
};

// A HID POS scanner claimed through libusb (the kernel's hid driver is detached from it).
// Reports are read with one asynchronous interrupt transfer kept in flight across next() calls
// (no report is lost between two waits), driven by libusb's event handling in short slices, so
// no wait is longer than asked: a scanner pulled out mid-transfer, whose transfer may never
// complete, cannot hold its reader. Closing cancels the transfer, waits a bounded time for it,
// then closes the handle (which takes a transfer that never came back off libusb's list).
// Threads: used by one thread (the USB thread), which posts reads to the kiosk's queue; the
// transfer's callback runs on that thread too (inside next() or the destructor).
class HidPosScanner {
public:
    ~HidPosScanner();
    HidPosScanner(const HidPosScanner&) = delete;
    HidPosScanner& operator=(const HidPosScanner&) = delete;

    static DriverResult<std::unique_ptr<HidPosScanner>> open(std::uint16_t vendorId,
                                                             std::uint16_t productId);
    // The scanner at bus/address (as the watcher announced it), reading interface
    // `posInterface` (the one whose report descriptor is on page 0x8C). Only that interface's
    // kernel driver is detached; it is given back when the scanner is closed.
    static DriverResult<std::unique_ptr<HidPosScanner>> open(std::uint8_t bus, std::uint8_t address,
                                                             int posInterface);
    // Waits up to `timeout` for the next complete read. Unplugged (LIBUSB_ERROR_NO_DEVICE) and
    // Error end the scanner: the caller closes it.
    ScannerEvent next(std::chrono::milliseconds timeout);

    // Called by libusb (public for the C callback trampoline), on the reading thread.
    void transferDone();

private:
    HidPosScanner() = default;
    DriverStatus claim(int onlyInterface);
    void close();
    void* m_context = nullptr;  // libusb_context
    void* m_handle = nullptr;   // libusb_device_handle
    void* m_transfer = nullptr; // libusb_transfer, reused for every report
    bool m_inFlight = false;    // submitted, its callback not yet run
    int m_completed = 0;        // set by the callback (libusb's `completed` flag)
    int m_interface = -1;
    unsigned char m_endpoint = 0;
    unsigned char m_report[kHidPosReportSize] = {};
    HidPosParser m_parser;
};

} // namespace doorpost::drivers::scanner

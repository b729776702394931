#include "drivers/scanner/hid_pos.hpp"

#include <algorithm>
#include <libusb.h>

namespace doorpost::drivers::scanner {
namespace {

constexpr std::size_t kMaxRead = 16 * 1024;
constexpr std::size_t kDataOffset = 5;
constexpr std::size_t kDataMax = 56;

libusb_context* ctx(void* context) {
    return static_cast<libusb_context*>(context);
}
libusb_device_handle* dev(void* handle) {
    return static_cast<libusb_device_handle*>(handle);
}

} // namespace

decode::CodeFormat formatFromAim(std::string_view aim) {
    if (aim.size() < 2 || aim[0] != ']') {
        return decode::CodeFormat::None;
    }
    switch (aim[1]) {
    case 'Q':
        return decode::CodeFormat::QRCode;
    case 'L':
        return decode::CodeFormat::PDF417;
    case 'C':
        return decode::CodeFormat::Code128;
    case 'd':
        return decode::CodeFormat::DataMatrix;
    case 'z':
        return decode::CodeFormat::Aztec;
    case 'A':
        return decode::CodeFormat::Code39;
    case 'G':
        return decode::CodeFormat::Code93;
    case 'I':
        return decode::CodeFormat::ITF;
    case 'F':
        return decode::CodeFormat::Codabar;
    case 'E':
        return aim.size() >= 3 && aim[2] == '4' ? decode::CodeFormat::EAN8
                                                : decode::CodeFormat::EAN13;
    default:
        return decode::CodeFormat::None;
    }
}

std::optional<HidPosRead> HidPosParser::feed(std::span<const std::uint8_t> report) {
    auto drop = [&] {
        ++m_dropped;
        m_pending.clear();
        m_aim.clear();
        return std::nullopt;
    };
    if (report.size() < kHidPosReportSize || report[0] != m_reportId) {
        return drop();
    }
    const std::size_t length = report[1];
    if (length > kDataMax) {
        return drop();
    }
    if (m_pending.empty()) {
        // The first report of a read names the symbology; continuations may repeat it or not.
        m_aim.assign(report.begin() + 2, report.begin() + 5);
    }
    if (m_pending.size() + length > kMaxRead) {
        return drop();
    }
    m_pending.insert(m_pending.end(), report.begin() + static_cast<std::ptrdiff_t>(kDataOffset),
                     report.begin() + static_cast<std::ptrdiff_t>(kDataOffset + length));
    if ((report[63] & 0x01) != 0) {
        return std::nullopt; // more follows
    }
    HidPosRead read;
    read.aim = m_aim;
    read.format = formatFromAim(m_aim);
    read.bytes = std::move(m_pending);
    m_pending.clear();
    m_aim.clear();
    if (read.bytes.empty()) {
        return std::nullopt; // an empty report (some scanners send one after each read)
    }
    return read;
}

DriverResult<std::unique_ptr<HidPosScanner>> HidPosScanner::open(std::uint16_t vendorId,
                                                                 std::uint16_t productId) {
    std::unique_ptr<HidPosScanner> scanner(new HidPosScanner);
    libusb_context* context = nullptr;
    if (libusb_init(&context) != 0) {
        return DriverError{DriverErrorKind::Device, "libusb could not start"};
    }
    scanner->m_context = context;
    libusb_device_handle* handle = libusb_open_device_with_vid_pid(context, vendorId, productId);
    if (handle == nullptr) {
        return DriverError{DriverErrorKind::NotFound,
                           "no HID POS scanner with that vendor/product id"};
    }
    scanner->m_handle = handle;
    if (auto claimed = scanner->claim(-1); !claimed) {
        return claimed.error();
    }
    return scanner;
}

DriverResult<std::unique_ptr<HidPosScanner>>
HidPosScanner::open(std::uint8_t bus, std::uint8_t address, int posInterface) {
    std::unique_ptr<HidPosScanner> scanner(new HidPosScanner);
    libusb_context* context = nullptr;
    if (libusb_init(&context) != 0) {
        return DriverError{DriverErrorKind::Device, "libusb could not start"};
    }
    scanner->m_context = context;
    libusb_device** list = nullptr;
    const ssize_t count = libusb_get_device_list(context, &list);
    for (ssize_t i = 0; i < count; ++i) {
        if (libusb_get_bus_number(list[i]) == bus &&
            libusb_get_device_address(list[i]) == address) {
            libusb_device_handle* handle = nullptr;
            if (libusb_open(list[i], &handle) == 0) {
                scanner->m_handle = handle;
            }
            break;
        }
    }
    if (count >= 0) {
        libusb_free_device_list(list, 1);
    }
    if (scanner->m_handle == nullptr) {
        return DriverError{DriverErrorKind::NotFound, "the scanner is gone or cannot be opened"};
    }
    if (auto claimed = scanner->claim(posInterface); !claimed) {
        return claimed.error();
    }
    return scanner;
}

DriverStatus HidPosScanner::claim(int onlyInterface) {
    libusb_config_descriptor* config = nullptr;
    if (libusb_get_active_config_descriptor(libusb_get_device(dev(m_handle)), &config) != 0) {
        return DriverError{DriverErrorKind::Device, "scanner has no readable configuration"};
    }
    // The HID interface with an interrupt IN endpoint that carries the reports: the one named,
    // or else the first.
    for (int i = 0; i < config->bNumInterfaces && m_interface < 0; ++i) {
        const libusb_interface_descriptor& alt = config->interface[i].altsetting[0];
        if (alt.bInterfaceClass != LIBUSB_CLASS_HID ||
            (onlyInterface >= 0 && alt.bInterfaceNumber != onlyInterface)) {
            continue;
        }
        for (int e = 0; e < alt.bNumEndpoints; ++e) {
            const auto& endpoint = alt.endpoint[e];
            if ((endpoint.bmAttributes & 0x03) == LIBUSB_TRANSFER_TYPE_INTERRUPT &&
                (endpoint.bEndpointAddress & LIBUSB_ENDPOINT_IN) != 0) {
                m_interface = alt.bInterfaceNumber;
                m_endpoint = endpoint.bEndpointAddress;
                break;
            }
        }
    }
    libusb_free_config_descriptor(config);
    if (m_interface < 0) {
        return DriverError{DriverErrorKind::Unsupported, "device has no HID interrupt endpoint"};
    }
    // Auto-detach applies to the interface claimed here only, and gives it back on release.
    libusb_set_auto_detach_kernel_driver(dev(m_handle), 1);
    if (libusb_claim_interface(dev(m_handle), m_interface) != 0) {
        m_interface = -1;
        return DriverError{DriverErrorKind::Device, "cannot claim the scanner's interface"};
    }
    return Done{};
}

HidPosScanner::~HidPosScanner() {
    close();
}

void HidPosScanner::transferDone() {
    m_inFlight = false;
    m_completed = 1;
}

namespace {

void LIBUSB_CALL onTransfer(libusb_transfer* transfer) {
    static_cast<HidPosScanner*>(transfer->user_data)->transferDone();
}

// How long closing waits for a cancelled transfer to come back. A kernel answers at once; a
// device gone mid-transfer may never answer, and libusb_close then drops the transfer.
constexpr auto kCancelWait = std::chrono::milliseconds(500);
// The longest slice of libusb event handling, so a wait never overruns what was asked by much.
constexpr auto kEventSlice = std::chrono::milliseconds(100);

void handleEventsFor(libusb_context* context, std::chrono::milliseconds slice, int* completed) {
    const auto ms = std::max<long long>(1, slice.count());
    timeval tick{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
    libusb_handle_events_timeout_completed(context, &tick, completed);
}

} // namespace

void HidPosScanner::close() {
    auto* transfer = static_cast<libusb_transfer*>(m_transfer);
    if (transfer != nullptr && m_inFlight) {
        // Cancelled, the transfer comes back through its callback; a device that is gone may
        // answer the cancel with NO_DEVICE and never return it: then only a short wait.
        const int cancelled = libusb_cancel_transfer(transfer);
        const auto deadline = std::chrono::steady_clock::now() +
                              (cancelled == 0 ? kCancelWait : std::chrono::milliseconds(50));
        while (m_inFlight && std::chrono::steady_clock::now() < deadline) {
            m_completed = 0;
            handleEventsFor(ctx(m_context), std::chrono::milliseconds(20), &m_completed);
        }
    }
    if (m_handle != nullptr) {
        if (m_interface >= 0) {
            libusb_release_interface(dev(m_handle), m_interface);
        }
        // Takes a transfer that never came back off libusb's in-flight list; closing the usbfs
        // node makes the kernel drop its URB, so the buffer is not written after this.
        libusb_close(dev(m_handle));
        m_handle = nullptr;
    }
    if (transfer != nullptr) {
        libusb_free_transfer(transfer);
        m_transfer = nullptr;
        m_inFlight = false;
    }
    if (m_context != nullptr) {
        libusb_exit(ctx(m_context));
        m_context = nullptr;
    }
}

ScannerEvent HidPosScanner::next(std::chrono::milliseconds timeout) {
    ScannerEvent event;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto* transfer = static_cast<libusb_transfer*>(m_transfer);
    if (transfer == nullptr) {
        transfer = libusb_alloc_transfer(0);
        if (transfer == nullptr) {
            event.status = ScannerStatus::Error;
            event.message = "cannot allocate a USB transfer";
            return event;
        }
        m_transfer = transfer;
    }
    for (;;) {
        if (!m_inFlight) {
            // No libusb timeout: the transfer waits for the scanner's next report, however long
            // the doorway is empty; this call's wait is bounded by the event slices below.
            libusb_fill_interrupt_transfer(transfer, dev(m_handle), m_endpoint, m_report,
                                           static_cast<int>(sizeof m_report), onTransfer, this, 0);
            m_completed = 0;
            const int submitted = libusb_submit_transfer(transfer);
            if (submitted == LIBUSB_ERROR_NO_DEVICE) {
                event.status = ScannerStatus::Unplugged;
                event.message = "scanner unplugged";
                return event;
            }
            if (submitted != 0) {
                event.status = ScannerStatus::Error;
                event.message = libusb_error_name(submitted);
                return event;
            }
            m_inFlight = true;
        }
        while (m_inFlight) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                event.status = ScannerStatus::Timeout; // the transfer stays in flight
                return event;
            }
            handleEventsFor(ctx(m_context), std::min(left, kEventSlice), &m_completed);
        }
        switch (transfer->status) {
        case LIBUSB_TRANSFER_COMPLETED:
            break;
        case LIBUSB_TRANSFER_NO_DEVICE:
            event.status = ScannerStatus::Unplugged;
            event.message = "scanner unplugged";
            return event;
        case LIBUSB_TRANSFER_TIMED_OUT:
        case LIBUSB_TRANSFER_CANCELLED:
            continue; // not asked for: submit again
        default:
            event.status = ScannerStatus::Error;
            event.message = libusb_error_name(
                transfer->status == LIBUSB_TRANSFER_STALL ? LIBUSB_ERROR_PIPE : LIBUSB_ERROR_IO);
            return event;
        }
        if (auto read = m_parser.feed(std::span<const std::uint8_t>(
                m_report, static_cast<std::size_t>(std::max(0, transfer->actual_length))))) {
            event.status = ScannerStatus::Read;
            event.read = std::move(*read);
            return event;
        }
    }
}

} // namespace doorpost::drivers::scanner

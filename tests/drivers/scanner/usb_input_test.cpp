// Scanner input parsed from recorded inputs: keyboard-wedge key events (evtest format) and HID
// POS reports; and the USB device classification the hot-plug watcher uses.

#include "drivers/scanner/hid_pos.hpp"
#include "drivers/scanner/usb_devices.hpp"
#include "drivers/scanner/usb_watcher.hpp"
#include "drivers/scanner/wedge_parser.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>

using namespace doorpost;
using namespace doorpost::drivers::decode;
using doorpost::DriverErrorKind;
using namespace doorpost::drivers::scanner;

namespace {

const std::string kData = std::string(DOORPOST_SOURCE_DIR) + "/tests/drivers/data/";

// Reads the EV_KEY lines of an evtest recording.
std::vector<KeyEvent> loadRecording(const std::string& name) {
    std::ifstream file(kData + name);
    REQUIRE(file);
    const std::regex line(
        R"(Event: time (\d+)\.(\d{6}), type 1 \(EV_KEY\), code (\d+) \(\w+\), value (\d+))");
    std::vector<KeyEvent> events;
    std::string text;
    while (std::getline(file, text)) {
        std::smatch m;
        if (std::regex_match(text, m, line)) {
            const auto us = std::stoll(m[1]) * 1000000 + std::stoll(m[2]);
            events.push_back({std::chrono::microseconds(us),
                              static_cast<std::uint16_t>(std::stoi(m[3])), std::stoi(m[4])});
        }
    }
    REQUIRE_FALSE(events.empty());
    return events;
}

std::vector<WedgeRead> replay(const std::string& name) {
    WedgeParser parser;
    std::vector<WedgeRead> reads;
    for (const auto& event : loadRecording(name)) {
        if (auto read = parser.feed(event)) {
            reads.push_back(*read);
        }
    }
    return reads;
}

std::vector<std::vector<std::uint8_t>> loadReports(const std::string& name) {
    std::ifstream file(kData + name);
    REQUIRE(file);
    std::vector<std::vector<std::uint8_t>> reports;
    std::string text;
    while (std::getline(file, text)) {
        if (text.empty() || text[0] == '#') {
            continue;
        }
        std::vector<std::uint8_t> bytes;
        for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
            bytes.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
        }
        reports.push_back(bytes);
    }
    return reports;
}

std::string str(const std::vector<std::uint8_t>& bytes) {
    return {bytes.begin(), bytes.end()};
}

} // namespace

TEST_CASE("wedge: a scanner's fast burst ending in Enter is one read, shift and all") {
    const auto reads = replay("wedge_scanner_enter.txt");
    REQUIRE(reads.size() == 1);
    CHECK(reads[0].text == "DP1:NCFOXN%TS3DH0YOJ58S");
    CHECK(reads[0].terminator == '\n');
    CHECK(reads[0].duration < std::chrono::milliseconds(200));
}

TEST_CASE("wedge: a person typing and pressing Enter is not a scan") {
    CHECK(replay("wedge_person_typing.txt").empty());
}

TEST_CASE("wedge: typing, a correction, a Tab-terminated scan and a fast typist: only the scan") {
    const auto reads = replay("wedge_mixed.txt");
    REQUIRE(reads.size() == 1);
    CHECK(reads[0].text == "C202600042");
    CHECK(reads[0].terminator == '\t');
}

TEST_CASE("wedge: short bursts and auto-repeat are ignored") {
    WedgeParser parser;
    using us = std::chrono::microseconds;
    // "ab" + Enter at scanner speed: shorter than the minimum length.
    CHECK_FALSE(parser.feed({us(0), 30, 1}));
    CHECK_FALSE(parser.feed({us(3000), 48, 1}));
    CHECK_FALSE(parser.feed({us(6000), 28, 1}));
    // A held key repeating fast (value 2) is not a burst of characters.
    CHECK_FALSE(parser.feed({us(100000), 30, 1}));
    for (int i = 1; i < 10; ++i) {
        CHECK_FALSE(parser.feed({us(100000 + i * 30000), 30, 2}));
    }
    CHECK_FALSE(parser.feed({us(500000), 28, 1}));
}

TEST_CASE("hid pos: recorded reports give whole reads, across continuations and noise") {
    HidPosParser parser;
    std::vector<HidPosRead> reads;
    for (const auto& report : loadReports("hidpos_reports.txt")) {
        if (auto read = parser.feed(report)) {
            reads.push_back(*read);
        }
    }
    REQUIRE(reads.size() == 3);
    CHECK(reads[0].aim == "]Q1");
    CHECK(reads[0].format == CodeFormat::QRCode);
    CHECK(str(reads[0].bytes) == "DP1:6BFOXN*TS0BI$ZD.P9UOL97O4");
    // The first PDF417 part was cut off by a foreign report and dropped; the retransmitted
    // read arrives whole (56 + 42 bytes).
    CHECK(reads[1].format == CodeFormat::PDF417);
    CHECK(reads[1].bytes.size() == 98);
    CHECK(str(reads[1].bytes).rfind("EXAM2026|202600042|", 0) == 0);
    CHECK(str(reads[1].bytes).substr(90) == "26-12-20");
    CHECK(reads[2].format == CodeFormat::Code128);
    CHECK(str(reads[2].bytes) == "C202600042");
    CHECK(parser.droppedReports() == 1);
}

TEST_CASE("hid pos: malformed reports are dropped, never read past") {
    HidPosParser parser;
    std::vector<std::uint8_t> report(64, 0);
    report[0] = 0x02;
    report[1] = 57; // longer than the 56-byte data field
    CHECK_FALSE(parser.feed(report));
    CHECK_FALSE(parser.feed(std::vector<std::uint8_t>(10, 0x02))); // short
    CHECK(parser.droppedReports() == 2);
    CHECK(formatFromAim("]d2") == CodeFormat::DataMatrix);
    CHECK(formatFromAim("X") == CodeFormat::None);
}

TEST_CASE("usb: cameras and scanners are told apart by their descriptors") {
    // A webcam: composite device (class 0xEF) with video control/streaming and audio.
    CHECK(classifyUsbDevice(0xEF, {{0x0E, 1, 0}, {0x0E, 2, 0}, {0x01, 1, 0}}) ==
          UsbDeviceKind::Camera);
    // A HID POS scanner: a non-boot HID interface.
    CHECK(classifyUsbDevice(0x00, {{0x03, 0, 0}}) == UsbDeviceKind::HidPosScanner);
    // A wedge scanner (or keyboard): a boot keyboard.
    CHECK(classifyUsbDevice(0x00, {{0x03, 1, 1}}) == UsbDeviceKind::KeyboardWedge);
    // A mouse and a memory stick are not ours.
    CHECK(classifyUsbDevice(0x00, {{0x03, 1, 2}}) == UsbDeviceKind::Other);
    CHECK(classifyUsbDevice(0x00, {{0x08, 6, 80}}) == UsbDeviceKind::Other);
}

TEST_CASE("usb: the hot-plug watcher starts and stops cleanly, or says why it cannot") {
    UsbWatcher watcher;
    std::vector<UsbEvent> events;
    const auto started = watcher.start([&](const UsbEvent& event) { events.push_back(event); });
    if (!started) {
        // Containers without /dev/bus/usb or udev: a clear error, not a crash.
        CHECK((started.error().kind == DriverErrorKind::Unsupported ||
               started.error().kind == DriverErrorKind::Device));
    }
    for (const auto& event : events) {
        CHECK(event.attached); // enumeration reports present devices as attached
        CHECK(event.kind != UsbDeviceKind::Other);
    }
    watcher.stop();
    watcher.stop();
}

TEST_CASE("hid pos: opening a scanner that is not there is NotFound or a libusb fault") {
    const auto scanner = HidPosScanner::open(0xFFFF, 0xFFFE);
    REQUIRE_FALSE(scanner);
    CHECK((scanner.error().kind == DriverErrorKind::NotFound ||
           scanner.error().kind == DriverErrorKind::Device));
}

TEST_CASE("usb: only a report descriptor on usage page 0x8C makes a HID POS scanner") {
    // Usage Page (Bar Code Scanner), Usage (Bar Code Badge Reader), Collection (Application),
    // Report ID 2, 63 bytes of input, End Collection.
    const std::vector<std::uint8_t> scanner = {0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x02,
                                               0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08, 0x95,
                                               0x3F, 0x09, 0x00, 0x81, 0x02, 0xC0};
    REQUIRE(hidApplicationUsages(scanner).size() == 1);
    CHECK(hidApplicationUsages(scanner)[0].page == 0x8C);
    CHECK(declaresBarcodeScanner(scanner));
    // A keyboard: Generic Desktop, Keyboard.
    const std::vector<std::uint8_t> keyboard = {0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07,
                                                0x19, 0xE0, 0x29, 0xE7, 0x81, 0x02, 0xC0};
    REQUIRE(hidApplicationUsages(keyboard).size() == 1);
    CHECK(hidApplicationUsages(keyboard)[0].page == 0x01);
    CHECK(hidApplicationUsages(keyboard)[0].usage == 0x06);
    CHECK_FALSE(declaresBarcodeScanner(keyboard));
    // A touchscreen (Digitizer, Touch Screen) whose interface is a non-boot HID one, like a
    // scanner's: its report descriptor says it is not.
    const std::vector<std::uint8_t> touch = {0x05, 0x0D, 0x09, 0x04, 0xA1, 0x01, 0x09, 0x22,
                                             0xA1, 0x02, 0x09, 0x42, 0x81, 0x02, 0xC0, 0xC0};
    CHECK(hidApplicationUsages(touch).size() == 1);
    CHECK_FALSE(declaresBarcodeScanner(touch));
    // A composite: a keyboard collection and a POS collection (the page given in a 4-byte usage).
    const std::vector<std::uint8_t> both = {0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0xC0, 0x0B,
                                            0x02, 0x00, 0x8C, 0x00, 0xA1, 0x01, 0xC0};
    const auto usages = hidApplicationUsages(both);
    REQUIRE(usages.size() == 2);
    CHECK(usages[1].page == 0x8C);
    CHECK(declaresBarcodeScanner(both));
    // Truncated and empty descriptors declare nothing and are not read past.
    CHECK(hidApplicationUsages(std::vector<std::uint8_t>{0x05}).empty());
    CHECK(hidApplicationUsages(std::vector<std::uint8_t>{}).empty());
    CHECK_FALSE(declaresBarcodeScanner(std::vector<std::uint8_t>{0x06, 0x8C}));
}

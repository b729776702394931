#pragma once
// What a USB device is to the door, told from its descriptors: a camera (video class), a HID
// POS barcode scanner (a HID interface whose report descriptor opens an application collection
// on usage page 0x8C, "Bar Code Scanner"), a keyboard-wedge scanner or keyboard (a HID boot
// keyboard, or usage page 0x01 usage 0x06), or something else (a mouse, a touchscreen on the
// digitizer page 0x0D, a hub). Only a POS scanner's interface is ever claimed: a keyboard or a
// touchscreen keeps its kernel driver.

#include "drivers/scanner/usb_watcher.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace doorpost::drivers::scanner {

struct HidUsage {
    std::uint16_t page = 0;
    std::uint16_t usage = 0;
};

// The usages of the top-level (application) collections a HID report descriptor declares.
std::vector<HidUsage> hidApplicationUsages(std::span<const std::uint8_t> descriptor);
// True when one of them is on the bar code scanner page (0x8C).
bool declaresBarcodeScanner(std::span<const std::uint8_t> descriptor);

struct UsbInputDevice {
    UsbDeviceKind kind = UsbDeviceKind::Other;
    std::uint16_t vendorId = 0;
    std::uint16_t productId = 0;
    std::uint8_t bus = 0;
    std::uint8_t address = 0;
    std::string manufacturer;
    std::string product;
    std::string serial;
    int posInterface = -1; // the interface that carries the scanner's reports
    std::string note;      // why it is what it is, or what could not be read
};

// "vvvv:pppp"
std::string usbId(std::uint16_t vendorId, std::uint16_t productId);

// Classifies one device (a libusb_device*), opening it only to read strings and HID report
// descriptors (control transfers on endpoint 0; nothing is claimed or detached).
UsbInputDevice describeUsbDevice(void* device);

// Every camera, scanner and keyboard on the USB buses now. Environment fault when libusb
// cannot start (no /dev/bus/usb, no permission).
DriverResult<std::vector<UsbInputDevice>> listUsbInputDevices();

} // namespace doorpost::drivers::scanner

#include "drivers/scanner/usb_devices.hpp"

#include "drivers/scanner/hid_pos.hpp"

#include <cstdio>
#include <libusb.h>
#include <memory>

namespace doorpost::drivers::scanner {
namespace {

constexpr std::uint16_t kGenericDesktopPage = 0x01;
constexpr std::uint16_t kKeyboardUsage = 0x06;
constexpr unsigned kControlTimeoutMs = 1000;
// Device-to-host, standard request, to an interface (LIBUSB_ENDPOINT_IN | ..._STANDARD | ...).
constexpr std::uint8_t kReportRequestType = 0x81;

std::string stringDescriptor(libusb_device_handle* handle, std::uint8_t index) {
    if (handle == nullptr || index == 0) {
        return {};
    }
    unsigned char text[256] = {};
    const int length = libusb_get_string_descriptor_ascii(handle, index, text, sizeof text);
    return length > 0 ? std::string(reinterpret_cast<char*>(text), static_cast<std::size_t>(length))
                      : std::string();
}

// The HID report descriptor of interface `number`: GET_DESCRIPTOR (report, 0x22) on the
// control endpoint, as the kernel's usbhid reads it.
std::vector<std::uint8_t> reportDescriptor(libusb_device_handle* handle, int number) {
    std::vector<std::uint8_t> descriptor(4096);
    const int length = libusb_control_transfer(
        handle, kReportRequestType, LIBUSB_REQUEST_GET_DESCRIPTOR,
        static_cast<std::uint16_t>(LIBUSB_DT_REPORT << 8), static_cast<std::uint16_t>(number),
        descriptor.data(), static_cast<std::uint16_t>(descriptor.size()), kControlTimeoutMs);
    descriptor.resize(length > 0 ? static_cast<std::size_t>(length) : 0);
    return descriptor;
}

} // namespace

std::vector<HidUsage> hidApplicationUsages(std::span<const std::uint8_t> d) {
    // Short items: prefix byte (size in bits 0-1: 0,1,2,4 bytes; type in 2-3; tag in 4-7), then
    // data. Long items (0xFE) are skipped. Usage Page is a global item, Usage a local one that
    // a Collection consumes; an application collection at depth 0 names the device's purpose.
    std::vector<HidUsage> usages;
    std::uint16_t page = 0;
    std::uint32_t usage = 0;
    bool haveUsage = false;
    bool usageHasPage = false;
    int depth = 0;
    std::vector<std::uint16_t> pageStack;
    std::size_t at = 0;
    while (at < d.size()) {
        const std::uint8_t prefix = d[at];
        if (prefix == 0xFE) { // long item: size, tag, data
            if (at + 1 >= d.size()) {
                break;
            }
            at += 3 + d[at + 1];
            continue;
        }
        const std::size_t size = (prefix & 0x03) == 3 ? 4 : (prefix & 0x03);
        if (at + 1 + size > d.size()) {
            break;
        }
        std::uint32_t value = 0;
        for (std::size_t i = 0; i < size; ++i) {
            value |= static_cast<std::uint32_t>(d[at + 1 + i]) << (8 * i);
        }
        const std::uint8_t item = prefix & 0xFC;
        switch (item) {
        case 0x04: // Usage Page (global)
            page = static_cast<std::uint16_t>(value);
            break;
        case 0xA4: // Push
            pageStack.push_back(page);
            break;
        case 0xB4: // Pop
            if (!pageStack.empty()) {
                page = pageStack.back();
                pageStack.pop_back();
            }
            break;
        case 0x08: // Usage (local); 4 bytes carry their own page in the high half
            usage = value;
            usageHasPage = size == 4;
            haveUsage = true;
            break;
        case 0xA0: // Collection
            if (depth == 0 && value == 0x01 && haveUsage) {
                const std::uint16_t usagePage =
                    usageHasPage ? static_cast<std::uint16_t>(usage >> 16) : page;
                usages.push_back({usagePage, static_cast<std::uint16_t>(usage & 0xFFFF)});
            }
            ++depth;
            haveUsage = false;
            break;
        case 0xC0: // End Collection
            depth = depth > 0 ? depth - 1 : 0;
            break;
        default:
            if ((prefix & 0x0C) == 0x00) { // other main items end the local state
                haveUsage = false;
            }
            break;
        }
        at += 1 + size;
    }
    return usages;
}

bool declaresBarcodeScanner(std::span<const std::uint8_t> descriptor) {
    for (const HidUsage& usage : hidApplicationUsages(descriptor)) {
        if (usage.page == kHidPosUsagePage) {
            return true;
        }
    }
    return false;
}

std::string usbId(std::uint16_t vendorId, std::uint16_t productId) {
    char text[10];
    std::snprintf(text, sizeof text, "%04x:%04x", vendorId, productId);
    return text;
}

UsbInputDevice describeUsbDevice(void* devicePtr) {
    auto* device = static_cast<libusb_device*>(devicePtr);
    UsbInputDevice out;
    out.bus = libusb_get_bus_number(device);
    out.address = libusb_get_device_address(device);
    libusb_device_descriptor descriptor{};
    if (libusb_get_device_descriptor(device, &descriptor) != 0) {
        out.note = "no device descriptor";
        return out;
    }
    out.vendorId = descriptor.idVendor;
    out.productId = descriptor.idProduct;
    std::vector<UsbInterfaceInfo> interfaces;
    std::vector<int> hidNumbers;
    libusb_config_descriptor* config = nullptr;
    if (libusb_get_active_config_descriptor(device, &config) == 0 ||
        libusb_get_config_descriptor(device, 0, &config) == 0) {
        for (int i = 0; i < config->bNumInterfaces; ++i) {
            for (int a = 0; a < config->interface[i].num_altsetting; ++a) {
                const auto& alt = config->interface[i].altsetting[a];
                interfaces.push_back(
                    {alt.bInterfaceClass, alt.bInterfaceSubClass, alt.bInterfaceProtocol});
                if (a == 0 && alt.bInterfaceClass == LIBUSB_CLASS_HID) {
                    hidNumbers.push_back(alt.bInterfaceNumber);
                }
            }
        }
        libusb_free_config_descriptor(config);
    }
    out.kind = classifyUsbDevice(descriptor.bDeviceClass, interfaces);
    if (out.kind != UsbDeviceKind::HidPosScanner && out.kind != UsbDeviceKind::KeyboardWedge &&
        out.kind != UsbDeviceKind::Camera && hidNumbers.empty()) {
        return out; // hubs, storage, ...
    }
    libusb_device_handle* handle = nullptr;
    if (libusb_open(device, &handle) != 0) {
        out.note = "cannot open (permission?)";
        // Unconfirmed: without the report descriptor a HID interface is not taken for a scanner.
        if (out.kind == UsbDeviceKind::HidPosScanner) {
            out.kind = UsbDeviceKind::Other;
        }
        return out;
    }
    out.manufacturer = stringDescriptor(handle, descriptor.iManufacturer);
    out.product = stringDescriptor(handle, descriptor.iProduct);
    out.serial = stringDescriptor(handle, descriptor.iSerialNumber);
    if (out.kind != UsbDeviceKind::Camera) {
        // The report descriptors decide: a bar code scanner page makes a scanner whatever the
        // interface's boot protocol says; a keyboard page a keyboard; anything else (mouse,
        // touchscreen, consumer keys) is not ours.
        bool keyboard = out.kind == UsbDeviceKind::KeyboardWedge;
        out.kind = UsbDeviceKind::Other;
        for (const int number : hidNumbers) {
            const auto report = reportDescriptor(handle, number);
            if (report.empty()) {
                out.note = "report descriptor unreadable";
                continue;
            }
            for (const HidUsage& usage : hidApplicationUsages(report)) {
                if (usage.page == kHidPosUsagePage && out.posInterface < 0) {
                    out.posInterface = number;
                } else if (usage.page == kGenericDesktopPage && usage.usage == kKeyboardUsage) {
                    keyboard = true;
                }
            }
        }
        if (out.posInterface >= 0) {
            out.kind = UsbDeviceKind::HidPosScanner;
            out.note = "usage page 0x8C on interface " + std::to_string(out.posInterface);
        } else if (keyboard) {
            out.kind = UsbDeviceKind::KeyboardWedge;
            out.note = "keyboard: types into the kiosk";
        }
    }
    libusb_close(handle);
    return out;
}

DriverResult<std::vector<UsbInputDevice>> listUsbInputDevices() {
    libusb_context* context = nullptr;
    if (libusb_init(&context) != 0) {
        return DriverError{DriverErrorKind::Device, "libusb could not start"};
    }
    std::unique_ptr<libusb_context, void (*)(libusb_context*)> owner(context, libusb_exit);
    libusb_device** list = nullptr;
    const ssize_t count = libusb_get_device_list(context, &list);
    if (count < 0) {
        return DriverError{DriverErrorKind::Device, std::string("USB devices: ") +
                                                        libusb_error_name(static_cast<int>(count))};
    }
    std::vector<UsbInputDevice> devices;
    for (ssize_t i = 0; i < count; ++i) {
        UsbInputDevice device = describeUsbDevice(list[i]);
        if (device.kind != UsbDeviceKind::Other || !device.product.empty()) {
            devices.push_back(std::move(device));
        }
    }
    libusb_free_device_list(list, 1);
    return devices;
}

} // namespace doorpost::drivers::scanner

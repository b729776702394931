// doorpost devices: what the kiosk sees, for the installer at the door. V4L2 capture devices
// (node, stable id, card, formats and sizes, which one `--camera auto` takes) and USB scanners
// and keyboards (vendor:product, kind as the report descriptor says, serial). Nothing is
// claimed or changed: cameras are asked through ioctls, USB devices through their descriptors.

#include "drivers/camera/v4l2_devices.hpp"
#include "drivers/scanner/usb_devices.hpp"
#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/output.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace doorpost::kiosk::cli {
namespace {

std::string sizeText(const drivers::camera::FrameSize& size) {
    std::string text = std::to_string(size.width) + "x" + std::to_string(size.height);
    if (!size.fps.empty()) {
        text += "@";
        for (std::size_t i = 0; i < size.fps.size(); ++i) {
            char rate[16];
            std::snprintf(rate, sizeof rate, "%s%g", i == 0 ? "" : ",", size.fps[i]);
            text += rate;
        }
    }
    return text;
}

int listDevices(bool json) {
    auto io = drivers::camera::makeSystemV4l2Io();
    const auto cameras = drivers::camera::listV4l2Devices(*io);
    const int chosen = drivers::camera::chooseAutoCamera(cameras);
    for (std::size_t i = 0; i < cameras.size(); ++i) {
        const auto& camera = cameras[i];
        nlohmann::json line;
        line["kind"] = "camera";
        line["path"] = camera.path;
        line["id"] = camera.stableId();
        line["by_id"] = camera.byId;
        line["card"] = camera.card;
        line["driver"] = camera.driver;
        line["bus"] = camera.busInfo;
        line["capture"] = camera.capture;
        line["usable"] = camera.usable();
        line["auto"] = static_cast<int>(i) == chosen;
        nlohmann::json formats = nlohmann::json::array();
        for (const auto& format : camera.formats) {
            nlohmann::json sizes = nlohmann::json::array();
            for (const auto& size : format.sizes) {
                sizes.push_back(sizeText(size));
            }
            formats.push_back({{"fourcc", format.fourcc}, {"sizes", sizes}});
        }
        line["formats"] = formats;
        if (!camera.error.empty()) {
            line["error"] = camera.error;
        }
        if (json) {
            printJsonLine(line);
            continue;
        }
        std::cout << "camera  " << camera.path << "  " << camera.stableId() << "  \"" << camera.card
                  << "\"";
        for (const auto& format : camera.formats) {
            std::cout << "  " << format.fourcc;
            for (const auto& size : format.sizes) {
                std::cout << " " << sizeText(size);
            }
        }
        std::cout << (static_cast<int>(i) == chosen ? "  [auto]" : "")
                  << (camera.capture ? "" : "  (not a capture node)")
                  << (camera.error.empty() ? "" : "  (" + camera.error + ")") << '\n';
    }
    if (cameras.empty() && !json) {
        std::cout << "camera  none (no /sys/class/video4linux entries)\n";
    }
    auto usb = drivers::scanner::listUsbInputDevices();
    if (!usb) {
        std::cerr << "doorpost: " << usb.error().message << " (USB scanners not listed)\n";
        return kExitOk;
    }
    for (const auto& device : usb.value()) {
        const std::string id = drivers::scanner::usbId(device.vendorId, device.productId);
        if (json) {
            nlohmann::json line;
            line["kind"] = drivers::scanner::toString(device.kind);
            line["usb"] = id;
            line["bus"] = device.bus;
            line["address"] = device.address;
            line["manufacturer"] = device.manufacturer;
            line["product"] = device.product;
            line["serial"] = device.serial;
            line["interface"] = device.posInterface;
            line["note"] = device.note;
            printJsonLine(line);
            continue;
        }
        std::cout << drivers::scanner::toString(device.kind) << "  " << id << "  \""
                  << device.manufacturer << " " << device.product << "\""
                  << (device.serial.empty() ? "" : "  serial " + device.serial)
                  << (device.note.empty() ? "" : "  (" + device.note + ")") << '\n';
    }
    return kExitOk;
}

} // namespace

void registerDevicesCommand(CLI::App& app, CommandContext& context) {
    auto json = std::make_shared<bool>(false);
    CLI::App* devices = app.add_subcommand(
        "devices", "The cameras (V4L2) and USB scanners this kiosk sees, and which it would use");
    devices->add_flag("--json", *json, "One JSON object per device");
    devices->callback([json, &context] { context.exitCode = listDevices(*json); });
}

} // namespace doorpost::kiosk::cli

#include "kiosk/app/camera_setup.hpp"

#include "drivers/camera/replay_source.hpp"
#include "drivers/camera/v4l2_devices.hpp"
#include "drivers/camera/v4l2_source.hpp"

#include <algorithm>
#include <filesystem>

namespace doorpost::kiosk::app {

drivers::synthetic::SyntheticConfig doorSyntheticConfig() {
    drivers::synthetic::SyntheticConfig config;
    config.width = 1280;
    config.height = 720;
    config.fps = 15.0;
    config.dropWhenBehind = true; // as a camera: a busy kiosk skips frames, it never lags behind
    config.framesWithCode = 20;
    config.framesWithout = 40;
    for (const char* ticket : {"2021110100731", "2021110100732", "2021110100733"}) {
        config.payloads.push_back({ticket, drivers::decode::CodeFormat::QRCode});
    }
    config.degradation.moduleSize = 6.0;
    config.degradation.tiltDeg = 12.0;
    config.degradation.noiseSigma = 4.0;
    return config;
}

Result<CameraChoice> parseCameraSpec(const std::string& spec) {
    CameraChoice choice;
    if (spec == "synthetic") {
        choice.kind = CameraChoice::Kind::Synthetic;
    } else if (spec.rfind("replay:", 0) == 0 && spec.size() > 7) {
        choice.kind = CameraChoice::Kind::Replay;
        choice.replayPath = spec.substr(7);
    } else if (drivers::camera::isV4l2Spec(spec) && spec != "by-id:" && spec != "bus:") {
        choice.kind = CameraChoice::Kind::V4l2;
        choice.device = spec;
    } else {
        return badInput("--camera: expected auto, /dev/videoN, by-id:NAME, bus:INFO, synthetic or "
                        "replay:DIR, not '" +
                        spec + "'");
    }
    return choice;
}

std::string cameraSpec(const CameraChoice& choice) {
    switch (choice.kind) {
    case CameraChoice::Kind::Synthetic:
        return "synthetic";
    case CameraChoice::Kind::Replay:
        return "replay:" + choice.replayPath;
    case CameraChoice::Kind::V4l2:
        return choice.device;
    }
    return "synthetic";
}

Result<std::unique_ptr<drivers::camera::FrameSource>> makeFrameSource(const CameraChoice& choice) {
    if (choice.kind == CameraChoice::Kind::Synthetic) {
        return std::unique_ptr<drivers::camera::FrameSource>(
            std::make_unique<drivers::synthetic::SyntheticSource>(choice.synthetic));
    }
    if (choice.kind == CameraChoice::Kind::V4l2) {
        drivers::camera::V4l2Config config;
        config.devicePath = choice.device;
        config.width = choice.width;
        config.height = choice.height;
        config.fps = choice.fps;
        // Resolved on each (re)open, on the capture thread: the camera may come later, or
        // come back as another /dev/videoN.
        auto locator = std::make_shared<drivers::camera::CameraLocator>(choice.device);
        config.resolve = [locator] { return locator->resolve(); };
        return std::unique_ptr<drivers::camera::FrameSource>(
            std::make_unique<drivers::camera::V4l2Source>(std::move(config),
                                                          drivers::camera::makeSystemV4l2Io()));
    }
    std::error_code error;
    if (!std::filesystem::exists(choice.replayPath, error)) {
        return badInput("--replay: " + choice.replayPath + " does not exist");
    }
    drivers::camera::ReplayConfig config;
    config.path = choice.replayPath;
    return std::unique_ptr<drivers::camera::FrameSource>(
        std::make_unique<drivers::camera::ReplaySource>(config));
}

std::vector<std::string> cameraChoices(const std::string& current) {
    std::vector<std::string> choices{"auto"};
    auto io = drivers::camera::makeSystemV4l2Io();
    for (const auto& device : drivers::camera::listV4l2Devices(*io)) {
        if (device.usable()) {
            choices.push_back(device.stableId());
        }
    }
    if (!current.empty() && std::find(choices.begin(), choices.end(), current) == choices.end()) {
        choices.push_back(current);
    }
    return choices;
}

} // namespace doorpost::kiosk::app

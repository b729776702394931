#include "kiosk/app/camera_setup.hpp"

#include "drivers/camera/replay_source.hpp"

#include <filesystem>

namespace doorpost::kiosk::app {

drivers::synthetic::SyntheticConfig doorSyntheticConfig() {
    drivers::synthetic::SyntheticConfig config;
    config.width = 1280;
    config.height = 720;
    config.fps = 15.0;
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

Result<std::unique_ptr<drivers::camera::FrameSource>> makeFrameSource(const CameraChoice& choice) {
    if (choice.kind == CameraChoice::Kind::Synthetic) {
        return std::unique_ptr<drivers::camera::FrameSource>(
            std::make_unique<drivers::synthetic::SyntheticSource>(choice.synthetic));
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

} // namespace doorpost::kiosk::app

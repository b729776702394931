#include "kiosk/ui/camera_setup.hpp"

#include "drivers/isolated_decoder.hpp"
#include "drivers/replay_source.hpp"
#include "kiosk/ui/app.hpp"

#include <filesystem>

namespace doorpost::kiosk::ui {

drivers::SyntheticConfig doorSyntheticConfig() {
    drivers::SyntheticConfig config;
    config.width = 1280;
    config.height = 720;
    config.fps = 15.0;
    config.framesWithCode = 20;
    config.framesWithout = 40;
    for (const char* ticket : {"2021110100731", "2021110100732", "2021110100733"}) {
        config.payloads.push_back({ticket, drivers::CodeFormat::QRCode});
    }
    config.degradation.moduleSize = 6.0;
    config.degradation.tiltDeg = 12.0;
    config.degradation.noiseSigma = 4.0;
    return config;
}

Result<std::unique_ptr<drivers::FrameSource>> makeFrameSource(const CameraChoice& choice) {
    if (choice.kind == CameraChoice::Kind::Synthetic) {
        return std::unique_ptr<drivers::FrameSource>(
            std::make_unique<drivers::SyntheticSource>(choice.synthetic));
    }
    std::error_code error;
    if (!std::filesystem::exists(choice.replayPath, error)) {
        return badInput("--replay: " + choice.replayPath + " does not exist");
    }
    drivers::ReplayConfig config;
    config.path = choice.replayPath;
    return std::unique_ptr<drivers::FrameSource>(std::make_unique<drivers::ReplaySource>(config));
}

std::unique_ptr<CameraFeed> makeCameraFeed(App& app, GatePort* gate,
                                           std::unique_ptr<drivers::FrameSource> source) {
    ReadSink sink =
        gate != nullptr ? gateReadSink(*gate, app.sharedQueue()) : ReadSink([](CodeRead) {});
    auto feed = std::make_unique<CameraFeed>(std::move(source),
                                             std::make_unique<drivers::IsolatedDecoder>(),
                                             app.queue(), std::move(sink));
    app.setCameraControl(feed.get());
    return feed;
}

} // namespace doorpost::kiosk::ui

#pragma once
// Replays recorded frames as if a camera delivered them: a folder of PNG/JPEG images (sorted by
// name) or a Y4M video, looped, at a given frame rate. Used for the demo, for field recordings
// of a door that misread, and for tests.

#include "drivers/camera/frame_source.hpp"

#include <fstream>
#include <string>
#include <vector>

namespace doorpost::drivers::camera {

struct ReplayConfig {
    std::string path;  // a folder of images, or a .y4m file
    double fps = -1.0; // < 0: the video's own rate (images: 10); 0: unpaced, as fast as asked
    bool loop = true;
};

class ReplaySource final : public FrameSource {
public:
    explicit ReplaySource(ReplayConfig config);

    DriverStatus open() override;
    NextFrame next(std::chrono::milliseconds timeout) override;
    void close() override;
    SourceState state() const override { return m_state; }
    std::string describe() const override { return "replay:" + m_config.path; }

    std::size_t frameCount() const; // images in the folder; 0 for video (unknown until the end)

private:
    DriverStatus openY4m();
    NextFrame nextImage();
    NextFrame nextY4m();

    ReplayConfig m_config;
    SourceState m_state = SourceState::Closed;
    std::vector<std::string> m_images;
    std::size_t m_index = 0;
    std::ifstream m_video;
    std::streampos m_firstFrame;
    int m_width = 0;
    int m_height = 0;
    std::size_t m_chromaBytes = 0;
    double m_rate = 10.0;
    LumaImage m_frame;
    std::uint64_t m_sequence = 0;
    FrameClock::time_point m_nextDue;
};

} // namespace doorpost::drivers::camera

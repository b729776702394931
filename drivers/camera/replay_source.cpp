#include "drivers/camera/replay_source.hpp"

#include "drivers/camera/image_file.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <thread>

namespace doorpost::drivers::camera {

ReplaySource::ReplaySource(ReplayConfig config) : m_config(std::move(config)) {}

std::size_t ReplaySource::frameCount() const {
    return m_images.size();
}

DriverStatus ReplaySource::open() {
    namespace fs = std::filesystem;
    if (m_state == SourceState::Streaming) {
        return Done{};
    }
    m_images.clear();
    m_index = 0;
    m_sequence = 0;
    std::error_code error;
    if (fs::is_directory(m_config.path, error)) {
        for (const auto& entry : fs::directory_iterator(m_config.path, error)) {
            auto ext = entry.path().extension().string();
            std::transform(ext.begin(), ext.end(), ext.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            if (entry.is_regular_file() && (ext == ".png" || ext == ".jpg" || ext == ".jpeg")) {
                m_images.push_back(entry.path().string());
            }
        }
        std::sort(m_images.begin(), m_images.end());
        if (m_images.empty()) {
            m_state = SourceState::Failed;
            return DriverError{DriverErrorKind::BadInput,
                               m_config.path + ": no PNG or JPEG images"};
        }
        m_rate = 10.0;
    } else if (fs::is_regular_file(m_config.path, error)) {
        if (auto opened = openY4m(); !opened) {
            m_state = SourceState::Failed;
            return opened;
        }
    } else {
        m_state = SourceState::Failed;
        return DriverError{DriverErrorKind::NotFound, m_config.path + ": no such folder or file"};
    }
    if (m_config.fps >= 0) {
        m_rate = m_config.fps;
    }
    m_nextDue = FrameClock::now();
    m_state = SourceState::Streaming;
    return Done{};
}

DriverStatus ReplaySource::openY4m() {
    m_video = std::ifstream(m_config.path, std::ios::binary);
    std::string header;
    if (!std::getline(m_video, header) || header.rfind("YUV4MPEG2 ", 0) != 0) {
        return DriverError{DriverErrorKind::BadInput, m_config.path + ": not a Y4M video"};
    }
    std::istringstream tokens(header.substr(10));
    std::string token;
    std::string colour = "420jpeg";
    m_width = m_height = 0;
    m_rate = 25.0;
    while (tokens >> token) {
        const char tag = token[0];
        const std::string value = token.substr(1);
        if (tag == 'W') {
            m_width = std::atoi(value.c_str());
        } else if (tag == 'H') {
            m_height = std::atoi(value.c_str());
        } else if (tag == 'C') {
            colour = value;
        } else if (tag == 'F') {
            const auto colon = value.find(':');
            const double num = std::atof(value.substr(0, colon).c_str());
            const double den =
                colon == std::string::npos ? 1.0 : std::atof(value.substr(colon + 1).c_str());
            if (num > 0 && den > 0) {
                m_rate = num / den;
            }
        }
    }
    if (m_width <= 0 || m_height <= 0 || m_width > 8192 || m_height > 8192) {
        return DriverError{DriverErrorKind::BadInput,
                           m_config.path + ": Y4M size missing or out of range"};
    }
    const auto w = static_cast<std::size_t>(m_width);
    const auto h = static_cast<std::size_t>(m_height);
    if (colour.rfind("mono", 0) == 0) {
        m_chromaBytes = 0;
    } else if (colour.rfind("420", 0) == 0) {
        m_chromaBytes = 2 * ((w + 1) / 2) * ((h + 1) / 2);
    } else if (colour.rfind("422", 0) == 0) {
        m_chromaBytes = 2 * ((w + 1) / 2) * h;
    } else if (colour.rfind("444", 0) == 0 && colour.find("alpha") == std::string::npos) {
        m_chromaBytes = 2 * w * h;
    } else {
        return DriverError{DriverErrorKind::Unsupported,
                           m_config.path + ": Y4M colour space C" + colour};
    }
    m_firstFrame = m_video.tellg();
    m_frame = LumaImage(m_width, m_height);
    return Done{};
}

NextFrame ReplaySource::nextImage() {
    NextFrame out;
    if (m_index >= m_images.size()) {
        if (!m_config.loop) {
            m_state = SourceState::Ended;
            out.status = NextStatus::Ended;
            return out;
        }
        m_index = 0;
    }
    auto image = loadLumaImage(m_images[m_index++]);
    if (!image) {
        out.status = NextStatus::Error; // one bad file is skipped; the replay goes on
        out.message = image.error().message;
        return out;
    }
    m_frame = std::move(image).value();
    out.status = NextStatus::Frame;
    return out;
}

NextFrame ReplaySource::nextY4m() {
    NextFrame out;
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::string marker;
        if (std::getline(m_video, marker) && marker.rfind("FRAME", 0) == 0) {
            m_video.read(reinterpret_cast<char*>(m_frame.pixels().data()),
                         static_cast<std::streamsize>(m_frame.pixels().size()));
            m_video.ignore(static_cast<std::streamsize>(m_chromaBytes));
            if (m_video) {
                out.status = NextStatus::Frame;
                return out;
            }
        }
        // End of the video (or a truncated last frame): start over once, or end.
        if (!m_config.loop) {
            break;
        }
        m_video.clear();
        m_video.seekg(m_firstFrame);
    }
    m_state = SourceState::Ended;
    out.status = NextStatus::Ended;
    out.message = m_sequence == 0 ? m_config.path + ": no complete frame" : "";
    return out;
}

NextFrame ReplaySource::next(std::chrono::milliseconds timeout) {
    NextFrame out;
    if (m_state != SourceState::Streaming) {
        out.status = m_state == SourceState::Ended ? NextStatus::Ended : NextStatus::Error;
        out.message = describe() + " is " + toString(m_state);
        return out;
    }
    FrameClock::time_point scheduled = FrameClock::now();
    if (m_rate > 0) {
        if (m_nextDue > FrameClock::now() + timeout) {
            std::this_thread::sleep_for(timeout);
            out.status = NextStatus::Timeout;
            return out;
        }
        std::this_thread::sleep_until(m_nextDue);
        // A paced source's frame is "taken" on its schedule, not when the consumer got round
        // to asking: timestamps stay evenly spaced even when the consumer falls behind.
        scheduled = m_nextDue;
        m_nextDue += std::chrono::duration_cast<FrameClock::duration>(
            std::chrono::duration<double>(1.0 / m_rate));
    }
    out = m_images.empty() ? nextY4m() : nextImage();
    if (out.status == NextStatus::Frame) {
        out.frame.luma = m_frame.view();
        out.frame.sequence = m_sequence++;
        out.frame.captured = m_rate > 0 ? scheduled : FrameClock::now();
    }
    return out;
}

void ReplaySource::close() {
    m_video = {};
    m_images.clear();
    m_frame = {};
    m_state = SourceState::Closed;
}

} // namespace doorpost::drivers::camera

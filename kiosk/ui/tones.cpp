#include "kiosk/ui/tones.hpp"

#include <SDL.h>
#include <cmath>
#include <vector>

namespace doorpost::kiosk::ui {
namespace {

struct Note {
    double hz; // 0: silence
    int ms;
};

// Admit rises, deny is three low pulses, refer is two level mid tones: told apart by ear alone.
std::vector<Note> melody(Verdict kind) {
    switch (kind) {
    case Verdict::Admit:
        return {{880, 110}, {1320, 170}};
    case Verdict::Deny:
        return {{280, 160}, {0, 70}, {280, 160}, {0, 70}, {280, 160}};
    case Verdict::Refer:
        return {{620, 220}, {0, 110}, {620, 220}};
    case Verdict::None:
        break;
    }
    return {};
}

} // namespace

Tones::~Tones() {
    if (m_device != 0) {
        SDL_CloseAudioDevice(m_device);
    }
}

bool Tones::open() {
    if (SDL_WasInit(SDL_INIT_AUDIO) == 0 && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        m_error = std::string("no audio: ") + SDL_GetError();
        return false;
    }
    SDL_AudioSpec want{};
    want.freq = m_rate;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    SDL_AudioSpec have{};
    m_device = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
    if (m_device == 0) {
        m_error = std::string("no audio device: ") + SDL_GetError();
        return false;
    }
    SDL_PauseAudioDevice(m_device, 0);
    return true;
}

void Tones::play(Verdict kind) {
    ++m_played;
    if (m_device == 0) {
        return;
    }
    std::vector<std::int16_t> samples;
    constexpr double kPi = 3.14159265358979323846;
    for (const Note& note : melody(kind)) {
        const int count = m_rate * note.ms / 1000;
        for (int i = 0; i < count; ++i) {
            // A short linear fade at both ends avoids clicks.
            const double fade = std::min({1.0, i / 200.0, (count - i) / 200.0});
            const double value =
                note.hz == 0 ? 0.0 : std::sin(2 * kPi * note.hz * i / m_rate) * 0.35 * fade;
            samples.push_back(static_cast<std::int16_t>(value * 32767));
        }
    }
    SDL_ClearQueuedAudio(m_device); // a new verdict replaces the previous tone
    SDL_QueueAudio(m_device, samples.data(),
                   static_cast<Uint32>(samples.size() * sizeof(std::int16_t)));
}

} // namespace doorpost::kiosk::ui

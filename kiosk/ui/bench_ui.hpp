#pragma once
// The UI benchmark behind `doorpost bench ui`: frame times of the door screen under load (camera
// preview every frame, a verdict every second) at 1280x800 with the software renderer, the CPU
// an idle kiosk uses, and a baseline frame (clear and present, no UI) measured in the same run.

#include "storage/base/result.hpp"

namespace doorpost::kiosk::ui {

struct UiBenchResult {
    int width = 0;
    int height = 0;
    int frames = 0;
    double frameP50Ms = 0;
    double frameP95Ms = 0;
    double frameP99Ms = 0;
    double frameMaxMs = 0;
    double frameCpuP50Ms = 0; // the UI thread's CPU time per frame: what the frame costs a core
    double frameCpuP99Ms = 0;
    double baselineP99Ms = 0;  // clear + present only
    double idleCpuPercent = 0; // of one core, over idleMs
    int idleMs = 0;
    int idleFramesDrawn = 0;
};

Result<UiBenchResult> benchUi(int frames, int idleMs, int width, int height);

} // namespace doorpost::kiosk::ui

#pragma once
// The UI benchmark behind `doorpost bench ui`: frame times of the door screen under load (camera
// preview every frame, a verdict every 60 frames) at 1280x800 with the software renderer, the CPU
// an idle kiosk uses, and a baseline frame (clear and present, no UI) measured in the same run.
// A second loaded run gives every verdict a name never seen before, whose glyphs the font atlas
// does not hold yet.

#include "storage/base/result.hpp"

namespace doorpost::kiosk::ui {

// Frame times of one run under load. A frame is everything the UI thread does for it: taking
// what other threads posted, the font atlas's upkeep, drawing and presenting.
struct UiLoadRun {
    int frames = 0;
    double frameP50Ms = 0; // wall
    double frameP95Ms = 0;
    double frameP99Ms = 0;
    double frameMaxMs = 0;
    double frameCpuP50Ms = 0; // the UI thread's CPU time per frame: what the frame costs a core
    double frameCpuP99Ms = 0;
    double frameCpuMaxMs = 0;
    // Frames that waited for the glyphs of a new text (a name) before being drawn, and the
    // longest wait (wall): how much later than its colour the verdict's name could have shown.
    int glyphWaits = 0;
    double glyphWaitMaxMs = 0;
};

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

    // Every verdict a new name drawn from GB 2312's 3755 common hanzi (level 1).
    UiLoadRun unseen;
    int unseenNames = 0;
    int unseenCodePoints = 0; // distinct hanzi in those names
};

Result<UiBenchResult> benchUi(int frames, int idleMs, int width, int height);

} // namespace doorpost::kiosk::ui

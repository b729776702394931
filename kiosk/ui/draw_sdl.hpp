#pragma once
// Submits Dear ImGui's draw lists to an SDL_Renderer. Unlike the stock backend, solid shapes
// (which ImGui draws by sampling the font atlas's white texel) go to SDL untextured: SDL's
// software renderer fills those several times faster than a textured blit, which is what keeps
// a 1280x800 frame inside its budget without a GPU.

struct SDL_Renderer;
struct ImDrawData;

namespace doorpost::kiosk::ui {

void renderDrawData(SDL_Renderer* renderer, const ImDrawData* drawData);

} // namespace doorpost::kiosk::ui

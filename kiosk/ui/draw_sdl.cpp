#include "kiosk/ui/draw_sdl.hpp"

#include <SDL.h>
#include <cmath>
#include <cstddef>
#include <imgui.h>
#include <vector>

namespace doorpost::kiosk::ui {
namespace {

bool isWhiteTexel(const ImDrawVert& v, ImVec2 white) {
    return v.uv.x == white.x && v.uv.y == white.y;
}

bool isOpaque(const ImDrawVert& v) {
    return (v.col & IM_COL32_A_MASK) == IM_COL32_A_MASK;
}

// How a run of triangles is drawn: textured, solid and opaque (a plain fill, the cheapest),
// or solid and translucent (blended).
enum class RunKind { Textured, Opaque, Blended };

// ImU32 colours from IM_COL32 are R,G,B,A in memory on little-endian machines, as SDL_Color is.
static_assert(sizeof(ImU32) == sizeof(SDL_Color));

void submit(SDL_Renderer* renderer, SDL_Texture* texture, const ImDrawVert* vertices,
            int vertexCount, const ImDrawIdx* indices, int indexCount) {
    constexpr int kStride = static_cast<int>(sizeof(ImDrawVert));
    SDL_RenderGeometryRaw(renderer, texture, &vertices->pos.x, kStride,
                          reinterpret_cast<const SDL_Color*>(&vertices->col), kStride,
                          texture != nullptr ? &vertices->uv.x : nullptr, kStride, vertexCount,
                          indices, indexCount, sizeof(ImDrawIdx));
}

} // namespace

void renderDrawData(SDL_Renderer* renderer, const ImDrawData* drawData) {
    if (drawData == nullptr || drawData->DisplaySize.x <= 0 || drawData->DisplaySize.y <= 0) {
        return;
    }
    const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
    const ImTextureID fontTexture = ImGui::GetIO().Fonts->TexID;
    const ImVec2 origin = drawData->DisplayPos;
    std::vector<ImDrawIdx> run;
    auto flush = [&](RunKind kind, SDL_Texture* texture, const ImDrawVert* vertices,
                     int vertexCount) {
        // Untextured geometry uses the renderer's blend mode; opaque fills need no blending.
        SDL_SetRenderDrawBlendMode(renderer, kind == RunKind::Opaque ? SDL_BLENDMODE_NONE
                                                                     : SDL_BLENDMODE_BLEND);
        submit(renderer, kind == RunKind::Textured ? texture : nullptr, vertices, vertexCount,
               run.data(), static_cast<int>(run.size()));
        run.clear();
    };
    for (int n = 0; n < drawData->CmdListsCount; ++n) {
        const ImDrawList* list = drawData->CmdLists[n];
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback != nullptr) {
                if (cmd.UserCallback != ImDrawCallback_ResetRenderState) {
                    cmd.UserCallback(list, &cmd);
                }
                continue;
            }
            const SDL_Rect clip{static_cast<int>(std::floor(cmd.ClipRect.x - origin.x)),
                                static_cast<int>(std::floor(cmd.ClipRect.y - origin.y)),
                                static_cast<int>(std::ceil(cmd.ClipRect.z - cmd.ClipRect.x)),
                                static_cast<int>(std::ceil(cmd.ClipRect.w - cmd.ClipRect.y))};
            if (clip.w <= 0 || clip.h <= 0) {
                continue;
            }
            SDL_RenderSetClipRect(renderer, &clip);
            const ImDrawVert* vertices = list->VtxBuffer.Data + cmd.VtxOffset;
            const int vertexCount = list->VtxBuffer.Size - static_cast<int>(cmd.VtxOffset);
            const ImDrawIdx* indices = list->IdxBuffer.Data + cmd.IdxOffset;
            auto* texture = static_cast<SDL_Texture*>(cmd.TextureId);
            if (cmd.TextureId != fontTexture) {
                SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND);
                submit(renderer, texture, vertices, vertexCount, indices,
                       static_cast<int>(cmd.ElemCount));
                continue;
            }
            // Split the command into runs of solid and textured triangles, keeping their order
            // so that overlapping shapes still paint in the order ImGui gave them.
            RunKind runKind = RunKind::Textured;
            run.clear();
            for (unsigned int i = 0; i + 2 < cmd.ElemCount; i += 3) {
                const ImDrawVert& a = vertices[indices[i]];
                const ImDrawVert& b = vertices[indices[i + 1]];
                const ImDrawVert& c = vertices[indices[i + 2]];
                RunKind kind = RunKind::Textured;
                if (isWhiteTexel(a, white) && isWhiteTexel(b, white) && isWhiteTexel(c, white)) {
                    kind = isOpaque(a) && isOpaque(b) && isOpaque(c) ? RunKind::Opaque
                                                                     : RunKind::Blended;
                }
                if (!run.empty() && kind != runKind) {
                    flush(runKind, texture, vertices, vertexCount);
                }
                runKind = kind;
                run.insert(run.end(), {indices[i], indices[i + 1], indices[i + 2]});
            }
            if (!run.empty()) {
                flush(runKind, texture, vertices, vertexCount);
            }
        }
    }
    SDL_RenderSetClipRect(renderer, nullptr);
}

} // namespace doorpost::kiosk::ui

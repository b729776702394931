// `doorpost decode [--json] [--formats qr,pdf417,...] IMAGE...`: reads codes from image files
// through the same isolated pipeline the door uses. Exit 0 when every image gave a read, 1 when
// some gave none, 2 for bad input (an unreadable file, an unknown format).

#include "drivers/camera/image_file.hpp"
#include "drivers/decode/code_format.hpp"
#include "drivers/decode/isolated_decoder.hpp"
#include "kiosk/cli/command_registry.hpp"
#include "kiosk/cli/output.hpp"
#include "storage/base/hex.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace doorpost::kiosk::cli {
namespace {

struct DecodeArgs {
    std::vector<std::string> images;
    std::string formats;
    bool json = false;
    int budgetMs = 0;
};

int runDecode(const DecodeArgs& args) {
    std::string bad;
    const auto formats = drivers::decode::parseCodeFormats(args.formats, &bad);
    if (!formats) {
        return fail(badInput("--formats: unknown format '" + bad + "'"));
    }
    if (args.budgetMs < 0) {
        return fail(badInput("--budget-ms: must be 0 (no limit) or positive"));
    }
    // Load everything first: a bad file is reported before anything is printed.
    std::vector<drivers::camera::LumaImage> images;
    for (const auto& path : args.images) {
        auto image = drivers::camera::loadLumaImage(path);
        if (!image) {
            return fail(badInput("IMAGE: " + image.error().message));
        }
        images.push_back(std::move(image).value());
    }

    drivers::decode::DecoderOptions options;
    options.formats = *formats;
    drivers::decode::IsolationOptions isolation;
    isolation.exhaustive = args.budgetMs == 0;
    if (args.budgetMs > 0) {
        options.budget = std::chrono::milliseconds(args.budgetMs);
        options.idleBudget = options.budget;
    }
    isolation.hangTimeout = std::chrono::milliseconds(10000);
    drivers::decode::IsolatedDecoder decoder(options, isolation);

    bool allRead = true;
    for (std::size_t i = 0; i < images.size(); ++i) {
        const auto start = std::chrono::steady_clock::now();
        const auto outcome = decoder.decode(images[i].view());
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        nlohmann::json line{{"file", args.images[i]}, {"read", false}};
        if (outcome && outcome->read) {
            const auto& read = *outcome->read;
            line["read"] = true;
            line["format"] = drivers::decode::toString(read.format);
            if (read.binary) {
                line["bytes_hex"] = toHex(read.bytes);
            } else {
                line["text"] = read.text;
            }
            line["stage"] = drivers::decode::toString(read.stage);
        } else {
            allRead = false;
            if (!outcome) {
                line["error"] = outcome.error().message;
            }
        }
        line["ms"] = static_cast<double>(static_cast<long>(ms * 100)) / 100.0;
        if (args.json) {
            printJsonLine(line);
        } else if (line["read"] == true) {
            std::cout << args.images[i] << ": " << line["format"].get<std::string>() << " "
                      << (line.contains("text") ? line["text"].get<std::string>()
                                                : "0x" + line["bytes_hex"].get<std::string>())
                      << '\n';
        } else {
            std::cout << args.images[i] << ": no code"
                      << (line.contains("error") ? " (" + line["error"].get<std::string>() + ")"
                                                 : "")
                      << '\n';
        }
    }
    return allRead ? kExitOk : kExitNegative;
}

} // namespace

void registerDecodeCommand(CLI::App& app, CommandContext& context) {
    auto args = std::make_shared<DecodeArgs>();
    CLI::App* cmd = app.add_subcommand(
        "decode", "Read codes from image files (PNG/JPEG); exit 1 if some image has none");
    cmd->add_option("IMAGE", args->images, "Image files")->required();
    cmd->add_flag("--json", args->json, "One JSON object per image");
    cmd->add_option("--formats", args->formats,
                    "Comma-separated formats (qr,microqr,pdf417,datamatrix,aztec,code128,code39,"
                    "code93,ean13,ean8,upca,upce,itf,codabar); default all");
    cmd->add_option("--budget-ms", args->budgetMs,
                    "Per-image time budget as at the door; 0 runs every stage")
        ->capture_default_str();
    cmd->callback([args, &context] { context.exitCode = runDecode(*args); });
}

} // namespace doorpost::kiosk::cli

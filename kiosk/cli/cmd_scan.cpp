// `doorpost --db FILE scan --json [--at ISO] (IMAGE | --text CODE)...`: each input goes
// through the gate exactly as at the door (read, verify, decide, commit) and prints one object:
// read, credential, verdict, reasons, seq, checks. Images are decoded by the door's isolated
// decoder (drivers/); an image with no readable code prints picture_decode false and records
// nothing. Exit 0 when every input was answered, 2 bad input, 3 storage fault.

#include "drivers/camera/image_file.hpp"
#include "drivers/decode/isolated_decoder.hpp"
#include "kiosk/cli/gate_session.hpp"
#include "kiosk/cli/output.hpp"
#include "kiosk/gate/checks_json.hpp"

#include <iostream>

namespace doorpost::kiosk::cli {
namespace {

struct ScanArgs {
    std::vector<std::string> images;
    std::vector<std::string> texts;
    std::string at;
    bool json = false;
};

struct Input {
    bool image = false;
    std::string value;
};

int runScan(const CommandContext& context, const ScanArgs& args, const std::vector<Input>& inputs) {
    auto at = parseClockOption("--at", args.at);
    if (!at)
        return fail(at.error());
    if (inputs.empty())
        return fail(badInput("IMAGE or --text: nothing to scan"));
    auto session = openGateSession(context.global);
    if (!session)
        return fail(session.error());
    auto& gate = (*session)->gate;

    std::unique_ptr<drivers::decode::IsolatedDecoder> decoder; // started on the first image only
    for (const Input& input : inputs) {
        gate::ScanInput scan;
        scan.at = *at;
        nlohmann::json line;
        line[input.image ? "image" : "text_input"] = input.image ? input.value : "";
        if (!input.image)
            line.erase("text_input");
        if (input.image) {
            auto image = drivers::camera::loadLumaImage(input.value);
            if (!image)
                return fail(badInput("IMAGE: " + image.error().message));
            if (!decoder) {
                drivers::decode::IsolationOptions isolation;
                isolation.exhaustive = true; // a still image: every stage may run
                isolation.hangTimeout = std::chrono::milliseconds(10000);
                decoder = std::make_unique<drivers::decode::IsolatedDecoder>(
                    drivers::decode::DecoderOptions{}, isolation);
            }
            auto outcome = decoder->decode(image->view());
            if (!outcome || !outcome->read || outcome->read->binary) {
                credentials::Checks checks;
                checks.pictureDecode = false;
                line.update({{"read", nullptr},
                             {"credential", nullptr},
                             {"verdict", nullptr},
                             {"reasons", nlohmann::json::array()},
                             {"seq", nullptr},
                             {"checks", gate::checksJson(checks)}});
                printJsonLine(line);
                continue;
            }
            scan.text = outcome->read->text;
            scan.pictureDecode = true;
        } else {
            scan.text = input.value;
        }
        auto result = gate->scan(scan);
        if (!result)
            return fail(result.error());
        line["read"] = scan.text;
        line.update(verdictJson(*result));
        if (args.json) {
            printJsonLine(line);
        } else {
            std::cout << verdictName(result->verdict) << " " << line["reasons"].dump() << " seq "
                      << result->seq << '\n';
        }
    }
    return kExitOk;
}

} // namespace

void registerScanCommand(CLI::App& app, CommandContext& context) {
    auto args = std::make_shared<ScanArgs>();
    CLI::App* cmd = app.add_subcommand(
        "scan", "Verify, decide and record codes from images or text, as the door does");
    auto* images = cmd->add_option("IMAGE", args->images, "Image files with a code");
    auto* texts = cmd->add_option("--text", args->texts, "A code's text (repeatable)")
                      ->allow_extra_args(false); // one value per --text, images stay positional
    cmd->add_option("--at", args->at, "Decision clock, ISO 8601 (default: now)");
    cmd->add_flag("--json", args->json, "One JSON object per input");
    cmd->callback([args, &context, cmd, images, texts] {
        // Answer in the order given on the command line, images and texts interleaved.
        std::vector<Input> inputs;
        std::size_t nextImage = 0;
        std::size_t nextText = 0;
        for (const CLI::Option* option : cmd->parse_order()) {
            if (option == images && nextImage < args->images.size())
                inputs.push_back({true, args->images[nextImage++]});
            else if (option == texts && nextText < args->texts.size())
                inputs.push_back({false, args->texts[nextText++]});
        }
        while (nextImage < args->images.size())
            inputs.push_back({true, args->images[nextImage++]});
        while (nextText < args->texts.size())
            inputs.push_back({false, args->texts[nextText++]});
        context.exitCode = runScan(context, *args, inputs);
    });
}

} // namespace doorpost::kiosk::cli

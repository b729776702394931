// doorpost-central issue-pass --subject-id ID --status green|yellow|red --valid-hours H
//                             (--out FILE.png | --text) [--json]
// Issues a real DP1 pass signed with the active issuer key: the holder's ID number becomes
// the salted subject key and a masked ID; the full number is not in the pass.

#include "storage/base/hex.hpp"
#include "storage/base/id_number.hpp"
#include "sync/central/cli/central_cli.hpp"
#include "sync/central/cli/command_registry.hpp"
#include "sync/central/cli/issuer_keys.hpp"
#include "sync/central/cli/qr_png.hpp"
#include "sync/pass/dp1.hpp"
#include "sync/pass/subject_key.hpp"

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sodium.h>

namespace doorpost::sync::central::cli {
namespace {

int report(const Error& error) {
    std::cerr << "doorpost-central: " << error.message << '\n';
    return error.kind == ErrorKind::Environment ? 3 : 2;
}

bool plausibleIdNumber(const std::string& id) {
    if (id.size() < 4 || id.size() > 32)
        return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
            return false;
    return true;
}

} // namespace

void registerIssuePassCommand(CLI::App& app, CentralContext& context) {
    auto* command = app.add_subcommand("issue-pass", "Issue a signed DP1 health pass");
    struct Options {
        std::string subjectId;
        std::string status;
        double validHours = 24;
        std::string out;
        bool text = false;
        bool json = false;
        std::string issuer = "doorpost-central";
    };
    auto options = std::make_shared<Options>();
    command->add_option("--subject-id", options->subjectId, "Holder's ID number")->required();
    command->add_option("--status", options->status, "green, yellow or red")->required();
    command->add_option("--valid-hours", options->validHours, "Hours from now until it expires")
        ->capture_default_str();
    auto* out = command->add_option("--out", options->out, "Write the QR code as a PNG file");
    auto* text = command->add_flag("--text", options->text, "Print the pass text (DP1:...)");
    out->excludes(text);
    command->add_option("--issuer", options->issuer, "iss claim")->capture_default_str();
    command->add_flag("--json", options->json, "Print {pass_id, kid, expires_at, text|out}");
    command->callback([options, &context] {
        auto status = pass::parsePassStatus(options->status);
        if (!status) {
            context.exitCode = report(status.error());
            return;
        }
        const std::string id = normaliseIdNumber(options->subjectId);
        if (!plausibleIdNumber(id)) {
            context.exitCode = report(badInput("subject-id: expected 4-32 letters and digits"));
            return;
        }
        if (!(options->validHours > 0 && options->validHours <= 24 * 366)) {
            context.exitCode = report(badInput("valid-hours: expected 0 < H <= 8784"));
            return;
        }
        if (options->out.empty() && !options->text) {
            context.exitCode = report(badInput("out: give --out FILE.png or --text"));
            return;
        }
        auto store = IssuerKeyStore::open(context.global.dataDir);
        if (!store) {
            context.exitCode = report(store.error());
            return;
        }
        auto key = store->active();
        if (!key) {
            context.exitCode = report(key.error());
            return;
        }
        const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        pass::Dp1Claims claims;
        claims.issuer = options->issuer;
        std::array<std::uint8_t, 8> random{};
        randombytes_buf(random.data(), random.size());
        claims.passId = "P-" + toHex(random);
        claims.issuedAt = now;
        claims.expiresAt = now + static_cast<std::int64_t>(options->validHours * 3600);
        claims.status = *status;
        // The subject key with the deployment's secret, as rosters and kiosks compute it.
        auto central = openStore(context);
        if (!central) {
            context.exitCode = report(central.error());
            return;
        }
        auto secret = (*central)->subjectSecret();
        if (!secret) {
            context.exitCode = report(secret.error());
            return;
        }
        auto hash = pass::subjectKey(id, *secret);
        if (!hash) {
            context.exitCode = report(hash.error());
            return;
        }
        claims.idHash.assign(hash->begin(), hash->end());
        claims.maskedId = maskIdNumber(id);
        const std::string passText = pass::issueDp1(claims, key->secretKey);
        if (!options->out.empty()) {
            if (auto written = writeQrPng(passText, options->out); !written) {
                context.exitCode = report(written.error());
                return;
            }
        }
        if (options->json) {
            nlohmann::json line = {{"pass_id", claims.passId},
                                   {"kid", key->kid},
                                   {"status", pass::passStatusName(claims.status)},
                                   {"masked_id", claims.maskedId},
                                   {"expires_at", claims.expiresAt}};
            if (options->text)
                line["text"] = passText;
            if (!options->out.empty())
                line["out"] = options->out;
            std::cout << line.dump() << '\n';
        } else if (options->text) {
            std::cout << passText << '\n';
        } else {
            std::cout << "wrote " << options->out << " (" << claims.passId << ")\n";
        }
        context.exitCode = 0;
    });
}

} // namespace doorpost::sync::central::cli

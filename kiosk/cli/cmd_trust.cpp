// `doorpost trust add-dsc FILE | add-key FILE | deny PASS_ID | list --json`: the kiosk's trust
// data, each entry with its source, fetch time and valid-until.
//  add-dsc  a DCC document signer certificate (DER, PEM or base64 DER)
//  add-key  the central's public-keys.json (issuer keys, sealing key, subject salt), or a
//           single {"public_key": hex} issuer key
//  deny     put a pass id on the deny list

#include "kiosk/cli/gate_session.hpp"
#include "kiosk/cli/output.hpp"
#include "kiosk/credentials/trust_set.hpp"
#include "storage/base/hex.hpp"
#include "storage/roster_store.hpp"
#include "storage/trust_store.hpp"
#include "sync/pass/subject_key.hpp"

#include <fstream>
#include <iostream>
#include <sodium.h>
#include <sstream>

namespace doorpost::kiosk::cli {
namespace {

constexpr std::int64_t kDefaultValiditySeconds = 30 * 24 * 3600;

struct TrustArgs {
    std::string file;
    std::string passId;
    std::string validUntil;
    std::string source;
    bool json = false;
};

Result<std::string> readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return badInput("FILE: cannot read " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

Result<std::int64_t> validUntil(const TrustArgs& args, std::int64_t fallback) {
    auto parsed = parseClockOption("--valid-until", args.validUntil);
    if (!parsed)
        return parsed.error();
    return parsed->value_or(fallback);
}

int addDsc(const CommandContext& context, const TrustArgs& args) {
    auto bytes = readFile(args.file);
    if (!bytes)
        return fail(bytes.error());
    auto dsc = credentials::parseDsc(
        std::span(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()));
    if (!dsc)
        return fail(badInput("FILE: " + dsc.error().message));
    const std::int64_t now = gate::wallClockSeconds();
    auto until = validUntil(args, now + kDefaultValiditySeconds);
    if (!until)
        return fail(until.error());
    auto db = openKioskDatabase(context.global);
    if (!db)
        return fail(db.error());
    storage::TrustEntry entry{storage::TrustKind::Dsc,
                              toHex(dsc->kid),
                              toHex(dsc->der),
                              dsc->subject,
                              args.source.empty() ? args.file : args.source,
                              now,
                              *until};
    if (auto added = storage::TrustStore(*db).add(entry); !added)
        return fail(added.error());
    if (args.json)
        printJsonLine({{"kind", "dsc"},
                       {"key_id", entry.keyId},
                       {"label", entry.label},
                       {"valid_until", entry.validUntil}});
    else
        std::cout << "trusted DSC " << entry.keyId << " " << entry.label << '\n';
    return kExitOk;
}

Result<std::vector<std::uint8_t>> hexField(const nlohmann::json& object, const char* key,
                                           std::size_t size) {
    const std::string hex = object.is_object() ? object.value(key, "") : "";
    std::vector<std::uint8_t> out(size);
    std::size_t length = 0;
    if (sodium_hex2bin(out.data(), size, hex.data(), hex.size(), nullptr, &length, nullptr) != 0 ||
        length != size)
        return badInput(std::string("FILE: ") + key + " must be " + std::to_string(size * 2) +
                        " hex digits");
    return out;
}

int addKey(const CommandContext& context, const TrustArgs& args) {
    auto text = readFile(args.file);
    if (!text)
        return fail(text.error());
    const auto json = nlohmann::json::parse(*text, nullptr, false);
    if (!json.is_object())
        return fail(badInput("FILE: not a JSON object"));
    const std::int64_t now = gate::wallClockSeconds();
    auto until = validUntil(args, json.value("valid_until", now + kDefaultValiditySeconds));
    if (!until)
        return fail(until.error());
    const std::string source = args.source.empty() ? args.file : args.source;

    // Everything is checked before anything is stored.
    std::vector<storage::TrustEntry> entries;
    const nlohmann::json keys =
        json.contains("issuer_keys") ? json["issuer_keys"] : nlohmann::json::array({json});
    if (!keys.is_array() || keys.empty())
        return fail(badInput("FILE: issuer_keys is empty"));
    for (const auto& key : keys) {
        auto publicKey = hexField(key, "public_key", 32);
        if (!publicKey)
            return fail(publicKey.error());
        const auto kid = sync::pass::ed25519KeyId(*publicKey);
        entries.push_back({storage::TrustKind::PassKey, toHex(kid), toHex(*publicKey), "dp1 issuer",
                           source, now, *until});
    }
    if (json.contains("seal_public_key")) {
        auto seal = hexField(json, "seal_public_key", 32);
        if (!seal)
            return fail(seal.error());
        entries.push_back(
            {storage::TrustKind::SealKey, "", toHex(*seal), "central seal", source, now, *until});
    }
    auto db = openKioskDatabase(context.global);
    if (!db)
        return fail(db.error());
    auto transaction = storage::Transaction::begin(*db);
    if (!transaction)
        return fail(transaction.error());
    storage::TrustStore store(*db);
    for (const auto& entry : entries)
        if (auto added = store.add(entry); !added)
            return fail(added.error());
    if (auto committed = transaction->commit(); !committed)
        return fail(committed.error());
    for (const auto& entry : entries) {
        if (args.json)
            printJsonLine({{"kind", storage::toString(entry.kind)},
                           {"key_id", entry.keyId},
                           {"valid_until", entry.validUntil}});
        else
            std::cout << "trusted " << storage::toString(entry.kind) << " " << entry.keyId << '\n';
    }
    return kExitOk;
}

int deny(const CommandContext& context, const TrustArgs& args) {
    if (args.passId.empty() || args.passId.size() > 128)
        return fail(badInput("PASS_ID: 1-128 characters"));
    const std::int64_t now = gate::wallClockSeconds();
    auto until = validUntil(args, now + kDefaultValiditySeconds);
    if (!until)
        return fail(until.error());
    auto db = openKioskDatabase(context.global);
    if (!db)
        return fail(db.error());
    storage::DeniedPass pass{args.passId, args.source.empty() ? "operator" : args.source, now,
                             *until};
    if (auto added = storage::TrustStore(*db).deny(pass); !added)
        return fail(added.error());
    if (args.json)
        printJsonLine({{"denied", args.passId}, {"valid_until", *until}});
    return kExitOk;
}

int list(const CommandContext& context, const TrustArgs& args) {
    auto db = openKioskDatabase(context.global);
    if (!db)
        return fail(db.error());
    storage::TrustStore store(*db);
    auto entries = store.entries();
    if (!entries)
        return fail(entries.error());
    auto denied = store.denied();
    if (!denied)
        return fail(denied.error());
    auto roster = storage::RosterStore(*db).info();
    if (!roster)
        return fail(roster.error());
    auto secret = db->meta(std::string(sync::pass::kSubjectSecretMetaKey));
    if (!secret)
        return fail(secret.error());
    std::vector<nlohmann::json> lines;
    for (const auto& e : *entries)
        lines.push_back({{"kind", storage::toString(e.kind)},
                         {"key_id", e.keyId},
                         {"label", e.label},
                         {"source", e.source},
                         {"fetched_at", e.fetchedAt},
                         {"valid_until", e.validUntil}});
    for (const auto& d : *denied)
        lines.push_back({{"kind", "deny"},
                         {"pass_id", d.passId},
                         {"source", d.source},
                         {"fetched_at", d.fetchedAt},
                         {"valid_until", d.validUntil}});
    if (*roster)
        lines.push_back({{"kind", "roster"},
                         {"count", (*roster)->count},
                         {"source", (*roster)->source},
                         {"fetched_at", (*roster)->fetchedAt},
                         {"valid_until", (*roster)->validUntil}});
    // Whether the kiosk holds the subject secret, never the secret itself.
    lines.push_back(
        {{"kind", "subject_secret"},
         {"source",
          *secret && !(*secret)->empty() ? "enrolment" : "none (enrol with `doorpost sync`)"}});
    for (const auto& line : lines) {
        if (args.json)
            printJsonLine(line);
        else
            std::cout << line.dump() << '\n';
    }
    return kExitOk;
}

} // namespace

void registerTrustCommand(CLI::App& app, CommandContext& context) {
    CLI::App* trust = app.add_subcommand("trust", "Trusted keys, DSCs and the deny list");
    trust->require_subcommand(1);
    auto args = std::make_shared<TrustArgs>();
    const auto common = [args](CLI::App* cmd) {
        cmd->add_option("--valid-until", args->validUntil,
                        "ISO 8601; default: the file's valid_until or 30 days");
        cmd->add_option("--source", args->source, "Where it came from (default: the file)");
        cmd->add_flag("--json", args->json, "One JSON object per entry");
    };
    CLI::App* dsc = trust->add_subcommand("add-dsc", "Trust a DCC document signer certificate");
    dsc->add_option("FILE", args->file, "DER, PEM or base64 DER")->required();
    common(dsc);
    dsc->callback([args, &context] { context.exitCode = addDsc(context, *args); });
    CLI::App* key = trust->add_subcommand(
        "add-key", "Trust the central's public-keys.json (issuer keys, seal key, salt)");
    key->add_option("FILE", args->file, "public-keys.json from doorpost-central keys")->required();
    common(key);
    key->callback([args, &context] { context.exitCode = addKey(context, *args); });
    CLI::App* denyCmd = trust->add_subcommand("deny", "Put a pass id on the deny list");
    denyCmd->add_option("PASS_ID", args->passId, "The pass id (sub claim)")->required();
    common(denyCmd);
    denyCmd->callback([args, &context] { context.exitCode = deny(context, *args); });
    CLI::App* listCmd = trust->add_subcommand("list", "Everything trusted, with provenance");
    listCmd->add_flag("--json", args->json, "One JSON object per entry");
    listCmd->callback([args, &context] { context.exitCode = list(context, *args); });
}

} // namespace doorpost::kiosk::cli

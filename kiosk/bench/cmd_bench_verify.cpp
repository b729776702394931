// `doorpost bench verify [--corpus DIR] [--count N] [--reads N]`: verification speed and the
// door's latency, each beside a baseline measured in the same run.
//  dp1_verify_per_s   full DP1 pipeline (Base45, zlib, COSE, CWT, Ed25519)
//                     baseline: the bare Ed25519 verify of the same bytes
//  hc1_es256_per_s / hc1_ps256_per_s  full HC1 pipeline on DCC corpus passes (common/CO3, CO1)
//                     baseline: the bare ES256 verify of the same Sig_structure
//  gate_p50_ms / gate_p99_ms  from a code read to a committed verdict through the gate thread
//                     (GateWorker), reads replayed from a list of issued passes every 10 ms,
//                     as a decoder delivers them; limit 20 ms at p99.
//                     baseline: a bare event-log append (the fsync'd commit alone)

#include "kiosk/bench/bench_registry.hpp"
#include "kiosk/bench/bench_support.hpp"
#include "kiosk/cli/gate_session.hpp"
#include "kiosk/cli/output.hpp"
#include "kiosk/credentials/dp1_verifier.hpp"
#include "kiosk/credentials/hc1_verifier.hpp"
#include "kiosk/credentials/signature_check.hpp"
#include "kiosk/gate/gate_worker.hpp"
#include "storage/base/hex.hpp"
#include "storage/base/iso_time.hpp"
#include "storage/trust_store.hpp"
#include "sync/pass/envelope.hpp"
#include "sync/pass/subject_key.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sodium.h>
#include <thread>
#include <unistd.h>

namespace doorpost::kiosk::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchArgs {
    // Relative, so the default serves a run from the root of a checkout (as the docs show);
    // an installed doorpost has no test corpus and is given --corpus.
    std::string corpus = "tests/data/dgc-testdata";
    int count = 2000;
    int reads = 200;
};

template <typename F> double perSecond(int count, F&& body) {
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i)
        body();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return count / seconds;
}

void print(const std::string& name, double value) {
    std::cout << name << "=" << (static_cast<double>(static_cast<long long>(value * 100)) / 100)
              << '\n';
}

struct CorpusPass {
    std::string text;
    credentials::TrustSet trust;
    std::int64_t clock = 0;
};

Result<CorpusPass> corpusPass(const std::string& corpus, const std::string& name) {
    const auto path = std::filesystem::path(corpus) / "common/2DCode/raw" / (name + ".json");
    std::ifstream in(path);
    if (!in)
        return environmentFault("--corpus: cannot read " + path.string() +
                                " (run from a Doorpost checkout, or give --corpus DIR)");
    const auto json = nlohmann::json::parse(in, nullptr, false);
    if (!json.is_object())
        return environmentFault("--corpus: " + path.string() + " is not JSON");
    CorpusPass pass;
    pass.text = json.value("PREFIX", "");
    const auto& context = json["TESTCTX"];
    const std::string certificate = context.value("CERTIFICATE", "");
    auto dsc = credentials::parseDsc(
        std::span(reinterpret_cast<const std::uint8_t*>(certificate.data()), certificate.size()));
    if (!dsc)
        return environmentFault("--corpus: " + dsc.error().message);
    pass.trust.dscs.push_back(std::move(*dsc));
    auto clock = parseIsoTime(context.value("VALIDATIONCLOCK", ""));
    if (!clock)
        return environmentFault("--corpus: " + clock.error().message);
    pass.clock = *clock;
    return pass;
}

int runBench(const BenchArgs& args) {
    if (args.count < 10 || args.count > 1'000'000)
        return fail(badInput("--count: 10..1000000"));
    if (args.reads < 20 || args.reads > 5000)
        return fail(badInput("--reads: 20..5000"));
    if (sodium_init() < 0)
        return fail(environmentFault("libsodium failed to initialise"));
    // The corpus first, so a missing one is reported before any measuring.
    auto es256 = corpusPass(args.corpus, "CO3");
    auto ps256 = corpusPass(args.corpus, "CO1");
    if (!es256)
        return fail(es256.error());
    if (!ps256)
        return fail(ps256.error());

    // DP1 against the bare Ed25519 verify.
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
    crypto_sign_keypair(pk.data(), sk.data());
    credentials::TrustSet dp1Trust;
    dp1Trust.passKeys.push_back(*credentials::makePassKey(pk, "bench"));
    const std::int64_t now = gate::wallClockSeconds();
    const auto claimsFor = [now](int i) {
        sync::pass::Dp1Claims claims;
        claims.issuer = "doorpost-central";
        claims.passId = "P-bench-" + std::to_string(i);
        claims.issuedAt = now - 60;
        claims.expiresAt = now + 3600;
        const auto key =
            sync::pass::plainSubjectKey("1101051949123" + std::to_string(10000 + i), "s");
        claims.idHash.assign(key.begin(), key.end());
        claims.maskedId = "1101**********" + std::to_string(1000 + i % 9000);
        return claims;
    };
    const std::string dp1Text = sync::pass::issueDp1(claimsFor(0), sk);
    bool allValid = true;
    const double dp1Rate = perSecond(args.count, [&] {
        allValid = credentials::verifyDp1(dp1Text, dp1Trust, now).valid() && allValid;
    });
    const auto envelope = sync::pass::openEnvelope(dp1Text, "DP1:");
    const auto toSign =
        sync::pass::coseSigStructure(envelope.sign1.protectedBytes, envelope.sign1.payload);
    const double ed25519Rate = perSecond(args.count, [&] {
        allValid = credentials::verifyEd25519(pk, toSign, envelope.sign1.signature) && allValid;
    });
    print("dp1_verify_per_s", dp1Rate);
    print("dp1_baseline_ed25519_per_s", ed25519Rate);
    print("dp1_ratio", dp1Rate / ed25519Rate);

    // HC1 (DCC corpus passes, at their validation clock) against the bare ES256 verify.
    const double es256Rate = perSecond(args.count, [&] {
        allValid =
            credentials::verifyHc1(es256->text, es256->trust, es256->clock).checks.signature ==
                true &&
            allValid;
    });
    const double ps256Rate = perSecond(args.count / 4, [&] {
        allValid =
            credentials::verifyHc1(ps256->text, ps256->trust, ps256->clock).checks.signature ==
                true &&
            allValid;
    });
    const auto hc1Envelope = sync::pass::openEnvelope(es256->text, credentials::kHc1Prefix);
    const auto hc1ToSign =
        sync::pass::coseSigStructure(hc1Envelope.sign1.protectedBytes, hc1Envelope.sign1.payload);
    const double rawEs256Rate = perSecond(args.count, [&] {
        allValid = credentials::verifyCoseSignature(-7, es256->trust.dscs[0].publicKey.get(),
                                                    hc1ToSign, hc1Envelope.sign1.signature) ==
                       credentials::SignatureOutcome::Valid &&
                   allValid;
    });
    print("hc1_es256_verify_per_s", es256Rate);
    print("hc1_ps256_verify_per_s", ps256Rate);
    print("hc1_baseline_es256_per_s", rawEs256Rate);
    print("hc1_ratio", es256Rate / rawEs256Rate);
    if (!allValid)
        return fail(environmentFault("bench: a verification failed"));

    // The door: reads replayed every 10 ms through the gate thread, each waited for until
    // its event is committed.
    const auto dir = std::filesystem::temp_directory_path() /
                     ("doorpost-bench-verify-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string dbPath = (dir / "bench.db").string();
    {
        auto db = storage::Database::open(dbPath);
        if (!db)
            return fail(db.error());
        storage::TrustStore store(*db);
        const auto kid = sync::pass::ed25519KeyId(pk);
        if (auto added = store.add({storage::TrustKind::PassKey, toHex(kid), toHex(pk), "bench",
                                    "bench", now, now + 3600});
            !added)
            return fail(added.error());
    }
    std::vector<std::string> reads;
    for (int i = 0; i < args.reads; ++i)
        reads.push_back(sync::pass::issueDp1(claimsFor(i), sk));
    std::vector<double> gateMs;
    {
        gate::GateConfig config;
        config.profile = policy::transitProfile();
        gate::GateWorker worker(dbPath, config);
        auto next = Clock::now();
        for (const auto& text : reads) {
            std::this_thread::sleep_until(next);
            next += std::chrono::milliseconds(10);
            const auto start = Clock::now();
            const auto ticket = worker.submit(gate::ScanInput{text, std::nullopt, std::nullopt});
            auto response = worker.waitFor(ticket, std::chrono::seconds(10));
            if (!response || !response->result)
                return fail(response && response->error ? *response->error
                                                        : environmentFault("bench: gate timeout"));
            if (response->result->verdict != Verdict::Admit)
                return fail(environmentFault("bench: a replayed pass was not admitted"));
            gateMs.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
    }
    std::vector<double> appendMs;
    {
        auto db = storage::Database::open(dbPath);
        if (!db)
            return fail(db.error());
        auto log = storage::EventLog::open(*db);
        if (!log)
            return fail(log.error());
        for (int i = 0; i < args.reads; ++i) {
            storage::EventDraft draft;
            draft.credentialType = "dp1";
            draft.verdict = Verdict::Admit;
            draft.reasons = {"credential_valid"};
            const auto start = Clock::now();
            if (auto appended = log->append(draft); !appended)
                return fail(appended.error());
            appendMs.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
    }
    std::filesystem::remove_all(dir);
    const double p99 = quantile(gateMs, 0.99);
    const double appendP99 = quantile(appendMs, 0.99);
    print("gate_reads", static_cast<double>(gateMs.size()));
    print("gate_p50_ms", quantile(gateMs, 0.5));
    print("gate_p99_ms", p99);
    print("gate_max_ms", quantile(gateMs, 1.0));
    print("gate_limit_p99_ms", 20);
    print("gate_baseline_append_p99_ms", appendP99);
    print("gate_ratio", p99 / std::max(appendP99, 0.001));
    std::cout << "gate_within_limit=" << (p99 <= 20.0 ? "yes" : "no") << '\n';
    return p99 <= 20.0 ? kExitOk : kExitNegative;
}

} // namespace

void registerBenchVerifyCommand(CLI::App& app, CommandContext& context) {
    auto args = std::make_shared<BenchArgs>();
    CLI::App* cmd = benchCommand(app).add_subcommand(
        "verify", "DP1/HC1 verifications per second and read-to-committed-verdict latency");
    cmd->add_option("--corpus", args->corpus,
                    "The DCC test corpus (dgc-testdata); the default is a checkout's copy, "
                    "relative to the current directory")
        ->capture_default_str();
    cmd->add_option("--count", args->count, "Verifications per measurement")->capture_default_str();
    cmd->add_option("--reads", args->reads, "Reads replayed through the gate")
        ->capture_default_str();
    cmd->callback([args, &context] { context.exitCode = runBench(*args); });
}

} // namespace doorpost::kiosk::bench

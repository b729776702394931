// `doorpost bench subject-key [--count N] [--reads N] [--confirm-ms MS]`: what the keyed,
// memory-hard subject key (sync/pass/subject_key.hpp) costs, beside baselines measured in the
// same run.
//  subject_key_cpu_ms / subject_key_wall_ms  one derivation (argon2id + keyed BLAKE2b): the
//                     cost per candidate of whoever holds a whole kiosk and tries numbers
//  baseline_sha256_us the version-1 key (salted SHA-256) the same numbers cost before
//  gate_manual_p50/p99_ms  a manual registration as the manual screen makes it, from confirm to
//                     committed verdict through the gate thread (GateWorker), the kiosk holding
//                     the subject secret: the form hands the complete valid number over
//                     (prepareManual) and staff confirm --confirm-ms later (picking the reason,
//                     then confirm), the key derived meanwhile. Limit 100 ms at p99.
//  gate_manual_cold_p50/p99_ms  the same, confirmed with no time to prepare (`doorpost
//                     register`, a form confirmed faster than a derivation): one derivation
//                     on the critical path, as for a resident ID read at the door
//  gate_manual_baseline_p50/p99_ms  the same registrations on a kiosk without the secret (no
//                     derivation)
// The three are interleaved, one registration each in turn, so all see the same load; the
// preparation runs alone (nothing else is timed while it does).

#include "kiosk/bench/bench_registry.hpp"
#include "kiosk/bench/bench_support.hpp"
#include "kiosk/gate/gate_worker.hpp"
#include "storage/base/hex.hpp"
#include "storage/base/id_number.hpp"
#include "sync/pass/subject_key.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>
#include <unistd.h>

namespace doorpost::kiosk::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct SubjectKeyArgs {
    int count = 20;
    int reads = 100;
    int confirmMs = 300; // after the last digit: a reason tap and the confirm tap
};

double threadCpuMs() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// Valid resident ID numbers, each different (birth dates from 1970 on, sequence 100-999).
std::string residentId(int n) {
    const int day = 1 + n % 28;
    const int month = 1 + (n / 28) % 12;
    const int year = 1970 + (n / 336) % 40;
    char first17[32]; // room for any int the compiler can imagine; 17 digits are used
    std::snprintf(first17, sizeof first17, "440305%04d%02d%02d%03d", year, month, day,
                  100 + n % 900);
    return std::string(first17) + residentIdCheckCharacter(first17);
}

void print(const char* name, double value) {
    std::cout << name << '=' << value << '\n';
}

int run(const SubjectKeyArgs& args) {
    const auto secret = sync::pass::newSubjectSecret();
    double cpu = 0;
    double wall = 0;
    for (int i = 0; i < args.count; ++i) {
        const double cpuStart = threadCpuMs();
        const auto start = Clock::now();
        auto key = sync::pass::subjectKey(residentId(i), secret);
        wall += std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        cpu += threadCpuMs() - cpuStart;
        if (!key)
            return fail(key.error());
    }
    const int plainCount = 100000;
    const double plainStart = threadCpuMs();
    std::uint8_t sink = 0;
    for (int i = 0; i < plainCount; ++i)
        sink ^= sync::pass::plainSubjectKey(residentId(i), "salt")[0];
    const double plainUs = (threadCpuMs() - plainStart) * 1e3 / plainCount;
    print("subject_key_cpu_ms", cpu / args.count);
    print("subject_key_wall_ms", wall / args.count);
    print("subject_key_memlimit_mib", static_cast<double>(sync::pass::kSubjectMemLimit >> 20));
    print("subject_key_opslimit", static_cast<double>(sync::pass::kSubjectOpsLimit));
    // `sink` keeps the loop from being optimised away.
    print("baseline_sha256_us", plainUs + static_cast<double>(sink & 0));

    // The gate: three kiosks, two with the secret and one without, registrations in turn.
    const auto dir = std::filesystem::temp_directory_path() /
                     ("doorpost-bench-subject-key-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string prepared = (dir / "prepared.db").string();
    const std::string cold = (dir / "cold.db").string();
    const std::string plain = (dir / "plain.db").string();
    for (const auto& path : {prepared, cold, plain}) {
        auto db = storage::Database::open(path);
        if (!db)
            return fail(db.error());
        if (path != plain)
            if (auto set =
                    db->setMeta(std::string(sync::pass::kSubjectSecretMetaKey), toHex(secret));
                !set)
                return fail(set.error());
    }
    std::vector<double> preparedMs;
    std::vector<double> coldMs;
    std::vector<double> plainMs;
    int handedOver = 0;
    {
        gate::GateConfig config;
        config.profile = policy::transitProfile();
        gate::GateWorker preparedWorker(prepared, config);
        gate::GateWorker coldWorker(cold, config);
        gate::GateWorker plainWorker(plain, config);
        const auto registerOne = [](gate::GateWorker& worker, const std::string& id,
                                    std::vector<double>& into) -> Result<void> {
            gate::ManualInput input;
            input.id = id;
            input.reason = "no_phone";
            input.operatorId = "bench";
            const auto start = Clock::now();
            const auto ticket = worker.submit(input);
            auto response = worker.waitFor(ticket, std::chrono::seconds(10));
            if (!response || !response->result)
                return response && response->error ? *response->error
                                                   : environmentFault("bench: gate timeout");
            into.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            return {};
        };
        for (int i = 0; i < args.reads; ++i) {
            // People registered by hand arrive seconds apart; 20 ms keeps the run short.
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            const std::string id = residentId(i);
            // The 18th digit typed: the manual screen hands the number over; then the reason
            // and confirm taps.
            preparedWorker.prepareManual(IdType::Resident, id);
            std::this_thread::sleep_for(std::chrono::milliseconds(args.confirmMs));
            if (auto done = registerOne(preparedWorker, id, preparedMs); !done)
                return fail(done.error());
            if (auto done = registerOne(coldWorker, id, coldMs); !done)
                return fail(done.error());
            if (auto done = registerOne(plainWorker, id, plainMs); !done)
                return fail(done.error());
        }
        handedOver = preparedWorker.precompute().handedOver();
    }
    std::filesystem::remove_all(dir);
    const double p99 = quantile(preparedMs, 0.99);
    print("gate_manual_reads", static_cast<double>(preparedMs.size()));
    print("gate_manual_confirm_after_ms", args.confirmMs);
    print("gate_manual_prepared_keys_used", handedOver);
    print("gate_manual_p50_ms", quantile(preparedMs, 0.5));
    print("gate_manual_p99_ms", p99);
    print("gate_manual_max_ms", quantile(preparedMs, 1.0));
    print("gate_manual_cold_p50_ms", quantile(coldMs, 0.5));
    print("gate_manual_cold_p99_ms", quantile(coldMs, 0.99));
    print("gate_manual_baseline_p50_ms", quantile(plainMs, 0.5));
    print("gate_manual_baseline_p99_ms", quantile(plainMs, 0.99));
    print("gate_manual_added_p50_ms", quantile(preparedMs, 0.5) - quantile(plainMs, 0.5));
    print("gate_manual_cold_added_p50_ms", quantile(coldMs, 0.5) - quantile(plainMs, 0.5));
    print("gate_limit_p99_ms", 100);
    std::cout << "gate_within_limit=" << (p99 < 100.0 ? "yes" : "no") << '\n';
    return p99 < 100.0 ? kExitOk : kExitNegative;
}

} // namespace

void registerBenchSubjectKeyCommand(CLI::App& app, CommandContext& context) {
    auto args = std::make_shared<SubjectKeyArgs>();
    CLI::App* cmd = benchCommand(app).add_subcommand(
        "subject-key", "Cost of one subject key derivation and what it adds to the gate's p99");
    cmd->add_option("--count", args->count, "Derivations timed alone")->capture_default_str();
    cmd->add_option("--reads", args->reads, "Manual registrations through each gate")
        ->capture_default_str();
    cmd->add_option("--confirm-ms", args->confirmMs,
                    "Time from the last digit to confirm (the reason and confirm taps)")
        ->capture_default_str();
    cmd->callback([args, &context] {
        if (args->count < 1 || args->reads < 1 || args->confirmMs < 0) {
            context.exitCode =
                fail(badInput("--count and --reads: at least 1; --confirm-ms: at least 0"));
            return;
        }
        context.exitCode = run(*args);
    });
}

} // namespace doorpost::kiosk::bench

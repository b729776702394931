#pragma once
// Shared by the benchmarks: synthetic scan events shaped like the gate's (`bench write`,
// `bench storage`), and the two ways they read a distribution (quantile, percentile).

#include "storage/event.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace doorpost::kiosk::bench {

// A pseudo-random 64-hex subject key (the shape of a salted SHA-256 of an ID number).
inline std::string subjectKey(std::uint64_t n) {
    std::mt19937_64 mix(n * 0x9e3779b97f4a7c15ULL + 1);
    std::string key;
    for (int i = 0; i < 4; ++i) {
        char part[17];
        std::snprintf(part, sizeof part, "%016llx", static_cast<unsigned long long>(mix()));
        key += part;
    }
    return key;
}

// A scan event as the gate records it: a DP1 pass admitted (9 in 10) or refused.
inline storage::EventDraft syntheticScan(std::mt19937_64& random, std::uint64_t subjects) {
    const std::uint64_t subject = random() % subjects;
    storage::EventDraft draft;
    draft.kind = storage::EventKind::Scan;
    draft.credentialType = "dp1";
    draft.subjectKey = subjectKey(subject);
    draft.maskedId = "1101**********" + std::to_string(1000 + subject % 9000);
    const bool admit = random() % 10 != 0;
    draft.verdict = admit ? Verdict::Admit : Verdict::Deny;
    draft.reasons = admit ? std::vector<std::string>{"credential_valid", "status_green"}
                          : std::vector<std::string>{"status_red"};
    draft.operatorId = "staff-1";
    draft.detail = R"({"raw":"DP1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B)" +
                   std::to_string(random() % 1000000) + R"(","room":"A-101"})";
    return draft;
}

// An admission as the gate records it, of the n-th subject (distinct subjects for distinct n).
inline storage::EventDraft syntheticScanOf(std::uint64_t n) {
    std::mt19937_64 random(n);
    storage::EventDraft draft = syntheticScan(random, 1);
    draft.subjectKey = subjectKey(n);
    draft.verdict = Verdict::Admit;
    draft.reasons = {"credential_valid", "status_green"};
    return draft;
}

// The q-quantile (0..1) of `values`: the value at the nearest index q*(n-1); 0 when empty.
inline double quantile(std::vector<double> values, double q) {
    if (values.empty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

// The p-th percentile (0..100) of `values`, nearest rank; sorts the vector.
inline double percentile(std::vector<double>& values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

} // namespace doorpost::kiosk::bench

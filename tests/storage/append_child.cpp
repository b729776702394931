// A child process for the crash test: appends scan events to the database named on the
// command line, one transaction each, and prints "committed <seq>" (flushed) after each append
// returned, until it has appended the count given (or is killed, which is the point).

#include "storage/database.hpp"
#include "storage/event_log.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    using namespace doorpost::storage;
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DB COUNT\n", argv[0]);
        return 2;
    }
    auto db = Database::open(argv[1]);
    if (!db) {
        std::fprintf(stderr, "%s\n", db.error().message.c_str());
        return 3;
    }
    auto log = EventLog::open(*db);
    if (!log) {
        std::fprintf(stderr, "%s\n", log.error().message.c_str());
        return 3;
    }
    const long count = std::strtol(argv[2], nullptr, 10);
    for (long i = 0; i < count; ++i) {
        EventDraft draft;
        draft.credentialType = "dp1";
        draft.subjectKey = "subject-" + std::to_string(i % 97);
        draft.verdict = i % 5 == 0 ? doorpost::Verdict::Deny : doorpost::Verdict::Admit;
        draft.reasons = {"crash_test"};
        draft.detail = R"({"raw":"DP1:crash-test-payload"})";
        auto seq = log->append(draft);
        if (!seq) {
            std::fprintf(stderr, "%s\n", seq.error().message.c_str());
            return 3;
        }
        std::printf("committed %lld\n", static_cast<long long>(*seq));
        std::fflush(stdout);
    }
    return 0;
}

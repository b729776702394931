#include "sync/central/roster_id_numbers.hpp"

#include "storage/base/hex.hpp"
#include "storage/base/id_number.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace doorpost::sync::central {

Result<void> hashRosterIdNumbers(std::vector<SetItem>& items, const pass::SubjectSecret& secret) {
    // Checked into a copy first: a bad row in the middle leaves the caller's items untouched.
    std::vector<SetItem> hashed = items;
    std::vector<std::size_t> pending;    // items whose number is checked, key still to derive
    std::vector<std::string> normalised; // their numbers, parallel to `pending`
    for (std::size_t i = 0; i < hashed.size(); ++i) {
        auto& item = hashed[i];
        const auto field = item.value.find(kIdNumberField);
        if (field == item.value.end())
            continue;
        const std::string where = "roster: candidate " + item.key + ": ";
        if (!field->is_string())
            return badInput(where + "id_number must be text");
        if (item.value.contains("subject_key"))
            return badInput(where + "give id_number or subject_key, not both");
        auto id = checkRosterIdNumber(field->get<std::string>());
        if (!id)
            return badInput(where + id.error().message);
        item.value.erase(field);
        item.value["masked_id"] = id->masked;
        pending.push_back(i);
        normalised.push_back(id->normalised);
    }
    // Each key is one argon2id (about 35 ms, 32 MiB): spread over the cores. Threads meet only
    // through `next` (which row to take) and `failed`; each writes its own rows' slots.
    std::vector<std::string> keys(pending.size());
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    const auto work = [&] {
        for (std::size_t n = next++; n < pending.size() && !failed; n = next++) {
            auto key = pass::subjectKey(normalised[n], secret);
            if (!key) {
                failed = true;
                return;
            }
            keys[n] = toHex(*key);
        }
    };
    const unsigned threads = std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 8);
    std::vector<std::thread> workers;
    for (unsigned t = 1; t < threads && t < pending.size(); ++t)
        workers.emplace_back(work);
    work();
    for (auto& worker : workers)
        worker.join();
    if (failed)
        return environmentFault("roster: argon2id could not get its memory");
    for (std::size_t n = 0; n < pending.size(); ++n)
        hashed[pending[n]].value["subject_key"] = keys[n];
    items = std::move(hashed);
    return {};
}

} // namespace doorpost::sync::central

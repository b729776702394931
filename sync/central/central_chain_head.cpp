// `GET /v1/devices/{id}/chain-head[?epoch=E[&seq=N]]`: what the central has witnessed of a
// device's hash chain, for `doorpost verify-export --central` (docs/audit.md). Read-only.
//
// Answers {device, device_key, device_keys: [{key, registered_ms}], chains: [{epoch,
// acked_through, head_hash}]}: device_key is the latest audit key the device enrolled with,
// device_keys every one of them, oldest first (registered_ms 0: registered before the central
// kept a history; central_device_keys.cpp). With epoch and seq
// also {epoch, seq, hash, quarantined, witnessed}: the hash the central holds for
// (device, epoch, seq) (null when it holds none), and whether that seq lies inside the
// contiguous prefix whose prev_hash links the central checked (seq <= acked_through), i.e. the
// witnessed head's chain includes it. 404 when the device, or the epoch, is unknown.
//
// Who may ask: the device's own token, or the token of a principal enrolled under a name that
// starts with "auditor-" (`doorpost-central enroll auditor-jane`): hashes reveal no content, but
// which devices exist and how busy they are is still the operator's to share.

#include "sync/central/central_store.hpp"
#include "sync/central/chain_head_route.hpp"
#include "sync/central/http_server.hpp"
#include "sync/central/query_param.hpp"

namespace doorpost::sync::central {
namespace {

constexpr std::string_view kAuditorPrefix = "auditor-";

void reply(HttpResponse& res, int status, const nlohmann::json& body) {
    res.status = status;
    res.contentType = "application/json";
    res.body = dumpJson(body);
}

void replyError(HttpResponse& res, int status, const std::string& message,
                const std::string& field = "") {
    reply(res, status, toJson(ErrorBody{message, field, 0}));
}

bool isLowerHex(const std::string& text, std::size_t size) {
    if (text.size() != size)
        return false;
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

} // namespace

Result<ChainHeads> CentralStore::chainHeads(const std::string& device, const std::string& epoch,
                                            std::int64_t seq) {
    std::lock_guard lock(m_mutex);
    ChainHeads heads;
    auto known = m_session->run("SELECT device_key FROM devices WHERE name = $1", {device});
    if (!known)
        return known.error();
    if (known->empty())
        return heads;
    heads.deviceKnown = true;
    heads.deviceKey = known->text(0, 0);
    auto keys = deviceKeysLocked(device);
    if (!keys)
        return keys.error();
    heads.deviceKeys = std::move(*keys);
    auto chains = m_session->run(
        "SELECT epoch, acked_through, head_hash FROM chains WHERE device = $1 ORDER BY epoch",
        {device});
    if (!chains)
        return chains.error();
    for (std::size_t r = 0; r < chains->size(); ++r)
        heads.chains.push_back(
            {device, chains->text(r, 0), 0, 0, chains->integer(r, 1), chains->text(r, 2)});
    if (epoch.empty() || seq <= 0)
        return heads;
    auto held = m_session->run("SELECT hash, quarantined FROM events"
                               " WHERE device = $1 AND epoch = $2 AND seq = $3",
                               {device, epoch, seq});
    if (!held)
        return held.error();
    if (!held->empty()) {
        heads.hash = held->text(0, 0);
        heads.quarantined = held->rows[0][1].has_value();
    }
    return heads;
}

void serveChainHead(CentralStore& store, const HttpRequest& req, HttpResponse& res,
                    const std::string& device) {
    const std::string header = req.header("authorization");
    const std::string prefix = "Bearer ";
    if (header.rfind(prefix, 0) != 0 || header.size() == prefix.size())
        return replyError(res, 401, "missing bearer token", "Authorization");
    auto caller = store.deviceForToken(header.substr(prefix.size()));
    if (!caller) {
        res.setHeader("Retry-After", "1");
        res.cause = "store: " + caller.error().message;
        return replyError(res, 503, "store unavailable: " + caller.error().message);
    }
    if (!caller->has_value())
        return replyError(res, 401, "unknown token", "Authorization");
    res.principal = **caller;
    if (**caller != device && (*caller)->rfind(kAuditorPrefix, 0) != 0)
        return replyError(res, 403,
                          "token belongs to " + **caller + ", neither this device nor an auditor",
                          "Authorization");

    const std::string epoch = req.param("epoch");
    if (!epoch.empty() && !isLowerHex(epoch, 32))
        return replyError(res, 400, "epoch must be 32 lowercase hex characters", "epoch");
    std::int64_t seq = 0;
    if (req.hasParam("seq") &&
        (epoch.empty() || !parseDecimalParam(req.param("seq"), seq) || seq < 1))
        return replyError(res, 400, "seq must be a positive integer, with epoch", "seq");

    auto heads = store.chainHeads(device, epoch, seq);
    if (!heads) {
        res.setHeader("Retry-After", "1");
        res.cause = "store: " + heads.error().message;
        return replyError(res, 503, "store unavailable: " + heads.error().message);
    }
    if (!heads->deviceKnown)
        return replyError(res, 404, "no device " + device, "device");
    nlohmann::json chains = nlohmann::json::array();
    const ChainStats* chain = nullptr;
    for (const auto& item : heads->chains) {
        chains.push_back({{"epoch", item.epoch},
                          {"acked_through", item.ackedThrough},
                          {"head_hash", item.headHash}});
        if (item.epoch == epoch)
            chain = &item;
    }
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& key : heads->deviceKeys)
        keys.push_back(toJson(key));
    nlohmann::json body = {{"device", device},
                           {"device_key", heads->deviceKey},
                           {"device_keys", keys},
                           {"chains", chains}};
    if (!epoch.empty()) {
        if (chain == nullptr)
            return replyError(res, 404, "the central holds no events of epoch " + epoch, "epoch");
        body["epoch"] = epoch;
        body["acked_through"] = chain->ackedThrough;
        body["head_hash"] = chain->headHash;
    }
    if (seq > 0) {
        body["seq"] = seq;
        body["hash"] = heads->hash ? nlohmann::json(*heads->hash) : nlohmann::json(nullptr);
        body["quarantined"] = heads->quarantined;
        body["witnessed"] = heads->hash.has_value() && seq <= chain->ackedThrough;
    }
    reply(res, 200, body);
}

} // namespace doorpost::sync::central

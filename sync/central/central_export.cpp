#include "sync/central/central_export.hpp"

#include "storage/audit/central_verify.hpp"
#include "storage/audit/format.hpp"
#include "storage/audit/manifest.hpp"
#include "storage/audit/signed_folder.hpp"
#include "storage/audit/views.hpp"
#include "storage/base/iso_time.hpp"
#include "storage/device_key.hpp"
#include "storage/event.hpp"
#include "sync/event_wire.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

namespace doorpost::sync::central {
namespace {

namespace audit = storage::audit;
using Json = nlohmann::json;

std::string safeName(const std::string& name) {
    std::string out;
    for (const char c : name)
        out.push_back((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                              c == '-' || c == '_' || c == '.'
                          ? c
                          : '_');
    return out.empty() || out[0] == '.' ? "_" + out : out;
}

storage::DeviceKey signingKey(const std::string& secret) {
    storage::DeviceKey key;
    std::copy(secret.begin(), secret.end(), key.secretKey.begin());
    key.publicKeyHex = audit::signingPublicKeyHex(secret);
    return key;
}

struct Chain {
    ExportChainSpan span;
    std::string path;
    std::string jsonl;
    std::string csv;
    std::int64_t count = 0;
    std::int64_t expectedSeq = 0;
    std::string hashBeforeFirst;
    std::string lastHash;
    std::int64_t lastSeq = 0;
    bool cut = false; // a quarantined record ended the period early
};

class Writer final : public ExportSink {
public:
    Writer(const CentralExportRequest& request, audit::StagedFolder& folder, audit::XlsxView& xlsx)
        : m_request(request), m_folder(folder), m_xlsx(xlsx) {
        for (const auto& key : request.openingKeys)
            m_opening[key.kid] = &key;
        for (const auto& key : request.knownKeys)
            m_known[key.kid] = key;
    }

    Result<void> spans(const std::vector<ExportChainSpan>& spans) override {
        m_spans = spans.size();
        return {};
    }

    Result<void> record(const ExportChainSpan& span, const WireEvent& record) override {
        if (!m_chain || m_chain->span.device != span.device || m_chain->span.epoch != span.epoch) {
            if (auto done = finishChain(); !done)
                return done;
            m_chain = std::make_unique<Chain>();
            m_chain->span = span;
            m_chain->path = "doors/" + safeName(span.device) + "/" + safeName(span.epoch);
            m_chain->expectedSeq = span.firstSeq;
            m_chain->csv = std::string(audit::kUtf8Bom) + audit::csvHeader();
        }
        Chain& chain = *m_chain;
        if (chain.cut)
            return {};
        const std::string where = "door " + span.device + " epoch " + span.epoch.substr(0, 8) +
                                  "... seq " + std::to_string(record.seq);
        if (!record.quarantined.empty()) {
            // Its content never reached the central: the door's export ends before it.
            chain.cut = true;
            ++m_cut;
            return {};
        }
        auto event = fromWire(record, span.epoch);
        if (!event)
            return Error{ErrorKind::Negative,
                         where + ": the central's copy is unreadable: " + event.error().message};
        // Verified as it is written: what the auditor gets is a chain that holds.
        if (record.seq != chain.expectedSeq)
            return Error{ErrorKind::Negative, where + ": the central's copy has a gap (seq " +
                                                  std::to_string(chain.expectedSeq) + " expected)"};
        if (chain.count > 0 && event->prevHash != chain.lastHash)
            return Error{ErrorKind::Negative,
                         where + ": the central's copy does not link to the record before"};
        if (storage::eventHash(*event) != record.hash)
            return Error{ErrorKind::Negative,
                         where + ": the central's copy does not match its hash"};
        if (chain.count == 0)
            chain.hashBeforeFirst = event->prevHash;
        std::string line;
        if (!audit::appendEventJsonLine(line, *event))
            return badInput(where + ": a text is not UTF-8 and cannot be exported");
        chain.jsonl += line;
        chain.jsonl.push_back('\n');
        audit::appendCsvRow(chain.csv, *event);
        chain.lastHash = event->hash;
        chain.lastSeq = event->seq;
        chain.expectedSeq = event->seq + 1;
        ++chain.count;
        ++m_events;

        audit::OpenedId opened;
        if (event->kind == storage::EventKind::Manual) {
            auto result = open(*event, where);
            if (!result)
                return result.error();
            opened = *result;
            if (!opened.idNumber.empty()) {
                m_ids += audit::csvFieldText(span.device) + "," + span.epoch + "," +
                         std::to_string(event->seq) + "," + event->eventId + "," +
                         audit::isoUtcMs(event->wallTimeMs) + "," +
                         audit::csvFieldText(event->maskedId) + "," +
                         audit::csvFieldText(opened.idNumber) + "," +
                         audit::csvFieldText(opened.name) + "\r\n";
            }
        }
        m_xlsx.add(*event, opened.idNumber.empty() ? nullptr : &opened);
        m_report.add(*event, opened.idNumber.empty() ? nullptr : &opened);
        return {};
    }

    Result<void> finishChain() {
        if (!m_chain)
            return {};
        Chain& chain = *m_chain;
        if (chain.count > 0) {
            auto jsonl =
                m_folder.writeFile(chain.path + "/" + std::string(audit::kJsonlFile), chain.jsonl);
            if (!jsonl)
                return jsonl.error();
            auto csv =
                m_folder.writeFile(chain.path + "/" + std::string(audit::kCsvFile), chain.csv);
            if (!csv)
                return csv.error();
            audit::Manifest manifest;
            manifest.format = std::string(audit::kExportFormat);
            manifest.device = chain.span.device;
            manifest.devicePublicKey = chain.span.deviceKey;
            manifest.epoch = chain.span.epoch;
            manifest.from = audit::isoUtcMs(m_request.fromMs);
            manifest.to = audit::isoUtcMs(m_request.toMs);
            manifest.firstSeq = chain.span.firstSeq;
            manifest.lastSeq = chain.lastSeq;
            manifest.count = chain.count;
            manifest.hashBeforeFirst = chain.hashBeforeFirst;
            manifest.lastHash = chain.lastHash;
            manifest.csv = {csv->first, csv->second};
            manifest.jsonl = {jsonl->first, jsonl->second};
            manifest.createdAt = m_createdAt;
            manifest.signedBy = audit::signingPublicKeyHex(m_request.signingSecretKey);
            manifest.signature = storage::signDetached(signingKey(m_request.signingSecretKey),
                                                       audit::manifestSignedBytes(manifest));
            auto written = m_folder.writeFile(chain.path + "/" + std::string(audit::kManifestFile),
                                              audit::manifestToText(manifest));
            if (!written)
                return written.error();
            Json door = {{"path", chain.path},
                         {"device", chain.span.device},
                         {"epoch", chain.span.epoch},
                         {"first_seq", chain.span.firstSeq},
                         {"last_seq", chain.lastSeq},
                         {"count", chain.count},
                         {"last_hash", chain.lastHash},
                         {"manifest", {{"sha256", written->first}, {"bytes", written->second}}}};
            m_doors.push_back(std::move(door));
        }
        m_chain.reset();
        return {};
    }

    void setCreatedAt(std::string createdAt) { m_createdAt = std::move(createdAt); }
    const Json& doors() const { return m_doors; }
    const std::string& ids() const { return m_ids; }
    const audit::ReportView& report() const { return m_report; }
    std::int64_t events() const { return m_events; }
    std::int64_t opened() const { return m_opened; }
    std::int64_t notSealed() const { return m_notSealed; }
    std::int64_t cut() const { return m_cut; }
    std::string usedKids() const {
        std::string out;
        for (const auto& kid : m_used)
            out += (out.empty() ? "" : ",") + kid;
        return out;
    }

private:
    Result<audit::OpenedId> open(const storage::Event& event, const std::string& where) {
        const Json detail = Json::parse(event.detail, nullptr, false);
        if (!detail.is_object() || !detail.contains("sealed_id") ||
            !detail["sealed_id"].is_string()) {
            // Registered while the kiosk had no sealing key: nothing to open (docs/credentials).
            ++m_notSealed;
            return audit::OpenedId{};
        }
        if (!m_request.unmask)
            return audit::OpenedId{};
        const std::string box = detail["sealed_id"].get<std::string>();
        const std::string kid = detail.value("seal_kid", "");
        std::vector<const OpeningKey*> candidates;
        if (!kid.empty()) {
            const auto found = m_opening.find(kid);
            if (found == m_opening.end()) {
                const auto known = m_known.find(kid);
                if (known == m_known.end())
                    return badInput(where + ": sealed to key " + kid +
                                    ", which is not one of this central's sealing keys");
                return badInput(where + ": sealed to key " + kid +
                                (known->second.active ? " (the active key)" : " (rotated since)") +
                                "; give its key file with --sealing-key");
            }
            candidates.push_back(found->second);
        } else {
            // Sealed before boxes named their key: any given key may open it.
            for (const auto& key : m_request.openingKeys)
                candidates.push_back(&key);
        }
        for (const OpeningKey* key : candidates) {
            auto opened = pass::openSealedIdentity(box, key->publicKey, key->secretKey);
            if (opened) {
                ++m_opened;
                m_used.insert(key->kid);
                return audit::OpenedId{opened->id, opened->name};
            }
            if (opened.error().kind != ErrorKind::Negative)
                return badInput(where + ": " + opened.error().message);
        }
        return badInput(where + ": no given sealing key opens its box (sealed before boxes named "
                                "their key; give the key file of the key active then)");
    }

    const CentralExportRequest& m_request;
    audit::StagedFolder& m_folder;
    audit::XlsxView& m_xlsx;
    audit::ReportView m_report;
    std::map<std::string, const OpeningKey*> m_opening;
    std::map<std::string, KnownSealKey> m_known;
    std::unique_ptr<Chain> m_chain;
    std::size_t m_spans = 0;
    Json m_doors = Json::array();
    std::string m_ids;
    std::string m_createdAt;
    std::set<std::string> m_used;
    std::int64_t m_events = 0;
    std::int64_t m_opened = 0;
    std::int64_t m_notSealed = 0;
    std::int64_t m_cut = 0;
};

} // namespace

Result<CentralExportSummary> writeCentralExport(CentralStore& store,
                                                const CentralExportRequest& request) {
    if (request.toMs <= request.fromMs)
        return badInput("--to: must be later than --from");
    if (request.signingSecretKey.size() != 64)
        return environmentFault("export: the central's signing key is malformed");
    if (request.unmask && request.reason.empty())
        return badInput("--reason: an unmasking export must say why (it goes to the access log)");
    if (request.unmask && request.openingKeys.empty())
        return badInput("--sealing-key: --unmask needs the auditor's sealing key file");
    audit::StagedFolder folder;
    if (auto created = folder.create(request.outDir); !created)
        return created.error();
    auto xlsx = audit::XlsxView::create(folder.path() + "/" + std::string(audit::kXlsxFile),
                                        request.unmask);
    if (!xlsx)
        return xlsx.error();
    CentralExportSummary summary;
    summary.createdAt = audit::isoUtcMs(wallClockMs());
    summary.centralKey = audit::signingPublicKeyHex(request.signingSecretKey);
    Writer writer(request, folder, **xlsx);
    writer.setCreatedAt(summary.createdAt);
    if (auto read = store.exportSnapshot(request.fromMs, request.toMs, request.device, writer);
        !read)
        return read.error();
    if (auto done = writer.finishChain(); !done)
        return done.error();
    if (writer.events() == 0)
        return Error{ErrorKind::Negative,
                     "no events recorded between " + audit::isoUtcMs(request.fromMs) + " and " +
                         audit::isoUtcMs(request.toMs) +
                         (request.device.empty() ? "" : " at " + request.device)};
    summary.doors = static_cast<std::int64_t>(writer.doors().size());
    summary.events = writer.events();
    summary.opened = writer.opened();
    summary.notSealed = writer.notSealed();
    summary.cutAtQuarantine = writer.cut();

    if (auto closed = (*xlsx)->close(); !closed)
        return closed.error();
    auto xlsxFile = audit::fingerprintFile(folder.path() + "/" + std::string(audit::kXlsxFile));
    if (!xlsxFile)
        return xlsxFile.error();
    Json files = {{std::string(audit::kXlsxFile),
                   {{"sha256", xlsxFile->first}, {"bytes", xlsxFile->second}}}};
    std::vector<audit::ReportFile> reportFiles;
    for (const auto& door : writer.doors())
        reportFiles.push_back({door["path"].get<std::string>() + "/manifest.json",
                               door["manifest"]["sha256"].get<std::string>(),
                               door["manifest"]["bytes"].get<std::int64_t>()});
    reportFiles.push_back({std::string(audit::kXlsxFile), xlsxFile->first, xlsxFile->second});
    if (request.unmask) {
        auto ids = folder.writeFile(std::string(audit::kUnmaskedIdsFile),
                                    std::string(audit::kUtf8Bom) + audit::unmaskedIdsHeader() +
                                        writer.ids());
        if (!ids)
            return ids.error();
        files[std::string(audit::kUnmaskedIdsFile)] = {{"sha256", ids->first},
                                                       {"bytes", ids->second}};
        reportFiles.push_back({std::string(audit::kUnmaskedIdsFile), ids->first, ids->second});
    }

    // The access log first: an export holding full numbers never exists without its entry.
    std::string accessHash;
    if (request.unmask) {
        audit::AccessEntry entry;
        entry.atMs = wallClockMs();
        entry.auditor = request.auditor;
        entry.from = audit::isoUtcMs(request.fromMs);
        entry.to = audit::isoUtcMs(request.toMs);
        entry.doors = request.device.empty() ? "*" : request.device;
        entry.opened = summary.opened;
        entry.reason = request.reason;
        entry.sealKids = writer.usedKids();
        entry.exportCreatedAt = summary.createdAt;
        auto appended = store.appendAccessEntry(entry);
        if (!appended)
            return appended.error();
        summary.accessLogSeq = appended->seq;
        accessHash = appended->hash;
    }

    audit::ReportHeader header;
    header.title =
        request.device.empty() ? "central export, every door" : "central export, " + request.device;
    header.from = audit::isoUtcMs(request.fromMs);
    header.to = audit::isoUtcMs(request.toMs);
    header.createdAt = summary.createdAt;
    header.unmasked = request.unmask;
    header.verification =
        "intact at export: " + std::to_string(summary.doors) + " door chain(s), " +
        std::to_string(summary.events) + " records, every hash recomputed and linked" +
        (summary.cutAtQuarantine > 0 ? "; " + std::to_string(summary.cutAtQuarantine) +
                                           " chain(s) end early at a quarantined record"
                                     : "");
    header.files = reportFiles;
    auto reportFile =
        folder.writeFile(std::string(audit::kReportFile), writer.report().html(header));
    if (!reportFile)
        return reportFile.error();
    files[std::string(audit::kReportFile)] = {{"sha256", reportFile->first},
                                              {"bytes", reportFile->second}};

    Json manifest = {{"format", audit::kCentralExportFormat},
                     {"central_key", summary.centralKey},
                     {"from", audit::isoUtcMs(request.fromMs)},
                     {"to", audit::isoUtcMs(request.toMs)},
                     {"device_filter", request.device},
                     {"created_at", summary.createdAt},
                     {"unmasked", request.unmask},
                     {"reason", request.unmask ? request.reason : std::string()},
                     {"auditor", request.unmask ? request.auditor : std::string()},
                     {"access_log_seq", summary.accessLogSeq},
                     {"access_log_hash", accessHash},
                     {"doors", writer.doors()},
                     {"files", files}};
    audit::signManifestJson(manifest, request.signingSecretKey);
    if (auto written = folder.writeFile(std::string(audit::kManifestFile), manifest.dump(2) + "\n");
        !written)
        return written.error();
    if (auto committed = folder.commit(); !committed)
        return committed.error();
    summary.outDir = request.outDir;
    return summary;
}

} // namespace doorpost::sync::central

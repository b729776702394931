#pragma once
// The transport pipeline HC1 and DP1 share: PREFIX: + Base45( zlib( COSE_Sign1( CWT ) ) ).
// Opening an envelope records how far it got, step by step, because the kiosk reports each
// step (`checks` in `doorpost scan --json`) and the DCC test corpus states each step's outcome.

#include "sync/pass/cbor.hpp"
#include "sync/pass/cose.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace doorpost::sync::pass {

struct EnvelopeSteps {
    // nullopt: not reached. Steps run in this order; the first false stops the pipeline.
    std::optional<bool> unprefix;
    std::optional<bool> base45;
    std::optional<bool> compression;
    std::optional<bool> cose;
    std::optional<bool> cbor; // the COSE payload is a CBOR map of CWT claims
};

struct Envelope {
    EnvelopeSteps steps;
    std::string error; // the first failure, one line; empty when every step passed
    CoseSign1 sign1;
    CborValue claims; // the CWT claims map
    bool ok() const { return steps.cbor.value_or(false); }
};

Envelope openEnvelope(std::string_view text, std::string_view prefix);

// PREFIX + Base45(zlib(coseBytes)): the text a QR code carries.
std::string sealEnvelope(std::string_view prefix, std::span<const std::uint8_t> coseBytes);

} // namespace doorpost::sync::pass

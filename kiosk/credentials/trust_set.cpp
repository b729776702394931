#include "kiosk/credentials/trust_set.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace doorpost::kiosk::credentials {
namespace {

std::int64_t toEpoch(const ASN1_TIME* time) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(time, &tm) != 1)
        return 0;
    return static_cast<std::int64_t>(timegm(&tm));
}

std::vector<std::uint8_t> base64Decode(std::span<const std::uint8_t> text) {
    std::string clean;
    for (std::uint8_t c : text)
        if (!std::isspace(c))
            clean += static_cast<char>(c);
    std::vector<std::uint8_t> out(clean.size() / 4 * 3 + 3);
    EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
    EVP_DecodeInit(ctx);
    int len = 0;
    int total = 0;
    bool ok = EVP_DecodeUpdate(ctx, out.data(), &len,
                               reinterpret_cast<const unsigned char*>(clean.data()),
                               static_cast<int>(clean.size())) >= 0;
    total = len;
    ok = ok && EVP_DecodeFinal(ctx, out.data() + total, &len) == 1;
    total += len;
    EVP_ENCODE_CTX_free(ctx);
    if (!ok)
        return {};
    out.resize(static_cast<std::size_t>(total));
    return out;
}

} // namespace

Result<TrustedDsc> parseDsc(std::span<const std::uint8_t> bytes) {
    X509* cert = nullptr;
    std::vector<std::uint8_t> der;
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
        BIO* bio = BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size()));
        cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        BIO_free(bio);
    } else if (!bytes.empty() && bytes[0] == 0x30) {
        der.assign(bytes.begin(), bytes.end());
    } else {
        der = base64Decode(bytes);
    }
    if (!cert && !der.empty()) {
        const unsigned char* p = der.data();
        cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
        // The kid is a hash of the DER exactly as issued: keep those bytes, not a re-encoding.
        if (cert)
            der.resize(static_cast<std::size_t>(p - der.data()));
    }
    if (!cert)
        return badInput("certificate: not a DER, PEM or base64 X.509 certificate");
    std::unique_ptr<X509, decltype(&X509_free)> owner(cert, X509_free);

    TrustedDsc dsc;
    if (!der.empty()) {
        dsc.der = std::move(der);
    } else {
        unsigned char* out = nullptr;
        const int length = i2d_X509(cert, &out);
        if (length <= 0)
            return badInput("certificate: cannot re-encode");
        dsc.der.assign(out, out + length);
        OPENSSL_free(out);
    }
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(dsc.der.data(), dsc.der.size(), digest);
    std::copy_n(digest, dsc.kid.size(), dsc.kid.begin());
    dsc.notBefore = toEpoch(X509_get0_notBefore(cert));
    dsc.notAfter = toEpoch(X509_get0_notAfter(cert));
    char subject[512];
    X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
    dsc.subject = subject;

    if (auto* usages = static_cast<EXTENDED_KEY_USAGE*>(
            X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr))) {
        for (int i = 0; i < sk_ASN1_OBJECT_num(usages); ++i) {
            char oid[128];
            OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(usages, i), 1);
            dsc.extendedKeyUsages.emplace_back(oid);
        }
        EXTENDED_KEY_USAGE_free(usages);
    }
    EVP_PKEY* key = X509_get_pubkey(cert);
    if (!key)
        return badInput("certificate: no usable public key");
    dsc.publicKey.reset(key, EVP_PKEY_free);
    return dsc;
}

Result<TrustedPassKey> makePassKey(std::span<const std::uint8_t> publicKey, std::string label) {
    if (publicKey.size() != 32)
        return badInput("key: an Ed25519 public key has 32 bytes");
    TrustedPassKey key;
    std::copy(publicKey.begin(), publicKey.end(), key.publicKey.begin());
    key.kid = sync::pass::ed25519KeyId(publicKey);
    key.label = std::move(label);
    return key;
}

} // namespace doorpost::kiosk::credentials

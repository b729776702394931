#include "kiosk/credentials/signature_check.hpp"

#include "sync/pass/cose.hpp"

#include <memory>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sodium.h>
#include <string>
#include <vector>

namespace doorpost::kiosk::credentials {
namespace {

std::vector<std::uint8_t> rawToDer(std::span<const std::uint8_t> raw) {
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(raw.data(), 32, nullptr);
    BIGNUM* s = BN_bin2bn(raw.data() + 32, 32, nullptr);
    ECDSA_SIG_set0(sig, r, s); // takes ownership of r and s
    unsigned char* der = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (length <= 0)
        return {};
    std::vector<std::uint8_t> out(der, der + length);
    OPENSSL_free(der);
    return out;
}

bool digestVerify(evp_pkey_st* key, bool pss, std::span<const std::uint8_t> message,
                  std::span<const std::uint8_t> signature) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr; // owned by ctx
    if (EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key) != 1)
        return false;
    if (pss) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)
            return false;
    }
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                            message.size()) == 1;
}

} // namespace

SignatureOutcome verifyCoseSignature(std::int64_t alg, evp_pkey_st* key,
                                     std::span<const std::uint8_t> toBeSigned,
                                     std::span<const std::uint8_t> signature) {
    const int type = EVP_PKEY_get_base_id(key);
    if (alg == sync::pass::kCoseAlgEs256) {
        if (type != EVP_PKEY_EC)
            return SignatureOutcome::KeyTypeMismatch;
        char group[64] = {};
        size_t groupLength = 0;
        if (EVP_PKEY_get_group_name(key, group, sizeof group, &groupLength) != 1 ||
            std::string(group) != "prime256v1")
            return SignatureOutcome::KeyTypeMismatch;
        if (signature.size() != 64)
            return SignatureOutcome::Invalid;
        const auto der = rawToDer(signature);
        if (der.empty())
            return SignatureOutcome::Invalid;
        const bool ok = digestVerify(key, false, toBeSigned, der);
        ERR_clear_error(); // a failed verify leaves errors on this thread's queue
        return ok ? SignatureOutcome::Valid : SignatureOutcome::Invalid;
    }
    if (alg == sync::pass::kCoseAlgPs256) {
        if (type != EVP_PKEY_RSA && type != EVP_PKEY_RSA_PSS)
            return SignatureOutcome::KeyTypeMismatch;
        const bool ok = digestVerify(key, true, toBeSigned, signature);
        ERR_clear_error();
        return ok ? SignatureOutcome::Valid : SignatureOutcome::Invalid;
    }
    return SignatureOutcome::KeyTypeMismatch;
}

bool verifyEd25519(std::span<const std::uint8_t> publicKey,
                   std::span<const std::uint8_t> toBeSigned,
                   std::span<const std::uint8_t> signature) {
    if (publicKey.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
        return false;
    return crypto_sign_verify_detached(signature.data(), toBeSigned.data(), toBeSigned.size(),
                                       publicKey.data()) == 0;
}

} // namespace doorpost::kiosk::credentials

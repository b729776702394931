#include "sync/central/tls_credentials.hpp"

#include "storage/base/iso_time.hpp"

#include <fstream>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sstream>

namespace doorpost::sync::central {

struct TlsCredentials::Pair {
    std::vector<gnutls_pcert_st> certs;
    gnutls_privkey_t key = nullptr;
    std::string description;
    ~Pair() {
        for (auto& cert : certs)
            gnutls_pcert_deinit(&cert);
        if (key)
            gnutls_privkey_deinit(key);
    }
};

namespace {

std::atomic<TlsCredentials*> g_current{nullptr};

Result<std::string> readFile(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return environmentFault(std::string("cannot read TLS ") + what + " " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string gnutlsError(int code) {
    return gnutls_strerror(code);
}

// The DER of a public key, to compare a certificate's key with the private key's.
std::string publicKeyDer(gnutls_pubkey_t key) {
    gnutls_datum_t out{};
    if (gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, &out) < 0)
        return {};
    std::string der(reinterpret_cast<const char*>(out.data), out.size);
    gnutls_free(out.data);
    return der;
}

int retrieve(gnutls_session_t, const gnutls_datum_t*, int, const gnutls_pk_algorithm_t*, int,
             gnutls_pcert_st** certs, unsigned int* count, gnutls_privkey_t* key) {
    TlsCredentials* credentials = g_current.load();
    if (!credentials)
        return -1;
    return credentials->answer(certs, count, key);
}

} // namespace

TlsCredentials::TlsCredentials(std::string certPath, std::string keyPath)
    : m_certPath(std::move(certPath)), m_keyPath(std::move(keyPath)) {}

TlsCredentials::~TlsCredentials() {
    TlsCredentials* self = this;
    g_current.compare_exchange_strong(self, nullptr);
}

Result<std::unique_ptr<TlsCredentials>> TlsCredentials::load(const std::string& certPath,
                                                             const std::string& keyPath) {
    std::unique_ptr<TlsCredentials> credentials(new TlsCredentials(certPath, keyPath));
    if (auto loaded = credentials->reload(); !loaded)
        return loaded.error();
    return credentials;
}

Result<std::unique_ptr<TlsCredentials::Pair>> TlsCredentials::read() const {
    auto certText = readFile(m_certPath, "certificate");
    if (!certText)
        return certText.error();
    auto keyText = readFile(m_keyPath, "key");
    if (!keyText)
        return keyText.error();
    auto pair = std::make_unique<Pair>();
    pair->certs.resize(16);
    unsigned int count = static_cast<unsigned int>(pair->certs.size());
    gnutls_datum_t certData{reinterpret_cast<unsigned char*>(certText->data()),
                            static_cast<unsigned int>(certText->size())};
    int rc = gnutls_pcert_list_import_x509_raw(pair->certs.data(), &count, &certData,
                                               GNUTLS_X509_FMT_PEM, 0);
    if (rc < 0) {
        pair->certs.clear();
        return badInput("TLS certificate " + m_certPath + ": " + gnutlsError(rc));
    }
    pair->certs.resize(count);
    if (count == 0)
        return badInput("TLS certificate " + m_certPath + ": no certificate in it");
    rc = gnutls_privkey_init(&pair->key);
    gnutls_datum_t keyData{reinterpret_cast<unsigned char*>(keyText->data()),
                           static_cast<unsigned int>(keyText->size())};
    if (rc >= 0)
        rc = gnutls_privkey_import_x509_raw(pair->key, &keyData, GNUTLS_X509_FMT_PEM, nullptr, 0);
    if (rc < 0)
        return badInput("TLS key " + m_keyPath + ": " + gnutlsError(rc));
    gnutls_pubkey_t fromKey = nullptr;
    gnutls_pubkey_init(&fromKey);
    rc = gnutls_pubkey_import_privkey(fromKey, pair->key, 0, 0);
    const bool matches = rc >= 0 && publicKeyDer(fromKey) == publicKeyDer(pair->certs[0].pubkey);
    gnutls_pubkey_deinit(fromKey);
    if (!matches)
        return badInput("TLS key " + m_keyPath + " does not belong to certificate " + m_certPath);

    gnutls_x509_crt_t crt = nullptr;
    if (gnutls_x509_crt_init(&crt) >= 0 &&
        gnutls_x509_crt_import(crt, &pair->certs[0].cert, GNUTLS_X509_FMT_DER) >= 0) {
        gnutls_datum_t dn{};
        if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
            pair->description.assign(reinterpret_cast<const char*>(dn.data), dn.size);
            gnutls_free(dn.data);
        }
        const time_t expires = gnutls_x509_crt_get_expiration_time(crt);
        pair->description += " until " + formatIsoTime(static_cast<std::int64_t>(expires));
    }
    if (crt)
        gnutls_x509_crt_deinit(crt);
    return pair;
}

Result<void> TlsCredentials::reload() {
    auto pair = read();
    if (!pair)
        return pair.error();
    std::lock_guard lock(m_mutex);
    m_pairs.push_back(std::move(*pair));
    m_current = m_pairs.back().get();
    return {};
}

std::string TlsCredentials::describe() const {
    const Pair* pair = m_current.load();
    return pair ? pair->description : std::string();
}

int TlsCredentials::answer(gnutls_pcert_st** certs, unsigned int* count,
                           gnutls_privkey_t* key) const {
    Pair* pair = m_current.load();
    if (!pair)
        return -1;
    *certs = pair->certs.data();
    *count = static_cast<unsigned int>(pair->certs.size());
    *key = pair->key;
    return 0;
}

void* TlsCredentials::certificateCallback() {
    return reinterpret_cast<void*>(&retrieve);
}

void TlsCredentials::setCurrent(TlsCredentials* credentials) {
    g_current = credentials;
}

} // namespace doorpost::sync::central

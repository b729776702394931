#pragma once
// The central's TLS certificate chain and private key (PEM files), loaded with GnuTLS and handed
// to each new TLS handshake by the server's certificate callback. reload() reads the files again
// (SIGHUP, `systemctl reload`: an ACME renewal): new handshakes get the new pair, connections
// already open keep theirs, and a pair that does not load, or whose key does not match its
// certificate, is refused with the old one kept.
//
// Threads meet here: reload() runs on the signal thread while polling threads run handshakes;
// the current pair is an atomic pointer, and every pair ever loaded is kept until the
// credentials are destroyed, because a handshake may still hold the one before.

#include "storage/base/result.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

// GnuTLS's types, declared here so this header does not pull GnuTLS into its includers.
struct gnutls_pcert_st;
struct gnutls_privkey_st;

namespace doorpost::sync::central {

class TlsCredentials {
public:
    static Result<std::unique_ptr<TlsCredentials>> load(const std::string& certPath,
                                                        const std::string& keyPath);
    ~TlsCredentials();
    TlsCredentials(const TlsCredentials&) = delete;
    TlsCredentials& operator=(const TlsCredentials&) = delete;

    // Reads both files again; on any fault the pair in use stays.
    Result<void> reload();
    // The first certificate's subject and end of validity, for the log.
    std::string describe() const;

    // The GnuTLS certificate-retrieve callback (gnutls_certificate_retrieve_function2) the server
    // installs, and the credentials it answers from. GnuTLS gives that callback no context
    // pointer, so one credentials object per process serves it.
    static void* certificateCallback();
    static void setCurrent(TlsCredentials* credentials);

    struct Pair;
    // What the callback hands GnuTLS: the current chain and key (0), or -1 with none.
    int answer(::gnutls_pcert_st** certs, unsigned int* count, ::gnutls_privkey_st** key) const;

private:
    TlsCredentials(std::string certPath, std::string keyPath);
    Result<std::unique_ptr<Pair>> read() const;

    std::string m_certPath;
    std::string m_keyPath;
    mutable std::mutex m_mutex; // guards m_pairs (loads); handshakes read m_current only
    std::vector<std::unique_ptr<Pair>> m_pairs;
    std::atomic<Pair*> m_current{nullptr};
};

} // namespace doorpost::sync::central

#pragma once
// The listening TCP socket both of Doorpost's HTTP servers hand to libmicrohttpd (the central's,
// sync/central/http_server.cpp, and the doors' peer server, sync/peer/peer_server.cpp): opened
// here rather than by the library so that a port taken or a host that does not resolve is a
// one-line error naming it, and port 0 tells the caller which port it got.

#include "storage/base/result.hpp"

#include <string>
#include <sys/socket.h>

namespace doorpost::sync {

struct ListeningSocket {
    int fd = -1;
    int port = 0;      // the port bound (the kernel's choice when 0 was asked)
    bool ipv6 = false; // libmicrohttpd must be told (MHD_USE_IPv6)
};

// Binds HOST:PORT (HOST empty: every address; "[::1]" brackets allowed) with SO_REUSEADDR and
// listens. An environment fault "cannot resolve HOST" or "cannot bind to HOST:PORT: why".
Result<ListeningSocket> openListeningSocket(const std::string& host, int port, int backlog);

// A client's address as text ("127.0.0.1", "::1"); empty for a family other than IPv4/IPv6.
std::string addressText(const sockaddr* address);

} // namespace doorpost::sync

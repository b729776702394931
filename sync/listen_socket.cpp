#include "sync/listen_socket.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

namespace doorpost::sync {

Result<ListeningSocket> openListeningSocket(const std::string& host, int port, int backlog) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    std::string name = host;
    if (name.size() > 2 && name.front() == '[' && name.back() == ']')
        name = name.substr(1, name.size() - 2);
    const std::string service = std::to_string(port);
    addrinfo* found = nullptr;
    if (::getaddrinfo(name.empty() ? nullptr : name.c_str(), service.c_str(), &hints, &found) !=
            0 ||
        !found)
        return environmentFault("cannot resolve " + host);
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    const bool ok = fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
                    ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 &&
                    ::listen(fd, backlog) == 0;
    ::freeaddrinfo(found);
    if (!ok) {
        const std::string why = std::strerror(errno);
        if (fd >= 0)
            ::close(fd);
        return environmentFault("cannot bind to " + host + ":" + service + ": " + why);
    }
    sockaddr_storage bound{};
    socklen_t size = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &size);
    ListeningSocket socket;
    socket.fd = fd;
    socket.ipv6 = bound.ss_family == AF_INET6;
    socket.port = socket.ipv6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                              : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    return socket;
}

std::string addressText(const sockaddr* address) {
    char text[INET6_ADDRSTRLEN] = "";
    if (address->sa_family == AF_INET)
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text,
                    sizeof text);
    else if (address->sa_family == AF_INET6)
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
                    sizeof text);
    return text;
}

} // namespace doorpost::sync

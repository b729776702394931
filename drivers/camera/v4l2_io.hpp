#pragma once
// The seam between the V4L2 camera source and the kernel: every open/close/ioctl/mmap/munmap/
// poll the source makes goes through this interface, so tests drive a fake device (format
// negotiation, the buffer cycle, unplug and reconnect) without a camera. Methods behave like the
// system calls they stand for: -1 (or MAP_FAILED) and errno on failure.

#include <cstddef>
#include <memory>
#include <poll.h>
#include <sys/types.h>

namespace doorpost::drivers::camera {

class V4l2Io {
public:
    virtual ~V4l2Io() = default;
    virtual int open(const char* path, int flags) = 0;
    virtual int close(int fd) = 0;
    virtual int ioctl(int fd, unsigned long request, void* arg) = 0;
    virtual void* mmap(std::size_t length, int prot, int flags, int fd, off_t offset) = 0;
    virtual int munmap(void* address, std::size_t length) = 0;
    virtual int poll(pollfd* fds, nfds_t count, int timeoutMs) = 0;
};

// The real kernel interface.
std::unique_ptr<V4l2Io> makeSystemV4l2Io();

} // namespace doorpost::drivers::camera

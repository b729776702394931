#include "drivers/camera/v4l2_io.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace doorpost::drivers::camera {
namespace {

class SystemV4l2Io final : public V4l2Io {
public:
    int open(const char* path, int flags) override { return ::open(path, flags | O_CLOEXEC); }
    int close(int fd) override { return ::close(fd); }
    int ioctl(int fd, unsigned long request, void* arg) override {
        int result = 0;
        do {
            result = ::ioctl(fd, request, arg);
        } while (result < 0 && errno == EINTR);
        return result;
    }
    void* mmap(std::size_t length, int prot, int flags, int fd, off_t offset) override {
        return ::mmap(nullptr, length, prot, flags, fd, offset);
    }
    int munmap(void* address, std::size_t length) override { return ::munmap(address, length); }
    int poll(pollfd* fds, nfds_t count, int timeoutMs) override {
        return ::poll(fds, count, timeoutMs);
    }
};

} // namespace

std::unique_ptr<V4l2Io> makeSystemV4l2Io() {
    return std::make_unique<SystemV4l2Io>();
}

} // namespace doorpost::drivers::camera

#include "engine/core/page_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace hearth {

Status dropFromPageCache(int fd) {
    // Dirty pages are not dropped, so they go to disk first.
    if (::fdatasync(fd) != 0) return makeError(std::string("cannot sync: ") + std::strerror(errno));
    if (const int e = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED); e != 0)
        return makeError(std::string("cannot drop cached pages: ") + std::strerror(e));
    return {};
}

Status dropFromPageCache(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return makeError("cannot open " + path + ": " + std::strerror(errno));
    Status st = dropFromPageCache(fd);
    ::close(fd);
    if (!st) return makeError(path + ": " + st.error());
    return st;
}

std::optional<uint64_t> hugePageMappedBytes(const void* data, size_t length) {
    FILE* f = std::fopen("/proc/self/smaps", "re");
    if (!f) return std::nullopt;
    const auto lo = reinterpret_cast<uintptr_t>(data), hi = lo + length;
    uint64_t kib = 0;
    bool inRange = false;
    char line[512];
    while (std::fgets(line, sizeof line, f)) {
        uintptr_t start = 0, end = 0;
        // A mapping's header line: "start-end perms offset dev inode [path]".
        if (std::sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &start, &end) == 2 &&
            std::strchr(line, '-') < std::strchr(line, ' ')) {
            inRange = start < hi && end > lo;
            continue;
        }
        if (!inRange) continue;
        unsigned long long v = 0;
        if (std::sscanf(line, "FilePmdMapped: %llu kB", &v) == 1 ||
            std::sscanf(line, "AnonHugePages: %llu kB", &v) == 1 ||
            std::sscanf(line, "ShmemPmdMapped: %llu kB", &v) == 1)
            kib += v;
    }
    std::fclose(f);
    return kib * 1024;
}

} // namespace hearth

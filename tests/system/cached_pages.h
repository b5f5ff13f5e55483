#pragma once
// Test helper: how many of a file's pages the page cache holds now, by mincore(2) on a fresh
// map (it reports cached pages this process never touched). tmpfs files are their own cache.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

namespace hearth::test {

inline std::optional<size_t> cachedPages(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    const off_t size = ::lseek(fd, 0, SEEK_END);
    if (size <= 0) {
        ::close(fd);
        return size == 0 ? std::optional<size_t>(0) : std::nullopt;
    }
    void* m = ::mmap(nullptr, size_t(size), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (m == MAP_FAILED) return std::nullopt;
    const size_t page = size_t(::sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> vec((size_t(size) + page - 1) / page);
    const int r = ::mincore(m, size_t(size), vec.data());
    ::munmap(m, size_t(size));
    if (r != 0) return std::nullopt;
    size_t n = 0;
    for (unsigned char v : vec) n += v & 1;
    return n;
}

inline bool onTmpfs(const std::string& path) {
    struct statfs fs {};
    return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == TMPFS_MAGIC;
}

} // namespace hearth::test

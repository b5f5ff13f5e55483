#include "engine/core/mapped_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hearth {

Result<std::unique_ptr<MappedFile>> MappedFile::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return makeError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        return makeError("cannot stat " + path + ": " + std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return makeError(path + " is not a regular file");
    }
    std::unique_ptr<MappedFile> f(new MappedFile());
    f->path_ = path;
    f->size_ = static_cast<size_t>(st.st_size);
    if (f->size_ > 0) {
        void* p = ::mmap(nullptr, f->size_, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            ::close(fd);
            return makeError("cannot map " + path + ": " + std::strerror(e));
        }
        f->data_ = static_cast<const uint8_t*>(p);
    }
    ::close(fd); // the mapping keeps the file alive
    return f;
}

MappedFile::~MappedFile() {
    if (data_) {
        if (locked_) ::munlock(data_, size_);
        ::munmap(const_cast<uint8_t*>(data_), size_);
    }
}

void MappedFile::advise(Access access, size_t offset, size_t length) const {
    if (!data_ || offset >= size_) return;
    length = std::min(length, size_ - offset);
    // madvise needs a page-aligned start.
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    size_t start = offset / page * page;
    length += offset - start;
    int advice = MADV_NORMAL;
    switch (access) {
    case Access::Normal:
        advice = MADV_NORMAL;
        break;
    case Access::Sequential:
        advice = MADV_SEQUENTIAL;
        break;
    case Access::Random:
        advice = MADV_RANDOM;
        break;
    case Access::WillNeed:
        advice = MADV_WILLNEED;
        break;
    case Access::HugePages:
#ifdef MADV_HUGEPAGE
        advice = MADV_HUGEPAGE;
#endif
        break;
    }
    ::madvise(const_cast<uint8_t*>(data_) + start, length, advice);
}

Status MappedFile::lock() {
    if (!data_ || locked_) return {};
    if (::mlock(data_, size_) != 0)
        return makeError("cannot lock " + std::to_string(size_) + " bytes of " + path_ +
                         " in memory: " + std::strerror(errno) +
                         " (raise the memlock limit, ulimit -l, or disable locking)");
    locked_ = true;
    return {};
}

} // namespace hearth

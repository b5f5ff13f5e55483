#include "engine/store/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hearth {
namespace {

std::string parentOf(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

void syncDirectory(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

Status makeDirectories(const std::string& path) {
    if (path.empty()) return {};
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) return {};
        return makeError(path + " exists and is not a directory");
    }
    if (auto st2 = makeDirectories(parentOf(path)); !st2) return st2;
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
        return makeError("cannot create directory " + path + ": " + std::strerror(errno));
    return {};
}

Status writeFileAtomic(const std::string& path, std::string_view bytes, unsigned mode) {
    const std::string dir = parentOf(path);
    // A dot-prefixed temp name is never a valid model tag or digest, so listings skip it.
    const size_t slash = path.find_last_of('/');
    std::string tmp = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) +
                      "." + path.substr(slash == std::string::npos ? 0 : slash + 1) + ".tmp-XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return makeError("cannot write in " + dir + ": " + std::strerror(errno));
    size_t done = 0;
    int err = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            err = errno ? errno : EIO;
            break;
        }
        done += static_cast<size_t>(n);
    }
    if (!err && ::fchmod(fd, mode) != 0) err = errno;
    if (!err && ::fsync(fd) != 0) err = errno;
    if (::close(fd) != 0 && !err) err = errno;
    if (!err && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
    if (err) {
        ::unlink(tmp.c_str());
        return makeError("cannot write " + path + ": " + std::strerror(err));
    }
    syncDirectory(dir);
    return {};
}

Result<std::string> readSmallFile(const std::string& path, size_t limit) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return makeError("cannot open " + path + ": " + std::strerror(errno));
    std::string out;
    char buf[65536];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            return makeError("cannot read " + path + ": " + std::strerror(e));
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > limit) {
            ::close(fd);
            return makeError(path + " is larger than " + std::to_string(limit) + " bytes");
        }
    }
    ::close(fd);
    return out;
}

} // namespace hearth

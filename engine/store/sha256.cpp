#include "engine/store/sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace hearth {
namespace {

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

std::string toHex(const unsigned char* d, unsigned n) {
    static const char* kHex = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (unsigned i = 0; i < n; ++i) {
        out += kHex[d[i] >> 4];
        out += kHex[d[i] & 15];
    }
    return out;
}

// OpenSSL keeps per-thread state (its error queue, ~1 KiB) until the thread exits. Hashing runs on
// Qt's pool threads, which outlive OpenSSL's exit-time cleanup (that cleanup removes the hook that
// would free it at thread exit), so the state would never be freed: it is released after each
// digest instead (OpenSSL makes it again on the next call).
struct ReleaseThreadState {
    ~ReleaseThreadState() { OPENSSL_thread_stop(); }
};

MdCtx newSha256() {
    MdCtx ctx(EVP_MD_CTX_new());
    if (ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) ctx.reset();
    return ctx;
}

} // namespace

std::string sha256Hex(std::string_view bytes) {
    const ReleaseThreadState release;
    MdCtx ctx = newSha256();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!ctx || EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), md, &n) != 1)
        return {};
    return toHex(md, n);
}

Result<std::string> sha256File(const std::string& path, const ProgressFn& progress) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return makeError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    const uint64_t total = ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    const ReleaseThreadState release;
    MdCtx ctx = newSha256();
    if (!ctx) {
        ::close(fd);
        return makeError("SHA-256 is unavailable in libcrypto");
    }
    std::vector<unsigned char> buf(4 << 20);
    uint64_t done = 0;
    while (true) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            return makeError("cannot read " + path + ": " + std::strerror(e));
        }
        if (n == 0) break;
        EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
        done += static_cast<uint64_t>(n);
        if (progress && !progress(done, total)) {
            ::close(fd);
            return makeError("hashing " + path + " was cancelled");
        }
    }
    ::close(fd);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) return makeError("SHA-256 failed");
    return toHex(md, len);
}

} // namespace hearth

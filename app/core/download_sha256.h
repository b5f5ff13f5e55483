#pragma once
// StreamingSha256: SHA-256 fed piece by piece as download bytes arrive, through OpenSSL's libcrypto
// (already the engine's digest library). OpenSSL uses the CPU's SHA extensions where present,
// several times faster than QCryptographicHash, whose SHA-256 is plain C and was the ceiling of
// a loopback pull.
#include <QByteArray>
#include <QByteArrayView>

struct evp_md_ctx_st;

namespace hearth {

class StreamingSha256 {
public:
    StreamingSha256();
    ~StreamingSha256();
    StreamingSha256(const StreamingSha256&) = delete;
    StreamingSha256& operator=(const StreamingSha256&) = delete;

    void reset();
    void addData(QByteArrayView bytes);
    QByteArray result() const; // the 32-byte digest of everything added so far

private:
    evp_md_ctx_st* ctx_;
};

} // namespace hearth

// StreamingSha256: see download_sha256.h.
#include "app/core/download_sha256.h"

#include <openssl/evp.h>

namespace hearth {

StreamingSha256::StreamingSha256() : ctx_(EVP_MD_CTX_new()) {
    reset();
}

StreamingSha256::~StreamingSha256() {
    EVP_MD_CTX_free(ctx_);
}

void StreamingSha256::reset() {
    EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
}

void StreamingSha256::addData(QByteArrayView bytes) {
    EVP_DigestUpdate(ctx_, bytes.data(), size_t(bytes.size()));
}

QByteArray StreamingSha256::result() const {
    // Finalised on a copy, so more data may still be added (and the result asked again).
    QByteArray digest(EVP_MAX_MD_SIZE, 0);
    unsigned int length = 0;
    EVP_MD_CTX* copy = EVP_MD_CTX_new();
    EVP_MD_CTX_copy_ex(copy, ctx_);
    EVP_DigestFinal_ex(copy, reinterpret_cast<unsigned char*>(digest.data()), &length);
    EVP_MD_CTX_free(copy);
    digest.truncate(int(length));
    return digest;
}

} // namespace hearth

#pragma once
// SHA-256 through OpenSSL's libcrypto (EVP), streamed so multi-gigabyte blobs never sit in memory.
#include "engine/core/result.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace hearth {

// Called as bytes are hashed; return false to cancel.
using ProgressFn = std::function<bool(uint64_t done, uint64_t total)>;

// Lowercase hex digest of a byte string.
std::string sha256Hex(std::string_view bytes);
// Lowercase hex digest of a file's contents, read in chunks.
Result<std::string> sha256File(const std::string& path, const ProgressFn& progress = {});

} // namespace hearth

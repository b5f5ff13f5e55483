#pragma once
// Crash-safe small-file writes: a temp file in the same directory, fsync, rename, fsync the
// directory. A crash leaves either the old file or the new one, never a torn one.
#include "engine/core/result.h"

#include <string>
#include <string_view>

namespace hearth {

Status writeFileAtomic(const std::string& path, std::string_view bytes, unsigned mode = 0644);
// mkdir -p with mode 0755 (what Ollama uses for store directories).
Status makeDirectories(const std::string& path);
// fsync a directory so a rename or unlink in it survives a crash (best effort).
void syncDirectory(const std::string& dir);
// Reads a whole (small) file.
Result<std::string> readSmallFile(const std::string& path, size_t limit = 64u << 20);

} // namespace hearth

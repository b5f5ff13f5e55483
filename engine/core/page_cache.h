#pragma once
// What the OS page cache holds of a model file decides the page size its memory map gets, and
// that shows in decode speed, which streams every weight once per token.
//
// A file read from disk comes into the page cache in large folios (up to 2 MiB on Linux 6.x
// with ext4/xfs), which a memory map maps with 2 MiB pages; a file that was just written sits in
// the cache in the small folios it was written in, mapped with 4 KiB pages. On this project's
// machine (Zen 5, Linux 6.18, ext4) the same 1B model decodes 6-25 % faster from 2 MiB pages
// (fewer TLB misses; Q8_0 1 thread 22.0 -> 27.5 t/s). So files Hearth writes (downloads, merges,
// quantized and synthetic models, imported copies) are dropped from the cache once on disk, and
// the model's weights are advised for huge pages, so a cold read brings them in large folios.
#include "engine/core/result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace hearth {

// Writes the file's dirty pages to disk, then drops its cached pages (POSIX_FADV_DONTNEED):
// the next reader reads it back from disk. Pages another process maps stay cached.
Status dropFromPageCache(int fd);
Status dropFromPageCache(const std::string& path);

// Bytes of the mappings overlapping [data, data + length) that this process maps with 2 MiB
// pages (FilePmdMapped + AnonHugePages + ShmemPmdMapped in /proc/self/smaps); nullopt where
// that cannot be read (not Linux, no /proc).
std::optional<uint64_t> hugePageMappedBytes(const void* data, size_t length);

} // namespace hearth

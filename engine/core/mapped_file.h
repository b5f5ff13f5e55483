#pragma once
// A read-only memory map of a whole file. Weights are used in place from it: the OS pages them
// in on demand, so opening a model costs milliseconds and a model larger than RAM still opens.
#include "engine/core/result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace hearth {

class MappedFile {
public:
    // HugePages: map with 2 MiB pages where the page cache holds large folios, and read
    // uncached parts in them (engine/core/page_cache.h says why decode wants that).
    enum class Access { Normal, Sequential, Random, WillNeed, HugePages };

    static Result<std::unique_ptr<MappedFile>> open(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return data_; }
    size_t size() const { return size_; }
    const std::string& path() const { return path_; }

    // madvise hint for a range (whole file by default); failures are harmless and ignored.
    void advise(Access access, size_t offset = 0, size_t length = SIZE_MAX) const;
    // mlock the mapping; reports failure (e.g. RLIMIT_MEMLOCK) instead of ignoring it.
    Status lock();
    bool locked() const { return locked_; }

private:
    MappedFile() = default;
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    std::string path_;
    bool locked_ = false;
};

} // namespace hearth

#include "engine/system/memory_info.h"

#include <fstream>
#include <sstream>
#include <string>

namespace hearth {
namespace {

// Value of a "Key:   123 kB" line, in bytes; 0 when absent.
uint64_t readKb(const char* path, const std::string& key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, key.size(), key) == 0 && line.size() > key.size() &&
            line[key.size()] == ':') {
            std::istringstream ss(line.substr(key.size() + 1));
            uint64_t kb = 0;
            ss >> kb;
            return kb * 1024;
        }
    }
    return 0;
}

} // namespace

MemoryInfo memoryInfo() {
    MemoryInfo m;
    m.totalBytes = readKb("/proc/meminfo", "MemTotal");
    m.availableBytes = readKb("/proc/meminfo", "MemAvailable");
    m.swapTotalBytes = readKb("/proc/meminfo", "SwapTotal");
    m.swapFreeBytes = readKb("/proc/meminfo", "SwapFree");
    return m;
}

uint64_t currentRssBytes() {
    return readKb("/proc/self/status", "VmRSS");
}
uint64_t peakRssBytes() {
    return readKb("/proc/self/status", "VmHWM");
}

} // namespace hearth

#pragma once
// Physical memory of this machine, from the OS (/proc/meminfo on Linux).
#include <cstdint>

namespace hearth {

struct MemoryInfo {
    uint64_t totalBytes = 0;     // MemTotal
    uint64_t availableBytes = 0; // MemAvailable: what can be allocated without swapping
    uint64_t swapTotalBytes = 0;
    uint64_t swapFreeBytes = 0;
};

MemoryInfo memoryInfo();    // read fresh on every call
uint64_t currentRssBytes(); // this process, VmRSS
uint64_t peakRssBytes();    // this process, VmHWM

} // namespace hearth

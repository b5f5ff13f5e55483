#pragma once
// What the CPU can do, read at run time (CPUID + XGETBV), so one binary runs on any x86-64 CPU
// and picks the fastest kernels it can.
#include <string>
#include <vector>

namespace hearth {

struct CpuFeatures {
    bool sse42 = false, avx = false, avx2 = false, fma = false, f16c = false;
    bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false;
    bool avx512vnni = false, avx512bf16 = false, avxvnni = false;
};

struct CpuInfo {
    std::string model;     // "Intel(R) Xeon(R) Processor", from the CPUID brand string
    std::string vendor;    // "GenuineIntel"
    int logicalCores = 0;  // online logical CPUs
    int physicalCores = 0; // distinct (package, core) pairs; equals logicalCores when unknown
    CpuFeatures features;

    // Feature names in the order the UI shows them, with their state.
    std::vector<std::pair<std::string, bool>> featureList() const;
};

const CpuInfo& cpuInfo(); // probed once, thread-safe

} // namespace hearth

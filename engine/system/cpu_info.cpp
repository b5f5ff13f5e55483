#include "engine/system/cpu_info.h"

#include <cstring>
#include <fstream>
#include <set>
#include <thread>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HEARTH_X86 1
#endif

namespace hearth {
namespace {

#ifdef HEARTH_X86
struct Regs {
    unsigned a = 0, b = 0, c = 0, d = 0;
};
Regs cpuid(unsigned leaf, unsigned sub = 0) {
    Regs r;
    __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
    return r;
}
unsigned long long xgetbv0() {
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<unsigned long long>(hi) << 32) | lo;
}
#endif

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    size_t i = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    return s.substr(i);
}

CpuInfo probe() {
    CpuInfo info;
#ifdef HEARTH_X86
    Regs r0 = cpuid(0);
    char vendor[13] = {};
    std::memcpy(vendor, &r0.b, 4);
    std::memcpy(vendor + 4, &r0.d, 4);
    std::memcpy(vendor + 8, &r0.c, 4);
    info.vendor = vendor;
    const unsigned maxLeaf = r0.a;

    Regs ext = cpuid(0x80000000);
    if (ext.a >= 0x80000004) {
        char brand[49] = {};
        for (unsigned i = 0; i < 3; ++i) {
            Regs r = cpuid(0x80000002 + i);
            std::memcpy(brand + 16 * i, &r, 16);
        }
        info.model = trim(brand);
    }

    auto& f = info.features;
    Regs r1 = cpuid(1);
    f.sse42 = r1.c & (1u << 20);
    const bool osxsave = r1.c & (1u << 27);
    const unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
    const bool ymm = (xcr0 & 0x6) == 0x6;          // SSE + AVX state enabled by the OS
    const bool zmm = ymm && (xcr0 & 0xe0) == 0xe0; // opmask + ZMM state
    f.avx = ymm && (r1.c & (1u << 28));
    f.fma = f.avx && (r1.c & (1u << 12));
    f.f16c = f.avx && (r1.c & (1u << 29));
    if (maxLeaf >= 7) {
        Regs r7 = cpuid(7, 0);
        f.avx2 = f.avx && (r7.b & (1u << 5));
        f.avx512f = zmm && (r7.b & (1u << 16));
        f.avx512dq = f.avx512f && (r7.b & (1u << 17));
        f.avx512bw = f.avx512f && (r7.b & (1u << 30));
        f.avx512vl = f.avx512f && (r7.b & (1u << 31));
        f.avx512vnni = f.avx512f && (r7.c & (1u << 11));
        if (r7.a >= 1) {
            Regs r71 = cpuid(7, 1);
            f.avxvnni = f.avx2 && (r71.a & (1u << 4));
            f.avx512bf16 = f.avx512f && (r71.a & (1u << 5));
        }
    }
#endif
    if (info.model.empty()) {
        std::ifstream in("/proc/cpuinfo");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("model name", 0) == 0) {
                auto p = line.find(':');
                if (p != std::string::npos) info.model = trim(line.substr(p + 1));
                break;
            }
    }

    info.logicalCores = static_cast<int>(std::thread::hardware_concurrency());
    // Physical cores: distinct (physical id, core id) pairs in /proc/cpuinfo.
    std::ifstream in("/proc/cpuinfo");
    std::string line, phys = "0";
    std::set<std::pair<std::string, std::string>> cores;
    while (std::getline(in, line)) {
        auto p = line.find(':');
        if (p == std::string::npos) continue;
        std::string key = trim(line.substr(0, p)), val = trim(line.substr(p + 1));
        while (!key.empty() && (key.back() == '\t' || key.back() == ' ')) key.pop_back();
        if (key == "physical id")
            phys = val;
        else if (key == "core id")
            cores.emplace(phys, val);
    }
    info.physicalCores = cores.empty() ? info.logicalCores : static_cast<int>(cores.size());
    if (info.logicalCores <= 0) info.logicalCores = info.physicalCores > 0 ? info.physicalCores : 1;
    return info;
}

} // namespace

std::vector<std::pair<std::string, bool>> CpuInfo::featureList() const {
    const auto& f = features;
    return {{"SSE4.2", f.sse42},       {"AVX", f.avx},
            {"AVX2", f.avx2},          {"FMA", f.fma},
            {"F16C", f.f16c},          {"AVX-512F", f.avx512f},
            {"AVX-512BW", f.avx512bw}, {"AVX-512VL", f.avx512vl},
            {"AVX-512DQ", f.avx512dq}, {"AVX-512 VNNI", f.avx512vnni},
            {"AVX-VNNI", f.avxvnni},   {"AVX-512 BF16", f.avx512bf16}};
}

const CpuInfo& cpuInfo() {
    static const CpuInfo info = probe();
    return info;
}

} // namespace hearth

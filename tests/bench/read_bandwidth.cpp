// Memory read bandwidth, the number that bounds decode speed: T threads each sum their share of a
// 2 GiB anonymous buffer (far larger than any cache), GB = 1e9 bytes. Two figures:
//  - the engine's probe (engine/system/read_bandwidth.h: best of 6 passes alternating 512- and
//    256-bit loads), which `hearth-cli bench` also runs over a model's mapped weights after each
//    generation run;
//  - the method of ../shared/perf/README.md: a loop of 512-bit loads, best of 5 (--readme only).
// Built with the bench (-DHEARTH_BUILD_BENCH=ON) or by hand:
//   g++ -O3 -I. -pthread -o /tmp/read_bandwidth tests/bench/read_bandwidth.cpp
//       engine/system/read_bandwidth.cpp         (one command line)
//   /tmp/read_bandwidth 2 [--readme]      # threads (default 1)
#include "engine/system/read_bandwidth.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

__attribute__((target("avx512f"))) uint64_t sum512(const unsigned char* p, size_t bytes) {
    __m512i a = _mm512_setzero_si512();
    for (size_t i = 0; i + 64 <= bytes; i += 64) a = _mm512_add_epi64(a, _mm512_loadu_si512(p + i));
    alignas(64) uint64_t lanes[8];
    _mm512_store_si512(lanes, a);
    uint64_t s = 0;
    for (uint64_t x : lanes) s += x;
    return s;
}

// ../shared/perf/README.md: "a C loop summing a 2 GiB buffer with AVX-512 loads, best of 5".
double readmeBandwidth(const std::vector<unsigned char>& buf, int threads) {
    double best = 0;
    uint64_t sink = 0;
    for (int pass = 0; pass < 5; ++pass) {
        std::vector<uint64_t> sums(static_cast<size_t>(threads));
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                const size_t from = buf.size() / size_t(threads) * size_t(t);
                sums[size_t(t)] = sum512(buf.data() + from, buf.size() / size_t(threads));
            });
        for (auto& th : pool) th.join();
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        for (uint64_t v : sums) sink += v;
        best = std::max(best, double(buf.size()) / s);
    }
    return sink == 1 ? 0 : best; // the sums are used, so the loads stay
}

} // namespace

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
    const bool readme = argc > 2 && std::strcmp(argv[2], "--readme") == 0;
    std::vector<unsigned char> buf(size_t(2) << 30, 1); // written once so every page is there
    const double best = hearth::measureReadBandwidth(buf.data(), buf.size(), threads, 6);
    std::printf("%d thread(s): %.2f GB/s read (best of 6)\n", threads, best / 1e9);
    if (readme && __builtin_cpu_supports("avx512f"))
        std::printf(
            "%d thread(s): %.2f GB/s read (perf/README.md method: 512-bit loads, best of 5)\n",
            threads, readmeBandwidth(buf, threads) / 1e9);
    return 0;
}

#include "engine/system/read_bandwidth.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include <sys/mman.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace hearth {
namespace {

// Four independent accumulators, so loads, not adds, set the pace. The widest loads are not
// always the fastest to stream: on this project's Zen 5 machine 256-bit loads read 8-14 % more
// per second than 512-bit ones, so passes alternate between the two and the best counts (the
// limit must be the most the memory gives, or a decode rate would look closer to it than it is).
#if defined(__x86_64__)
__attribute__((target("avx512f"))) uint64_t sumAvx512(const uint8_t* p, size_t bytes) {
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
    size_t i = 0;
    for (; i + 256 <= bytes; i += 256) {
        a0 = _mm512_add_epi64(a0, _mm512_loadu_si512(p + i));
        a1 = _mm512_add_epi64(a1, _mm512_loadu_si512(p + i + 64));
        a2 = _mm512_add_epi64(a2, _mm512_loadu_si512(p + i + 128));
        a3 = _mm512_add_epi64(a3, _mm512_loadu_si512(p + i + 192));
    }
    alignas(64) uint64_t lanes[8];
    _mm512_store_si512(lanes, _mm512_add_epi64(_mm512_add_epi64(a0, a1), _mm512_add_epi64(a2, a3)));
    uint64_t s = 0;
    for (uint64_t x : lanes) s += x;
    return s;
}
__attribute__((target("avx2"))) uint64_t sumAvx2(const uint8_t* p, size_t bytes) {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    size_t i = 0;
    for (; i + 128 <= bytes; i += 128) {
        a0 = _mm256_add_epi64(a0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)));
        a1 = _mm256_add_epi64(a1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32)));
        a2 = _mm256_add_epi64(a2, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 64)));
        a3 = _mm256_add_epi64(a3, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 96)));
    }
    alignas(32) uint64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes),
                       _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3)));
    return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

// The reference README's loop: one accumulator, 512-bit loads.
__attribute__((target("avx512f"))) uint64_t sumReadme512(const uint8_t* p, size_t bytes) {
    __m512i a = _mm512_setzero_si512();
    for (size_t i = 0; i + 64 <= bytes; i += 64) a = _mm512_add_epi64(a, _mm512_loadu_si512(p + i));
    alignas(64) uint64_t lanes[8];
    _mm512_store_si512(lanes, a);
    uint64_t s = 0;
    for (uint64_t x : lanes) s += x;
    return s;
}
#endif

uint64_t sumPlain(const uint8_t* p, size_t bytes) {
    uint64_t acc[8] = {};
    for (size_t i = 0; i + 64 <= bytes; i += 64) {
        uint64_t w[8];
        std::memcpy(w, p + i, sizeof w);
        for (int k = 0; k < 8; ++k) acc[k] += w[k];
    }
    uint64_t s = 0;
    for (uint64_t a : acc) s += a;
    return s;
}

// The loop for pass `pass`: every SIMD width the CPU has, in turn.
using SumFn = uint64_t (*)(const uint8_t*, size_t);
SumFn loopForPass(int pass) {
#if defined(__x86_64__)
    static const bool avx512 = __builtin_cpu_supports("avx512f");
    static const bool avx2 = __builtin_cpu_supports("avx2");
    if (avx512 && avx2) return pass % 2 ? sumAvx2 : sumAvx512;
    if (avx2) return sumAvx2;
#endif
    (void)pass;
    return sumPlain;
}

// Best of `passes` rates, every thread reading its share at once; loop(pass) picks the loop.
double bestReadRate(const void* data, size_t bytes, int threads, int passes, SumFn (*loop)(int)) {
    if (!data || bytes == 0) return 0;
    threads = std::max(1, threads);
    const auto* base = static_cast<const uint8_t*>(data);
    std::atomic<uint64_t> sink{0};
    double best = 0;
    for (int pass = 0; pass < std::max(1, passes); ++pass) {
        const SumFn sum = loop(pass);
        // Threads start together (a barrier), so the timed window is all of them reading at once.
        std::atomic<int> ready{0};
        std::vector<std::thread> pool;
        const auto work = [&](int t) {
            const size_t from = bytes * static_cast<size_t>(t) / static_cast<size_t>(threads);
            const size_t to = bytes * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
            ready.fetch_add(1);
            while (ready.load() < threads) std::this_thread::yield();
            sink.fetch_add(sum(base + from, to - from), std::memory_order_relaxed);
        };
        for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
        while (ready.load() < threads - 1) std::this_thread::yield();
        const auto start = std::chrono::steady_clock::now();
        work(0);
        for (auto& th : pool) th.join();
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (s > 0) best = std::max(best, static_cast<double>(bytes) / s);
    }
    return best; // the sums went into `sink`, so the reads cannot be optimised away
}
} // namespace

double measureReadBandwidth(const void* data, size_t bytes, int threads, int passes) {
    return bestReadRate(data, bytes, threads, passes, loopForPass);
}

double measureReadmeBandwidth(int threads, size_t bytes, int passes) {
    void* buf = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) return 0;
    std::memset(buf, 1, bytes); // every page present before the timed passes
    const double best = bestReadRate(buf, bytes, threads, passes, [](int pass) -> SumFn {
#if defined(__x86_64__)
        if (__builtin_cpu_supports("avx512f")) return sumReadme512;
#endif
        return loopForPass(pass);
    });
    munmap(buf, bytes);
    return best;
}

} // namespace hearth

// Memory read bandwidth, the number that bounds decode speed: T threads each sum their share of a
// buffer far larger than any cache; best of 5 passes, GB = 1e9 bytes. Built with the bench
// (-DHEARTH_BUILD_BENCH=ON) or by hand:
//   g++ -O3 -march=native -pthread tests/bench/read_bandwidth.cpp -o /tmp/read_bandwidth
//   /tmp/read_bandwidth 2      # threads (default 1); buffer 2 GiB
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

// Four independent accumulators so the loads, not the adds, set the pace.
double sumRange(const float* p, size_t n) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (size_t i = 0; i + 32 <= n; i += 32) {
        a0 = _mm256_add_ps(a0, _mm256_loadu_ps(p + i));
        a1 = _mm256_add_ps(a1, _mm256_loadu_ps(p + i + 8));
        a2 = _mm256_add_ps(a2, _mm256_loadu_ps(p + i + 16));
        a3 = _mm256_add_ps(a3, _mm256_loadu_ps(p + i + 24));
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    double s = 0;
    for (float x : lanes) s += x;
    return s;
}

} // namespace

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
    const size_t n = (size_t(2) << 30) / sizeof(float);
    std::vector<float> buf(n, 1.0f); // written once so every page is really there
    double best = 0, check = 0;
    for (int pass = 0; pass < 5; ++pass) {
        std::vector<double> sums(static_cast<size_t>(threads));
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                const size_t b = n * size_t(t) / size_t(threads),
                             e = n * size_t(t + 1) / size_t(threads);
                sums[size_t(t)] = sumRange(buf.data() + b, e - b);
            });
        for (auto& th : pool) th.join();
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, double(n * sizeof(float)) / s / 1e9);
        for (double x : sums) check += x;
    }
    std::printf("%d thread(s): %.2f GB/s read (best of 5; checksum %.0f)\n", threads, best, check);
    return 0;
}

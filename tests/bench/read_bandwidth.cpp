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

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 1;
    const bool readme = argc > 2 && std::strcmp(argv[2], "--readme") == 0;
    std::vector<unsigned char> buf(size_t(2) << 30, 1); // written once so every page is there
    const double best = hearth::measureReadBandwidth(buf.data(), buf.size(), threads, 6);
    std::printf("%d thread(s): %.2f GB/s read (best of 6)\n", threads, best / 1e9);
    if (readme) {
        std::vector<unsigned char>().swap(buf); // the README probe allocates its own 2 GiB
        std::printf(
            "%d thread(s): %.2f GB/s read (perf/README.md method: 512-bit loads, best of 5)\n",
            threads, hearth::measureReadmeBandwidth(threads) / 1e9);
    }
    return 0;
}

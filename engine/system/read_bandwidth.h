#pragma once
// Memory read bandwidth, measured on the bytes decode actually streams: T threads each sum their
// share of a buffer (the model's mapped weights, far larger than any cache), best of `passes`.
// `hearth-cli bench` measures it beside every generation run, so a token rate can be set against
// the limit the machine allows at that moment (shared machines drift by tens of percent).
#include <cstddef>

namespace hearth {

// Best read rate in bytes per second over `passes` full passes (alternating 512- and 256-bit
// loads where the CPU has both); 0 when bytes is 0.
double measureReadBandwidth(const void* data, size_t bytes, int threads, int passes = 6);

// The method of ../shared/perf/README.md, which the reference's decode limit is based on: a
// loop of 512-bit loads (one accumulator) summing a 2 GiB anonymous buffer, T threads, best of
// 5. Allocates and frees the buffer (2 GiB of RSS while it runs); 0 when it cannot. On this
// project's Zen 5 machine it reads 8-28 % less than measureReadBandwidth over a model's weights.
double measureReadmeBandwidth(int threads, size_t bytes = size_t{2} << 30, int passes = 5);

} // namespace hearth

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

} // namespace hearth

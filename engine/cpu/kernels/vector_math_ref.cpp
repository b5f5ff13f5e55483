// The scalar reference of vector_math.h: each step as the SIMD versions do it, lane by lane.
#include "engine/cpu/kernels/vector_math_isa.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace hearth::kernels::vmath {
namespace {

double powerOfTwo(double n) { // 2^n for an integral n in [-1022, 1023]
    const double t = n + kIntShifter;
    uint64_t bits;
    std::memcpy(&bits, &t, 8);
    bits = (bits + 1023) << 52;
    double p;
    std::memcpy(&p, &bits, 8);
    return p;
}

float expOne(float x) {
    if (std::isnan(x)) return x;
    const double d = std::max(kMinX, std::min(x, kMaxX));
    const double n = std::nearbyint(d * kLog2e);
    double r = std::fma(n, -kLn2Hi, d);
    r = std::fma(n, -kLn2Lo, r);
    double p = kInvFactorial[10];
    for (int k = 9; k >= 0; --k) p = std::fma(p, r, kInvFactorial[k]);
    return static_cast<float>(p * powerOfTwo(n));
}

void expShiftedRef(const float* x, float shift, float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = expOne(x[i] - shift);
}

void siluRef(const float* x, float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] / (expOne(0.0f - x[i]) + 1.0f);
}

void siluMulRef(const float* gate, const float* up, float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = gate[i] / (expOne(0.0f - gate[i]) + 1.0f) * up[i];
}

} // namespace

Functions scalarFunctions() {
    return {expShiftedRef, siluRef, siluMulRef};
}

} // namespace hearth::kernels::vmath

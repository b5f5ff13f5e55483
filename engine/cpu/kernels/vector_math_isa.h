#pragma once
// Internal: the per-ISA entry points behind vector_math.h, and the constants all of them share.
#include <cstdint>

namespace hearth::kernels::vmath {

// exp(x) for a float x is computed in double and rounded once to float, so it is the correctly
// rounded value except when the exact one lies within ~1e-12 relative of a rounding boundary
// (what glibc's expf gives too: decode's results do not move when these replace it, and a value
// later rounded to BF16 or F16 does not flip). n = round-to-even(x * log2(e)), r = x - n * ln 2
// (ln 2 in two parts; n * kLn2Hi is exact), exp(r) by its Taylor series to r^10 / 10! (|r| <=
// ln2/2: truncation error < 3e-13 relative), times 2^n built in the exponent bits.
constexpr double kLog2e = 1.4426950408889634;
constexpr double kLn2Hi = 6.93147180369123816490e-01; // the high 32 bits of ln 2
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvFactorial[11] = {1.0,         1.0,          1.0 / 2,      1.0 / 6,
                                      1.0 / 24,    1.0 / 120,    1.0 / 720,    1.0 / 5040,
                                      1.0 / 40320, 1.0 / 362880, 1.0 / 3628800};
// 1.5 * 2^52: adding it to an integral double n leaves n in the low bits of the sum.
constexpr double kIntShifter = 6755399441055744.0;
// Inputs are clamped here first (in float): below, exp rounds to 0 in float; above, to +inf.
constexpr float kMinX = -104.0f, kMaxX = 89.0f;

using ExpShiftedFn = void (*)(const float* x, float shift, float* y, int64_t n);
using SiluFn = void (*)(const float* x, float* y, int64_t n);
using SiluMulFn = void (*)(const float* gate, const float* up, float* y, int64_t n);

struct Functions {
    ExpShiftedFn expShifted;
    SiluFn silu;
    SiluMulFn siluMul;
};

Functions scalarFunctions();
Functions avx2Functions();
Functions avx512Functions();

} // namespace hearth::kernels::vmath

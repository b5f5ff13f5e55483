#pragma once
// IEEE half (F16) and bfloat16 (BF16) <-> float conversions, bit-exact with ggml: float -> half
// and float -> bf16 round to nearest even; NaNs stay NaNs (quiet). Header-only so the KV cache,
// the loaders and the kernels share one definition.
#include <cstdint>
#include <cstring>

namespace hearth {

inline uint32_t floatBits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

inline float floatFromBits(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

inline float fp16ToFp32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    const uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0) {
        // Zero or subnormal: mantissa * 2^-24 is exact in float.
        const float magnitude = static_cast<float>(mantissa) * (1.0f / 16777216.0f);
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 31) return floatFromBits(sign | 0x7f800000u | (mantissa << 13));
    return floatFromBits(sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13));
}

inline uint16_t fp32ToFp16(float f) {
    const uint32_t x = floatBits(f);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);  // NaN
    if (ax >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u); // >= 65520 rounds to inf
    if (ax < 0x38800000u) {
        // Below the smallest normal half (2^-14): the result is a multiple of 2^-24.
        if (ax < 0x33000000u) return sign; // <= 2^-25 rounds (to even) to zero
        const uint32_t e = ax >> 23;       // 102..112
        const uint32_t m = (ax & 0x7fffffu) | 0x800000u;
        const uint32_t shift = 126 - e; // 14..24
        uint32_t q = m >> shift;
        const uint32_t rem = m & ((1u << shift) - 1);
        const uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1u))) ++q;
        return static_cast<uint16_t>(sign | q);
    }
    uint32_t h = (ax >> 13) - ((127u - 15u) << 10);
    const uint32_t rem = ax & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h; // a carry moves into the exponent
    return static_cast<uint16_t>(sign | h);
}

inline float bf16ToFp32(uint16_t b) {
    return floatFromBits(static_cast<uint32_t>(b) << 16);
}

inline uint16_t fp32ToBf16(float f) {
    const uint32_t x = floatBits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 64u); // quiet NaN
    return static_cast<uint16_t>((x + (0x7fffu + ((x >> 16) & 1u))) >> 16);
}

} // namespace hearth

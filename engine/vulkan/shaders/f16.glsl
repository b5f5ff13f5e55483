// F32 -> F16 with round-to-nearest-even, independent of the driver: packHalf2x16's rounding
// is implementation-defined (some GPUs truncate), while ggml and the CPU backend round to
// nearest even. f16_round returns the F16 value as a float; f16_pack packs two such values
// (exactly representable, so packHalf2x16 cannot round them differently).
float f16_round(float v) {
    const float a = abs(v);
    if (isnan(v) || isinf(v)) return v;
    if (a >= 65520.0) return sign(v) * uintBitsToFloat(0x7F800000u); // rounds up to infinity
    if (a < 6.103515625e-05) {
        // F16 subnormals are multiples of 2^-24; scaling by a power of two is exact.
        return sign(v) * (roundEven(a * 16777216.0) * 5.9604644775390625e-08);
    }
    const uint u = floatBitsToUint(a);
    const uint r = (u + 0x0FFFu + ((u >> 13) & 1u)) & ~0x1FFFu;
    return sign(v) * uintBitsToFloat(r);
}
uint f16_pack(float lo, float hi) { return packHalf2x16(vec2(f16_round(lo), f16_round(hi))); }

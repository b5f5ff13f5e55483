#version 450
#extension GL_GOOGLE_include_directive : require
// Rounds F32 activations to the values a ggml vecDotType can hold, writing F32 again, so that
// matrix products match the reference (which quantizes activations before its dot products):
//   mode 0: Q8_0/Q8_1 as ggml's x86 CPU backend quantizes them (blocks of 32, d = amax / 127
//           kept as F16, q = round-half-even(x * (127 / amax)))
//   mode 1: Q8_K (blocks of 256, d = max / -127 kept as F32, q rounded to nearest even)
//   mode 2: F16, mode 3: BF16 (round to nearest even)
layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer X { float x_data[]; };
layout(binding = 1) writeonly buffer Y { float y_data[]; };
layout(push_constant) uniform Params {
    uint rows;
    uint n;
    uint xOffset;
    uint xStride;
    uint yOffset;
    uint yStride;
    uint mode;
    uint groupsX;
    uint sumsOffset;  // mode 0: where to write each block's F16-rounded d * sum(q), or ~0u
    uint scalesOffset;  // modes 0/1: ~0u writes q * d; else y gets the integer levels q (as
                        // floats) and each block's d goes here, [row][n / block]
} p;

#include "exact.glsl"
#include "f16.glsl"

void main() {
    const uint i = (gl_WorkGroupID.y * p.groupsX + gl_WorkGroupID.x) * 64u + gl_LocalInvocationID.x;
    if (p.mode >= 2u) {
        if (i >= p.rows * p.n) return;
        const uint r = i / p.n, c = i % p.n;
        const float v = x_data[p.xOffset + r * p.xStride + c];
        float o;
        if (p.mode == 2u) {
            o = f16_round(v);
        } else {
            const uint u = floatBitsToUint(v);
            o = uintBitsToFloat(((u + (0x7FFFu + ((u >> 16) & 1u))) >> 16) << 16);
        }
        y_data[p.yOffset + r * p.yStride + c] = o;
        return;
    }
    const uint bs = p.mode == 0u ? 32u : 256u;
    const uint blocks = p.n / bs;
    if (i >= p.rows * blocks) return;
    const uint r = i / blocks, b = i % blocks;
    const uint xb = p.xOffset + r * p.xStride + b * bs;
    const uint yb = p.yOffset + r * p.yStride + b * bs;
    const bool levels = p.scalesOffset != 0xFFFFFFFFu;
    const uint si = p.scalesOffset + r * blocks + b;
    float amax = 0.0, maxv = 0.0;
    for (uint k = 0u; k < bs; ++k) {
        const float v = x_data[xb + k];
        if (abs(v) > amax) {
            amax = abs(v);
            maxv = v;
        }
    }
    if (p.mode == 0u) {
        const float d = div_rn(amax, 127.0);
        const float id = amax != 0.0 ? div_rn(127.0, amax) : 0.0;
        const float dh = f16_round(d);
        float qsum = 0.0;
        for (uint k = 0u; k < bs; ++k) {
            const float q = roundEven(x_data[xb + k] * id);
            qsum += q;
            y_data[yb + k] = levels ? q : q * dh;
        }
        if (levels) y_data[si] = dh;
        if (p.sumsOffset != 0xFFFFFFFFu)  // Q8_1's s: F16 of d * sum, with d not rounded
            y_data[p.sumsOffset + r * blocks + b] = f16_round(d * qsum);
    } else {
        if (amax == 0.0) {
            for (uint k = 0u; k < bs; ++k) y_data[yb + k] = 0.0;
            if (levels) y_data[si] = 0.0;
            return;
        }
        const float iscale = div_rn(-127.0, maxv);
        const float d = div_rn(1.0, iscale);
        for (uint k = 0u; k < bs; ++k) {
            const float q = min(127.0, roundEven(iscale * x_data[xb + k]));
            y_data[yb + k] = levels ? q : q * d;
        }
        if (levels) y_data[si] = d;
    }
}

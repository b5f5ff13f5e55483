#version 450
// Rounds F32 activations to the values a ggml vecDotType can hold, writing F32 again, so that
// matrix products match the reference (which quantizes activations before its dot products):
//   mode 0: Q8_0/Q8_1 (blocks of 32, q = round(x / d), d = amax / 127 kept as F16)
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
} p;

float round_away(float v) { return sign(v) * floor(abs(v) + 0.5); }

void main() {
    const uint i = (gl_WorkGroupID.y * p.groupsX + gl_WorkGroupID.x) * 64u + gl_LocalInvocationID.x;
    if (p.mode >= 2u) {
        if (i >= p.rows * p.n) return;
        const uint r = i / p.n, c = i % p.n;
        const float v = x_data[p.xOffset + r * p.xStride + c];
        float o;
        if (p.mode == 2u) {
            o = unpackHalf2x16(packHalf2x16(vec2(v, 0.0))).x;
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
    float amax = 0.0, maxv = 0.0;
    for (uint k = 0u; k < bs; ++k) {
        const float v = x_data[xb + k];
        if (abs(v) > amax) {
            amax = abs(v);
            maxv = v;
        }
    }
    if (p.mode == 0u) {
        const float d = amax / 127.0;
        const float id = d != 0.0 ? 1.0 / d : 0.0;
        const float dh = unpackHalf2x16(packHalf2x16(vec2(d, 0.0))).x;
        float qsum = 0.0;
        for (uint k = 0u; k < bs; ++k) {
            const float q = round_away(x_data[xb + k] * id);
            qsum += q;
            y_data[yb + k] = q * dh;
        }
        if (p.sumsOffset != 0xFFFFFFFFu)  // Q8_1's s: F16 of d * sum, with d not rounded
            y_data[p.sumsOffset + r * blocks + b] = unpackHalf2x16(packHalf2x16(vec2(d * qsum, 0.0))).x;
    } else {
        if (amax == 0.0) {
            for (uint k = 0u; k < bs; ++k) y_data[yb + k] = 0.0;
            return;
        }
        const float iscale = -127.0 / maxv;
        const float d = 1.0 / iscale;
        for (uint k = 0u; k < bs; ++k)
            y_data[yb + k] = min(127.0, roundEven(iscale * x_data[xb + k])) * d;
    }
}

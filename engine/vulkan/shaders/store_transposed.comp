#version 450
#extension GL_GOOGLE_include_directive : require
// Writes src rows [nTok][nCh] (F32) transposed into dst: dst[c][pos0 + t] = src[t][c], with
// dst F32 or F16 (DST_F16). This is the V cache layout (one row per channel over positions).
// F16 elements are packed two per word; each thread owns whole words and keeps the half that
// lies outside [pos0, pos0 + nTok), so no two threads write the same word (dstRowStride even).
layout(local_size_x = 64) in;
layout(binding = 0) readonly buffer S { float src[]; };
layout(binding = 1) buffer D { uint dst[]; };
layout(push_constant) uniform Params {
    uint nTok;
    uint nCh;
    uint srcOffset;
    uint srcStride;
    uint dstOffset;     // elements
    uint dstRowStride;  // elements between channels
    uint pos0;
} p;
#include "f16.glsl"

void main() {
    const uint c = gl_WorkGroupID.y;
    if (c >= p.nCh) return;
    const uint rowStart = p.dstOffset + c * p.dstRowStride;
#ifdef DST_F16
    const uint first = (rowStart + p.pos0) >> 1;
    const uint last = (rowStart + p.pos0 + p.nTok - 1u) >> 1;
    const uint w = first + gl_WorkGroupID.x * 64u + gl_LocalInvocationID.x;
    if (w > last) return;
    vec2 h = unpackHalf2x16(dst[w]);
    for (uint k = 0u; k < 2u; ++k) {
        const uint e = 2u * w + k;
        if (e < rowStart + p.pos0 || e >= rowStart + p.pos0 + p.nTok) continue;
        const float v = src[p.srcOffset + (e - rowStart - p.pos0) * p.srcStride + c];
        if (k == 0u) h.x = v; else h.y = v;
    }
    dst[w] = f16_pack(h.x, h.y);
#else
    const uint t = gl_WorkGroupID.x * 64u + gl_LocalInvocationID.x;
    if (t >= p.nTok) return;
    dst[rowStart + p.pos0 + t] = floatBitsToUint(src[p.srcOffset + t * p.srcStride + c]);
#endif
}

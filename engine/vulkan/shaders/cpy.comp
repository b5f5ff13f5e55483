#version 450
#extension GL_GOOGLE_include_directive : require
// Copy/convert rows: y[r][c] = x[r][c] between F32 and F16 (SRC_F16 / DST_F16). F16 data is
// addressed in 32-bit words, so a thread handles a pair of elements: n, offsets and strides
// on the F16 side must be even.
layout(local_size_x = 256) in;
layout(binding = 0) readonly buffer X { uint x_data[]; };
layout(binding = 1) buffer Y { uint y_data[]; };
layout(push_constant) uniform Params {
    uint rows;
    uint n;  // elements per row
    uint xOffset;
    uint xStride;
    uint yOffset;
    uint yStride;
    uint groupsX;
} p;
#include "f16.glsl"

float load(uint e) {
#ifdef SRC_F16
    const vec2 h = unpackHalf2x16(x_data[e >> 1]);
    return (e & 1u) != 0u ? h.y : h.x;  // a select: the other half may be inf or NaN
#else
    return uintBitsToFloat(x_data[e]);
#endif
}

void main() {
    const uint pairs = (p.n + 1u) / 2u;
    const uint i = (gl_WorkGroupID.y * p.groupsX + gl_WorkGroupID.x) * 256u + gl_LocalInvocationID.x;
    if (i >= p.rows * pairs) return;
    const uint r = i / pairs, c = (i % pairs) * 2u;
    const uint xe = p.xOffset + r * p.xStride + c;
    const uint ye = p.yOffset + r * p.yStride + c;
#ifdef DST_F16
    y_data[ye >> 1] = f16_pack(load(xe), load(xe + 1u));
#else
    y_data[ye] = floatBitsToUint(load(xe));
    if (c + 1u < p.n) y_data[ye + 1u] = floatBitsToUint(load(xe + 1u));
#endif
}

#version 450
// Row softmax of x * scale (numerically stable: the row maximum is subtracted first).
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
    float scale;
} p;
shared float s_red[64];
#extension GL_GOOGLE_include_directive : require
#include "exact.glsl"

float group_reduce(float v, bool isMax) {
    const uint t = gl_LocalInvocationID.x;
    s_red[t] = v;
    barrier();
    for (uint s = 32u; s > 0u; s >>= 1) {
        if (t < s) s_red[t] = isMax ? max(s_red[t], s_red[t + s]) : s_red[t] + s_red[t + s];
        barrier();
    }
    const float r = s_red[0];
    barrier();
    return r;
}

void main() {
    const uint row = gl_WorkGroupID.x;
    if (row >= p.rows) return;
    const uint t = gl_LocalInvocationID.x;
    const uint xb = p.xOffset + row * p.xStride;
    const uint yb = p.yOffset + row * p.yStride;
    float m = -3.402823e38;
    for (uint i = t; i < p.n; i += 64u) m = max(m, x_data[xb + i] * p.scale);
    m = group_reduce(m, true);
    float sum = 0.0;
    for (uint i = t; i < p.n; i += 64u) sum += exp_rn(x_data[xb + i] * p.scale - m);
    sum = group_reduce(sum, false);
    const float inv = div_rn(1.0, sum);
    for (uint i = t; i < p.n; i += 64u) y_data[yb + i] = exp_rn(x_data[xb + i] * p.scale - m) * inv;
}

#version 450
// Per-row normalization: RMS (x / sqrt(mean(x^2) + eps)) or, with LAYER_NORM,
// (x - mean) / sqrt(var + eps). Weights and biases are applied by the binary ops.
#extension GL_GOOGLE_include_directive : require
#define WG_SIZE 64u
#define NC 2u
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
    float eps;
} p;
#include "reduce.glsl"

void main() {
    const uint row = gl_WorkGroupID.x;
    if (row >= p.rows) return;
    const uint t = gl_LocalInvocationID.x;
    const uint xb = p.xOffset + row * p.xStride;
    float acc[NC];
    acc[0] = 0.0;
    acc[1] = 0.0;
    for (uint i = t; i < p.n; i += WG_SIZE) {
        const float v = x_data[xb + i];
        acc[0] += v;
        acc[1] += v * v;
    }
    reduce_columns(acc);
    const float fn = float(p.n);
#ifdef LAYER_NORM
    const float mean = acc[0] / fn;
    const float var = max(acc[1] / fn - mean * mean, 0.0);
#else
    const float mean = 0.0;
    const float var = acc[1] / fn;
#endif
    const float inv = 1.0 / sqrt(var + p.eps);
    const uint yb = p.yOffset + row * p.yStride;
    for (uint i = t; i < p.n; i += WG_SIZE) y_data[yb + i] = (x_data[xb + i] - mean) * inv;
}

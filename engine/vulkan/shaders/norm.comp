#version 450
// Per-row normalization: RMS (x / sqrt(mean(x^2) + eps)) or, with LAYER_NORM,
// (x - mean) / sqrt(var + eps). Weights and biases are applied by the binary ops.
// Computed as the CPU backend (and ggml) computes it: squares rounded to float and summed in
// double (USE_F64, where the device has shaderFloat64; else in float), the mean rounded to
// float, and a correctly rounded 1 / sqrt.
#extension GL_GOOGLE_include_directive : require
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
#include "exact.glsl"

#ifdef USE_F64
#define ACC double
float mean_of(double s, uint n) { return float(s / double(n)); }
#else
#define ACC float
float mean_of(float s, uint n) { return div_rn(s, float(n)); }
#endif

shared ACC red[64];

ACC group_sum(ACC v) {
    const uint t = gl_LocalInvocationID.x;
    red[t] = v;
    barrier();
    for (uint s = 32u; s > 0u; s >>= 1) {
        if (t < s) red[t] += red[t + s];
        barrier();
    }
    const ACC r = red[0];
    barrier();
    return r;
}

void main() {
    const uint row = gl_WorkGroupID.x;
    if (row >= p.rows) return;
    const uint t = gl_LocalInvocationID.x;
    const uint xb = p.xOffset + row * p.xStride;
#ifdef LAYER_NORM
    ACC s = ACC(0.0);
    for (uint i = t; i < p.n; i += 64u) s += ACC(x_data[xb + i]);
    const float mean = mean_of(group_sum(s), p.n);
#else
    const float mean = 0.0;
#endif
    ACC v = ACC(0.0);
    for (uint i = t; i < p.n; i += 64u) {
        precise float d = x_data[xb + i] - mean;
        precise float d2 = d * d;
        v += ACC(d2);
    }
    const float var = mean_of(group_sum(v), p.n);
    const float inv = div_rn(1.0, sqrt_rn(var + p.eps));
    const uint yb = p.yOffset + row * p.yStride;
    for (uint i = t; i < p.n; i += 64u) {
        precise float d = x_data[xb + i] - mean;
        precise float y = d * inv;
        y_data[yb + i] = y;
    }
}

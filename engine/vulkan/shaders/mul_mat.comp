#version 450
// y[col][row] = sum_k W[row][k] * x[col][k]: weights of any ggml type dequantized on the fly,
// activations and results F32. One work group computes one weight row for up to NC columns
// (NC = 1 is the matrix-vector case used while decoding).
#extension GL_GOOGLE_include_directive : require
#ifdef USE_SUBGROUP
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#define WG_SIZE 64u
#define NC 8u
layout(local_size_x = 64) in;

layout(binding = 0) readonly buffer W { uint w_data[]; };
layout(binding = 1) readonly buffer X { float x_data[]; };
layout(binding = 2) buffer Y { float y_data[]; };

layout(push_constant) uniform Params {
    uint rows;       // weight rows in this dispatch
    uint K;          // elements per row
    uint cols;       // activation columns
    uint rowBytes;
    uint wOffset;    // byte offset of row 0 inside binding 0
    uint xOffset;    // element offset of column 0
    uint xStride;    // elements between columns of x
    uint yOffset;    // element offset of (column 0, row 0) in y
    uint yStride;    // elements between columns of y
    uint groupsX;    // work groups along x (rows are spread over x and y)
    uint accumulate; // 1: y += result
    uint sumsOffset; // Q4_1/Q5_1: element offset in x of per-block activation sums, or ~0u
} p;

#include "bytes.glsl"
#include "dequant.glsl"
#include "reduce.glsl"

void main() {
    const uint row = gl_WorkGroupID.y * p.groupsX + gl_WorkGroupID.x;
    const uint col0 = gl_WorkGroupID.z * NC;
    const uint t = gl_LocalInvocationID.x;
    // Uniform per work group, so the barriers inside reduce_columns stay in uniform flow.
    if (row >= p.rows) return;
    const uint ncols = min(NC, p.cols - col0);
    const uint rowOff = p.wOffset + row * p.rowBytes;
    float acc[NC];
    for (uint c = 0u; c < NC; ++c) acc[c] = 0.0;

#ifdef FLOAT_TYPE
    for (uint k = t; k < p.K; k += WG_SIZE) {
        const float w = dequant1(rowOff, k);
        for (uint c = 0u; c < ncols; ++c)
            acc[c] += w * x_data[p.xOffset + (col0 + c) * p.xStride + k];
    }
#else
    const uint nsub = p.K / 32u;
    for (uint s = t; s < nsub; s += WG_SIZE) {
        float v[32];
        const uint blk = s / SUBS_PER_BLOCK;
#ifdef HAS_BLOCK_MIN
        float m;
        dequant32_scaled(rowOff + blk * BLOCK_BYTES, v, m);
#else
        dequant32(rowOff + blk * BLOCK_BYTES, s % SUBS_PER_BLOCK, v);
#endif
        for (uint c = 0u; c < ncols; ++c) {
            const uint xb = p.xOffset + (col0 + c) * p.xStride + s * 32u;
            float sum = 0.0;
            for (uint i = 0u; i < 32u; ++i) sum += v[i] * x_data[xb + i];
#ifdef HAS_BLOCK_MIN
            float xs;
            if (p.sumsOffset != 0xFFFFFFFFu) {
                xs = x_data[p.sumsOffset + (col0 + c) * nsub + s];
            } else {
                xs = 0.0;
                for (uint i = 0u; i < 32u; ++i) xs += x_data[xb + i];
            }
            sum += m * xs;
#endif
            acc[c] += sum;
        }
    }
#endif
    reduce_columns(acc);
    if (t < ncols) {
        float r = acc[0];
        for (uint c = 1u; c < NC; ++c)
            if (c == t) r = acc[c];
        const uint yi = p.yOffset + (col0 + t) * p.yStride + row;
        y_data[yi] = p.accumulate != 0u ? y_data[yi] + r : r;
    }
}

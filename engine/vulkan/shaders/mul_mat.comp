#version 450
// y[col][row] = sum_k W[row][k] * x[col][k]: weights of any ggml type dequantized on the fly,
// activations and results F32. One work group computes one weight row for up to NC columns
// (NC = 1 is the matrix-vector case used while decoding).
// Quantized weights take activations in one of two forms: plain F32 (weights decoded to float),
// or, when scalesOffset is set, integer levels with per-block scales as ggml's vecDotType holds
// them: then every block's dot product is an exact integer sum scaled once, as in ggml.
#extension GL_GOOGLE_include_directive : require
#ifdef USE_SUBGROUP
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#define WG_SIZE 64u
#define NC 8u
layout(local_size_x = 64) in;

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
    uint scalesOffset; // quantized x (integer levels, see act_quant.comp): element offset in x
                       // of its per-block scales [col][K / block]; ~0u: x is plain F32
} p;

#include "bytes.glsl"
#include "dequant.glsl"
#include "reduce.glsl"
#include "exact.glsl"
#ifndef FLOAT_TYPE
#include "levels.glsl"
#endif

#ifndef FLOAT_TYPE
int xq(uint i) { return int(x_data[i]); }

shared float lane_acc[NC][8];

// Returns row . x[col0 + cc] (valid in the thread with lane 0) over integer activations, in
// the float order of ggml's x86 kernels that the CPU backend reproduces: each block's integer
// products go to 8 lanes (lane l: elements 4l..4l+3 of every 32), every lane accumulates
// fma(d_w * d_a, lane sum) over the blocks in order, the lanes are added pairwise as hsum does
// and then the scalar term (block minimums, level offsets) summed block by block. 64 threads =
// 8 columns x 8 lanes; every thread must call it (barrier inside).
float int_dot(uint rowOff, uint ncols, uint col0) {
    const uint t = gl_LocalInvocationID.x;
    const uint lane = t & 7u, cc = t >> 3;
    const uint nblk = p.K / BLOCK_ELEMS;
    precise float acc = 0.0;
    precise float extra = 0.0;
    if (cc < ncols) {
        const uint xrow = p.xOffset + (col0 + cc) * p.xStride;
        for (uint blk = 0u; blk < nblk; ++blk) {
            const uint b = rowOff + blk * BLOCK_BYTES;
            const float da = x_data[p.scalesOffset + (col0 + cc) * nblk + blk];
            int lsum = 0;
#ifndef SUPER_BLOCK
            int q[32];
            float dw, mw;
            levels_block(b, q, dw, mw);
            const uint xb = xrow + blk * 32u;
            for (uint i = 4u * lane; i < 4u * lane + 4u; ++i) lsum += q[i] * xq(xb + i);
            precise float dd = dw * da;
            acc = fma_rn(dd, float(lsum), acc);
#ifdef HAS_BLOCK_MIN
            if (lane == 0u) {
                precise float ms = mw * x_data[p.sumsOffset + (col0 + cc) * nblk + blk];
                extra += ms;
            }
#endif
#else
            int offset = 0, summs = 0;  // sums over 16-element groups of scale x bsum
#if defined(TYPE_Q3_K)
            const int shift = 4;   // the x86 kernels keep levels 0..7 ...
#elif defined(TYPE_Q6_K)
            const int shift = 32;  // ... and 0..63, and subtract the offset via bsums
#else
            const int shift = 0;
#endif
            for (uint sub = 0u; sub < 8u; ++sub) {
                int q[32];
                int sc0, sc1, m0, m1;
                levels_sub(b, sub, q, sc0, sc1, m0, m1);
                const uint xb = xrow + blk * 256u + sub * 32u;
                const int sc = lane < 4u ? sc0 : sc1;
                for (uint i = 4u * lane; i < 4u * lane + 4u; ++i)
                    lsum += sc * (q[i] + shift) * xq(xb + i);
                if (lane == 0u) {
                    int b0 = 0, b1 = 0;
                    for (uint i = 0u; i < 16u; ++i) {
                        b0 += xq(xb + i);
                        b1 += xq(xb + 16u + i);
                    }
                    offset += sc0 * b0 + sc1 * b1;
                    summs += m0 * b0 + m1 * b1;
                }
            }
            float dw, dminw;
            superblock_scales(b, dw, dminw);
            precise float dd = dw * da;
            acc = fma_rn(dd, float(lsum), acc);
            if (lane == 0u) {
#if defined(TYPE_Q3_K) || defined(TYPE_Q6_K)
                precise float e = dd * float(shift * offset);
                extra -= e;
#elif defined(TYPE_Q2_K) || defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
                precise float dm = dminw * da;
                precise float e = dm * float(summs);
                extra -= e;
#endif
            }
#endif
        }
        lane_acc[cc][lane] = acc;
    }
    barrier();
    float r = 0.0;
    if (cc < ncols && lane == 0u) {
        precise float s0 = lane_acc[cc][0] + lane_acc[cc][4];
        precise float s1 = lane_acc[cc][1] + lane_acc[cc][5];
        precise float s2 = lane_acc[cc][2] + lane_acc[cc][6];
        precise float s3 = lane_acc[cc][3] + lane_acc[cc][7];
        precise float h = (s0 + s2) + (s1 + s3);
        r = h + extra;
    }
    return r;
}
#endif

#ifndef FLOAT_TYPE
// acc[c] += this thread's share of row . x[col0 + c] with the weights decoded to float (plain
// F32 activations).
void float_dot(uint rowOff, uint ncols, uint col0, inout float acc[NC]) {
    const uint t = gl_LocalInvocationID.x;
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
}
#endif

#ifdef FLOAT_TYPE
shared float float_acc[2][32];

// y[col][row] = row . x[col] for the float weight types, in the CPU backend's float order
// (vecDotFloat in its x86 kernels): 4 accumulators of 8 lanes over 32-element steps, then the
// 8-element steps in the first accumulator, the accumulators added pairwise and the lanes as
// hsum does, then the remaining elements one by one; every product added with one rounding.
// 32 threads per column, two columns at a time; every thread must call it.
void float_lanes_dot(uint row, uint rowOff, uint ncols, uint col0) {
    const uint t = gl_LocalInvocationID.x;
    const uint half_ = t >> 5, j = t & 31u;
    const uint n32 = p.K / 32u * 32u, n8 = p.K / 8u * 8u;
    for (uint cbase = 0u; cbase < ncols; cbase += 2u) {
        const uint c = cbase + half_;
        const uint xb = p.xOffset + (col0 + c) * p.xStride;
        float acc = 0.0;
        if (c < ncols) {
            for (uint i = j; i < n32; i += 32u)
                acc = fma_rn(dequant1(rowOff, i), x_data[xb + i], acc);
            if (j < 8u)
                for (uint i = n32 + j; i < n8; i += 8u)
                    acc = fma_rn(dequant1(rowOff, i), x_data[xb + i], acc);
        }
        float_acc[half_][j] = acc;
        barrier();
        if (j == 0u && c < ncols) {
            float v[8];
            for (uint l = 0u; l < 8u; ++l) {
                precise float a01 = float_acc[half_][l] + float_acc[half_][8u + l];
                precise float a23 = float_acc[half_][16u + l] + float_acc[half_][24u + l];
                precise float vl = a01 + a23;
                v[l] = vl;
            }
            precise float s0 = v[0] + v[4];
            precise float s1 = v[1] + v[5];
            precise float s2 = v[2] + v[6];
            precise float s3 = v[3] + v[7];
            precise float sum = (s0 + s2) + (s1 + s3);
            for (uint i = n8; i < p.K; ++i) sum = fma_rn(dequant1(rowOff, i), x_data[xb + i], sum);
            const uint yi = p.yOffset + (col0 + c) * p.yStride + row;
            y_data[yi] = p.accumulate != 0u ? y_data[yi] + sum : sum;
        }
        barrier();
    }
}
#endif

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
    float_lanes_dot(row, rowOff, ncols, col0);
    return;
#else
    if (p.scalesOffset != 0xFFFFFFFFu) {
        // Uniform (a push constant): int_dot's barrier stays in uniform control flow.
        const float r = int_dot(rowOff, ncols, col0);
        const uint cc = t >> 3;
        if ((t & 7u) == 0u && cc < ncols) {
            const uint yi = p.yOffset + (col0 + cc) * p.yStride + row;
            y_data[yi] = p.accumulate != 0u ? y_data[yi] + r : r;
        }
        return;
    }
    float_dot(rowOff, ncols, col0, acc);
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

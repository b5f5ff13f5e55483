#version 450
#extension GL_GOOGLE_include_directive : require
// Causal multi-head attention for a batch of tokens over a device KV cache:
//   out[tok][head] = softmax(scale * q . K[0..pos0+tok]) V
// K element (pos, c) is at kOffset + pos * kPosStride + c, V element at vOffset + pos * vPosStride
// + c * vChanStride (c = kvHead * headDim + dim), in F32 or F16 (KV_F16; then q and the
// probabilities are rounded to F16 before their products, as ggml does). Grouped-query attention:
// head h reads kvHead h / (nHead / nKvHead). One work group per (head, token). The softmax is
// computed as the CPU backend and ggml compute it, not online: the maximum over all scores, the
// sum of their exponentials, then the normalized probabilities (rounded to F16 with an F16
// cache) dotted with V. Scores are recomputed in each of the three passes, so any context length
// works without scratch memory.
layout(local_size_x = 64) in;
#define MAX_HD 256u
layout(binding = 0) readonly buffer Q { float q_data[]; };
layout(binding = 1) readonly buffer K { uint k_data[]; };
layout(binding = 2) readonly buffer V { uint v_data[]; };
layout(binding = 3) writeonly buffer O { float o_data[]; };
layout(push_constant) uniform Params {
    uint nTok;
    uint nHead;
    uint nKvHead;
    uint headDim;
    uint qOffset;
    uint qTokStride;
    uint kOffset;     // elements
    uint kPosStride;
    uint vOffset;
    uint vPosStride;
    uint vChanStride;
    uint oOffset;
    uint oTokStride;
    uint pos0;        // cache position of token 0; token t sees keys [0, pos0 + t]
    float scale;
} p;

shared float s_q[MAX_HD];
shared float s_p[64];
shared float s_red[64];

float kv_load_k(uint e) {
#ifdef KV_F16
    const vec2 h = unpackHalf2x16(k_data[e >> 1]);
    return (e & 1u) != 0u ? h.y : h.x;
#else
    return uintBitsToFloat(k_data[e]);
#endif
}
float kv_load_v(uint e) {
#ifdef KV_F16
    const vec2 h = unpackHalf2x16(v_data[e >> 1]);
    return (e & 1u) != 0u ? h.y : h.x;
#else
    return uintBitsToFloat(v_data[e]);
#endif
}

#include "exact.glsl"
#include "f16.glsl"

float kv_round(float x) {
#ifdef KV_F16
    return f16_round(x);
#else
    return x;
#endif
}

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

float score(uint j, uint kvHead) {
    const uint kb = p.kOffset + j * p.kPosStride + kvHead * p.headDim;
    float dot_ = 0.0;
    for (uint d = 0u; d < p.headDim; ++d) dot_ += s_q[d] * kv_load_k(kb + d);
    return dot_ * p.scale;
}

void main() {
    const uint head = gl_WorkGroupID.x, tok = gl_WorkGroupID.y;
    if (head >= p.nHead || tok >= p.nTok) return;
    const uint t = gl_LocalInvocationID.x;
    const uint hd = p.headDim;
    const uint kvHead = head / (p.nHead / p.nKvHead);
    const uint qb = p.qOffset + tok * p.qTokStride + head * hd;
    for (uint d = t; d < hd; d += 64u) s_q[d] = kv_round(q_data[qb + d]);
    barrier();

    const uint nKeys = p.pos0 + tok + 1u;
    float m = -3.402823e38;
    for (uint j = t; j < nKeys; j += 64u) m = max(m, score(j, kvHead));
    m = group_reduce(m, true);
    float l = 0.0;
    for (uint j = t; j < nKeys; j += 64u) l += exp_rn(score(j, kvHead) - m);
    const float inv = div_rn(1.0, group_reduce(l, false));

    float acc[MAX_HD / 64u];
    for (uint i = 0u; i < MAX_HD / 64u; ++i) acc[i] = 0.0;
    for (uint base = 0u; base < nKeys; base += 64u) {
        const uint j = base + t;
        s_p[t] = j < nKeys ? kv_round(exp_rn(score(j, kvHead) - m) * inv) : 0.0;
        barrier();
        const uint tileKeys = min(64u, nKeys - base);
        for (uint i = 0u; i < MAX_HD / 64u; ++i) {
            const uint d = t + i * 64u;
            if (d >= hd) break;
            float a = acc[i];
            const uint vb = p.vOffset + (kvHead * hd + d) * p.vChanStride;
            for (uint jj = 0u; jj < tileKeys; ++jj)
                a += s_p[jj] * kv_load_v(vb + (base + jj) * p.vPosStride);
            acc[i] = a;
        }
        barrier();  // s_p is rewritten by the next tile
    }
    const uint ob = p.oOffset + tok * p.oTokStride + head * hd;
    for (uint i = 0u; i < MAX_HD / 64u; ++i) {
        const uint d = t + i * 64u;
        if (d < hd) o_data[ob + d] = acc[i];
    }
}

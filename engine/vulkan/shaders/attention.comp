#version 450
// Causal multi-head attention for a batch of tokens over a device KV cache:
//   out[tok][head] = softmax(scale * q . K[0..pos0+tok]) V
// K element (pos, c) is at kOffset + pos * kPosStride + c, V element at vOffset + pos * vPosStride
// + c * vChanStride (c = kvHead * headDim + dim), in F32 or F16 (KV_F16; then q and the
// probabilities are rounded to F16 before their products, as ggml does). Grouped-query attention:
// head h reads kvHead h / (nHead / nKvHead). One work group per (head, token); keys are
// processed in tiles of 64 with an online (running max) softmax, so any context length works.
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

float kv_round(float x) {
#ifdef KV_F16
    return unpackHalf2x16(packHalf2x16(vec2(x, 0.0))).x;
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
    float m = -3.402823e38;  // running maximum
    float l = 0.0;           // running sum of exp
    float acc[MAX_HD / 64u];
    for (uint i = 0u; i < MAX_HD / 64u; ++i) acc[i] = 0.0;

    for (uint base = 0u; base < nKeys; base += 64u) {
        const uint j = base + t;
        float s = -3.402823e38;
        if (j < nKeys) {
            const uint kb = p.kOffset + j * p.kPosStride + kvHead * hd;
            float dot_ = 0.0;
            for (uint d = 0u; d < hd; ++d) dot_ += s_q[d] * kv_load_k(kb + d);
            s = dot_ * p.scale;
        }
        const float tileMax = group_reduce(s, true);
        const float mNew = max(m, tileMax);
        const float pj = j < nKeys ? exp(s - mNew) : 0.0;
        s_p[t] = kv_round(pj);
        const float tileSum = group_reduce(pj, false);  // its barriers also publish s_p
        const float alpha = exp(m - mNew);
        l = l * alpha + tileSum;
        m = mNew;
        const uint tileKeys = min(64u, nKeys - base);
        for (uint i = 0u; i < MAX_HD / 64u; ++i) {
            const uint d = t + i * 64u;
            if (d >= hd) break;
            float a = acc[i] * alpha;
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
        if (d < hd) o_data[ob + d] = acc[i] / l;
    }
}

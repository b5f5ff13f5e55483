// On-the-fly dequantization for one ggml type, chosen by a TYPE_* define. Quantized types
// decode 32 elements at a time (one sub-block): dequant32(blockByteOffset, sub, v) with
// sub in [0, SUBS_PER_BLOCK). Float types decode one element: dequant1(rowByteOffset, k).
// Layouts follow ggml's block structs (ggml-common.h).

#if defined(TYPE_F32) || defined(TYPE_F16) || defined(TYPE_BF16)
#define FLOAT_TYPE 1
#if defined(TYPE_F32)
float dequant1(uint rowOff, uint k) { return uintBitsToFloat(w_data[(rowOff >> 2) + k]); }
#elif defined(TYPE_F16)
float dequant1(uint rowOff, uint k) { return w_f16(rowOff + 2u * k); }
#else
float dequant1(uint rowOff, uint k) { return uintBitsToFloat(w_u16(rowOff + 2u * k) << 16); }
#endif

#else  // quantized types
#if defined(TYPE_Q4_0) || defined(TYPE_Q4_1) || defined(TYPE_Q5_0) || defined(TYPE_Q5_1) ||     \
    defined(TYPE_Q8_0) || defined(TYPE_IQ4_NL)
#define BLOCK_ELEMS 32u
#define SUBS_PER_BLOCK 1u
#else
#define BLOCK_ELEMS 256u
#define SUBS_PER_BLOCK 8u
#define SUPER_BLOCK 1
#endif

#if defined(TYPE_Q4_0) || defined(TYPE_IQ4_NL)
#define BLOCK_BYTES 18u
#elif defined(TYPE_Q4_1)
#define BLOCK_BYTES 20u
#elif defined(TYPE_Q5_0)
#define BLOCK_BYTES 22u
#elif defined(TYPE_Q5_1)
#define BLOCK_BYTES 24u
#elif defined(TYPE_Q8_0)
#define BLOCK_BYTES 34u
#elif defined(TYPE_Q2_K)
#define BLOCK_BYTES 84u
#elif defined(TYPE_Q3_K)
#define BLOCK_BYTES 110u
#elif defined(TYPE_Q4_K)
#define BLOCK_BYTES 144u
#elif defined(TYPE_Q5_K)
#define BLOCK_BYTES 176u
#elif defined(TYPE_Q6_K)
#define BLOCK_BYTES 210u
#elif defined(TYPE_IQ4_XS)
#define BLOCK_BYTES 136u
#endif

#if defined(TYPE_IQ4_NL) || defined(TYPE_IQ4_XS)
const float kIq4nl[16] = float[16](-127.0, -104.0, -83.0, -65.0, -49.0, -35.0, -22.0, -10.0, 1.0,
                                   13.0, 25.0, 38.0, 53.0, 69.0, 89.0, 113.0);
#endif

#if defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
// ggml's get_scale_min_k4: 6-bit scale and min number j from the 12 packed bytes at `s`.
void scale_min_k4(uint j, uint s, out float sc, out float mn) {
    if (j < 4u) {
        sc = float(w_u8(s + j) & 63u);
        mn = float(w_u8(s + j + 4u) & 63u);
    } else {
        sc = float((w_u8(s + j + 4u) & 0xFu) | ((w_u8(s + j - 4u) >> 6) << 4));
        mn = float((w_u8(s + j + 4u) >> 4) | ((w_u8(s + j) >> 6) << 4));
    }
}
#endif

#if defined(TYPE_Q4_1) || defined(TYPE_Q5_1)
// Types with a block minimum: v = q * d, and m separately, so products can use the reference's
// rounded block sums of the activations (Q8_1's s) for the m term.
#define HAS_BLOCK_MIN 1
void dequant32_scaled(uint b, out float v[32], out float m) {
    const float d = w_f16(b);
    m = w_f16(b + 2u);
#if defined(TYPE_Q4_1)
    for (uint i = 0u; i < 16u; ++i) {
        const uint q = w_u8(b + 4u + i);
        v[i] = float(q & 15u) * d;
        v[i + 16u] = float(q >> 4) * d;
    }
#else
    const uint qh = w_u32(b + 4u);
    for (uint i = 0u; i < 16u; ++i) {
        const uint q = w_u8(b + 8u + i);
        const uint h0 = ((qh >> i) << 4) & 0x10u;
        const uint h1 = (qh >> (i + 12u)) & 0x10u;
        v[i] = float((q & 15u) | h0) * d;
        v[i + 16u] = float((q >> 4) | h1) * d;
    }
#endif
}
#endif

void dequant32(uint b, uint sub, out float v[32]) {
#if defined(TYPE_Q4_0)
    const float d = w_f16(b);
    for (uint i = 0u; i < 16u; ++i) {
        const uint q = w_u8(b + 2u + i);
        v[i] = (float(q & 15u) - 8.0) * d;
        v[i + 16u] = (float(q >> 4) - 8.0) * d;
    }
#elif defined(TYPE_Q4_1) || defined(TYPE_Q5_1)
    float m;
    dequant32_scaled(b, v, m);
    for (uint i = 0u; i < 32u; ++i) v[i] += m;
#elif defined(TYPE_Q5_0)
    const float d = w_f16(b);
    const uint qh = w_u32(b + 2u);
    for (uint i = 0u; i < 16u; ++i) {
        const uint q = w_u8(b + 6u + i);
        const uint h0 = ((qh >> i) << 4) & 0x10u;
        const uint h1 = (qh >> (i + 12u)) & 0x10u;
        v[i] = (float((q & 15u) | h0) - 16.0) * d;
        v[i + 16u] = (float((q >> 4) | h1) - 16.0) * d;
    }
#elif defined(TYPE_Q8_0)
    const float d = w_f16(b);
    for (uint i = 0u; i < 32u; ++i) v[i] = float(sext8(w_u8(b + 2u + i))) * d;
#elif defined(TYPE_IQ4_NL)
    const float d = w_f16(b);
    for (uint i = 0u; i < 16u; ++i) {
        const uint q = w_u8(b + 2u + i);
        v[i] = kIq4nl[q & 15u] * d;
        v[i + 16u] = kIq4nl[q >> 4] * d;
    }
#elif defined(TYPE_Q2_K)
    // scales[16] @0, qs[64] @16, d @80, dmin @82
    const float d = w_f16(b + 80u), dmin = w_f16(b + 82u);
    const uint half_ = sub >> 2, shift = 2u * (sub & 3u);
    const uint q = b + 16u + half_ * 32u;
    const uint is = half_ * 8u + (sub & 3u) * 2u;
    for (uint h = 0u; h < 2u; ++h) {
        const uint sc = w_u8(b + is + h);
        const float dl = d * float(sc & 15u), ml = dmin * float(sc >> 4);
        for (uint l = 0u; l < 16u; ++l)
            v[h * 16u + l] = dl * float((w_u8(q + h * 16u + l) >> shift) & 3u) - ml;
    }
#elif defined(TYPE_Q3_K)
    // hmask[32] @0, qs[64] @32, scales[12] @96, d @108
    const float d = w_f16(b + 108u);
    const uint half_ = sub >> 2, shift = 2u * (sub & 3u), m = 1u << sub;
    const uint q = b + 32u + half_ * 32u;
    for (uint h = 0u; h < 2u; ++h) {
        const uint is = 2u * sub + h;
        const uint low = is < 8u ? (w_u8(b + 96u + is) & 15u) : (w_u8(b + 96u + is - 8u) >> 4);
        const uint high = (w_u8(b + 96u + 8u + (is & 3u)) >> (2u * (is >> 2))) & 3u;
        const float dl = d * float(int(low | (high << 4)) - 32);
        for (uint l = 0u; l < 16u; ++l) {
            const int qv = int((w_u8(q + h * 16u + l) >> shift) & 3u) -
                           ((w_u8(b + h * 16u + l) & m) != 0u ? 0 : 4);
            v[h * 16u + l] = dl * float(qv);
        }
    }
#elif defined(TYPE_Q4_K)
    // d @0, dmin @2, scales[12] @4, qs[128] @16
    const float d = w_f16(b), dmin = w_f16(b + 2u);
    float sc, mn;
    scale_min_k4(sub, b + 4u, sc, mn);
    const float dl = d * sc, ml = dmin * mn;
    const uint q = b + 16u + (sub >> 1) * 32u;
    const uint shift = (sub & 1u) * 4u;
    for (uint l = 0u; l < 32u; ++l) v[l] = dl * float((w_u8(q + l) >> shift) & 15u) - ml;
#elif defined(TYPE_Q5_K)
    // d @0, dmin @2, scales[12] @4, qh[32] @16, qs[128] @48
    const float d = w_f16(b), dmin = w_f16(b + 2u);
    float sc, mn;
    scale_min_k4(sub, b + 4u, sc, mn);
    const float dl = d * sc, ml = dmin * mn;
    const uint q = b + 48u + (sub >> 1) * 32u;
    const uint shift = (sub & 1u) * 4u;
    for (uint l = 0u; l < 32u; ++l) {
        const uint hb = (w_u8(b + 16u + l) >> sub) & 1u;
        v[l] = dl * float(((w_u8(q + l) >> shift) & 15u) + 16u * hb) - ml;
    }
#elif defined(TYPE_Q6_K)
    // ql[128] @0, qh[64] @128, scales[16] (int8) @192, d @208
    const float d = w_f16(b + 208u);
    const uint half_ = sub >> 2, part = sub & 3u;
    const uint ql = b + half_ * 64u + ((part & 1u) != 0u ? 32u : 0u);
    const uint qh = b + 128u + half_ * 32u;
    const uint sc = b + 192u + half_ * 8u + 2u * part;
    const uint nshift = part >= 2u ? 4u : 0u;
    for (uint l = 0u; l < 32u; ++l) {
        const uint lo = (w_u8(ql + l) >> nshift) & 15u;
        const uint hi = (w_u8(qh + l) >> (2u * part)) & 3u;
        const float s = float(sext8(w_u8(sc + (l >> 4))));
        v[l] = d * s * float(int(lo | (hi << 4)) - 32);
    }
#elif defined(TYPE_IQ4_XS)
    // d @0, scales_h (u16) @2, scales_l[4] @4, qs[128] @8
    const float d = w_f16(b);
    const uint ls = ((w_u8(b + 4u + (sub >> 1)) >> (4u * (sub & 1u))) & 15u) |
                    (((w_u16(b + 2u) >> (2u * sub)) & 3u) << 4);
    const float dl = d * float(int(ls) - 32);
    const uint q = b + 8u + sub * 16u;
    for (uint i = 0u; i < 16u; ++i) {
        const uint qv = w_u8(q + i);
        v[i] = dl * kIq4nl[qv & 15u];
        v[i + 16u] = dl * kIq4nl[qv >> 4];
    }
#else
#error "dequant.glsl: no TYPE_* defined"
#endif
}
#endif

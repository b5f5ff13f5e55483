// Integer levels of one weight block, for products with integer activations (ggml's Q8_0 /
// Q8_1 / Q8_K): the dot product of a block is an exact integer sum scaled once in float, as
// ggml and the CPU backend compute it, so results differ from theirs only in the order blocks
// are added. Needs dequant.glsl (block sizes, tables, scale_min_k4) included first.

#ifndef SUPER_BLOCK
// One 32-element block: q[i] integer levels, d its scale, m its minimum (Q4_1/Q5_1) or 0.
void levels_block(uint b, out int q[32], out float d, out float m) {
    d = w_f16(b);
    m = 0.0;
#if defined(TYPE_Q4_0) || defined(TYPE_IQ4_NL)
    for (uint i = 0u; i < 16u; ++i) {
        const uint v = w_u8(b + 2u + i);
#if defined(TYPE_Q4_0)
        q[i] = int(v & 15u) - 8;
        q[i + 16u] = int(v >> 4) - 8;
#else
        q[i] = int(kIq4nl[v & 15u]);
        q[i + 16u] = int(kIq4nl[v >> 4]);
#endif
    }
#elif defined(TYPE_Q4_1)
    m = w_f16(b + 2u);
    for (uint i = 0u; i < 16u; ++i) {
        const uint v = w_u8(b + 4u + i);
        q[i] = int(v & 15u);
        q[i + 16u] = int(v >> 4);
    }
#elif defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
#if defined(TYPE_Q5_1)
    m = w_f16(b + 2u);
    const uint hb = b + 4u, qb = b + 8u;
    const int off = 0;
#else
    const uint hb = b + 2u, qb = b + 6u;
    const int off = 16;
#endif
    const uint qh = w_u32(hb);
    for (uint i = 0u; i < 16u; ++i) {
        const uint v = w_u8(qb + i);
        q[i] = int((v & 15u) | (((qh >> i) << 4) & 0x10u)) - off;
        q[i + 16u] = int((v >> 4) | ((qh >> (i + 12u)) & 0x10u)) - off;
    }
#elif defined(TYPE_Q8_0)
    for (uint i = 0u; i < 32u; ++i) q[i] = sext8(w_u8(b + 2u + i));
#endif
}

#else
// Sub-block `sub` (32 elements) of a 256-element super-block: integer levels, the integer
// scales of its two 16-element halves (sc0, sc1) and their integer minimums (m0, m1; 0 for the
// types without). The super-block's float scales come from superblock_scales.
void levels_sub(uint b, uint sub, out int q[32], out int sc0, out int sc1, out int m0, out int m1) {
    m0 = 0;
    m1 = 0;
#if defined(TYPE_Q2_K)
    const uint half_ = sub >> 2, shift = 2u * (sub & 3u);
    const uint qb = b + 16u + half_ * 32u;
    const uint s0 = w_u8(b + 2u * sub), s1 = w_u8(b + 2u * sub + 1u);
    sc0 = int(s0 & 15u);
    sc1 = int(s1 & 15u);
    m0 = int(s0 >> 4);
    m1 = int(s1 >> 4);
    for (uint l = 0u; l < 32u; ++l) q[l] = int((w_u8(qb + l) >> shift) & 3u);
#elif defined(TYPE_Q3_K)
    const uint half_ = sub >> 2, shift = 2u * (sub & 3u), mask = 1u << sub;
    const uint qb = b + 32u + half_ * 32u;
    int sc[2];
    for (uint h = 0u; h < 2u; ++h) {
        const uint is = 2u * sub + h;
        const uint low = is < 8u ? (w_u8(b + 96u + is) & 15u) : (w_u8(b + 96u + is - 8u) >> 4);
        const uint high = (w_u8(b + 96u + 8u + (is & 3u)) >> (2u * (is >> 2))) & 3u;
        sc[h] = int(low | (high << 4)) - 32;
    }
    sc0 = sc[0];
    sc1 = sc[1];
    for (uint l = 0u; l < 32u; ++l)
        q[l] = int((w_u8(qb + l) >> shift) & 3u) - ((w_u8(b + l) & mask) != 0u ? 0 : 4);
#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
    float sc, mn;
    scale_min_k4(sub, b + 4u, sc, mn);
    sc0 = int(sc);
    sc1 = sc0;
    m0 = int(mn);
    m1 = m0;
    const uint shift = (sub & 1u) * 4u;
#if defined(TYPE_Q4_K)
    const uint qb = b + 16u + (sub >> 1) * 32u;
    for (uint l = 0u; l < 32u; ++l) q[l] = int((w_u8(qb + l) >> shift) & 15u);
#else
    const uint qb = b + 48u + (sub >> 1) * 32u;
    for (uint l = 0u; l < 32u; ++l)
        q[l] = int(((w_u8(qb + l) >> shift) & 15u) + 16u * ((w_u8(b + 16u + l) >> sub) & 1u));
#endif
#elif defined(TYPE_Q6_K)
    const uint half_ = sub >> 2, part = sub & 3u;
    const uint ql = b + half_ * 64u + ((part & 1u) != 0u ? 32u : 0u);
    const uint qh = b + 128u + half_ * 32u;
    const uint sb = b + 192u + half_ * 8u + 2u * part;
    const uint nshift = part >= 2u ? 4u : 0u;
    sc0 = sext8(w_u8(sb));
    sc1 = sext8(w_u8(sb + 1u));
    for (uint l = 0u; l < 32u; ++l) {
        const uint lo = (w_u8(ql + l) >> nshift) & 15u;
        const uint hi = (w_u8(qh + l) >> (2u * part)) & 3u;
        q[l] = int(lo | (hi << 4)) - 32;
    }
#elif defined(TYPE_IQ4_XS)
    const uint ls = ((w_u8(b + 4u + (sub >> 1)) >> (4u * (sub & 1u))) & 15u) |
                    (((w_u16(b + 2u) >> (2u * sub)) & 3u) << 4);
    sc0 = int(ls) - 32;
    sc1 = sc0;
    const uint qb = b + 8u + sub * 16u;
    for (uint i = 0u; i < 16u; ++i) {
        const uint v = w_u8(qb + i);
        q[i] = int(kIq4nl[v & 15u]);
        q[i + 16u] = int(kIq4nl[v >> 4]);
    }
#endif
}

// The super-block's F16 scale d and minimum scale dmin (0 where the type has none).
void superblock_scales(uint b, out float d, out float dmin) {
    dmin = 0.0;
#if defined(TYPE_Q2_K)
    d = w_f16(b + 80u);
    dmin = w_f16(b + 82u);
#elif defined(TYPE_Q3_K)
    d = w_f16(b + 108u);
#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
    d = w_f16(b);
    dmin = w_f16(b + 2u);
#elif defined(TYPE_Q6_K)
    d = w_f16(b + 208u);
#else
    d = w_f16(b);
#endif
}
#endif

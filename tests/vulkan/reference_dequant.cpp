#include "reference_dequant.h"

#include "engine/cpu/fp16.h"

#include <cstring>

namespace vktest {
namespace {

using hearth::GgmlType;
using hearth::cpu::floatToHalf;
using hearth::cpu::halfToFloat;

float h(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return halfToFloat(v);
}
void putH(uint8_t* p, float f) {
    const uint16_t v = floatToHalf(f);
    std::memcpy(p, &v, 2);
}

const int8_t kIq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10,
                           1,    13,   25,  38,  53,  69,  89,  113};

void scaleMinK4(int j, const uint8_t* q, uint8_t& d, uint8_t& m) {
    if (j < 4) {
        d = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
    }
}

void blockQ2K(const uint8_t* b, float* y) {
    const uint8_t* scales = b;
    const uint8_t* q = b + 16;
    const float d = h(b + 80), dmin = h(b + 82);
    int is = 0;
    for (int n = 0; n < 256; n += 128) {
        int shift = 0;
        for (int j = 0; j < 4; ++j) {
            uint8_t sc = scales[is++];
            float dl = d * (sc & 0xF), ml = dmin * (sc >> 4);
            for (int l = 0; l < 16; ++l) *y++ = dl * ((q[l] >> shift) & 3) - ml;
            sc = scales[is++];
            dl = d * (sc & 0xF);
            ml = dmin * (sc >> 4);
            for (int l = 0; l < 16; ++l) *y++ = dl * ((q[l + 16] >> shift) & 3) - ml;
            shift += 2;
        }
        q += 32;
    }
}

void blockQ3K(const uint8_t* b, float* y) {
    const uint8_t* hm = b;
    const uint8_t* q = b + 32;
    const float d = h(b + 108);
    uint32_t aux[4];
    std::memcpy(aux, b + 96, 12);
    const uint32_t kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
    const uint32_t tmp = aux[2];
    aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
    aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
    aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
    aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
    int8_t scales[16];
    std::memcpy(scales, aux, 16);
    int is = 0;
    uint8_t m = 1;
    for (int n = 0; n < 256; n += 128) {
        int shift = 0;
        for (int j = 0; j < 4; ++j) {
            float dl = d * (scales[is++] - 32);
            for (int l = 0; l < 16; ++l)
                *y++ = dl * ((int8_t)((q[l] >> shift) & 3) - ((hm[l] & m) ? 0 : 4));
            dl = d * (scales[is++] - 32);
            for (int l = 0; l < 16; ++l)
                *y++ = dl * ((int8_t)((q[l + 16] >> shift) & 3) - ((hm[l + 16] & m) ? 0 : 4));
            shift += 2;
            m <<= 1;
        }
        q += 32;
    }
}

void blockQ4K(const uint8_t* b, float* y) {
    const float d = h(b), dmin = h(b + 2);
    const uint8_t* scales = b + 4;
    const uint8_t* q = b + 16;
    int is = 0;
    for (int j = 0; j < 256; j += 64) {
        uint8_t sc, m;
        scaleMinK4(is, scales, sc, m);
        const float d1 = d * sc, m1 = dmin * m;
        scaleMinK4(is + 1, scales, sc, m);
        const float d2 = d * sc, m2 = dmin * m;
        for (int l = 0; l < 32; ++l) *y++ = d1 * (q[l] & 0xF) - m1;
        for (int l = 0; l < 32; ++l) *y++ = d2 * (q[l] >> 4) - m2;
        q += 32;
        is += 2;
    }
}

void blockQ5K(const uint8_t* b, float* y) {
    const float d = h(b), dmin = h(b + 2);
    const uint8_t* scales = b + 4;
    const uint8_t* qh = b + 16;
    const uint8_t* ql = b + 48;
    int is = 0;
    uint8_t u1 = 1, u2 = 2;
    for (int j = 0; j < 256; j += 64) {
        uint8_t sc, m;
        scaleMinK4(is, scales, sc, m);
        const float d1 = d * sc, m1 = dmin * m;
        scaleMinK4(is + 1, scales, sc, m);
        const float d2 = d * sc, m2 = dmin * m;
        for (int l = 0; l < 32; ++l) *y++ = d1 * ((ql[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
        for (int l = 0; l < 32; ++l) *y++ = d2 * ((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
        ql += 32;
        is += 2;
        u1 <<= 2;
        u2 <<= 2;
    }
}

void blockQ6K(const uint8_t* b, float* y) {
    const uint8_t* ql = b;
    const uint8_t* qh = b + 128;
    const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192);
    const float d = h(b + 208);
    for (int n = 0; n < 256; n += 128) {
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            const int8_t q1 = (int8_t)((ql[l + 0] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int8_t q2 = (int8_t)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int8_t q3 = (int8_t)((ql[l + 0] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int8_t q4 = (int8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            y[l + 0] = d * sc[is + 0] * q1;
            y[l + 32] = d * sc[is + 2] * q2;
            y[l + 64] = d * sc[is + 4] * q3;
            y[l + 96] = d * sc[is + 6] * q4;
        }
        y += 128;
        ql += 64;
        qh += 32;
        sc += 8;
    }
}

void blockIq4xs(const uint8_t* b, float* y) {
    const float d = h(b);
    uint16_t scalesH;
    std::memcpy(&scalesH, b + 2, 2);
    const uint8_t* scalesL = b + 4;
    const uint8_t* qs = b + 8;
    for (int ib = 0; ib < 8; ++ib) {
        const int ls = ((scalesL[ib / 2] >> 4 * (ib % 2)) & 0xf) | (((scalesH >> 2 * ib) & 3) << 4);
        const float dl = d * (ls - 32);
        for (int j = 0; j < 16; ++j) {
            y[j + 0] = dl * kIq4nl[qs[j] & 0xf];
            y[j + 16] = dl * kIq4nl[qs[j] >> 4];
        }
        y += 32;
        qs += 16;
    }
}

void block32(GgmlType t, const uint8_t* b, float* y) {
    switch (t) {
    case GgmlType::Q4_0: {
        const float d = h(b);
        for (int j = 0; j < 16; ++j) {
            y[j] = ((b[2 + j] & 0x0F) - 8) * d;
            y[j + 16] = ((b[2 + j] >> 4) - 8) * d;
        }
        break;
    }
    case GgmlType::Q4_1: {
        const float d = h(b), m = h(b + 2);
        for (int j = 0; j < 16; ++j) {
            y[j] = (b[4 + j] & 0x0F) * d + m;
            y[j + 16] = (b[4 + j] >> 4) * d + m;
        }
        break;
    }
    case GgmlType::Q5_0: {
        const float d = h(b);
        uint32_t qh;
        std::memcpy(&qh, b + 2, 4);
        for (int j = 0; j < 16; ++j) {
            const uint8_t xh0 = ((qh >> (j + 0)) << 4) & 0x10;
            const uint8_t xh1 = ((qh >> (j + 12))) & 0x10;
            y[j] = (((b[6 + j] & 0x0F) | xh0) - 16) * d;
            y[j + 16] = (((b[6 + j] >> 4) | xh1) - 16) * d;
        }
        break;
    }
    case GgmlType::Q5_1: {
        const float d = h(b), m = h(b + 2);
        uint32_t qh;
        std::memcpy(&qh, b + 4, 4);
        for (int j = 0; j < 16; ++j) {
            const uint8_t xh0 = ((qh >> (j + 0)) << 4) & 0x10;
            const uint8_t xh1 = ((qh >> (j + 12))) & 0x10;
            y[j] = ((b[8 + j] & 0x0F) | xh0) * d + m;
            y[j + 16] = ((b[8 + j] >> 4) | xh1) * d + m;
        }
        break;
    }
    case GgmlType::Q8_0: {
        const float d = h(b);
        for (int j = 0; j < 32; ++j) y[j] = static_cast<int8_t>(b[2 + j]) * d;
        break;
    }
    case GgmlType::IQ4_NL: {
        const float d = h(b);
        for (int j = 0; j < 16; ++j) {
            y[j] = d * kIq4nl[b[2 + j] & 0xf];
            y[j + 16] = d * kIq4nl[b[2 + j] >> 4];
        }
        break;
    }
    default:
        break;
    }
}

// Byte offsets of the half-precision scale fields in one block (patched to sane values).
std::vector<int> scaleFields(GgmlType t) {
    switch (t) {
    case GgmlType::Q4_0:
    case GgmlType::Q5_0:
    case GgmlType::Q8_0:
    case GgmlType::IQ4_NL:
    case GgmlType::IQ4_XS:
        return {0};
    case GgmlType::Q4_1:
    case GgmlType::Q5_1:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K:
        return {0, 2};
    case GgmlType::Q2_K:
        return {80, 82};
    case GgmlType::Q3_K:
        return {108};
    case GgmlType::Q6_K:
        return {208};
    default:
        return {};
    }
}

} // namespace

void referenceDequantize(GgmlType type, const uint8_t* src, float* dst, int64_t n) {
    const auto& info = hearth::ggmlTypeInfo(type);
    switch (type) {
    case GgmlType::F32:
        std::memcpy(dst, src, n * 4);
        return;
    case GgmlType::F16:
        for (int64_t i = 0; i < n; ++i) dst[i] = h(src + 2 * i);
        return;
    case GgmlType::BF16:
        for (int64_t i = 0; i < n; ++i) {
            uint16_t v;
            std::memcpy(&v, src + 2 * i, 2);
            const uint32_t bits = uint32_t(v) << 16;
            std::memcpy(&dst[i], &bits, 4);
        }
        return;
    default:
        break;
    }
    for (int64_t b = 0; b < n / info.blockSize; ++b) {
        const uint8_t* blk = src + b * info.bytesPerBlock;
        float* y = dst + b * info.blockSize;
        switch (type) {
        case GgmlType::Q2_K:
            blockQ2K(blk, y);
            break;
        case GgmlType::Q3_K:
            blockQ3K(blk, y);
            break;
        case GgmlType::Q4_K:
            blockQ4K(blk, y);
            break;
        case GgmlType::Q5_K:
            blockQ5K(blk, y);
            break;
        case GgmlType::Q6_K:
            blockQ6K(blk, y);
            break;
        case GgmlType::IQ4_XS:
            blockIq4xs(blk, y);
            break;
        default:
            block32(type, blk, y);
            break;
        }
    }
}

std::vector<uint8_t> randomRows(GgmlType type, int64_t rows, int64_t k, std::mt19937& rng) {
    const auto& info = hearth::ggmlTypeInfo(type);
    const uint64_t rowBytes = *hearth::ggmlRowBytes(type, k);
    std::vector<uint8_t> data(rowBytes * rows);
    std::uniform_real_distribution<float> val(-1.0f, 1.0f);
    if (type == GgmlType::F32 || type == GgmlType::F16 || type == GgmlType::BF16) {
        for (int64_t i = 0; i < rows * k; ++i) {
            const float f = val(rng);
            if (type == GgmlType::F32) {
                std::memcpy(&data[4 * i], &f, 4);
            } else if (type == GgmlType::F16) {
                putH(&data[2 * i], f);
            } else {
                uint32_t bits;
                std::memcpy(&bits, &f, 4);
                const uint16_t v = static_cast<uint16_t>(bits >> 16);
                std::memcpy(&data[2 * i], &v, 2);
            }
        }
        return data;
    }
    std::uniform_int_distribution<int> byte(0, 255);
    for (auto& b : data) b = static_cast<uint8_t>(byte(rng));
    std::uniform_real_distribution<float> scale(-0.05f, 0.05f);
    const auto fields = scaleFields(type);
    for (uint64_t off = 0; off < data.size(); off += info.bytesPerBlock)
        for (int f : fields) putH(&data[off + f], scale(rng));
    return data;
}

} // namespace vktest

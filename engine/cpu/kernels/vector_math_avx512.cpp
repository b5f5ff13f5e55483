// vector_math.h with AVX-512F, 16 lanes; tails through masked loads and stores.
#include "engine/cpu/kernels/vector_math_isa.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

namespace hearth::kernels::vmath {
namespace {

struct V {
    using F = __m512;
    static constexpr int kLanes = 16;
    // Masked forms throughout: GCC 12 flags the unmasked intrinsics' internal "undefined"
    // source operand as uninitialized under -Werror.
    static constexpr __mmask16 kAll = 0xFFFF;
    static __mmask16 mask(int count) { return static_cast<__mmask16>((1u << count) - 1u); }
    static F load(const float* p, int count) {
        return count == kLanes ? _mm512_maskz_loadu_ps(kAll, p)
                               : _mm512_maskz_loadu_ps(mask(count), p);
    }
    static void store(float* p, F v, int count) {
        if (count == kLanes)
            _mm512_storeu_ps(p, v);
        else
            _mm512_mask_storeu_ps(p, mask(count), v);
    }
    static F set1f(float v) { return _mm512_set1_ps(v); }
    static F min(F a, F b) { return _mm512_maskz_min_ps(kAll, a, b); }
    static F max(F a, F b) { return _mm512_maskz_max_ps(kAll, a, b); }
    static F add(F a, F b) { return _mm512_maskz_add_ps(kAll, a, b); }
    static F sub(F a, F b) { return _mm512_maskz_sub_ps(kAll, a, b); }
    static F mul(F a, F b) { return _mm512_maskz_mul_ps(kAll, a, b); }
    static F div(F a, F b) { return _mm512_maskz_div_ps(kAll, a, b); }

    using D = __m512d;
    static D lowHalf(F v) {
        return _mm512_maskz_cvtps_pd(0xFF, _mm512_maskz_extractf32x8_ps(0xFF, v, 0));
    }
    static D highHalf(F v) {
        return _mm512_maskz_cvtps_pd(0xFF, _mm512_maskz_extractf32x8_ps(0xFF, v, 1));
    }
    static F join(D lo, D hi) {
        const __m256 l = _mm512_maskz_cvtpd_ps(0xFF, lo), h = _mm512_maskz_cvtpd_ps(0xFF, hi);
        return _mm512_maskz_insertf32x8(kAll, _mm512_castps256_ps512(l), h, 1);
    }
    static D set1(double v) { return _mm512_set1_pd(v); }
    static D add(D a, D b) { return _mm512_maskz_add_pd(0xFF, a, b); }
    static D mul(D a, D b) { return _mm512_maskz_mul_pd(0xFF, a, b); }
    static D fma(D a, D b, D c) { return _mm512_maskz_fmadd_pd(0xFF, a, b, c); }
    static D roundEven(D v) {
        return _mm512_maskz_roundscale_pd(0xFF, v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    }
    // 2^n from n + kIntShifter (n in its low bits).
    static D powerOfTwo(D shifted) {
        const __m512i bits =
            _mm512_maskz_add_epi64(0xFF, _mm512_castpd_si512(shifted), _mm512_set1_epi64(1023));
        return _mm512_castsi512_pd(_mm512_maskz_slli_epi64(0xFF, bits, 52));
    }
};

#include "engine/cpu/kernels/vector_math_x86.h"

} // namespace

Functions avx512Functions() {
    return {expShiftedX86<V>, siluX86<V>, siluMulX86<V>};
}

} // namespace hearth::kernels::vmath

// vector_math.h with AVX2 + FMA, 8 lanes; tails through masked loads and stores.
#include "engine/cpu/kernels/vector_math_isa.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

namespace hearth::kernels::vmath {
namespace {

struct V {
    using F = __m256;
    using I = __m256i;
    static constexpr int kLanes = 8;
    static I mask(int count) { // lanes below count all ones
        return _mm256_cmpgt_epi32(_mm256_set1_epi32(count),
                                  _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    }
    static F load(const float* p, int count) {
        return count == kLanes ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask(count));
    }
    static void store(float* p, F v, int count) {
        if (count == kLanes)
            _mm256_storeu_ps(p, v);
        else
            _mm256_maskstore_ps(p, mask(count), v);
    }
    static F set1f(float v) { return _mm256_set1_ps(v); }
    static F min(F a, F b) { return _mm256_min_ps(a, b); }
    static F max(F a, F b) { return _mm256_max_ps(a, b); }
    static F add(F a, F b) { return _mm256_add_ps(a, b); }
    static F sub(F a, F b) { return _mm256_sub_ps(a, b); }
    static F mul(F a, F b) { return _mm256_mul_ps(a, b); }
    static F div(F a, F b) { return _mm256_div_ps(a, b); }

    using D = __m256d;
    static D lowHalf(F v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
    static D highHalf(F v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
    static F join(D lo, D hi) {
        return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm256_cvtpd_ps(lo)),
                                    _mm256_cvtpd_ps(hi), 1);
    }
    static D set1(double v) { return _mm256_set1_pd(v); }
    static D add(D a, D b) { return _mm256_add_pd(a, b); }
    static D mul(D a, D b) { return _mm256_mul_pd(a, b); }
    static D fma(D a, D b, D c) { return _mm256_fmadd_pd(a, b, c); }
    static D roundEven(D v) {
        return _mm256_round_pd(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    }
    // 2^n from n + kIntShifter (n in its low bits).
    static D powerOfTwo(D shifted) {
        const __m256i bits =
            _mm256_add_epi64(_mm256_castpd_si256(shifted), _mm256_set1_epi64x(1023));
        return _mm256_castsi256_pd(_mm256_slli_epi64(bits, 52));
    }
};

#include "engine/cpu/kernels/vector_math_x86.h"

} // namespace

Functions avx2Functions() {
    return {expShiftedX86<V>, siluX86<V>, siluMulX86<V>};
}

} // namespace hearth::kernels::vmath

// vector_math.h on x86 vectors, included by vector_math_avx2.cpp and vector_math_avx512.cpp
// inside an anonymous namespace after they define `V`: float vectors F of kLanes lanes (load /
// store of the first `count` lanes, the rest untouched), their halves as double vectors D, and
// the operations on both. Each step matches vector_math_ref.cpp's expOne exactly; the ISA files
// are compiled with -ffp-contract=off so the compiler fuses nothing on its own.

template <class V> typename V::D expDoubles(typename V::D d) {
    using namespace vmath;
    const auto n = V::roundEven(V::mul(d, V::set1(kLog2e)));
    auto r = V::fma(n, V::set1(-kLn2Hi), d);
    r = V::fma(n, V::set1(-kLn2Lo), r);
    auto p = V::set1(kInvFactorial[10]);
    for (int k = 9; k >= 0; --k) p = V::fma(p, r, V::set1(kInvFactorial[k]));
    return V::mul(p, V::powerOfTwo(V::add(n, V::set1(kIntShifter))));
}

template <class V> typename V::F expLanes(typename V::F x) {
    using namespace vmath;
    // min(bound, x) / max(bound, x) return x when x is NaN, so NaN passes through.
    const auto c = V::max(V::set1f(kMinX), V::min(V::set1f(kMaxX), x));
    return V::join(expDoubles<V>(V::lowHalf(c)), expDoubles<V>(V::highHalf(c)));
}

template <class V> void expShiftedX86(const float* x, float shift, float* y, int64_t n) {
    const auto s = V::set1f(shift);
    for (int64_t i = 0; i < n; i += V::kLanes) {
        const int count = static_cast<int>(std::min<int64_t>(V::kLanes, n - i));
        V::store(y + i, expLanes<V>(V::sub(V::load(x + i, count), s)), count);
    }
}

template <class V> typename V::F siluLanes(typename V::F x) {
    const auto e = expLanes<V>(V::sub(V::set1f(0.0f), x));
    return V::div(x, V::add(e, V::set1f(1.0f)));
}

template <class V> void siluX86(const float* x, float* y, int64_t n) {
    for (int64_t i = 0; i < n; i += V::kLanes) {
        const int count = static_cast<int>(std::min<int64_t>(V::kLanes, n - i));
        V::store(y + i, siluLanes<V>(V::load(x + i, count)), count);
    }
}

template <class V> void siluMulX86(const float* gate, const float* up, float* y, int64_t n) {
    for (int64_t i = 0; i < n; i += V::kLanes) {
        const int count = static_cast<int>(std::min<int64_t>(V::kLanes, n - i));
        V::store(y + i, V::mul(siluLanes<V>(V::load(gate + i, count)), V::load(up + i, count)),
                 count);
    }
}

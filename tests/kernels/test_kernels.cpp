// The CPU kernels on synthetic data: float16/bf16 conversions, quantizer error bounds, the
// activation quantizers' exact rounding, vecDot against a float dot of the dequantized rows,
// every SIMD ISA against the scalar reference, multi-row dots and bad input.
#include "engine/cpu/kernels/float16.h"
#include "engine/cpu/kernels/kernels.h"
#include "kernels/kernel_test_util.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <utility>

#include <sys/mman.h>
#include <unistd.h>

using hearth::GgmlType;
using hearth::ggmlTypeName;
using namespace hearth::kernels;

namespace {

QString typeName(GgmlType t) {
    return QString::fromLatin1(ggmlTypeName(t).data(), int(ggmlTypeName(t).size()));
}

std::vector<Isa> simdIsas() {
    std::vector<Isa> isas;
    for (Isa isa : {Isa::Avx2, Isa::Avx512})
        if (isaSupported(isa)) isas.push_back(isa);
    return isas;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * double(b[i]);
    return s;
}

double absDot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += std::fabs(double(a[i]) * double(b[i]));
    return s;
}

// Q8_1 activations carry s = d * sum(q) rounded to half; the weight's min multiplies it, so a dot
// through s may differ from the exact one by up to |min| * |s| * 2^-11 per block.
double q8_1Slack(GgmlType actType, const std::vector<float>& w, const std::vector<float>& a) {
    if (actType != GgmlType::Q8_1) return 0;
    double slack = 0;
    for (size_t b = 0; b < w.size(); b += 32) {
        double wmax = 0, asum = 0;
        for (size_t j = b; j < b + 32; ++j) {
            wmax = std::max(wmax, std::fabs(double(w[j])));
            asum += a[j];
        }
        slack += wmax * std::fabs(asum) * std::ldexp(1.0, -10);
    }
    return slack;
}

// Relative RMS error of a round trip through `type`.
double roundTripError(GgmlType type, const std::vector<float>& x) {
    const auto q = kt::quantizeRow(type, x);
    const auto y = kt::dequantizeRow(type, q.data(), int64_t(x.size()));
    double err = 0, ref = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        err += (double(y[i]) - x[i]) * (double(y[i]) - x[i]);
        ref += double(x[i]) * x[i];
    }
    return std::sqrt(err / ref);
}

} // namespace

class TestKernels : public QObject {
    Q_OBJECT
private slots:
    void halfRoundTripsEveryValue() {
        for (uint32_t h = 0; h < 65536; ++h) {
            const float f = hearth::fp16ToFp32(uint16_t(h));
            if (std::isnan(f)) {
                QVERIFY(std::isnan(hearth::fp16ToFp32(hearth::fp32ToFp16(f))));
                continue;
            }
            QCOMPARE(hearth::fp32ToFp16(f), uint16_t(h));
        }
        QCOMPARE(hearth::fp16ToFp32(0x3c00), 1.0f);
        QCOMPARE(hearth::fp16ToFp32(0x0001), std::ldexp(1.0f, -24));
        QCOMPARE(hearth::fp16ToFp32(0x7bff), 65504.0f);
        QCOMPARE(hearth::fp32ToFp16(65520.0f), uint16_t(0x7c00)); // ties to even -> inf
        QCOMPARE(hearth::fp32ToFp16(65519.0f), uint16_t(0x7bff));
        QCOMPARE(hearth::fp32ToFp16(std::ldexp(1.0f, -25)), uint16_t(0)); // tie -> even zero
        QCOMPARE(hearth::fp32ToFp16(std::ldexp(1.5f, -25)), uint16_t(1));
        QCOMPARE(hearth::fp32ToFp16(-2.0f), uint16_t(0xc000));
    }

    void halfRoundsToNearestEven() {
        std::mt19937 rng(7);
        for (int i = 0; i < 200000; ++i) {
            // Random bit patterns across the half range (exponents 2^-26 .. 2^16).
            const uint32_t bits = (rng() & 0x807fffffu) | ((101u + rng() % 42u) << 23);
            const float f = hearth::floatFromBits(bits);
            const uint16_t h = hearth::fp32ToFp16(f);
            const double v = hearth::fp16ToFp32(h);
            const double err = std::fabs(v - double(f));
            if ((h & 0x7fff) == 0x7c00) {
                QVERIFY(std::fabs(double(f)) >= 65520.0);
                continue;
            }
            for (int delta : {-1, 1}) {
                const uint16_t n = uint16_t(h + delta);
                if ((n & 0x7fff) >= 0x7c00 || ((h & 0x7fff) == 0 && delta < 0)) continue;
                const double other = std::fabs(double(hearth::fp16ToFp32(n)) - double(f));
                QVERIFY2(err < other || (err == other && (h & 1) == 0),
                         qPrintable(QString::number(double(f), 'g', 12)));
            }
        }
    }

    void bf16RoundsToNearestEven() {
        QCOMPARE(hearth::bf16ToFp32(0x3f80), 1.0f);
        QCOMPARE(hearth::fp32ToBf16(hearth::floatFromBits(0x3f808000u)),
                 uint16_t(0x3f80)); // tie, even
        QCOMPARE(hearth::fp32ToBf16(hearth::floatFromBits(0x3f818000u)),
                 uint16_t(0x3f82)); // tie, odd
        QCOMPARE(hearth::fp32ToBf16(hearth::floatFromBits(0x3f808001u)), uint16_t(0x3f81));
        QVERIFY(std::isnan(hearth::bf16ToFp32(hearth::fp32ToBf16(std::nanf("")))));
        for (uint32_t b = 0; b < 65536; ++b) {
            const float f = hearth::bf16ToFp32(uint16_t(b));
            if (!std::isnan(f)) QCOMPARE(hearth::fp32ToBf16(f), uint16_t(b));
        }
    }

    void tablesAreComplete() {
        for (GgmlType t : kt::weightTypes()) {
            const TypeKernels& k = kernelsFor(t, Isa::Scalar);
            QVERIFY2(k.dequantize && k.quantize && k.vecDot, qPrintable(typeName(t)));
            QVERIFY(canCompute(t));
            QVERIFY(kernelsFor(k.vecDotType, Isa::Scalar).quantize != nullptr);
            for (Isa isa : simdIsas()) QVERIFY(kernelsFor(t, isa).vecDot != nullptr);
        }
        QCOMPARE(kernelsFor(GgmlType::Q4_0).vecDotType, GgmlType::Q8_0);
        QCOMPARE(kernelsFor(GgmlType::Q5_1).vecDotType, GgmlType::Q8_1);
        QCOMPARE(kernelsFor(GgmlType::IQ4_NL).vecDotType, GgmlType::Q8_0);
        QCOMPARE(kernelsFor(GgmlType::IQ4_XS).vecDotType, GgmlType::Q8_K);
        QCOMPARE(kernelsFor(GgmlType::Q6_K).vecDotType, GgmlType::Q8_K);
        QCOMPARE(kernelsFor(GgmlType::F16).vecDotType, GgmlType::F16);
        QVERIFY(!canCompute(GgmlType::IQ2_XXS));
    }

    void quantizeErrorBounds_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("bound");
        // Relative RMS error of a round trip on normal data (measured, with headroom).
        const std::pair<GgmlType, double> bounds[] = {
            {GgmlType::F16, 1e-3},   {GgmlType::BF16, 5e-3},  {GgmlType::Q8_0, 0.01},
            {GgmlType::Q8_1, 0.01},  {GgmlType::Q8_K, 0.02},  {GgmlType::Q6_K, 0.03},
            {GgmlType::Q5_0, 0.06},  {GgmlType::Q5_1, 0.06},  {GgmlType::Q5_K, 0.05},
            {GgmlType::Q4_0, 0.13},  {GgmlType::Q4_1, 0.13},  {GgmlType::Q4_K, 0.1},
            {GgmlType::IQ4_NL, 0.1}, {GgmlType::IQ4_XS, 0.1}, {GgmlType::Q3_K, 0.2},
            {GgmlType::Q2_K, 0.4}};
        for (auto [t, b] : bounds) QTest::newRow(ggmlTypeName(t).data()) << int(t) << b;
    }
    void quantizeErrorBounds() {
        QFETCH(int, type);
        QFETCH(double, bound);
        const auto t = GgmlType(type);
        for (uint32_t seed = 1; seed <= 3; ++seed) {
            const double err = roundTripError(t, kt::randomRow(4096, seed, 0.02f));
            QVERIFY2(err < bound, qPrintable(QString("%1: %2").arg(typeName(t)).arg(err)));
            QVERIFY(err > 0 || t == GgmlType::F32);
        }
        // All zeros and a constant row survive (no NaN, no division by zero).
        std::vector<float> zeros(512, 0.0f), constant(512, 0.75f);
        for (float v : kt::dequantizeRow(t, kt::quantizeRow(t, zeros).data(), 512))
            QCOMPARE(v, 0.0f);
        for (float v : kt::dequantizeRow(t, kt::quantizeRow(t, constant).data(), 512))
            QVERIFY(std::fabs(v - 0.75f) < 0.75f * bound * 2);
    }

    void activationQuantizersRoundLikeGgml() {
        // Q8_0 / Q8_1: d = amax/127 (as half), q = round-half-even(x * (127/amax)).
        std::vector<float> x = kt::randomRow(1024, 11);
        x[5] = 0.5f * 127.0f / 127.0f; // exact ties appear when x*id lands on .5
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q8_1}) {
            const auto q = kt::quantizeRow(t, x);
            const size_t blockBytes = t == GgmlType::Q8_0 ? 34 : 36,
                         qsOffset = t == GgmlType::Q8_0 ? 2 : 4;
            for (size_t b = 0; b < x.size() / 32; ++b) {
                float amax = 0;
                for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[b * 32 + j]));
                uint16_t d;
                std::memcpy(&d, q.data() + b * blockBytes, 2);
                QCOMPARE(d, hearth::fp32ToFp16(amax / 127.f));
                const float id = 127.f / amax;
                int sum = 0;
                for (int j = 0; j < 32; ++j) {
                    const int expect = int(std::nearbyint(x[b * 32 + j] * id));
                    QCOMPARE(int(int8_t(q[b * blockBytes + qsOffset + j])), expect);
                    sum += expect;
                }
                if (t == GgmlType::Q8_1) {
                    uint16_t s;
                    std::memcpy(&s, q.data() + b * blockBytes + 2, 2);
                    QCOMPARE(s, hearth::fp32ToFp16(amax / 127.f * float(sum)));
                }
            }
        }
        // Q8_K: float d = max/-127 inverse, bsums are the sums of each 16 quants.
        const auto q = kt::quantizeRow(GgmlType::Q8_K, x);
        for (size_t b = 0; b < x.size() / 256; ++b) {
            const uint8_t* blk = q.data() + b * 292;
            float d;
            std::memcpy(&d, blk, 4);
            float max = 0, amax = 0;
            for (int j = 0; j < 256; ++j)
                if (std::fabs(x[b * 256 + j]) > amax)
                    amax = std::fabs(x[b * 256 + j]), max = x[b * 256 + j];
            const float iscale = -127.f / max;
            QCOMPARE(d, 1 / iscale);
            for (int g = 0; g < 16; ++g) {
                int sum = 0;
                for (int j = 0; j < 16; ++j) {
                    const int v =
                        std::min(127, int(std::nearbyint(iscale * x[b * 256 + g * 16 + j])));
                    QCOMPARE(int(int8_t(blk[4 + g * 16 + j])), v);
                    sum += v;
                }
                int16_t bsum;
                std::memcpy(&bsum, blk + 4 + 256 + 2 * g, 2);
                QCOMPARE(int(bsum), sum);
            }
        }
    }

    void vecDotMatchesDequantizedDot_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : kt::weightTypes()) QTest::newRow(ggmlTypeName(t).data()) << int(t);
    }
    void vecDotMatchesDequantizedDot() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const TypeKernels& k = kernelsFor(t, Isa::Scalar);
        for (int64_t n : {256, 768, 4096}) {
            const auto w = kt::quantizeRow(t, kt::randomRow(n, uint32_t(n), 0.02f));
            const auto a = kt::quantizeRow(k.vecDotType, kt::randomRow(n, uint32_t(n + 1)));
            const auto wf = kt::dequantizeRow(t, w.data(), n);
            const auto af = kt::dequantizeRow(k.vecDotType, a.data(), n);
            const double expect = dot(wf, af);
            const double got = k.vecDot(n, w.data(), a.data());
            QVERIFY2(
                std::fabs(got - expect) <= 2e-6 * absDot(wf, af) + q8_1Slack(k.vecDotType, wf, af),
                qPrintable(
                    QString("%1 n=%2: %3 vs %4").arg(typeName(t)).arg(n).arg(got).arg(expect)));
        }
    }

    void simdMatchesScalar_data() { vecDotMatchesDequantizedDot_data(); }
    void simdMatchesScalar() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        if (simdIsas().empty()) QSKIP("no AVX2 on this CPU");
        const TypeKernels& ref = kernelsFor(t, Isa::Scalar);
        for (Isa isa : simdIsas()) {
            const TypeKernels& k = kernelsFor(t, isa);
            QCOMPARE(k.vecDotType, ref.vecDotType);
            for (int64_t n : {256, 512, 2816}) {
                const auto x = kt::randomRow(n, uint32_t(3 * n + int(isa)), 0.02f);
                const auto w = kt::quantizeRow(t, x);
                const auto xa = kt::randomRow(n, uint32_t(5 * n));
                // Activation quantization must be bit-identical across ISAs.
                const auto a = kt::quantizeRow(ref.vecDotType, xa, Isa::Scalar);
                QVERIFY2(kt::quantizeRow(ref.vecDotType, xa, isa) == a,
                         qPrintable(QString("%1 activations on %2")
                                        .arg(typeName(ref.vecDotType), isaName(isa))));
                const auto wf = kt::dequantizeRow(t, w.data(), n);
                const auto af = kt::dequantizeRow(ref.vecDotType, a.data(), n);
                const double scalar = ref.vecDot(n, w.data(), a.data());
                const double simd = k.vecDot(n, w.data(), a.data());
                QVERIFY2(std::fabs(simd - scalar) <= 2e-6 * absDot(wf, af),
                         qPrintable(QString("%1 %2 n=%3: %4 vs %5")
                                        .arg(typeName(t), isaName(isa))
                                        .arg(n)
                                        .arg(simd)
                                        .arg(scalar)));
                // Dequantize must be exact on every ISA.
                std::vector<float> deq(size_t(n), 0.f);
                k.dequantize(w.data(), deq.data(), n);
                QVERIFY(deq == wf);
            }
        }
    }

    void vecDotRowsMatchesVecDot_data() { vecDotMatchesDequantizedDot_data(); }
    void vecDotRowsMatchesVecDot() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const int64_t n = 512;
        const size_t rowBytes = size_t(*hearth::ggmlRowBytes(t, n));
        std::vector<Isa> isas = simdIsas();
        isas.push_back(Isa::Scalar);
        for (int64_t rows : {1, 3, 4, 5, 7, 8, 13}) {
            std::vector<uint8_t> w(rowBytes * size_t(rows));
            for (int64_t r = 0; r < rows; ++r) {
                const auto q = kt::quantizeRow(t, kt::randomRow(n, uint32_t(100 + r), 0.02f));
                std::memcpy(w.data() + size_t(r) * rowBytes, q.data(), rowBytes);
            }
            const auto a = kt::quantizeRow(kernelsFor(t).vecDotType, kt::randomRow(n, 99));
            for (Isa isa : isas) {
                std::vector<float> out(size_t(rows) + 1, -12345.f);
                vecDotRows(t, isa, n, w.data(), rowBytes, rows, a.data(), out.data());
                QCOMPARE(out[size_t(rows)], -12345.f); // never writes past nRows
                for (int64_t r = 0; r < rows; ++r) {
                    const float one =
                        kernelsFor(t, isa).vecDot(n, w.data() + size_t(r) * rowBytes, a.data());
                    QVERIFY2(std::fabs(out[size_t(r)] - one) <=
                                 1e-5f * std::max(1.0f, std::fabs(one)),
                             qPrintable(QString("%1 %2 rows=%3 r=%4")
                                            .arg(typeName(t), isaName(isa))
                                            .arg(rows)
                                            .arg(r)));
                }
            }
        }
    }

    // The prepared form (activation arranged once, then many calls) gives exactly vecDotRows'
    // outputs, for row lengths with and without leftover groups, and the three entries come
    // together. On this project's CPU the AVX-512 Q4_0 and Q4_K kernels have it.
    void preparedMatchesVecDotRows_data() { vecDotMatchesDequantizedDot_data(); }
    void preparedMatchesVecDotRows() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        std::vector<Isa> isas = simdIsas();
        isas.push_back(Isa::Scalar);
        int prepared = 0;
        for (Isa isa : isas) {
            const TypeKernels& k = kernelsFor(t, isa);
            QCOMPARE(k.prepareAct != nullptr, k.preparedActBytes != nullptr);
            QCOMPARE(k.prepareAct != nullptr, k.vecDotRowsPrepared != nullptr);
            if (!k.prepareAct) continue;
            ++prepared;
            // 2, 4, 6, 22 and 64 groups of four 32-element blocks; 1-32 super-blocks.
            for (int64_t blocks : {8, 16, 24, 88, 256}) {
                const int64_t n = blocks * 32;
                const size_t rowBytes = size_t(*hearth::ggmlRowBytes(t, n));
                const int64_t rows = 7;
                std::vector<uint8_t> w(rowBytes * size_t(rows));
                for (int64_t r = 0; r < rows; ++r) {
                    const auto q = kt::quantizeRow(t, kt::randomRow(n, uint32_t(300 + r), 0.02f));
                    std::memcpy(w.data() + size_t(r) * rowBytes, q.data(), rowBytes);
                }
                const auto a = kt::quantizeRow(k.vecDotType, kt::randomRow(n, 301));
                std::vector<float> want(static_cast<size_t>(rows)), got(size_t(rows) + 1, -12345.f);
                vecDotRows(t, isa, n, w.data(), rowBytes, rows, a.data(), want.data());
                std::vector<uint64_t> buffer(k.preparedActBytes(n) / 8 + 8); // 64-byte aligned
                void* prep = reinterpret_cast<void*>(
                    (reinterpret_cast<uintptr_t>(buffer.data()) + 63) / 64 * 64);
                k.prepareAct(n, a.data(), prep);
                // Two calls on one preparation, as decode's pieces make them.
                k.vecDotRowsPrepared(n, w.data(), rowBytes, 3, a.data(), prep, got.data());
                k.vecDotRowsPrepared(n, w.data() + 3 * rowBytes, rowBytes, rows - 3, a.data(), prep,
                                     got.data() + 3);
                QCOMPARE(got[size_t(rows)], -12345.f);
                for (int64_t r = 0; r < rows; ++r)
                    QVERIFY2(got[size_t(r)] == want[size_t(r)],
                             qPrintable(QString("%1 %2 n=%3 r=%4: %5 vs %6")
                                            .arg(typeName(t), isaName(isa))
                                            .arg(n)
                                            .arg(r)
                                            .arg(got[size_t(r)])
                                            .arg(want[size_t(r)])));
            }
        }
        if ((t == GgmlType::Q4_0 || t == GgmlType::Q4_K) && isaSupported(Isa::Avx512))
            QVERIFY(prepared > 0);
    }

    // The float types' multi-row dot gives each row exactly vecDot's result, wherever the row
    // falls in the call: prefill splits rows between threads by the thread count, and results
    // must not depend on it (attention's K/V passes use it too).
    void floatRowsEqualVecDotExactly() {
        std::vector<Isa> isas = simdIsas();
        isas.push_back(Isa::Scalar);
        for (GgmlType t : {GgmlType::F16, GgmlType::F32, GgmlType::BF16})
            for (Isa isa : isas)
                for (int64_t n : {7, 64, 100, 2048 + 24 + 3}) {
                    const size_t rowBytes = size_t(*hearth::ggmlRowBytes(t, n));
                    const int64_t rows = 13;
                    std::vector<uint8_t> w(rowBytes * size_t(rows));
                    for (int64_t r = 0; r < rows; ++r) {
                        const auto q = kt::quantizeRow(t, kt::randomRow(n, uint32_t(700 + r)), isa);
                        std::memcpy(w.data() + size_t(r) * rowBytes, q.data(), rowBytes);
                    }
                    const auto a = kt::quantizeRow(t, kt::randomRow(n, 799), isa);
                    const TypeKernels& k = kernelsFor(t, isa);
                    for (int64_t first : {0, 1, 3, 5})
                        for (int64_t count : {1, 4, 7, 8}) {
                            std::vector<float> out(static_cast<size_t>(count));
                            vecDotRows(t, isa, n, w.data() + size_t(first) * rowBytes, rowBytes,
                                       count, a.data(), out.data());
                            for (int64_t r = 0; r < count; ++r)
                                QVERIFY2(out[size_t(r)] ==
                                             k.vecDot(n, w.data() + size_t(first + r) * rowBytes,
                                                      a.data()),
                                         qPrintable(QString("%1 %2 n=%3 rows %4+%5")
                                                        .arg(typeName(t), isaName(isa))
                                                        .arg(n)
                                                        .arg(first)
                                                        .arg(r)));
                        }
                }
    }

    // Row lengths whose block count is not a multiple of the SIMD kernels' block groups, with the
    // weight rows and the activation ending right before an unreadable page: the kernels must
    // handle the leftover blocks and never read past a row's last byte.
    void kernelsHandleBlockTailsAtBufferEnd_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q4_1, GgmlType::Q5_0,
                           GgmlType::IQ4_NL, GgmlType::Q4_K, GgmlType::Q6_K})
            QTest::newRow(ggmlTypeName(t).data()) << int(t);
    }
    void kernelsHandleBlockTailsAtBufferEnd() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const TypeKernels& ref = kernelsFor(t, Isa::Scalar);
        const int64_t blockElems = ggmlTypeInfo(t).blockSize;
        const long page = sysconf(_SC_PAGESIZE);
        for (int64_t blocks : {1, 2, 3, 5, 7, 25}) {
            const int64_t n = blocks * blockElems, rows = 5;
            const size_t rowBytes = size_t(*hearth::ggmlRowBytes(t, n));
            const size_t actBytes = size_t(*hearth::ggmlRowBytes(ref.vecDotType, n));
            // Weights and activation each end exactly where a PROT_NONE page begins.
            auto guarded = [&](size_t bytes) {
                const size_t span = (bytes + size_t(page) - 1) / size_t(page) * size_t(page);
                auto* m =
                    static_cast<uint8_t*>(mmap(nullptr, span + size_t(page), PROT_READ | PROT_WRITE,
                                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
                if (m == MAP_FAILED) qFatal("mmap failed");
                mprotect(m + span, size_t(page), PROT_NONE);
                return std::pair{m, m + span - bytes};
            };
            auto [wMap, w] = guarded(rowBytes * size_t(rows));
            auto [aMap, a] = guarded(actBytes);
            for (int64_t r = 0; r < rows; ++r) {
                const auto q = kt::quantizeRow(t, kt::randomRow(n, uint32_t(7 * r + n), 0.02f));
                std::memcpy(w + size_t(r) * rowBytes, q.data(), rowBytes);
            }
            const auto aq = kt::quantizeRow(ref.vecDotType, kt::randomRow(n, uint32_t(n + 3)));
            std::memcpy(a, aq.data(), actBytes);
            std::vector<Isa> isas = simdIsas();
            for (Isa isa : isas) {
                std::vector<float> out(static_cast<size_t>(rows)), out2(static_cast<size_t>(rows));
                vecDotRows(t, isa, n, w, rowBytes, rows, a, out.data());
                vecDotRows2(t, isa, n, w, rowBytes, rows, a, a, out2.data(), out2.data());
                for (int64_t r = 0; r < rows; ++r) {
                    const uint8_t* wr = w + size_t(r) * rowBytes;
                    const auto wf = kt::dequantizeRow(t, wr, n);
                    const auto af = kt::dequantizeRow(ref.vecDotType, a, n);
                    const double scalar = ref.vecDot(n, wr, a);
                    const double simd = kernelsFor(t, isa).vecDot(n, wr, a);
                    const QString what = QString("%1 %2 blocks=%3 r=%4")
                                             .arg(typeName(t), isaName(isa))
                                             .arg(blocks)
                                             .arg(r);
                    QVERIFY2(std::fabs(simd - scalar) <= 2e-6 * absDot(wf, af) + 1e-9,
                             qPrintable(what));
                    QVERIFY2(std::fabs(out[size_t(r)] - simd) <=
                                 1e-5 * std::max(1.0, std::fabs(simd)),
                             qPrintable(what));
                    QVERIFY2(out2[size_t(r)] == out[size_t(r)], qPrintable(what));
                }
            }
            munmap(wMap,
                   (rowBytes * size_t(rows) + size_t(page) - 1) / size_t(page) * size_t(page) +
                       size_t(page));
            munmap(aMap,
                   (actBytes + size_t(page) - 1) / size_t(page) * size_t(page) + size_t(page));
        }
    }

    void weightQuantizerRejectsBadInput() {
        std::vector<float> x(300, 0.1f);
        std::vector<uint8_t> out(4096);
        auto s =
            quantizeWeights(GgmlType::Q4_0, x.data(), out.data(), 1, 300); // not a multiple of 32
        QVERIFY(!s.ok());
        QVERIFY(s.error().find("multiple") != std::string::npos);
        QVERIFY(!quantizeWeights(GgmlType::Q4_K, x.data(), out.data(), 1, 288).ok()); // not of 256
        QVERIFY(!quantizeWeights(GgmlType::IQ2_XXS, x.data(), out.data(), 1, 256).ok());
        QVERIFY(!quantizeWeights(GgmlType::Q8_K, x.data(), out.data(), 1, 256).ok());
        QVERIFY(!quantizeWeights(GgmlType::Q4_0, x.data(), out.data(), 1, 0).ok());
        QVERIFY(!canQuantizeWeights(GgmlType::MXFP4));
        QVERIFY(quantizeWeights(GgmlType::Q4_0, x.data(), out.data(), 1, 288).ok());
    }

    void weightQuantizerQ8_0UsesReferenceRounding() {
        // The file quantizer uses ggml's reference (1/d, roundf); values exactly at .5 of a step
        // round away from zero there, while the activation quantizer rounds them to even.
        std::vector<float> x(32, 0.0f);
        x[0] = 127.0f;
        x[1] = 2.5f;
        x[2] = -3.5f;
        std::vector<uint8_t> ref(34), act(34);
        QVERIFY(quantizeWeights(GgmlType::Q8_0, x.data(), ref.data(), 1, 32).ok());
        kernelsFor(GgmlType::Q8_0, Isa::Scalar).quantize(x.data(), act.data(), 32);
        QCOMPARE(int(int8_t(ref[2 + 1])), 3);
        QCOMPARE(int(int8_t(ref[2 + 2])), -4);
        QCOMPARE(int(int8_t(act[2 + 1])), 2);
        QCOMPARE(int(int8_t(act[2 + 2])), -4);
    }
};

QTEST_APPLESS_MAIN(TestKernels)
#include "test_kernels.moc"

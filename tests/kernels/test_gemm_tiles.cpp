// The tiled prefill products (gemm.h): every SIMD tile equals the scalar reference bit for bit
// for odd shapes (tokens 1..17, row counts that are not a multiple of the panel, row ranges that
// start mid-panel as thread splits do), writes nothing outside its rows, and agrees with the
// decode kernels (vecDot) up to float summation order.
#include "engine/cpu/kernels/gemm.h"
#include "kernels/kernel_test_util.h"

#include <QTest>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

using hearth::GgmlType;
using namespace hearth::kernels;

namespace {

constexpr float kGuard = -12345.f;

struct Problem {
    GgmlType type;
    int64_t n, rows, tokens;
    size_t rowBytes, actBytes;
    std::vector<uint8_t> weights, acts;
    std::vector<int32_t> info;
};

Problem makeProblem(GgmlType type, int64_t n, int64_t rows, int64_t tokens, uint32_t seed) {
    Problem p{type, n, rows, tokens, size_t(*hearth::ggmlRowBytes(type, n)), 0, {}, {}, {}};
    const GgmlType actType = kernelsFor(type).vecDotType;
    p.actBytes = size_t(*hearth::ggmlRowBytes(actType, n));
    for (int64_t r = 0; r < rows; ++r) {
        const auto q = kt::quantizeRow(type, kt::randomRow(n, seed + uint32_t(r), 0.05f));
        p.weights.insert(p.weights.end(), q.begin(), q.end());
    }
    for (int64_t t = 0; t < tokens; ++t) {
        const auto q = kt::quantizeRow(actType, kt::randomRow(n, seed + 1000 + uint32_t(t)));
        p.acts.insert(p.acts.end(), q.begin(), q.end());
    }
    p.info.resize(gemmTokenInfoSize(type, n) * size_t(tokens) + 1);
    gemmPrepareTokens(type, n, p.acts.data(), p.actBytes, 0, tokens, p.info.data());
    return p;
}

// Output matrix [tokens][rows + 1]: one guard column past the last row.
std::vector<float> run(const Problem& p, Isa isa, int64_t row0, int64_t row1) {
    const size_t stride = size_t(p.rows) + 1;
    std::vector<float> out(stride * size_t(p.tokens), kGuard);
    gemmRows(p.type, isa, p.n, p.weights.data(), p.rowBytes, row0, row1, p.acts.data(), p.actBytes,
             p.info.data(), p.tokens, out.data(), stride);
    return out;
}

std::vector<GgmlType> tiledTypes() {
    return {GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q6_K};
}

} // namespace

class TestGemmTiles : public QObject {
    Q_OBJECT
private slots:
    void supportedTypes() {
        for (GgmlType t : tiledTypes()) QVERIFY(gemmSupported(t, Isa::Scalar));
        for (GgmlType t : {GgmlType::F32, GgmlType::F16, GgmlType::Q4_1, GgmlType::Q5_K,
                           GgmlType::IQ4_XS, GgmlType::Q8_K})
            for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) QVERIFY(!gemmSupported(t, isa));
        QVERIFY(!gemmSupported(GgmlType::Q8_0, Isa::Avx2)); // would saturate maddubs
    }

    void fastQ8_KQuantizerWritesReferenceBytes() {
        const int64_t n = 1024;
        auto x = kt::randomRow(n, 3);
        x[5] = 9.f; // two largest magnitudes of opposite sign: the first one sets the scale
        x[9] = -9.f;
        for (int64_t i = 256; i < 512; ++i) x[size_t(i)] = 0.f;      // an all-zero super-block
        x[600] = -20.f;                                              // a negative maximum
        for (int64_t i = 768; i < 1024; ++i) x[size_t(i)] *= 1e-30f; // tiny values
        const size_t bytes = size_t(*hearth::ggmlRowBytes(GgmlType::Q8_K, n));
        std::vector<uint8_t> want(bytes, 0xAA);
        kernelsFor(GgmlType::Q8_K, Isa::Scalar).quantize(x.data(), want.data(), n);
        QVERIFY(gemmActivationQuantizer(GgmlType::Q8_K, Isa::Scalar) == nullptr);
        QVERIFY(gemmActivationQuantizer(GgmlType::Q8_0, Isa::Avx512) == nullptr);
        for (Isa isa : {Isa::Avx2, Isa::Avx512}) {
            if (!isaSupported(isa)) continue;
            const QuantizeRowFn fast = gemmActivationQuantizer(GgmlType::Q8_K, isa);
            QVERIFY(fast != nullptr);
            for (uint32_t seed = 0; seed < 20; ++seed) {
                auto y = seed == 0 ? x : kt::randomRow(n, 100 + seed, 0.1f + float(seed));
                kernelsFor(GgmlType::Q8_K, Isa::Scalar).quantize(y.data(), want.data(), n);
                std::vector<uint8_t> got(bytes, 0x55);
                fast(y.data(), got.data(), n);
                QVERIFY2(got == want,
                         qPrintable(QString("%1 seed %2").arg(isaName(isa)).arg(seed)));
            }
        }
    }

    void simdEqualsScalarBitForBit_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : tiledTypes())
            QTest::newRow(std::string(hearth::ggmlTypeName(t)).c_str()) << int(t);
    }
    void simdEqualsScalarBitForBit() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const bool kquant = t == GgmlType::Q4_K || t == GgmlType::Q6_K;
        // Odd block counts (3 blocks for Q4_0/Q8_0) and several super-blocks for the k-quants.
        const int64_t n = kquant ? 512 : 96;
        for (int64_t rows : {1, 7, 16, 23, 40}) {
            const Problem p = makeProblem(t, n, rows, 17, uint32_t(rows * 31));
            for (int64_t tokens = 1; tokens <= 17; ++tokens) {
                Problem sub = p;
                sub.tokens = tokens;
                const auto ref = run(sub, Isa::Scalar, 0, rows);
                for (Isa isa : {Isa::Avx2, Isa::Avx512}) {
                    if (!isaSupported(isa) || !gemmSupported(t, isa)) continue;
                    const auto got = run(sub, isa, 0, rows);
                    const auto at = qPrintable(
                        QString("%1 rows=%2 tokens=%3").arg(isaName(isa)).arg(rows).arg(tokens));
                    QVERIFY2(std::memcmp(ref.data(), got.data(), ref.size() * 4) == 0, at);
                }
            }
        }
    }

    void rowRangesAreIndependent_data() { simdEqualsScalarBitForBit_data(); }
    void rowRangesAreIndependent() {
        // Threads split rows anywhere: a range starting mid-panel gives the same values and
        // leaves every other row untouched.
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const bool kquant = t == GgmlType::Q4_K || t == GgmlType::Q6_K;
        const Problem p = makeProblem(t, kquant ? 256 : 64, 37, 9, 5);
        for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
            if (!isaSupported(isa) || !gemmSupported(t, isa)) continue;
            const auto whole = run(p, isa, 0, p.rows);
            const auto part = run(p, isa, 5, 30);
            const size_t stride = size_t(p.rows) + 1;
            for (int64_t tok = 0; tok < p.tokens; ++tok)
                for (int64_t r = 0; r <= p.rows; ++r) {
                    const size_t i = size_t(tok) * stride + size_t(r);
                    const float want = (r >= 5 && r < 30) ? whole[i] : kGuard;
                    QVERIFY2(
                        std::memcmp(&want, &part[i], 4) == 0,
                        qPrintable(QString("%1 tok=%2 r=%3").arg(isaName(isa)).arg(tok).arg(r)));
                }
        }
    }

    void agreesWithVecDot_data() { simdEqualsScalarBitForBit_data(); }
    void agreesWithVecDot() {
        // Same integers, different float summation order: the gap is rounding, bounded by a
        // small fraction of the sum of |terms| (from the dequantized values).
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const int64_t n = 1024;
        const Problem p = makeProblem(t, n, 19, 6, 77);
        const GgmlType actType = kernelsFor(t).vecDotType;
        for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
            if (!isaSupported(isa) || !gemmSupported(t, isa)) continue;
            const auto got = run(p, isa, 0, p.rows);
            for (int64_t tok = 0; tok < p.tokens; ++tok) {
                const uint8_t* a = p.acts.data() + size_t(tok) * p.actBytes;
                const auto af = kt::dequantizeRow(actType, a, n);
                for (int64_t r = 0; r < p.rows; ++r) {
                    const uint8_t* w = p.weights.data() + size_t(r) * p.rowBytes;
                    const auto wf = kt::dequantizeRow(t, w, n);
                    double magnitude = 0;
                    for (int64_t i = 0; i < n; ++i)
                        magnitude += std::fabs(double(wf[size_t(i)]) * af[size_t(i)]);
                    const float want = kernelsFor(t, isa).vecDot(n, w, a);
                    const float have = got[size_t(tok) * (size_t(p.rows) + 1) + size_t(r)];
                    QVERIFY2(std::fabs(double(have) - want) <= 2e-6 * magnitude + 1e-7,
                             qPrintable(QString("%1 tok=%2 r=%3: %4 vs %5 (|terms| %6)")
                                            .arg(isaName(isa))
                                            .arg(tok)
                                            .arg(r)
                                            .arg(double(have))
                                            .arg(double(want))
                                            .arg(magnitude)));
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestGemmTiles)
#include "test_gemm_tiles.moc"

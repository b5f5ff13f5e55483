// vecDotRows2 (two activation rows per weight pass, used by prefill) must give exactly what
// vecDotRows gives for each activation on every ISA, so prefill and decode logits agree bit for
// bit and conformance goldens hold whatever the batch size.
#include "engine/cpu/kernels/kernels.h"

#include <QTest>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using hearth::GgmlType;
using namespace hearth::kernels;

namespace {

std::vector<uint8_t> quantizedRandomRow(GgmlType type, int64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.f, 1.f);
    std::vector<float> x(static_cast<size_t>(n));
    for (auto& v : x) v = dist(rng);
    std::vector<uint8_t> q(size_t(*hearth::ggmlRowBytes(type, n)));
    kernelsFor(type, Isa::Scalar).quantize(x.data(), q.data(), n);
    return q;
}

} // namespace

class TestVecDotRows2 : public QObject {
    Q_OBJECT
private slots:
    void matchesVecDotRowsBitForBit_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t :
             {GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1,
              GgmlType::IQ4_NL, GgmlType::Q4_K, GgmlType::Q6_K, GgmlType::F16})
            QTest::newRow(std::string(hearth::ggmlTypeName(t)).c_str()) << int(t);
    }
    void matchesVecDotRowsBitForBit() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const int64_t n = 512;
        const size_t rowBytes = size_t(*hearth::ggmlRowBytes(t, n));
        const GgmlType actType = kernelsFor(t).vecDotType;
        const auto a0 = quantizedRandomRow(actType, n, 7);
        const auto a1 = quantizedRandomRow(actType, n, 8);
        for (int64_t rows : {0, 1, 3, 4, 5, 8, 13}) {
            std::vector<uint8_t> w(rowBytes * size_t(rows));
            for (int64_t r = 0; r < rows; ++r) {
                const auto q = quantizedRandomRow(t, n, uint32_t(100 + r));
                std::memcpy(w.data() + size_t(r) * rowBytes, q.data(), rowBytes);
            }
            for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
                if (!isaSupported(isa)) continue;
                // One guard element past nRows: the kernel must not write there.
                std::vector<float> one0(size_t(rows) + 1), one1(size_t(rows) + 1);
                std::vector<float> two0(size_t(rows) + 1, -7.f), two1(size_t(rows) + 1, -7.f);
                vecDotRows(t, isa, n, w.data(), rowBytes, rows, a0.data(), one0.data());
                vecDotRows(t, isa, n, w.data(), rowBytes, rows, a1.data(), one1.data());
                vecDotRows2(t, isa, n, w.data(), rowBytes, rows, a0.data(), a1.data(), two0.data(),
                            two1.data());
                QCOMPARE(two0[size_t(rows)], -7.f);
                QCOMPARE(two1[size_t(rows)], -7.f);
                for (int64_t r = 0; r < rows; ++r) {
                    const auto at =
                        qPrintable(QString("%1 rows=%2 r=%3").arg(isaName(isa)).arg(rows).arg(r));
                    QVERIFY2(std::memcmp(&one0[size_t(r)], &two0[size_t(r)], 4) == 0, at);
                    QVERIFY2(std::memcmp(&one1[size_t(r)], &two1[size_t(r)], 4) == 0, at);
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestVecDotRows2)
#include "test_vecdot_rows2.moc"

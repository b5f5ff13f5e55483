// vector_math.h: exp correctly rounded over the whole float range (denormal results and the
// overflow edge included) and equal to libm's, the special values, SiLU / SwiGLU against double
// arithmetic, and every SIMD ISA equal to the scalar reference bit for bit, for any row length
// (masked tails) and without writing past the row.
#include "engine/cpu/kernels/vector_math.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace hearth::kernels;

namespace {

std::vector<Isa> allIsas() {
    std::vector<Isa> isas{Isa::Scalar};
    for (Isa isa : {Isa::Avx2, Isa::Avx512})
        if (isaSupported(isa)) isas.push_back(isa);
    return isas;
}

// Distance in units in the last place of the float nearest to `exact`.
double ulpError(float got, double exact) {
    const float nearest = static_cast<float>(exact);
    if (std::isinf(nearest)) return std::isinf(got) ? 0.0 : 1e9;
    const double ulp = std::nextafter(std::fabs(nearest), std::numeric_limits<float>::infinity()) -
                       std::fabs(nearest);
    return std::fabs(double(got) - exact) /
           (ulp > 0 ? ulp : std::numeric_limits<float>::denorm_min());
}

bool sameBits(float a, float b) {
    if (std::isnan(a) && std::isnan(b)) return true;
    return std::memcmp(&a, &b, 4) == 0;
}

std::vector<float> sweep() { // every 1/4096 from -110 to 95, plus random points
    std::vector<float> xs;
    for (int i = -110 * 4096; i <= 95 * 4096; ++i) xs.push_back(float(i) / 4096.0f);
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(-105.0f, 90.0f);
    for (int i = 0; i < 200000; ++i) xs.push_back(u(rng));
    return xs;
}

} // namespace

class TestVectorMath : public QObject {
    Q_OBJECT
private slots:
    void expWithinTwoUlp() {
        const std::vector<float> xs = sweep();
        std::vector<float> ys(xs.size());
        for (Isa isa : allIsas()) {
            expShifted(isa, xs.data(), 0.0f, ys.data(), int64_t(xs.size()));
            double worst = 0;
            float worstX = 0;
            for (size_t i = 0; i < xs.size(); ++i) {
                const double e = ulpError(ys[i], std::exp(double(xs[i])));
                if (e > worst) {
                    worst = e;
                    worstX = xs[i];
                }
            }
            // Correctly rounded but for the rare input near a rounding boundary.
            QVERIFY2(worst <= 0.501, qPrintable(QStringLiteral("%1: %2 ulp at x = %3")
                                                    .arg(isaName(isa))
                                                    .arg(worst)
                                                    .arg(double(worstX), 0, 'g', 9)));
        }
    }

    // Correctly rounded (the float nearest to the long double exp) nearly everywhere, and so
    // nearly always the value glibc's expf gives (0.502 ulp at worst), which decode used before:
    // results that go through exp and are then rounded to F16 or BF16 do not move.
    void expCorrectlyRounded() {
        const std::vector<float> xs = sweep();
        std::vector<float> ys(xs.size());
        expShifted(xs.data(), 0.0f, ys.data(), int64_t(xs.size()));
        size_t wrong = 0, fromLibm = 0;
        for (size_t i = 0; i < xs.size(); ++i) {
            wrong += !sameBits(ys[i], static_cast<float>(expl(static_cast<long double>(xs[i]))));
            fromLibm += !sameBits(ys[i], std::exp(xs[i]));
        }
        qInfo("of %zu: %zu not correctly rounded, %zu differ from std::exp by 1 ulp", xs.size(),
              wrong, fromLibm);
        QVERIFY(wrong * 1000000 <= xs.size());
        QVERIFY(fromLibm * 1000 <= xs.size());
    }

    void expSpecialValues() {
        const float inf = std::numeric_limits<float>::infinity();
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<float> xs{0.0f,   -0.0f,   -inf,    inf,    nan, 88.72f,
                                    88.73f, -103.9f, -104.5f, -87.0f, 1.0f};
        std::vector<float> ys(xs.size());
        for (Isa isa : allIsas()) {
            expShifted(isa, xs.data(), 0.0f, ys.data(), int64_t(xs.size()));
            QCOMPARE(ys[0], 1.0f);
            QCOMPARE(ys[1], 1.0f);
            QCOMPARE(ys[2], 0.0f); // softmax's masked entries must get no weight at all
            QVERIFY(std::isinf(ys[3]) && ys[3] > 0);
            QVERIFY(std::isnan(ys[4]));
            QVERIFY(std::isfinite(ys[5]) && ys[5] > 3.3e38f); // just below FLT_MAX's log
            QVERIFY(std::isinf(ys[6]));
            QVERIFY(ys[7] > 0 && ys[7] < std::numeric_limits<float>::min()); // denormal
            QCOMPARE(ys[8], 0.0f);
            QVERIFY(ulpError(ys[9], std::exp(-87.0)) <= 2.0);
            QVERIFY(ulpError(ys[10], std::exp(1.0)) <= 2.0);
        }
        // The shift is subtracted first: exp(x - max) as softmax uses it.
        const float x[3] = {10.0f, 9.0f, -inf};
        float y[3];
        expShifted(x, 10.0f, y, 3);
        QCOMPARE(y[0], 1.0f);
        QVERIFY(ulpError(y[1], std::exp(-1.0)) <= 2.0);
        QCOMPARE(y[2], 0.0f);
    }

    void siluAgainstDouble() {
        std::vector<float> xs, up;
        for (int i = -60 * 256; i <= 60 * 256; ++i) xs.push_back(float(i) / 256.0f);
        std::mt19937 rng(5);
        std::normal_distribution<float> n(0.0f, 2.0f);
        for (size_t i = 0; i < xs.size(); ++i) up.push_back(n(rng));
        std::vector<float> s(xs.size()), g(xs.size());
        for (Isa isa : allIsas()) {
            silu(isa, xs.data(), s.data(), int64_t(xs.size()));
            siluMul(isa, xs.data(), up.data(), g.data(), int64_t(xs.size()));
            for (size_t i = 0; i < xs.size(); ++i) {
                const double x = xs[i], exact = x / (1.0 + std::exp(-x));
                QVERIFY2(ulpError(s[i], exact) <= 3.0,
                         qPrintable(QStringLiteral("%1 silu(%2)").arg(isaName(isa)).arg(x)));
                // One more rounding (the product) on top of silu's.
                QVERIFY2(std::fabs(double(g[i]) - exact * up[i]) <=
                             std::fabs(exact * up[i]) * 4.0 * std::ldexp(1.0, -24) + 1e-37,
                         qPrintable(QStringLiteral("%1 swiglu(%2)").arg(isaName(isa)).arg(x)));
            }
        }
        // The far tails: silu(x) -> x for large x, -> -0 for very negative x, no NaN.
        const float edge[4] = {200.0f, -200.0f, 1e30f, -1e30f};
        float out[4];
        silu(edge, out, 4);
        QCOMPARE(out[0], 200.0f);
        QVERIFY(out[1] <= 0.0f && out[1] > -1e-30f);
        QCOMPARE(out[2], 1e30f);
        QVERIFY(out[3] <= 0.0f && std::isfinite(out[3]));
    }

    // Each lane's result depends only on its input, whatever the ISA, the row length or where the
    // element sits in the row: so a split of a row across threads cannot change a result.
    void isasEqualScalarForEveryLength() {
        std::mt19937 rng(3);
        std::normal_distribution<float> n(0.0f, 8.0f);
        std::vector<float> x(200), u(200);
        for (auto& v : x) v = n(rng);
        for (auto& v : u) v = n(rng);
        x[17] = -std::numeric_limits<float>::infinity();
        constexpr float kCanary = 12345.0f;
        for (Isa isa : allIsas()) {
            if (isa == Isa::Scalar) continue;
            for (int len = 0; len <= 40; ++len)
                for (int start : {0, 1, 7, 13}) {
                    std::vector<float> ref(len + 1, kCanary), got(len + 1, kCanary);
                    expShifted(Isa::Scalar, x.data() + start, 1.5f, ref.data(), len);
                    expShifted(isa, x.data() + start, 1.5f, got.data(), len);
                    for (int i = 0; i <= len; ++i) QVERIFY(sameBits(ref[i], got[i]));
                    QCOMPARE(got[len], kCanary);
                    silu(Isa::Scalar, x.data() + start, ref.data(), len);
                    silu(isa, x.data() + start, got.data(), len);
                    for (int i = 0; i <= len; ++i) QVERIFY(sameBits(ref[i], got[i]));
                    QCOMPARE(got[len], kCanary);
                    siluMul(Isa::Scalar, x.data() + start, u.data() + start, ref.data(), len);
                    siluMul(isa, x.data() + start, u.data() + start, got.data(), len);
                    for (int i = 0; i <= len; ++i) QVERIFY(sameBits(ref[i], got[i]));
                    QCOMPARE(got[len], kCanary);
                }
            // The whole sweep too.
            const std::vector<float> xs = sweep();
            std::vector<float> a(xs.size()), b(xs.size());
            expShifted(Isa::Scalar, xs.data(), 0.25f, a.data(), int64_t(xs.size()));
            expShifted(isa, xs.data(), 0.25f, b.data(), int64_t(xs.size()));
            for (size_t i = 0; i < xs.size(); ++i)
                QVERIFY2(sameBits(a[i], b[i]),
                         qPrintable(QStringLiteral("%1 exp(%2)").arg(isaName(isa)).arg(xs[i])));
        }
    }
};

QTEST_APPLESS_MAIN(TestVectorMath)
#include "test_vector_math.moc"

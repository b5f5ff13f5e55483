// Every Vulkan kernel against a CPU reference on random inputs of many shapes (odd sizes, every
// weight type), plus the bad-input paths. Tolerances are stated next to each comparison.
// Runs on any Vulkan device (CI: Mesa lavapipe); skipped with the reason when there is none.
#include "reference_dequant.h"
#include "vk_test_util.h"

#include "engine/vulkan/vk_rope_table.h"

#include "engine/cpu/fp16.h"
#include "engine/cpu/kernels/block_types.h"
#include "engine/cpu/kernels/kernels.h"
#include "engine/vulkan/vk_instance.h"

#include <cstring>
#include <memory>
#include <random>

using namespace hearth;
using namespace hearth::vk;
using namespace vktest;

namespace {

const GgmlType kWeightTypes[] = {GgmlType::F32,  GgmlType::F16,    GgmlType::BF16,  GgmlType::Q8_0,
                                 GgmlType::Q4_0, GgmlType::Q4_1,   GgmlType::Q5_0,  GgmlType::Q5_1,
                                 GgmlType::Q2_K, GgmlType::Q3_K,   GgmlType::Q4_K,  GgmlType::Q5_K,
                                 GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};

std::vector<float> randomFloats(size_t n, std::mt19937& rng, float lo = -1, float hi = 1) {
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}

RowsView view(const Buffer& b, uint32_t stride, uint64_t offset = 0) {
    return RowsView{&b, offset, stride};
}

float roundHalf(float x) {
    return cpu::halfToFloat(cpu::floatToHalf(x));
}

} // namespace

class TestVulkanOps : public QObject {
    Q_OBJECT
    std::unique_ptr<Context> ctx_;
    std::unique_ptr<Ops> ops_;
    std::mt19937 rng_{1234};

    Status run() { return ctx_->stream().submitAndWait(); }

    // One product with every shape given; compares against the test's own dequantizer in double.
    void checkMulMat(Ops& ops, GgmlType type, uint32_t rows, uint32_t k, uint32_t cols,
                     uint32_t xStride, bool accumulate) {
        const uint64_t rowBytes = *ggmlRowBytes(type, k);
        const uint64_t wOffset = 4 * (rng_() % 8); // weights need not start at binding 0
        std::vector<uint8_t> w = randomRows(type, rows, k, rng_);
        std::vector<uint8_t> padded(wOffset, 0xAB);
        padded.insert(padded.end(), w.begin(), w.end());
        const std::vector<float> x = randomFloats(size_t(cols) * xStride, rng_);
        const uint32_t yStride = rows + 3;
        std::vector<float> y0 = randomFloats(size_t(cols) * yStride, rng_);
        Buffer wb = upload(*ctx_, padded), xb = upload(*ctx_, x), yb = upload(*ctx_, y0);
        auto s = ops.mulMat(WeightView{&wb, wOffset, type, rows, k}, view(xb, xStride), cols,
                            view(yb, yStride), accumulate);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().c_str());
        s = run();
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().c_str());
        const auto y = download(*ctx_, yb, y0.size());
        std::vector<float> wf(size_t(rows) * k);
        for (uint32_t r = 0; r < rows; ++r)
            referenceDequantize(type, w.data() + r * rowBytes, wf.data() + size_t(r) * k, k);
        Check c;
        for (uint32_t col = 0; col < cols; ++col) {
            for (uint32_t r = 0; r < rows; ++r) {
                double sum = 0, mag = 0;
                for (uint32_t i = 0; i < k; ++i) {
                    const double p = double(wf[size_t(r) * k + i]) * x[size_t(col) * xStride + i];
                    sum += p;
                    mag += std::fabs(p);
                }
                const size_t yi = size_t(col) * yStride + r;
                if (accumulate) sum += y0[yi];
                // F32 accumulation over k terms: 2e-6 of the magnitude sum, plus a floor.
                c.add(yi, y[yi], sum, 1e-6 + 2e-6 * (mag + std::fabs(y0[yi])));
            }
            // Padding between columns stays untouched.
            for (uint32_t r = rows; r < yStride; ++r) {
                const size_t yi = size_t(col) * yStride + r;
                c.add(yi, y[yi], y0[yi], 1e-30);
            }
        }
        QVERIFY2(c.worst <= 1.0, qPrintable(QStringLiteral("%1 rows=%2 k=%3 cols=%4: %5")
                                                .arg(QString::fromLatin1(ggmlTypeName(type).data()))
                                                .arg(rows)
                                                .arg(k)
                                                .arg(cols)
                                                .arg(c.describe())));
    }

private slots:
    void initTestCase() {
        auto c = Context::create();
        if (!c)
            QSKIP(qPrintable(QStringLiteral("no Vulkan device: ") +
                             QString::fromStdString(c.error())));
        ctx_ = std::move(*c);
        ops_ = std::make_unique<Ops>(*ctx_);
        qInfo("Vulkan device: %s (%s), subgroup size %u, arithmetic %d, max binding %llu MiB, "
              "validation %d",
              ctx_->info().name.c_str(), ctx_->info().type.c_str(), ctx_->info().subgroupSize,
              int(ctx_->info().subgroupArithmetic),
              static_cast<unsigned long long>(ctx_->info().maxStorageBufferRange >> 20),
              int(ctx_->validationEnabled()));
    }

    void cleanupTestCase() {
        ops_.reset();
        ctx_.reset();
        // With HEARTH_VULKAN_VALIDATION=1 the Khronos layer reports every API misuse here.
        QCOMPARE(vk::validationErrorCount(), uint64_t(0));
    }

    void mulMatEveryType_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : kWeightTypes)
            QTest::newRow(ggmlTypeName(t).data()) << static_cast<int>(t);
    }
    void mulMatEveryType() {
        QFETCH(int, type);
        const auto t = static_cast<GgmlType>(type);
        const uint32_t block = ggmlTypeInfo(t).blockSize;
        struct Shape {
            uint32_t rows, k, cols;
        };
        std::vector<Shape> shapes;
        if (block == 1)
            shapes = {{1, 1, 1}, {7, 33, 1}, {17, 100, 3}, {64, 255, 9}, {5, 1024, 17}};
        else if (block == 32)
            shapes = {{1, 32, 1}, {13, 96, 1}, {33, 224, 5}, {64, 1056, 8}, {3, 2048, 11}};
        else
            shapes = {{1, 256, 1}, {11, 512, 2}, {37, 768, 9}, {4, 2816, 1}};
        for (bool small : {true, false})
            for (bool sg : {true, false}) {
                Ops ops(*ctx_);
                ops.setUseSubgroups(sg);
                ops.setUseSmallStorage(small);
                if (sg && !ops.useSubgroups()) continue;       // device without subgroup arithmetic
                if (small && !ops.useSmallStorage()) continue; // no 8/16-bit storage
                for (const Shape& s : shapes) {
                    checkMulMat(ops, t, s.rows, s.k, s.cols, s.k, false);
                    if (QTest::currentTestFailed()) return;
                }
                // Strided columns and accumulation into existing values.
                checkMulMat(ops, t, 9, shapes.back().k, 3, shapes.back().k + 5, true);
            }
    }

    // The 8/16-bit storage shaders and the 32-bit-word fallback read the same bytes: products
    // (F32 activations, and the integer activation levels the backend uses) and embedding rows
    // are equal bit for bit. Skipped where the device lacks 8/16-bit storage.
    void smallStorageMatchesWords_data() { mulMatEveryType_data(); }
    void smallStorageMatchesWords() {
        QFETCH(int, type);
        const auto t = static_cast<GgmlType>(type);
        Ops small(*ctx_), words(*ctx_);
        small.setUseSmallStorage(true);
        words.setUseSmallStorage(false);
        if (!small.useSmallStorage()) QSKIP("the device has no 8/16-bit storage buffer access");
        QVERIFY(!words.useSmallStorage());
        const uint32_t block = ggmlTypeInfo(t).blockSize;
        const uint32_t k = block == 1 ? 100 : block == 32 ? 224 : 768, rows = 37, cols = 5;
        const auto w = randomRows(t, rows, k, rng_);
        const auto x = randomFloats(cols * k, rng_, -2, 2);
        const GgmlType act = hearth::kernels::kernelsFor(t).vecDotType; // as the backend
        const bool levels = act == GgmlType::Q8_0 || act == GgmlType::Q8_1 || act == GgmlType::Q8_K;
        const uint32_t nb = k / std::max<uint32_t>(ggmlTypeInfo(act).blockSize, 1);
        const uint32_t scales = cols * k, sums = scales + cols * nb;
        Buffer wb = upload(*ctx_, w), xb = upload(*ctx_, x);
        Buffer qb = zeros(*ctx_, sums + cols * k / 32);
        if (levels)
            QVERIFY(ops_->roundActivations(act, view(xb, k), view(qb, k), cols, k,
                                           act == GgmlType::Q8_1 ? int64_t(sums) : -1, scales)
                        .ok());
        const std::vector<int32_t> ids = {0, 36, 5, 5};
        Buffer ib = upload(*ctx_, ids);
        std::vector<float> results[2][3];
        for (int m = 0; m < 2; ++m) {
            Ops& ops = m == 0 ? small : words;
            Buffer y1 = zeros(*ctx_, cols * rows), y2 = zeros(*ctx_, cols * rows);
            Buffer g = zeros(*ctx_, ids.size() * k);
            const WeightView wv{&wb, 0, t, rows, k};
            QVERIFY(ops.mulMat(wv, view(xb, k), cols, view(y1, rows)).ok());
            if (levels)
                QVERIFY(ops.mulMat(wv, view(qb, k), cols, view(y2, rows), false,
                                   act == GgmlType::Q8_1 ? int64_t(sums) : -1, scales)
                            .ok());
            QVERIFY(ops.getRows(wv, ib, 0, ids.size(), view(g, k)).ok());
            QVERIFY(run().ok());
            results[m][0] = download(*ctx_, y1, cols * rows);
            results[m][1] = download(*ctx_, y2, cols * rows);
            results[m][2] = download(*ctx_, g, ids.size() * k);
        }
        for (int r = 0; r < 3; ++r)
            QVERIFY2(
                std::memcmp(results[0][r].data(), results[1][r].data(), results[0][r].size() * 4) ==
                    0,
                qPrintable(QStringLiteral("result %1 differs between the storage paths").arg(r)));
    }

    // Weights bigger than one binding are split by row ranges (here with a 1 MiB cap so the
    // test stays small; real devices hit this at maxStorageBufferRange, 128 MiB on lavapipe).
    void mulMatSplitsLargeBindings() {
        ContextOptions o;
        o.maxBindingBytes = 1 << 20;
        auto small = Context::create(o);
        QVERIFY2(small.ok(), small.ok() ? "" : small.error().c_str());
        std::swap(ctx_, *small);
        Ops ops(*ctx_);
        QCOMPARE(ctx_->info().maxStorageBufferRange, uint64_t(1) << 20);
        // Q4_K 3000 x 1024: 1.65 MiB of weights -> two bindings; F32 700 x 1000: 2.8 MiB.
        checkMulMat(ops, GgmlType::Q4_K, 3000, 1024, 2, 1024, false);
        checkMulMat(ops, GgmlType::F32, 700, 1000, 1, 1000, false);
        // An activation view over the cap is a clear error, not a crash.
        Buffer big = zeros(*ctx_, 600000), w = zeros(*ctx_, 600000), y = zeros(*ctx_, 8);
        auto s = ops.mulMat(WeightView{&w, 0, GgmlType::F32, 1, 300000}, view(big, 300000), 2,
                            view(y, 1));
        QVERIFY(!s.ok());
        QVERIFY2(QString::fromStdString(s.error()).contains(QLatin1String("range")),
                 s.error().c_str());
        std::swap(ctx_, *small);
    }

    void getRowsEveryType_data() { mulMatEveryType_data(); }
    void getRowsEveryType() {
        QFETCH(int, type);
        const auto t = static_cast<GgmlType>(type);
        const uint32_t block = ggmlTypeInfo(t).blockSize;
        const uint32_t k = block == 1 ? 77 : block * 3, rows = 41;
        const auto table = randomRows(t, rows, k, rng_);
        const std::vector<int32_t> ids = {0, 40, 7, 7, 13, 39, 1};
        Buffer tb = upload(*ctx_, table), ib = upload(*ctx_, ids);
        const uint32_t outStride = k + 1;
        Buffer ob = zeros(*ctx_, ids.size() * outStride);
        auto s =
            ops_->getRows(WeightView{&tb, 0, t, rows, k}, ib, 0, ids.size(), view(ob, outStride));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().c_str());
        QVERIFY(run().ok());
        const auto out = download(*ctx_, ob, ids.size() * outStride);
        const uint64_t rowBytes = *ggmlRowBytes(t, k);
        std::vector<float> want(k);
        for (size_t i = 0; i < ids.size(); ++i) {
            referenceDequantize(t, table.data() + ids[i] * rowBytes, want.data(), k);
            for (uint32_t j = 0; j < k; ++j) // decoding is exact up to float rounding
                QVERIFY2(std::fabs(out[i * outStride + j] - want[j]) <=
                             1e-6f * std::fabs(want[j]) + 1e-30f,
                         qPrintable(QStringLiteral("id %1 element %2").arg(ids[i]).arg(j)));
        }
    }

    void norms() {
        for (uint32_t n : {1u, 7u, 64u, 100u, 4097u}) {
            const uint32_t rows = 5, stride = n + 2;
            const auto x = randomFloats(rows * stride, rng_, -3, 3);
            Buffer xb = upload(*ctx_, x), rb = zeros(*ctx_, rows * n), lb = zeros(*ctx_, rows * n);
            QVERIFY(ops_->rmsNorm(view(xb, stride), view(rb, n), rows, n, 1e-5f).ok());
            QVERIFY(ops_->layerNorm(view(xb, stride), view(lb, n), rows, n, 1e-5f).ok());
            QVERIFY(run().ok());
            const auto r = download(*ctx_, rb, rows * n), l = download(*ctx_, lb, rows * n);
            Check cr, cl;
            for (uint32_t i = 0; i < rows; ++i) {
                double ss = 0, sum = 0;
                for (uint32_t j = 0; j < n; ++j) {
                    ss += double(x[i * stride + j]) * x[i * stride + j];
                    sum += x[i * stride + j];
                }
                const double mean = sum / n, var = ss / n - mean * mean;
                for (uint32_t j = 0; j < n; ++j) {
                    const double v = x[i * stride + j];
                    // Relative 1e-5 (float sums of n squares), absolute 1e-5.
                    const double wr = v / std::sqrt(ss / n + 1e-5);
                    const double wl = (v - mean) / std::sqrt(std::max(var, 0.0) + 1e-5);
                    cr.add(i * n + j, r[i * n + j], wr, 1e-5 + 1e-5 * std::fabs(wr));
                    cl.add(i * n + j, l[i * n + j], wl, 1e-4 + 1e-4 * std::fabs(wl));
                }
            }
            QVERIFY2(cr.worst <= 1, qPrintable(QStringLiteral("rms n=%1 ").arg(n) + cr.describe()));
            QVERIFY2(cl.worst <= 1,
                     qPrintable(QStringLiteral("layer n=%1 ").arg(n) + cl.describe()));
        }
    }

    void softmaxRows() {
        for (uint32_t n : {1u, 5u, 64u, 129u, 32000u}) {
            const uint32_t rows = 3;
            const auto x = randomFloats(rows * n, rng_, -20, 20);
            Buffer xb = upload(*ctx_, x), yb = zeros(*ctx_, rows * n);
            QVERIFY(ops_->softmax(view(xb, n), view(yb, n), rows, n, 0.5f).ok());
            QVERIFY(run().ok());
            const auto y = download(*ctx_, yb, rows * n);
            Check c;
            for (uint32_t i = 0; i < rows; ++i) {
                double m = -1e30, sum = 0;
                for (uint32_t j = 0; j < n; ++j) m = std::max(m, 0.5 * x[i * n + j]);
                for (uint32_t j = 0; j < n; ++j) sum += std::exp(0.5 * x[i * n + j] - m);
                for (uint32_t j = 0; j < n; ++j) {
                    const double want = std::exp(0.5 * x[i * n + j] - m) / sum;
                    c.add(i * n + j, y[i * n + j], want, 1e-7 + 1e-5 * want);
                }
            }
            QVERIFY2(c.worst <= 1, qPrintable(QStringLiteral("n=%1 ").arg(n) + c.describe()));
        }
    }

    void ropeBothStyles() {
        for (bool neox : {false, true}) {
            RopeParams p;
            p.tokens = 6;
            p.heads = 3;
            p.headDim = 64;
            p.nRot = neox ? 32 : 64; // partial rotation too
            p.neox = neox;
            const float freqBase = 10000.0f, freqScale = 0.5f;
            const uint32_t stride = p.heads * p.headDim + 4;
            const auto x = randomFloats(p.tokens * stride, rng_);
            const std::vector<int32_t> pos = {0, 1, 2, 17, 300, 511};
            const auto table = hearth::vk::ropeTable(pos, int(p.nRot), freqBase, freqScale);
            Buffer xb = upload(*ctx_, x), tb = upload(*ctx_, table);
            QVERIFY(ops_->rope(view(xb, stride), view(xb, stride), tb, 0, p).ok()); // in place
            QVERIFY(run().ok());
            const auto y = download(*ctx_, xb, x.size());
            Check c, angles;
            for (uint32_t t = 0; t < p.tokens; ++t)
                for (uint32_t h = 0; h < p.heads; ++h) {
                    const size_t b = t * stride + h * p.headDim;
                    std::vector<float> want(x.begin() + b, x.begin() + b + p.headDim);
                    for (uint32_t i = 0; i < p.nRot / 2; ++i) {
                        const float cs = table[(t * p.nRot / 2 + i) * 2];
                        const float sn = table[(t * p.nRot / 2 + i) * 2 + 1];
                        // The table holds the angles the CPU backend uses (float theta built
                        // by repeated multiplication): within float rounding of the exact ones.
                        const double theta = pos[t] * double(freqScale) *
                                             std::pow(double(freqBase), -2.0 * i / p.nRot);
                        angles.add(i, cs, std::cos(theta), 1e-4);
                        angles.add(i, sn, std::sin(theta), 1e-4);
                        const uint32_t a = neox ? i : 2 * i, bb = neox ? i + p.nRot / 2 : 2 * i + 1;
                        const float x0 = x[b + a], x1 = x[b + bb];
                        want[a] = x0 * cs - x1 * sn;
                        want[bb] = x0 * sn + x1 * cs;
                    }
                    // The same float operations as the CPU backend: equal up to the last bit.
                    for (uint32_t d = 0; d < p.headDim; ++d) c.add(b + d, y[b + d], want[d], 1e-7);
                }
            QVERIFY2(angles.worst <= 1, qPrintable(angles.describe()));
            QVERIFY2(c.worst <= 1, qPrintable(c.describe()));
        }
    }

    void gluAndElementwise() {
        const uint32_t rows = 4, n = 1001;
        const auto g = randomFloats(rows * n, rng_, -6, 6), u = randomFloats(rows * n, rng_);
        const auto bias = randomFloats(n, rng_);
        Buffer gb = upload(*ctx_, g), ub = upload(*ctx_, u), bb = upload(*ctx_, bias);
        Buffer sw = zeros(*ctx_, rows * n), ge = zeros(*ctx_, rows * n),
               ad = zeros(*ctx_, rows * n), mu = zeros(*ctx_, rows * n),
               sc = zeros(*ctx_, rows * n);
        QVERIFY(ops_->glu(view(gb, n), view(ub, n), view(sw, n), rows, n, false).ok());
        QVERIFY(ops_->glu(view(gb, n), view(ub, n), view(ge, n), rows, n, true).ok());
        QVERIFY(
            ops_->binary(BinaryOp::Add, view(gb, n), view(bb, n), 1, n, view(ad, n), rows, n).ok());
        QVERIFY(ops_->binary(BinaryOp::Mul, view(gb, n), view(ub, n), rows, n, view(mu, n), rows, n)
                    .ok());
        QVERIFY(ops_->scale(view(gb, n), view(sc, n), rows, n, -0.25f).ok());
        QVERIFY(run().ok());
        const auto s1 = download(*ctx_, sw, rows * n), s2 = download(*ctx_, ge, rows * n),
                   s3 = download(*ctx_, ad, rows * n), s4 = download(*ctx_, mu, rows * n),
                   s5 = download(*ctx_, sc, rows * n);
        Check c;
        for (uint32_t i = 0; i < rows * n; ++i) {
            const double gv = g[i], uv = u[i];
            const double silu = gv / (1 + std::exp(-gv)) * uv;
            const double gelu =
                0.5 * gv * (1 + std::tanh(0.7978845608028654 * (gv + 0.044715 * gv * gv * gv))) *
                uv;
            c.add(i, s1[i], silu, 1e-6 + 1e-5 * std::fabs(silu));
            c.add(i, s2[i], gelu, 1e-6 + 1e-5 * std::fabs(gelu));
            c.add(i, s3[i], gv + bias[i % n], 1e-6);
            c.add(i, s4[i], gv * uv, 1e-6);
            c.add(i, s5[i], gv * -0.25, 1e-7);
        }
        QVERIFY2(c.worst <= 1, qPrintable(c.describe()));
    }

    void copyConvert() {
        const uint32_t rows = 3, n = 132;
        const auto x = randomFloats(rows * n, rng_, -70000, 70000); // includes F16 overflow
        Buffer xb = upload(*ctx_, x), hb = zeros(*ctx_, rows * n), back = zeros(*ctx_, rows * n),
               same = zeros(*ctx_, rows * n);
        QVERIFY(
            ops_->copy(GgmlType::F32, view(xb, n), GgmlType::F16, view(hb, n / 2 + 2), rows, n / 2)
                .ok());
        QVERIFY(ops_->copy(GgmlType::F16, view(hb, n / 2 + 2), GgmlType::F32, view(back, n), rows,
                           n / 2)
                    .ok());
        QVERIFY(ops_->copy(GgmlType::F32, view(xb, n, 1), GgmlType::F32, view(same, n), rows, n - 1)
                    .ok());
        QVERIFY(run().ok());
        const auto b = download(*ctx_, back, rows * n), s = download(*ctx_, same, rows * n);
        for (uint32_t r = 0; r < rows; ++r)
            for (uint32_t j = 0; j < n / 2; ++j) {
                const float want =
                    roundHalf(x[r * n + j]); // round to nearest even, inf on overflow
                QVERIFY2(b[r * n + j] == want || (std::isinf(want) && b[r * n + j] == want),
                         qPrintable(QStringLiteral("%1 -> %2, want %3")
                                        .arg(x[r * n + j])
                                        .arg(b[r * n + j])
                                        .arg(want)));
            }
        for (uint32_t r = 0; r < rows; ++r)
            for (uint32_t j = 0; j + 1 < n; ++j) QCOMPARE(s[r * n + j], x[r * n + 1 + j]);
        // Odd F16 rows are refused with a reason.
        auto bad = ops_->copy(GgmlType::F32, view(xb, n), GgmlType::F16, view(hb, n), 1, 7);
        QVERIFY(!bad.ok());
    }

    void roundActivations() {
        const uint32_t rows = 2, n = 512;
        auto x = randomFloats(rows * n, rng_, -4, 4);
        for (uint32_t i = 0; i < 32; ++i) x[32 + i] = 0; // an all-zero block
        // Values on rounding boundaries of a Q8 block: x * 127 / amax lands on k + 0.5, where
        // ggml's x86 quantizer rounds half to even (a rounding-away or 1/d variant differs).
        for (uint32_t i = 0; i < 32; ++i) x[64 + i] = (i == 0 ? 127.0f : float(i) + 0.5f) / 32;
        Buffer xb = upload(*ctx_, x);
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q8_K, GgmlType::F16, GgmlType::BF16}) {
            Buffer yb = zeros(*ctx_, rows * n);
            QVERIFY(ops_->roundActivations(t, view(xb, n), view(yb, n), rows, n).ok());
            QVERIFY(run().ok());
            const auto y = download(*ctx_, yb, rows * n);
            // Reference: the CPU backend's quantizer (ggml's, as the x86 backend rounds), then
            // dequantized; equal to the bit (same codes, same scale, one product).
            const auto& k = hearth::kernels::kernelsFor(t);
            std::vector<uint8_t> q(*hearth::ggmlRowBytes(t, n));
            std::vector<float> want(n);
            for (uint32_t r = 0; r < rows; ++r) {
                k.quantize(x.data() + r * n, q.data(), n);
                k.dequantize(q.data(), want.data(), n);
                for (uint32_t i = 0; i < n; ++i)
                    QVERIFY2(y[r * n + i] == want[i],
                             qPrintable(QStringLiteral("%1 [%2]: %3 vs %4")
                                            .arg(QString::fromLatin1(ggmlTypeName(t).data()))
                                            .arg(r * n + i)
                                            .arg(y[r * n + i], 0, 'g', 9)
                                            .arg(want[i], 0, 'g', 9)));
            }
        }
    }

    // The integer form the matrix products read: levels q and per-block scales d (and Q8_1's
    // s), equal to the CPU backend's quantized blocks.
    void activationLevels() {
        const uint32_t rows = 3, n = 512;
        auto x = randomFloats(rows * n, rng_, -3, 3);
        for (uint32_t i = 0; i < 256; ++i) x[256 + i] = 0; // an all-zero super-block
        Buffer xb = upload(*ctx_, x);
        using hearth::kernels::BlockQ8_0;
        using hearth::kernels::BlockQ8_1;
        using hearth::kernels::BlockQ8_K;
        for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q8_1, GgmlType::Q8_K}) {
            const uint32_t bs = t == GgmlType::Q8_K ? 256 : 32, nb = n / bs;
            const uint32_t scales = rows * n, sums = scales + rows * nb;
            const bool withSums = t == GgmlType::Q8_1;
            Buffer yb = zeros(*ctx_, sums + rows * n / 32);
            QVERIFY(ops_->roundActivations(t, view(xb, n), view(yb, n), rows, n,
                                           withSums ? int64_t(sums) : -1, scales)
                        .ok());
            QVERIFY(run().ok());
            const auto y = download(*ctx_, yb, sums + rows * n / 32);
            std::vector<uint8_t> q(*hearth::ggmlRowBytes(t, n));
            for (uint32_t r = 0; r < rows; ++r) {
                hearth::kernels::kernelsFor(t).quantize(x.data() + r * n, q.data(), n);
                for (uint32_t b = 0; b < nb; ++b) {
                    const int8_t* qs;
                    float d, s = 0;
                    if (t == GgmlType::Q8_K) {
                        const auto& blk = reinterpret_cast<const BlockQ8_K*>(q.data())[b];
                        qs = blk.qs;
                        d = blk.d;
                    } else if (t == GgmlType::Q8_1) {
                        const auto& blk = reinterpret_cast<const BlockQ8_1*>(q.data())[b];
                        qs = blk.qs;
                        d = hearth::cpu::halfToFloat(blk.d);
                        s = hearth::cpu::halfToFloat(blk.s);
                    } else {
                        const auto& blk = reinterpret_cast<const BlockQ8_0*>(q.data())[b];
                        qs = blk.qs;
                        d = hearth::cpu::halfToFloat(blk.d);
                    }
                    const QString where = QStringLiteral("%1 row %2 block %3")
                                              .arg(QString::fromLatin1(ggmlTypeName(t).data()))
                                              .arg(r)
                                              .arg(b);
                    QVERIFY2(y[scales + r * nb + b] == d,
                             qPrintable(where + QStringLiteral(" d %1 vs %2")
                                                    .arg(y[scales + r * nb + b], 0, 'g', 9)
                                                    .arg(d, 0, 'g', 9)));
                    if (withSums) QVERIFY2(y[sums + r * nb + b] == s, qPrintable(where + " s"));
                    for (uint32_t i = 0; i < bs; ++i)
                        QVERIFY2(y[r * n + b * bs + i] == float(qs[i]), qPrintable(where));
                }
            }
        }
    }

    void attention_data() {
        QTest::addColumn<bool>("f16");
        QTest::addColumn<bool>("transposedV");
        QTest::addColumn<int>("pos0");
        QTest::addColumn<int>("tokens");
        QTest::newRow("f32 prompt") << false << false << 0 << 7;
        QTest::newRow("f32 decode long") << false << true << 150 << 1;
        QTest::newRow("f16 prompt vT") << true << true << 0 << 9;
        QTest::newRow("f16 continue") << true << false << 65 << 3;
    }
    void attention() {
        QFETCH(bool, f16);
        QFETCH(bool, transposedV);
        QFETCH(int, pos0);
        QFETCH(int, tokens);
        AttentionParams p;
        p.tokens = tokens;
        p.heads = 6;
        p.kvHeads = 2; // grouped-query
        p.headDim = 80;
        p.pos0 = pos0;
        p.scale = 1.0f / std::sqrt(80.0f);
        p.kvF16 = f16;
        const uint32_t kvDim = p.kvHeads * p.headDim, ctxLen = 256, keys = pos0 + tokens;
        const uint32_t qStride = p.heads * p.headDim + 2;
        const auto q = randomFloats(tokens * qStride, rng_, -2, 2);
        auto kf = randomFloats(ctxLen * kvDim, rng_, -2, 2),
             vf = randomFloats(ctxLen * kvDim, rng_);
        if (f16)
            for (auto* v : {&kf, &vf})
                for (auto& e : *v) e = roundHalf(e);
        // Device caches: K [pos][c]; V either [pos][c] or transposed [c][ctxLen].
        auto pack = [&](const std::vector<float>& src, bool transpose) {
            std::vector<float> t(src.size());
            for (uint32_t pos = 0; pos < ctxLen; ++pos)
                for (uint32_t c = 0; c < kvDim; ++c)
                    t[transpose ? c * ctxLen + pos : pos * kvDim + c] = src[pos * kvDim + c];
            std::vector<uint8_t> bytes;
            if (!f16) {
                bytes.resize(t.size() * 4);
                std::memcpy(bytes.data(), t.data(), bytes.size());
            } else {
                bytes.resize(t.size() * 2);
                for (size_t i = 0; i < t.size(); ++i) {
                    const uint16_t hv = cpu::floatToHalf(t[i]);
                    std::memcpy(&bytes[2 * i], &hv, 2);
                }
            }
            return bytes;
        };
        Buffer qb = upload(*ctx_, q), kb = upload(*ctx_, pack(kf, false)),
               vb = upload(*ctx_, pack(vf, transposedV)), ob = zeros(*ctx_, tokens * qStride);
        if (transposedV) {
            p.vPosStride = 1;
            p.vChanStride = ctxLen;
        }
        auto s = ops_->attention(view(qb, qStride), kb, 0, vb, 0, view(ob, qStride), p);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().c_str());
        QVERIFY(run().ok());
        const auto o = download(*ctx_, ob, tokens * qStride);
        Check c;
        for (int t = 0; t < tokens; ++t)
            for (uint32_t h = 0; h < p.heads; ++h) {
                const uint32_t kvh = h / (p.heads / p.kvHeads);
                const uint32_t n = pos0 + t + 1;
                std::vector<double> sc(n);
                double m = -1e300;
                for (uint32_t j = 0; j < n; ++j) {
                    double d = 0;
                    for (uint32_t i = 0; i < p.headDim; ++i) {
                        const float qv = q[t * qStride + h * p.headDim + i];
                        d += double(f16 ? roundHalf(qv) : qv) * kf[j * kvDim + kvh * p.headDim + i];
                    }
                    sc[j] = d * p.scale;
                    m = std::max(m, sc[j]);
                }
                double sum = 0;
                for (auto& e : sc) sum += (e = std::exp(e - m));
                for (uint32_t i = 0; i < p.headDim; ++i) {
                    double acc = 0;
                    for (uint32_t j = 0; j < n; ++j)
                        acc += sc[j] * vf[j * kvDim + kvh * p.headDim + i];
                    const double want = acc / sum;
                    // F32: 1e-4; F16 rounds probabilities to F16 (rel. 5e-4 each): 3e-3.
                    c.add(t * qStride + h * p.headDim + i, o[t * qStride + h * p.headDim + i], want,
                          f16 ? 3e-3 : 1e-4);
                }
            }
        (void)keys;
        QVERIFY2(c.worst <= 1, qPrintable(c.describe()));
    }

    void badInputIsAClearError() {
        Buffer b = zeros(*ctx_, 1024), y = zeros(*ctx_, 64);
        // A type without Vulkan kernels.
        auto s =
            ops_->mulMat(WeightView{&b, 0, GgmlType::IQ2_XXS, 1, 256}, view(b, 256), 1, view(y, 1));
        QVERIFY(!s.ok());
        QVERIFY(QString::fromStdString(s.error()).contains(QLatin1String("iq2_xxs")));
        // Row length that is not a whole number of blocks.
        s = ops_->mulMat(WeightView{&b, 0, GgmlType::Q4_0, 1, 33}, view(b, 33), 1, view(y, 1));
        QVERIFY(!s.ok());
        // Views past the end of their buffer.
        s = ops_->mulMat(WeightView{&b, 0, GgmlType::F32, 8, 1000}, view(b, 1000), 1, view(y, 1));
        QVERIFY(!s.ok());
        s = ops_->rmsNorm(view(b, 2000), view(b, 2000), 2, 2000, 1e-5f);
        QVERIFY(!s.ok());
        // Attention shapes the kernel cannot run.
        AttentionParams p;
        p.tokens = 1;
        p.heads = 3;
        p.kvHeads = 2;
        p.headDim = 16;
        QVERIFY(!ops_->attention(view(b, 48), b, 0, b, 0, view(y, 48), p).ok());
        p.kvHeads = 1;
        p.headDim = 512;
        QVERIFY(!ops_->attention(view(b, 48), b, 0, b, 0, view(y, 48), p).ok());
        // Nothing bad was queued: the stream still runs.
        QVERIFY(run().ok());
    }
};

QTEST_GUILESS_MAIN(TestVulkanOps)
#include "test_vulkan_ops.moc"

// The Vulkan backend against the CPU backend (the reference), op by op, through the Backend
// interface the model uses: random inputs, many shapes, every weight type both support.
// Tolerances are stated at each comparison. Skipped with the reason when there is no device.
#include "reference_dequant.h"

#include "engine/cpu/cpu_backend.h"
#include "engine/cpu/fp16.h"
#include "engine/model/model_context.h"
#include "engine/vulkan/vk_instance.h"
#include "engine/vulkan/vulkan_backend.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <memory>
#include <random>

using namespace hearth;

namespace {

const GgmlType kWeightTypes[] = {GgmlType::F32,  GgmlType::F16,    GgmlType::BF16,  GgmlType::Q8_0,
                                 GgmlType::Q4_0, GgmlType::Q4_1,   GgmlType::Q5_0,  GgmlType::Q5_1,
                                 GgmlType::Q2_K, GgmlType::Q3_K,   GgmlType::Q4_K,  GgmlType::Q5_K,
                                 GgmlType::Q6_K, GgmlType::IQ4_NL, GgmlType::IQ4_XS};

// The same tensor on both backends.
struct Pair {
    std::unique_ptr<Buffer> cpuBuf, gpuBuf;
    TensorRef cpu, gpu;
};

} // namespace

class TestVulkanBackend : public QObject {
    Q_OBJECT
    std::unique_ptr<vk::VulkanBackend> gpu_;
    std::unique_ptr<cpu::CpuBackend> cpu_;
    std::mt19937 rng_{99};

    std::vector<float> randomFloats(size_t n, float lo = -1, float hi = 1) {
        std::uniform_real_distribution<float> d(lo, hi);
        std::vector<float> v(n);
        for (auto& x : v) x = d(rng_);
        return v;
    }

    Pair make(GgmlType type, int64_t rows, int64_t cols, const void* data, bool weights = false) {
        Pair p;
        const size_t bytes = *ggmlRowBytes(type, cols) * rows;
        auto c = weights ? cpu_->wrapWeights(static_cast<const uint8_t*>(data), bytes)
                         : cpu_->allocate(bytes);
        auto g = weights ? gpu_->wrapWeights(static_cast<const uint8_t*>(data), bytes)
                         : gpu_->allocate(bytes);
        if (!c || !g) qFatal("allocation failed");
        p.cpuBuf = std::move(*c);
        p.gpuBuf = std::move(*g);
        p.cpu = TensorRef{p.cpuBuf.get(), 0, type, rows, cols, 0};
        p.gpu = TensorRef{p.gpuBuf.get(), 0, type, rows, cols, 0};
        if (data && !weights) {
            if (!cpu_->write(p.cpu, data).ok() || !gpu_->write(p.gpu, data).ok())
                qFatal("write failed");
        }
        return p;
    }
    Pair makeF32(int64_t rows, int64_t cols, const std::vector<float>& v) {
        return make(GgmlType::F32, rows, cols, v.data());
    }
    Pair zerosF32(int64_t rows, int64_t cols) { return make(GgmlType::F32, rows, cols, nullptr); }

    std::vector<float> readBoth(const Pair& p, std::vector<float>& gpuOut) {
        std::vector<float> c(p.cpu.rows * p.cpu.cols);
        gpuOut.resize(c.size());
        auto s1 = cpu_->read(p.cpu, c.data());
        auto s2 = gpu_->read(p.gpu, gpuOut.data());
        if (!s1.ok() || !s2.ok()) qFatal("read failed");
        return c;
    }

    // max |gpu - cpu| <= abs + rel * |cpu| (+ magTol * mag[i] when given), element-wise.
    void compare(const Pair& p, double absTol, double relTol, const char* what,
                 const std::vector<double>* mag = nullptr, double magTol = 0) {
        std::vector<float> g;
        const auto c = readBoth(p, g);
        double worst = 0;
        size_t at = 0;
        for (size_t i = 0; i < c.size(); ++i) {
            const double tol = absTol + relTol * std::fabs(c[i]) + (mag ? magTol * (*mag)[i] : 0.0);
            const double e = std::isfinite(g[i]) ? std::fabs(double(g[i]) - c[i]) / tol : 1e30;
            if (e > worst) worst = e, at = i;
        }
        QVERIFY2(worst <= 1.0, qPrintable(QStringLiteral("%1: element %2 gpu %3 cpu %4 (%5 x tol)")
                                              .arg(QLatin1String(what))
                                              .arg(at)
                                              .arg(g[at], 0, 'g', 9)
                                              .arg(c[at], 0, 'g', 9)
                                              .arg(worst)));
    }

private slots:
    void initTestCase() {
        auto g = vk::VulkanBackend::create();
        if (!g)
            QSKIP(qPrintable(QStringLiteral("no Vulkan device: ") +
                             QString::fromStdString(g.error())));
        gpu_ = std::move(*g);
        cpu_ = std::make_unique<cpu::CpuBackend>(1);
        const auto info = gpu_->info();
        qInfo("Vulkan backend on %s, %llu MiB usable", info.name.c_str(),
              static_cast<unsigned long long>(info.memoryBytes >> 20));
        QCOMPARE(QString::fromStdString(info.kind), QStringLiteral("vulkan"));
    }
    void cleanupTestCase() {
        gpu_.reset();
        QCOMPARE(vk::validationErrorCount(), uint64_t(0));
    }

    void matmul_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : kWeightTypes) QTest::newRow(ggmlTypeName(t).data()) << int(t);
    }
    void matmul() {
        QFETCH(int, type);
        const auto t = static_cast<GgmlType>(type);
        QVERIFY(gpu_->supports(BackendOp::MatMul, t));
        if (!cpu_->supports(BackendOp::MatMul, t))
            QSKIP("the CPU backend has no kernel for this type yet");
        const int64_t block = ggmlTypeInfo(t).blockSize;
        for (auto [nOut, nIn, n] : {std::tuple<int64_t, int64_t, int64_t>{7, 512, 1},
                                    {33, block == 1 ? 100 : 768, 5},
                                    {64, 256, 9}}) {
            const auto w = vktest::randomRows(t, nOut, nIn, rng_);
            Pair wp = make(t, nOut, nIn, w.data(), true);
            const auto x = randomFloats(n * nIn, -2, 2);
            Pair xp = makeF32(n, nIn, x);
            // sum_k |w[o][k] x[i][k]|: float summation error scales with it, not with the result.
            std::vector<float> wf(nOut * nIn);
            const uint64_t rowBytes = *ggmlRowBytes(t, nIn);
            for (int64_t o = 0; o < nOut; ++o)
                vktest::referenceDequantize(t, w.data() + o * rowBytes, wf.data() + o * nIn, nIn);
            std::vector<double> mag(n * nOut, 0.0);
            for (int64_t i = 0; i < n; ++i)
                for (int64_t o = 0; o < nOut; ++o)
                    for (int64_t k = 0; k < nIn; ++k)
                        mag[i * nOut + o] += std::fabs(double(wf[o * nIn + k]) * x[i * nIn + k]);
            Pair out = zerosF32(n, nOut);
            QVERIFY(cpu_->matmul(wp.cpu, xp.cpu, out.cpu).ok());
            auto s = gpu_->matmul(wp.gpu, xp.gpu, out.gpu);
            QVERIFY2(s.ok(), s.ok() ? "" : s.error().c_str());
            // Both round activations to the weight type's vecDotType first; what remains is
            // float summation order: 1e-5 absolute + 1e-5 relative + 1e-6 of sum |w x|.
            compare(out, 1e-5, 1e-5, "matmul", &mag, 1e-6);
        }
    }

    void getRows_data() { matmul_data(); }
    void getRows() {
        QFETCH(int, type);
        const auto t = static_cast<GgmlType>(type);
        if (!cpu_->supports(BackendOp::GetRows, t)) QSKIP("no CPU dequantizer for this type yet");
        const int64_t n = ggmlTypeInfo(t).blockSize == 1 ? 45 : 512, vocab = 50;
        const auto table = vktest::randomRows(t, vocab, n, rng_);
        Pair tp = make(t, vocab, n, table.data(), true);
        const std::vector<int32_t> ids = {3, 49, 0, 3, 17};
        Pair out = zerosF32(ids.size(), n);
        QVERIFY(cpu_->getRows(tp.cpu, ids, out.cpu).ok());
        QVERIFY(gpu_->getRows(tp.gpu, ids, out.gpu).ok());
        compare(out, 0, 1e-6, "getRows"); // exact decoding
        const std::vector<int32_t> bad = {50};
        QVERIFY(!gpu_->getRows(tp.gpu, bad, out.gpu.row(0)).ok());
    }

    void normsAndElementwise() {
        const int64_t n = 4, d = 1000;
        Pair x = makeF32(n, d, randomFloats(n * d, -3, 3));
        Pair w = makeF32(1, d, randomFloats(d)), b = makeF32(1, d, randomFloats(d));
        Pair full = makeF32(n, d, randomFloats(n * d));
        Pair o1 = zerosF32(n, d), o2 = zerosF32(n, d), o3 = zerosF32(n, d), o4 = zerosF32(n, d);
        for (Backend* be : {static_cast<Backend*>(cpu_.get()), static_cast<Backend*>(gpu_.get())}) {
            const bool g = be == gpu_.get();
            auto T = [g](const Pair& p) { return g ? p.gpu : p.cpu; };
            QVERIFY(be->rmsNorm(T(x), T(w), 1e-6f, T(o1)).ok());
            QVERIFY(be->layerNorm(T(x), T(w), T(b), 1e-5f, T(o2)).ok());
            QVERIFY(be->add(T(x), T(b), T(o3)).ok());     // broadcast row
            QVERIFY(be->mul(T(o3), T(full), T(o3)).ok()); // in place, full shape
            QVERIFY(be->scale(T(o3), 0.125f, T(o3)).ok());
            QVERIFY(be->softmax(T(x), T(o4)).ok());
        }
        compare(o1, 1e-5, 1e-5, "rmsNorm");
        compare(o2, 1e-4, 1e-4, "layerNorm");
        compare(o3, 1e-6, 1e-6, "add/mul/scale");
        compare(o4, 1e-8, 1e-5, "softmax");
    }

    void activations() {
        const int64_t n = 3, d = 777;
        Pair fused = makeF32(n, 2 * d, randomFloats(n * 2 * d, -8, 8)); // phi3-style gate|up
        Pair o1 = zerosF32(n, d), o2 = zerosF32(n, d), o3 = zerosF32(n, d), o4 = zerosF32(n, d);
        for (Backend* be : {static_cast<Backend*>(cpu_.get()), static_cast<Backend*>(gpu_.get())}) {
            const bool g = be == gpu_.get();
            const TensorRef f = g ? fused.gpu : fused.cpu;
            auto T = [g](const Pair& p) { return g ? p.gpu : p.cpu; };
            QVERIFY(be->swiglu(f.colRange(0, d), f.colRange(d, d), T(o1)).ok());
            QVERIFY(be->geglu(f.colRange(0, d), f.colRange(d, d), T(o2)).ok());
            QVERIFY(be->silu(f.colRange(d, d), T(o3)).ok());
            QVERIFY(be->gelu(f.colRange(0, d), T(o4)).ok());
        }
        compare(o1, 1e-5, 1e-5, "swiglu");
        compare(o2, 1e-5, 1e-5, "geglu");
        compare(o3, 1e-5, 1e-5, "silu");
        compare(o4, 1e-5, 1e-5, "gelu");
    }

    void rope() {
        for (RopeStyle style : {RopeStyle::Normal, RopeStyle::NeoX}) {
            Backend::RopeParams p;
            p.nHeads = 4;
            p.headDim = 64;
            p.nRot = style == RopeStyle::NeoX ? 32 : 64;
            p.style = style;
            p.freqBase = 500000.0f;
            const int64_t n = 5;
            const auto data = randomFloats(n * 256);
            Pair x = makeF32(n, 256, data);
            const std::vector<int32_t> pos = {0, 1, 9, 100, 511};
            QVERIFY(cpu_->rope(x.cpu, pos, p).ok());
            QVERIFY(gpu_->rope(x.gpu, pos, p).ok());
            compare(x, 1e-7, 0, "rope"); // the same float angles and products: bit for bit
        }
    }

    void kvCacheAndAttention_data() {
        QTest::addColumn<int>("kvType");
        QTest::newRow("f16") << int(GgmlType::F16);
        QTest::newRow("f32") << int(GgmlType::F32);
    }
    void kvCacheAndAttention() {
        QFETCH(int, kvType);
        const auto kt = static_cast<GgmlType>(kvType);
        const int nHeads = 8, nKv = 2, hd = 32, nCtx = 128, kvDim = nKv * hd;
        Pair kc = make(kt, nCtx, kvDim, nullptr), vc = make(kt, kvDim, nCtx, nullptr);
        const Backend::KvCache cc{kc.cpu, vc.cpu}, gc{kc.gpu, vc.gpu};
        Backend::AttentionParams ap{nHeads, nKv, hd, 1.0f / std::sqrt(float(hd))};
        int pos = 0;
        for (int n : {7, 1, 1, 4}) { // a prompt, then decoding steps, then a small batch
            Pair k = makeF32(n, kvDim, randomFloats(n * kvDim, -2, 2));
            Pair v = makeF32(n, kvDim, randomFloats(n * kvDim));
            Pair q = makeF32(n, nHeads * hd, randomFloats(n * nHeads * hd, -2, 2));
            Pair out = zerosF32(n, nHeads * hd);
            QVERIFY(cpu_->storeKv(k.cpu, v.cpu, cc, pos).ok());
            auto s = gpu_->storeKv(k.gpu, v.gpu, gc, pos);
            QVERIFY2(s.ok(), s.ok() ? "" : s.error().c_str());
            QVERIFY(cpu_->attention(q.cpu, cc, pos, ap, out.cpu).ok());
            QVERIFY(gpu_->attention(q.gpu, gc, pos, ap, out.gpu).ok());
            // Both normalize the probabilities before V (and round them to F16 with an F16
            // cache): what remains is summation order and exp's last bits, which can move an
            // F16 rounding of P by one unit (2^-11 relative of one term).
            compare(out, kt == GgmlType::F16 ? 2e-4 : 1e-5, kt == GgmlType::F16 ? 2e-4 : 1e-4,
                    "attention");
            pos += n;
        }
        // The caches themselves hold the same values.
        std::vector<uint8_t> a(nCtx * kvDim * 4), b(a.size());
        QVERIFY(cpu_->read(vc.cpu, a.data()).ok());
        QVERIFY(gpu_->read(vc.gpu, b.data()).ok());
        QVERIFY(a == b);
        QVERIFY(cpu_->read(kc.cpu, a.data()).ok());
        QVERIFY(gpu_->read(kc.gpu, b.data()).ok());
        QVERIFY(a == b);
        // Overflowing the cache is an error.
        Pair k = makeF32(2, kvDim, randomFloats(2 * kvDim));
        QVERIFY(!gpu_->storeKv(k.gpu, k.gpu, gc, nCtx - 1).ok());
    }

    void copyConvert() {
        const int64_t n = 3, d = 130;
        const auto data = randomFloats(n * d, -100, 100);
        Pair x = makeF32(n, d, data);
        Pair h = make(GgmlType::F16, n, d, nullptr), back = zerosF32(n, d);
        QVERIFY(gpu_->supports(BackendOp::Copy, GgmlType::F16));
        for (Backend* be : {static_cast<Backend*>(cpu_.get()), static_cast<Backend*>(gpu_.get())}) {
            const bool g = be == gpu_.get();
            QVERIFY(be->copy(g ? x.gpu : x.cpu, g ? h.gpu : h.cpu).ok());
        }
        std::vector<uint16_t> hc(n * d), hg(n * d);
        QVERIFY(cpu_->read(h.cpu, hc.data()).ok());
        QVERIFY(gpu_->read(h.gpu, hg.data()).ok());
        QVERIFY(hc == hg); // identical F16 bits (round to nearest even)
    }

    // Out of device memory (forced with a small budget) is a readable error from allocate()
    // and from loading a model onto the device, never a crash; the backend stays usable, and
    // the same model then runs on the CPU (what the session falls back to).
    void outOfDeviceMemoryIsAReadableError() {
        vk::ContextOptions o;
        o.budgetBytes = 24u << 20; // the staging and id buffers take 17 MiB of it
        auto small = vk::VulkanBackend::create(o);
        QVERIFY2(small.ok(), small.ok() ? "" : small.error().c_str());
        auto& gpu = **small;
        QVERIFY(gpu.info().memoryBytes <= (7u << 20));
        auto big = gpu.allocate(64u << 20);
        QVERIFY(!big.ok());
        QVERIFY2(QString::fromStdString(big.error()).contains("out of GPU memory"),
                 big.error().c_str());
        const std::string path = HEARTH_SHARED_DIR
            "/conformance/models/cf-b-llama-spm/cf-b-llama-spm-F32.gguf"; // 41 MiB of weights
        // (The model refuses up front when its estimate exceeds the budget, else the first
        // upload past it fails; either way the message names GPU memory.)
        auto onGpu = Model::load(path, ModelOptions{1, 999, &gpu});
        QVERIFY(!onGpu.ok());
        QVERIFY2(QString::fromStdString(onGpu.error()).contains("GPU memory"),
                 onGpu.error().c_str());
        {
            // A buffer with its zero fill still queued, dropped after a failed allocation (as
            // a half-done load drops them): freeing it must not leave the fill behind.
            auto first = gpu.allocate(4u << 20);
            QVERIFY2(first.ok(), first.ok() ? "" : first.error().c_str());
            QVERIFY(!gpu.allocate(4u << 20).ok());
        }
        QVERIFY(gpu.synchronize().ok());
        auto fits = gpu.allocate(1u << 20);
        QVERIFY2(fits.ok(), fits.ok() ? "" : fits.error().c_str());
        auto onCpu = Model::load(path, ModelOptions{1, 0, nullptr});
        QVERIFY2(onCpu.ok(), onCpu.ok() ? "" : onCpu.error().c_str());
        ContextOptions co;
        co.nCtx = 64;
        auto ctx = ModelContext::create(**onCpu, co);
        QVERIFY(ctx.ok());
        const std::vector<int32_t> tokens = {1, 15043};
        QVERIFY((*ctx)->eval(tokens, 0, LogitsFor::Last).ok());
        QVERIFY(std::isfinite((*ctx)->logits()[0]));
    }

    void foreignBufferIsAnError() {
        Pair x = makeF32(1, 8, randomFloats(8));
        QVERIFY(!gpu_->scale(x.cpu, 2.0f, x.cpu).ok());
    }
};

QTEST_GUILESS_MAIN(TestVulkanBackend)
#include "test_vulkan_backend.moc"

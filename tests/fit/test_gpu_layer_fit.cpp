// engine/fit's per-layer device split and the "auto" GPU layer count on the conformance models:
// the split is placeLayers' device part, the count is the largest that fits the free memory
// with the margin, boundaries a byte either side, and files the estimator cannot read.
#include "engine/fit/gpu_layer_fit.h"
#include "engine/fit/model_shape.h"
#include "engine/fit/tensor_layout.h"
#include "engine/fit/tensor_plan.h"
#include "engine/gguf/gguf_file.h"

#include <QtTest>

using namespace hearth;
using namespace hearth::fit;

namespace {

const std::string kModels = HEARTH_SHARED_DIR "/conformance/models/";

struct Loaded {
    std::unique_ptr<GgufFile> file;
    ModelShape shape;
    TensorPlan plan;
};

Loaded load(const std::string& relative) {
    Loaded l;
    auto f = GgufFile::open(kModels + relative);
    if (!f) qFatal("%s", f.error().c_str());
    l.file = std::move(f).value();
    auto s = shapeFromGguf(*l.file);
    if (!s) qFatal("%s", s.error().c_str());
    l.shape = *s;
    auto p = planAsStored(slotsFromGguf(*l.file), l.shape, "file");
    if (!p) qFatal("%s", p.error().c_str());
    l.plan = *p;
    return l;
}

EstimateOptions options(int64_t nCtx) {
    EstimateOptions o;
    o.nCtx = nCtx;
    o.batch = 256;
    o.threads = 2;
    return o;
}

} // namespace

class TestGpuLayerFit : public QObject {
    Q_OBJECT

private slots:
    void splitIsThePlacementsDevicePart() {
        for (const char* model :
             {"cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-F32.gguf",
              "cf-b-llama-spm/cf-b-llama-spm-F32.gguf", "stories260K/stories260K.gguf"}) {
            const Loaded m = load(model);
            const EstimateOptions o = options(256);
            const std::vector<uint64_t> bytes = deviceBytesByLayers(m.shape, m.plan, o);
            QCOMPARE(bytes.size(), size_t(m.shape.nLayer) + 1);
            QCOMPARE(bytes[0], uint64_t(0)); // nothing offloaded: nothing on the device
            for (size_t n = 1; n < bytes.size(); ++n) {
                const Placement p = placeLayers(m.shape, m.plan, o, int64_t(n));
                QCOMPARE(bytes[n], p.deviceTotal());
                // Each further layer adds its own weights and its KV cache, nothing else.
                if (n >= 2)
                    QCOMPARE(bytes[n] - bytes[n - 1],
                             m.plan.layerBytes[m.plan.layerBytes.size() - n] +
                                 kvCacheBytes(m.shape, o.nCtx, o.kvType, 1));
            }
            // The first layer brings the head (and a tied model's embedding copy), the scratch
            // and the driver's overhead along.
            QVERIFY(bytes[1] >
                    m.plan.layerBytes.back() + m.plan.outputBytes + deviceOverheadBytes());
        }
    }

    void countIsTheMostThatFitWithTheMargin() {
        const Loaded m = load("cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-F32.gguf");
        QCOMPARE(m.shape.nLayer, int64_t(2));
        const EstimateOptions o = options(256);
        const std::vector<uint64_t> bytes = deviceBytesByLayers(m.shape, m.plan, o);
        const uint64_t margin = SafetyMargin{}.minDeviceBytes; // 10 % is less at these sizes

        auto layersWith = [&](uint64_t free) { return fitGpuLayers(m.shape, m.plan, o, free); };
        QCOMPARE(layersWith(bytes[2] + margin).layers, int64_t(2));
        QCOMPARE(layersWith(bytes[2] + margin - 1).layers, int64_t(1));
        QCOMPARE(layersWith(bytes[1] + margin).layers, int64_t(1));
        const GpuLayerFit none = layersWith(bytes[1] + margin - 1);
        QCOMPARE(none.layers, int64_t(0));
        QCOMPARE(none.deviceBytes, uint64_t(0));
        QCOMPARE(none.oneLayerBytes, bytes[1]);
        QVERIFY2(QString::fromStdString(none.summary).startsWith("no layer fits"),
                 none.summary.c_str());
        QCOMPARE(layersWith(0).layers, int64_t(0)); // no device memory at all

        const GpuLayerFit one = layersWith(bytes[1] + margin + 1);
        QCOMPARE(one.modelLayers, int64_t(2));
        QCOMPARE(one.deviceBytes, bytes[1]);
        QCOMPARE(one.marginBytes, margin);
        QVERIFY2(QString::fromStdString(one.summary).startsWith("1 of 2 layers"),
                 one.summary.c_str());

        // A big device keeps a tenth of itself free, not the 256 MiB floor.
        const uint64_t big = 80ull << 30;
        const GpuLayerFit all = layersWith(big);
        QCOMPARE(all.layers, int64_t(2));
        QCOMPARE(all.marginBytes, big / 10);
    }

    void longerContextsHoldFewerLayers() {
        // cf-b at its trained context: each layer's F16 cache is 2 * 2048 * 256 * 2 bytes = 2 MiB.
        const Loaded m = load("cf-b-llama-spm/cf-b-llama-spm-F32.gguf");
        const std::vector<uint64_t> shortCtx = deviceBytesByLayers(m.shape, m.plan, options(256));
        const std::vector<uint64_t> longCtx = deviceBytesByLayers(m.shape, m.plan, options(2048));
        QVERIFY(longCtx[2] > shortCtx[2]);
        const uint64_t free = shortCtx[2] + SafetyMargin{}.minDeviceBytes;
        QCOMPARE(fitGpuLayers(m.shape, m.plan, options(256), free).layers, int64_t(2));
        QVERIFY(fitGpuLayers(m.shape, m.plan, options(2048), free).layers < 2);
    }

    void ggufEntryPointMatchesTheParts() {
        const Loaded m = load("cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_0.gguf");
        EstimateOptions o = options(512);
        const uint64_t free = 600ull << 20;
        auto viaFile = fitGpuLayersForGguf(*m.file, o, free);
        QVERIFY2(viaFile, viaFile ? "" : viaFile.error().c_str());
        o.ggufHeaderBytes = m.file->dataOffset();
        const GpuLayerFit direct = fitGpuLayers(m.shape, m.plan, o, free);
        QCOMPARE(viaFile->layers, direct.layers);
        QCOMPARE(viaFile->deviceBytes, direct.deviceBytes);
    }

    void unreadableShapeIsAnError() {
        // A vocabulary-only GGUF: a tokenizer, no architecture or tensors.
        auto f = GgufFile::open(HEARTH_SHARED_DIR "/conformance/vocab/ggml-vocab-llama-spm.gguf");
        QVERIFY2(f, f ? "" : f.error().c_str());
        auto fitted = fitGpuLayersForGguf(**f, options(256), 8ull << 30);
        QVERIFY(!fitted);
        QVERIFY(!fitted.error().empty());
    }
};

QTEST_GUILESS_MAIN(TestGpuLayerFit)
#include "test_gpu_layer_fit.moc"

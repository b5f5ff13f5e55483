// End to end through the model on the Vulkan backend, for every shipped conformance model:
// prompt logits against the goldens with all layers and with a partial offload, and full golden
// checks including greedy decoding (rules and tolerances as in tests/conformance).
// Skipped with the reason when there is no Vulkan device.
#include "conformance/golden_check.h"

#include "engine/model/model_context.h"
#include "engine/vulkan/vk_instance.h"
#include "engine/vulkan/vulkan_backend.h"

#include <QDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace hearth;
using namespace hearth::conformance;

namespace {

const QString kDir = QStringLiteral(HEARTH_SHARED_DIR "/conformance");

// The conformance README's thresholds for an engine that mirrors ggml's activation rounding:
// 1e-4 on the synthetic models, 1e-3 on stories260K (logits ten times larger). F16 weights:
// the CPU backend, which the Vulkan kernels mirror, itself lands 2.5e-4 (p1) to 4e-4 from
// these goldens (its F16 dot products add in another order than ggml's, which moves F16
// roundings of activations), so 2e-3 as tests/conformance allows it.
float tolerance(const QString& stem) {
    if (stem.endsWith("-F16")) return 2e-3f;
    return stem.startsWith("stories") ? 1e-3f : 1e-4f;
}

// Where CPU and GPU layers mix, or over greedy decoding, the last-bit differences left between
// the backends (float summation order in attention and in the CPU's AVX-512-only kernels) can
// move one activation's int8 rounding, as they move the CPU backend's own results away from
// the goldens of quantized files (up to 1.3e-2 in tests/conformance): there the tolerances of
// tests/conformance apply (5e-2 quantized, 1e-2 BF16, 2e-3 F16).
float mixedTolerance(const QString& stem) {
    if (stem.endsWith("-F32") || stem.startsWith("stories")) return tolerance(stem);
    if (stem.endsWith("-F16")) return 2e-3f;
    return stem.endsWith("-BF16") ? 1e-2f : 5e-2f;
}

std::optional<Golden> golden(const QString& stem, const QString& file) {
    QString error;
    auto g = loadGolden(kDir + "/goldens/" + stem + "/" + file, &error);
    if (!g) qWarning("%s", qPrintable(error));
    return g;
}

QStringList shippedStems() {
    QStringList out;
    const QString only = qEnvironmentVariable("HEARTH_CONFORMANCE_ONLY");
    for (const QString& stem :
         QDir(kDir + "/goldens").entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (!only.isEmpty() && !stem.contains(only)) continue;
        auto g = golden(stem, "p1-hello.json");
        if (g && g->modelPath) out << stem;
    }
    return out;
}

} // namespace

class TestVulkanConformance : public QObject {
    Q_OBJECT
    std::unique_ptr<vk::VulkanBackend> gpu_;

private slots:
    void initTestCase() {
        auto g = vk::VulkanBackend::create();
        if (!g)
            QSKIP(qPrintable(QStringLiteral("no Vulkan device: ") +
                             QString::fromStdString(g.error())));
        gpu_ = std::move(*g);
    }
    void cleanupTestCase() {
        gpu_.reset();
        QCOMPARE(vk::validationErrorCount(), uint64_t(0));
    }

    // Prompt logits of every shipped model against its golden (F32-cache golden, so the check
    // isolates the backend from F16-cache handling): the golden top-20 of every position within
    // the README tolerance, and the golden top-1 wherever its lead exceeds the tolerance.
    // All layers on the GPU for every model (prompt p1); a partial offload (last layer on the
    // GPU, the rest on the CPU) for every model: prompt p2 for the F32-weight models, p1 for the
    // others (on p2 the CPU backend's own AVX-512 kernels land up to 5e-3 from the goldens of
    // Q2_K, Q4_K_M, Q6_K and Q8_0, where one activation rounds the other way), checked with
    // mixedTolerance.
    void promptLogits_data() {
        QTest::addColumn<QString>("stem");
        QTest::addColumn<int>("gpuLayers");
        QTest::addColumn<QString>("prompt");
        for (const QString& stem : shippedStems()) {
            QTest::newRow(qPrintable(stem + " all layers")) << stem << 999 << "p1-hello";
            const bool f32 = stem.endsWith("-F32") || stem.startsWith("stories");
            QTest::newRow(qPrintable(stem + " last layer"))
                << stem << 1 << (f32 ? "p2-fox" : "p1-hello");
        }
    }
    void promptLogits() {
        QFETCH(QString, stem);
        QFETCH(int, gpuLayers);
        QFETCH(QString, prompt);
        auto g = golden(stem, prompt + ".kvf32.json");
        QVERIFY(g && g->modelPath);
        auto model = Model::load((kDir + "/" + *g->modelPath).toStdString(),
                                 ModelOptions{1, gpuLayers, gpu_.get()});
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().c_str());
        QVERIFY((*model)->placement().device != nullptr);
        ContextOptions co;
        co.nCtx = 512;
        co.kvType = GgmlType::F32;
        auto ctx = ModelContext::create(**model, co);
        QVERIFY2(ctx.ok(), ctx.ok() ? "" : ctx.error().c_str());
        auto s = (*ctx)->eval(g->promptTokens, 0, LogitsFor::All);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().c_str());
        const float tol = gpuLayers >= 999 ? tolerance(stem) : mixedTolerance(stem);
        const size_t nVocab = g->nVocab;
        double worst = 0;
        QStringList failures;
        for (size_t pos = 0; pos < g->positionTop.size(); ++pos) {
            auto ours = (*ctx)->logits().subspan(pos * nVocab, nVocab);
            const Ranked& top = g->positionTop[pos];
            for (const auto& [id, value] : top) {
                const double e = std::fabs(double(ours[id]) - value);
                worst = std::max(worst, e);
                if (e > tol && failures.size() < 5)
                    failures << QStringLiteral("pos %1 id %2: %3 vs golden %4")
                                    .arg(pos)
                                    .arg(id)
                                    .arg(ours[id])
                                    .arg(value);
            }
            const auto best = std::max_element(ours.begin(), ours.end()) - ours.begin();
            if (top[0].second - top[1].second > tol && best != top[0].first)
                failures << QStringLiteral("pos %1: top-1 %2, golden %3")
                                .arg(pos)
                                .arg(best)
                                .arg(top[0].first);
        }
        qInfo("%-28s gpu layers %3d: %zu positions, max |err| vs golden top-20 %.2e (tol %.0e)",
              qPrintable(stem), gpuLayers, g->positionTop.size(), worst, double(tol));
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join('\n')));
    }

    // Full golden checks (prompt, last-position vector, 32 greedy steps) with all layers on the
    // GPU, for an F32 and a Q8_0 model (tolerances as mixedTolerance says).
    void greedy_data() {
        QTest::addColumn<QString>("stem");
        for (const QString& stem : shippedStems())
            if (stem.endsWith("tinyvocab-F32") || stem.endsWith("tinyvocab-Q8_0"))
                QTest::newRow(qPrintable(stem)) << stem;
    }
    void greedy() {
        QFETCH(QString, stem);
        auto g = golden(stem, "p1-hello.kvf32.json");
        QVERIFY(g && g->modelPath);
        auto model = Model::load((kDir + "/" + *g->modelPath).toStdString(),
                                 ModelOptions{1, 999, gpu_.get()});
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().c_str());
        const CheckResult r = checkGolden(**model, *g, mixedTolerance(stem));
        qInfo("%-28s all layers on GPU: max |err| top-20 %.2e, last %.2e, greedy %.2e, %d greedy "
              "tokens compared",
              qPrintable(stem), r.maxTopError, r.maxLastError, r.maxGreedyError, r.greedyCompared);
        QVERIFY2(r.failures.isEmpty(), qPrintable(r.failures.join('\n')));
    }
};

QTEST_GUILESS_MAIN(TestVulkanConformance)
#include "test_vulkan_conformance.moc"

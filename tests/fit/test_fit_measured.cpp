// The estimate against reality: each configuration is loaded in a fresh child process (so the
// allocator's caches and earlier models do not blur the numbers), a prompt is evaluated, and the
// growth of peak RSS over the child's baseline is compared with engine/fit's prediction for the
// same file, context length and cache type: within 10% or 64 MiB, whichever is larger.
// Built three times: the conformance models (unit; also the loader's preflight refusing an absurd
// context without allocating it), with HEARTH_FIT_WIDE a 2-layer model as wide as Llama 3.2 1B in
// three quant mixes (slow: 1.4 GB of files, deleted at the end), and with HEARTH_FIT_VULKAN the
// bytes the Vulkan backend allocates on the device against the estimate's GPU placement, with
// all layers and with a partial offload (skipped with the reason when there is no device).
#include "engine/fit/fit_report.h"
#include "engine/fit/memory_estimate.h"
#include "engine/fit/tensor_layout.h"
#include "engine/fit/tensor_plan.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model/model.h"
#include "engine/model/model_context.h"
#include "engine/system/memory_info.h"
#ifdef HEARTH_FIT_VULKAN
#include "engine/vulkan/vulkan_backend.h"
#endif

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include <climits>
#include <cstdio>
#include <cstring>
#include <vector>

using namespace hearth;

namespace {

const QString kModels = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/");
constexpr uint64_t kMiB = 1024 * 1024;
// The wide models of each build get their own names, so parallel runs do not delete each other's.
#ifdef HEARTH_FIT_VULKAN
constexpr const char* kWideStem = "fit-1b-wide-vk";
#else
constexpr const char* kWideStem = "fit-1b-wide";
#endif

// Child mode: load, evaluate, print {"baseline":..,"peak":..}. Exit code 0 on success.
int measure(const char* path, int nCtx, bool f32Cache, int promptTokens) {
    const uint64_t baseline = peakRssBytes();
    ModelOptions mo;
    mo.threads = 2;
    auto model = Model::load(path, mo);
    if (!model) {
        std::fprintf(stderr, "load: %s\n", model.error().c_str());
        return 3;
    }
    ContextOptions co;
    co.nCtx = nCtx;
    co.kvType = f32Cache ? GgmlType::F32 : GgmlType::F16;
    auto ctx = ModelContext::create(**model, co);
    if (!ctx) {
        std::fprintf(stderr, "context: %s\n", ctx.error().c_str());
        return 4;
    }
    std::vector<int32_t> tokens;
    for (int i = 0; i < promptTokens; ++i)
        tokens.push_back((i * 7 + 1) % (*model)->params().nVocab);
    if (auto s = (*ctx)->eval(tokens, 0, LogitsFor::Last); !s) {
        std::fprintf(stderr, "eval: %s\n", s.error().c_str());
        return 5;
    }
    // Generation: a few single-token steps, as a chat would.
    for (int i = 0; i < 4; ++i) {
        const int32_t t = tokens[static_cast<size_t>(i)];
        if (auto s = (*ctx)->eval({&t, 1}, promptTokens + i, LogitsFor::Last); !s) return 6;
    }
    std::printf("{\"baseline\": %llu, \"peak\": %llu}\n", static_cast<unsigned long long>(baseline),
                static_cast<unsigned long long>(peakRssBytes()));
    return 0;
}

// Child mode: a context far larger than this machine's RAM must be refused before it is
// allocated. Prints {"error":..,"baseline":..,"peak":..}; exit 0 when refused.
int absurdContext(const char* path) {
    const uint64_t baseline = peakRssBytes();
    ModelOptions mo;
    mo.threads = 2;
    auto model = Model::load(path, mo);
    if (!model) {
        std::fprintf(stderr, "load: %s\n", model.error().c_str());
        return 3;
    }
    const ModelParams& p = (*model)->params();
    // At least 10M tokens, and at least four times the RAM in F16 K and V.
    const double perToken = 2.0 * 2 * p.nLayer * p.kvDim();
    const double want = std::max(1e7, 4.0 * double(memoryInfo().totalBytes) / perToken);
    ContextOptions co;
    co.nCtx = static_cast<int>(std::min<double>(want, INT_MAX));
    auto ctx = ModelContext::create(**model, co);
    if (ctx) {
        std::fprintf(stderr, "a %d-token context was created\n", co.nCtx);
        return 8;
    }
    std::printf("%s\n", QJsonDocument(QJsonObject{{"error", QString::fromStdString(ctx.error())},
                                                  {"ctx", co.nCtx},
                                                  {"baseline", double(baseline)},
                                                  {"peak", double(peakRssBytes())}})
                            .toJson(QJsonDocument::Compact)
                            .constData());
    return 0;
}

#ifdef HEARTH_FIT_VULKAN
// Child mode: the last gpuLayers layers on the Vulkan device; prints the bytes the backend holds
// on the device after loading and after a prompt, {"device":..}. Exit 9 when there is no device.
int measureDevice(const char* path, int nCtx, int gpuLayers, int promptTokens) {
    auto gpu = vk::VulkanBackend::create();
    if (!gpu) {
        std::printf("%s\n", gpu.error().c_str());
        return 9;
    }
    auto& allocated = (*gpu)->context().device().allocatedBytes;
    const uint64_t before = allocated.load();
    auto model = Model::load(path, ModelOptions{2, gpuLayers, gpu->get()});
    if (!model) {
        std::fprintf(stderr, "load: %s\n", model.error().c_str());
        return 3;
    }
    ContextOptions co;
    co.nCtx = nCtx;
    auto ctx = ModelContext::create(**model, co);
    if (!ctx) {
        std::fprintf(stderr, "context: %s\n", ctx.error().c_str());
        return 4;
    }
    uint64_t peak = allocated.load();
    std::vector<int32_t> tokens;
    for (int i = 0; i < promptTokens; ++i)
        tokens.push_back((i * 7 + 1) % (*model)->params().nVocab);
    if (auto s = (*ctx)->eval(tokens, 0, LogitsFor::Last); !s) {
        std::fprintf(stderr, "eval: %s\n", s.error().c_str());
        return 5;
    }
    peak = std::max(peak, allocated.load());
    const int32_t t = tokens[0];
    if (auto s = (*ctx)->eval({&t, 1}, promptTokens, LogitsFor::Last); !s) return 6;
    peak = std::max(peak, allocated.load());
    std::printf("{\"device\": %llu}\n", static_cast<unsigned long long>(peak - before));
    return 0;
}
#endif

#ifndef HEARTH_FIT_VULKAN
struct Measured {
    bool ok = false;
    uint64_t growth = 0;
    QString error;
};

Measured runChild(const QString& file, int nCtx, bool f32Cache, int promptTokens) {
    QProcess p;
    p.start(QCoreApplication::applicationFilePath(),
            {QStringLiteral("--measure"), file, QString::number(nCtx), f32Cache ? "f32" : "f16",
             QString::number(promptTokens)});
    Measured m;
    if (!p.waitForFinished(50000)) {
        p.kill();
        p.waitForFinished();
        m.error = QStringLiteral("timed out");
        return m;
    }
    if (p.exitCode() != 0) {
        m.error = QString::fromUtf8(p.readAllStandardError());
        return m;
    }
    const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    const double base = o.value("baseline").toDouble(-1), peak = o.value("peak").toDouble(-1);
    if (base < 0 || peak < base) {
        m.error = QStringLiteral("bad child output");
        return m;
    }
    m.ok = true;
    m.growth = static_cast<uint64_t>(peak - base);
    return m;
}

// What the child adds to its baseline: the estimate without the fixed process part (64 MiB in
// hostOverheadBytes), which the baseline already contains.
uint64_t predictedGrowth(const QString& file, int nCtx, bool f32Cache) {
    auto f = GgufFile::open(file.toStdString());
    if (!f) qFatal("%s", f.error().c_str());
    auto shape = fit::shapeFromGguf(**f);
    if (!shape) qFatal("%s", shape.error().c_str());
    auto plan = fit::planAsStored(fit::slotsFromGguf(**f), *shape, "file");
    if (!plan) qFatal("%s", plan.error().c_str());
    fit::EstimateOptions o;
    o.nCtx = nCtx;
    o.kvType = f32Cache ? fit::KvCacheType::F32 : fit::KvCacheType::F16;
    o.ggufHeaderBytes = (*f)->dataOffset();
    o.threads = 2; // as the child runs
    const fit::MemoryEstimate e = fit::estimateMemory(*shape, *plan, o);
    return e.totalBytes() - 64 * kMiB;
}
#endif

// A model as wide as Llama 3.2 1B (n_embd 2048, 32 heads / 8 KV heads, n_ff 8192, 128256-token
// tied vocabulary) but with 2 layers, in a variant's real llama-quantize type mix. Weights are
// zero: memory does not depend on values, and zeros write fast.
[[maybe_unused]] QString writeWideModel(const std::string& variant) {
    const QString path = QStringLiteral(HEARTH_ARTIFACT_DIR "/%1-%2.gguf")
                             .arg(QLatin1String(kWideStem))
                             .arg(QString::fromStdString(variant));
    fit::ModelShape s;
    s.arch = "llama";
    s.nLayer = 2;
    s.nEmbd = 2048;
    s.nHead = 32;
    s.nHeadKv = 8;
    s.headDimK = s.headDimV = 64;
    s.nFf = 8192;
    s.nVocab = 128256;
    s.nCtxTrain = 131072;
    s.tiedEmbeddings = true;
    auto v = fit::quantVariantByName(variant);
    auto plan = fit::planVariant(fit::synthesizeSlots(s), s, *v);
    if (!plan) qFatal("%s", plan.error().c_str());
    GgufWriter w;
    w.setString("general.architecture", "llama");
    w.setString("general.name", "fit-1b-wide");
    w.setU32("general.file_type", static_cast<uint32_t>(v->fileType));
    w.setU32("llama.block_count", 2);
    w.setU32("llama.context_length", 131072);
    w.setU32("llama.embedding_length", 2048);
    w.setU32("llama.feed_forward_length", 8192);
    w.setU32("llama.attention.head_count", 32);
    w.setU32("llama.attention.head_count_kv", 8);
    w.setU32("llama.rope.dimension_count", 64);
    w.setF32("llama.rope.freq_base", 500000.0f);
    w.setF32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.setU32("llama.vocab_size", 128256);
    for (const auto& t : plan->tensors) {
        std::vector<int64_t> ne(t.slot.ne, t.slot.ne + t.slot.nDims);
        auto st = w.addTensor(t.slot.name, t.type, ne, [](uint8_t* out, uint64_t n) {
            std::memset(out, 0, n);
            return Status{};
        });
        if (!st) qFatal("%s", st.error().c_str());
    }
    auto bytes = w.fileBytes();
    if (QFileInfo(path).size() != static_cast<qint64>(bytes.ok() ? *bytes : 0)) {
        if (auto st = w.writeFile(path.toStdString()); !st) qFatal("%s", st.error().c_str());
    }
    return path;
}

} // namespace

class TestFitMeasured : public QObject {
    Q_OBJECT
private slots:
#ifndef HEARTH_FIT_VULKAN
    void predictionMatchesPeakRss_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("ctx");
        QTest::addColumn<bool>("f32Cache");
        QTest::addColumn<int>("prompt");
        const QString tiny = kModels + "cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-";
#ifndef HEARTH_FIT_WIDE
        QTest::newRow("tiny Q4_K_M 2K f16") << tiny + "Q4_K_M.gguf" << 2048 << false << 64;
        QTest::newRow("tiny Q8_0 32K f16") << tiny + "Q8_0.gguf" << 32768 << false << 64;
        QTest::newRow("tiny Q4_0 64K f32") << tiny + "Q4_0.gguf" << 65536 << true << 64;
        QTest::newRow("tiny F16 128K f32") << tiny + "F16.gguf" << 131072 << true << 64;
        QTest::newRow("llama-spm F32 16K f16")
            << kModels + "cf-b-llama-spm/cf-b-llama-spm-F32.gguf" << 16384 << false << 64;
        QTest::newRow("llama-spm F32 64K f32")
            << kModels + "cf-b-llama-spm/cf-b-llama-spm-F32.gguf" << 65536 << true << 64;
        QTest::newRow("phi3 F32 32K f16")
            << kModels + "cf-d-phi3/cf-d-phi3-F32.gguf" << 32768 << false << 64;
        QTest::newRow("stories260K 8K f32")
            << kModels + "stories260K/stories260K.gguf" << 8192 << true << 64;
#else
        QDir().mkpath(QStringLiteral(HEARTH_ARTIFACT_DIR));
        // Few tokens through the wide model keep the test fast on two cores.
        for (const char* v : {"Q4_K_M", "Q8_0", "F16"}) {
            const QString file = writeWideModel(v);
            QTest::newRow(qPrintable(QStringLiteral("1B-wide %1 4K f16").arg(v)))
                << file << 4096 << false << 8;
        }
        QTest::newRow("1B-wide Q4_K_M 32K f16") << writeWideModel("Q4_K_M") << 32768 << false << 8;
#endif
    }

    void predictionMatchesPeakRss() {
        QFETCH(QString, file);
        QFETCH(int, ctx);
        QFETCH(bool, f32Cache);
        QFETCH(int, prompt);
        const Measured m = runChild(file, ctx, f32Cache, prompt);
        QVERIFY2(m.ok, qPrintable(m.error));
        const uint64_t predicted = predictedGrowth(file, ctx, f32Cache);
        const double diff =
            std::abs(static_cast<double>(predicted) - static_cast<double>(m.growth));
        const double allowed = std::max(0.10 * static_cast<double>(m.growth), 64.0 * kMiB);
        qInfo("%s ctx %d %s: predicted %.1f MiB, measured %.1f MiB (%+.1f%%)",
              qPrintable(QFileInfo(file).fileName()), ctx, f32Cache ? "f32" : "f16",
              predicted / double(kMiB), m.growth / double(kMiB),
              100.0 * (static_cast<double>(predicted) / static_cast<double>(m.growth) - 1));
        QVERIFY2(
            diff <= allowed,
            qPrintable(QStringLiteral("predicted %1, measured %2").arg(predicted).arg(m.growth)));
    }
#endif

#if !defined(HEARTH_FIT_WIDE) && !defined(HEARTH_FIT_VULKAN)
    // The engine's preflight: a context of millions of tokens is refused with the numbers and a
    // hint, before anything of that size is allocated (the child's peak RSS barely moves).
    void absurdContextIsRefusedWithoutAllocating() {
        for (const char* model :
             {"stories260K/stories260K.gguf", "cf-b-llama-spm/cf-b-llama-spm-F32.gguf"}) {
            QProcess p;
            p.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--absurd"), kModels + model});
            QVERIFY(p.waitForFinished(50000));
            QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            const QJsonObject o = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
            const QString error = o.value("error").toString();
            qInfo("%s, %d tokens: %s", model, o.value("ctx").toInt(), qPrintable(error));
            QVERIFY2(
                error.contains(
                    QStringLiteral("a context of %1 tokens needs").arg(o.value("ctx").toInt())),
                qPrintable(error));
            QVERIFY2(error.contains("is available; try a smaller context or quantization"),
                     qPrintable(error));
            QVERIFY(o.value("ctx").toInt() >= 10000000);
            const double grew = o.value("peak").toDouble() - o.value("baseline").toDouble();
            QVERIFY2(grew < 64.0 * kMiB, qPrintable(QString::number(grew)));
        }
    }
#endif

#ifdef HEARTH_FIT_VULKAN
    // Device bytes the Vulkan backend holds after a prompt against the estimate's GPU placement
    // (weights, KV cache and scratch on the device; the fixed driver allowance is not a Buffer).
    void deviceAllocationMatchesGpuPlacement_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("ctx");
        QTest::addColumn<int>("gpuLayers"); // -1: all
        QTest::addColumn<int>("prompt");
        const QString tiny = kModels + "cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-";
        const QString spm = kModels + "cf-b-llama-spm/cf-b-llama-spm-F32.gguf";
        QTest::newRow("tiny Q4_K_M 2K all") << tiny + "Q4_K_M.gguf" << 2048 << -1 << 32;
        QTest::newRow("tiny Q4_K_M 2K 1 layer") << tiny + "Q4_K_M.gguf" << 2048 << 1 << 32;
        QTest::newRow("tiny Q8_0 16K all") << tiny + "Q8_0.gguf" << 16384 << -1 << 32;
        QTest::newRow("llama-spm F32 8K all") << spm << 8192 << -1 << 32;
        QTest::newRow("llama-spm F32 8K 1 layer") << spm << 8192 << 1 << 32;
        QTest::newRow("phi3 F32 4K all")
            << kModels + "cf-d-phi3/cf-d-phi3-F32.gguf" << 4096 << -1 << 32;
        // As wide as Llama 3.2 1B (2 layers), one layer offloaded: the device holds that layer
        // and the tied 128256-row head (lavapipe is slow, so one row and one token).
        QDir().mkpath(QStringLiteral(HEARTH_ARTIFACT_DIR));
        const QString wide = writeWideModel("Q4_K_M");
        QTest::newRow("1B-wide Q4_K_M 4K 1 layer") << wide << 4096 << 1 << 1;
    }

    void deviceAllocationMatchesGpuPlacement() {
        QFETCH(QString, file);
        QFETCH(int, ctx);
        QFETCH(int, gpuLayers);
        QFETCH(int, prompt);
        auto f = GgufFile::open(file.toStdString());
        QVERIFY(f.ok());
        auto shape = fit::shapeFromGguf(**f);
        QVERIFY(shape.ok());
        auto plan = fit::planAsStored(fit::slotsFromGguf(**f), *shape, "file");
        QVERIFY(plan.ok());
        const int layers = gpuLayers < 0 ? static_cast<int>(shape->nLayer) : gpuLayers;
        QProcess p;
        p.start(QCoreApplication::applicationFilePath(),
                {QStringLiteral("--measure-device"), file, QString::number(ctx),
                 QString::number(layers), QString::number(prompt)});
        QVERIFY(p.waitForFinished(240000));
        const QByteArray out = p.readAllStandardOutput();
        if (p.exitCode() == 9) QSKIP(qPrintable("no Vulkan device: " + QString::fromUtf8(out)));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const double measured = QJsonDocument::fromJson(out).object().value("device").toDouble(-1);
        QVERIFY(measured > 0);
        fit::EstimateOptions o;
        o.nCtx = ctx;
        o.threads = 2;
        o.ggufHeaderBytes = (*f)->dataOffset();
        const fit::Placement place = fit::placeLayers(*shape, *plan, o, layers);
        const double predicted =
            static_cast<double>(place.deviceWeights + place.deviceKv + place.deviceCompute);
        qInfo("%s ctx %d, %d of %lld layers on the device: predicted %.2f MiB, allocated %.2f MiB "
              "(%+.1f%%)",
              qPrintable(QFileInfo(file).fileName()), ctx, layers,
              static_cast<long long>(shape->nLayer), predicted / kMiB, measured / kMiB,
              100.0 * (predicted / measured - 1));
        const double allowed = std::max(0.10 * measured, 64.0 * kMiB);
        QVERIFY2(
            std::abs(predicted - measured) <= allowed,
            qPrintable(QStringLiteral("predicted %1, allocated %2").arg(predicted).arg(measured)));
    }
#endif

#if defined(HEARTH_FIT_WIDE) || defined(HEARTH_FIT_VULKAN)
    // The wide models are large (1.4 GB for the three): written for this run only.
    void cleanupTestCase() {
        for (const char* v : {"Q4_K_M", "Q8_0", "F16"})
            QFile::remove(QStringLiteral(HEARTH_ARTIFACT_DIR "/%1-%2.gguf")
                              .arg(QLatin1String(kWideStem), QLatin1String(v)));
    }
#endif
};

int main(int argc, char** argv) {
    if (argc == 6 && std::strcmp(argv[1], "--measure") == 0)
        return measure(argv[2], std::atoi(argv[3]), std::strcmp(argv[4], "f32") == 0,
                       std::atoi(argv[5]));
    if (argc == 3 && std::strcmp(argv[1], "--absurd") == 0) return absurdContext(argv[2]);
#ifdef HEARTH_FIT_VULKAN
    if (argc == 6 && std::strcmp(argv[1], "--measure-device") == 0)
        return measureDevice(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), std::atoi(argv[5]));
#endif
    QCoreApplication app(argc, argv);
    TestFitMeasured t;
    return QTest::qExec(&t, argc, argv);
}

#include "test_fit_measured.moc"

// "Auto" GPU layers against the real engine: new chats default to auto, older chats without the
// key stay on the CPU; on a Vulkan device capped (HEARTH_VULKAN_BUDGET_MIB) to hold one of the
// two layers of a conformance model, auto puts one there and the greedy reply equals the CPU's;
// a CPU-type device (lavapipe) gets none unless HEARTH_VULKAN_ALLOW_CPU_DEVICE=1, with a note;
// hearth-cli run/bench accept --gpu-layers auto and refuse nonsense. Device cases skip where no
// Vulkan device exists.
#include "app/core/conversation_store.h"
#include "app/core/gpu_backend.h"
#include "app/ui/chat_controller.h"
#include "engine/fit/gpu_layer_fit.h"
#include "engine/gguf/gguf_file.h"
#include "engine/system/cpu_info.h"
#include "tests/chats/chat_test_support.h"
#include "tests/cli_process.h"
#if HEARTH_HAVE_VULKAN
#include "engine/vulkan/vulkan_backend.h"
#endif

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using hearth::ChatController;
using hearth::MessageListModel;

namespace {

const QString kCli = QStringLiteral(HEARTH_BINARY_DIR "/app/hearth-cli");

QString modelPath() {
    return QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/cf-q-llama-tinyvocab/"
                                            "cf-q-llama-tinyvocab-F32.gguf");
}

const QVariantMap kGreedy{{QStringLiteral("temperature"), 0.0},
                          {QStringLiteral("maxTokens"), 24},
                          {QStringLiteral("contextLength"), 256}};

// The device, or why there is none; released before returning (one device user at a time).
struct Probe {
    QString error;
    QString name;
    bool cpuType = false;
    uint64_t freeBytes = 0;
};
Probe probeDevice() {
    Probe p;
    auto gpu = hearth::createGpuBackend();
    if (!gpu) {
        p.error = QString::fromStdString(gpu.error());
        return p;
    }
    p.name = QString::fromStdString((*gpu)->info().name);
    p.freeBytes = (*gpu)->info().memoryBytes;
#if HEARTH_HAVE_VULKAN
    if (auto* vb = dynamic_cast<hearth::vk::VulkanBackend*>(gpu->get()))
        p.cpuType = vb->context().info().type == "cpu";
#endif
    return p;
}

// A HEARTH_VULKAN_BUDGET_MIB that leaves room for the last layer of the model (with the margin)
// but not both, at the estimate planGpuLayers makes for this context and thread count; 0 when
// MiB steps cannot separate the two.
int budgetMibForOneLayer(int nCtx, int threads) {
    auto file = hearth::GgufFile::open(modelPath().toStdString());
    if (!file) return 0;
    hearth::fit::EstimateOptions o;
    o.nCtx = nCtx;
    o.batch = std::min<int64_t>(o.batch, nCtx);
    o.threads = threads;
    auto one = hearth::fit::fitGpuLayersForGguf(**file, o, 0);
    if (!one) return 0;
    const uint64_t margin = hearth::fit::SafetyMargin{}.minDeviceBytes;
    // What the backend holds before any layer (staging, arenas) counts against the budget; a
    // budget under the driver's own free memory shows it.
    constexpr uint64_t kProbeMib = 700;
    qputenv("HEARTH_VULKAN_BUDGET_MIB", QByteArray::number(kProbeMib));
    const Probe capped = probeDevice();
    qunsetenv("HEARTH_VULKAN_BUDGET_MIB");
    if (!capped.error.isEmpty() || capped.freeBytes == 0) return 0;
    const uint64_t held = (kProbeMib << 20) - std::min(kProbeMib << 20, capped.freeBytes);
    if (held > (64u << 20)) {
        qWarning("the device has less than %llu MiB free", (unsigned long long)kProbeMib);
        return 0;
    }
    const uint64_t needOne = one->oneLayerBytes + margin + held;
    const int mib = int((needOne + (1u << 20) - 1) >> 20);
    // Both layers must not fit: the second adds several MiB of F32 weights.
    const uint64_t layerTwo = (uint64_t(mib) << 20) - held;
    auto both = hearth::fit::fitGpuLayersForGguf(**file, o, layerTwo);
    qInfo("budget %d MiB: one layer needs %llu B + margin, %llu B held by the backend; %s", mib,
          (unsigned long long)one->oneLayerBytes, (unsigned long long)held,
          both ? both->summary.c_str() : "");
    return both && both->layers == 1 ? mib : 0;
}

CliRun cli(const QStringList& args, const QProcessEnvironment& env) {
    return runProcess(kCli, args, env);
}

} // namespace

class TestChatGpuAuto : public QObject, ChatTestFolder {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY(QFileInfo::exists(modelPath()));
        qunsetenv("HEARTH_VULKAN_ALLOW_CPU_DEVICE");
        qunsetenv("HEARTH_VULKAN_BUDGET_MIB");
    }

    void cleanup() {
        qunsetenv("HEARTH_VULKAN_ALLOW_CPU_DEVICE");
        qunsetenv("HEARTH_VULKAN_BUDGET_MIB");
    }

    void settingValues() {
        QCOMPARE(*hearth::parseGpuLayers(QStringLiteral("auto")), hearth::kAutoGpuLayers);
        QCOMPARE(*hearth::parseGpuLayers(QStringLiteral(" Auto ")), hearth::kAutoGpuLayers);
        QCOMPARE(*hearth::parseGpuLayers(QStringLiteral("0")), 0);
        QCOMPARE(*hearth::parseGpuLayers(QStringLiteral("12")), 12);
        for (const char* bad : {"lots", "", "-3", "1.5", "auto9"}) {
            auto r = hearth::parseGpuLayers(QString::fromLatin1(bad));
            QVERIFY2(!r, bad);
            QVERIFY2(QString::fromStdString(r.error()).contains(QStringLiteral("\"auto\"")),
                     r.error().c_str());
        }
    }

    void newChatsAreAutoOldOnesStayOnTheCpu() {
        qint64 old = -1;
        {
            // A chat saved before auto existed: no settings at all.
            hearth::ConversationStore store;
            QVERIFY(store.open(db()));
            old = store.createConversation(QStringLiteral("from before"));
            QVERIFY(old > 0);
        }
        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(c.select(old));
        QCOMPARE(c.settings().value(QStringLiteral("gpuLayers")).toInt(), 0);
        QVERIFY(c.newChat() > 0);
        QCOMPARE(c.settings().value(QStringLiteral("gpuLayers")).toInt(), hearth::kAutoGpuLayers);
        // Numbers, "auto" as text, and nonsense clamped to the CPU.
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), 3}}));
        QCOMPARE(c.settings().value(QStringLiteral("gpuLayers")).toInt(), 3);
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), QStringLiteral("auto")}}));
        QCOMPARE(c.settings().value(QStringLiteral("gpuLayers")).toInt(), hearth::kAutoGpuLayers);
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), -7}}));
        QCOMPARE(c.settings().value(QStringLiteral("gpuLayers")).toInt(), 0);
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), -1}}));
        const qint64 chat = c.currentConversationId();
        ChatController again(db(), nullptr, storeRoot());
        QVERIFY(again.select(chat));
        QCOMPARE(again.settings().value(QStringLiteral("gpuLayers")).toInt(),
                 hearth::kAutoGpuLayers);
    }

    void autoHoldsWhatTheBudgetAllowsAndAnswersLikeTheCpu() {
        const Probe probe = probeDevice();
        if (!probe.error.isEmpty()) QSKIP(qPrintable("no GPU for the chat: " + probe.error));
        qputenv("HEARTH_VULKAN_ALLOW_CPU_DEVICE", "1");
        const int threads = std::max(1, hearth::cpuInfo().physicalCores);
        const int mib = budgetMibForOneLayer(256, threads);
        QVERIFY2(mib > 0, "no budget separates one layer from two");
        qputenv("HEARTH_VULKAN_BUDGET_MIB", QByteArray::number(mib));

        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(c.newChat() > 0);
        QVERIFY(c.setSettings(kGreedy));
        QVERIFY(c.setModel(modelPath()));
        QVERIFY(waitLoaded(c));
        QVERIFY2(c.loadedDevice() == probe.name + QStringLiteral(": last 1 of 2 layers (auto)"),
                 qPrintable(c.loadedDevice() + " / " + c.loadedDeviceNote()));
        QVERIFY2(c.notice().isEmpty(), qPrintable(c.notice()));
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("Once upon a time")));
        QVERIFY(done.wait(60000));
        QCOMPARE(done.constLast().at(0).toString(), QStringLiteral("complete"));
        const QString onGpu = messageContent(c, 1);
        QVERIFY(!onGpu.isEmpty());

        // A budget with room to spare takes both layers.
        qputenv("HEARTH_VULKAN_BUDGET_MIB", QByteArray::number(mib + 64));
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), 0}}));
        QVERIFY(waitLoaded(c));
        QCOMPARE(c.loadedDevice(), QStringLiteral("CPU"));
        QVERIFY(c.regenerate());
        QVERIFY(done.wait(60000));
        QCOMPARE(messageContent(c, 1), onGpu);
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), hearth::kAutoGpuLayers}}));
        QVERIFY(waitLoaded(c));
        QVERIFY2(c.loadedDevice().endsWith(QStringLiteral("last 2 of 2 layers (auto)")),
                 qPrintable(c.loadedDevice()));
        QVERIFY(c.regenerate());
        QVERIFY(done.wait(60000));
        QCOMPARE(messageContent(c, 1), onGpu);
        qInfo("budget %d MiB: 1 of 2 layers; %d MiB: 2 of 2; same %lld characters as the CPU", mib,
              mib + 64, qint64(onGpu.size()));
        qunsetenv("HEARTH_VULKAN_BUDGET_MIB");
        qunsetenv("HEARTH_VULKAN_ALLOW_CPU_DEVICE");
    }

    void aCpuTypeDeviceGetsNoLayersAndSaysWhy() {
        const Probe probe = probeDevice();
        if (!probe.error.isEmpty()) QSKIP(qPrintable("no Vulkan device: " + probe.error));
        if (!probe.cpuType) QSKIP(qPrintable(probe.name + " is not a CPU-type device"));
        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(c.newChat() > 0);
        QVERIFY(c.setSettings(kGreedy));
        QVERIFY(c.setModel(modelPath()));
        QVERIFY(waitLoaded(c));
        QCOMPARE(c.loadedDevice(), QStringLiteral("CPU"));
        QVERIFY2(c.loadedDeviceNote().contains(probe.name) &&
                     c.loadedDeviceNote().contains(QStringLiteral("CPU-type device")),
                 qPrintable(c.loadedDeviceNote()));
        // What auto chose is not a warning.
        QVERIFY2(c.notice().isEmpty(), qPrintable(c.notice()));
    }

    void cliTakesAutoAndRefusesNonsense() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* cmd : {"run", "bench"}) {
            const CliRun bad = cli({QString::fromLatin1(cmd), QStringLiteral("--gpu-layers"),
                                    QStringLiteral("lots"), modelPath()},
                                   env);
            QCOMPARE(bad.code, 2);
            QVERIFY2(bad.err.contains(QStringLiteral("--gpu-layers")) &&
                         bad.err.contains(QStringLiteral("\"lots\"")) &&
                         bad.err.contains(QStringLiteral("auto")),
                     qPrintable(bad.err));
        }
        const Probe probe = probeDevice();
        if (!probe.error.isEmpty()) QSKIP(qPrintable("no GPU for the CLI: " + probe.error));
        // bench's context for -p 8 -n 8 --ttft 0 is 16 positions; -t 1 thread.
        const int mib = budgetMibForOneLayer(16, 1);
        QVERIFY(mib > 0);
        env.insert(QStringLiteral("HEARTH_VULKAN_ALLOW_CPU_DEVICE"), QStringLiteral("1"));
        env.insert(QStringLiteral("HEARTH_VULKAN_BUDGET_MIB"), QString::number(mib));
        const CliRun bench =
            cli({QStringLiteral("bench"), QStringLiteral("--gpu-layers"), QStringLiteral("auto"),
                 QStringLiteral("-p"), QStringLiteral("8"), QStringLiteral("-n"),
                 QStringLiteral("8"), QStringLiteral("--ttft"), QStringLiteral("0"),
                 QStringLiteral("-r"), QStringLiteral("1"), QStringLiteral("-t"),
                 QStringLiteral("1"), QStringLiteral("--json"), modelPath()},
                env);
        QVERIFY2(bench.code == 0, qPrintable(bench.err));
        const QJsonObject o = QJsonDocument::fromJson(bench.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("gpu_layers")).toInt(-1), 1);
        QCOMPARE(o.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu+vulkan"));

        const CliRun run =
            cli({QStringLiteral("run"), QStringLiteral("--gpu-layers"), QStringLiteral("auto"),
                 QStringLiteral("--raw"), QStringLiteral("--verbose"), QStringLiteral("--temp"),
                 QStringLiteral("0"), QStringLiteral("-n"), QStringLiteral("4"),
                 QStringLiteral("--ctx"), QStringLiteral("16"), QStringLiteral("--threads"),
                 QStringLiteral("1"), modelPath(), QStringLiteral("Once")},
                env);
        QVERIFY2(run.code == 0, qPrintable(run.err));
        QVERIFY2(run.err.contains(QStringLiteral("last 1 layers (auto)")), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestChatGpuAuto)
#include "test_chat_gpu_auto.moc"

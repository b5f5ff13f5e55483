// A chat's "GPU layers" setting against the real engine: with layers on the Vulkan backend
// (Mesa's lavapipe in CI) a greedy reply has the same tokens as on the CPU; when the device cannot
// hold the layers, or there is no usable device, the model loads on the CPU and the chat says
// why. The device cases skip, saying why, where no device exists.
#include "app/core/gpu_backend.h"
#include "app/ui/chat_controller.h"
#include "tests/chats/chat_test_support.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using hearth::ChatController;
using hearth::MessageListModel;

namespace {

QString modelPath() {
    return QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf");
}

const QVariantMap kGreedy{{QStringLiteral("temperature"), 0.0},
                          {QStringLiteral("maxTokens"), 40},
                          {QStringLiteral("contextLength"), 256}};

} // namespace

class TestChatGpu : public QObject, ChatTestFolder {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY(QFileInfo::exists(modelPath()));
    }

    void gpuLayersAnswerWithTheCpusTokens() {
        auto probe = hearth::createGpuBackend();
        if (!probe)
            QSKIP(qPrintable(QStringLiteral("no GPU for the chat: ") +
                             QString::fromStdString(probe.error())));
        const QString device = QString::fromStdString((*probe)->info().name);
        probe = hearth::makeError("released"); // one device user at a time

        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(c.newChat() > 0);
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), 0}})); // new chats are auto
        QVERIFY(c.setModel(modelPath()));
        QVERIFY(waitLoaded(c));
        QCOMPARE(c.loadedDevice(), QStringLiteral("CPU"));
        QVERIFY(c.setSettings(kGreedy));
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("Once upon a time")));
        QVERIFY(done.wait(60000));
        const QString onCpu = messageContent(c, 1);
        QVERIFY(!onCpu.isEmpty());

        // Some layers, then all of them (more than the model has), each answering again.
        for (int layers : {2, 1000}) {
            QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), layers}})); // reloads
            QVERIFY(waitLoaded(c));
            QVERIFY2(c.loadedDevice().startsWith(device), qPrintable(c.loadedDevice()));
            QVERIFY2(c.loadedDevice().contains(layers == 2 ? QStringLiteral("last 2 of")
                                                           : QStringLiteral("last 5 of 5")),
                     qPrintable(c.loadedDevice()));
            QVERIFY2(!c.notice().contains(QStringLiteral("CPU")), qPrintable(c.notice()));
            QVERIFY(c.regenerate());
            QVERIFY(done.wait(60000));
            QCOMPARE(done.constLast().at(0).toString(), QStringLiteral("complete"));
            QCOMPARE(messageContent(c, 1), onCpu);
            qInfo("%s: same %lld characters as on the CPU", qPrintable(c.loadedDevice()),
                  qint64(onCpu.size()));
        }
        // The setting is the chat's: it survives a restart.
        const qint64 chat = c.currentConversationId();
        ChatController again(db(), nullptr, storeRoot());
        QVERIFY(again.select(chat));
        QCOMPARE(again.settings().value(QStringLiteral("gpuLayers")).toInt(), 1000);
    }

    void aLoadTheDeviceCannotHoldFallsBackToTheCpu() {
        auto probe = hearth::createGpuBackend();
        if (!probe)
            QSKIP(qPrintable(QStringLiteral("no GPU for the chat: ") +
                             QString::fromStdString(probe.error())));
        probe = hearth::makeError("released");
        // A device that pretends to have 1 MiB: the weights do not fit on it.
        qputenv("HEARTH_VULKAN_BUDGET_MIB", "1");
        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(c.newChat() > 0);
        QVERIFY(c.setSettings(kGreedy));
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), 5}}));
        QVERIFY(c.setModel(modelPath()));
        QVERIFY(waitLoaded(c));
        qunsetenv("HEARTH_VULKAN_BUDGET_MIB");
        QCOMPARE(c.loadedDevice(), QStringLiteral("CPU"));
        QVERIFY2(c.notice().contains(QStringLiteral("could not be loaded")) &&
                     c.notice().contains(QStringLiteral("fewer GPU layers")) &&
                     c.notice().contains(QStringLiteral("running on the CPU")),
                 qPrintable(c.notice()));
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("Once upon a time")));
        QVERIFY(done.wait(60000));
        QCOMPARE(done.at(0).at(0).toString(), QStringLiteral("complete"));
    }

    void noUsableDeviceFallsBackToTheCpuAndSaysSo() {
        // A device index no machine has: the GPU backend cannot start (also true of builds
        // without Vulkan, which say so instead).
        qputenv("HEARTH_VULKAN_DEVICE", "57");
        ChatController c(db(), nullptr, storeRoot());
        QVERIFY(c.newChat() > 0);
        QVERIFY(c.setSettings(kGreedy));
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), 3}, {QStringLiteral("bogus"), 1}}));
        QVERIFY(c.setModel(modelPath()));
        QVERIFY(waitLoaded(c));
        qunsetenv("HEARTH_VULKAN_DEVICE");
        QCOMPARE(c.loadedDevice(), QStringLiteral("CPU"));
        QVERIFY2(c.notice().contains(QStringLiteral("running on the CPU")), qPrintable(c.notice()));
        QVERIFY(c.announcement().contains(QStringLiteral("GPU")));
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("Once upon a time")));
        QVERIFY(done.wait(60000));
        QCOMPARE(done.at(0).at(0).toString(), QStringLiteral("complete"));

        // Nonsense counts are clamped, not stored as given.
        QVERIFY(c.setSettings({{QStringLiteral("gpuLayers"), -4}}));
        QCOMPARE(c.settings().value(QStringLiteral("gpuLayers")).toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestChatGpu)
#include "test_chat_gpu.moc"

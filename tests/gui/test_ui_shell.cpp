// The app shell driven as a user would: the real QML (module Hearth.Ui) with the real
// controllers, navigated by shortcut, by click and by arrow keys; the System page checked
// against /proc; every page saved as a screenshot in light and dark theme.
#include "app/core/byte_size.h"
#include "app/core/system_report.h"
#include "app/ui/app_setup.h"
#include "app/ui/chat_controller.h"
#include "app/ui/system_theme.h"
#include "gui/quick_items.h"

#include <QAccessible>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QPalette>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

#include <memory>

Q_IMPORT_QML_PLUGIN(Hearth_AppPlugin)
Q_IMPORT_QML_PLUGIN(Hearth_UiPlugin)

// start() verifies with QVERIFY, which only leaves the helper; stop the test too.
#define START(theme)                                                                               \
    do {                                                                                           \
        start(theme);                                                                              \
        if (QTest::currentTestFailed()) return;                                                    \
    } while (false)

namespace {

const QStringList kPageKeys = {QStringLiteral("chats"), QStringLiteral("models"),
                               QStringLiteral("discover"), QStringLiteral("fit"),
                               QStringLiteral("system")};

// The value of the first "<key> : value" line of a /proc file.
QString procField(const QString& file, const QString& key) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
    for (const QString& line : lines) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon > 0 && line.left(colon).trimmed() == key) return line.mid(colon + 1).trimmed();
    }
    return {};
}

QColor paletteWindow(bool dark) {
    return dark ? QColor(0x20, 0x20, 0x22) : QColor(0xf4, 0xf4, 0xf4);
}

QPalette makePalette(bool dark) {
    QPalette p;
    p.setColor(QPalette::Window, paletteWindow(dark));
    p.setColor(QPalette::WindowText, dark ? QColor(0xee, 0xee, 0xee) : QColor(0x11, 0x11, 0x11));
    return p;
}

} // namespace

class TestUiShell : public QObject {
    Q_OBJECT

    std::unique_ptr<QQmlApplicationEngine> engine_;
    QQuickWindow* window_ = nullptr;
    QTemporaryDir store_;
    QTemporaryDir data_;
    int runs_ = 0;
    QPalette originalPalette_;

    // Starts the UI as main.cpp does; `theme` is HEARTH_THEME (empty: follow the palette).
    void start(const QByteArray& theme) {
        if (theme.isEmpty())
            qunsetenv("HEARTH_THEME");
        else
            qputenv("HEARTH_THEME", theme);
        // A fresh chat history for every start: tests never see each other's chats.
        qputenv("HEARTH_DATA_DIR",
                QFile::encodeName(data_.filePath(QStringLiteral("run-%1").arg(++runs_))));
        engine_ = std::make_unique<QQmlApplicationEngine>();
        hearth::configureEngine(*engine_);
        engine_->load(hearth::mainQmlUrl());
        QVERIFY2(!engine_->rootObjects().isEmpty(), "Main.qml failed to load");
        window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().constFirst());
        QVERIFY(window_);
        QVERIFY(QTest::qWaitForWindowExposed(window_));
        window_->requestActivate();
        QTRY_VERIFY(window_->isActive());
    }

    QQuickItem* item(const QString& name) const {
        return findItem(window_ ? window_->contentItem() : nullptr, name);
    }
    QString currentPage() const { return window_->property("currentPageKey").toString(); }

    void click(QQuickItem* target) {
        QVERIFY(target);
        QVERIFY2(target->isVisible(), qPrintable(target->objectName() + " is not visible"));
        const QPointF centre =
            target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
        QTest::mouseClick(window_, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
    }

    // QTest::keyClicks exists for widgets only; windows get one key at a time.
    void typeText(const char* text) {
        for (const char* c = text; *c; ++c) QTest::keyClick(window_, *c);
    }

    // Types "Hello", Shift+Enter, "there" into the composer and sends it with Enter.
    void typeAndSendAMessage() {
        QQuickItem* input = item(QStringLiteral("composerInput"));
        QVERIFY(input);
        click(input);
        QTRY_VERIFY(input->hasActiveFocus());
        typeText("Hello");
        QTest::keyClick(window_, Qt::Key_Return, Qt::ShiftModifier);
        typeText("there");
        QCOMPARE(input->property("text").toString(), QStringLiteral("Hello\nthere"));
        QTest::keyClick(window_, Qt::Key_Return);
        QTRY_COMPARE(item(QStringLiteral("messageList"))->property("count").toInt(), 1);
        QCOMPARE(input->property("text").toString(), QString()); // sent, so cleared
        QQuickItem* text =
            findItem(item(QStringLiteral("messageList")), QStringLiteral("messageText"));
        QVERIFY(text);
        QCOMPARE(text->property("text").toString(), QStringLiteral("Hello\nthere"));
    }

    // Feeds a reply through ChatController's streaming entry points, as the engine worker will.
    void streamAReply() {
        auto* chats = window_->findChild<hearth::ChatController*>(QStringLiteral("chatController"));
        QVERIFY(chats);
        QVERIFY(chats->beginAssistantMessage(QStringLiteral("test-stream")));
        for (const char* chunk : {"Streamed ", "text ", "from the test, ", "not from a model."})
            QVERIFY(chats->appendAssistantText(QString::fromLatin1(chunk)));
        QVERIFY(chats->finishAssistantMessage());
    }

    void pressShortcut(int index) {
        QTest::keyClick(window_, Qt::Key(Qt::Key_1 + index), Qt::ControlModifier);
        QTRY_COMPARE(currentPage(), kPageKeys[index]);
    }

    // Exactly one page is visible: the current one.
    void verifyOnlyPageVisible(const QString& key) {
        for (const QString& k : kPageKeys) {
            QQuickItem* page = item(QStringLiteral("page_") + k);
            QVERIFY2(page, qPrintable(QStringLiteral("no page_") + k));
            QCOMPARE(page->isVisible(), k == key);
        }
    }

    QString textOf(const QString& name) const {
        QQuickItem* i = item(name);
        return i ? i->property("text").toString() : QString();
    }

private slots:
    void initTestCase() {
        hearth::configureApplication();
        QVERIFY(store_.isValid());
        QVERIFY(data_.isValid());
        // Never look at the user's real model store.
        qputenv("OLLAMA_MODELS", QFile::encodeName(store_.path()));
        originalPalette_ = QGuiApplication::palette();
        QVERIFY(QDir().mkpath(QStringLiteral(HEARTH_ARTIFACT_DIR)));
    }

    void cleanup() {
        engine_.reset();
        window_ = nullptr;
        QGuiApplication::setPalette(originalPalette_);
    }

    void windowHasASensibleMinimumSize() {
        START("light");
        QVERIFY(window_->minimumWidth() >= 640);
        QVERIFY(window_->minimumHeight() >= 480);
        QVERIFY(window_->width() >= window_->minimumWidth());
        QVERIFY(window_->height() >= window_->minimumHeight());
        QCOMPARE(currentPage(), QStringLiteral("chats"));
        verifyOnlyPageVisible(QStringLiteral("chats"));
    }

    void navigatesByShortcut() {
        START("light");
        for (int i = int(kPageKeys.size()) - 1; i >= 0; --i) {
            pressShortcut(i);
            verifyOnlyPageVisible(kPageKeys[i]);
        }
    }

    void navigatesByClickingTheSidebar() {
        START("light");
        for (const QString& key :
             {QStringLiteral("system"), QStringLiteral("fit"), QStringLiteral("discover"),
              QStringLiteral("models"), QStringLiteral("chats")}) {
            click(item(QStringLiteral("nav_") + key));
            QTRY_COMPARE(currentPage(), key);
            verifyOnlyPageVisible(key);
            QVERIFY(item(QStringLiteral("nav_") + key)->property("checked").toBool());
        }
    }

    void navigatesWithTabAndArrows() {
        START("light");
        QTest::keyClick(window_, Qt::Key_Tab);
        QQuickItem* chats = item(QStringLiteral("nav_chats"));
        QVERIFY(chats);
        QTRY_VERIFY(chats->hasActiveFocus());
        QVERIFY(chats->property("visualFocus").toBool()); // the focus ring shows
        QTest::keyClick(window_, Qt::Key_Down);
        QTRY_COMPARE(currentPage(), QStringLiteral("models"));
        QVERIFY(item(QStringLiteral("nav_models"))->hasActiveFocus());
        QTest::keyClick(window_, Qt::Key_Down);
        QTRY_COMPARE(currentPage(), QStringLiteral("discover"));
        QTest::keyClick(window_, Qt::Key_Down);
        QTest::keyClick(window_, Qt::Key_Down);
        QTRY_COMPARE(currentPage(), QStringLiteral("system"));
        QTest::keyClick(window_, Qt::Key_Down); // stays on the last page
        QCOMPARE(currentPage(), QStringLiteral("system"));
        QTest::keyClick(window_, Qt::Key_Up);
        QTRY_COMPARE(currentPage(), QStringLiteral("fit"));
        QTest::keyClick(window_, Qt::Key_Up);
        QTRY_COMPARE(currentPage(), QStringLiteral("discover"));
        // Tab leaves the sidebar for the page's own controls.
        QTest::keyClick(window_, Qt::Key_Up);
        QTRY_COMPARE(currentPage(), QStringLiteral("models"));
        for (int i = 0; i < 8 && !item(QStringLiteral("rescanButton"))->hasActiveFocus(); ++i)
            QTest::keyClick(window_, Qt::Key_Tab);
        QVERIFY(item(QStringLiteral("rescanButton"))->hasActiveFocus());
        QVERIFY(item(QStringLiteral("rescanButton"))->property("visualFocus").toBool());
        // Keep a picture of the focus ring for people judging keyboard use.
        QVERIFY(
            window_->grabWindow().save(QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-focus-light.png")));
    }

    void everyButtonHasAnAccessibleName() {
        START("light");
        int checked = 0;
        for (int i = 0; i < kPageKeys.size(); ++i) {
            pressShortcut(i);
            QList<QQuickItem*> buttons;
            collectButtons(window_->contentItem(), buttons);
            QVERIFY(buttons.size() >= kPageKeys.size()); // at least the sidebar
            for (QQuickItem* button : buttons) {
                QAccessibleInterface* a = QAccessible::queryAccessibleInterface(button);
                QVERIFY(a);
                QVERIFY2(!a->text(QAccessible::Name).trimmed().isEmpty(),
                         qPrintable(QStringLiteral("unnamed button ") + button->objectName()));
                QVERIFY(a->role() == QAccessible::Button || a->role() == QAccessible::PageTab ||
                        a->role() == QAccessible::ListItem);
                ++checked;
            }
        }
        QVERIFY(checked > 8);
    }

    void systemPageShowsThisMachine() {
        const QString model =
            procField(QStringLiteral("/proc/cpuinfo"), QStringLiteral("model name"));
        if (model.isEmpty()) QSKIP("/proc/cpuinfo has no model name on this CPU");
        START("light");
        pressShortcut(int(kPageKeys.indexOf(QStringLiteral("system"))));
        QCOMPARE(textOf(QStringLiteral("cpuModelLabel")), model);
        QVERIFY(item(QStringLiteral("cpuModelLabel"))->isVisible());

        // SIMD chips agree with the kernel's own flag list.
        const QSet<QString> flags = [] {
            const QStringList list =
                procField(QStringLiteral("/proc/cpuinfo"), QStringLiteral("flags"))
                    .split(QLatin1Char(' '), Qt::SkipEmptyParts);
            return QSet<QString>(list.begin(), list.end());
        }();
        const QList<QPair<QString, QString>> chips = {
            {QStringLiteral("SSE4.2"), QStringLiteral("sse4_2")},
            {QStringLiteral("AVX2"), QStringLiteral("avx2")},
            {QStringLiteral("FMA"), QStringLiteral("fma")},
            {QStringLiteral("F16C"), QStringLiteral("f16c")},
            {QStringLiteral("AVX-512F"), QStringLiteral("avx512f")}};
        for (const auto& [chipName, flag] : chips) {
            QQuickItem* chip = item(QStringLiteral("simd_") + chipName);
            QVERIFY2(chip, qPrintable(QStringLiteral("no chip for ") + chipName));
            QCOMPARE(chip->property("present").toBool(), flags.contains(flag));
        }

        // RAM total as the OS states it (MemTotal is in KiB).
        const quint64 memTotal =
            procField(QStringLiteral("/proc/meminfo"), QStringLiteral("MemTotal"))
                .split(QLatin1Char(' '))
                .value(0)
                .toULongLong() *
            1024;
        QVERIFY(memTotal > 0);
        QVERIFY2(textOf(QStringLiteral("ramTotalLabel")).contains(hearth::byteSizeText(memTotal)),
                 qPrintable(textOf(QStringLiteral("ramTotalLabel"))));
        const double used = item(QStringLiteral("ramBar"))->property("value").toDouble();
        QVERIFY(used > 0.0 && used < 1.0);

        // Vulkan: either device entries or a non-empty explanation.
        QQuickItem* message = item(QStringLiteral("gpuMessageLabel"));
        QVERIFY(message);
        if (item(QStringLiteral("gpuDevice_0")))
            QVERIFY(!message->isVisible() || !message->parentItem()->isVisible());
        else
            QVERIFY(!textOf(QStringLiteral("gpuMessageLabel")).isEmpty());

        // Refresh gathers again and shows the same CPU.
        click(item(QStringLiteral("refreshButton")));
        QCOMPARE(textOf(QStringLiteral("cpuModelLabel")), model);
    }

    void copyReportPutsTheReportOnTheClipboard() {
        START("light");
        pressShortcut(int(kPageKeys.indexOf(QStringLiteral("system"))));
        QGuiApplication::clipboard()->setText(QStringLiteral("nothing yet"));
        QObject* controller = window_->findChild<QObject*>(QStringLiteral("systemController"));
        QVERIFY(controller);
        const QString report = controller->property("reportText").toString();
        QVERIFY(report.contains(controller->property("cpuModel").toString()));
        click(item(QStringLiteral("copyReportButton")));
        QTRY_COMPARE(QGuiApplication::clipboard()->text(), report);
        QCOMPARE(textOf(QStringLiteral("copyReportButton")), QStringLiteral("Copied"));
    }

    void modelsPageSaysWhatIsInTheStore() {
        START("light");
        pressShortcut(1);
        QCOMPARE(textOf(QStringLiteral("storePathText")), QDir::cleanPath(store_.path()));
        QQuickItem* empty = item(QStringLiteral("modelsEmptyState"));
        QVERIFY(empty);
        QCOMPARE(empty->property("title").toString(), QStringLiteral("No models found"));
        QVERIFY(empty->property("body").toString().contains(QDir::cleanPath(store_.path())));

        // A manifest appears on disk: Rescan reports it instead of claiming the store is empty.
        const QString manifestDir =
            store_.path() + QStringLiteral("/manifests/registry.ollama.ai/library/tiny");
        QVERIFY(QDir().mkpath(manifestDir));
        QFile manifest(manifestDir + QStringLiteral("/latest"));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write("{}");
        manifest.close();
        click(item(QStringLiteral("rescanButton")));
        QTRY_COMPARE(empty->property("title").toString(), QStringLiteral("1 model manifest found"));
        QVERIFY(QFile::remove(manifest.fileName()));
    }

    void chatsEmptyStateLeadsToModels() {
        START("light");
        QCOMPARE(currentPage(), QStringLiteral("chats"));
        QVERIFY(item(QStringLiteral("noConversationsLabel"))->isVisible());
        QQuickItem* page = item(QStringLiteral("page_chats"));
        click(findItem(page, QStringLiteral("emptyStateAction")));
        QTRY_COMPARE(currentPage(), QStringLiteral("models"));
    }

    // "Chat with it" on the Models page opens a new chat on that model and shows the Chats page.
    void chatWithItOpensAChatOnThatModel() {
        START("light");
        click(item(QStringLiteral("nav_models")));
        QTRY_COMPARE(currentPage(), QStringLiteral("models"));
        auto* chats = window_->findChild<hearth::ChatController*>(QStringLiteral("chatController"));
        QVERIFY(chats);
        const QString file =
            QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf");
        QVERIFY(QMetaObject::invokeMethod(item(QStringLiteral("page_models")), "chatRequested",
                                          Q_ARG(QString, QStringLiteral("stories260K.gguf")),
                                          Q_ARG(QString, file)));
        QTRY_COMPARE(currentPage(), QStringLiteral("chats"));
        QCOMPARE(chats->currentModel(), file);
        QVERIFY(chats->currentConversationId() >= 0);
    }

    void composerSendsWithEnterAndBreaksLinesWithShiftEnter() {
        START("light");
        typeAndSendAMessage();
        if (QTest::currentTestFailed()) return;
        QCOMPARE(item(QStringLiteral("conversationList"))->property("count").toInt(), 1);
        QCOMPARE(textOf(QStringLiteral("chatTitle")), QStringLiteral("Hello there"));
        QVERIFY(item(QStringLiteral("chatNotice"))->isVisible()); // says why nobody answers
        QVERIFY(textOf(QStringLiteral("chatNoticeText")).contains(QStringLiteral("no model")));
        QVERIFY(!item(QStringLiteral("noConversationsLabel"))->isVisible());

        // The streaming path the engine worker will drive: text grows in place.
        streamAReply();
        if (QTest::currentTestFailed()) return;
        QTRY_COMPARE(item(QStringLiteral("messageList"))->property("count").toInt(), 2);

        // The chat is on disk: a new window shows it again.
        const QByteArray dataDir = qgetenv("HEARTH_DATA_DIR");
        engine_.reset();
        engine_ = std::make_unique<QQmlApplicationEngine>();
        hearth::configureEngine(*engine_);
        qputenv("HEARTH_DATA_DIR", dataDir);
        engine_->load(hearth::mainQmlUrl());
        QVERIFY(!engine_->rootObjects().isEmpty());
        window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().constFirst());
        QVERIFY(QTest::qWaitForWindowExposed(window_));
        QCOMPARE(item(QStringLiteral("conversationList"))->property("count").toInt(), 1);
    }

    void themeFollowsThePalette() {
        qunsetenv("HEARTH_THEME");
        hearth::SystemTheme theme;
        QVERIFY(!theme.pinned());
        QSignalSpy spy(&theme, &hearth::SystemTheme::darkChanged);
        QGuiApplication::setPalette(makePalette(true));
        QTRY_VERIFY(theme.dark());
        QGuiApplication::setPalette(makePalette(false));
        QTRY_VERIFY(!theme.dark());
        QCOMPARE(spy.count(), 2);

        qputenv("HEARTH_THEME", "light");
        hearth::SystemTheme pinned;
        QVERIFY(pinned.pinned());
        QGuiApplication::setPalette(makePalette(true));
        QVERIFY(!pinned.dark());
        qputenv("HEARTH_THEME", "not-a-theme"); // unknown values follow the palette
        QVERIFY(!hearth::SystemTheme::pinnedFromEnvironment().has_value());
    }

    void windowFollowsAPaletteChangeLive() {
        QGuiApplication::setPalette(makePalette(false));
        START(QByteArray());
        QVERIFY(window_->color().lightness() > 200);
        QGuiApplication::setPalette(makePalette(true));
        QTRY_VERIFY(window_->color().lightness() < 60);
    }

    void layoutHoldsAtTheMinimumSize() {
        START("light");
        window_->resize(window_->minimumSize());
        QTRY_COMPARE(window_->size(), window_->minimumSize());
        const QRectF bounds(QPointF(0, 0), QSizeF(window_->size()));
        for (int i = 0; i < kPageKeys.size(); ++i) {
            pressShortcut(i);
            QTest::qWait(50);
            QVERIFY(window_->grabWindow().save(
                QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-%1-minimum.png").arg(kPageKeys[i])));
        }
        // The page's actions stay reachable inside the window, not pushed off its edge.
        for (const char* name : {"copyReportButton", "refreshButton"}) {
            QQuickItem* button = item(QString::fromLatin1(name));
            QVERIFY(button);
            const QRectF r =
                button->mapRectToScene(QRectF(0, 0, button->width(), button->height()));
            QVERIFY2(bounds.contains(r), name);
        }
        // One column of cards on a narrow window.
        QQuickItem* cpu = item(QStringLiteral("cpuModelLabel"));
        QVERIFY(cpu && cpu->width() > 0);
    }

    void screenshots_data() {
        QTest::addColumn<QByteArray>("theme");
        QTest::newRow("light") << QByteArray("light");
        QTest::newRow("dark") << QByteArray("dark");
    }

    void screenshots() {
        QFETCH(QByteArray, theme);
        START(theme);
        const bool dark = theme == "dark";
        QVERIFY(dark ? window_->color().lightness() < 60 : window_->color().lightness() > 200);
        for (int i = 0; i < kPageKeys.size(); ++i) {
            pressShortcut(i);
            QTest::qWait(50); // let the page lay out before grabbing
            const QImage shot = window_->grabWindow();
            QVERIFY(!shot.isNull());
            QCOMPARE(shot.size(), window_->size() * window_->devicePixelRatio());
            // The page area's background is the theme's window colour, not a default grey.
            const QColor corner = shot.pixelColor(shot.width() - 4, shot.height() - 4);
            QVERIFY2(dark ? corner.lightness() < 60 : corner.lightness() > 200,
                     qPrintable(corner.name()));
            const QString path = QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-%1-%2.png")
                                     .arg(kPageKeys[i], QString::fromLatin1(theme));
            QVERIFY2(shot.save(path), qPrintable(path));
        }
        // A chat with a message and a streamed reply, for judging the chat view.
        pressShortcut(0);
        typeAndSendAMessage();
        if (QTest::currentTestFailed()) return;
        streamAReply();
        if (QTest::currentTestFailed()) return;
        QTest::qWait(50);
        const QString path = QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-chat-conversation-%1.png")
                                 .arg(QString::fromLatin1(theme));
        QVERIFY2(window_->grabWindow().save(path), qPrintable(path));
    }
};

QTEST_MAIN(TestUiShell)
#include "test_ui_shell.moc"

// The Models page as users see it: the real Main.qml over a store in a temporary folder
// (imported conformance GGUFs), rows with sizes and quant types, details, delete with its
// confirmation (shared blobs kept), and screenshots in light and dark theme.
#include "app/core/byte_size.h"
#include "app/ui/app_setup.h"
#include "app/ui/models_controller.h"
#include "engine/store/model_store.h"
#include "gui/quick_items.h"

#include <QAccessible>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

#include <algorithm>
#include <memory>

Q_IMPORT_QML_PLUGIN(Hearth_AppPlugin)
Q_IMPORT_QML_PLUGIN(Hearth_UiPlugin)

namespace {

const QString kModels = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models");
const QString kQ8 =
    kModels + QStringLiteral("/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q8_0.gguf");
const QString kQ4 =
    kModels + QStringLiteral("/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf");
const QString kStories = kModels + QStringLiteral("/stories260K/stories260K.gguf");

QString textIn(QQuickItem* root, const QString& name) {
    QQuickItem* it = findItem(root, name);
    return it ? it->property("text").toString() : QString();
}

} // namespace

class TestModelsPage : public QObject {
    Q_OBJECT

    std::unique_ptr<QQmlApplicationEngine> engine_;
    QQuickWindow* window_ = nullptr;
    QTemporaryDir home_;
    QString store_;

    bool start(const QByteArray& theme) {
        engine_.reset();
        qputenv("HEARTH_THEME", theme);
        engine_ = std::make_unique<QQmlApplicationEngine>();
        hearth::configureEngine(*engine_);
        engine_->load(hearth::mainQmlUrl());
        if (engine_->rootObjects().isEmpty()) return false;
        window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().constFirst());
        if (!window_ || !QTest::qWaitForWindowExposed(window_)) return false;
        QMetaObject::invokeMethod(window_, "showPageByKey",
                                  Q_ARG(QVariant, QStringLiteral("models")));
        return window_->property("currentPageKey").toString() == QLatin1String("models");
    }

    QQuickItem* item(const QString& name) const {
        return findItem(window_ ? window_->contentItem() : nullptr, name);
    }

    void click(QQuickItem* target) {
        QVERIFY(target);
        QVERIFY2(target->isVisible(), qPrintable(target->objectName() + " is not visible"));
        const QPointF centre =
            target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
        QTest::mouseClick(window_, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
    }

    void import(const QString& file, const char* name) {
        hearth::ModelStore store(store_.toStdString());
        hearth::ImportOptions o;
        o.name = name;
        o.allowHardLink = false;
        auto r = store.importGguf(file.toStdString(), o);
        QVERIFY2(r, r ? "" : r.error().c_str());
    }

private slots:
    void initTestCase() {
        QVERIFY(home_.isValid());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(home_.filePath(QStringLiteral("config"))));
        qputenv("HEARTH_DATA_DIR", QFile::encodeName(home_.filePath(QStringLiteral("data"))));
        qputenv("HEARTH_CATALOG", HEARTH_SOURCE_DIR "/resources/catalog/models.json");
        hearth::configureApplication();
        QCoreApplication::setOrganizationName(QStringLiteral("HearthTest"));
        store_ = home_.filePath(QStringLiteral("models"));
        qputenv("OLLAMA_MODELS", QFile::encodeName(store_));
        QVERIFY(QDir().mkpath(QStringLiteral(HEARTH_ARTIFACT_DIR)));
        if (!QFileInfo::exists(kQ8) || !QFileInfo::exists(kStories))
            QSKIP("conformance models are missing");
        import(kQ8, "tinyvocab:q8_0");
        import(kQ4, "tinyvocab:q4_k_m");
        import(kStories, "stories");
        import(kStories, "stories-again"); // shares the model blob with "stories"
    }

    void cleanup() {
        engine_.reset();
        window_ = nullptr;
    }

    void listsTheStoreWithSizesAndQuantTypes() {
        QVERIFY(start("light"));
        QQuickItem* q8 = item(QStringLiteral("modelRow_tinyvocab:q8_0"));
        QQuickItem* q4 = item(QStringLiteral("modelRow_tinyvocab:q4_k_m"));
        QVERIFY(q8 && q4);
        QVERIFY(q8->isVisible());
        QCOMPARE(textIn(q8, QStringLiteral("quantLabel")), QStringLiteral("Q8_0"));
        QCOMPARE(textIn(q4, QStringLiteral("quantLabel")), QStringLiteral("Q4_K_M"));
        // 1,897,920 bytes of GGUF (+ a small config blob): "1.90 MB", three significant digits.
        auto* controller =
            window_->findChild<hearth::ModelsController*>(QStringLiteral("modelsController"));
        QVERIFY(controller);
        QCOMPARE(textIn(q8, QStringLiteral("sizeLabel")),
                 hearth::byteSizeText(
                     controller->models()->find(QStringLiteral("tinyvocab:q8_0"))->sizeBytes));
        QVERIFY(textIn(q8, QStringLiteral("sizeLabel")).startsWith(QStringLiteral("1.90 MB")));
        QVERIFY(!item(QStringLiteral("modelsListSlot"))->isVisible()); // no empty state

        // Filter narrows the list.
        QQuickItem* filter = item(QStringLiteral("modelsFilterField"));
        QVERIFY(filter);
        filter->forceActiveFocus();
        for (char c : QByteArray("stor"))
            if (c) QTest::keyClick(window_, c);
        QTRY_VERIFY(!item(QStringLiteral("modelRow_tinyvocab:q8_0")));
        QVERIFY(item(QStringLiteral("modelRow_stories:latest")));
    }

    void detailsAndDeleteKeepSharedBlobs() {
        QVERIFY(start("light"));
        click(item(QStringLiteral("modelRow_stories-again:latest")));
        QQuickItem* panel = item(QStringLiteral("modelDetailsPanel"));
        QTRY_VERIFY(panel && panel->isVisible());
        QVERIFY(panel->property("title").toString().startsWith(QStringLiteral("stories-again")));
        const QString blob =
            panel->property("details").toMap().value(QStringLiteral("path")).toString();
        QVERIFY(QFileInfo::exists(blob));
        QVERIFY(panel->property("details")
                    .toMap()
                    .value(QStringLiteral("summary"))
                    .toString()
                    .contains(QStringLiteral("llama")));

        auto* controller =
            window_->findChild<hearth::ModelsController*>(QStringLiteral("modelsController"));
        QVERIFY(controller);
        QSignalSpy chat(controller, &hearth::ModelsController::chatRequested);
        scrollIntoView(panel);
        QTest::qWait(20);
        click(item(QStringLiteral("chatWithModelButton")));
        QTRY_COMPARE(chat.size(), 1);
        QCOMPARE(chat.at(0).at(0).toString(), QStringLiteral("stories-again:latest"));
        // The window opens a chat on that model and shows it; then back to the library.
        QTRY_COMPARE(window_->property("currentPageKey").toString(), QStringLiteral("chats"));
        QObject* chats = window_->findChild<QObject*>(QStringLiteral("chatController"));
        QVERIFY(chats);
        QCOMPARE(chats->property("currentModel").toString(),
                 QStringLiteral("stories-again:latest"));
        QMetaObject::invokeMethod(window_, "showPageByKey",
                                  Q_ARG(QVariant, QStringLiteral("models")));
        QTRY_COMPARE(window_->property("currentPageKey").toString(), QStringLiteral("models"));
        scrollIntoView(item(QStringLiteral("deleteModelButton")));
        QTest::qWait(20);

        click(item(QStringLiteral("deleteModelButton")));
        QObject* dialog = window_->findChild<QObject*>(QStringLiteral("deleteDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->property("opened").toBool());
        auto* text = dialog->findChild<QObject*>(QStringLiteral("deleteDialogText"));
        QVERIFY(text);
        const QString says = text->property("text").toString();
        QVERIFY2(says.contains(QStringLiteral("frees")) && says.contains(QStringLiteral("kept")),
                 qPrintable(says));
        QVERIFY(window_->grabWindow().save(
            QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-models-delete-light.png")));
        QMetaObject::invokeMethod(dialog, "accept");
        QTRY_VERIFY(!item(QStringLiteral("modelRow_stories-again:latest")));
        QVERIFY(item(QStringLiteral("modelRow_stories:latest")));
        QVERIFY(QFileInfo::exists(blob)); // still used by "stories"
    }

    // Screen readers can name and classify every button of the Models and Memory fit pages.
    void everyButtonIsAccessible() {
        QVERIFY(start("light"));
        click(item(QStringLiteral("modelRow_tinyvocab:q8_0")));
        QTRY_VERIFY(item(QStringLiteral("modelDetailsPanel"))->isVisible());
        for (const char* key : {"models", "fit"}) {
            QMetaObject::invokeMethod(window_, "showPageByKey",
                                      Q_ARG(QVariant, QString::fromLatin1(key)));
            QList<QQuickItem*> buttons;
            collectButtons(item(QStringLiteral("page_") + QString::fromLatin1(key)), buttons);
            QVERIFY(buttons.size() >= 1);
            for (QQuickItem* button : buttons) {
                QAccessibleInterface* a = QAccessible::queryAccessibleInterface(button);
                QVERIFY2(a, qPrintable(QString::fromLatin1(button->metaObject()->className()) +
                                       QLatin1Char(' ') + button->objectName()));
                const QString what =
                    QStringLiteral("%1 %2 role %3")
                        .arg(QString::fromLatin1(button->metaObject()->className()),
                             button->objectName())
                        .arg(a->role());
                QVERIFY2(!a->text(QAccessible::Name).trimmed().isEmpty(), qPrintable(what));
                QVERIFY2(a->role() == QAccessible::Button || a->role() == QAccessible::ListItem,
                         qPrintable(what));
            }
        }
    }

    void screenshots_data() {
        QTest::addColumn<QByteArray>("theme");
        QTest::newRow("light") << QByteArray("light");
        QTest::newRow("dark") << QByteArray("dark");
    }

    void screenshots() {
        QFETCH(QByteArray, theme);
        QVERIFY(start(theme));
        click(item(QStringLiteral("modelRow_tinyvocab:q4_k_m")));
        QTRY_VERIFY(item(QStringLiteral("modelDetailsPanel"))->isVisible());
        QTest::qWait(50);
        const QString top = QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-models-list-%1.png")
                                .arg(QString::fromLatin1(theme));
        QVERIFY2(window_->grabWindow().save(top), qPrintable(top));
        scrollIntoView(item(QStringLiteral("modelDetailsPanel")));
        QTest::qWait(50);
        const QString path = QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-models-library-%1.png")
                                 .arg(QString::fromLatin1(theme));
        QVERIFY2(window_->grabWindow().save(path), qPrintable(path));
    }
};

QTEST_MAIN(TestModelsPage)
#include "test_models_page.moc"

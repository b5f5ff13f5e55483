// The Memory fit page as users see it: the real Main.qml, a verdict table for a conformance
// model from the store, for a starter-catalog entry and for a remote GGUF typed into the page
// (its header read from the loopback Hugging Face mock), the context slider's effect, and
// screenshots in light and dark theme.
#include "app/ui/app_setup.h"
#include "app/ui/fit_controller.h"
#include "engine/store/model_store.h"
#include "gui/quick_items.h"
#include "net/mock_hub.h"

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

const QString kQ4 = QStringLiteral(
    HEARTH_SHARED_DIR "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf");
const QStringList kVerdicts = {"fits_gpu", "partial_offload", "fits_ram", "tight", "does_not_fit"};

// Every FitBadge's verdict under `root`, in tree order.
void collectVerdicts(QQuickItem* root, QStringList& out) {
    if (!root) return;
    if (root->isVisible() && root->metaObject()->indexOfProperty("comfortable") >= 0)
        out << root->property("verdict").toString();
    for (QQuickItem* child : root->childItems()) collectVerdicts(child, out);
}

} // namespace

class TestFitPage : public QObject {
    Q_OBJECT

    std::unique_ptr<QQmlApplicationEngine> engine_;
    QQuickWindow* window_ = nullptr;
    QTemporaryDir home_;
    QString q4Blob_;
    MockHub hub_;

    bool start(const QByteArray& theme) {
        engine_.reset();
        qputenv("HEARTH_THEME", theme);
        engine_ = std::make_unique<QQmlApplicationEngine>();
        hearth::configureEngine(*engine_);
        engine_->load(hearth::mainQmlUrl());
        if (engine_->rootObjects().isEmpty()) return false;
        window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().constFirst());
        if (!window_ || !QTest::qWaitForWindowExposed(window_)) return false;
        QMetaObject::invokeMethod(window_, "showPageByKey", Q_ARG(QVariant, QStringLiteral("fit")));
        return window_->property("currentPageKey").toString() == QLatin1String("fit");
    }

    QQuickItem* item(const QString& name) const {
        return findItem(window_ ? window_->contentItem() : nullptr, name);
    }
    hearth::FitController* controller() const {
        return window_->findChild<hearth::FitController*>(QStringLiteral("fitController"));
    }

private slots:
    void initTestCase() {
        QVERIFY(home_.isValid());
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(home_.filePath(QStringLiteral("config"))));
        qputenv("HEARTH_DATA_DIR", QFile::encodeName(home_.filePath(QStringLiteral("data"))));
        qputenv("HEARTH_CATALOG", HEARTH_SOURCE_DIR "/resources/catalog/models.json");
        hearth::configureApplication();
        QCoreApplication::setOrganizationName(QStringLiteral("HearthTest"));
        const QString store = home_.filePath(QStringLiteral("models"));
        qputenv("OLLAMA_MODELS", QFile::encodeName(store));
        QVERIFY(QDir().mkpath(QStringLiteral(HEARTH_ARTIFACT_DIR)));
        if (!QFileInfo::exists(kQ4)) QSKIP("conformance models are missing");
        QVERIFY(hub_.listen());
        QFile q4(kQ4);
        QVERIFY(q4.open(QIODevice::ReadOnly));
        MockHfRepo repo;
        repo.id = "fit/tiny-GGUF";
        repo.files = {{"tiny-Q4_K_M.gguf", q4.readAll()}};
        hub_.addRepo(repo);
        qputenv("HF_ENDPOINT", hub_.apiUrl().toEncoded());
        qputenv("HF_TOKEN", "");
        hearth::ModelStore s(store.toStdString());
        hearth::ImportOptions o;
        o.name = "tinyvocab:q4_k_m";
        auto r = s.importGguf(kQ4.toStdString(), o);
        QVERIFY2(r, r ? "" : r.error().c_str());
        auto resolved = s.resolve("tinyvocab:q4_k_m");
        QVERIFY(resolved);
        q4Blob_ = QString::fromStdString(resolved->modelPath);
    }

    void cleanup() {
        engine_.reset();
        window_ = nullptr;
    }

    void verdictForAConformanceModel() {
        QVERIFY(start("light"));
        hearth::FitController* fit = controller();
        QVERIFY(fit);
        // The store's model comes first in the picker and is selected.
        QVERIFY(fit->sources().size() >= 2);
        QCOMPARE(fit->sources().first().toMap().value(QStringLiteral("key")).toString(), q4Blob_);
        QQuickItem* fileRow = item(QStringLiteral("fitRow_Q4_K_M_file"));
        QTRY_VERIFY(fileRow && fileRow->isVisible());
        QStringList verdicts;
        collectVerdicts(item(QStringLiteral("fitVariantTable")), verdicts);
        QCOMPARE(verdicts.size(), fit->table()->rowCount());
        for (const QString& v : verdicts) QVERIFY2(kVerdicts.contains(v), qPrintable(v));
        QVERIFY(item(QStringLiteral("fitChart"))->isVisible());
        QVERIFY(!item(QStringLiteral("fitErrorLabel"))->isVisible());
    }

    void verdictForACatalogEntryAndTheSlider() {
        QVERIFY(start("light"));
        hearth::FitController* fit = controller();
        QVERIFY(fit && fit->selectKey(QStringLiteral("llama-3.2-1b-instruct")));
        QTRY_VERIFY(item(QStringLiteral("fitRow_Q4_K_M")));
        QVERIFY(!item(QStringLiteral("fitRow_Q4_K_M_file")));
        QQuickItem* slider = item(QStringLiteral("fitContextSlider"));
        QVERIFY(slider);
        QCOMPARE(slider->property("to").toInt(), 131072);
        QCOMPARE(slider->property("from").toInt(), 2048);
        QVERIFY(item(QStringLiteral("fitContextLabel"))
                    ->property("text")
                    .toString()
                    .contains(QStringLiteral("4")));
        const QString before = fit->table()
                                   ->data(fit->table()->index(0), hearth::FitTableModel::KvTextRole)
                                   .toString();
        // Drag the slider's handle to the far right: the maximum context, bigger KV cache.
        const QPointF end = slider->mapToScene(QPointF(slider->width() - 2, slider->height() / 2));
        const QPointF mid = slider->mapToScene(QPointF(slider->width() / 2, slider->height() / 2));
        QTest::mousePress(window_, Qt::LeftButton, Qt::NoModifier, mid.toPoint());
        QTest::mouseMove(window_, end.toPoint());
        QTest::mouseRelease(window_, Qt::LeftButton, Qt::NoModifier, end.toPoint());
        QTRY_VERIFY(fit->contextLength() > 100000);
        QVERIFY(fit->table()
                    ->data(fit->table()->index(0), hearth::FitTableModel::KvTextRole)
                    .toString() != before);
        QStringList verdicts;
        collectVerdicts(item(QStringLiteral("fitVariantTable")), verdicts);
        QVERIFY(!verdicts.isEmpty());
        for (const QString& v : verdicts) QVERIFY2(kVerdicts.contains(v), qPrintable(v));
    }

    // A remote GGUF typed into the page: the header is read, the source added and selected,
    // and its table equals the same file's from the store; a bad name says why.
    void remoteModelTypedIntoThePage() {
        QVERIFY(start("light"));
        hearth::FitController* fit = controller();
        QVERIFY(fit);
        QTRY_VERIFY(item(QStringLiteral("fitRow_Q4_K_M_file")));
        const auto localRows = fit->table()->rowCount();
        const QString localTotal =
            fit->table()
                ->data(fit->table()->index(0), hearth::FitTableModel::TotalBytesRole)
                .toString();
        QQuickItem* field = item(QStringLiteral("fitRemoteField"));
        QVERIFY(field);
        scrollIntoView(field);
        field->setProperty("text", QStringLiteral("hf.co/fit/tiny-GGUF:Q4_K_M"));
        QQuickItem* button = item(QStringLiteral("fitRemoteButton"));
        QVERIFY(button && button->isEnabled());
        const QPointF c = button->mapToScene(QPointF(button->width() / 2, button->height() / 2));
        QTest::mouseClick(window_, Qt::LeftButton, Qt::NoModifier, c.toPoint());
        QTRY_VERIFY_WITH_TIMEOUT(
            !fit->remoteBusy() && fit->remoteStatus().startsWith(QStringLiteral("Read ")), 20000);
        const QVariantMap selected = fit->sources().value(fit->currentIndex()).toMap();
        QCOMPARE(selected.value(QStringLiteral("kind")).toString(), QStringLiteral("remote"));
        QVERIFY(selected.value(QStringLiteral("label")).toString().contains("fit/tiny-GGUF"));
        QTRY_VERIFY(item(QStringLiteral("fitRow_Q4_K_M_file")));
        QCOMPARE(fit->table()->rowCount(), localRows);
        QCOMPARE(fit->table()
                     ->data(fit->table()->index(0), hearth::FitTableModel::TotalBytesRole)
                     .toString(),
                 localTotal);
        QVERIFY(item(QStringLiteral("fitRemoteStatus"))->isVisible());
        const QString shot = QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-fit-remote-light.png");
        QVERIFY2(window_->grabWindow().save(shot), qPrintable(shot));

        fit->addRemote(QStringLiteral("hf.co/fit/no-such-repo:Q4_K_M"));
        QTRY_VERIFY_WITH_TIMEOUT(!fit->remoteBusy(), 20000);
        QVERIFY2(fit->remoteStatus().contains("not found"), qPrintable(fit->remoteStatus()));
    }

    void screenshots_data() {
        QTest::addColumn<QByteArray>("theme");
        QTest::newRow("light") << QByteArray("light");
        QTest::newRow("dark") << QByteArray("dark");
    }

    void screenshots() {
        QFETCH(QByteArray, theme);
        QVERIFY(start(theme));
        QVERIFY(controller()->selectKey(QStringLiteral("llama-3.2-1b-instruct")));
        QTest::qWait(50);
        const QString path = QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-fit-catalog-%1.png")
                                 .arg(QString::fromLatin1(theme));
        QVERIFY2(window_->grabWindow().save(path), qPrintable(path));
        scrollIntoView(item(QStringLiteral("fitChartCard")));
        QTest::qWait(50);
        const QString chart = QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-fit-chart-%1.png")
                                  .arg(QString::fromLatin1(theme));
        QVERIFY2(window_->grabWindow().save(chart), qPrintable(chart));
        scrollIntoView(item(QStringLiteral("fitSourceBox")));
        QVERIFY(controller()->selectKey(q4Blob_));
        QTest::qWait(50);
        const QString local = QStringLiteral(HEARTH_ARTIFACT_DIR "/ui-fit-local-%1.png")
                                  .arg(QString::fromLatin1(theme));
        QVERIFY2(window_->grabWindow().save(local), qPrintable(local));
    }
};

QTEST_MAIN(TestFitPage)
#include "test_fit_page.moc"

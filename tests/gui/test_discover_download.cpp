// Discover to chat and back, through the real Main.qml against loopback Hugging Face and CDN
// servers (MockHub): search, open a repository, pick a quant variant (its fit badge shown),
// download with visible progress, find it on the Models page, "Chat with it" and get an answer
// from the engine, then delete it (the dialog says what is freed). Screenshots of Discover and
// Models are saved. First, the Chats page's first-run starter download: it is listed in
// Discover with its progress, Discover's button for the same model adds no second transfer,
// and cancelling it there shows on the Chats page.
#include "app/ui/app_setup.h"
#include "app/ui/chat_controller.h"
#include "app/ui/message_list_model.h"
#include "engine/cpu/kernels/model_quantizer.h"
#include "engine/store/model_store.h"
#include "gui/quick_items.h"
#include "net/mock_hub.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

#include <algorithm>
#include <memory>

Q_IMPORT_QML_PLUGIN(Hearth_AppPlugin)
Q_IMPORT_QML_PLUGIN(Hearth_UiPlugin)

namespace {

const QString kStories =
    QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf");
const QString kRepo = QStringLiteral("hearth-test/stories260K-GGUF");
const QString kModelName = QStringLiteral("hf.co/hearth-test/stories260K-GGUF:Q8_0");

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The catalog's first model, which the first-run offer picks on any machine that runs this.
QJsonObject firstCatalogModel() {
    return QJsonDocument::fromJson(
               readAll(QStringLiteral(HEARTH_SOURCE_DIR "/resources/catalog/models.json")))
        .object()
        .value(QStringLiteral("models"))
        .toArray()
        .at(0)
        .toObject();
}

} // namespace

class TestDiscoverDownload : public QObject {
    Q_OBJECT

    MockHub hub_;
    QTemporaryDir home_;
    QString store_;
    QString starterRepo_;
    std::unique_ptr<QQmlApplicationEngine> engine_;
    QQuickWindow* window_ = nullptr;

    QQuickItem* item(const QString& name) const {
        return findItem(window_ ? window_->contentItem() : nullptr, name);
    }

    void click(QQuickItem* target) {
        QVERIFY(target);
        scrollIntoView(target);
        QTest::qWait(30);
        QVERIFY2(target->isVisible(), qPrintable(target->objectName() + " is not visible"));
        const QPointF centre =
            target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
        QTest::mouseClick(window_, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
    }

    void save(const QString& name) {
        QTest::qWait(50);
        const QString path = QStringLiteral(HEARTH_ARTIFACT_DIR "/%1.png").arg(name);
        QVERIFY2(window_->grabWindow().save(path), qPrintable(path));
    }

    void showPage(const char* key) {
        QMetaObject::invokeMethod(window_, "showPageByKey",
                                  Q_ARG(QVariant, QString::fromLatin1(key)));
        QTRY_COMPARE(window_->property("currentPageKey").toString(), QString::fromLatin1(key));
    }

private slots:
    void initTestCase() {
        QVERIFY(home_.isValid());
        if (!QFileInfo::exists(kStories)) QSKIP("conformance models are missing");
        // A second, real quant of the same model: stories260K re-quantized to Q8_0.
        const QString q8 = home_.filePath(QStringLiteral("stories260K-Q8_0.gguf"));
        auto st = hearth::kernels::quantizeModelFile(kStories.toStdString(), q8.toStdString(),
                                                     *hearth::kernels::quantTargetFromName("Q8_0"));
        QVERIFY2(st.ok(), st.ok() ? "" : st.error().c_str());
        MockHfRepo repo;
        repo.id = kRepo;
        repo.downloads = 4200;
        repo.likes = 17;
        repo.lastModified = QStringLiteral("2026-02-01T00:00:00.000Z");
        repo.files = {{QStringLiteral(".gitattributes"), "*.gguf filter=lfs\n"},
                      {QStringLiteral("README.md"), "# stories260K\n"},
                      {QStringLiteral("stories260K-F32.gguf"), readAll(kStories)},
                      {QStringLiteral("stories260K-Q8_0.gguf"), readAll(q8)}};
        hub_.addRepo(repo);
        MockHfRepo other;
        other.id = QStringLiteral("hearth-test/stories-tiny-experiments-GGUF");
        other.downloads = 12;
        other.likes = 1;
        other.lastModified = QStringLiteral("2025-12-24T00:00:00.000Z");
        other.files = {{QStringLiteral("README.md"), "# nothing yet\n"}};
        hub_.addRepo(other);
        // The starter's repository, every variant standing in as stories260K.
        const QJsonObject starter = firstCatalogModel();
        MockHfRepo starterRepo;
        starterRepo.id = starter.value(QStringLiteral("huggingface")).toString();
        QVERIFY(!starterRepo.id.isEmpty());
        for (const QJsonValue& v : starter.value(QStringLiteral("variants")).toArray())
            starterRepo.files.append(
                {v.toObject().value(QStringLiteral("file")).toString(), readAll(kStories)});
        hub_.addRepo(starterRepo);
        starterRepo_ = starterRepo.id;
        QVERIFY(hub_.listen());
        // Slow enough that the progress bar is seen moving.
        hub_.cdnBytesPerSecond = 600000;

        qputenv("XDG_CONFIG_HOME", QFile::encodeName(home_.filePath(QStringLiteral("config"))));
        qputenv("HEARTH_DATA_DIR", QFile::encodeName(home_.filePath(QStringLiteral("data"))));
        qputenv("HEARTH_CATALOG", HEARTH_SOURCE_DIR "/resources/catalog/models.json");
        qputenv("HF_ENDPOINT", hub_.apiUrl().toEncoded());
        qputenv("HEARTH_REGISTRY", hub_.apiUrl().toEncoded());
        qputenv("HEARTH_HF_TOKEN_FILE", QFile::encodeName(home_.filePath(QStringLiteral("none"))));
        qunsetenv("HF_TOKEN");
        store_ = home_.filePath(QStringLiteral("models"));
        qputenv("OLLAMA_MODELS", QFile::encodeName(store_));
        hearth::configureApplication();
        QCoreApplication::setOrganizationName(QStringLiteral("HearthTest"));
        QVERIFY(QDir().mkpath(QStringLiteral(HEARTH_ARTIFACT_DIR)));

        qputenv("HEARTH_THEME", "light");
        engine_ = std::make_unique<QQmlApplicationEngine>();
        hearth::configureEngine(*engine_);
        engine_->load(hearth::mainQmlUrl());
        QVERIFY(!engine_->rootObjects().isEmpty());
        window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().constFirst());
        QVERIFY(window_ && QTest::qWaitForWindowExposed(window_));
    }

    void cleanupTestCase() {
        engine_.reset();
        window_ = nullptr;
    }

    void starterFromChatsIsListedInDiscover() {
        auto* chats = window_->findChild<hearth::ChatController*>(QStringLiteral("chatController"));
        QObject* discover = window_->findChild<QObject*>(QStringLiteral("discoverController"));
        QVERIFY(chats && discover);
        auto* downloads = discover->property("downloads").value<QAbstractItemModel*>();
        QVERIFY(downloads);
        const QString spec = chats->starter().value(QStringLiteral("spec")).toString();
        QVERIFY2(spec.startsWith(QStringLiteral("hf:") + starterRepo_ + QLatin1Char(':')),
                 qPrintable(spec));
        hub_.api.log.clear();
        hub_.cdnBytesPerSecond = 60000; // ~20 s: cancelled long before the end

        showPage("chats");
        click(item(QStringLiteral("starterDownloadButton")));
        QTRY_COMPARE(chats->starterState(), QStringLiteral("downloading"));

        // Discover lists it, moving.
        showPage("discover");
        const QString rowName = QStringLiteral("downloadRow_") + spec;
        QTRY_VERIFY_WITH_TIMEOUT(item(rowName), 10000);
        QQuickItem* row = item(rowName);
        QTRY_VERIFY_WITH_TIMEOUT(
            findItem(row, QStringLiteral("downloadProgress"))->property("value").toDouble() > 0.02,
            20000);
        QCOMPARE(row->property("status").toString(), QStringLiteral("downloading"));
        // Discover's catalog button for the same variant follows the running job.
        QVERIFY(QMetaObject::invokeMethod(discover, "pull", Q_ARG(QString, spec)));
        QCOMPARE(downloads->rowCount(), 1);
        scrollIntoView(row);
        save(QStringLiteral("ui-discover-starter-download-light"));

        // Cancelled here, it is cancelled on the Chats page, which offers to try again.
        click(findItem(row, QStringLiteral("cancelDownloadButton")));
        QTRY_COMPARE(row->property("status").toString(), QStringLiteral("cancelled"));
        QCOMPARE(chats->starterState(), QStringLiteral("failed"));
        QCOMPARE(chats->starterStatus(), QStringLiteral("Download cancelled."));
        int listings = 0;
        for (const MockRequest& r : hub_.api.log) listings += r.path.contains("/tree/");
        QCOMPARE(listings, 1); // one job, one transfer
        // Clear the row for the rest of the run.
        click(findItem(row, QStringLiteral("cancelDownloadButton")));
        QTRY_VERIFY(!item(rowName));
        QCOMPARE(downloads->rowCount(), 0);
        // A frame while the page is still shown, so it is laid out again without the list.
        QSignalSpy frames(window_, &QQuickWindow::frameSwapped);
        window_->update();
        QTRY_VERIFY(frames.count() > 0);
        showPage("chats");
        QTRY_VERIFY(item(QStringLiteral("starterDownloadButton"))
                        ->property("text")
                        .toString()
                        .startsWith(QStringLiteral("Try ")));
        hub_.cdnBytesPerSecond = 600000;
    }

    void searchPickDownloadChatDelete() {
        // Discover: search Hugging Face.
        showPage("discover");
        QQuickItem* search = item(QStringLiteral("searchField"));
        QVERIFY(search);
        scrollIntoView(search);
        search->forceActiveFocus();
        for (const char c : QByteArray("stories")) QTest::keyClick(window_, c);
        QTRY_COMPARE(search->property("text").toString(), QStringLiteral("stories"));
        click(item(QStringLiteral("searchButton")));
        QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("searchResult_") + kRepo), 20000);
        QVERIFY(item(QStringLiteral("searchResult_hearth-test/stories-tiny-experiments-GGUF")));
        QCOMPARE(hub_.api.log.last().path, QByteArray("/api/models"));
        save(QStringLiteral("ui-discover-search-light"));

        // Open the repository: its GGUF files with sizes, quants and a fit badge each.
        click(item(QStringLiteral("searchResult_") + kRepo));
        QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("repoFile_stories260K-Q8_0.gguf")), 20000);
        QVERIFY(item(QStringLiteral("repoFile_stories260K-F32.gguf")));
        QVERIFY(!item(QStringLiteral("repoFile_README.md")));
        // The estimate comes from the Q8_0 file's remote header (a Range request).
        QObject* discover = window_->findChild<QObject*>(QStringLiteral("discoverController"));
        QVERIFY(discover);
        const auto fileInfo = [discover](const char* file, const char* key) {
            for (const QVariant& v : discover->property("files").toList())
                if (v.toMap().value(QStringLiteral("path")).toString() == QLatin1String(file))
                    return v.toMap().value(QString::fromLatin1(key)).toString();
            return QString();
        };
        QTRY_VERIFY2_WITH_TIMEOUT(!fileInfo("stories260K-Q8_0.gguf", "verdict").isEmpty(),
                                  qPrintable(fileInfo("stories260K-Q8_0.gguf", "fitDetail")),
                                  20000);
        // Rows are rebuilt when the estimate lands, so they are looked up afresh each time.
        const auto badge = [this](const char* file) {
            return findItem(item(QStringLiteral("repoFile_") + QString::fromLatin1(file)),
                            QStringLiteral("fitBadge"));
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            badge("stories260K-Q8_0.gguf") && badge("stories260K-Q8_0.gguf")->isVisible(), 20000);
        const QString verdict = badge("stories260K-Q8_0.gguf")->property("verdict").toString();
        // A 1 MB model fits any machine that runs this test.
        QVERIFY2(verdict == QLatin1String("fits_ram") || verdict == QLatin1String("fits_gpu") ||
                     verdict == QLatin1String("partial_offload"),
                 qPrintable(verdict));
        QVERIFY(badge("stories260K-F32.gguf") && badge("stories260K-F32.gguf")->isVisible());
        QQuickItem* row = item(QStringLiteral("repoFile_stories260K-Q8_0.gguf"));
        scrollIntoView(item(QStringLiteral("repoFilesCard")));
        save(QStringLiteral("ui-discover-variants-light"));

        // Download the Q8_0 variant and watch it progress.
        click(findItem(row, QStringLiteral("downloadFileButton")));
        const QString rowName = QStringLiteral("downloadRow_hf:") + kRepo + QStringLiteral(":Q8_0");
        QTRY_VERIFY_WITH_TIMEOUT(item(rowName), 10000);
        QQuickItem* download = item(rowName);
        QTRY_VERIFY_WITH_TIMEOUT(
            findItem(download, QStringLiteral("downloadProgress"))->property("value").toDouble() >
                0.05,
            20000);
        const double seen =
            findItem(download, QStringLiteral("downloadProgress"))->property("value").toDouble();
        QVERIFY2(seen < 1.0, qPrintable(QString::number(seen)));
        QCOMPARE(download->property("status").toString(), QStringLiteral("downloading"));
        scrollIntoView(download);
        save(QStringLiteral("ui-discover-downloading-light"));
        QTRY_COMPARE_WITH_TIMEOUT(download->property("status").toString(),
                                  QStringLiteral("success"), 30000);
        QCOMPARE(download->property("error").toString(), QString());

        // Models lists it; "Chat with it" answers with the engine.
        showPage("models");
        const QString modelRow = QStringLiteral("modelRow_") + kModelName;
        QTRY_VERIFY_WITH_TIMEOUT(item(modelRow), 10000);
        click(item(modelRow));
        QTRY_VERIFY(item(QStringLiteral("modelDetailsPanel")) &&
                    item(QStringLiteral("modelDetailsPanel"))->isVisible());
        save(QStringLiteral("ui-models-downloaded-light"));
        click(item(QStringLiteral("chatWithModelButton")));
        QTRY_COMPARE(window_->property("currentPageKey").toString(), QStringLiteral("chats"));
        auto* chats = window_->findChild<hearth::ChatController*>(QStringLiteral("chatController"));
        QVERIFY(chats);
        QCOMPARE(chats->currentModel(), kModelName);
        QVERIFY(chats->setSettings({{QStringLiteral("maxTokens"), 24},
                                    {QStringLiteral("contextLength"), 256},
                                    {QStringLiteral("seed"), 3}}));
        QSignalSpy replied(chats, &hearth::ChatController::replyFinished);
        QVERIFY(chats->send(QStringLiteral("Once upon a time")));
        QVERIFY(replied.wait(90000));
        QCOMPARE(replied.at(0).at(0).toString(), QStringLiteral("complete"));
        const QString answer =
            chats->messages()
                ->data(chats->messages()->index(1), hearth::MessageListModel::ContentRole)
                .toString();
        QVERIFY2(!answer.trimmed().isEmpty(), "the reply is empty");
        qInfo("reply from the downloaded model: %s", qPrintable(answer.left(120)));

        // Back to Models: delete it; the dialog says what is freed; the files go.
        showPage("models");
        const QString blob = item(QStringLiteral("modelDetailsPanel"))
                                 ->property("details")
                                 .toMap()
                                 .value(QStringLiteral("path"))
                                 .toString();
        QVERIFY(QFileInfo::exists(blob));
        click(item(QStringLiteral("deleteModelButton")));
        QObject* dialog = window_->findChild<QObject*>(QStringLiteral("deleteDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->property("opened").toBool());
        const QString says = dialog->findChild<QObject*>(QStringLiteral("deleteDialogText"))
                                 ->property("text")
                                 .toString();
        QVERIFY2(says.contains(QStringLiteral("frees")) &&
                     says.contains(QRegularExpression(QStringLiteral("\\d"))),
                 qPrintable(says));
        save(QStringLiteral("ui-models-delete-downloaded-light"));
        QMetaObject::invokeMethod(dialog, "accept");
        QTRY_VERIFY(!item(modelRow));
        QVERIFY(!QFileInfo::exists(blob));
        auto list = hearth::ModelStore(store_.toStdString()).list(false);
        QVERIFY(list.ok() && list->empty());
    }
};

QTEST_MAIN(TestDiscoverDownload)
#include "test_discover_download.moc"

// First run with no models: the Chats page offers the starter catalog's small instruct model in
// the variant the memory-fit estimate picks for this machine, downloads it through the download
// queue from a loopback mock of Hugging Face (the "file" is the stories260K conformance model),
// and opens a chat with it that answers. A hub without the model fails readably. The download
// is the one Discover lists (one queue per store): started on either page it is one job, one
// transfer, and cancelling it on either page shows on both.
#include "app/core/starter_catalog.h"
#include "app/ui/chat_controller.h"
#include "app/ui/discover_controller.h"
#include "app/ui/download_list_model.h"
#include "engine/fit/fit_report.h"
#include "engine/system/cpu_info.h"
#include "net/mock_hub.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using hearth::ChatController;
using hearth::DiscoverController;
using hearth::DownloadListModel;

namespace {

const char* kCatalog = HEARTH_SOURCE_DIR "/resources/catalog/models.json";

QJsonObject firstCatalogModel() {
    QFile f(QString::fromLatin1(kCatalog));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll())
        .object()
        .value(QStringLiteral("models"))
        .toArray()
        .at(0)
        .toObject();
}

// What engine/fit recommends for that model here, asked directly.
QString recommendedVariant(const QJsonObject& model) {
    auto parsed = hearth::parseCatalogModel(model);
    if (!parsed) return {};
    hearth::fit::EstimateOptions options;
    options.threads = std::max(1, hearth::cpuInfo().physicalCores);
    auto report =
        hearth::fit::fitReportForCatalog(*parsed, options, hearth::fit::probeMachineMemory());
    if (!report || report->recommended < 0) return {};
    return QString::fromStdString(report->rows.at(size_t(report->recommended)).variant);
}

// Every download button Discover's catalog offers.
QStringList catalogSpecs(const DiscoverController& discover) {
    QStringList specs;
    for (const QVariant& model : discover.catalog())
        for (const QVariant& v : model.toMap().value(QStringLiteral("variants")).toList())
            specs << v.toMap().value(QStringLiteral("spec")).toString();
    return specs;
}

QVariant cell(const DownloadListModel* list, int row, DownloadListModel::Role role) {
    return list->data(list->index(row), role);
}

// Requests for a repository's file listing: each download job lists the repository once.
int listingRequests(const MockHub& hub) {
    int n = 0;
    for (const MockRequest& r : hub.api.log) n += r.path.contains("/tree/");
    return n;
}

} // namespace

class TestChatStarter : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    MockHub hub_;
    MockHub emptyHub_;
    QJsonObject model_;
    qint64 fileBytes_ = 0;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        model_ = firstCatalogModel();
        QVERIFY(!model_.isEmpty());
        qputenv("HEARTH_CATALOG", kCatalog);
        QFile gguf(
            QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf"));
        QVERIFY(gguf.open(QIODevice::ReadOnly));
        const QByteArray bytes = gguf.readAll();
        fileBytes_ = bytes.size();
        // Every variant of the catalog's repository, so whichever the estimate picks is there.
        MockHfRepo repo;
        repo.id = model_.value(QStringLiteral("huggingface")).toString();
        repo.files.append({QStringLiteral("README.md"), "# starter\n"});
        for (const QJsonValue& v : model_.value(QStringLiteral("variants")).toArray())
            repo.files.append({v.toObject().value(QStringLiteral("file")).toString(), bytes});
        hub_.addRepo(repo);
        QVERIFY(hub_.listen());
        QVERIFY(emptyHub_.listen());
    }

    void downloadsTheRecommendedVariantAndOpensAChat() {
        qputenv("HF_ENDPOINT", hub_.apiUrl().toString().toUtf8());
        const QString store = dir_.filePath(QStringLiteral("store"));
        ChatController c(dir_.filePath(QStringLiteral("a.sqlite")), nullptr, store);
        QVERIFY(c.models().isEmpty());
        const QVariantMap starter = c.starter();
        const QString variant = recommendedVariant(model_);
        QVERIFY2(!variant.isEmpty(), "the estimate recommends nothing for this machine");
        QCOMPARE(starter.value(QStringLiteral("variant")).toString(), variant);
        QCOMPARE(starter.value(QStringLiteral("name")).toString(),
                 model_.value(QStringLiteral("name")).toString());
        QCOMPARE(starter.value(QStringLiteral("spec")).toString(),
                 QStringLiteral("hf:%1:%2")
                     .arg(model_.value(QStringLiteral("huggingface")).toString(), variant));

        qInfo("starter for this machine: %s", qPrintable(starter.value("spec").toString()));
        QSignalSpy progress(&c, &ChatController::starterChanged);
        QVERIFY(c.downloadStarter());
        QCOMPARE(c.starterState(), QStringLiteral("downloading"));
        QVERIFY(!c.downloadStarter()); // one at a time
        QTRY_VERIFY_WITH_TIMEOUT(c.starterState() != QLatin1String("downloading"), 60000);
        QCOMPARE(c.starterState(), QStringLiteral("done"));
        QCOMPARE(c.starterProgress(), 1.0);
        QVERIFY(progress.count() >= 2);
        QCOMPARE(c.models().size(), 1);
        // A chat is open with it, and it answers.
        QVERIFY(c.currentConversationId() >= 0);
        QCOMPARE(c.currentModel(), c.models().constFirst());
        QVERIFY2(c.currentModel().contains(variant, Qt::CaseInsensitive),
                 qPrintable(c.currentModel()));
        QTRY_VERIFY_WITH_TIMEOUT(c.modelAvailable(), 30000);
        QVERIFY(c.setSettings({{QStringLiteral("temperature"), 0.0},
                               {QStringLiteral("maxTokens"), 10},
                               {QStringLiteral("contextLength"), 256}}));
        QSignalSpy done(&c, &ChatController::replyFinished);
        QVERIFY(c.send(QStringLiteral("Once upon a time")));
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(0).toString(), QStringLiteral("complete"));
        QVERIFY(!c.messages()->data(c.messages()->index(1), Qt::DisplayRole).toString().isEmpty());
    }

    void aHubWithoutTheModelFailsReadably() {
        qputenv("HF_ENDPOINT", emptyHub_.apiUrl().toString().toUtf8());
        ChatController c(dir_.filePath(QStringLiteral("b.sqlite")), nullptr,
                         dir_.filePath(QStringLiteral("store-b")));
        QVERIFY(c.downloadStarter());
        QTRY_VERIFY_WITH_TIMEOUT(c.starterState() != QLatin1String("downloading"), 60000);
        QCOMPARE(c.starterState(), QStringLiteral("failed"));
        QVERIFY2(c.starterStatus().startsWith(QStringLiteral("The download failed: ")) &&
                     c.starterStatus().size() > 25,
                 qPrintable(c.starterStatus()));
        QVERIFY(c.announcement().contains(QStringLiteral("failed")));
        QVERIFY(c.models().isEmpty());
        QCOMPARE(c.conversations()->rowCount(), 0); // no chat without a model
        QVERIFY(c.downloadStarter());               // and it may be tried again
        QTRY_VERIFY_WITH_TIMEOUT(c.starterState() == QLatin1String("failed"), 60000);
    }

    void startedInChatsIsOneJobInDiscover() {
        qputenv("HF_ENDPOINT", hub_.apiUrl().toString().toUtf8());
        const QString store = dir_.filePath(QStringLiteral("store-c"));
        qputenv("OLLAMA_MODELS", QFile::encodeName(store)); // Discover's store
        ChatController c(dir_.filePath(QStringLiteral("c.sqlite")), nullptr, store);
        DiscoverController d;
        QCOMPARE(d.storePath(), store);
        const QString spec = c.starter().value(QStringLiteral("spec")).toString();
        QVERIFY(!spec.isEmpty());
        // Discover's catalog offers the very same download under the same name.
        QVERIFY2(catalogSpecs(d).contains(spec), qPrintable(catalogSpecs(d).join(u' ')));

        hub_.api.log.clear();
        hub_.cdn.bodyBytesSent = 0;
        hub_.cdnBytesPerSecond = 400000; // a few seconds, so it is seen partway
        QVERIFY(c.downloadStarter());
        const DownloadListModel* list = d.downloads();
        QCOMPARE(list->rowCount(), 1);
        QCOMPARE(cell(list, 0, DownloadListModel::SpecRole).toString(), spec);
        QVERIFY(cell(list, 0, DownloadListModel::ActiveRole).toBool());
        // Discover's own button for it follows the running job.
        d.pull(spec);
        QCOMPARE(list->rowCount(), 1);
        // The same progress on both pages while it runs: whenever the Chats page's moves,
        // Discover's row says the same.
        QList<QPair<double, double>> seen; // (Chats, Discover)
        connect(&c, &ChatController::starterChanged, this, [&] {
            if (c.starterState() == QLatin1String("downloading"))
                seen.append({c.starterProgress(),
                             cell(list, 0, DownloadListModel::ProgressRole).toDouble()});
        });
        QTRY_VERIFY_WITH_TIMEOUT(c.starterProgress() > 0.05, 20000);
        QVERIFY(c.starterProgress() < 1.0);
        QCOMPARE(cell(list, 0, DownloadListModel::StateRole).toString(),
                 QStringLiteral("downloading"));
        QTRY_VERIFY_WITH_TIMEOUT(c.starterState() != QLatin1String("downloading"), 60000);
        hub_.cdnBytesPerSecond = 0;
        c.disconnect(this);
        QVERIFY(seen.size() >= 2);
        for (const auto& [chats, discover] : std::as_const(seen)) QCOMPARE(chats, discover);
        QCOMPARE(c.starterState(), QStringLiteral("done"));
        QCOMPARE(cell(list, 0, DownloadListModel::StateRole).toString(), QStringLiteral("success"));
        QCOMPARE(list->rowCount(), 1);
        // One transfer: the repository listed once, the file's bytes sent once.
        QCOMPARE(listingRequests(hub_), 1);
        QCOMPARE(hub_.cdn.bodyBytesSent, fileBytes_);
        // And the chat opens with it, as when Chats had the download to itself.
        QCOMPARE(c.models().size(), 1);
        QVERIFY(c.currentConversationId() >= 0);
        QCOMPARE(c.currentModel(), c.models().constFirst());
    }

    void cancelInEitherPlaceIsSeenInBoth() {
        qputenv("HF_ENDPOINT", hub_.apiUrl().toString().toUtf8());
        const QString store = dir_.filePath(QStringLiteral("store-d"));
        qputenv("OLLAMA_MODELS", QFile::encodeName(store));
        // Discover first this time: the queue is the same whichever page makes it.
        DiscoverController d;
        ChatController c(dir_.filePath(QStringLiteral("d.sqlite")), nullptr, store);
        const QString spec = c.starter().value(QStringLiteral("spec")).toString();
        QVERIFY(!spec.isEmpty());
        const DownloadListModel* list = d.downloads();
        hub_.api.log.clear();
        hub_.cdnBytesPerSecond = 50000; // far from done while this test runs

        // Started in Chats, cancelled in Discover.
        QVERIFY(c.downloadStarter());
        QCOMPARE(list->rowCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(cell(list, 0, DownloadListModel::StateRole).toString(),
                                  QStringLiteral("downloading"), 20000);
        d.downloads()->cancel(0);
        QCOMPARE(cell(list, 0, DownloadListModel::StateRole).toString(),
                 QStringLiteral("cancelled"));
        QCOMPARE(c.starterState(), QStringLiteral("failed"));
        QCOMPARE(c.starterStatus(), QStringLiteral("Download cancelled."));

        // Tried again in Chats, cancelled there: Discover's new row says so.
        QVERIFY(c.downloadStarter());
        QCOMPARE(list->rowCount(), 2);
        QVERIFY(cell(list, 1, DownloadListModel::ActiveRole).toBool());
        c.cancelStarter();
        QCOMPARE(cell(list, 1, DownloadListModel::StateRole).toString(),
                 QStringLiteral("cancelled"));
        QVERIFY(!cell(list, 1, DownloadListModel::ActiveRole).toBool());
        QCOMPARE(c.starterState(), QStringLiteral("failed"));

        // Started in Discover: the first-run offer follows it rather than offering a second.
        d.pull(spec);
        QCOMPARE(list->rowCount(), 3);
        QCOMPARE(c.starterState(), QStringLiteral("downloading"));
        QVERIFY(!c.downloadStarter());
        QCOMPARE(list->rowCount(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(c.starterProgress() > 0, 20000);
        QVERIFY(cell(list, 2, DownloadListModel::ProgressRole).toDouble() >= c.starterProgress());
        c.cancelStarter();
        QCOMPARE(cell(list, 2, DownloadListModel::StateRole).toString(),
                 QStringLiteral("cancelled"));
        hub_.cdnBytesPerSecond = 0;
        QTRY_COMPARE(listingRequests(hub_), 3); // three jobs, one after another
        QVERIFY(c.models().isEmpty());
        QCOMPARE(c.conversations()->rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestChatStarter)
#include "test_chat_starter.moc"

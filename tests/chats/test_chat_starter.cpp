// First run with no models: the Chats page offers the starter catalog's small instruct model in
// the variant the memory-fit estimate picks for this machine, downloads it through the download
// queue from a loopback mock of Hugging Face (the "file" is the stories260K conformance model),
// and opens a chat with it that answers. A hub without the model fails readably.
#include "app/core/starter_catalog.h"
#include "app/ui/chat_controller.h"
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

} // namespace

class TestChatStarter : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    MockHub hub_;
    MockHub emptyHub_;
    QJsonObject model_;

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
};

QTEST_GUILESS_MAIN(TestChatStarter)
#include "test_chat_starter.moc"

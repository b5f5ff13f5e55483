// DiscoverController and DownloadListModel (what the Discover page binds to) against MockHub:
// search results, a repository's files with split shards grouped, the starter catalog from
// resources/catalog, a pull that shows up in the download list and ends in the store, and split
// rows' fit badges from all their parts' headers.
#include "app/core/download_manager.h"
#include "discover_controller.h"
#include "download_list_model.h"
#include "engine/gguf/gguf_split.h"
#include "engine/store/model_store.h"
#include "net/mock_hub.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace hearth;

class TestDiscoverController : public QObject {
    Q_OBJECT
    MockHub hub_;
    QTemporaryDir store_;
    QTemporaryDir partsDir_;

private slots:
    void initTestCase() {
        QFile f(QStringLiteral(
            HEARTH_SHARED_DIR
            "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        MockHfRepo repo;
        repo.id = QStringLiteral("hearth-test/tiny-GGUF");
        repo.downloads = 7;
        repo.files = {{QStringLiteral("tiny-Q4_K_M.gguf"), f.readAll()},
                      {QStringLiteral("big-Q8_0-00001-of-00002.gguf"), QByteArray(3000, 'a')},
                      {QStringLiteral("big-Q8_0-00002-of-00002.gguf"), QByteArray(2000, 'b')},
                      {QStringLiteral("mmproj-tiny-f16.gguf"), QByteArray(100, 'c')}};
        hub_.addRepo(repo);
        // A model that exists only as gguf-split parts (three of them).
        auto parts =
            splitGguf(HEARTH_SHARED_DIR "/conformance/models/cf-q-llama-tinyvocab/"
                                        "cf-q-llama-tinyvocab-Q4_K_M.gguf",
                      8, (partsDir_.path() + QStringLiteral("/tiny-Q4_K_M")).toStdString());
        QVERIFY(parts.ok());
        MockHfRepo split;
        split.id = QStringLiteral("splitter/shards-GGUF");
        for (const std::string& part : *parts) {
            QFile in(QString::fromStdString(part));
            QVERIFY(in.open(QIODevice::ReadOnly));
            split.files.push_back(
                {QString::fromStdString(part).section(QLatin1Char('/'), -1), in.readAll()});
        }
        hub_.addRepo(split);
        QVERIFY(hub_.listen());
        qputenv("HF_ENDPOINT", hub_.apiUrl().toEncoded());
        qputenv("HEARTH_REGISTRY", hub_.apiUrl().toEncoded());
        qputenv("OLLAMA_MODELS", QFile::encodeName(store_.path()));
        qputenv("HEARTH_CATALOG", HEARTH_SOURCE_DIR "/resources/catalog/models.json");
    }

    void searchesListsAndPulls() {
        DiscoverController discover;
        QCOMPARE(discover.storePath(), store_.path());
        // The catalog is the shipped file, not invented entries.
        QVERIFY(discover.catalogError().isEmpty());
        QVERIFY(discover.catalog().size() >= 3);
        QVERIFY(!discover.catalog()
                     .first()
                     .toMap()
                     .value(QStringLiteral("variants"))
                     .toList()
                     .isEmpty());

        discover.setQuery(QStringLiteral("tiny"));
        discover.search();
        QTRY_VERIFY(!discover.busy());
        QCOMPARE(discover.error(), QString());
        QCOMPARE(discover.results().size(), 1);
        QCOMPARE(discover.results().first().toMap().value(QStringLiteral("id")).toString(),
                 QStringLiteral("hearth-test/tiny-GGUF"));

        discover.openRepo(QStringLiteral("hearth-test/tiny-GGUF"));
        QTRY_VERIFY(!discover.busy());
        // Two model rows: the single file and the split model grouped (size of both parts).
        QCOMPARE(discover.files().size(), 2);
        QVariantMap split;
        for (const QVariant& v : discover.files())
            if (v.toMap().value(QStringLiteral("parts")).toInt() == 2) split = v.toMap();
        QCOMPARE(split.value(QStringLiteral("size")).toLongLong(), qint64(5000));
        // Split parts are downloaded and merged, so the grouped row downloads like any other.
        QVERIFY(split.value(QStringLiteral("pullable")).toBool());
        QCOMPARE(split.value(QStringLiteral("spec")).toString(),
                 QStringLiteral("hf:hearth-test/tiny-GGUF:Q8_0"));
        // The single file gets a memory-fit verdict from its remote header (a Range request).
        const auto singleFile = [&discover] {
            for (const QVariant& v : discover.files())
                if (v.toMap().value(QStringLiteral("parts")).toInt() <= 1) return v.toMap();
            return QVariantMap();
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            !singleFile().value(QStringLiteral("verdict")).toString().isEmpty(), 20000);
        QVERIFY(!singleFile().value(QStringLiteral("fitDetail")).toString().isEmpty());
        bool ranged = false;
        for (const MockRequest& r : hub_.cdn.log)
            ranged = ranged || r.header("range").startsWith("bytes=0-");
        QVERIFY(ranged);

        DownloadListModel* downloads = discover.downloads();
        discover.pull(QStringLiteral("hf:hearth-test/tiny-GGUF:Q4_K_M"));
        QCOMPARE(downloads->rowCount(), 1);
        const QModelIndex row = downloads->index(0);
        QTRY_VERIFY_WITH_TIMEOUT(!downloads->data(row, DownloadListModel::ActiveRole).toBool(),
                                 30000);
        QCOMPARE(downloads->data(row, DownloadListModel::StateRole).toString(),
                 QStringLiteral("success"));
        QCOMPARE(downloads->data(row, DownloadListModel::ProgressRole).toDouble(), 1.0);
        QCOMPARE(downloads->data(row, DownloadListModel::NameRole).toString(),
                 QStringLiteral("hf.co/hearth-test/tiny-GGUF:Q4_K_M"));
        QVERIFY(ModelStore(store_.path().toStdString())
                    .resolve("hf.co/hearth-test/tiny-GGUF:Q4_K_M")
                    .ok());

        // A failure is shown on its row with the reason.
        discover.pull(QStringLiteral("hf:hearth-test/missing-GGUF"));
        const QModelIndex failed = downloads->index(1);
        QTRY_VERIFY_WITH_TIMEOUT(!downloads->data(failed, DownloadListModel::ActiveRole).toBool(),
                                 30000);
        QVERIFY(downloads->data(failed, DownloadListModel::ErrorRole)
                    .toString()
                    .contains(QStringLiteral("not found")));
        downloads->remove(1);
        QCOMPARE(downloads->rowCount(), 1);
    }

    // The grouped row of a split model downloads: one merged model in the store.
    void splitRowDownloads() {
        DiscoverController discover;
        discover.openRepo(QStringLiteral("splitter/shards-GGUF"));
        QTRY_VERIFY(!discover.busy());
        QCOMPARE(discover.files().size(), 1);
        const QVariantMap row = discover.files().first().toMap();
        QCOMPARE(row.value(QStringLiteral("parts")).toInt(), 3);
        QVERIFY(row.value(QStringLiteral("pullable")).toBool());
        DownloadListModel* downloads = discover.downloads();
        const int before = downloads->rowCount();
        discover.pull(row.value(QStringLiteral("spec")).toString());
        QCOMPARE(downloads->rowCount(), before + 1);
        const QModelIndex index = downloads->index(before);
        QTRY_VERIFY_WITH_TIMEOUT(!downloads->data(index, DownloadListModel::ActiveRole).toBool(),
                                 30000);
        QCOMPARE(downloads->data(index, DownloadListModel::ErrorRole).toString(), QString());
        QCOMPARE(downloads->data(index, DownloadListModel::StateRole).toString(),
                 QStringLiteral("success"));
        ModelStore store(store_.path().toStdString());
        QVERIFY(store.verify("hf.co/splitter/shards-GGUF:Q4_K_M")->ok());
    }

    // A split row's fit badge comes from the headers of all its parts: the same verdict and
    // memory as the unsplit file beside it. A part that 404s, or parts that are no GGUF, leave
    // the badge "unavailable" with the reason, never a verdict.
    void splitRowFitsLikeTheSingleFile() {
        const QString tiny = QStringLiteral(
            HEARTH_SHARED_DIR
            "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf");
        const auto bytesOf = [](const QString& path) {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        MockHfRepo both, gap;
        both.id = QStringLiteral("splitfit/both-GGUF");
        both.files = {{QStringLiteral("single/tiny-Q4_K_M.gguf"), bytesOf(tiny)}};
        gap.id = QStringLiteral("splitfit/gap-GGUF");
        for (int i = 0; i < 3; ++i) {
            const QString name = QString::fromStdString(ggufSplitPath("tiny-Q4_K_M", i, 3));
            const QByteArray bytes = bytesOf(partsDir_.filePath(name));
            QVERIFY(!bytes.isEmpty());
            both.files.push_back({name, bytes});
            if (i != 1) gap.files.push_back({name, bytes});
        }
        hub_.addRepo(both);
        hub_.addRepo(gap);

        DiscoverController discover;
        const auto row = [&discover](int parts) {
            for (const QVariant& v : discover.files())
                if (v.toMap().value(QStringLiteral("parts")).toInt() == parts) return v.toMap();
            return QVariantMap();
        };
        const auto settled = [&row](int parts) {
            return row(parts).value(QStringLiteral("fitDetail")).toString() !=
                   QStringLiteral("estimating...");
        };
        discover.openRepo(QStringLiteral("splitfit/both-GGUF"));
        QTRY_VERIFY(!discover.busy());
        QCOMPARE(discover.files().size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(settled(0) && settled(3), 20000);
        const QVariantMap single = row(0), split = row(3);
        QVERIFY2(!split.value(QStringLiteral("verdict")).toString().isEmpty(),
                 qPrintable(split.value(QStringLiteral("fitDetail")).toString()));
        QCOMPARE(split.value(QStringLiteral("verdict")), single.value(QStringLiteral("verdict")));
        QCOMPARE(split.value(QStringLiteral("fit")), single.value(QStringLiteral("fit")));
        // "fits in RAM: needs 81.2 MB RAM, ..." (what is left depends on the moment's free RAM).
        static const QRegularExpression needs(QStringLiteral("needs [^,;]*"));
        const QString splitNeeds =
            needs.match(split.value(QStringLiteral("fitDetail")).toString()).captured();
        QVERIFY(!splitNeeds.isEmpty());
        QCOMPARE(splitNeeds,
                 needs.match(single.value(QStringLiteral("fitDetail")).toString()).captured());
        // Every part's header was asked for, by Range (the Hub's resolve URL, then the CDN).
        for (int i = 0; i < 3; ++i) {
            bool asked = false;
            for (const MockRequest& r : hub_.api.log)
                asked = asked || (r.path.contains(QByteArray::fromStdString(
                                      ggufSplitPath("tiny-Q4_K_M", i, 3))) &&
                                  r.header("range").startsWith("bytes=0-"));
            QVERIFY2(asked, ggufSplitPath("tiny-Q4_K_M", i, 3).c_str());
        }

        discover.openRepo(QStringLiteral("splitfit/gap-GGUF"));
        QTRY_VERIFY(!discover.busy());
        QCOMPARE(discover.files().size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(settled(3), 20000);
        QCOMPARE(row(3).value(QStringLiteral("verdict")).toString(), QString());
        const QString why = row(3).value(QStringLiteral("fitDetail")).toString();
        QVERIFY2(why.startsWith(QStringLiteral("estimate unavailable: ")) &&
                     why.contains(QStringLiteral("part 2 of 3")),
                 qPrintable(why));

        // Parts that are not GGUF at all (the first repository's "big" model).
        discover.openRepo(QStringLiteral("hearth-test/tiny-GGUF"));
        QTRY_VERIFY(!discover.busy());
        QTRY_VERIFY_WITH_TIMEOUT(settled(2) && settled(0), 20000);
        QCOMPARE(row(2).value(QStringLiteral("verdict")).toString(), QString());
        QVERIFY2(row(2).value(QStringLiteral("fitDetail")).toString().contains("not a GGUF file"),
                 qPrintable(row(2).value(QStringLiteral("fitDetail")).toString()));
        QVERIFY(!row(0).value(QStringLiteral("verdict")).toString().isEmpty());
    }

    // A repository with nothing but a split model still gets a badge (from its parts).
    void splitOnlyRepoGetsABadge() {
        DiscoverController discover;
        discover.openRepo(QStringLiteral("splitter/shards-GGUF"));
        QTRY_VERIFY(!discover.busy());
        QCOMPARE(discover.files().size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(
            discover.files().first().toMap().value(QStringLiteral("fitDetail")).toString() !=
                QStringLiteral("estimating..."),
            20000);
        const QVariantMap row = discover.files().first().toMap();
        QVERIFY2(!row.value(QStringLiteral("verdict")).toString().isEmpty(),
                 qPrintable(row.value(QStringLiteral("fitDetail")).toString()));
    }
};

QTEST_GUILESS_MAIN(TestDiscoverController)
#include "test_discover_controller.moc"

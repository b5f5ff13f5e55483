// The Models page's list model and controller, and the Memory fit controller, over a real store
// in a temporary folder populated by importing conformance GGUFs with the store's API.
#include "app/core/byte_size.h"
#include "app/ui/fit_controller.h"
#include "app/ui/model_list_model.h"
#include "app/ui/models_controller.h"
#include "engine/gguf/gguf_split.h"
#include "engine/store/model_store.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kModels = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models");
const QString kQ8 =
    kModels + QStringLiteral("/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q8_0.gguf");
const QString kQ4 =
    kModels + QStringLiteral("/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf");
const QString kStories = kModels + QStringLiteral("/stories260K/stories260K.gguf");

hearth::ModelRow row(const QString& name, qulonglong size, const QString& family) {
    hearth::ModelRow r;
    r.name = name;
    r.sizeBytes = size;
    r.family = family;
    r.quantization = QStringLiteral("Q4_K_M");
    return r;
}

QStringList names(const hearth::ModelListModel& m) {
    QStringList out;
    for (int i = 0; i < m.rowCount(); ++i)
        out << m.data(m.index(i), hearth::ModelListModel::NameRole).toString();
    return out;
}

} // namespace

class TestModelsLibrary : public QObject {
    Q_OBJECT

    QTemporaryDir home_;
    QString store_;

    // Imports by copy (never hard-link shared read-only data we may corrupt later).
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
        // Settings (linked folders) and the store live in the temporary folder only.
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(home_.filePath(QStringLiteral("config"))));
        QCoreApplication::setOrganizationName(QStringLiteral("HearthTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_models_library"));
        store_ = home_.filePath(QStringLiteral("models"));
        qputenv("OLLAMA_MODELS", QFile::encodeName(store_));
        qputenv("HEARTH_CATALOG", HEARTH_SOURCE_DIR "/resources/catalog/models.json");
        if (!QFileInfo::exists(kQ8) || !QFileInfo::exists(kStories))
            QSKIP("conformance models are missing");
        import(kQ8, "tiny:q8");
        import(kQ4, "tiny:q4");
        import(kStories, "stories");
        import(kStories, "stories-copy"); // shares its model blob with "stories"
    }

    void listModelFiltersAndSorts() {
        hearth::ModelListModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(m.rowCount(), 0);
        m.setRows({row("b", 300, "llama"), row("a", 200, "qwen2"), row("c", 100, "llama")});
        QCOMPARE(names(m), (QStringList{"a", "b", "c"}));
        QCOMPARE(m.roleNames().value(hearth::ModelListModel::NameRole), QByteArray("name"));
        for (int role : m.roleNames().keys()) QVERIFY(role >= Qt::UserRole + 1);
        m.setSortKey(QStringLiteral("size"));
        QCOMPARE(names(m), (QStringList{"c", "a", "b"}));
        m.setSortDescending(true);
        QCOMPARE(names(m), (QStringList{"b", "a", "c"}));
        m.setFilterText(QStringLiteral("LLAMA"));
        QCOMPARE(names(m), (QStringList{"b", "c"}));
        QCOMPARE(m.totalCount(), 3);
        m.setFilterText(QStringLiteral("nothing matches this"));
        QCOMPARE(m.rowCount(), 0);
        QVERIFY(m.get(0).isEmpty()); // out of range: empty, no crash
        QVERIFY(!m.data(m.index(5), hearth::ModelListModel::NameRole).isValid());
        m.setFilterText({});
        QCOMPARE(m.get(0).value(QStringLiteral("sizeText")).toString(), QStringLiteral("300 B"));
        // Sizes read as everywhere else in the app (app/core/byte_size.h): three significant
        // digits.
        m.setRows({row("big", 1'101'888, "llama")});
        QCOMPARE(m.get(0).value(QStringLiteral("sizeText")).toString(), QStringLiteral("1.10 MB"));
    }

    void controllerListsTheStore() {
        hearth::ModelsController c;
        QAbstractItemModelTester tester(c.models(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(QDir::cleanPath(c.storePath()), QDir::cleanPath(store_));
        QCOMPARE(names(*c.models()),
                 (QStringList{"stories-copy:latest", "stories:latest", "tiny:q4", "tiny:q8"}));
        const hearth::ModelRow* q8 = c.models()->find(QStringLiteral("tiny:q8"));
        const hearth::ModelRow* q4 = c.models()->find(QStringLiteral("tiny:q4"));
        QVERIFY(q8 && q4);
        QCOMPARE(q8->quantization, QStringLiteral("Q8_0"));
        QCOMPARE(q4->quantization, QStringLiteral("Q4_K_M"));
        QCOMPARE(q8->family, QStringLiteral("llama"));
        // Size on disk: the GGUF blob plus the small config blob the manifest names.
        QVERIFY(q8->sizeBytes >= static_cast<qulonglong>(QFileInfo(kQ8).size()));
        QVERIFY(q8->sizeBytes < static_cast<qulonglong>(QFileInfo(kQ8).size()) + 4096);
        QCOMPARE(QFileInfo(q8->path).size(), QFileInfo(kQ8).size());
        QVERIFY(q8->contextLength > 0);
        QVERIFY(!q8->linked);
        QVERIFY2(QStringList({"fits_gpu", "partial_offload", "fits_ram", "tight", "does_not_fit"})
                     .contains(q8->fitVerdict),
                 qPrintable(q8->fitVerdict));
        QVERIFY(!q8->fitText.isEmpty());

        const QVariantMap d = c.details(QStringLiteral("tiny:q8"));
        QVERIFY(d.value(QStringLiteral("summary")).toString().contains(QStringLiteral("llama")));
        QCOMPARE(d.value(QStringLiteral("path")).toString(), q8->path);
        QVERIFY(c.details(QStringLiteral("no-such-model")).isEmpty());

        QSignalSpy chat(&c, &hearth::ModelsController::chatRequested);
        c.requestChat(QStringLiteral("tiny:q4"));
        QCOMPARE(chat.size(), 1);
        QCOMPARE(chat.at(0).at(0).toString(), QStringLiteral("tiny:q4"));
        QCOMPARE(chat.at(0).at(1).toString(), q4->path);
        c.requestChat(QStringLiteral("missing"));
        QCOMPARE(chat.size(), 1);
    }

    void deleteKeepsSharedBlobs() {
        hearth::ModelsController c;
        const QString blob = c.models()->find(QStringLiteral("stories:latest"))->path;
        QCOMPARE(c.models()->find(QStringLiteral("stories-copy:latest"))->path, blob);
        // The model blob is shared: deleting one name frees only what is not shared.
        const QVariantMap preview = c.removalPreview(QStringLiteral("stories-copy:latest"));
        QVERIFY(preview.value(QStringLiteral("keptCount")).toInt() >= 1);
        QVERIFY(preview.value(QStringLiteral("freedBytes")).toDouble() <
                static_cast<double>(QFileInfo(kStories).size()));
        QVERIFY(c.remove(QStringLiteral("stories-copy:latest")));
        QVERIFY(QFileInfo::exists(blob));
        QVERIFY(!c.models()->find(QStringLiteral("stories-copy:latest")));
        // Now the last user: the preview says the whole model is freed, and it is.
        const QVariantMap last = c.removalPreview(QStringLiteral("stories:latest"));
        QVERIFY(last.value(QStringLiteral("freedBytes")).toDouble() >=
                static_cast<double>(QFileInfo(kStories).size()));
        QCOMPARE(last.value(QStringLiteral("freedText")).toString(),
                 hearth::byteSizeText(last.value(QStringLiteral("freedBytes")).toULongLong()));
        QVERIFY(last.value(QStringLiteral("freedText")).toString().endsWith(QStringLiteral(" MB")));
        QVERIFY(c.remove(QStringLiteral("stories:latest")));
        QVERIFY(!QFileInfo::exists(blob));
        QVERIFY(!c.remove(QStringLiteral("stories:latest"))); // gone: refused, no crash
        QCOMPARE(c.models()->totalCount(), 2);
    }

    void importVerifyAndDamage() {
        hearth::ModelsController c;
        QSignalSpy imported(&c, &hearth::ModelsController::importFinished);
        QVERIFY(!c.importGguf(QUrl::fromLocalFile(home_.filePath(QStringLiteral("none.gguf")))));
        QVERIFY(c.messageIsError());
        QVERIFY(c.importGguf(QUrl::fromLocalFile(kStories)));
        QTRY_COMPARE_WITH_TIMEOUT(imported.size(), 2, 30000);
        QVERIFY(imported.at(1).at(0).toBool());
        QVERIFY(c.models()->find(QStringLiteral("stories260K:latest")));

        QSignalSpy verified(&c, &hearth::ModelsController::verifyFinished);
        QVERIFY(c.verify(QStringLiteral("tiny:q8")));
        QVERIFY(!c.verify(QStringLiteral("tiny:q4"))); // one job at a time
        QTRY_COMPARE_WITH_TIMEOUT(verified.size(), 1, 30000);
        QVERIFY2(verified.at(0).at(1).toBool(), qPrintable(verified.at(0).at(2).toString()));

        // One flipped byte in the blob: verify says which blob and why.
        QFile blob(c.models()->find(QStringLiteral("tiny:q8"))->path);
        QVERIFY(blob.open(QIODevice::ReadWrite));
        QVERIFY(blob.seek(blob.size() - 1));
        char last = 0;
        QVERIFY(blob.getChar(&last));
        QVERIFY(blob.seek(blob.size() - 1));
        QVERIFY(blob.putChar(static_cast<char>(last ^ 0x5a)));
        blob.close();
        QVERIFY(c.verify(QStringLiteral("tiny:q8")));
        QTRY_COMPARE_WITH_TIMEOUT(verified.size(), 2, 30000);
        QVERIFY(!verified.at(1).at(1).toBool());
        QVERIFY(verified.at(1).at(2).toString().contains(QStringLiteral("sha256")));
        QVERIFY(c.remove(QStringLiteral("tiny:q8")));
    }

    void linkedFoldersPersist() {
        QTemporaryDir folder;
        QVERIFY(QFile::copy(kQ4, folder.filePath(QStringLiteral("loose-model.gguf"))));
        {
            hearth::ModelsController c;
            QVERIFY(
                !c.addLinkedFolder(QUrl::fromLocalFile(folder.filePath(QStringLiteral("nope")))));
            QVERIFY(c.addLinkedFolder(QUrl::fromLocalFile(folder.path())));
            const hearth::ModelRow* r = c.models()->find(QStringLiteral("loose-model"));
            QVERIFY(r);
            QVERIFY(r->linked);
            QCOMPARE(QDir::cleanPath(r->linkedFolder), QDir::cleanPath(folder.path()));
            QCOMPARE(r->quantization, QStringLiteral("Q4_K_M"));
            QVERIFY(!c.remove(QStringLiteral("loose-model"))); // linked files are not deleted
            QVERIFY(QFileInfo::exists(r->path));
        }
        hearth::ModelsController again; // from QSettings
        QCOMPARE(again.linkedFolders(), QStringList{QDir::cleanPath(folder.path())});
        QVERIFY(again.models()->find(QStringLiteral("loose-model")));
        again.removeLinkedFolder(QDir::cleanPath(folder.path()));
        QVERIFY(again.linkedFolders().isEmpty());
        QVERIFY(!again.models()->find(QStringLiteral("loose-model")));
    }

    void fitForSplitModelInLinkedFolder() {
        // A split model's first part is estimated over all its parts: the same rows as the
        // unsplit file (part 1 alone lists only a third of the tensors).
        QTemporaryDir folder;
        const QString whole = folder.filePath(QStringLiteral("whole.gguf"));
        QVERIFY(QFile::copy(kQ4, whole));
        auto parts =
            hearth::splitGguf(kQ4.toStdString(), 8, folder.filePath("tiny-split").toStdString());
        QVERIFY2(parts, parts ? "" : parts.error().c_str());
        QCOMPARE(parts->size(), size_t(3));
        hearth::ModelsController c;
        QVERIFY(c.addLinkedFolder(QUrl::fromLocalFile(folder.path())));
        {
            hearth::FitController f;
            auto rowsOf = [&](const QString& key) {
                QStringList rows;
                if (!f.selectKey(key)) return QStringList{QStringLiteral("no source ") + key};
                if (!f.error().isEmpty()) return QStringList{f.error()};
                for (int i = 0; i < f.table()->rowCount(); ++i) {
                    const QModelIndex at = f.table()->index(i);
                    rows << QStringLiteral("%1 %2 %3")
                                .arg(f.table()
                                         ->data(at, hearth::FitTableModel::VariantRole)
                                         .toString(),
                                     f.table()
                                         ->data(at, hearth::FitTableModel::VerdictRole)
                                         .toString())
                                .arg(f.table()
                                         ->data(at, hearth::FitTableModel::TotalBytesRole)
                                         .toDouble(),
                                     0, 'f', 0);
                }
                return rows;
            };
            const QStringList expected = rowsOf(whole);
            QVERIFY(expected.size() > 5);
            QCOMPARE(rowsOf(QString::fromStdString(parts->front())), expected);
            // A later part is not estimated; the error says which part to give.
            if (f.selectKey(QString::fromStdString((*parts)[1])))
                QVERIFY2(f.error().contains(QStringLiteral("give its first part")),
                         qPrintable(f.error()));
        }
        c.removeLinkedFolder(QDir::cleanPath(folder.path()));
    }

    void fitForLocalModelAndCatalog() {
        hearth::FitController f;
        QAbstractItemModelTester tester(f.table(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(f.sources().size() >= 2);
        const QString local =
            hearth::ModelsController().models()->find(QStringLiteral("tiny:q4"))->path;
        QVERIFY(f.selectKey(local));
        QVERIFY2(f.error().isEmpty(), qPrintable(f.error()));
        QVERIFY(f.table()->rowCount() > 5);
        const QModelIndex first = f.table()->index(0);
        QVERIFY(f.table()->data(first, hearth::FitTableModel::IsFileRole).toBool());
        QCOMPARE(f.table()->data(first, hearth::FitTableModel::VariantRole).toString(),
                 QStringLiteral("Q4_K_M"));
        QVERIFY(f.table()->data(first, hearth::FitTableModel::TotalBytesRole).toDouble() >
                f.table()->data(first, hearth::FitTableModel::WeightsBytesRole).toDouble());
        QVERIFY(f.maxContext() > 0);
        QVERIFY(f.contextLength() <= f.maxContext());

        QVERIFY(f.selectKey(QStringLiteral("llama-3.2-1b-instruct")));
        QVERIFY2(f.error().isEmpty(), qPrintable(f.error()));
        QCOMPARE(f.maxContext(), 131072);
        QCOMPARE(f.contextLength(), 4096);
        const double kvAt4k =
            f.table()->data(f.table()->index(0), hearth::FitTableModel::KvBytesRole).toDouble();
        f.setContextLength(32768);
        const double kvAt32k =
            f.table()->data(f.table()->index(0), hearth::FitTableModel::KvBytesRole).toDouble();
        QVERIFY(kvAt4k > 0);
        QVERIFY(kvAt32k > kvAt4k * 7.9 && kvAt32k < kvAt4k * 8.1); // KV grows with the context
        QStringList verdicts;
        for (int i = 0; i < f.table()->rowCount(); ++i)
            verdicts << f.table()
                            ->data(f.table()->index(i), hearth::FitTableModel::VerdictRole)
                            .toString();
        QVERIFY(verdicts.contains(QStringLiteral("fits_ram")) ||
                verdicts.contains(QStringLiteral("fits_gpu")) ||
                verdicts.contains(QStringLiteral("partial_offload")) ||
                verdicts.contains(QStringLiteral("tight")) ||
                verdicts.contains(QStringLiteral("does_not_fit")));
        QVERIFY(!f.selectKey(QStringLiteral("no-such-model")));
        f.setContextLength(1 << 30); // clamped to the model's maximum, not an error
        QCOMPARE(f.contextLength(), 131072);
    }

    void badCatalogIsReported() {
        QString error;
        QVERIFY(
            hearth::readCatalog(home_.filePath(QStringLiteral("missing.json")), &error).isEmpty());
        QVERIFY(!error.isEmpty());
        QFile bad(home_.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"models\": [ {\"id\": \"x\", \"shape\": {\"layers\": -1}} ]");
        bad.close();
        error.clear();
        QVERIFY(hearth::readCatalog(bad.fileName(), &error).isEmpty());
        QVERIFY(!error.isEmpty());
        QVERIFY(hearth::quickFitForFile(bad.fileName(), {}).verdict.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestModelsLibrary)
#include "test_models_library.moc"

// The Models page's "Import GGUF" on the first part of a split model: the controller's import
// goes through the store's, so the parts are merged into one listed model; a later part is
// refused with the reason and adds nothing.
#include "app/ui/models_controller.h"
#include "engine/gguf/gguf_split.h"
#include "engine/store/model_store.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

namespace {
const QString kQ4 = QStringLiteral(
    HEARTH_SHARED_DIR "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf");

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestModelsSplitImport : public QObject {
    Q_OBJECT
    QTemporaryDir home_;

private slots:
    void initTestCase() {
        QVERIFY(home_.isValid());
        // Settings and the store live in the temporary folder only.
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(home_.filePath(QStringLiteral("config"))));
        QCoreApplication::setOrganizationName(QStringLiteral("HearthTest"));
        QCoreApplication::setApplicationName(QStringLiteral("test_models_split_import"));
        qputenv("OLLAMA_MODELS", QFile::encodeName(home_.filePath(QStringLiteral("models"))));
    }

    void importsTheFirstPartAsOneModel() {
        QVERIFY(QDir().mkpath(home_.filePath(QStringLiteral("parts"))));
        auto parts =
            hearth::splitGguf(kQ4.toStdString(), 8,
                              home_.filePath(QStringLiteral("parts/tiny-Q4_K_M")).toStdString());
        QVERIFY2(parts.ok(), parts.ok() ? "" : parts.error().c_str());
        QCOMPARE(parts->size(), size_t(3));

        hearth::ModelsController c;
        QSignalSpy finished(&c, &hearth::ModelsController::importFinished);
        QVERIFY(c.importGguf(QUrl::fromLocalFile(QString::fromStdString((*parts)[1]))));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QVERIFY(!finished.at(0).at(0).toBool());
        QVERIFY2(finished.at(0).at(1).toString().contains(QStringLiteral("import its first part")),
                 qPrintable(finished.at(0).at(1).toString()));
        QVERIFY(c.messageIsError());
        QCOMPARE(c.models()->totalCount(), 0);

        QVERIFY(c.importGguf(QUrl::fromLocalFile(QString::fromStdString((*parts)[0]))));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30000);
        QVERIFY2(finished.at(1).at(0).toBool(), qPrintable(finished.at(1).at(1).toString()));
        QVERIFY(!c.busy());
        QCOMPARE(c.models()->totalCount(), 1);
        const auto* row = c.models()->find(QStringLiteral("tiny-Q4_K_M:latest"));
        QVERIFY(row);
        QVERIFY(readAll(row->path) == readAll(kQ4)); // the unsplit model, byte for byte
    }
};

QTEST_GUILESS_MAIN(TestModelsSplitImport)
#include "test_models_split_import.moc"

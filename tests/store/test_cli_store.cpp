// hearth-cli list/show/import/rm/verify, run as a user would (QProcess) on temporary stores.
#include "tests/cli_process.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

namespace {

const QString kCli = QStringLiteral(HEARTH_BINARY_DIR "/app/hearth-cli");
const QString kModels = QStringLiteral(HEARTH_SHARED_DIR "/conformance/models");
const QString kQ4 =
    kModels + QStringLiteral("/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf");
const QString kStories = kModels + QStringLiteral("/stories260K/stories260K.gguf");

using Run = CliRun;
Run cli(const QStringList& args,
        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
        const QString& program = kCli) {
    return runProcess(program, args, env);
}

} // namespace

class TestCliStore : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY2(QFile::exists(kCli), qPrintable(kCli + QStringLiteral(" not built")));
    }

    void importListShowVerifyRemove() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("models"));
        Run r = cli({QStringLiteral("import"), kQ4, QStringLiteral("tiny:q4"),
                     QStringLiteral("--models"), root});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("as tiny:q4")), qPrintable(r.out + r.err));
        r = cli({QStringLiteral("import"), kStories, QStringLiteral("--models"), root});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("as stories260K:latest")));

        r = cli({QStringLiteral("list"), QStringLiteral("--models"), root});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("NAME")));
        QVERIFY(r.out.contains(
            QRegularExpression(QStringLiteral("tiny:q4 +[0-9a-f]{12} +1.10 MB +Q4_K_M +1.77M"))));
        QVERIFY(r.out.contains(QRegularExpression(
            QStringLiteral("stories260K:latest +[0-9a-f]{12} +1.19 MB +F32 +293K"))));

        r = cli(
            {QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--models"), root});
        QCOMPARE(r.code, 0);
        const QJsonArray arr = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(arr.size(), 2);
        QCOMPARE(arr[1].toObject()[QStringLiteral("name")].toString(), QStringLiteral("tiny:q4"));
        QCOMPARE(arr[1].toObject()[QStringLiteral("quantization")].toString(),
                 QStringLiteral("Q4_K_M"));
        QVERIFY(arr[1].toObject()[QStringLiteral("problems")].toArray().isEmpty());

        r = cli(
            {QStringLiteral("show"), QStringLiteral("TINY:Q4"), QStringLiteral("--models"), root});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("Q4_K_M: 13 tensors Q4_K, 3 Q6_K, 5 F32")));
        QVERIFY(r.out.contains(QStringLiteral("heads           8 (KV 2)")));
        QVERIFY(!r.out.contains(QStringLiteral("metadata (")));
        r = cli({QStringLiteral("show"), QStringLiteral("tiny:q4"), QStringLiteral("--verbose"),
                 QStringLiteral("--models"), root});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("llama.context_length (u32) = 2048")));
        QVERIFY(r.out.contains(QStringLiteral("tokenizer.ggml.tokens (arr[str]) = [\"<unk>\"")));
        QVERIFY(r.out.contains(
            QRegularExpression(QStringLiteral("blk.1.ffn_down.weight +q6_K +\\[768, 256\\]"))));

        r = cli({QStringLiteral("verify"), QStringLiteral("tiny:q4"), QStringLiteral("--models"),
                 root});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.endsWith(QStringLiteral("verified\n")));

        // The store written by import is the one Ollama would read: OLLAMA_MODELS points at it.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("OLLAMA_MODELS"), root);
        r = cli({QStringLiteral("list")}, env);
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("tiny:q4")));

        // Corrupt the model blob (a copy, not the shared file): verify fails and says why.
        QVERIFY(cli({QStringLiteral("import"), kStories, QStringLiteral("broken"),
                     QStringLiteral("--copy"), QStringLiteral("--models"),
                     tmp.filePath(QStringLiteral("other"))})
                    .code == 0);
        const QStringList blobs = QDir(tmp.filePath(QStringLiteral("other/blobs")))
                                      .entryList({QStringLiteral("sha256-*")}, QDir::Files);
        for (const QString& b : blobs) {
            QFile f(tmp.filePath(QStringLiteral("other/blobs/")) + b);
            if (f.size() < 100000) continue;
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.seek(100);
            f.write("XXXX");
        }
        r = cli({QStringLiteral("verify"), QStringLiteral("broken"), QStringLiteral("--models"),
                 tmp.filePath(QStringLiteral("other"))});
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.contains(QStringLiteral("sha256 mismatch")));
        QVERIFY(r.out.contains(QStringLiteral("verification FAILED")));

        r = cli(
            {QStringLiteral("rm"), QStringLiteral("tiny:q4"), QStringLiteral("--models"), root});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("2 blobs removed")));
        r = cli(
            {QStringLiteral("rm"), QStringLiteral("tiny:q4"), QStringLiteral("--models"), root});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("not found")));
        r = cli({QStringLiteral("list"), QStringLiteral("--models"), root});
        QVERIFY(!r.out.contains(QStringLiteral("tiny:q4")));
        QVERIFY(r.out.contains(QStringLiteral("stories260K:latest")));
    }

    void filesAndLinkedFolders() {
        QTemporaryDir tmp;
        QVERIFY(QFile::copy(kStories, tmp.filePath(QStringLiteral("loose.gguf"))));
        const QString root = tmp.filePath(QStringLiteral("empty-store"));
        Run r = cli({QStringLiteral("list"), QStringLiteral("--models"), root,
                     QStringLiteral("--linked"), tmp.path()});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QRegularExpression(QStringLiteral("loose +\\(linked\\)"))));
        r = cli({QStringLiteral("show"), QStringLiteral("loose"), QStringLiteral("--models"), root,
                 QStringLiteral("--linked"), tmp.path()});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("layers          5")));
        r = cli({QStringLiteral("show"), kQ4});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("Q4_K_M: 13 tensors")));
        r = cli({QStringLiteral("verify"), tmp.filePath(QStringLiteral("loose.gguf"))});
        QCOMPARE(r.code, 0);
    }

    void errors() {
        QTemporaryDir tmp;
        const QString root = tmp.filePath(QStringLiteral("m"));
        const QString junk = tmp.filePath(QStringLiteral("junk.gguf"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF but not really");
        f.close();
        Run r = cli({QStringLiteral("import"), junk, QStringLiteral("--models"), root});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("at byte")));
        QVERIFY(!QDir(root + QStringLiteral("/manifests")).exists());
        r = cli({QStringLiteral("import"), kStories, QStringLiteral("Bad Name"),
                 QStringLiteral("--models"), root});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("invalid model name 'Bad Name'")));
        r = cli({QStringLiteral("show"), junk});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("junk.gguf")));
        r = cli({QStringLiteral("show"), QStringLiteral("nothing-here"), QStringLiteral("--models"),
                 root});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("not found")));
        QCOMPARE(cli({QStringLiteral("show")}).code, 2);
        QCOMPARE(cli({QStringLiteral("rm")}).code, 2);
        QCOMPARE(cli({QStringLiteral("import")}).code, 2);
        QCOMPARE(cli({QStringLiteral("verify"), QStringLiteral("a"), QStringLiteral("b")}).code, 2);
    }

    void readOnlyStore() {
        QTemporaryDir tmp;
        QFile::setPermissions(tmp.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                              QFileDevice::ExeOwner | QFileDevice::ReadOther |
                                              QFileDevice::ExeOther | QFileDevice::ReadGroup |
                                              QFileDevice::ExeGroup);
        const QString root = tmp.filePath(QStringLiteral("models"));
        QCOMPARE(cli({QStringLiteral("import"), kStories, QStringLiteral("m"),
                      QStringLiteral("--models"), root})
                     .code,
                 0);
        QProcess::execute(QStringLiteral("chmod"),
                          {QStringLiteral("-R"), QStringLiteral("a-w"), root});
        // Root ignores permission bits: run the CLI as an unprivileged user then.
        const bool asRoot = ::geteuid() == 0;
        const QString setpriv = QStringLiteral("/usr/bin/setpriv");
        if (asRoot && !QFile::exists(setpriv)) QSKIP("running as root without setpriv");
        auto run = [&](const QStringList& args) {
            if (!asRoot) return cli(args);
            return cli(QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                   QStringLiteral("--clear-groups"), kCli} +
                           args,
                       QProcessEnvironment::systemEnvironment(), setpriv);
        };
        Run r = run({QStringLiteral("list"), QStringLiteral("--models"), root});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QStringLiteral("m:latest")));
        r = run({QStringLiteral("rm"), QStringLiteral("m"), QStringLiteral("--models"), root});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("is read-only")), qPrintable(r.err));
        r = run({QStringLiteral("import"), kQ4, QStringLiteral("--models"), root});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("is read-only")), qPrintable(r.err));
        QProcess::execute(QStringLiteral("chmod"),
                          {QStringLiteral("-R"), QStringLiteral("u+w"), root});
        QCOMPARE(
            cli({QStringLiteral("verify"), QStringLiteral("m"), QStringLiteral("--models"), root})
                .code,
            0);
    }
};

QTEST_GUILESS_MAIN(TestCliStore)
#include "test_cli_store.moc"

// `hearth-cli tokenize MODEL --file TEXT_FILE --ids` through a real process: the ids of the file's
// exact bytes as a JSON array (no BOS/EOS, specials as plain text), and clear failures.
#include "tokenizer/tokenizer_test_data.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace hearth;
using namespace hearth::testdata;

namespace {

const QString kCli = QStringLiteral(HEARTH_BINARY_DIR "/app/hearth-cli");

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList& args) {
    QProcess p;
    p.start(kCli, args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out or did not start: " + p.errorString().toUtf8();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

std::vector<int32_t> parseIds(const QByteArray& json, bool* ok) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    *ok = error.error == QJsonParseError::NoError && doc.isArray();
    std::vector<int32_t> ids;
    for (const QJsonValue& v : doc.array()) ids.push_back(v.toInt(-1));
    return ids;
}

} // namespace

class TestCliTokenize : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY2(QFile::exists(kCli), qPrintable(kCli + " is not built")); }
    void idsMatchReferenceVectors_data();
    void idsMatchReferenceVectors();
    void specialTextIsPlain();
    void failuresAreClear();

private:
    QTemporaryDir tmp_;
};

void TestCliTokenize::idsMatchReferenceVectors_data() {
    QTest::addColumn<QString>("vocab");
    QTest::addColumn<int>("caseIndex");
    // A mix of tokenizer kinds and awkward inputs (whitespace runs, emoji, CJK, empty).
    for (const char* vocab : {"ggml-vocab-llama-spm.gguf", "ggml-vocab-qwen2.rebuilt.gguf",
                              "ggml-vocab-bert-bge.gguf"}) {
        for (int i : {2, 9, 17, 21, 45}) {
            QTest::newRow(qPrintable(QStringLiteral("%1 #%2").arg(QLatin1String(vocab)).arg(i)))
                << QString::fromLatin1(vocab) << i;
        }
    }
}

void TestCliTokenize::idsMatchReferenceVectors() {
    QFETCH(QString, vocab);
    QFETCH(int, caseIndex);
    const QString gguf = vocabDir() + QLatin1Char('/') + vocab;
    const QByteArray inp = readAll(gguf + ".inp");
    const QByteArray sep("\n__ggml_vocab_test__\n");
    QList<QByteArray> texts;
    for (qsizetype pos = 0;;) {
        const qsizetype at = inp.indexOf(sep, pos);
        if (at < 0) break;
        texts.append(inp.mid(pos, at - pos));
        pos = at + sep.size();
    }
    const QList<QByteArray> expectedLines = readAll(gguf + ".out").split('\n');
    QVERIFY(caseIndex < texts.size() && caseIndex < expectedLines.size());

    QVERIFY(tmp_.isValid());
    const QString textFile = tmp_.filePath(QStringLiteral("case.txt"));
    QFile f(textFile);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(texts[caseIndex]);
    f.close();

    const Run r = runCli({QStringLiteral("tokenize"), gguf, QStringLiteral("--file"), textFile,
                          QStringLiteral("--ids")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    bool ok = false;
    const auto ids = parseIds(r.out, &ok);
    QVERIFY2(ok, r.out.constData());
    std::vector<int32_t> expected;
    for (const QByteArray& id : expectedLines[caseIndex].trimmed().split(' '))
        if (!id.isEmpty()) expected.push_back(id.toInt());
    QCOMPARE(idsToString(ids), idsToString(expected));
}

void TestCliTokenize::specialTextIsPlain() {
    const QString gguf = vocabDir() + "/ggml-vocab-llama-bpe.rebuilt.gguf";
    const QString textFile = tmp_.filePath(QStringLiteral("special.txt"));
    QFile f(textFile);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("<|begin_of_text|>Hi<|eot_id|>\n");
    f.close();
    const Run r = runCli({QStringLiteral("tokenize"), gguf, QStringLiteral("--file"), textFile,
                          QStringLiteral("--ids")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    bool ok = false;
    const auto ids = parseIds(r.out, &ok);
    QVERIFY(ok && !ids.empty());
    for (int32_t id : ids) QVERIFY2(id < 128000, "a special token was parsed or BOS added");

    QString error;
    const auto t = loadTokenizer(gguf, &error);
    QVERIFY2(t, qPrintable(error));
    QCOMPARE(ids, t->encode("<|begin_of_text|>Hi<|eot_id|>\n", false, false));
}

void TestCliTokenize::failuresAreClear() {
    const QString gguf = vocabDir() + "/ggml-vocab-gpt-2.gguf";
    Run r = runCli({QStringLiteral("tokenize"), gguf, QStringLiteral("--file"),
                    tmp_.filePath(QStringLiteral("missing.txt")), QStringLiteral("--ids")});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains("missing.txt"), r.err.constData());

    const QString notGguf = tmp_.filePath(QStringLiteral("not.gguf"));
    QFile f(notGguf);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not a gguf file");
    f.close();
    r = runCli({QStringLiteral("tokenize"), notGguf, QStringLiteral("--file"), notGguf,
                QStringLiteral("--ids")});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains("not.gguf"), r.err.constData());

    r = runCli({QStringLiteral("tokenize")});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains("usage"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestCliTokenize)
#include "test_cli_tokenize.moc"

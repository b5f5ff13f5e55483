// Conformance: the reference implementation's tokenizer vectors for every vocab that ships with
// test data, and the prompt tokens of every golden whose vocab is available.
#include "tokenizer/tokenizer_test_data.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <map>

using namespace hearth;
using namespace hearth::testdata;

class TestTokenizerConformance : public QObject {
    Q_OBJECT

private slots:
    void vocabVectors_data();
    void vocabVectors();
    void goldenPrompts_data();
    void goldenPrompts();
};

void TestTokenizerConformance::vocabVectors_data() {
    QTest::addColumn<QString>("gguf");
    const QStringList inputs =
        QDir(vocabDir()).entryList({QStringLiteral("*.gguf.inp")}, QDir::Files, QDir::Name);
    QVERIFY2(inputs.size() >= 12, "conformance vocab vectors are missing");
    for (const QString& inp : inputs) {
        const QString gguf = inp.chopped(4);
        QTest::newRow(qPrintable(gguf)) << vocabDir() + QLatin1Char('/') + gguf;
    }
}

void TestTokenizerConformance::vocabVectors() {
    QFETCH(QString, gguf);
    QString error;
    const auto tokenizer = loadTokenizer(gguf, &error);
    QVERIFY2(tokenizer, qPrintable(error));

    const QByteArray inp = readAll(gguf + QStringLiteral(".inp"));
    const QByteArray out = readAll(gguf + QStringLiteral(".out"));
    QVERIFY(!inp.isEmpty() && !out.isEmpty());

    // "t0 SEP t1 SEP ... tN SEP": split on the exact separator; the piece after the last one is
    // empty and not a case.
    const QByteArray sep("\n__ggml_vocab_test__\n");
    QList<QByteArray> cases;
    for (qsizetype pos = 0;;) {
        const qsizetype at = inp.indexOf(sep, pos);
        if (at < 0) break;
        cases.append(inp.mid(pos, at - pos));
        pos = at + sep.size();
    }
    QList<QByteArray> expectedLines = out.split('\n');
    QVERIFY2(expectedLines.size() >= cases.size(), "fewer expected lines than test strings");

    // Keyed by input like the reference test, so duplicate inputs count once.
    std::map<QByteArray, QByteArray> unique;
    for (qsizetype i = 0; i < cases.size(); ++i) unique.emplace(cases[i], expectedLines[i]);

    int passed = 0;
    QStringList failures;
    for (const auto& [text, expectedLine] : unique) {
        std::vector<int32_t> expected;
        for (const QByteArray& id : expectedLine.trimmed().split(' '))
            if (!id.isEmpty()) expected.push_back(id.toInt());
        const auto got = tokenizer->encode(std::string_view(text.constData(), text.size()),
                                           /*addSpecial=*/false, /*parseSpecial=*/false);
        if (got == expected) {
            ++passed;
        } else if (failures.size() < 5) {
            failures << QStringLiteral("input %1\n  expected:%2\n  got:     %3")
                            .arg(QString::fromUtf8(text.toPercentEncoding(" ")),
                                 idsToString(expected), idsToString(got));
        }
    }
    qInfo("%s: %d/%d vectors pass", qPrintable(QFileInfo(gguf).fileName()), passed,
          int(unique.size()));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
}

void TestTokenizerConformance::goldenPrompts_data() {
    QTest::addColumn<QString>("golden");
    QTest::addColumn<QString>("gguf");
    const QDir goldens(conformanceDir() + QStringLiteral("/goldens"));
    int rows = 0;
    for (const QString& model : goldens.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QDir dir(goldens.filePath(model));
        for (const QString& name : dir.entryList({QStringLiteral("p*.json")}, QDir::Files)) {
            if (name.contains(QStringLiteral(".kvf32"))) continue; // same prompt tokens
            const QString path = dir.filePath(name);
            const QJsonObject g = QJsonDocument::fromJson(readAll(path)).object();
            QString gguf;
            if (g.value(QStringLiteral("model_path")).isString()) {
                gguf = conformanceDir() + QLatin1Char('/') +
                       g.value(QStringLiteral("model_path")).toString();
            } else if (model.startsWith(QStringLiteral("cf-a-llama3bpe"))) {
                gguf = vocabDir() + QStringLiteral("/ggml-vocab-llama-bpe.rebuilt.gguf");
            } else if (model.startsWith(QStringLiteral("cf-c-qwen2"))) {
                gguf = vocabDir() + QStringLiteral("/ggml-vocab-qwen2.rebuilt.gguf");
            }
            if (gguf.isEmpty() || !QFile::exists(gguf)) continue;
            QTest::newRow(qPrintable(model + QLatin1Char('/') + name)) << path << gguf;
            ++rows;
        }
    }
    QVERIFY2(rows >= 60, "expected goldens for every shipped model and both rebuilt vocabs");
}

namespace {
QByteArray hexOf(const std::string& bytes) {
    return QByteArray(bytes.data(), qsizetype(bytes.size())).toHex();
}
} // namespace

void TestTokenizerConformance::goldenPrompts() {
    QFETCH(QString, golden);
    QFETCH(QString, gguf);
    const QJsonObject g = QJsonDocument::fromJson(readAll(golden)).object();
    QVERIFY(!g.isEmpty());
    QString error;
    const auto tokenizer = loadTokenizer(gguf, &error);
    QVERIFY2(tokenizer, qPrintable(error));
    QCOMPARE(tokenizer->nVocab(), g.value(QStringLiteral("n_vocab")).toInt());
    QCOMPARE(tokenizer->addBos(), g.value(QStringLiteral("add_bos")).toBool());
    QCOMPARE(tokenizer->addEos(), g.value(QStringLiteral("add_eos")).toBool());

    const QString label = g.value(QStringLiteral("label")).toString();
    const QString promptId = label.section(QLatin1Char('/'), 1).section(QLatin1Char('.'), 0, 0);
    const QByteArray prompt =
        readAll(conformanceDir() + QStringLiteral("/prompts/") + promptId + QStringLiteral(".txt"));
    QVERIFY(!prompt.isEmpty());

    std::vector<int32_t> expected;
    for (const QJsonValue& v : g.value(QStringLiteral("prompt_tokens")).toArray())
        expected.push_back(v.toInt());
    const auto got = tokenizer->encode(std::string_view(prompt.constData(), prompt.size()),
                                       /*addSpecial=*/true, /*parseSpecial=*/false);
    QCOMPARE(idsToString(got), idsToString(expected));

    // Pieces (specials rendered) for the prompt and the greedy continuation.
    const QJsonArray promptHex = g.value(QStringLiteral("prompt_pieces_hex")).toArray();
    QCOMPARE(promptHex.size(), qsizetype(expected.size()));
    for (qsizetype i = 0; i < promptHex.size(); ++i)
        QCOMPARE(hexOf(tokenizer->tokenToPiece(expected[i], true)),
                 promptHex[i].toString().toLatin1());

    const QJsonObject greedy = g.value(QStringLiteral("greedy")).toObject();
    const QJsonArray tokens = greedy.value(QStringLiteral("tokens")).toArray();
    const QJsonArray pieceHex = greedy.value(QStringLiteral("pieces_hex")).toArray();
    const QJsonArray isEog = greedy.value(QStringLiteral("is_eog")).toArray();
    std::vector<int32_t> generated;
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const int32_t id = tokens[i].toInt();
        generated.push_back(id);
        QCOMPARE(hexOf(tokenizer->tokenToPiece(id, true)), pieceHex[i].toString().toLatin1());
        QCOMPARE(tokenizer->isEog(id), isEog[i].toBool());
    }
    // The golden text is the detokenized continuation, invalid UTF-8 shown as U+FFFD.
    const std::string text = tokenizer->detokenize(generated, false, true);
    const QString expectedText = greedy.value(QStringLiteral("text")).toString();
    const QString gotText = QString::fromUtf8(text.data(), qsizetype(text.size()));
    if (!gotText.contains(QChar(0xFFFD))) QCOMPARE(gotText, expectedText);
}

QTEST_GUILESS_MAIN(TestTokenizerConformance)
#include "test_tokenizer_conformance.moc"

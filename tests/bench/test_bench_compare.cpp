// hearth-cli bench --compare, run as a process on a tiny model: ratios against a saved --json run
// (a run compared with a copy of itself whose figures are halved gives exactly 2x, whatever the
// speed), a skipped phase has no ratio, and a missing or malformed file fails before measuring.
// Also the decode limit measured beside generation: bytes per token from the GGUF's tensors and
// the % of it that tg reached, consistent with the figures printed; and on request the limit by
// the reference README's bandwidth method.
#include "engine/gguf/gguf_file.h"
#include "tests/cli_process.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kCli = QStringLiteral(HEARTH_BINARY_DIR "/app/hearth-cli");
const QString kModel =
    QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf");

using Run = CliRun;
Run bench(const QStringList& args) {
    return runProcess(kCli,
                      QStringList{QStringLiteral("bench"), kModel, QStringLiteral("-t"),
                                  QStringLiteral("1"), QStringLiteral("-r"), QStringLiteral("1")} +
                          args);
}

bool writeFile(const QString& path, const QByteArray& data) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

} // namespace

class TestBenchCompare : public QObject {
    Q_OBJECT
private slots:
    void ratiosAgainstSavedRun() {
        QTemporaryDir dir;
        // A saved run whose figures are set far below anything measured: ratios are then > 1.
        QJsonObject saved{{"description", "saved"},
                          {"threads", 1},
                          {"pp_tokens_per_s", 1e-3},
                          {"tg_tokens_per_s", 1e-3},
                          {"peak_rss_bytes", 1024 * 1024}};
        const QString file = dir.filePath("saved.json");
        QVERIFY(writeFile(file, QJsonDocument(saved).toJson()));
        const Run r = bench({"-p", "8", "-n", "4", "--json", "--compare", file});
        QCOMPARE(r.code, 0);
        const QJsonObject now = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject cmp = now.value("compare").toObject();
        QCOMPARE(cmp.value("file").toString(), file);
        QCOMPARE(cmp.value("pp_ratio").toDouble(), now.value("pp_tokens_per_s").toDouble() / 1e-3);
        QCOMPARE(cmp.value("tg_ratio").toDouble(), now.value("tg_tokens_per_s").toDouble() / 1e-3);
        QCOMPARE(cmp.value("peak_rss_ratio").toDouble(),
                 now.value("peak_rss_bytes").toDouble() / (1024 * 1024));
        QVERIFY(cmp.value("pp_ratio").toDouble() > 1);

        // The text form prints the same three lines; a skipped phase has no ratio.
        const Run text = bench({"-p", "0", "-n", "4", "--compare", file});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains("vs " + file + " (saved, 1 threads)"), qPrintable(text.out));
        QVERIFY2(text.out.contains("  pp: n/a"), qPrintable(text.out));
        QVERIFY2(text.out.contains(QRegularExpression("  tg: [0-9.]+x")), qPrintable(text.out));
    }

    void reportsDecodeLimit() {
        const Run r = bench({"-p", "0", "-n", "4", "-r", "2", "--ttft", "0", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        // Every tensor once; of an untied embedding table only the one row a token looks up.
        auto g = hearth::GgufFile::open(kModel.toStdString());
        QVERIFY(g);
        uint64_t all = 0;
        for (const auto& t : (*g)->tensors()) all += t.nbytes;
        const auto* embd = (*g)->tensor("token_embd.weight");
        QVERIFY(embd);
        const uint64_t expected =
            (*g)->tensor("output.weight") ? all - embd->nbytes + embd->nbytes / embd->ne[1] : all;
        QCOMPARE(static_cast<uint64_t>(o.value("decode_bytes_per_token").toInteger()), expected);
        const double read = o.value("read_gb_per_s").toDouble();
        QVERIFY2(read > 0, qPrintable(r.out));
        QCOMPARE(o.value("read_gb_per_s_samples").toArray().size(), 2);
        const double limit = o.value("decode_limit_tokens_per_s").toDouble();
        QVERIFY(qFuzzyCompare(limit, read * 1e9 / static_cast<double>(expected)));
        QVERIFY(qFuzzyCompare(o.value("tg_percent_of_limit").toDouble(),
                              100.0 * o.value("tg_tokens_per_s").toDouble() / limit));
        // Text form; nothing to set against without generation.
        const Run text = bench({"-p", "0", "-n", "4", "--ttft", "0"});
        QVERIFY2(text.out.contains(QRegularExpression(
                     "decode limit: [0-9.]+ t/s \\([0-9.]+ MB per token at [0-9.]+ GB/s read")),
                 qPrintable(text.out));
        QVERIFY(!o.contains("readme_read_gb_per_s")); // only when asked: it needs 2 GiB

        // The reference README's method on request: its own figure and limit, measured after the
        // peak RSS was taken (its 2 GiB buffer is not the model's memory).
        const Run rm = bench({"-p", "0", "-n", "4", "--ttft", "0", "--json", "--readme-bandwidth"});
        QCOMPARE(rm.code, 0);
        const QJsonObject m = QJsonDocument::fromJson(rm.out.toUtf8()).object();
        const double readmeRead = m.value("readme_read_gb_per_s").toDouble();
        QVERIFY2(readmeRead > 0, qPrintable(rm.out));
        const double readmeLimit = m.value("readme_decode_limit_tokens_per_s").toDouble();
        QVERIFY(qFuzzyCompare(readmeLimit, readmeRead * 1e9 / static_cast<double>(expected)));
        QVERIFY(qFuzzyCompare(m.value("tg_percent_of_readme_limit").toDouble(),
                              100.0 * m.value("tg_tokens_per_s").toDouble() / readmeLimit));
        QVERIFY(m.value("peak_rss_bytes").toInteger() < (qint64{1} << 30));
        const Run rmText = bench({"-p", "0", "-n", "4", "--ttft", "0", "--readme-bandwidth"});
        QVERIFY2(rmText.out.contains(QRegularExpression(
                     "decode limit by the reference README's method: [0-9.]+ t/s")),
                 qPrintable(rmText.out));

        const Run none = bench({"-p", "4", "-n", "0", "--ttft", "0", "--json"});
        QCOMPARE(none.code, 0);
        QVERIFY(!QJsonDocument::fromJson(none.out.toUtf8()).object().contains("read_gb_per_s"));
    }

    void badFilesFailClearly() {
        QTemporaryDir dir;
        const QString notJson = dir.filePath("not.json"), noFigures = dir.filePath("empty.json");
        QVERIFY(writeFile(notJson, "tokens per second: lots"));
        QVERIFY(writeFile(noFigures, R"({"model": "x"})"));
        const struct {
            QString file;
            QString message;
        } cases[] = {{dir.filePath("missing.json"), "cannot read"},
                     {notJson, "is not a bench --json result"},
                     {noFigures, "has no pp/tg figures"}};
        for (const auto& c : cases) {
            const Run r = bench({"--compare", c.file});
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(c.message), qPrintable(r.err));
            QVERIFY(r.out.isEmpty()); // failed before measuring anything
        }
    }

    void reportsOpenTimeAndTimeToFirstToken() {
        const Run r = bench({"-p", "0", "-n", "2", "-r", "1", "--ttft", "12", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY2(o.value("open_ms").toDouble(-1) >= 0, qPrintable(r.out));
        QCOMPARE(o.value("ttft_prompt_tokens").toInt(), 12);
        QVERIFY2(o.value("ttft_ms").toDouble() > 0, qPrintable(r.out));
        QCOMPARE(o.value("ttft_samples_ms").toArray().size(), 1);
        const Run text = bench({"-p", "0", "-n", "2", "-r", "1", "--ttft", "12"});
        QCOMPARE(text.code, 0);
        QVERIFY2(text.out.contains(QRegularExpression("open: [0-9.]+ ms")), qPrintable(text.out));
        QVERIFY2(text.out.contains(
                     QRegularExpression("time to first token \\(12-token prompt\\): [0-9.]+ ms")),
                 qPrintable(text.out));
        // Skipped with --ttft 0; a bad value is an error before anything is measured.
        const Run none = bench({"-p", "0", "-n", "2", "-r", "1", "--ttft", "0", "--json"});
        QVERIFY(!QJsonDocument::fromJson(none.out.toUtf8()).object().contains("ttft_ms"));
        const Run bad = bench({"--ttft", "-3"});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains("--ttft"), qPrintable(bad.err));
    }
};

QTEST_GUILESS_MAIN(TestBenchCompare)
#include "test_bench_compare.moc"

// hearth-cli fit, run as a process: the table, the --json objects (file first, the four parts
// adding up to the total), catalog ids, machine overrides that force each verdict, a local split
// model by its first part, and bad input.
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_split.h"
#include "tests/cli_process.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kCli = QStringLiteral(HEARTH_BINARY_DIR "/app/hearth-cli");
const QString kCatalog = QStringLiteral(HEARTH_SOURCE_DIR "/resources/catalog/models.json");
const QString kTiny = QStringLiteral(
    HEARTH_SHARED_DIR "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf");

using Run = CliRun;
Run runCli(const QStringList& args, const QString& command = QStringLiteral("fit")) {
    return runProcess(kCli, QStringList{command} + args, QProcessEnvironment::systemEnvironment(),
                      30000);
}

QList<QJsonObject> jsonLines(const QString& out) {
    QList<QJsonObject> objs;
    for (const QString& line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        QJsonParseError e{};
        const QJsonDocument d = QJsonDocument::fromJson(line.toUtf8(), &e);
        if (d.isObject())
            objs << d.object();
        else
            qWarning() << "not JSON:" << line << e.errorString();
    }
    return objs;
}

double num(const QJsonObject& o, const char* key) {
    return o.value(QLatin1String(key)).toDouble(-1);
}

} // namespace

class TestCmdFit : public QObject {
    Q_OBJECT
private slots:
    void localFileJsonFileFirstAndPartsAddUp() {
        const Run r =
            runCli({kTiny, "--json", "--ctx", "1024", "--ram-total", "16G", "--vram", "0"});
        QCOMPARE(r.code, 0);
        const auto objs = jsonLines(r.out);
        QCOMPARE(objs.size(), 9); // the file, then Q2_K .. F16
        QCOMPARE(objs[0].value("source").toString(), QStringLiteral("file"));
        QCOMPARE(objs[0].value("variant").toString(), QStringLiteral("Q4_K_M"));
        QCOMPARE(num(objs[0], "file_bytes"), double(QFile(kTiny).size()));
        for (const auto& o : objs) {
            for (const char* key : {"variant", "ctx", "weights_bytes", "kv_bytes", "compute_bytes",
                                    "overhead_bytes", "total_bytes", "verdict"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
            QCOMPARE(num(o, "ctx"), 1024.0);
            QCOMPARE(num(o, "total_bytes"), num(o, "weights_bytes") + num(o, "kv_bytes") +
                                                num(o, "compute_bytes") + num(o, "overhead_bytes"));
            QCOMPARE(o.value("verdict").toString(), QStringLiteral("fits_ram"));
            // 2 layers * 1024 positions * 2 KV heads * 32 * 2 bytes, K and V.
            QCOMPARE(num(o, "kv_bytes"), 2.0 * 2 * 1024 * 2 * 32 * 2);
        }
        // The re-typed Q4_K_M row equals the file itself.
        QCOMPARE(objs[4].value("variant").toString(), QStringLiteral("Q4_K_M"));
        QCOMPARE(num(objs[4], "weights_bytes"), num(objs[0], "weights_bytes"));
        QVERIFY(num(objs[1], "weights_bytes") < num(objs[8], "weights_bytes")); // Q2_K < F16
    }

    void machineOverridesDecideTheVerdict() {
        const QStringList base{"llama-3.2-3b-instruct",
                               "--catalog",
                               kCatalog,
                               "--json",
                               "--ctx",
                               "4096",
                               "--variants",
                               "Q4_K_M"};
        auto verdict = [&](const QStringList& machine) {
            const Run r = runCli(base + machine);
            const auto objs = jsonLines(r.out);
            return objs.size() == 1 ? objs[0] : QJsonObject{};
        };
        QCOMPARE(verdict({"--ram-total", "32G", "--vram", "0"}).value("verdict").toString(),
                 QStringLiteral("fits_ram"));
        const QJsonObject gpu = verdict({"--ram-total", "32G", "--vram", "12G"});
        QCOMPARE(gpu.value("verdict").toString(), QStringLiteral("fits_gpu"));
        QCOMPARE(num(gpu, "gpu_layers"), 28.0);
        const QJsonObject part = verdict({"--ram-total", "32G", "--vram", "2G"});
        QCOMPARE(part.value("verdict").toString(), QStringLiteral("partial_offload"));
        QVERIFY(num(part, "gpu_layers") > 0 && num(part, "gpu_layers") < 28);
        QCOMPARE(verdict({"--ram-total", "4G", "--ram-available", "2.8G", "--vram", "0"})
                     .value("verdict")
                     .toString(),
                 QStringLiteral("tight"));
        QCOMPARE(verdict({"--ram-total", "2G", "--vram", "0"}).value("verdict").toString(),
                 QStringLiteral("does_not_fit"));
    }

    // Every published size in the catalog is within 3% of what the estimator computes for it.
    void catalogEstimatesMatchPublishedSizes() {
        QFile f(kCatalog);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray models =
            QJsonDocument::fromJson(f.readAll()).object().value("models").toArray();
        QVERIFY(models.size() >= 9);
        int published = 0;
        for (const auto& m : models) {
            const QString id = m.toObject().value("id").toString();
            const Run r =
                runCli({id, "--catalog", kCatalog, "--json", "--ram-total", "64G", "--vram", "0"});
            QCOMPARE(r.code, 0);
            const auto objs = jsonLines(r.out);
            QCOMPARE(objs.size(), m.toObject().value("variants").toArray().size());
            for (const auto& o : objs) {
                QVERIFY2(!o.contains("error"), qPrintable(id + ": " + o.value("error").toString()));
                if (o.value("file_bytes_estimated").toBool() || num(o, "file_bytes") <= 0) continue;
                // The file also holds the header (tokenizer, < 1% here), so weights alone compare.
                const double est = num(o, "weights_bytes");
                const double pub = num(o, "file_bytes");
                QVERIFY2(std::abs(est / pub - 1) < 0.03,
                         qPrintable(QStringLiteral("%1 %2: estimated weights %3, published file %4")
                                        .arg(id, o.value("variant").toString())
                                        .arg(est)
                                        .arg(pub)));
                ++published;
            }
        }
        QVERIFY(published >= 7);
    }

    void tableNamesTheRecommendation() {
        const Run r = runCli(
            {"qwen2.5-0.5b-instruct", "--catalog", kCatalog, "--ram-total", "16G", "--vram", "0"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("Context 4096"));
        QVERIFY(r.out.contains("* recommended: F16"));
        QVERIFY(r.out.contains("fits in RAM"));
        const Run all = runCli({kTiny, "--all-ctx", "--json", "--ram-total", "16G"});
        QCOMPARE(all.code, 0);
        QCOMPARE(jsonLines(all.out).size(), 9); // max context 2048: one step
    }

    // A model in the local (Ollama-layout) store, by name: the same objects as for its file.
    void storeNameFitsLikeTheFile() {
        QTemporaryDir root;
        const Run imported = runCli({kTiny, "llama3.2:1b", "--models", root.path()}, "import");
        QVERIFY2(imported.code == 0, qPrintable(imported.err));
        const QStringList common{"--json", "--ctx", "2048", "--ram-total", "16G", "--vram", "0"};
        const Run byName = runCli(QStringList{"llama3.2:1b", "--models", root.path()} + common);
        QVERIFY2(byName.code == 0, qPrintable(byName.err));
        const Run byFile = runCli(QStringList{kTiny} + common);
        QCOMPARE(byFile.code, 0);
        QCOMPARE(byName.out, byFile.out);
        QCOMPARE(jsonLines(byName.out).first().value("source").toString(), QStringLiteral("file"));
        // Not in this store (and not a catalog id either): a clear error, not a network call.
        const Run missing = runCli({"llama3.2:7b", "--models", root.path(), "--catalog", kCatalog});
        QCOMPARE(missing.code, 1);
        QVERIFY2(missing.err.contains("model in the store"), qPrintable(missing.err));
    }

    // A local split model by its first part: every part is read from the folder, and the output
    // is the unsplit file's (the file row is the merged model the store would keep).
    void localSplitFirstPartFitsLikeTheFile() {
        QTemporaryDir dir;
        const QString spm = QStringLiteral(
            HEARTH_SHARED_DIR "/conformance/models/cf-b-llama-spm/cf-b-llama-spm-F32.gguf");
        auto whole = hearth::GgufFile::open(spm.toStdString());
        QVERIFY(whole.ok());
        auto parts = hearth::splitGguf(spm.toStdString(), ((*whole)->tensors().size() + 2) / 3,
                                       dir.filePath("spm-F32").toStdString());
        QVERIFY(parts.ok());
        QCOMPARE(parts->size(), size_t(3));
        const QString first = QString::fromStdString(parts->front());
        for (const QStringList& machine :
             {QStringList{"--ram-total", "16G", "--vram", "0"},
              QStringList{"--ram-total", "16G", "--vram", "8G"},
              QStringList{"--ram-total", "1G", "--ram-available", "150M", "--vram", "0"}}) {
            const QStringList common = QStringList{"--json", "--ctx", "2048"} + machine;
            const Run split = runCli(QStringList{first} + common);
            QVERIFY2(split.code == 0, qPrintable(split.err));
            const Run file = runCli(QStringList{spm} + common);
            QCOMPARE(file.code, 0);
            QCOMPARE(split.out, file.out);
            QCOMPARE(num(jsonLines(split.out).first(), "file_bytes"), double(QFile(spm).size()));
        }
        const Run table = runCli({first, "--ram-total", "16G", "--vram", "0"});
        QCOMPARE(table.code, 0);
        QVERIFY2(table.out.contains("Split model: 3 parts"), qPrintable(table.out));

        // A later part names the first; a missing part is an error, never part 1's estimate.
        Run r = runCli(QStringList{QString::fromStdString((*parts)[1])});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("it is part 2 of 3 of a split model: give its first part "
                                "(spm-F32-00001-of-00003.gguf)"),
                 qPrintable(r.err));
        QVERIFY(QFile::remove(QString::fromStdString((*parts)[2])));
        r = runCli({first, "--json"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("part 3 of 3 (") && r.err.contains(") is missing"),
                 qPrintable(r.err));
        QCOMPARE(r.out, QString());
        // A part renamed out of the gguf-split pattern cannot lead to its siblings.
        const QString renamed = dir.filePath("renamed.gguf");
        QVERIFY(QFile::rename(first, renamed));
        r = runCli(QStringList{renamed});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("is the first of 3 parts of a split model, but its name does not "
                                "end in -00001-of-00003.gguf"),
                 qPrintable(r.err));
    }

    void badInputFailsClearly() {
        Run r = runCli({"no-such-model", "--catalog", kCatalog});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("neither a file, a model in the store nor a catalog model"));
        QVERIFY(r.err.contains("llama-3.2-1b-instruct"));
        r = runCli({kTiny, "--ctx", "zero"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("bad context length"));
        r = runCli({kTiny, "--kv-cache", "q3"});
        QCOMPARE(r.code, 1);
        r = runCli({kTiny, "--ram-total", "lots"});
        QCOMPARE(r.code, 1);
        r = runCli({kTiny, "--variants", "Q4_K_M,Q9"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("Q9"));
        r = runCli({});
        QCOMPARE(r.code, 1);
        QTemporaryDir dir;
        const QString junk = dir.filePath("junk.gguf");
        QFile j(junk);
        QVERIFY(j.open(QIODevice::WriteOnly));
        j.write("GGUF\x03\x00\x00\x00 this is not a model");
        j.close();
        r = runCli({junk});
        QCOMPARE(r.code, 1);
        QVERIFY(!r.err.isEmpty());
        r = runCli({"x", "--catalog", dir.filePath("missing.json")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("cannot read catalog"));
        // A stories260K Q8_0 cannot be made: the row says why instead of a number.
        r = runCli(
            {QStringLiteral(HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf"),
             "--json", "--variants", "Q8_0"});
        QCOMPARE(r.code, 0);
        const auto objs = jsonLines(r.out);
        QCOMPARE(objs.size(), 2);
        QCOMPARE(objs[1].value("verdict").toString(), QStringLiteral("unavailable"));
        QVERIFY(objs[1].value("error").toString().contains("172"));
    }
};

QTEST_GUILESS_MAIN(TestCmdFit)
#include "test_cmd_fit.moc"

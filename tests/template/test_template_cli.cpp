// `hearth-cli template render` prints the rendering byte for byte and fails loudly on errors.
#include "engine/template/json.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kTemplates = QStringLiteral(HEARTH_SHARED_DIR "/conformance/templates");

struct Run {
    int exitCode;
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(HEARTH_CLI_PATH), QStringList{QStringLiteral("template")} + args);
    if (!p.waitForFinished(30000)) return {-1, {}, "timeout"};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& data) {
    const QString path = dir.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write(data);
    return path;
}

} // namespace

class TestTemplateCli : public QObject {
    Q_OBJECT

private slots:
    void rendersGoldensByteForByte_data() {
        QTest::addColumn<QString>("name");
        for (const char* n : {"Qwen-Qwen2.5-7B-Instruct", "meta-llama-Llama-3.3-70B-Instruct",
                              "google-gemma-2-2b-it", "mistralai-Mistral-Nemo-Instruct-2407",
                              "deepseek-ai-DeepSeek-V3.1"})
            QTest::newRow(n) << QString::fromLatin1(n);
    }

    void rendersGoldensByteForByte() {
        QFETCH(QString, name);
        QTemporaryDir dir;
        QFile gf(kTemplates + "/expected/" + name + ".json");
        QVERIFY(gf.open(QIODevice::ReadOnly));
        const QJsonArray cases =
            QJsonDocument::fromJson(gf.readAll()).object().value("cases").toArray();
        int checked = 0;
        for (const QJsonValue& cv : cases) {
            const QJsonObject c = cv.toObject();
            if (!c.value("ok").toBool()) continue;
            const QJsonObject in = c.value("inputs").toObject();
            const QString conv = writeFile(dir, QStringLiteral("conv.json"),
                                           QJsonDocument(in.value("messages").toArray()).toJson());
            QStringList args{QStringLiteral("render"),     kTemplates + "/" + name + ".jinja",
                             QStringLiteral("--messages"), conv,
                             QStringLiteral("--bos"),      in.value("bos_token").toString(),
                             QStringLiteral("--eos"),      in.value("eos_token").toString(),
                             QStringLiteral("--date"),     QStringLiteral("2024-07-26")};
            if (in.value("add_generation_prompt").toBool())
                args << QStringLiteral("--add-generation-prompt");
            Run r = runCli(args);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QCOMPARE(r.out, c.value("output").toString().toUtf8());
            ++checked;
        }
        QVERIFY(checked > 0);
    }

    void templateErrorExitsNonZero() {
        QTemporaryDir dir;
        const QString conv = writeFile(
            dir, "conv.json", R"([{"role":"system","content":"x"},{"role":"user","content":"y"}])");
        Run r = runCli({"render", kTemplates + "/google-gemma-2-2b-it.jinja", "--messages", conv});
        QVERIFY(r.exitCode != 0);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("TemplateError: System role not supported"), r.err.constData());

        const QString broken =
            writeFile(dir, "broken.jinja", "{% for m in messages %}\n{{ m.content }");
        r = runCli({"render", broken, "--messages", conv});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("TemplateSyntaxError") && r.err.contains("line 2"),
                 r.err.constData());
    }

    void badInputsExitNonZero() {
        QTemporaryDir dir;
        const QString bad = writeFile(dir, "bad.json", "[{\"role\": ");
        Run r = runCli({"render", kTemplates + "/google-gemma-2-2b-it.jinja", "--messages", bad});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("JSON"), r.err.constData());
        r = runCli({"render", dir.filePath("missing.jinja"), "--messages", bad});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("cannot read"), r.err.constData());
        r = runCli({"render", kTemplates + "/google-gemma-2-2b-it.jinja"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("--messages"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestTemplateCli)
#include "test_template_cli.moc"

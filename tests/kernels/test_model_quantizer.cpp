// quantizeModelFile(): quantizing the conformance F32 model reproduces llama-quantize's files
// byte for byte (tensor types of the _M mixes, metadata order, every weight byte), and bad
// requests fail with a clear error.
#include "engine/cpu/kernels/model_quantizer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using hearth::GgmlType;
using hearth::GgufFile;
using namespace hearth::kernels;

namespace {

QString modelPath(const QString& type) {
    return QStringLiteral(HEARTH_SHARED_DIR
                          "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-%1.gguf")
        .arg(type);
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestModelQuantizer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (!QFile::exists(modelPath("F32"))) QSKIP("conformance models not available");
        QVERIFY(dir_.isValid());
    }

    void targetsParse() {
        QCOMPARE(quantTargetFromName("q4_k_m")->fileType, 15u);
        QCOMPARE(quantTargetFromName("Q4_K")->name, std::string_view("Q4_K_M"));
        QCOMPARE(quantTargetFromName("Q8_0")->baseType, GgmlType::Q8_0);
        QCOMPARE(quantTargetFromName("IQ4_XS")->fileType, 30u);
        QVERIFY(!quantTargetFromName("Q4_2"));
        QVERIFY(!quantTargetFromName(""));
    }

    void matchesLlamaQuantize_data() {
        QTest::addColumn<QString>("target");
        for (const char* t : {"F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K",
                              "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "IQ4_NL", "IQ4_XS"})
            QTest::newRow(t) << QString::fromLatin1(t);
    }
    void matchesLlamaQuantize() {
        QFETCH(QString, target);
        const auto t = quantTargetFromName(target.toStdString());
        QVERIFY(t);
        // The plan's types equal the shipped file's, tensor by tensor.
        auto f32 = GgufFile::open(modelPath("F32").toStdString());
        auto ref = GgufFile::open(modelPath(target).toStdString());
        QVERIFY(f32 && ref);
        auto plan = planQuantization(**f32, *t);
        QVERIFY(plan);
        QCOMPARE(plan->size(), (*ref)->tensors().size());
        for (size_t i = 0; i < plan->size(); ++i)
            QVERIFY2((*plan)[i].to == (*ref)->tensors()[i].type, (*plan)[i].name.c_str());

        const QString out = dir_.filePath(target + ".gguf");
        size_t calls = 0;
        const auto s = quantizeModelFile(modelPath("F32").toStdString(), out.toStdString(), *t,
                                         [&](size_t i, size_t n, std::string_view) {
                                             QVERIFY(i < n);
                                             ++calls;
                                         });
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().c_str());
        QVERIFY(calls > 0);
        const QByteArray mine = readAll(out), theirs = readAll(modelPath(target));
        QCOMPARE(mine.size(), theirs.size());
        QVERIFY2(mine == theirs, "file bytes differ from llama-quantize's");
        QFile::remove(out);
    }

    void rejectsBadInput() {
        const auto q8 = *quantTargetFromName("Q8_0");
        // Already-quantized weights are not requantized.
        auto s = quantizeModelFile(modelPath("Q4_0").toStdString(),
                                   dir_.filePath("x.gguf").toStdString(), q8);
        QVERIFY(!s.ok());
        QVERIFY(s.error().find("only F32, F16 and BF16") != std::string::npos);
        s = quantizeModelFile(dir_.filePath("missing.gguf").toStdString(),
                              dir_.filePath("y.gguf").toStdString(), q8);
        QVERIFY(!s.ok());
        QFile junk(dir_.filePath("junk.gguf"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("GGUF not really");
        junk.close();
        s = quantizeModelFile(junk.fileName().toStdString(), dir_.filePath("z.gguf").toStdString(),
                              q8);
        QVERIFY(!s.ok());
        QVERIFY(!QFile::exists(dir_.filePath("z.gguf")));
    }

private:
    QTemporaryDir dir_;
};

QTEST_APPLESS_MAIN(TestModelQuantizer)
#include "test_model_quantizer.moc"

// ModelSummary against the conformance models: type names and counts from manifest.json (made by
// the reference implementation), parameter counts from the tensor shapes the README documents.
#include "engine/gguf/gguf_writer.h"
#include "engine/gguf/model_summary.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace hearth;

namespace {

const QString kConformance = QStringLiteral(HEARTH_SHARED_DIR "/conformance");

// Parameters of a synthetic model from the README's tensor list (n_embd 256, 2 layers, n_ff 768).
uint64_t syntheticParams(uint64_t vocab, uint64_t kvHeads, bool untied, bool phi3) {
    const uint64_t e = 256, ff = 768, kv = 32 * kvHeads;
    uint64_t n = e * vocab + e + (untied ? e * vocab : 0);
    const uint64_t attn = phi3 ? e * 768 : e * e + 2 * e * kv;
    const uint64_t ffn = phi3 ? e * 2 * ff + ff * e : 3 * e * ff;
    n += 2 * (e + attn + e * e + e + ffn);
    return n;
}

} // namespace

class TestModelSummary : public QObject {
    Q_OBJECT

private slots:
    void matchesManifestAndReadme() {
        QFile mf(kConformance + QStringLiteral("/models/manifest.json"));
        QVERIFY(mf.open(QIODevice::ReadOnly));
        int checked = 0;
        for (const QJsonValue& v : QJsonDocument::fromJson(mf.readAll()).array()) {
            const QJsonObject e = v.toObject();
            if (!e.value(QStringLiteral("shipped")).toBool()) continue;
            const QString path =
                kConformance + QLatin1Char('/') + e.value(QStringLiteral("path")).toString();
            auto f = GgufFile::open(path.toStdString());
            QVERIFY(f.ok());
            const ModelSummary s = summarizeModel(**f);
            const QString stem = QFileInfo(path).completeBaseName();
            const QString model = e.value(QStringLiteral("model")).toString();

            // Type name: the quantization the file was made with (its name suffix).
            const QString expectedType = stem == QLatin1String("stories260K")
                                             ? QStringLiteral("F32")
                                             : stem.mid(model.size() + 1);
            QCOMPARE(QString::fromStdString(s.fileTypeName), expectedType);
            const QJsonObject counts = e.value(QStringLiteral("tensor_type_counts")).toObject();
            QCOMPARE(int(s.tensorTypes.size()), counts.size());
            int total = 0;
            for (const auto& [type, n] : s.tensorTypes) {
                QCOMPARE(
                    n,
                    counts.value(QString::fromLatin1(ggmlTypeName(type).data()).toUpper()).toInt());
                total += n;
            }
            QCOMPARE(total, e.value(QStringLiteral("n_tensors")).toInt());
            QVERIFY(
                QString::fromStdString(s.typeMix).startsWith(expectedType + QStringLiteral(": ")));

            QCOMPARE(s.architecture,
                     e.value(QStringLiteral("architecture")).toString().toStdString());
            QCOMPARE(*s.vocabSize, int64_t(e.value(QStringLiteral("n_vocab")).toInt()));
            QCOMPARE(s.tokenizerModel,
                     e.value(QStringLiteral("tokenizer_model")).toString().toStdString());
            QCOMPARE(s.fileSize, uint64_t(e.value(QStringLiteral("size_bytes")).toInteger()));
            QVERIFY(s.tensorBytes <= s.fileSize);
            QCOMPARE(s.bitsPerWeight, double(s.tensorBytes) * 8 / double(s.parameterCount));
            QCOMPARE(*s.contextLength, int64_t(2048));
            QVERIFY(s.license.empty());
            QCOMPARE(s.hasChatTemplate, model == QLatin1String("cf-d-phi3"));

            if (model == QLatin1String("stories260K")) {
                QCOMPARE(*s.embeddingLength, int64_t(64));
                QCOMPARE(*s.blockCount, int64_t(5));
                QCOMPARE(*s.headCount, int64_t(8));
                QCOMPARE(*s.headCountKv, int64_t(4));
                QVERIFY(!s.fileType.has_value());
                QCOMPARE(s.bitsPerWeight, 32.0);
                QCOMPARE(s.name, std::string("llama"));
            } else {
                const bool tiny = model == QLatin1String("cf-q-llama-tinyvocab");
                const bool phi3 = model == QLatin1String("cf-d-phi3");
                const uint64_t kvHeads = tiny ? 2 : 8;
                QCOMPARE(s.parameterCount,
                         syntheticParams(uint64_t(*s.vocabSize), kvHeads, tiny, phi3));
                QCOMPARE(*s.embeddingLength, int64_t(256));
                QCOMPARE(*s.blockCount, int64_t(2));
                QCOMPARE(*s.headCount, int64_t(8));
                QCOMPARE(*s.headCountKv, int64_t(kvHeads));
                QCOMPARE(s.name, model.toStdString());
                QCOMPARE(*s.fileType, int64_t(e.value(QStringLiteral("file_type")).toInt()));
            }
            ++checked;
        }
        QCOMPARE(checked, 18);
    }

    void typeMixWording() {
        auto f = GgufFile::open(
            (kConformance +
             QStringLiteral("/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf"))
                .toStdString());
        QVERIFY(f.ok());
        const ModelSummary s = summarizeModel(**f);
        QCOMPARE(s.typeMix, std::string("Q4_K_M: 13 tensors Q4_K, 3 Q6_K, 5 F32"));
        QVERIFY(s.bitsPerWeight > 4.5 && s.bitsPerWeight < 6.0);
        const std::string text = describeSummary(s);
        QVERIFY(text.find("Q4_K_M: 13 tensors Q4_K") != std::string::npos);
        QVERIFY(text.find("layers          2") != std::string::npos);
    }

    void fileTypeNames() {
        QCOMPARE(*llamaFileTypeName(15), std::string("Q4_K_M"));
        QCOMPARE(*llamaFileTypeName(7), std::string("Q8_0"));
        QCOMPARE(*llamaFileTypeName(32), std::string("BF16"));
        QCOMPARE(*llamaFileTypeName(38), std::string("MXFP4_MOE"));
        QVERIFY(!llamaFileTypeName(5).has_value());  // removed Q4_2
        QVERIFY(!llamaFileTypeName(34).has_value()); // removed Q4_0_4_8
        QVERIFY(!llamaFileTypeName(-1).has_value());
        QVERIFY(!llamaFileTypeName(1024).has_value());
    }

    void parameterCountFormatting() { // Ollama's HumanNumber
        QCOMPARE(formatParameterCount(8000000000ull), std::string("8B"));
        QCOMPARE(formatParameterCount(7615616512ull), std::string("7.6B"));
        QCOMPARE(formatParameterCount(135000000ull), std::string("135M"));
        QCOMPARE(formatParameterCount(494032768ull), std::string("494.03M"));
        QCOMPARE(formatParameterCount(292352ull), std::string("292K"));
        QCOMPARE(formatParameterCount(999ull), std::string("999"));
    }

    void perLayerHeadsLicenseAndDefaults() {
        GgufWriter w;
        w.setString("general.architecture", "gemma3");
        w.setString("general.license", "apache-2.0\nsecond line");
        w.setArray("gemma3.attention.head_count", GgufArray::of(std::vector<int32_t>{4, 8, 4}));
        w.setU32("gemma3.block_count", 3);
        w.setString("tokenizer.chat_template", "{{ messages }}");
        w.setArray("tokenizer.ggml.tokens", GgufArray::strings(std::vector<std::string>{"a", "b"}));
        w.setU32("general.file_type", 999); // unknown: fall back to the dominant tensor type
        std::vector<uint8_t> q(34 * 4), f32(4 * 64); // 4 Q8_0 blocks, 64 floats
        const int64_t big[2] = {64, 2}, small[1] = {64};
        QVERIFY(w.addTensor("w", GgmlType::Q8_0, big, q.data()).ok());
        QVERIFY(w.addTensor("n", GgmlType::F32, small, f32.data()).ok());
        auto bytes = w.writeToMemory();
        QVERIFY(bytes.ok());
        auto f = GgufFile::parse(bytes->data(), bytes->size());
        QVERIFY(f.ok());
        const ModelSummary s = summarizeModel(**f);
        QCOMPARE(*s.headCount, int64_t(8));
        QCOMPARE(*s.headCountKv, int64_t(8));
        QCOMPARE(*s.vocabSize, int64_t(2));
        QVERIFY(s.hasChatTemplate);
        QCOMPARE(s.license, std::string("apache-2.0\nsecond line"));
        QCOMPARE(s.fileTypeName, std::string("Q8_0"));
        QCOMPARE(s.typeMix, std::string("Q8_0: 1 tensor Q8_0, 1 F32"));
        QCOMPARE(s.parameterCount, uint64_t(192));
        QVERIFY(!s.contextLength.has_value());
        QVERIFY(describeSummary(s).find("license         apache-2.0\n") != std::string::npos);

        // A file with nothing in it still summarises.
        GgufWriter empty;
        auto eb = empty.writeToMemory();
        auto ef = GgufFile::parse(eb->data(), eb->size());
        QVERIFY(ef.ok());
        const ModelSummary es = summarizeModel(**ef);
        QCOMPARE(es.parameterCount, uint64_t(0));
        QCOMPARE(es.bitsPerWeight, 0.0);
        QVERIFY(es.typeMix.empty());
    }
};

QTEST_GUILESS_MAIN(TestModelSummary)
#include "test_model_summary.moc"

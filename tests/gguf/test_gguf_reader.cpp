// The GGUF reader against every GGUF in the conformance set (checked against models/manifest.json,
// which the reference implementation produced), and against corrupted variants of them: every
// corruption must give an error that names the problem and a byte offset, never a crash.
#include "engine/gguf/gguf_file.h"
#include "tests/gguf/gguf_bytes.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <random>

using namespace hearth;
using hearth::test::GgufBytes;

namespace {

const QString kConformance = QStringLiteral(HEARTH_SHARED_DIR "/conformance");

std::vector<uint8_t> readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QByteArray b = f.readAll();
    return std::vector<uint8_t>(b.begin(), b.end());
}

QString upper(std::string_view s) {
    return QString::fromLatin1(s.data(), int(s.size())).toUpper();
}

// Parse and expect failure whose message contains every fragment (the offset included).
void expectError(const std::vector<uint8_t>& bytes, std::initializer_list<const char*> fragments) {
    auto r = GgufFile::parse(bytes.data(), bytes.size());
    QVERIFY2(!r.ok(), "corrupted file was accepted");
    for (const char* f : fragments)
        QVERIFY2(r.error().find(f) != std::string::npos,
                 qPrintable(QStringLiteral("error '%1' lacks '%2'")
                                .arg(QString::fromStdString(r.error()), QLatin1String(f))));
}

// A small valid file: two KVs, two F32 tensors of 8 elements, alignment 32.
struct Small {
    GgufBytes b;
    size_t kv2At = 0, t0At = 0, t1At = 0;
    Small() {
        b.header(2, 2);
        b.kvString("general.architecture", "llama");
        kv2At = b.kvU32("general.alignment", 32);
        t0At = b.tensorInfo("a", {8}, 0, 0);
        t1At = b.tensorInfo("b", {4, 2}, 0, 32);
        b.padTo(32);
        b.zeros(64);
    }
};

} // namespace

class TestGgufReader : public QObject {
    Q_OBJECT
    QJsonArray manifest_;

private slots:
    void initTestCase() {
        QFile f(kConformance + QStringLiteral("/models/manifest.json"));
        QVERIFY2(f.open(QIODevice::ReadOnly), "conformance manifest missing");
        manifest_ = QJsonDocument::fromJson(f.readAll()).array();
        QVERIFY(manifest_.size() > 0);
    }

    void typeTableMatchesGgml() {
        // Block geometry from ggml-common.h's block structs (sizes checked there by static_assert).
        struct Row {
            GgmlType t;
            const char* name;
            uint32_t bs, bytes;
        };
        const Row rows[] = {
            {GgmlType::F32, "f32", 1, 4},
            {GgmlType::F16, "f16", 1, 2},
            {GgmlType::Q4_0, "q4_0", 32, 18},
            {GgmlType::Q4_1, "q4_1", 32, 20},
            {GgmlType::Q5_0, "q5_0", 32, 22},
            {GgmlType::Q5_1, "q5_1", 32, 24},
            {GgmlType::Q8_0, "q8_0", 32, 34},
            {GgmlType::Q8_1, "q8_1", 32, 36},
            {GgmlType::Q2_K, "q2_K", 256, 84},
            {GgmlType::Q3_K, "q3_K", 256, 110},
            {GgmlType::Q4_K, "q4_K", 256, 144},
            {GgmlType::Q5_K, "q5_K", 256, 176},
            {GgmlType::Q6_K, "q6_K", 256, 210},
            {GgmlType::Q8_K, "q8_K", 256, 292},
            {GgmlType::IQ2_XXS, "iq2_xxs", 256, 66},
            {GgmlType::IQ2_XS, "iq2_xs", 256, 74},
            {GgmlType::IQ3_XXS, "iq3_xxs", 256, 98},
            {GgmlType::IQ1_S, "iq1_s", 256, 50},
            {GgmlType::IQ4_NL, "iq4_nl", 32, 18},
            {GgmlType::IQ3_S, "iq3_s", 256, 110},
            {GgmlType::IQ2_S, "iq2_s", 256, 82},
            {GgmlType::IQ4_XS, "iq4_xs", 256, 136},
            {GgmlType::I8, "i8", 1, 1},
            {GgmlType::I16, "i16", 1, 2},
            {GgmlType::I32, "i32", 1, 4},
            {GgmlType::I64, "i64", 1, 8},
            {GgmlType::F64, "f64", 1, 8},
            {GgmlType::IQ1_M, "iq1_m", 256, 56},
            {GgmlType::BF16, "bf16", 1, 2},
            {GgmlType::TQ1_0, "tq1_0", 256, 54},
            {GgmlType::TQ2_0, "tq2_0", 256, 66},
            {GgmlType::MXFP4, "mxfp4", 32, 17},
            {GgmlType::NVFP4, "nvfp4", 64, 36},
            {GgmlType::Q1_0, "q1_0", 128, 18},
        };
        for (const Row& r : rows) {
            auto info = ggmlTypeInfo(static_cast<uint32_t>(r.t));
            QVERIFY2(info.has_value(), r.name);
            QVERIFY(info->name == std::string_view(r.name));
            QCOMPARE(info->blockSize, r.bs);
            QCOMPARE(info->bytesPerBlock, r.bytes);
            QVERIFY(ggmlTypeFromName(upper(r.name).toStdString()) == std::optional<GgmlType>(r.t));
        }
        for (uint32_t removed : {4u, 5u, 31u, 32u, 33u, 36u, 37u, 38u, kGgmlTypeCount, 1000u})
            QVERIFY(!ggmlTypeInfo(removed).has_value());
        QVERIFY(ggmlRowBytes(GgmlType::Q4_K, 512) == std::optional<uint64_t>(288));
        QVERIFY(!ggmlRowBytes(GgmlType::Q4_K, 100).has_value());
    }

    void conformanceModelsMatchManifest() {
        int opened = 0;
        for (const QJsonValue& v : manifest_) {
            const QJsonObject e = v.toObject();
            if (!e.value(QStringLiteral("shipped")).toBool()) continue;
            const QString path =
                kConformance + QLatin1Char('/') + e.value(QStringLiteral("path")).toString();
            auto f = GgufFile::open(path.toStdString());
            QVERIFY2(f.ok(), f.ok() ? "" : f.error().c_str());
            const GgufFile& g = **f;
            QCOMPARE(qint64(g.fileSize()), e.value(QStringLiteral("size_bytes")).toInteger());
            QCOMPARE(int(g.tensors().size()), e.value(QStringLiteral("n_tensors")).toInt());
            QCOMPARE(upper(*g.getString("general.architecture")),
                     e.value(QStringLiteral("architecture")).toString().toUpper());
            const QJsonValue ftype = e.value(QStringLiteral("file_type"));
            QCOMPARE(qint64(g.getInt("general.file_type").value_or(-1)),
                     ftype.isNull() ? qint64(-1) : ftype.toInteger());
            QCOMPARE(int(g.getStringArray("tokenizer.ggml.tokens")->size()),
                     e.value(QStringLiteral("n_vocab")).toInt());
            QCOMPARE(upper(*g.getString("tokenizer.ggml.model")),
                     e.value(QStringLiteral("tokenizer_model")).toString().toUpper());
            const QJsonObject types = e.value(QStringLiteral("tensor_types")).toObject();
            QCOMPARE(types.size(), int(g.tensors().size()));
            for (const GgufTensor& t : g.tensors()) {
                const QString name = QString::fromUtf8(t.name.data(), int(t.name.size()));
                QCOMPARE(upper(ggmlTypeName(t.type)), types.value(name).toString());
                // The view lies inside the mapping and its size follows from the shape.
                QVERIFY(t.data >= g.mapping()->data() + g.dataOffset());
                QVERIFY(t.data + t.nbytes <= g.mapping()->data() + g.fileSize());
                QCOMPARE(t.nbytes, uint64_t(t.rows()) * *ggmlRowBytes(t.type, t.ne[0]));
                QVERIFY((t.data - g.mapping()->data()) % g.alignment() == 0);
            }
            ++opened;
        }
        QCOMPARE(opened, 18); // every shipped model file
    }

    void syntheticModelMetadata() {
        // The README's table of the synthetic models' hyper-parameters.
        auto f = GgufFile::open(
            (kConformance +
             QStringLiteral("/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf"))
                .toStdString());
        QVERIFY(f.ok());
        QVERIFY(*(*f)->getString("general.name") == "cf-q-llama-tinyvocab");
        QCOMPARE(*(*f)->getInt("llama.context_length"), int64_t(2048));
        QCOMPARE(*(*f)->getInt("llama.embedding_length"), int64_t(256));
        QCOMPARE(*(*f)->getInt("llama.block_count"), int64_t(2));
        QCOMPARE(*(*f)->getInt("llama.attention.head_count"), int64_t(8));
        QCOMPARE(*(*f)->getInt("llama.attention.head_count_kv"), int64_t(2));
        QCOMPARE(*(*f)->getFloat("llama.rope.freq_base"), 500000.0);
        const GgufTensor* emb = (*f)->tensor("token_embd.weight");
        QVERIFY(emb);
        QCOMPARE(emb->ne[0], int64_t(256));
        QCOMPARE(emb->ne[1], int64_t(512));
        const GgufValue* scores = (*f)->getArray("tokenizer.ggml.scores");
        QVERIFY(scores && scores->elemType == GgufValueType::Float32 && scores->count == 512);
    }

    void vocabFilesOpen() {
        const QDir dir(kConformance + QStringLiteral("/vocab"));
        const QStringList files = dir.entryList({QStringLiteral("*.gguf")}, QDir::Files);
        QVERIFY(files.size() >= 14);
        for (const QString& name : files) {
            auto f = GgufFile::open(dir.filePath(name).toStdString());
            QVERIFY2(f.ok(), f.ok() ? "" : f.error().c_str());
            const auto* tokens = (*f)->getStringArray("tokenizer.ggml.tokens");
            QVERIFY2(tokens && !tokens->empty(), qPrintable(name));
            QVERIFY((*f)->getString("tokenizer.ggml.model").has_value());
            if (const GgufValue* types = (*f)->getArray("tokenizer.ggml.token_type"))
                QCOMPARE(types->count, uint64_t(tokens->size()));
            if (const auto* merges = (*f)->getStringArray("tokenizer.ggml.merges"))
                QVERIFY(!merges->empty());
        }
    }

    void truncatedAnywhere() {
        // Every prefix of the header (and a sample inside the data) must fail cleanly.
        for (const char* rel : {"/models/stories260K/stories260K.gguf",
                                "/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf"}) {
            const std::vector<uint8_t> full = readAll(kConformance + QLatin1String(rel));
            QVERIFY(!full.empty());
            auto whole = GgufFile::parse(full.data(), full.size());
            QVERIFY(whole.ok());
            const size_t header = (*whole)->dataOffset();
            for (size_t n = 0; n < full.size(); n += (n < header ? 1 : 4093)) {
                std::vector<uint8_t> cut(full.begin(), full.begin() + n);
                auto r = GgufFile::parse(cut.data(), cut.size());
                QVERIFY2(!r.ok(), qPrintable(QStringLiteral("truncated at %1 accepted").arg(n)));
                QVERIFY2(r.error().find("at byte ") != std::string::npos, r.error().c_str());
                // Header-only reads accept a missing data section but not a cut header.
                auto h = GgufFile::parse(cut.data(), cut.size(), true);
                if (n + 32 <= header) QVERIFY(!h.ok());
                if (n >= header) {
                    QVERIFY(h.ok());
                    for (const GgufTensor& t : (*h)->tensors())
                        QVERIFY(t.data == nullptr || t.data + t.nbytes <= cut.data() + n);
                }
            }
        }
    }

    void headerFieldsFlipped() {
        const std::vector<uint8_t> full =
            readAll(kConformance + QStringLiteral("/models/stories260K/stories260K.gguf"));
        auto mutate = [&](size_t at, auto value) {
            std::vector<uint8_t> b = full;
            std::memcpy(b.data() + at, &value, sizeof value);
            return b;
        };
        expectError(mutate(0, uint32_t(0x46554746)), {"at byte 0", "bad magic"});
        expectError(mutate(4, uint32_t(1)), {"at byte 4", "unsupported GGUF version 1"});
        expectError(mutate(4, uint32_t(4)), {"at byte 4", "unsupported GGUF version 4"});
        expectError(mutate(4, uint32_t(0x03000000)), {"at byte 4", "big-endian"});
        expectError(mutate(8, uint64_t(1) << 60), {"at byte 8", "tensor count"});
        expectError(mutate(16, uint64_t(~0ull)), {"at byte 16", "metadata count"});
        // One tensor/KV too many: the parser reads into the wrong section and must still fail.
        auto ok = GgufFile::parse(full.data(), full.size());
        QVERIFY(ok.ok());
        const uint64_t nT = (*ok)->tensors().size(), nKV = (*ok)->metadata().size();
        for (uint64_t d : {1ull, 2ull, 100ull}) {
            auto r1 = GgufFile::parse(mutate(16, nKV + d).data(), full.size());
            QVERIFY(!r1.ok() && r1.error().find("at byte ") != std::string::npos);
            auto r2 = GgufFile::parse(mutate(8, nT + d).data(), full.size());
            QVERIFY(!r2.ok() && r2.error().find("at byte ") != std::string::npos);
        }
    }

    void randomByteFlipsNeverCrash() {
        const std::vector<uint8_t> full =
            readAll(kConformance + QStringLiteral("/models/stories260K/stories260K.gguf"));
        auto ok = GgufFile::parse(full.data(), full.size());
        QVERIFY(ok.ok());
        const size_t header = (*ok)->dataOffset();
        std::mt19937_64 rng(42);
        std::vector<uint8_t> b = full;
        int rejected = 0;
        for (int i = 0; i < 3000; ++i) {
            const size_t at = rng() % header;
            const uint8_t old = b[at];
            b[at] = static_cast<uint8_t>(rng());
            auto r = GgufFile::parse(b.data(), b.size());
            if (!r.ok()) {
                ++rejected;
                QVERIFY2(r.error().find("at byte ") != std::string::npos, r.error().c_str());
            } else {
                for (const GgufTensor& t : (*r)->tensors())
                    QVERIFY(t.data >= b.data() && t.data + t.nbytes <= b.data() + b.size());
            }
            b[at] = old;
        }
        QVERIFY(rejected > 0);
    }

    void smallFileValid() {
        Small s;
        auto r = GgufFile::parse(s.b.bytes.data(), s.b.size());
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
        QCOMPARE((*r)->tensors().size(), size_t(2));
        QCOMPARE((*r)->tensor("b")->nbytes, uint64_t(32));
        QCOMPARE((*r)->dataOffset() % 32, uint64_t(0));
    }

    void badValues() {
        { // invalid value type for a key
            Small s;
            s.b.patch(s.kv2At + 8 + 17, uint32_t(13));
            expectError(s.b.bytes, {"at byte", "invalid value type 13", "general.alignment"});
        }
        { // string length beyond the file
            Small s;
            s.b.patch(24 + 8 + 20 + 4, uint64_t(1) << 40);
            expectError(s.b.bytes, {"at byte 56", "runs past the end"});
        }
        { // absurd array length and invalid element types, nested too deep
            GgufBytes b;
            b.header(0, 1);
            b.str("a");
            b.u32(9);
            b.u32(4);
            b.u64(uint64_t(1) << 61);
            expectError(b.bytes, {"at byte 37", "runs past the end"});
            b.patch(37, uint32_t(77));
            expectError(b.bytes, {"at byte 37", "invalid array element type 77"});
            GgufBytes deep;
            deep.header(0, 1);
            deep.str("deep");
            deep.u32(9);
            for (int i = 0; i < 20; ++i) {
                deep.u32(9);
                deep.u64(1);
            }
            expectError(deep.bytes, {"at byte", "nested deeper"});
        }
        for (uint32_t bad : {0u, 3u, 48u}) {
            Small s;
            s.b.patch(s.kv2At + 8 + 17 + 4, bad);
            expectError(s.b.bytes, {"at byte 98", "general.alignment"});
        }
        { // alignment with the wrong type
            Small s;
            s.b.patch(s.kv2At + 8 + 17, uint32_t(5)); // i32 instead of u32
            expectError(s.b.bytes, {"at byte 98", "general.alignment"});
        }
    }

    void duplicates() {
        {
            GgufBytes b;
            b.header(0, 2);
            b.kvU32("x", 1);
            size_t second = b.kvU32("x", 2);
            expectError(b.bytes, {("at byte " + std::to_string(second)).c_str(),
                                  "duplicate metadata key 'x'"});
        }
        {
            GgufBytes b;
            b.header(2, 0);
            b.tensorInfo("w", {32}, 0, 0);
            size_t second = b.tensorInfo("w", {32}, 0, 128);
            b.padTo(32);
            b.zeros(256);
            expectError(b.bytes, {("at byte " + std::to_string(second)).c_str(),
                                  "duplicate tensor name 'w'"});
        }
    }

    void badTensors() {
        auto one = [](std::vector<uint64_t> ne, uint32_t type, uint64_t offset, size_t dataBytes) {
            GgufBytes b;
            b.header(1, 0);
            b.tensorInfo("t", std::move(ne), type, offset);
            b.padTo(32);
            b.zeros(dataBytes);
            return b.bytes;
        };
        expectError(one({}, 0, 0, 32), {"at byte 33", "0 dimensions"});
        expectError(one({1, 1, 1, 1, 1}, 0, 0, 32), {"at byte 33", "5 dimensions"});
        expectError(one({8, 0}, 0, 0, 32), {"at byte 45", "dimension 1 is 0"});
        expectError(one({uint64_t(1) << 63}, 0, 0, 32), {"at byte 37", "negative or too large"});
        expectError(one({uint64_t(1) << 62, uint64_t(1) << 62}, 0, 0, 32),
                    {"at byte 24", "element count overflows"});
        expectError(one({uint64_t(1) << 62}, 0, 0, 32), {"at byte 24", "byte size overflows"});
        expectError(one({uint64_t(1) << 61, 1, 1, 1}, 15, 0, 32), {"at byte 24", "outside"});
        expectError(one({100}, 12, 0, 4096), {"at byte 24", "not a multiple", "block size 256"});
        for (uint32_t t : {4u, 31u, 36u, 99u, 0xffffffffu})
            expectError(one({32}, t, 0, 256), {"at byte 45", "unknown ggml type"});
        expectError(one({8}, 0, 7, 64), {"at byte 49", "not a multiple of the alignment"});
        expectError(one({8}, 0, 64, 64), {"at byte 24", "outside"});
        expectError(one({8}, 0, uint64_t(~0ull) - 31, 64), {"at byte 24", "outside"});
        expectError(one({64}, 0, 0, 100), {"at byte 24", "outside"});
        { // two tensors sharing bytes
            GgufBytes b;
            b.header(2, 0);
            b.tensorInfo("a", {16}, 0, 0);
            size_t second = b.tensorInfo("b", {16}, 0, 32);
            b.padTo(32);
            b.zeros(128);
            expectError(b.bytes, {("at byte " + std::to_string(second)).c_str(), "overlaps"});
        }
        expectError({}, {"at byte 0", "not a GGUF"});
        expectError({'G', 'G'}, {"at byte 0", "not a GGUF"});
    }

    void openErrors() {
        auto missing = GgufFile::open("/nonexistent/model.gguf");
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().find("/nonexistent/model.gguf") != std::string::npos);
        auto dir = GgufFile::open(HEARTH_SHARED_DIR);
        QVERIFY(!dir.ok());
        QTemporaryDir tmp;
        const QString empty = tmp.filePath(QStringLiteral("empty.gguf"));
        QFile f(empty);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        auto e = GgufFile::open(empty.toStdString());
        QVERIFY(!e.ok());
        QVERIFY(e.error().find("not a GGUF") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestGgufReader)
#include "test_gguf_reader.moc"

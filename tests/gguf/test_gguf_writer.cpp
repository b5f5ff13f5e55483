// GgufWriter: every conformance GGUF read and written back is byte-identical (same KV order, same
// tensor order, same alignment padding as the reference writer), every metadata type and every
// ggml tensor type round-trips, and bad input is refused with a clear error.
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace hearth;

namespace {

const QString kConformance = QStringLiteral(HEARTH_SHARED_DIR "/conformance");

std::vector<uint8_t> readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QByteArray b = f.readAll();
    return std::vector<uint8_t>(b.begin(), b.end());
}

QStringList conformanceGgufs() {
    QStringList out;
    for (const char* sub : {"/models", "/vocab"}) {
        QDirIterator it(kConformance + QLatin1String(sub), {QStringLiteral("*.gguf")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) out << it.next();
    }
    out.sort();
    return out;
}

std::unique_ptr<GgufFile> parseOrFail(const std::vector<uint8_t>& bytes) {
    auto r = GgufFile::parse(bytes.data(), bytes.size());
    if (!r.ok()) qWarning("%s", r.error().c_str());
    return r.ok() ? std::move(r).value() : nullptr;
}

} // namespace

class TestGgufWriter : public QObject {
    Q_OBJECT

private slots:
    void conformanceFilesRoundTripByteForByte() {
        const QStringList files = conformanceGgufs();
        QVERIFY(files.size() >= 30);
        for (const QString& path : files) {
            auto f = GgufFile::open(path.toStdString());
            QVERIFY2(f.ok(), qPrintable(path));
            GgufWriter w;
            w.copyMetadata(**f);
            QVERIFY(w.copyTensors(**f).ok());
            QCOMPARE(*w.headerBytes(), (*f)->dataOffset());
            QCOMPARE(*w.fileBytes(), (*f)->fileSize());
            auto out = w.writeToMemory();
            QVERIFY(out.ok());
            const std::vector<uint8_t> original = readAll(path);
            QCOMPARE(out->size(), original.size());
            QVERIFY2(*out == original, qPrintable(path + QStringLiteral(" differs")));
        }
    }

    void everyMetadataTypeRoundTrips() {
        GgufWriter w;
        w.setU8("u8", 250);
        w.setI8("i8", -100);
        w.setU16("u16", 65000);
        w.setI16("i16", -32000);
        w.setU32("u32", 4000000000u);
        w.setI32("i32", -2000000000);
        w.setU64("u64", 18000000000000000000ull);
        w.setI64("i64", -9000000000000000000ll);
        w.setF32("f32", 1.5e-5f);
        w.setF64("f64", -2.718281828459045);
        w.setBool("bool", true);
        w.setString("str", "héllo\nworld");
        w.setString("empty", "");
        w.setArray("a.u8", GgufArray::of(std::vector<uint8_t>{1, 2, 255}));
        w.setArray("a.i8", GgufArray::of(std::vector<int8_t>{-1, 0, 127}));
        w.setArray("a.u16", GgufArray::of(std::vector<uint16_t>{1, 65535}));
        w.setArray("a.i16", GgufArray::of(std::vector<int16_t>{-32768, 7}));
        w.setArray("a.u32", GgufArray::of(std::vector<uint32_t>{7, 4294967295u}));
        w.setArray("a.i32", GgufArray::of(std::vector<int32_t>{-5, 5}));
        w.setArray("a.f32", GgufArray::of(std::vector<float>{0.25f, -1e30f, NAN}));
        w.setArray("a.u64", GgufArray::of(std::vector<uint64_t>{1ull << 63}));
        w.setArray("a.i64", GgufArray::of(std::vector<int64_t>{-(1ll << 62)}));
        w.setArray("a.f64", GgufArray::of(std::vector<double>{1e300, -0.0}));
        w.setArray("a.bool", GgufArray::bools({true, false, true}));
        w.setArray("a.str", GgufArray::strings(std::vector<std::string>{"a", "", "ccc"}));
        w.setArray("a.empty", GgufArray::of(std::vector<float>{}));
        w.setArray("a.nested",
                   GgufArray::arrays({GgufArray::strings(std::vector<std::string>{"x", "y"}),
                                      GgufArray::of(std::vector<int32_t>{1, 2, 3}),
                                      GgufArray::arrays({GgufArray::bools({false})}),
                                      GgufArray::arrays({})}));
        auto bytes = w.writeToMemory();
        QVERIFY(bytes.ok());
        auto f = parseOrFail(*bytes);
        QVERIFY(f);
        QCOMPARE(f->metadata().size(), size_t(27));
        QCOMPARE(f->version(), 3u);
        QCOMPARE(f->find("u8")->u, uint64_t(250));
        QCOMPARE(f->find("i8")->i, int64_t(-100));
        QCOMPARE(f->find("u16")->u, uint64_t(65000));
        QCOMPARE(f->find("i16")->i, int64_t(-32000));
        QCOMPARE(f->find("u32")->u, uint64_t(4000000000u));
        QCOMPARE(f->find("i32")->i, int64_t(-2000000000));
        QCOMPARE(f->find("u64")->u, uint64_t(18000000000000000000ull));
        QCOMPARE(f->find("i64")->i, int64_t(-9000000000000000000ll));
        QCOMPARE(float(f->find("f32")->f), 1.5e-5f);
        QCOMPARE(f->find("f64")->f, -2.718281828459045);
        QCOMPARE(f->find("f64")->type, GgufValueType::Float64);
        QCOMPARE(*f->getBool("bool"), true);
        QVERIFY(*f->getString("str") == "héllo\nworld");
        QVERIFY(f->getString("empty")->empty());
        QCOMPARE(f->find("a.u8")->intAt(2), int64_t(255));
        QCOMPARE(f->find("a.i8")->intAt(0), int64_t(-1));
        QCOMPARE(f->find("a.u16")->intAt(1), int64_t(65535));
        QCOMPARE(f->find("a.i16")->intAt(0), int64_t(-32768));
        QCOMPARE(f->find("a.u32")->intAt(1), int64_t(4294967295u));
        QCOMPARE(f->find("a.i32")->intAt(0), int64_t(-5));
        QCOMPARE(f->find("a.f32")->floatAt(1), double(-1e30f));
        QVERIFY(std::isnan(f->find("a.f32")->floatAt(2)));
        QCOMPARE(f->find("a.i64")->intAt(0), -(int64_t(1) << 62));
        QCOMPARE(f->find("a.f64")->floatAt(0), 1e300);
        QCOMPARE(f->find("a.bool")->count, uint64_t(3));
        QCOMPARE(f->find("a.bool")->intAt(2), int64_t(1));
        QCOMPARE(f->getStringArray("a.str")->size(), size_t(3));
        QVERIFY((*f->getStringArray("a.str"))[2] == "ccc");
        QCOMPARE(f->find("a.empty")->count, uint64_t(0));
        const GgufValue* nested = f->find("a.nested");
        QCOMPARE(nested->elemType, GgufValueType::Array);
        QCOMPARE(nested->arrays.size(), size_t(4));
        QVERIFY(nested->arrays[0].strings[1] == "y");
        QCOMPARE(nested->arrays[1].intAt(2), int64_t(3));
        QCOMPARE(nested->arrays[2].arrays[0].elemType, GgufValueType::Bool);
        QCOMPARE(nested->arrays[3].count, uint64_t(0));

        // Re-encoding what was read gives the same bytes (setValue covers every type).
        GgufWriter again;
        again.copyMetadata(*f);
        QVERIFY(*again.writeToMemory() == *bytes);
    }

    void everyTensorTypeRoundTrips() {
        std::mt19937 rng(7);
        for (uint32_t alignment : {32u, 64u, 1u}) {
            GgufWriter w;
            QVERIFY(w.setAlignment(alignment).ok());
            w.setString("general.architecture", "test");
            std::vector<std::vector<uint8_t>> payloads;
            std::vector<GgmlType> types;
            for (uint32_t id = 0; id < kGgmlTypeCount; ++id) {
                auto info = ggmlTypeInfo(id);
                if (!info) continue;
                const int64_t ne[3] = {int64_t(info->blockSize) * 2, 3, 1};
                const uint64_t nbytes = uint64_t(*ggmlRowBytes(info->type, ne[0])) * 3;
                std::vector<uint8_t> data(nbytes);
                for (auto& b : data) b = static_cast<uint8_t>(rng());
                payloads.push_back(std::move(data));
                types.push_back(info->type);
            }
            for (size_t i = 0; i < types.size(); ++i) {
                const auto& info = ggmlTypeInfo(types[i]);
                const int64_t ne[3] = {int64_t(info.blockSize) * 2, 3, 1};
                const std::string name = "t." + std::string(info.name);
                if (i % 2 == 0) {
                    QVERIFY(w.addTensor(name, types[i], ne, payloads[i].data()).ok());
                } else { // streamed through a fill callback
                    const std::vector<uint8_t>* p = &payloads[i];
                    QVERIFY(
                        w.addTensor(name, types[i], ne, [p](uint8_t* out, uint64_t n) -> Status {
                             if (n != p->size()) return makeError("size");
                             std::memcpy(out, p->data(), n);
                             return {};
                         }).ok());
                }
            }
            auto bytes = w.writeToMemory();
            QVERIFY(bytes.ok());
            QCOMPARE(uint64_t(bytes->size()), *w.fileBytes());
            auto f = parseOrFail(*bytes);
            QVERIFY(f);
            QCOMPARE(f->alignment(), alignment);
            QCOMPARE(f->tensors().size(), types.size());
            for (size_t i = 0; i < types.size(); ++i) {
                const GgufTensor& t = f->tensors()[i];
                QCOMPARE(t.type, types[i]);
                QCOMPARE(t.nDims, 3u);
                QCOMPARE(t.ne[1], int64_t(3));
                QCOMPARE(t.nbytes, uint64_t(payloads[i].size()));
                QVERIFY(std::memcmp(t.data, payloads[i].data(), t.nbytes) == 0);
                QCOMPARE(uint64_t(t.data - bytes->data()) % alignment, uint64_t(0));
            }
        }
    }

    void replacingKeepsPosition() {
        GgufWriter w;
        w.setString("a", "1");
        w.setU32("b", 2);
        w.setString("c", "3");
        w.setU32("general.file_type", 15);
        w.setString("a", "replaced");
        QVERIFY(w.remove("c"));
        QVERIFY(!w.remove("c"));
        QVERIFY(w.has("b") && !w.has("c"));
        auto bytes = w.writeToMemory(); // must outlive the parsed views
        auto f = parseOrFail(*bytes);
        QVERIFY(f);
        QCOMPARE(f->metadata().size(), size_t(3));
        QVERIFY(f->metadata()[0].key == "a");
        QVERIFY(*f->getString("a") == "replaced");
        QVERIFY(f->metadata()[2].key == "general.file_type");
    }

    void writesFilesAtomically() {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("m.gguf")).toStdString();
        auto src = GgufFile::open(
            (kConformance + QStringLiteral("/models/stories260K/stories260K.gguf")).toStdString());
        QVERIFY(src.ok());
        GgufWriter w;
        w.copyMetadata(**src, [](std::string_view k) { return k.rfind("tokenizer.", 0) != 0; });
        w.setString("general.name", "renamed");
        QVERIFY(w.copyTensors(**src).ok());
        QVERIFY(w.writeFile(path).ok());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1); // no temp left behind
        auto back = GgufFile::open(path);
        QVERIFY(back.ok());
        QVERIFY(*(*back)->getString("general.name") == "renamed");
        QVERIFY(!(*back)->find("tokenizer.ggml.tokens"));
        QCOMPARE((*back)->tensors().size(), (*src)->tensors().size());
        for (size_t i = 0; i < (*src)->tensors().size(); ++i)
            QVERIFY(std::memcmp((*back)->tensors()[i].data, (*src)->tensors()[i].data,
                                (*src)->tensors()[i].nbytes) == 0);

        auto bad = w.writeFile("/nonexistent-dir/x.gguf");
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().find("/nonexistent-dir/x.gguf") != std::string::npos);
    }

    void refusesBadInput() {
        GgufWriter w;
        float data[256] = {};
        const int64_t ok[1] = {256};
        QVERIFY(w.addTensor("x", GgmlType::F32, ok, data).ok());
        auto dup = w.addTensor("x", GgmlType::F32, ok, data);
        QVERIFY(!dup.ok() && dup.error().find("duplicate tensor name 'x'") != std::string::npos);
        const int64_t rowBad[1] = {100};
        auto blk = w.addTensor("q", GgmlType::Q4_K, rowBad, data);
        QVERIFY(!blk.ok() && blk.error().find("block size 256") != std::string::npos);
        const int64_t zero[2] = {32, 0};
        QVERIFY(!w.addTensor("z", GgmlType::F32, zero, data).ok());
        const int64_t five[5] = {1, 1, 1, 1, 1};
        QVERIFY(!w.addTensor("f", GgmlType::F32, five, data).ok());
        const int64_t huge[2] = {int64_t(1) << 40, int64_t(1) << 40};
        QVERIFY(!w.addTensor("h", GgmlType::F32, huge, data).ok());
        QVERIFY(!w.addTensor("", GgmlType::F32, ok, data).ok());
        QVERIFY(!w.addTensor("n", GgmlType::F32, ok, static_cast<const void*>(nullptr)).ok());
        QVERIFY(!w.setAlignment(48).ok());
        QVERIFY(!w.setVersion(4).ok());
        w.setU64("general.alignment", 32); // wrong type: refused at write time
        auto out = w.writeToMemory();
        QVERIFY(!out.ok() && out.error().find("general.alignment") != std::string::npos);
        GgufWriter failing;
        QVERIFY(failing
                    .addTensor("f", GgmlType::F32, ok,
                               [](uint8_t*, uint64_t) -> Status { return makeError("boom"); })
                    .ok());
        auto e = failing.writeToMemory();
        QVERIFY(!e.ok() && e.error().find("boom") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestGgufWriter)
#include "test_gguf_writer.moc"

// Split GGUFs: a conformance model split into gguf-split style parts and merged back is the
// original model (metadata, tensor infos, every tensor byte, the same logits), and broken sets of
// parts give clear errors and leave no output file.
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_merge.h"
#include "engine/gguf/gguf_split.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model/model.h"
#include "engine/model/model_context.h"
#include "engine/store/model_store.h"

#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

using namespace hearth;

namespace {
const std::string kQ4 =
    HEARTH_SHARED_DIR "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf";

bool isSplitKey(std::string_view key) {
    return key.substr(0, 6) == "split.";
}

// A file's metadata without the split keys, encoded: equal bytes mean equal keys, types, values
// and order.
std::vector<uint8_t> metadataBytes(const GgufFile& f) {
    GgufWriter w;
    w.copyMetadata(f, [](std::string_view key) { return !isSplitKey(key); });
    auto bytes = w.writeToMemory();
    if (!bytes) qFatal("%s", bytes.error().c_str());
    return *bytes;
}

std::vector<float> logitsOf(const std::string& path) {
    auto m = Model::load(path, ModelOptions{1, 0, nullptr});
    if (!m) qFatal("%s", m.error().c_str());
    ContextOptions co;
    co.nCtx = 16;
    auto c = ModelContext::create(**m, co);
    if (!c) qFatal("%s", c.error().c_str());
    const std::vector<int32_t> tokens{1, 5, 9, 13};
    if (!(*c)->eval(tokens, 0, LogitsFor::All)) qFatal("eval failed");
    return std::vector<float>((*c)->logits().begin(), (*c)->logits().end());
}

// A part rewritten: its metadata with one change, and the tensors of `tensorsFrom`.
void writeVariant(const std::string& metaFrom, const std::string& tensorsFrom,
                  const std::function<void(GgufWriter&)>& edit, const std::string& out) {
    auto meta = GgufFile::open(metaFrom);
    auto data = GgufFile::open(tensorsFrom);
    if (!meta || !data) qFatal("cannot open parts");
    GgufWriter w;
    w.copyMetadata(**meta);
    if (edit) edit(w);
    if (!w.copyTensors(**data) || !w.writeFile(out)) qFatal("cannot write %s", out.c_str());
}

QStringList filesIn(const QString& dir) {
    return QDir(dir).entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
}
} // namespace

class TestGgufMerge : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::vector<std::string> parts_;

    std::string path(const char* name) const { return (dir_.path() + "/" + name).toStdString(); }

    void expectFailure(const std::vector<std::string>& parts, const char* message) {
        const std::string out = path("bad-merged.gguf");
        const QStringList before = filesIn(dir_.path());
        Status st = mergeGgufParts(parts, out);
        QVERIFY(!st.ok());
        QVERIFY2(st.error().find(message) != std::string::npos, st.error().c_str());
        QVERIFY(!QFile::exists(QString::fromStdString(out)));
        QCOMPARE(filesIn(dir_.path()), before); // no temp files either
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        auto parts = splitGguf(kQ4, 8, path("model"));
        QVERIFY2(parts.ok(), parts.ok() ? "" : parts.error().c_str());
        parts_ = *parts;
        QCOMPARE(parts_.size(), size_t(3));
        QCOMPARE(QString::fromStdString(parts_[2]),
                 dir_.path() + QStringLiteral("/model-00003-of-00003.gguf"));
    }

    void partsAreGgufSplitParts() {
        auto orig = GgufFile::open(kQ4);
        QVERIFY(orig.ok());
        size_t tensors = 0;
        for (size_t i = 0; i < parts_.size(); ++i) {
            auto p = GgufFile::open(parts_[i]);
            QVERIFY2(p.ok(), p.ok() ? "" : p.error().c_str());
            QCOMPARE((*p)->getInt("split.no").value_or(-1), int64_t(i));
            QCOMPARE((*p)->find("split.no")->type, GgufValueType::UInt16);
            QCOMPARE((*p)->getInt("split.count").value_or(-1), int64_t(3));
            QCOMPARE((*p)->find("split.tensors.count")->type, GgufValueType::Int32);
            QCOMPARE((*p)->getInt("split.tensors.count").value_or(-1),
                     int64_t((*orig)->tensors().size()));
            // Only the first part carries the model's metadata.
            QCOMPARE((*p)->metadata().size(), i == 0 ? (*orig)->metadata().size() + 3 : size_t(3));
            tensors += (*p)->tensors().size();
        }
        QCOMPARE(tensors, (*orig)->tensors().size());
    }

    void mergedEqualsOriginal() {
        const std::string out = path("merged.gguf");
        Status st = mergeGgufParts(parts_, out);
        QVERIFY2(st.ok(), st.ok() ? "" : st.error().c_str());
        auto orig = GgufFile::open(kQ4);
        auto merged = GgufFile::open(out);
        QVERIFY(orig.ok() && merged.ok());
        QVERIFY(metadataBytes(**orig) == metadataBytes(**merged));
        // No split keys left (as Ollama's create merges shards).
        for (const GgufKV& kv : (*merged)->metadata()) QVERIFY(!isSplitKey(kv.key));
        QCOMPARE((*merged)->alignment(), (*orig)->alignment());
        const auto& a = (*orig)->tensors();
        const auto& b = (*merged)->tensors();
        QCOMPARE(a.size(), b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].name, a[i].name);
            QCOMPARE(b[i].type, a[i].type);
            QCOMPARE(b[i].nDims, a[i].nDims);
            for (int d = 0; d < 4; ++d) QCOMPARE(b[i].ne[d], a[i].ne[d]);
            QCOMPARE(b[i].offset % (*merged)->alignment(), uint64_t(0));
            QCOMPARE(b[i].nbytes, a[i].nbytes);
            QVERIFY(std::memcmp(a[i].data, b[i].data, a[i].nbytes) == 0);
        }
        // The whole file, byte for byte: split and merged again, it is the original.
        QFile origFile(QString::fromStdString(kQ4)), mergedFile(QString::fromStdString(out));
        QVERIFY(origFile.open(QIODevice::ReadOnly) && mergedFile.open(QIODevice::ReadOnly));
        QVERIFY(origFile.readAll() == mergedFile.readAll());
    }

    // Other architectures, tokenizers and tensor types: split small and merged, the same bytes.
    void roundTripsOtherModels() {
        const char* models[] = {"stories260K/stories260K.gguf", "cf-d-phi3/cf-d-phi3-F32.gguf",
                                "cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-IQ4_XS.gguf"};
        for (const char* model : models) {
            const std::string in = HEARTH_SHARED_DIR "/conformance/models/" + std::string(model);
            QTemporaryDir tmp;
            auto parts = splitGguf(in, 5, (tmp.path() + "/m").toStdString());
            QVERIFY2(parts.ok(), model);
            QVERIFY2(parts->size() > 1, model);
            const std::string out = (tmp.path() + "/merged.gguf").toStdString();
            QVERIFY2(mergeGgufParts(*parts, out).ok(), model);
            QFile a(QString::fromStdString(in)), b(QString::fromStdString(out));
            QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
            QVERIFY2(a.readAll() == b.readAll(), model);
        }
    }

    void mergedModelGivesTheSameLogits() {
        const std::string out = path("merged-for-eval.gguf");
        QVERIFY(mergeGgufParts(parts_, out).ok());
        const std::vector<float> want = logitsOf(kQ4);
        const std::vector<float> got = logitsOf(out);
        QVERIFY(!want.empty());
        QCOMPARE(got.size(), want.size());
        QVERIFY(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) == 0);
    }

    void missingPart() {
        expectFailure({parts_[0], parts_[1]}, "says the model has 3 parts, but 2 were given");
        expectFailure({}, "no parts");
        expectFailure({parts_[0], parts_[1], path("model-00004-of-00003.gguf")}, "part 3 of 3");
    }

    void partsOutOfOrder() {
        expectFailure({parts_[0], parts_[2], parts_[1]}, "expected 1 (parts out of order)");
    }

    void wrongCount() {
        const std::string bad = path("wrong-count.gguf");
        writeVariant(
            parts_[1], parts_[1], [](GgufWriter& w) { w.setU16("split.count", 2); }, bad);
        expectFailure({parts_[0], bad, parts_[2]}, "says the model has 2 parts, but 3 were given");
        const std::string total = path("wrong-total.gguf");
        writeVariant(
            parts_[2], parts_[2], [](GgufWriter& w) { w.setI32("split.tensors.count", 20); },
            total);
        expectFailure({parts_[0], parts_[1], total}, "says the model has 20 tensors");
        // A part with too few tensors: the counts no longer add up.
        const std::string few = path("few.gguf");
        auto p2 = GgufFile::open(parts_[2]);
        QVERIFY(p2.ok());
        GgufWriter w;
        w.copyMetadata(**p2);
        const GgufTensor& t = (*p2)->tensors().front();
        QVERIFY(w.addTensor(t.name, t.type, std::span<const int64_t>(t.ne, t.nDims), t.data).ok());
        QVERIFY(w.writeFile(few).ok());
        expectFailure({parts_[0], parts_[1], few}, "the parts hold 17 tensors");
        QFile::remove(QString::fromStdString(bad));
        QFile::remove(QString::fromStdString(total));
        QFile::remove(QString::fromStdString(few));
    }

    void duplicateTensor() {
        const std::string dup = path("dup.gguf");
        writeVariant(parts_[1], parts_[0], {}, dup);
        expectFailure({parts_[0], dup, parts_[2]}, "appears twice");
        QFile::remove(QString::fromStdString(dup));
    }

    void truncatedPart() {
        const QString cut = dir_.path() + QStringLiteral("/cut.gguf");
        QFile in(QString::fromStdString(parts_[2]));
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray bytes = in.readAll();
        QFile out(cut);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes.left(bytes.size() - 100));
        out.close();
        expectFailure({parts_[0], parts_[1], cut.toStdString()}, "part 3 of 3");
        QFile::remove(cut);
    }

    void notASplit() { expectFailure({kQ4}, "is not part of a split GGUF"); }

    // hearth-cli import of a split model's first part stores the merged model under the parts'
    // prefix; later parts and incomplete sets are refused with the reason, storing nothing.
    void cliImportsSplitParts() {
        const QString cli = QStringLiteral(HEARTH_BINARY_DIR "/app/hearth-cli");
        QTemporaryDir store;
        QTemporaryDir partsDir;
        auto parts = splitGguf(kQ4, 8, (partsDir.path() + "/tiny-Q4_K_M").toStdString());
        QVERIFY(parts.ok());
        const QString first = QString::fromStdString((*parts)[0]);
        CliRun r = runProcess(
            cli, {"import", QString::fromStdString((*parts)[1]), "--models", store.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("import its first part"), qPrintable(r.err));
        QFile::rename(QString::fromStdString((*parts)[2]), partsDir.path() + "/away.gguf");
        r = runProcess(cli, {"import", first, "--models", store.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("part 3 of 3") && r.err.contains("missing"), qPrintable(r.err));
        QVERIFY(QDir(store.path())
                    .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name)
                    .filter(".merge")
                    .isEmpty());
        QFile::rename(partsDir.path() + "/away.gguf", QString::fromStdString((*parts)[2]));

        r = runProcess(cli, {"import", first, "--models", store.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("as tiny-Q4_K_M"), qPrintable(r.out));
        ModelStore models(store.path().toStdString());
        auto list = models.list();
        QVERIFY(list.ok());
        QCOMPARE(int(list->size()), 1);
        QVERIFY(models.verify("tiny-Q4_K_M")->ok());
        auto merged = GgufFile::open(list->front().modelPath);
        auto orig = GgufFile::open(kQ4);
        QVERIFY(merged.ok() && orig.ok());
        QVERIFY(metadataBytes(**orig) == metadataBytes(**merged));
        QCOMPARE((*merged)->tensors().size(), (*orig)->tensors().size());
        // The merge's temp folder is gone; the parts are left where they were.
        QCOMPARE(QDir(store.path())
                     .entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name),
                 QStringList({"blobs", "manifests"}));
        for (const std::string& part : *parts) QVERIFY(QFile::exists(QString::fromStdString(part)));
    }

    void splitRejectsBadInput() {
        QVERIFY(!splitGguf(kQ4, 0, path("zero")).ok());
        auto r = splitGguf(path("no-such.gguf"), 4, path("x"));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find("no-such.gguf") != std::string::npos, r.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestGgufMerge)
#include "test_gguf_merge.moc"

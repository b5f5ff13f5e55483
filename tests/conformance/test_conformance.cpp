// Conformance: every golden of ../shared/conformance whose model is available (shipped, or
// recreated here from the weight recipe) must be reproduced: prompt logits (top-20 per position
// and the full last vector), and 32 greedy tokens up to a near-tie, within per-type tolerances.
#include "conformance/golden.h"
#include "conformance/golden_check.h"
#include "conformance/recipe_model.h"
#include "engine/model/model.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace hearth;
using namespace hearth::conformance;

namespace {

const QString kDir = QStringLiteral(HEARTH_SHARED_DIR "/conformance");

// Tolerances, as the conformance README advises for an engine with F32 activations between
// ops: F32 weights with an F32 cache match to 1e-4 (stories260K, whose logits are ten times
// larger: 1e-3); an F16 cache 1e-3 (5e-2); F16 / BF16 weights 2e-3 / 1e-2. Quantized weights:
// activations are quantized exactly as ggml does, but a last-bit difference upstream (exp,
// summation order) can flip one int8 rounding of an activation, so 5e-2 as the README suggests.
float tolerance(const QString& stem, bool kvF32) {
    const bool stories = stem.startsWith("stories");
    if (stem.endsWith("-F32") || stories)
        return kvF32 ? (stories ? 1e-3f : 1e-4f) : (stories ? 5e-2f : 1e-3f);
    if (stem.endsWith("-F16")) return 2e-3f;
    if (stem.endsWith("-BF16")) return 1e-2f;
    return 5e-2f;
}

struct Summary {
    int goldens = 0, passed = 0;
    double maxTop = 0, maxLast = 0, maxGreedy = 0;
};

QString sha256(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

std::vector<Golden> goldensOf(const QString& stem) {
    std::vector<Golden> out;
    QDir dir(kDir + "/goldens/" + stem);
    for (const QString& name : dir.entryList({"*.json"}, QDir::Files, QDir::Name)) {
        QString error;
        auto g = loadGolden(dir.filePath(name), &error);
        if (!g) qFatal("%s", qPrintable(error));
        out.push_back(std::move(*g));
    }
    return out;
}

} // namespace

class TestConformance : public QObject {
    Q_OBJECT

    QStringList failures_;
    QStringList nearTies_;

    // Checks every golden of one model file; results go to the log and the failure list.
    void checkModel(const QString& stem, const QString& modelPath) {
        auto model = Model::load(modelPath.toStdString(), ModelOptions{2, 0, nullptr});
        if (!model) {
            failures_ << stem + ": " + QString::fromStdString(model.error());
            return;
        }
        std::map<bool, Summary> byCache;
        for (const Golden& g : goldensOf(stem)) {
            const CheckResult r = checkGolden(**model, g, tolerance(stem, g.kvF32));
            Summary& s = byCache[g.kvF32];
            ++s.goldens;
            if (r.failures.isEmpty()) ++s.passed;
            s.maxTop = std::max(s.maxTop, r.maxTopError);
            s.maxLast = std::max(s.maxLast, r.maxLastError);
            s.maxGreedy = std::max(s.maxGreedy, r.maxGreedyError);
            failures_ << r.failures;
            nearTies_ << r.nearTies;
        }
        for (const auto& [kvF32, s] : byCache)
            qInfo("%-28s kv %s: %d/%d passed, max |err| top-20 %.2e, last %.2e, greedy %.2e "
                  "(tol %.0e)",
                  qPrintable(stem), kvF32 ? "f32" : "f16", s.passed, s.goldens, s.maxTop, s.maxLast,
                  s.maxGreedy, static_cast<double>(tolerance(stem, kvF32)));
    }

private slots:
    void shippedModels() {
        const QStringList stems =
            QDir(kDir + "/goldens").entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        QVERIFY(stems.size() >= 18);
        int checked = 0;
        // HEARTH_CONFORMANCE_ONLY=<text> limits the run to matching models while debugging.
        const QString only = qEnvironmentVariable("HEARTH_CONFORMANCE_ONLY");
        for (const QString& stem : stems) {
            if (!only.isEmpty() && !stem.contains(only)) continue;
            const auto goldens = goldensOf(stem);
            QVERIFY(!goldens.empty());
            if (!goldens.front().modelPath) continue; // recreated below
            const QString path = kDir + "/" + *goldens.front().modelPath;
            QVERIFY2(QFile::exists(path), qPrintable(path));
            checkModel(stem, path);
            ++checked;
        }
        if (only.isEmpty()) QCOMPARE(checked, 18); // 15 tiny-vocab types, llama-spm, phi3, stories
        for (const QString& t : nearTies_) qInfo("near tie: %s", qPrintable(t));
        QVERIFY2(failures_.isEmpty(), qPrintable(failures_.join('\n')));
    }

    // cf-a-llama3bpe (Llama-3 BPE vocab, untied) and cf-c-qwen2 (biases, NeoX rope, tied) are
    // not shipped: write them from the recipe, check they are the reference's files bit for bit,
    // then check their goldens. This is the only coverage of the qwen2 path.
    void recreatedModels_data() {
        QTest::addColumn<int>("which");
        QTest::newRow("cf-a-llama3bpe-F32") << 0;
        QTest::newRow("cf-c-qwen2-F32") << 1;
    }
    void recreatedModels() {
        QFETCH(int, which);
        const QString only = qEnvironmentVariable("HEARTH_CONFORMANCE_ONLY");
        if (!only.isEmpty() && !QString(QTest::currentDataTag()).contains(only))
            QSKIP("not selected by HEARTH_CONFORMANCE_ONLY");
        const std::string dir = kDir.toStdString();
        const RecipeSpec spec = which == 0 ? llama3BpeSpec(dir) : qwen2Spec(dir);
        const QString stem = QString::fromStdString(spec.stem) + "-F32";
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(stem + ".gguf");
        const Status written = writeRecipeModel(spec, path.toStdString());
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().c_str());
        const auto goldens = goldensOf(stem);
        QCOMPARE(goldens.size(), size_t{8});
        QCOMPARE(sha256(path), goldens.front().modelSha256);
        failures_.clear();
        nearTies_.clear();
        checkModel(stem, path);
        for (const QString& t : nearTies_) qInfo("near tie: %s", qPrintable(t));
        QVERIFY2(failures_.isEmpty(), qPrintable(failures_.join('\n')));
    }

    void recipeValuesAreDeterministic() {
        // Same inputs, same bits; norms sit near 1 and matrices near 0.
        QCOMPARE(recipeValue(1003, "blk.0.attn_q.weight", 7),
                 recipeValue(1003, "blk.0.attn_q.weight", 7));
        QVERIFY(std::abs(recipeValue(1003, "blk.0.attn_norm.weight", 0) - 1.0f) < 0.2f);
        QVERIFY(std::abs(recipeValue(1003, "blk.0.attn_q.weight", 0)) < 0.2f);
        QVERIFY(recipeValue(1003, "blk.0.attn_q.weight", 0) !=
                recipeValue(1001, "blk.0.attn_q.weight", 0));
    }

    void corruptModelIsRejected() {
        // A truncated copy of a real model must fail to load with a message, not crash.
        QFile src(kDir + "/models/stories260K/stories260K.gguf");
        QVERIFY(src.open(QIODevice::ReadOnly));
        QTemporaryDir tmp;
        QFile dst(tmp.filePath("cut.gguf"));
        QVERIFY(dst.open(QIODevice::WriteOnly));
        dst.write(src.read(src.size() / 2));
        dst.close();
        auto m = Model::load(dst.fileName().toStdString());
        QVERIFY(!m.ok());
        QVERIFY(!m.error().empty());
    }
};

QTEST_GUILESS_MAIN(TestConformance)
#include "test_conformance.moc"

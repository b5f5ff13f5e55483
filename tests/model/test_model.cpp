// Model loading and the forward pass: thread count never changes results, batching equals
// token-by-token evaluation, and bad files or requests give clear errors.
#include "engine/cpu/cpu_backend.h"
#include "engine/gguf/gguf_writer.h"
#include "engine/model/model.h"
#include "engine/model/model_context.h"

#include <QTemporaryDir>
#include <QtTest>

#include <array>

using namespace hearth;

namespace {
const std::string kStories = HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf";
const std::string kPhi3 = HEARTH_SHARED_DIR "/conformance/models/cf-d-phi3/cf-d-phi3-F32.gguf";
const std::string kQ4 =
    HEARTH_SHARED_DIR "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf";
const std::vector<int32_t> kTokens{1, 403, 407, 261, 378, 275, 300, 437, 261, 290, 264, 353};

std::vector<float> allLogits(const std::string& path, int threads, int maxBatch, bool oneByOne) {
    auto m = Model::load(path, ModelOptions{threads, 0, nullptr});
    if (!m) qFatal("%s", m.error().c_str());
    ContextOptions co;
    co.nCtx = 64;
    co.maxBatch = maxBatch;
    auto c = ModelContext::create(**m, co);
    if (!c) qFatal("%s", c.error().c_str());
    std::vector<float> out;
    if (oneByOne) {
        for (size_t i = 0; i < kTokens.size(); ++i) {
            if (!(*c)->eval(std::span(kTokens).subspan(i, 1), static_cast<int>(i), LogitsFor::All))
                qFatal("eval failed");
            out.insert(out.end(), (*c)->logits().begin(), (*c)->logits().end());
        }
    } else {
        if (!(*c)->eval(kTokens, 0, LogitsFor::All)) qFatal("eval failed");
        out.assign((*c)->logits().begin(), (*c)->logits().end());
    }
    return out;
}

double maxDiff(const std::vector<float>& a, const std::vector<float>& b) {
    double d = 0;
    for (size_t i = 0; i < a.size(); ++i)
        d = std::max(d, std::fabs(static_cast<double>(a[i]) - b[i]));
    return d;
}
} // namespace

class TestModel : public QObject {
    Q_OBJECT
private slots:
    void paramsFromMetadata() {
        auto m = Model::load(kStories);
        QVERIFY(m.ok());
        const ModelParams& p = (*m)->params();
        QCOMPARE(p.nEmbd, 64);
        QCOMPARE(p.nLayer, 5);
        QCOMPARE(p.nHead, 8);
        QCOMPARE(p.nHeadKv, 4);
        QCOMPARE(p.headDim, 8);
        QCOMPARE(p.nVocab, 512);
        QCOMPARE(p.ropeFreqBase, 10000.0f); // key absent: the default
        auto phi = Model::load(kPhi3);
        QVERIFY(phi.ok());
        QCOMPARE((*phi)->params().ropeStyle, RopeStyle::NeoX);
        QVERIFY((*phi)->weights().layers[0].wqkv.buffer != nullptr);
    }

    void threadCountDoesNotChangeResults() {
        for (const std::string& path : {kStories, kQ4}) {
            const auto one = allLogits(path, 1, 512, false);
            const auto two = allLogits(path, 2, 512, false);
            const auto three = allLogits(path, 3, 512, false);
            QCOMPARE(one.size(), kTokens.size() * 512);
            QVERIFY(one == two); // bit for bit
            QVERIFY(one == three);
        }
    }

    void batchedEqualsTokenByToken() {
        const auto batched = allLogits(kStories, 2, 512, false);
        const auto split = allLogits(kStories, 2, 5, false); // batches of 5
        const auto single = allLogits(kStories, 2, 512, true);
        QVERIFY(maxDiff(batched, split) < 1e-4);
        QVERIFY(maxDiff(batched, single) < 1e-4);
    }

    void partialOffloadCrossesBackends() {
        // A second CPU backend stands in for a GPU: the last 2 of 5 layers and the output head
        // run there, the hidden state moves between the two; results must not change.
        cpu::CpuBackend device(1);
        auto m = Model::load(kStories, ModelOptions{2, 2, &device});
        QVERIFY(m.ok());
        QCOMPARE((*m)->placement().firstDeviceLayer, 3);
        QCOMPARE((*m)->placement().forLayer(4), static_cast<Backend*>(&device));
        ContextOptions co;
        co.nCtx = 64;
        auto c = ModelContext::create(**m, co);
        QVERIFY(c.ok());
        QVERIFY((*c)->eval(kTokens, 0, LogitsFor::All).ok());
        const std::vector<float> split((*c)->logits().begin(), (*c)->logits().end());
        QVERIFY(split == allLogits(kStories, 2, 512, false));
    }

    void badRequestsAreErrors() {
        auto m = Model::load(kStories);
        QVERIFY(m.ok());
        ContextOptions co;
        co.nCtx = 8;
        auto c = ModelContext::create(**m, co);
        QVERIFY(c.ok());
        const std::vector<int32_t> tooMany(9, 1);
        auto full = (*c)->eval(tooMany, 0, LogitsFor::Last);
        QVERIFY(!full.ok());
        QVERIFY(QString::fromStdString(full.error()).contains("context is full"));
        const std::vector<int32_t> bad{1, 512};
        QVERIFY(!(*c)->eval(bad, 0, LogitsFor::Last).ok());
        co.kvType = GgmlType::Q4_0;
        QVERIFY(!ModelContext::create(**m, co).ok());
        QVERIFY(!Model::load("/nonexistent/model.gguf").ok());
    }

    void unsupportedFilesNameTheProblem() {
        QTemporaryDir tmp;
        auto write = [&](const std::string& arch, bool withEmbd, GgmlType embdType) {
            GgufWriter w;
            w.setString("general.architecture", arch);
            w.setU32(arch + ".embedding_length", 64);
            w.setU32(arch + ".block_count", 1);
            w.setU32(arch + ".feed_forward_length", 128);
            w.setU32(arch + ".attention.head_count", 8);
            static std::vector<uint8_t> zeros(1 << 20);
            if (withEmbd) {
                const std::array<int64_t, 2> ne{64, 16};
                if (!w.addTensor("token_embd.weight", embdType, ne, zeros.data())) qFatal("add");
            }
            const std::string path = tmp.filePath("m.gguf").toStdString();
            if (!w.writeFile(path)) qFatal("write");
            return path;
        };
        auto gpt2 = Model::load(write("gpt2", true, GgmlType::F32));
        QVERIFY(!gpt2.ok());
        QVERIFY(QString::fromStdString(gpt2.error()).contains("gpt2"));
        auto missing = Model::load(write("llama", true, GgmlType::F32));
        QVERIFY(!missing.ok());
        QVERIFY2(QString::fromStdString(missing.error()).contains("output_norm.weight"),
                 missing.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "test_model.moc"

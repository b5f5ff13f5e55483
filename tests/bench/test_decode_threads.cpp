// The decode path's thread hand-off: the pool runs every piece exactly once whatever the thread
// count and however many jobs follow each other, fused matrix-vector products (matmuls) give the
// same numbers as one matmul per matrix, and token-by-token generation gives bit-identical
// logits on 1, 2 and 3 threads.
#include "engine/cpu/cpu_backend.h"
#include "engine/cpu/thread_pool.h"
#include "engine/model/model.h"
#include "engine/model/model_context.h"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <random>
#include <vector>

using namespace hearth;

namespace {
const std::string kStories = HEARTH_SHARED_DIR "/conformance/models/stories260K/stories260K.gguf";
const std::string kQ4KM =
    HEARTH_SHARED_DIR "/conformance/models/cf-q-llama-tinyvocab/cf-q-llama-tinyvocab-Q4_K_M.gguf";
const std::vector<int32_t> kTokens{1, 403, 407, 261, 378, 275, 300, 437, 261, 290, 264, 353};

// Logits of every token, evaluated one at a time (the decode path).
std::vector<float> decodeLogits(const std::string& path, int threads) {
    auto m = Model::load(path, ModelOptions{threads, 0, nullptr});
    if (!m) qFatal("%s", m.error().c_str());
    ContextOptions co;
    co.nCtx = 64;
    auto c = ModelContext::create(**m, co);
    if (!c) qFatal("%s", c.error().c_str());
    std::vector<float> out;
    for (size_t i = 0; i < kTokens.size(); ++i) {
        if (!(*c)->eval(std::span(kTokens).subspan(i, 1), static_cast<int>(i), LogitsFor::Last))
            qFatal("eval failed");
        out.insert(out.end(), (*c)->logits().begin(), (*c)->logits().end());
    }
    return out;
}

// Every index of [0, n) must be visited exactly once.
bool coversOnce(const std::vector<std::atomic<int>>& hits) {
    for (const auto& h : hits)
        if (h.load() != 1) return false;
    return true;
}
} // namespace

class TestDecodeThreads : public QObject {
    Q_OBJECT
private slots:
    void poolRunsEveryPieceOnce() {
        for (int threads : {1, 2, 3, 4}) {
            cpu::ThreadPool pool(threads);
            for (int64_t n : {1, 2, 7, 64, 1000, 4099}) {
                for (int64_t grain : {1, 3, 16, 5000}) {
                    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
                    pool.parallelForGrains(n, grain, [&](int64_t b, int64_t e) {
                        QVERIFY(b < e && e - b <= grain);
                        for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)]++;
                    });
                    QVERIFY2(
                        coversOnce(hits),
                        qPrintable(
                            QString("threads %1 n %2 grain %3").arg(threads).arg(n).arg(grain)));
                }
                std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
                int chunks = 0;
                std::atomic<int> calls{0};
                pool.parallelFor(n, [&](int64_t b, int64_t e) {
                    calls++;
                    for (int64_t i = b; i < e; ++i) hits[static_cast<size_t>(i)]++;
                });
                chunks = calls.load();
                QVERIFY(coversOnce(hits));
                QCOMPARE(chunks, static_cast<int>(std::min<int64_t>(threads, n)));
            }
        }
    }

    void manyBackToBackJobsLoseNothing() {
        // Decode issues hundreds of tiny jobs per token; a lost or doubled piece shows here as a
        // wrong total (or a hang, caught by the test timeout).
        cpu::ThreadPool pool(3);
        std::atomic<int64_t> total{0};
        int64_t expected = 0;
        for (int job = 0; job < 20000; ++job) {
            const int64_t n = 1 + job % 13;
            expected += n;
            pool.parallelForGrains(n, 1 + job % 3, [&](int64_t b, int64_t e) { total += e - b; });
        }
        QCOMPARE(total.load(), expected);
    }

    void fusedMatmulsEqualSeparateOnes() {
        auto m = Model::load(kQ4KM, ModelOptions{2, 0, nullptr});
        QVERIFY(m.ok());
        const LayerWeights& L = (*m)->weights().layers[0];
        const ModelParams& p = (*m)->params();
        cpu::CpuBackend be(3);
        auto xb = be.allocate(static_cast<size_t>(p.nEmbd) * 4);
        QVERIFY(xb.ok());
        const TensorRef x{xb->get(), 0, GgmlType::F32, 1, p.nEmbd, 0};
        std::mt19937 rng(7);
        std::normal_distribution<float> dist(0.f, 1.f);
        for (int64_t i = 0; i < p.nEmbd; ++i) cpu::rowF32(x, 0)[i] = dist(rng);
        const TensorRef ws[3] = {L.wq, L.wk, L.wv};
        std::vector<std::unique_ptr<Buffer>> bufs;
        TensorRef fused[3], single[3];
        for (int i = 0; i < 3; ++i)
            for (TensorRef* t : {&fused[i], &single[i]}) {
                auto b = be.allocate(static_cast<size_t>(ws[i].rows) * 4);
                QVERIFY(b.ok());
                *t = TensorRef{b->get(), 0, GgmlType::F32, 1, ws[i].rows, 0};
                bufs.push_back(std::move(b).value());
            }
        QVERIFY(be.matmuls(ws, x, fused).ok());
        for (int i = 0; i < 3; ++i) {
            QVERIFY(be.matmul(ws[i], x, single[i]).ok());
            // Same kernels per row; matmul's own path may sum in another order, hence the bound.
            for (int64_t o = 0; o < ws[i].rows; ++o) {
                const float a = cpu::rowF32(fused[i], 0)[o], b = cpu::rowF32(single[i], 0)[o];
                QVERIFY2(
                    std::fabs(a - b) <= 1e-4f * (1.0f + std::fabs(b)),
                    qPrintable(QString("matrix %1 row %2: %3 vs %4").arg(i).arg(o).arg(a).arg(b)));
            }
        }
        // Bad calls are errors, not crashes.
        QVERIFY(!be.matmuls(ws, x, std::span(fused, 2)).ok());
        TensorRef tooWide = fused[0];
        tooWide.cols += 1;
        const TensorRef wrongOut[3] = {tooWide, fused[1], fused[2]};
        QVERIFY(!be.matmuls(ws, x, wrongOut).ok());
    }

    void decodeIsIdenticalOnAnyThreadCount() {
        for (const std::string& path : {kStories, kQ4KM}) {
            const auto one = decodeLogits(path, 1);
            const auto two = decodeLogits(path, 2);
            const auto three = decodeLogits(path, 3);
            // More threads than cores: workers are often late and find the pieces taken.
            const auto eight = decodeLogits(path, 8);
            QVERIFY(!one.empty());
            QVERIFY(one == two); // bit for bit
            QVERIFY(one == three);
            QVERIFY(one == eight);
        }
    }
};

QTEST_GUILESS_MAIN(TestDecodeThreads)
#include "test_decode_threads.moc"

// engine/fit: bits per weight, llama-quantize's type mixes (checked against the conformance
// manifest and the shipped files), KV cache with GQA, tied embeddings, odd shapes, header-only
// GGUFs, verdict boundaries and bad input.
#include "engine/fit/fit_report.h"
#include "engine/fit/fit_verdict.h"
#include "engine/fit/memory_estimate.h"
#include "engine/fit/preflight.h"
#include "engine/fit/quant_mix.h"
#include "engine/fit/tensor_layout.h"
#include "engine/fit/tensor_plan.h"
#include "engine/gguf/gguf_file.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <fstream>
#include <map>

using namespace hearth;
using namespace hearth::fit;

namespace {

const QString kShared = QStringLiteral(HEARTH_SHARED_DIR "/conformance");

ModelShape llama32_1b() {
    ModelShape s;
    s.arch = "llama";
    s.nLayer = 16;
    s.nEmbd = 2048;
    s.nHead = 32;
    s.nHeadKv = 8;
    s.headDimK = s.headDimV = 64;
    s.nFf = 8192;
    s.nVocab = 128256;
    s.nCtxTrain = 131072;
    s.tiedEmbeddings = true;
    return s;
}

// The synthetic conformance models (README: n_embd 256, 2 layers, 8 heads of 32, n_ff 768).
ModelShape synthetic(const std::string& arch, int64_t vocab, int64_t kvHeads, bool tied) {
    ModelShape s;
    s.arch = arch;
    s.nLayer = 2;
    s.nEmbd = 256;
    s.nHead = 8;
    s.nHeadKv = kvHeads;
    s.headDimK = s.headDimV = 32;
    s.nFf = 768;
    s.nVocab = vocab;
    s.nCtxTrain = 2048;
    s.tiedEmbeddings = tied;
    return s;
}

TensorPlan mustPlan(const ModelShape& s, std::string_view variant) {
    auto v = quantVariantByName(variant);
    if (!v) qFatal("no variant %s", std::string(variant).c_str());
    auto p = planVariant(synthesizeSlots(s), s, *v);
    if (!p) qFatal("%s", p.error().c_str());
    return *p;
}

const PlannedTensor* find(const TensorPlan& p, const std::string& name) {
    for (const auto& t : p.tensors)
        if (t.slot.name == name) return &t;
    return nullptr;
}

} // namespace

class TestFitEstimate : public QObject {
    Q_OBJECT
private slots:
    void bitsPerWeightOfEveryQuantType() {
        const std::map<GgmlType, double> expected = {
            {GgmlType::F32, 32},         {GgmlType::F16, 16},         {GgmlType::BF16, 16},
            {GgmlType::Q4_0, 4.5},       {GgmlType::Q4_1, 5.0},       {GgmlType::Q5_0, 5.5},
            {GgmlType::Q5_1, 6.0},       {GgmlType::Q8_0, 8.5},       {GgmlType::Q2_K, 2.625},
            {GgmlType::Q3_K, 3.4375},    {GgmlType::Q4_K, 4.5},       {GgmlType::Q5_K, 5.5},
            {GgmlType::Q6_K, 6.5625},    {GgmlType::IQ4_NL, 4.5},     {GgmlType::IQ4_XS, 4.25},
            {GgmlType::IQ2_XXS, 2.0625}, {GgmlType::IQ3_XXS, 3.0625}, {GgmlType::IQ1_S, 1.5625},
        };
        for (auto [type, bpw] : expected) QCOMPARE(bitsPerWeight(type), bpw);
        // Every variant's mix on a real shape: ordered by quality, within sane bounds of its base.
        const ModelShape s = llama32_1b();
        double previous = 0;
        for (const char* name : {"Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S",
                                 "Q5_K_M", "Q6_K", "Q8_0", "F16", "F32"}) {
            const TensorPlan p = mustPlan(s, name);
            QVERIFY2(p.bitsPerWeight() > previous, name);
            QVERIFY2(p.bitsPerWeight() >= bitsPerWeight(quantVariantByName(name)->base) - 0.01,
                     name);
            previous = p.bitsPerWeight();
        }
        for (const auto& v : allQuantVariants()) {
            auto p = planVariant(synthesizeSlots(s), s, v);
            QVERIFY2(p.ok(), std::string(v.name).c_str());
            QVERIFY(p->bitsPerWeight() > 2 && p->bitsPerWeight() <= 32.01);
        }
        QCOMPARE(quantVariantByName("q4_k_m")->fileType, int64_t{15});
        QCOMPARE(quantVariantByFileType(30)->name, std::string_view("IQ4_XS"));
        QVERIFY(!quantVariantByName("Q9_X"));
    }

    // The type of every tensor of every quantized conformance file (70 files, 3 architectures)
    // must come out of the mixing rules exactly.
    void mixMatchesLlamaQuantizeOnEveryManifestFile() {
        QFile f(kShared + "/models/manifest.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray files = QJsonDocument::fromJson(f.readAll()).array();
        QVERIFY(files.size() > 60);
        const std::map<std::string, ModelShape> shapes = {
            {"cf-a-llama3bpe", synthetic("llama", 128256, 2, false)},
            {"cf-b-llama-spm", synthetic("llama", 32000, 8, true)},
            {"cf-c-qwen2", synthetic("qwen2", 151936, 2, true)},
            {"cf-d-phi3", synthetic("phi3", 32064, 8, true)},
            {"cf-q-llama-tinyvocab", synthetic("llama", 512, 2, false)},
        };
        int checkedFiles = 0, checkedTensors = 0;
        for (const auto& v : files) {
            const QJsonObject o = v.toObject();
            auto it = shapes.find(o.value("model").toString().toStdString());
            if (it == shapes.end() || o.value("file_type").toInt(-1) <= 0) continue; // F32 sources
            auto variant = quantVariantByFileType(o.value("file_type").toInt());
            QVERIFY(variant);
            const TensorPlan plan = mustPlan(it->second, variant->name);
            const QJsonObject types = o.value("tensor_types").toObject();
            for (auto t = types.begin(); t != types.end(); ++t) {
                const PlannedTensor* pt = find(plan, t.key().toStdString());
                QVERIFY2(pt, qPrintable(o.value("file").toString() + ": no " + t.key()));
                const auto want = ggmlTypeFromName(t.value().toString().toStdString());
                QVERIFY(want);
                QVERIFY2(pt->type == *want,
                         qPrintable(o.value("file").toString() + " " + t.key() + ": got " +
                                    QString::fromLatin1(ggmlTypeName(pt->type).data()) +
                                    ", llama-quantize wrote " + t.value().toString()));
                ++checkedTensors;
            }
            // Tensors the converter writes that these synthetic files lack: only 1-D extras.
            for (const auto& pt : plan.tensors)
                if (!types.contains(QString::fromStdString(pt.slot.name)))
                    QVERIFY(!isQuantizable(pt.slot));
            ++checkedFiles;
        }
        QCOMPARE(checkedFiles, 70); // 5 models x 14 quantized types
        QVERIFY(checkedTensors > 1000);
    }

    // Re-typing the shipped F32 file gives each shipped quantized file's tensor bytes exactly.
    void retypedF32MatchesShippedFilesByteForByte() {
        const QString dir = kShared + "/models/cf-q-llama-tinyvocab/";
        auto f32 = GgufFile::open((dir + "cf-q-llama-tinyvocab-F32.gguf").toStdString());
        QVERIFY2(f32.ok(), f32.ok() ? "" : f32.error().c_str());
        auto shape = shapeFromGguf(**f32);
        QVERIFY(shape.ok());
        const auto tensorSlots = slotsFromGguf(**f32);
        int n = 0;
        for (const QString& file : QDir(dir).entryList({"*.gguf"})) {
            auto q = GgufFile::open((dir + file).toStdString());
            QVERIFY(q.ok());
            auto ft = (*q)->getInt("general.file_type");
            QVERIFY(ft);
            auto variant = quantVariantByFileType(*ft);
            QVERIFY2(variant, qPrintable(file));
            auto plan = planVariant(tensorSlots, *shape, *variant);
            QVERIFY(plan.ok());
            auto real = planAsStored(slotsFromGguf(**q), *shape, "file");
            QVERIFY(real.ok());
            QCOMPARE(plan->totalBytes, real->totalBytes);
            for (size_t i = 0; i < plan->layerBytes.size(); ++i)
                QCOMPARE(plan->layerBytes[i], real->layerBytes[i]);
            QCOMPARE(plan->outputBytes, real->outputBytes);
            // The file is its header, the tensors and alignment padding (< 32 bytes per tensor).
            const uint64_t payload = (*q)->fileSize() - (*q)->dataOffset();
            QVERIFY(payload >= real->totalBytes);
            QVERIFY(payload - real->totalBytes < 32 * real->tensors.size());
            ++n;
        }
        QCOMPARE(n, 15);
    }

    void kvCacheIsGqaAware() {
        ModelShape s = llama32_1b();
        // 2 * n_layer * n_ctx * n_head_kv * head_dim * bytes = 2*16*4096*8*64*2
        QCOMPARE(kvCacheBytes(s, 4096, KvCacheType::F16), uint64_t{134217728});
        QCOMPARE(kvCacheBytes(s, 4096, KvCacheType::F32), uint64_t{268435456});
        QCOMPARE(kvCacheBytes(s, 4096, KvCacheType::Q8_0),
                 uint64_t{2} * 16 * 4096 * (512 / 32 * 34));
        ModelShape mha = s;
        mha.nHeadKv = 32; // no grouping: four times the cache
        QCOMPARE(kvCacheBytes(mha, 4096, KvCacheType::F16),
                 4 * kvCacheBytes(s, 4096, KvCacheType::F16));
        QCOMPARE(kvCacheBytes(s, 8192, KvCacheType::F16),
                 2 * kvCacheBytes(s, 4096, KvCacheType::F16));
        QCOMPARE(kvCacheBytes(s, 4096, KvCacheType::F16, 4) * 4,
                 kvCacheBytes(s, 4096, KvCacheType::F16));
        // Gemma-2-style heads wider than n_embd / n_head, and different K and V widths.
        ModelShape wide = s;
        wide.headDimK = 128;
        wide.headDimV = 64;
        QCOMPARE(kvCacheBytes(wide, 1024, KvCacheType::F16),
                 uint64_t{16} * 1024 * 8 * (128 + 64) * 2);
        QCOMPARE(kvCacheTypeFromName("Q8_0"), std::optional<KvCacheType>(KvCacheType::Q8_0));
        QVERIFY(!kvCacheTypeFromName("q4"));
    }

    void tiedEmbeddingsServeAsTheOutputHead() {
        ModelShape tied = llama32_1b();
        ModelShape untied = tied;
        untied.tiedEmbeddings = false;
        const TensorPlan t = mustPlan(tied, "Q4_K_M");
        const TensorPlan u = mustPlan(untied, "Q4_K_M");
        QVERIFY(!find(t, "output.weight"));
        QVERIFY(find(u, "output.weight"));
        // Tied: the embedding is the output matrix and gets the output's Q6_K.
        QCOMPARE(find(t, "token_embd.weight")->type, GgmlType::Q6_K);
        QCOMPARE(find(u, "token_embd.weight")->type, GgmlType::Q4_K);
        QCOMPARE(find(u, "output.weight")->type, GgmlType::Q6_K);
        const uint64_t vocabMatrixQ6 = uint64_t{128256} * (2048 / 256) * 210;
        // Untied adds a Q6_K output matrix and keeps the embedding at Q4_K instead of Q6_K.
        QCOMPARE(u.totalBytes - t.totalBytes, uint64_t{128256} * 8 * 144);
        QCOMPARE(t.parameters + uint64_t{128256} * 2048, u.parameters);
        QCOMPARE(t.outputBytes, uint64_t{2048} * 4); // only output_norm
        QCOMPARE(u.outputBytes, uint64_t{2048} * 4 + vocabMatrixQ6);
    }

    void oddShapesFallBackLikeLlamaQuantize() {
        // Qwen2.5-0.5B: 896-wide rows take no 256-blocks.
        ModelShape q;
        q.arch = "qwen2";
        q.nLayer = 24;
        q.nEmbd = 896;
        q.nHead = 14;
        q.nHeadKv = 2;
        q.headDimK = q.headDimV = 64;
        q.nFf = 4864;
        q.nVocab = 151936;
        q.nCtxTrain = 32768;
        q.tiedEmbeddings = true;
        QVERIFY(q.validate().ok());
        const TensorPlan p = mustPlan(q, "Q4_K_M");
        QCOMPARE(find(p, "token_embd.weight")->type, GgmlType::Q8_0);     // Q6_K -> Q8_0
        QCOMPARE(find(p, "blk.5.attn_q.weight")->type, GgmlType::Q5_0);   // Q4_K -> Q5_0
        QCOMPARE(find(p, "blk.0.attn_v.weight")->type, GgmlType::Q8_0);   // Q6_K -> Q8_0
        QCOMPARE(find(p, "blk.4.ffn_down.weight")->type, GgmlType::Q4_K); // 4864 = 19 * 256
        QCOMPARE(find(p, "blk.5.ffn_down.weight")->type, GgmlType::Q6_K); // a "more bits" layer
        QCOMPARE(find(p, "blk.5.attn_q.bias")->type, GgmlType::F32);
        QCOMPARE(find(mustPlan(q, "Q2_K"), "blk.5.ffn_up.weight")->type, GgmlType::IQ4_NL);
        // stories260K: n_ff 172 rows take neither 256- nor 32-blocks.
        auto f = GgufFile::open((kShared + "/models/stories260K/stories260K.gguf").toStdString());
        QVERIFY(f.ok());
        auto s = shapeFromGguf(**f);
        QVERIFY(s.ok());
        QCOMPARE(s->nFf, int64_t{172});
        QCOMPARE(s->nHeadKv, int64_t{4});
        const auto tensorSlots = slotsFromGguf(**f);
        auto q8 = planVariant(tensorSlots, *s, *quantVariantByName("Q8_0"));
        QVERIFY(!q8.ok()); // llama-quantize refuses it too
        QVERIFY2(q8.error().find("ffn_down") != std::string::npos &&
                     q8.error().find("172") != std::string::npos,
                 q8.error().c_str());
        auto k = planVariant(tensorSlots, *s, *quantVariantByName("Q4_K_M"));
        QVERIFY(k.ok());
        QCOMPARE(find(*k, "blk.0.ffn_down.weight")->type, GgmlType::F16);
        QCOMPARE(find(*k, "blk.0.attn_q.weight")->type, GgmlType::Q5_0); // 64-wide rows
    }

    // A remote file's first megabytes are enough: the header-only parse gives the same report.
    void headerOnlyBufferGivesTheSameEstimate() {
        const std::string path =
            (kShared + "/models/cf-b-llama-spm/cf-b-llama-spm-F32.gguf").toStdString();
        auto full = GgufFile::open(path);
        QVERIFY(full.ok());
        std::vector<uint8_t> head((*full)->dataOffset());
        std::ifstream in(path, std::ios::binary);
        in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
        QVERIFY(in.good());
        auto partial = GgufFile::parse(head.data(), head.size(), true);
        QVERIFY2(partial.ok(), partial.ok() ? "" : partial.error().c_str());
        MachineMemory m{16ull << 30, 8ull << 30, 0, ""};
        EstimateOptions o;
        o.nCtx = 2048;
        auto a = fitReportForGguf(**full, {}, o, m);
        auto b = fitReportForGguf(**partial, {}, o, m);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->rows.size(), b->rows.size());
        QVERIFY(a->shape.tiedEmbeddings);
        for (size_t i = 0; i < a->rows.size(); ++i) {
            QCOMPARE(a->rows[i].variant, b->rows[i].variant);
            QCOMPARE(a->rows[i].fit.estimate.totalBytes(), b->rows[i].fit.estimate.totalBytes());
        }
        QVERIFY(a->rows[0].isFile);
        QCOMPARE(a->rows[0].variant, std::string("F32"));
        QCOMPARE(a->rows[0].fileBytes, (*full)->fileSize());
        QCOMPARE(b->rows[0].fileBytes, (*full)->fileSize()); // header + tensors, padding aside
    }

    void verdictBoundaries() {
        const ModelShape s = llama32_1b();
        const TensorPlan plan = mustPlan(s, "Q4_K_M");
        EstimateOptions o;
        o.nCtx = 4096;
        const SafetyMargin margin{0.10, 512ull << 20, 256ull << 20};
        const uint64_t host = placeLayers(s, plan, o, 0).hostTotal();
        MachineMemory m{64ull << 30, 0, 0, ""};
        const uint64_t hostMargin = hostMarginBytes(m, margin);
        QCOMPARE(hostMargin, uint64_t((64ull << 30) / 10));
        m.ramAvailableBytes = host + hostMargin;
        QCOMPARE(judgeFit(s, plan, o, m, margin).verdict, Verdict::FitsRam);
        m.ramAvailableBytes = host + hostMargin - 1;
        QCOMPARE(judgeFit(s, plan, o, m, margin).verdict, Verdict::Tight);
        m.ramAvailableBytes = host;
        auto tight = judgeFit(s, plan, o, m, margin);
        QCOMPARE(tight.verdict, Verdict::Tight);
        QCOMPARE(tight.hostLeftBytes, int64_t{0});
        m.ramAvailableBytes = host - 1;
        auto no = judgeFit(s, plan, o, m, margin);
        QCOMPARE(no.verdict, Verdict::DoesNotFit);
        QCOMPARE(no.hostLeftBytes, int64_t{-1});
        QVERIFY(no.summary.find("does not fit") == 0);

        // GPU: exactly enough for all layers plus margin -> fits in GPU; a byte less -> partial.
        m.ramAvailableBytes = 32ull << 30;
        const Placement all = placeLayers(s, plan, o, s.nLayer);
        const uint64_t dev = all.deviceTotal();
        m.gpuBytes = dev;
        const uint64_t devMargin = deviceMarginBytes(m, margin);
        m.gpuBytes = dev + devMargin;
        if (deviceMarginBytes(m, margin) != devMargin)
            m.gpuBytes = dev + deviceMarginBytes(m, margin);
        auto gpu = judgeFit(s, plan, o, m, margin);
        QCOMPARE(gpu.verdict, Verdict::FitsGpu);
        QCOMPARE(gpu.placement.gpuLayers, s.nLayer);
        m.gpuBytes -= 1;
        auto partial = judgeFit(s, plan, o, m, margin);
        QCOMPARE(partial.verdict, Verdict::PartialOffload);
        QVERIFY(partial.placement.gpuLayers > 0 && partial.placement.gpuLayers < s.nLayer);
        QVERIFY(partial.summary.find(" of 16 layers") != std::string::npos);
        // One more layer would not have fitted.
        const Placement more = placeLayers(s, plan, o, partial.placement.gpuLayers + 1);
        QVERIFY(more.deviceTotal() + deviceMarginBytes(m, margin) > m.gpuBytes);
        // Offloaded layers leave the host: weights, KV and device parts add up to the whole.
        const Placement cpu = placeLayers(s, plan, o, 0);
        // (tied: the device also holds its own copy of the embedding matrix for the output head)
        QCOMPARE(partial.placement.hostWeights + partial.placement.deviceWeights,
                 cpu.hostWeights + plan.embeddingBytes);
        QCOMPARE(plan.embeddingBytes, uint64_t{128256} * 8 * 210); // Q6_K as the tied head
        QCOMPARE(partial.placement.hostKv + partial.placement.deviceKv, cpu.hostKv);
        // A GPU too small for even one layer: the CPU plan.
        m.gpuBytes = 300ull << 20;
        QCOMPARE(judgeFit(s, plan, o, m, margin).verdict, Verdict::FitsRam);
    }

    void recommendationIsTheBestThatFitsComfortably() {
        const ModelShape s = llama32_1b();
        EstimateOptions o;
        o.nCtx = 4096;
        const uint64_t q8 = placeLayers(s, mustPlan(s, "Q8_0"), o, 0).hostTotal();
        // Room for Q8_0 with the margin, not for F16.
        MachineMemory m{8ull << 30, 0, 0, ""};
        m.ramAvailableBytes = q8 + hostMarginBytes(m, {});
        std::vector<FitResult> results;
        for (const auto& v : standardQuantVariants())
            results.push_back(judgeFit(s, mustPlan(s, v.name), o, m));
        const int best = recommendedIndex(results);
        QVERIFY(best >= 0);
        QCOMPARE(results[static_cast<size_t>(best)].estimate.variant, std::string("Q8_0"));
        QVERIFY(!results.back().comfortable()); // F16
        m.ramAvailableBytes = 100ull << 20;
        results.clear();
        for (const auto& v : standardQuantVariants())
            results.push_back(judgeFit(s, mustPlan(s, v.name), o, m));
        QCOMPARE(recommendedIndex(results), -1);
    }

    void computeAndOverheadAreModelled() {
        const ModelShape s = llama32_1b();
        // Hearth's workspace for 512 rows: x, xn (2*2048), QKV (2048+2*512), attention output
        // (2048), gate and up (2*8192); 32 logit rows; Q8_K activations; attention rows; logits.
        const uint64_t expected = uint64_t{512} * (4096 + 3072 + 2048 + 16384) * 4 +
                                  uint64_t{32} * 128256 * 4 + uint64_t{512} * 8192 * 292 / 256 +
                                  uint64_t{16} * 4096 * 8 + uint64_t{128256} * 4;
        QCOMPARE(computeBytes(s, 4096, 512), expected);
        // Longer contexts add only per-thread attention rows: no n_head * B * n_ctx matrix.
        QCOMPARE(computeBytes(s, 8192, 512) - computeBytes(s, 4096, 512), uint64_t{16} * 4096 * 8);
        // Contexts shorter than the batch shrink the batch.
        QVERIFY(computeBytes(s, 256, 512) < computeBytes(s, 512, 512) / 2 + (16ull << 20));
        QCOMPARE(computeBytes(s, 4096, 1), computeBytes(s, 1, 512) + uint64_t{16} * 4095 * 8);
        QVERIFY(hostOverheadBytes(s, 0) > (64ull << 20));
        QCOMPARE(hostOverheadBytes(s, 1000) - hostOverheadBytes(s, 0),
                 1000 - estimatedHeaderBytes(s));
    }

    // The loader's check: refuses with the numbers when the model cannot fit at all.
    void preflightRefusesWhatCannotFit() {
        auto f = GgufFile::open(
            (kShared + "/models/cf-b-llama-spm/cf-b-llama-spm-F32.gguf").toStdString());
        QVERIFY(f.ok());
        EstimateOptions o;
        o.nCtx = 65536;
        o.kvType = KvCacheType::F32;
        auto shape = shapeFromGguf(**f);
        QVERIFY(shape.ok());
        auto plan = planAsStored(slotsFromGguf(**f), *shape, "file");
        QVERIFY(plan.ok());
        o.ggufHeaderBytes = (*f)->dataOffset();
        const uint64_t need = placeLayers(*shape, *plan, o, 0).hostTotal();
        MachineMemory m{64ull << 30, need, 0, ""};
        QVERIFY(preflightLoad(**f, o, m).ok()); // exactly enough ("tight") still loads
        m.ramAvailableBytes = need - 1;
        const Status st = preflightLoad(**f, o, m);
        QVERIFY(!st.ok());
        QVERIFY2(st.error().find("of RAM at context 65536") != std::string::npos,
                 st.error().c_str());
        QVERIFY(st.error().find("cf-b-llama-spm-F32.gguf needs") != std::string::npos);
        // With a GPU: the device part is checked too.
        m.ramAvailableBytes = 64ull << 30;
        m.gpuBytes = 1ull << 20;
        const Status gpu = preflightLoad(**f, o, m, 2);
        QVERIFY(!gpu.ok());
        QVERIFY2(gpu.error().find("GPU memory for 2 layers") != std::string::npos,
                 gpu.error().c_str());
    }

    void contextSteps() {
        QCOMPARE(fit::contextSteps(2048), (std::vector<int64_t>{2048}));
        QCOMPARE(fit::contextSteps(8192), (std::vector<int64_t>{2048, 4096, 8192}));
        QCOMPARE(fit::contextSteps(32000), (std::vector<int64_t>{2048, 4096, 8192, 16384, 32000}));
        QCOMPARE(fit::contextSteps(131072).size(), size_t{7});
        QCOMPARE(fit::contextSteps(512), (std::vector<int64_t>{512}));
    }

    void badInputIsAnErrorNotACrash() {
        ModelShape s = llama32_1b();
        s.nHeadKv = 5; // 32 heads do not group by 5
        QVERIFY(!s.validate().ok());
        s = llama32_1b();
        s.nLayer = 0;
        QVERIFY(s.validate().error().find("layer count") != std::string::npos);
        s = llama32_1b();
        s.nVocab = -3;
        QVERIFY(!s.validate().ok());
        // Absurd but valid-looking shapes are refused, not overflowed.
        s = llama32_1b();
        s.nEmbd = int64_t{1} << 38;
        s.nHead = 1;
        s.nHeadKv = 1;
        s.headDimK = s.headDimV = 64;
        auto p = planVariant(synthesizeSlots(s), s, *quantVariantByName("F16"));
        QVERIFY(!p.ok());
        CatalogModel bad;
        bad.id = "broken";
        bad.shape = llama32_1b();
        bad.shape.nHead = 0;
        MachineMemory m{16ull << 30, 8ull << 30, 0, ""};
        auto r = fitReportForCatalog(bad, {}, m);
        QVERIFY(!r.ok());
        QVERIFY(r.error().find("broken") != std::string::npos);
        CatalogModel ok;
        ok.id = "fine";
        ok.shape = llama32_1b();
        ok.variants = {{"Q4_K_M", 0, false}, {"Q7_Z", 0, false}};
        EstimateOptions o;
        auto rr = fitReportForCatalog(ok, o, m);
        QVERIFY(rr.ok());
        QCOMPARE(rr->rows.size(), size_t{2});
        QVERIFY(rr->rows[1].error.find("Q7_Z") != std::string::npos);
        QCOMPARE(rr->recommended, 0);
        o.nCtx = 0;
        QVERIFY(!fitReportForCatalog(ok, o, m).ok());
        // A vocab-only GGUF has hyper-parameters but no tensors to estimate.
        auto vocab = GgufFile::open((kShared + "/vocab/ggml-vocab-llama-spm.gguf").toStdString());
        QVERIFY(vocab.ok());
        auto vr = fitReportForGguf(**vocab, {}, EstimateOptions{}, m);
        QVERIFY(!vr.ok());
        QVERIFY2(vr.error().find("no tensors") != std::string::npos, vr.error().c_str());
        // Missing hyper-parameters are named.
        auto junk = GgufFile::open((kShared + "/vocab/ggml-vocab-gpt-2.gguf").toStdString());
        QVERIFY(junk.ok());
        if (auto js = shapeFromGguf(**junk); !js.ok()) QVERIFY(js.error().find("GGUF has no") == 0);
        QCOMPARE(layerOfTensorName("blk.12.attn_v.weight"), 12);
        QCOMPARE(layerOfTensorName("blk.x.attn_v.weight"), -1);
        QCOMPARE(layerOfTensorName("blk.7"), -1);
        QCOMPARE(layerOfTensorName("output.weight"), -1);
    }
};

QTEST_APPLESS_MAIN(TestFitEstimate)
#include "test_fit_estimate.moc"

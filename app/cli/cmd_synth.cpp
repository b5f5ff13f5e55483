// hearth-cli synth --arch llama --preset 1b|3b|8b|tiny --type T OUT.gguf: a model with random
// weights and the exact tensor shapes of a real one, for benchmarks (its output is noise).
// Types follow llama-quantize's choices without an importance matrix: the output matrix (or a
// tied embedding) is Q6_K for the 2-6 bit types, and the _M mixes give some layers' attn_v and
// ffn_down Q6_K.
#include "app/cli/cli_command.h"
#include "engine/cpu/kernels/kernels.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/gguf_writer.h"

#include <QCommandLineParser>
#include <QTextStream>

#include <array>
#include <thread>

namespace {

struct Preset {
    const char* name;
    int embd, layers, heads, kvHeads, ff, vocab;
    bool tied;
};
constexpr Preset kPresets[] = {
    {"tiny", 256, 2, 8, 2, 768, 2048, false},
    {"1b", 2048, 16, 32, 8, 8192, 128256, true},   // Llama-3.2-1B
    {"3b", 3072, 28, 24, 8, 8192, 128256, true},   // Llama-3.2-3B
    {"8b", 4096, 32, 32, 8, 14336, 128256, false}, // Llama-3.1-8B
};

uint64_t mix64(uint64_t z) {
    z ^= z >> 30;
    z *= 0xbf58476d1ce4e5b9ull;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// Approximately normal values with std 0.02 (around 1 for norms): four 16-bit uniforms summed.
void fillRandom(float* out, int64_t n, uint64_t key, uint64_t first, bool norm) {
    constexpr float kScale = 0.02f * 1.7320508f / 65536.0f;
    for (int64_t i = 0; i < n; ++i) {
        const uint64_t r = mix64(key + (first + static_cast<uint64_t>(i)) * 0x9e3779b97f4a7c15ull);
        const int64_t c = static_cast<int64_t>((r & 0xffff) + ((r >> 16) & 0xffff) +
                                               ((r >> 32) & 0xffff) + (r >> 48)) -
                          2 * 65535;
        out[i] = static_cast<float>(c) * kScale + (norm ? 1.0f : 0.0f);
    }
}

// llama-quantize's names for whole-model types: the type most weights get and general.file_type.
struct Target {
    const char* name;
    hearth::GgmlType base;
    uint32_t fileType;
};
constexpr Target kTargets[] = {
    {"F32", hearth::GgmlType::F32, 0},        {"F16", hearth::GgmlType::F16, 1},
    {"BF16", hearth::GgmlType::BF16, 32},     {"Q8_0", hearth::GgmlType::Q8_0, 7},
    {"Q4_0", hearth::GgmlType::Q4_0, 2},      {"Q4_1", hearth::GgmlType::Q4_1, 3},
    {"Q5_0", hearth::GgmlType::Q5_0, 8},      {"Q5_1", hearth::GgmlType::Q5_1, 9},
    {"Q2_K", hearth::GgmlType::Q2_K, 10},     {"Q3_K_M", hearth::GgmlType::Q3_K, 12},
    {"Q4_K_M", hearth::GgmlType::Q4_K, 15},   {"Q5_K_M", hearth::GgmlType::Q5_K, 17},
    {"Q6_K", hearth::GgmlType::Q6_K, 18},     {"IQ4_NL", hearth::GgmlType::IQ4_NL, 25},
    {"IQ4_XS", hearth::GgmlType::IQ4_XS, 30},
};

bool useMoreBits(int i, int n) {
    return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

int runSynth(const QStringList& args) {
    QTextStream out(stdout), err(stderr);
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Write a random-weight model with a real model's shapes (for benchmarks)."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("OUT"), QStringLiteral("Output .gguf"));
    const QCommandLineOption arch(QStringLiteral("arch"), QStringLiteral("Architecture (llama)"),
                                  QStringLiteral("A"), QStringLiteral("llama"));
    const QCommandLineOption preset(QStringLiteral("preset"), QStringLiteral("tiny, 1b, 3b or 8b"),
                                    QStringLiteral("P"), QStringLiteral("tiny"));
    const QCommandLineOption type(QStringLiteral("type"),
                                  QStringLiteral("F32, F16, BF16, Q8_0, Q4_0, Q4_K_M, ..."),
                                  QStringLiteral("T"), QStringLiteral("Q4_0"));
    const QCommandLineOption vocab(
        QStringLiteral("vocab"),
        QStringLiteral("GGUF whose tokenizer to copy (same vocabulary size)"),
        QStringLiteral("FILE"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed"),
                                  QStringLiteral("S"), QStringLiteral("1"));
    p.addOptions({arch, preset, type, vocab, seed});
    p.process(args);
    if (p.positionalArguments().size() != 1) {
        err << "hearth-cli synth: exactly one OUT file is required\n";
        return 2;
    }
    if (p.value(arch) != QLatin1String("llama")) {
        err << "hearth-cli synth: only --arch llama is supported\n";
        return 2;
    }
    const Preset* pr = nullptr;
    for (const auto& c : kPresets)
        if (p.value(preset) == QLatin1String(c.name)) pr = &c;
    if (!pr) {
        err << "hearth-cli synth: unknown preset '" << p.value(preset) << "' (tiny, 1b, 3b, 8b)\n";
        return 2;
    }
    const Target* target = nullptr;
    for (const auto& t : kTargets)
        if (p.value(type).compare(QLatin1String(t.name), Qt::CaseInsensitive) == 0) target = &t;
    if (!target || !hearth::kernels::canQuantizeWeights(target->base)) {
        err << "hearth-cli synth: cannot write type '" << p.value(type) << "'\n";
        return 2;
    }
    const std::string tname(target->name);
    const bool kMix = tname.ends_with("_M");
    const hearth::GgmlType base = target->base;
    const bool keepOutput = base == hearth::GgmlType::Q8_0 || base == hearth::GgmlType::F16 ||
                            base == hearth::GgmlType::BF16 || base == hearth::GgmlType::F32;
    const hearth::GgmlType outType = keepOutput ? base : hearth::GgmlType::Q6_K;
    const uint64_t seedValue = p.value(seed).toULongLong();

    hearth::GgufWriter w;
    w.setString("general.architecture", "llama");
    w.setString("general.name", "synth-" + std::string(pr->name));
    std::unique_ptr<hearth::GgufFile> vocabFile;
    if (p.isSet(vocab)) {
        auto v = hearth::GgufFile::open(p.value(vocab).toStdString());
        if (!v) {
            err << "hearth-cli synth: " << QString::fromStdString(v.error()) << "\n";
            return 1;
        }
        const auto* tokens = (*v)->getStringArray("tokenizer.ggml.tokens");
        if (!tokens || static_cast<int>(tokens->size()) != pr->vocab) {
            err << "hearth-cli synth: the vocabulary file must have " << pr->vocab << " tokens\n";
            return 1;
        }
        vocabFile = std::move(v).value();
        w.copyMetadata(*vocabFile, [](std::string_view k) { return k.starts_with("tokenizer."); });
    }
    w.setU32("llama.context_length", pr->tied ? 131072 : 8192);
    w.setU32("llama.embedding_length", static_cast<uint32_t>(pr->embd));
    w.setU32("llama.block_count", static_cast<uint32_t>(pr->layers));
    w.setU32("llama.feed_forward_length", static_cast<uint32_t>(pr->ff));
    w.setU32("llama.attention.head_count", static_cast<uint32_t>(pr->heads));
    w.setU32("llama.attention.head_count_kv", static_cast<uint32_t>(pr->kvHeads));
    w.setF32("llama.rope.freq_base", 500000.0f);
    w.setF32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.setU32("llama.rope.dimension_count", static_cast<uint32_t>(pr->embd / pr->heads));
    w.setU32("llama.vocab_size", static_cast<uint32_t>(pr->vocab));
    w.setU32("general.file_type", target->fileType);

    hearth::Status st;
    uint64_t tensorIndex = 0;
    auto add = [&](const std::string& name, hearth::GgmlType t, int64_t cols, int64_t rows) {
        if (!st) return;
        const uint64_t key = mix64(seedValue ^ (0x5157ull + ++tensorIndex * 0x9e3779b97f4a7c15ull));
        const bool norm = rows == 1;
        const size_t rowBytes = static_cast<size_t>(hearth::ggmlRowBytes(t, cols).value_or(0));
        auto fill = [=](uint8_t* dst, uint64_t) -> hearth::Status {
            // Rows are independent: split them over the cores, a block at a time.
            const int nThreads = std::max(1u, std::thread::hardware_concurrency());
            std::vector<hearth::Status> results(static_cast<size_t>(nThreads));
            std::vector<std::thread> pool;
            pool.reserve(static_cast<size_t>(nThreads));
            for (int ti = 0; ti < nThreads; ++ti)
                pool.emplace_back([&, ti] {
                    std::vector<float> buf(static_cast<size_t>(cols) * 16);
                    const int64_t r0 = rows * ti / nThreads, r1 = rows * (ti + 1) / nThreads;
                    for (int64_t r = r0; r < r1 && results[ti].ok(); r += 16) {
                        const int64_t nr = std::min<int64_t>(16, r1 - r);
                        fillRandom(buf.data(), nr * cols, key, static_cast<uint64_t>(r * cols),
                                   norm);
                        results[ti] = hearth::kernels::quantizeWeights(
                            t, buf.data(), dst + static_cast<size_t>(r) * rowBytes, nr, cols);
                    }
                });
            for (auto& th : pool) th.join();
            for (auto& r : results)
                if (!r) return r;
            return {};
        };
        if (rows == 1) {
            const std::array<int64_t, 1> ne{cols};
            st = w.addTensor(name, t, ne, fill);
        } else {
            const std::array<int64_t, 2> ne{cols, rows};
            st = w.addTensor(name, t, ne, fill);
        }
    };
    const int64_t embd = pr->embd, kv = static_cast<int64_t>(pr->embd / pr->heads) * pr->kvHeads;
    const hearth::GgmlType f32 = hearth::GgmlType::F32;
    add("token_embd.weight", pr->tied ? outType : base, embd, pr->vocab);
    add("output_norm.weight", f32, embd, 1);
    if (!pr->tied) add("output.weight", outType, embd, pr->vocab);
    for (int l = 0; l < pr->layers; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        const hearth::GgmlType more =
            kMix && useMoreBits(l, pr->layers) ? hearth::GgmlType::Q6_K : base;
        add(b + "attn_norm.weight", f32, embd, 1);
        add(b + "attn_q.weight", base, embd, embd);
        add(b + "attn_k.weight", base, embd, kv);
        add(b + "attn_v.weight", more, embd, kv);
        add(b + "attn_output.weight", base, embd, embd);
        add(b + "ffn_norm.weight", f32, embd, 1);
        add(b + "ffn_gate.weight", base, embd, pr->ff);
        add(b + "ffn_up.weight", base, embd, pr->ff);
        add(b + "ffn_down.weight", more, pr->ff, embd);
    }
    if (st) st = w.writeFile(p.positionalArguments().first().toStdString());
    if (!st) {
        err << "hearth-cli synth: " << QString::fromStdString(st.error()) << "\n";
        return 1;
    }
    out << "wrote " << p.positionalArguments().first() << " (" << pr->name << ", " << p.value(type)
        << ")\n";
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(synth, "synth", "Write a random-weight model of a real shape (benchmarks)",
                   runSynth)

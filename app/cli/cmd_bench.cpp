// hearth-cli bench MODEL: prompt processing (-p tokens in one batch) and generation (-n tokens one
// at a time from an empty context), -r repetitions after a warm-up, like the reference's
// llama-bench, so the figures compare directly. Random token ids; output is not looked at.
// Also reported: model open time (Model::load, memory map) and time to first token for a
// --ttft-token prompt (its evaluation to the first logits, in a fresh context position 0).
#include "app/cli/cli_command.h"
#include "app/core/gpu_backend.h"
#include "engine/core/page_cache.h"
#include "engine/cpu/kernels/kernels.h"
#include "engine/model/model.h"
#include "engine/model/model_context.h"
#include "engine/store/model_store.h"
#include "engine/system/memory_info.h"
#include "engine/system/read_bandwidth.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

namespace {

// The GPU backend and layer count for --gpu-layers N|auto; no backend (with a note) when none
// can be used.
hearth::GpuPlan planGpu(int requested, const std::string& path, int nCtx, int threads,
                        QTextStream& err) {
    hearth::GpuPlan plan = hearth::planGpuLayers(requested, path, nCtx, threads);
    if (!plan.note.isEmpty()) err << "note: " << plan.note << "\n" << Qt::flush;
    return plan;
}

using Clock = std::chrono::steady_clock;

struct Series {
    std::vector<double> values;
    double median() const {
        std::vector<double> v = values;
        std::sort(v.begin(), v.end());
        if (v.empty()) return 0;
        return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    }
    double mean() const {
        double s = 0;
        for (double x : values) s += x;
        return values.empty() ? 0 : s / static_cast<double>(values.size());
    }
    double stddev() const {
        if (values.size() < 2) return 0;
        const double m = mean();
        double s = 0;
        for (double x : values) s += (x - m) * (x - m);
        return std::sqrt(s / static_cast<double>(values.size() - 1));
    }
    QJsonArray json() const {
        QJsonArray a;
        for (double x : values) a.append(x);
        return a;
    }
};

// A saved `bench --json` run to compare against (--compare), or an error saying why it is unusable.
hearth::Result<QJsonObject> loadSavedRun(const QString& file) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return hearth::makeError("cannot read " + file.toStdString() + ": " +
                                 f.errorString().toStdString());
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (doc.isNull() || !doc.isObject())
        return hearth::makeError(file.toStdString() + " is not a bench --json result" +
                                 (doc.isNull() ? " (" + pe.errorString().toStdString() + ")" : ""));
    const QJsonObject o = doc.object();
    if (!o.contains("pp_tokens_per_s") && !o.contains("tg_tokens_per_s"))
        return hearth::makeError(file.toStdString() + " has no pp/tg figures");
    return o;
}

// now / saved, or 0 when either side has no figure (a skipped phase or an old file).
double ratioOf(double now, const QJsonObject& saved, const char* key) {
    const double before = saved.value(QLatin1String(key)).toDouble(0);
    return now > 0 && before > 0 ? now / before : 0;
}

int runBench(const QStringList& args) {
    QTextStream out(stdout), err(stderr);
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Measure prompt and generation speed (tokens/s) and peak memory."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("Store name or GGUF file"));
    const QCommandLineOption pp(QStringLiteral("p"), QStringLiteral("Prompt tokens (0 = skip)"),
                                QStringLiteral("N"), QStringLiteral("512"));
    const QCommandLineOption tg(QStringLiteral("n"), QStringLiteral("Generated tokens (0 = skip)"),
                                QStringLiteral("N"), QStringLiteral("128"));
    const QCommandLineOption threads(QStringLiteral("t"),
                                     QStringLiteral("Threads (0 = one per core)"),
                                     QStringLiteral("T"), QStringLiteral("0"));
    const QCommandLineOption reps(QStringLiteral("r"), QStringLiteral("Repetitions"),
                                  QStringLiteral("R"), QStringLiteral("3"));
    const QCommandLineOption kvf32(QStringLiteral("kv-f32"),
                                   QStringLiteral("F32 KV cache instead of F16"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print one JSON object"));
    const QCommandLineOption gpu(QStringLiteral("gpu-layers"),
                                 QStringLiteral("Layers to offload to the GPU (N, or auto)"),
                                 QStringLiteral("N|auto"), QStringLiteral("0"));
    const QCommandLineOption compare(QStringLiteral("compare"),
                                     QStringLiteral("Print ratios against a saved --json run"),
                                     QStringLiteral("FILE.json"));
    const QCommandLineOption ttft(
        QStringLiteral("ttft"), QStringLiteral("Prompt tokens for time to first token (0 = skip)"),
        QStringLiteral("N"), QStringLiteral("100"));
    const QCommandLineOption dropCache(
        QStringLiteral("drop-cache"),
        QStringLiteral("Drop the model file from the page cache first: read back from disk it "
                       "maps with 2 MiB pages, as files Hearth writes do"));
    const QCommandLineOption readme(
        QStringLiteral("readme-bandwidth"),
        QStringLiteral("After the runs, also measure the read bandwidth the way the reference's "
                       "perf README does (512-bit loads over a 2 GiB buffer, best of 5; needs "
                       "2 GiB of free memory) and the decode limit it implies"));
    p.addOptions({pp, tg, threads, reps, kvf32, json, gpu, compare, ttft, dropCache, readme});
    p.process(args);
    if (p.positionalArguments().size() != 1) {
        err << "hearth-cli bench: exactly one MODEL is required\n";
        return 2;
    }
    bool ok1, ok2, ok3, ok4, ok5;
    const int nPrompt = p.value(pp).toInt(&ok1);
    const int nGen = p.value(tg).toInt(&ok2);
    const int nThreads = p.value(threads).toInt(&ok3);
    const int nReps = p.value(reps).toInt(&ok4);
    const int nTtft = p.value(ttft).toInt(&ok5);
    if (!ok1 || !ok2 || !ok3 || !ok4 || !ok5 || nPrompt < 0 || nGen < 0 || nReps < 1 || nTtft < 0) {
        err << "hearth-cli bench: -p, -n, -t, -r and --ttft take non-negative numbers (-r at least "
               "1)\n";
        return 2;
    }
    // Read the saved run before the (slow) measurement so a bad file fails fast.
    QJsonObject saved;
    if (p.isSet(compare)) {
        auto r = loadSavedRun(p.value(compare));
        if (!r) {
            err << "hearth-cli bench: --compare: " << QString::fromStdString(r.error()) << "\n";
            return 2;
        }
        saved = *r;
    }
    QString model = p.positionalArguments().first();
    std::string path = model.toStdString();
    if (!QFileInfo(model).isFile()) {
        auto r = hearth::ModelStore(hearth::ModelStore::defaultRoot()).resolve(path);
        if (!r) {
            err << "hearth-cli bench: " << QString::fromStdString(r.error()) << "\n";
            return 1;
        }
        path = r->modelPath;
    }
    const auto gpuAsked = hearth::parseGpuLayers(p.value(gpu));
    if (!gpuAsked) {
        err << "hearth-cli bench: --gpu-layers: " << QString::fromStdString(gpuAsked.error())
            << "\n";
        return 2;
    }
    // Auto sizes the layers for the context made below; gpu_layers in the JSON is the choice.
    hearth::GpuPlan gpuPlan =
        planGpu(*gpuAsked, path, std::max({16, nPrompt, nGen + 1, nTtft}), nThreads, err);
    const int gpuLayers = gpuPlan.layers;
    const std::unique_ptr<hearth::Backend> gpuBackend = std::move(gpuPlan.backend);
    if (p.isSet(dropCache))
        if (auto s = hearth::dropFromPageCache(path); !s)
            err << "hearth-cli bench: --drop-cache: " << QString::fromStdString(s.error()) << "\n";
    const auto openStart = Clock::now();
    auto m = hearth::Model::load(path, hearth::ModelOptions{nThreads, gpuLayers, gpuBackend.get()});
    const double openMs =
        std::chrono::duration<double, std::milli>(Clock::now() - openStart).count();
    if (!m) {
        err << "hearth-cli bench: " << QString::fromStdString(m.error()) << "\n";
        return 1;
    }
    const hearth::Model& mdl = **m;
    hearth::ContextOptions co;
    co.nCtx = std::max({16, nPrompt, nGen + 1, nTtft});
    co.kvType = p.isSet(kvf32) ? hearth::GgmlType::F32 : hearth::GgmlType::F16;
    co.maxBatch = std::max(1, std::min(std::max(nPrompt, nTtft), 512));
    auto ctx = hearth::ModelContext::create(mdl, co);
    if (!ctx) {
        err << "hearth-cli bench: " << QString::fromStdString(ctx.error()) << "\n";
        return 1;
    }
    hearth::ModelContext& c = **ctx;
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int32_t> pick(0, mdl.params().nVocab - 1);
    std::vector<int32_t> prompt(static_cast<size_t>(nPrompt));
    for (auto& t : prompt) t = pick(rng);
    std::vector<int32_t> ttftPrompt(static_cast<size_t>(nTtft));
    for (auto& t : ttftPrompt) t = pick(rng);

    auto fail = [&](const hearth::Status& s) {
        err << "hearth-cli bench: " << QString::fromStdString(s.error()) << "\n";
        return 1;
    };
    auto runPrompt = [&]() -> hearth::Status { return c.eval(prompt, 0, hearth::LogitsFor::Last); };
    auto runGen = [&](int n) -> hearth::Status {
        for (int i = 0; i < n; ++i) {
            const int32_t tok[1] = {pick(rng)};
            if (auto s = c.eval(tok, i, hearth::LogitsFor::Last); !s) return s;
        }
        return {};
    };
    // Warm-up: pages the weights in and settles the thread pool.
    if (nPrompt > 0)
        if (auto s = runPrompt(); !s) return fail(s);
    if (nGen > 0)
        if (auto s = runGen(std::min(nGen, 4)); !s) return fail(s);

    // The decode limit: bytes one token reads (every weight; of an untied embedding table only
    // one row) over the read bandwidth, measured on the mapped weights after each generation run.
    const hearth::GgufFile& g = mdl.gguf();
    const uint8_t *lo = nullptr, *hi = nullptr;
    for (const auto& t : g.tensors()) {
        if (!lo || t.data < lo) lo = t.data;
        if (!hi || t.data + t.nbytes > hi) hi = t.data + t.nbytes;
    }
    uint64_t bytesPerToken = mdl.weightBytes();
    if (const auto* embd = g.tensor("token_embd.weight"); embd && g.tensor("output.weight"))
        bytesPerToken -= embd->nbytes - embd->nbytes / static_cast<uint64_t>(mdl.params().nVocab);
    const bool measureLimit = nGen > 0 && !gpuBackend && lo && hi > lo;

    Series ppRate, tgRate, ttftMs, readRate;
    for (int r = 0; r < nReps; ++r) {
        if (nTtft > 0) {
            const auto t0 = Clock::now();
            if (auto s = c.eval(ttftPrompt, 0, hearth::LogitsFor::Last); !s) return fail(s);
            ttftMs.values.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
        if (nPrompt > 0) {
            const auto t0 = Clock::now();
            if (auto s = runPrompt(); !s) return fail(s);
            ppRate.values.push_back(nPrompt /
                                    std::chrono::duration<double>(Clock::now() - t0).count());
        }
        if (nGen > 0) {
            const auto t0 = Clock::now();
            if (auto s = runGen(nGen); !s) return fail(s);
            tgRate.values.push_back(nGen /
                                    std::chrono::duration<double>(Clock::now() - t0).count());
            if (measureLimit)
                readRate.values.push_back(
                    hearth::measureReadBandwidth(lo, static_cast<size_t>(hi - lo), mdl.threads()));
        }
    }
    const uint64_t peak = hearth::peakRssBytes();
    // After the peak is taken: the README probe's own 2 GiB buffer is not the model's memory.
    const double readmeRate =
        measureLimit && p.isSet(readme) ? hearth::measureReadmeBandwidth(mdl.threads()) : 0;
    const double readmeLimit = readmeRate / static_cast<double>(bytesPerToken);
    // How much of the weights the OS maps with 2 MiB pages (engine/core/page_cache.h).
    const auto hugeBytes = lo && hi > lo
                               ? hearth::hugePageMappedBytes(lo, static_cast<size_t>(hi - lo))
                               : std::nullopt;
    const double hugePercent =
        hugeBytes
            ? 100.0 * std::min(1.0, static_cast<double>(*hugeBytes) / static_cast<double>(hi - lo))
            : -1;
    const std::string isa = hearth::kernels::isaName(hearth::kernels::activeIsa());
    const double ppRatio = ratioOf(ppRate.median(), saved, "pp_tokens_per_s");
    const double tgRatio = ratioOf(tgRate.median(), saved, "tg_tokens_per_s");
    const double rssRatio = ratioOf(static_cast<double>(peak), saved, "peak_rss_bytes");
    const double limit = measureLimit ? readRate.median() / static_cast<double>(bytesPerToken) : 0;
    if (p.isSet(json)) {
        QJsonObject o;
        o["model"] = QString::fromStdString(path);
        o["description"] = QString::fromStdString(mdl.description());
        o["weight_bytes"] = static_cast<qint64>(mdl.weightBytes());
        o["backend"] = gpuBackend ? "cpu+vulkan" : "cpu";
        o["gpu_layers"] = gpuBackend ? std::min(gpuLayers, mdl.params().nLayer) : 0;
        o["isa"] = QString::fromStdString(isa);
        o["threads"] = mdl.threads();
        o["kv_type"] = p.isSet(kvf32) ? "f32" : "f16";
        o["n_prompt"] = nPrompt;
        o["n_gen"] = nGen;
        o["repetitions"] = nReps;
        o["pp_tokens_per_s"] = ppRate.median();
        o["tg_tokens_per_s"] = tgRate.median();
        o["pp_tokens_per_s_mean"] = ppRate.mean();
        o["pp_tokens_per_s_sd"] = ppRate.stddev();
        o["tg_tokens_per_s_mean"] = tgRate.mean();
        o["tg_tokens_per_s_sd"] = tgRate.stddev();
        o["pp_samples"] = ppRate.json();
        o["tg_samples"] = tgRate.json();
        o["peak_rss_bytes"] = static_cast<qint64>(peak);
        if (measureLimit) {
            o["decode_bytes_per_token"] = static_cast<qint64>(bytesPerToken);
            o["read_gb_per_s"] = readRate.median() / 1e9;
            o["read_gb_per_s_samples"] = readRate.json();
            o["decode_limit_tokens_per_s"] = limit;
            o["tg_percent_of_limit"] = 100.0 * tgRate.median() / limit;
        }
        if (readmeRate > 0) {
            o["readme_read_gb_per_s"] = readmeRate / 1e9;
            o["readme_decode_limit_tokens_per_s"] = readmeLimit;
            o["tg_percent_of_readme_limit"] = 100.0 * tgRate.median() / readmeLimit;
        }
        o["open_ms"] = openMs;
        if (hugeBytes) o["weights_in_huge_pages_percent"] = hugePercent;
        if (nTtft > 0) {
            o["ttft_prompt_tokens"] = nTtft;
            o["ttft_ms"] = ttftMs.median();
            o["ttft_samples_ms"] = ttftMs.json();
        }
        if (p.isSet(compare)) {
            QJsonObject cmp;
            cmp["file"] = p.value(compare);
            cmp["pp_ratio"] = ppRatio;
            cmp["tg_ratio"] = tgRatio;
            cmp["peak_rss_ratio"] = rssRatio;
            o["compare"] = cmp;
        }
        out << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
        return 0;
    }
    out << QString::fromStdString(mdl.description()) << " | cpu (" << QString::fromStdString(isa)
        << ") | " << mdl.threads() << " threads\n";
    if (nPrompt > 0)
        out << QStringLiteral("pp%1: %2 ± %3 t/s (median %4)\n")
                   .arg(nPrompt)
                   .arg(ppRate.mean(), 0, 'f', 2)
                   .arg(ppRate.stddev(), 0, 'f', 2)
                   .arg(ppRate.median(), 0, 'f', 2);
    if (nGen > 0)
        out << QStringLiteral("tg%1: %2 ± %3 t/s (median %4)\n")
                   .arg(nGen)
                   .arg(tgRate.mean(), 0, 'f', 2)
                   .arg(tgRate.stddev(), 0, 'f', 2)
                   .arg(tgRate.median(), 0, 'f', 2);
    if (measureLimit)
        out << QStringLiteral("decode limit: %1 t/s (%2 MB per token at %3 GB/s read, measured "
                              "after each run); tg at %4 % of it\n")
                   .arg(limit, 0, 'f', 1)
                   .arg(static_cast<double>(bytesPerToken) / 1e6, 0, 'f', 1)
                   .arg(readRate.median() / 1e9, 0, 'f', 1)
                   .arg(100.0 * tgRate.median() / limit, 0, 'f', 1);
    if (readmeRate > 0)
        out << QStringLiteral("decode limit by the reference README's method: %1 t/s (%2 GB/s "
                              "read once after the runs); tg at %3 % of it\n")
                   .arg(readmeLimit, 0, 'f', 1)
                   .arg(readmeRate / 1e9, 0, 'f', 1)
                   .arg(100.0 * tgRate.median() / readmeLimit, 0, 'f', 1);
    out << QStringLiteral("open: %1 ms\n").arg(openMs, 0, 'f', 1);
    if (hugeBytes)
        out << QStringLiteral("weights mapped with 2 MiB pages: %1 %\n")
                   .arg(hugePercent, 0, 'f', 0);
    if (nTtft > 0)
        out << QStringLiteral("time to first token (%1-token prompt): %2 ms (median)\n")
                   .arg(nTtft)
                   .arg(ttftMs.median(), 0, 'f', 1);
    out << QStringLiteral("peak RSS: %1 MiB\n")
               .arg(static_cast<double>(peak) / (1024.0 * 1024.0), 0, 'f', 1);
    if (p.isSet(compare)) {
        // Ratios of medians, now / saved: above 1 is faster (or, for RSS, bigger) than before.
        auto show = [&](const char* what, double r) {
            out << "  " << what << ": "
                << (r > 0 ? QStringLiteral("%1x").arg(r, 0, 'f', 3) : QStringLiteral("n/a"))
                << "\n";
        };
        out << "vs " << p.value(compare) << " ("
            << saved.value("description").toString(QStringLiteral("?")) << ", "
            << saved.value("threads").toInt() << " threads):\n";
        show("pp", ppRatio);
        show("tg", tgRatio);
        show("peak RSS", rssRatio);
    }
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(bench, "bench", "Measure prompt/generation tokens/s and peak memory", runBench)

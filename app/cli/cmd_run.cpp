// hearth-cli run MODEL [PROMPT]: generate text on this machine, streamed to stdout.
// With --raw the prompt is tokenized as given (BOS per the model's metadata) and only the
// generated text is printed; otherwise the model's chat template is applied, and without a
// prompt an interactive chat reads one user message per line from stdin.
#include "app/cli/cli_command.h"
#include "app/core/gpu_backend.h"
#include "engine/model/model.h"
#include "engine/session/session.h"
#include "engine/store/model_store.h"
#include "engine/template/chat_template.h"
#include "engine/tokenizer/tokenizer.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>

namespace {

// The GPU backend and layer count for --gpu-layers N|auto; no backend (with a note) when none
// can be used.
hearth::GpuPlan planGpu(int requested, const std::string& path, int nCtx, int threads,
                        QTextStream& err) {
    hearth::GpuPlan plan = hearth::planGpuLayers(requested, path, nCtx, threads);
    if (!plan.note.isEmpty()) err << "note: " << plan.note << "\n" << Qt::flush;
    return plan;
}

void writeOut(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

std::string resolveModelPath(const QString& model, QString* error) {
    if (QFileInfo(model).isFile()) return model.toStdString();
    hearth::ModelStore store(hearth::ModelStore::defaultRoot());
    auto r = store.resolve(model.toStdString());
    if (!r) {
        *error = QString::fromStdString(r.error());
        return {};
    }
    return r->modelPath;
}

void printStats(const hearth::GenerateStats& s) {
    std::fprintf(stderr,
                 "\n[prompt: %d tokens (%d evaluated), %.1f t/s | first token %.0f ms | "
                 "generated: %d tokens, %.2f t/s | stop: %s]\n",
                 s.promptTokens, s.promptEvaluated, s.promptTokensPerSecond, s.timeToFirstTokenMs,
                 s.generatedTokens, s.generatedTokensPerSecond,
                 hearth::stopReasonName(s.stopReason));
}

struct Chat {
    hearth::tmpl::ChatTemplate tmpl;
    std::vector<std::string> stops;
    std::string bos, eos;
    hearth::tmpl::Value messages = hearth::tmpl::Value::list({});

    void add(const char* role, const std::string& content) {
        hearth::tmpl::Dict d;
        d.entries.emplace_back(hearth::tmpl::Value("role"), hearth::tmpl::Value(role));
        d.entries.emplace_back(hearth::tmpl::Value("content"), hearth::tmpl::Value(content));
        hearth::tmpl::ValueList items = messages.asList();
        items.push_back(hearth::tmpl::Value::dict(std::move(d)));
        messages = hearth::tmpl::Value::list(std::move(items));
    }
};

int runRun(const QStringList& args) {
    QTextStream err(stderr);
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Generate text with a model (MODEL: a store name or a .gguf path)."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("Store name or GGUF file"));
    p.addPositionalArgument(QStringLiteral("PROMPT"),
                            QStringLiteral("Prompt; interactive chat when absent"));
    const QCommandLineOption raw(QStringLiteral("raw"),
                                 QStringLiteral("No chat template; print only the generated text"));
    const QCommandLineOption temp(QStringLiteral("temp"),
                                  QStringLiteral("Temperature (0 = greedy)"), QStringLiteral("T"),
                                  QStringLiteral("0.8"));
    const QCommandLineOption nTok(QStringLiteral("n"),
                                  QStringLiteral("Tokens to generate (-1 = until end)"),
                                  QStringLiteral("N"), QStringLiteral("-1"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("CPU threads (0 = one per core)"),
                                     QStringLiteral("T"), QStringLiteral("0"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Sampling seed"),
                                  QStringLiteral("S"));
    const QCommandLineOption ctx(QStringLiteral("ctx"), QStringLiteral("Context length"),
                                 QStringLiteral("N"), QStringLiteral("2048"));
    const QCommandLineOption gpu(QStringLiteral("gpu-layers"),
                                 QStringLiteral("Layers to offload to the GPU (0 = CPU only, "
                                                "auto = as many as fit)"),
                                 QStringLiteral("N|auto"), QStringLiteral("0"));
    const QCommandLineOption topK(QStringLiteral("top-k"), QStringLiteral("Top-k (0 = off)"),
                                  QStringLiteral("K"), QStringLiteral("40"));
    const QCommandLineOption topP(QStringLiteral("top-p"), QStringLiteral("Top-p (1 = off)"),
                                  QStringLiteral("P"), QStringLiteral("0.95"));
    const QCommandLineOption minP(QStringLiteral("min-p"), QStringLiteral("Min-p (0 = off)"),
                                  QStringLiteral("P"), QStringLiteral("0.05"));
    const QCommandLineOption repeat(QStringLiteral("repeat-penalty"),
                                    QStringLiteral("Repetition penalty (1 = off)"),
                                    QStringLiteral("R"), QStringLiteral("1.0"));
    const QCommandLineOption verbose(QStringLiteral("verbose"),
                                     QStringLiteral("Print model info and statistics to stderr"));
    p.addOptions({raw, temp, nTok, threads, seed, ctx, gpu, topK, topP, minP, repeat, verbose});
    p.process(args);
    const QStringList pos = p.positionalArguments();
    if (pos.isEmpty()) {
        err << "hearth-cli run: MODEL is required\n";
        return 2;
    }
    bool ok = true;
    auto num = [&](const QCommandLineOption& o) {
        bool good = false;
        const double v = p.value(o).toDouble(&good);
        if (!good) {
            err << "hearth-cli run: --" << o.names().first() << " needs a number\n";
            ok = false;
        }
        return v;
    };
    hearth::GenerateParams gp;
    gp.sampling.temperature = static_cast<float>(num(temp));
    gp.maxTokens = static_cast<int>(num(nTok));
    gp.sampling.topK = static_cast<int>(num(topK));
    gp.sampling.topP = static_cast<float>(num(topP));
    gp.sampling.minP = static_cast<float>(num(minP));
    gp.sampling.repeatPenalty = static_cast<float>(num(repeat));
    gp.sampling.seed =
        p.isSet(seed)
            ? static_cast<uint64_t>(num(seed))
            : static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    const int nThreads = static_cast<int>(num(threads));
    const int nCtx = static_cast<int>(num(ctx));
    const auto gpuAsked = hearth::parseGpuLayers(p.value(gpu));
    if (!gpuAsked) {
        err << "hearth-cli run: --gpu-layers: " << QString::fromStdString(gpuAsked.error()) << "\n";
        ok = false;
    }
    if (!ok) return 2;
    if (nCtx <= 0) {
        err << "hearth-cli run: --ctx must be positive\n";
        return 2;
    }

    QString resolveError;
    const std::string path = resolveModelPath(pos[0], &resolveError);
    if (path.empty()) {
        err << "hearth-cli run: " << resolveError << "\n";
        return 1;
    }
    hearth::GpuPlan gpuPlan = planGpu(*gpuAsked, path, nCtx, nThreads, err);
    const int gpuLayers = gpuPlan.layers;
    const std::unique_ptr<hearth::Backend> gpuBackend = std::move(gpuPlan.backend);
    auto model =
        hearth::Model::load(path, hearth::ModelOptions{nThreads, gpuLayers, gpuBackend.get()});
    if (!model) {
        err << "hearth-cli run: " << QString::fromStdString(model.error()) << "\n";
        return 1;
    }
    auto tokenizer = hearth::Tokenizer::fromGguf((*model)->gguf());
    if (!tokenizer) {
        err << "hearth-cli run: " << QString::fromStdString(tokenizer.error()) << "\n";
        return 1;
    }
    if (p.isSet(verbose)) {
        err << "model: " << QString::fromStdString((*model)->description()) << ", "
            << (*model)->threads() << " threads, context " << nCtx << "\n";
        if (gpuBackend)
            err << "gpu: " << QString::fromStdString(gpuBackend->info().name) << ", last "
                << std::min(gpuLayers, (*model)->params().nLayer) << " layers"
                << (gpuPlan.automatic ? " (auto)" : "") << "\n";
        err.flush();
    }
    hearth::SessionOptions so;
    so.nCtx = nCtx;
    auto session = hearth::Session::create(**model, **tokenizer, so);
    if (!session) {
        err << "hearth-cli run: " << QString::fromStdString(session.error()) << "\n";
        return 1;
    }
    const auto sink = [](std::string_view t) { writeOut(t); };

    if (p.isSet(raw)) {
        const std::string prompt = pos.mid(1).join(' ').toStdString();
        auto stats = (*session)->generate(std::string_view(prompt), gp, sink);
        if (!stats) {
            err << "hearth-cli run: " << QString::fromStdString(stats.error()) << "\n";
            return 1;
        }
        if (isatty(STDOUT_FILENO)) writeOut("\n");
        if (p.isSet(verbose)) printStats(*stats);
        return 0;
    }

    // Chat: the model's template renders the whole conversation; the session reuses the prefix.
    const hearth::Tokenizer& tok = **tokenizer;
    const hearth::GgufFile& g = (*model)->gguf();
    hearth::tmpl::TemplateSources src;
    src.ggufTemplate = std::string(g.getString("tokenizer.chat_template").value_or(""));
    src.architecture = (*model)->params().archName;
    for (int32_t i = 0; i < tok.nVocab(); ++i)
        if (tok.isControl(i)) src.specialTokens.push_back(tok.tokenText(i));
    auto tmpl = hearth::tmpl::ChatTemplate::select(src);
    if (!tmpl) {
        err << "hearth-cli run: " << QString::fromStdString(tmpl.error()) << "\n";
        return 1;
    }
    Chat chat{std::move(tmpl).value(), {}, {}, {}, hearth::tmpl::Value::list({})};
    chat.bos = tok.bos() >= 0 ? tok.tokenText(tok.bos()) : "";
    chat.eos = tok.eos() >= 0 ? tok.tokenText(tok.eos()) : "";
    chat.stops = chat.tmpl.stopSequences(chat.eos, src.specialTokens);
    gp.stop = chat.stops;
    gp.parseSpecial = true;

    auto turn = [&](const std::string& user) -> int {
        chat.add("user", user);
        hearth::tmpl::ChatRequest req;
        req.messages = chat.messages;
        req.bosToken = chat.bos;
        req.eosToken = chat.eos;
        auto text = chat.tmpl.render(req);
        if (!text) {
            err << "hearth-cli run: template: " << QString::fromStdString(text.error()) << "\n";
            return 1;
        }
        // The template usually writes BOS itself; add it only when it did not.
        const bool addBos = chat.bos.empty() || !text->starts_with(chat.bos);
        std::vector<int32_t> ids = tok.encode(*text, addBos, true);
        std::string reply;
        auto stats = (*session)->generate(ids, gp, [&](std::string_view t) {
            reply += t;
            writeOut(t);
        });
        if (!stats) {
            err << "hearth-cli run: " << QString::fromStdString(stats.error()) << "\n";
            return 1;
        }
        writeOut("\n");
        if (p.isSet(verbose)) printStats(*stats);
        chat.add("assistant", reply);
        return 0;
    };
    if (pos.size() > 1) return turn(pos.mid(1).join(' ').toStdString());
    std::string line;
    for (;;) {
        std::fputs("> ", stderr);
        if (!std::getline(std::cin, line)) break;
        if (line.empty()) continue;
        if (int rc = turn(line); rc != 0) return rc;
    }
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(run, "run", "Generate text with a model (chat, or --raw completion)", runRun)

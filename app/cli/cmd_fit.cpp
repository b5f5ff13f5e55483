// hearth-cli fit: which quantization of a model fits this machine, at which context length.
// The numbers come from engine/fit; this file only reads the catalog, parses options and prints.
#include "app/cli/cli_command.h"
#include "app/core/byte_size.h"
#include "app/core/remote_gguf_header.h"
#include "app/core/starter_catalog.h"
#include "engine/fit/fit_report.h"
#include "engine/fit/split_model.h"
#include "engine/store/model_store.h"
#include "engine/system/cpu_info.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <memory>
#include <optional>

namespace {

using namespace hearth;
using namespace hearth::fit;

Result<CatalogModel> findCatalogModel(const QString& path, const QString& id) {
    if (path.isEmpty()) return makeError("the model catalog was not found (use --catalog FILE)");
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return makeError("cannot read catalog " + path.toStdString());
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (doc.isNull())
        return makeError("catalog " + path.toStdString() + ": " + pe.errorString().toStdString());
    QStringList ids;
    for (const auto& v : doc.object().value(QLatin1String("models")).toArray()) {
        const QJsonObject o = v.toObject();
        const QString mid = o.value(QLatin1String("id")).toString();
        ids << mid;
        if (mid.compare(id, Qt::CaseInsensitive) == 0 ||
            o.value(QLatin1String("ollama")).toString().compare(id, Qt::CaseInsensitive) == 0)
            return parseCatalogModel(o);
    }
    const QString msg = QStringLiteral("'%1' is neither a file, a model in the store nor a "
                                       "catalog model; catalog ids: %2")
                            .arg(id, ids.join(QStringLiteral(", ")));
    return makeError(msg.toStdString());
}

// "8G", "512M", "1.5GiB", "123456": bytes.
std::optional<uint64_t> parseSize(QString text) {
    text = text.trimmed().toUpper();
    if (text.endsWith(QLatin1String("IB")))
        text.chop(2);
    else if (text.endsWith(QLatin1Char('B')))
        text.chop(1);
    double scale = 1;
    if (!text.isEmpty()) {
        const QChar unit = text.back();
        if (unit == QLatin1Char('K'))
            scale = 1024.0;
        else if (unit == QLatin1Char('M'))
            scale = 1024.0 * 1024;
        else if (unit == QLatin1Char('G'))
            scale = 1024.0 * 1024 * 1024;
        else if (unit == QLatin1Char('T'))
            scale = 1024.0 * 1024 * 1024 * 1024;
        if (scale != 1) text.chop(1);
    }
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || v < 0 || v * scale > 1e18) return std::nullopt;
    return static_cast<uint64_t>(v * scale);
}

QJsonObject rowJson(const FitReport& r, size_t i) {
    const FitRow& row = r.rows[i];
    QJsonObject o;
    o[QStringLiteral("variant")] = QString::fromStdString(row.variant);
    o[QStringLiteral("ctx")] = static_cast<double>(r.nCtx);
    o[QStringLiteral("source")] = row.isFile ? QStringLiteral("file") : QStringLiteral("estimate");
    if (row.fileBytes) {
        o[QStringLiteral("file_bytes")] = static_cast<double>(row.fileBytes);
        o[QStringLiteral("file_bytes_estimated")] = row.fileBytesEstimated;
    }
    if (!row.error.empty()) {
        o[QStringLiteral("verdict")] = QStringLiteral("unavailable");
        o[QStringLiteral("error")] = QString::fromStdString(row.error);
        return o;
    }
    const FitResult& f = row.fit;
    const MemoryEstimate& e = f.estimate;
    o[QStringLiteral("bits_per_weight")] = e.bitsPerWeight;
    o[QStringLiteral("weights_bytes")] = static_cast<double>(e.weightsBytes);
    o[QStringLiteral("kv_bytes")] = static_cast<double>(e.kvBytes);
    o[QStringLiteral("compute_bytes")] = static_cast<double>(e.computeBytes);
    o[QStringLiteral("overhead_bytes")] = static_cast<double>(e.overheadBytes);
    o[QStringLiteral("total_bytes")] = static_cast<double>(e.totalBytes());
    o[QStringLiteral("verdict")] = QString::fromUtf8(
        verdictName(f.verdict).data(), static_cast<int>(verdictName(f.verdict).size()));
    o[QStringLiteral("gpu_layers")] = static_cast<double>(f.placement.gpuLayers);
    o[QStringLiteral("n_layers")] = static_cast<double>(e.nLayer);
    o[QStringLiteral("host_bytes")] = static_cast<double>(f.placement.hostTotal());
    o[QStringLiteral("device_bytes")] = static_cast<double>(f.placement.deviceTotal());
    o[QStringLiteral("host_left_bytes")] = static_cast<double>(f.hostLeftBytes);
    o[QStringLiteral("device_left_bytes")] = static_cast<double>(f.deviceLeftBytes);
    o[QStringLiteral("margin_bytes")] = static_cast<double>(f.hostMargin);
    o[QStringLiteral("recommended")] = static_cast<int>(i) == r.recommended;
    o[QStringLiteral("summary")] = QString::fromStdString(f.summary);
    return o;
}

void printTable(QTextStream& out, const FitReport& r) {
    out << "Context " << r.nCtx << "\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8\n")
               .arg(QStringLiteral("variant"), -15)
               .arg(QStringLiteral("bpw"), 5)
               .arg(QStringLiteral("weights"), 10)
               .arg(QStringLiteral("KV"), 10)
               .arg(QStringLiteral("compute"), 10)
               .arg(QStringLiteral("overhead"), 10)
               .arg(QStringLiteral("total"), 10)
               .arg(QStringLiteral("verdict"));
    for (size_t i = 0; i < r.rows.size(); ++i) {
        const FitRow& row = r.rows[i];
        QString name = QString::fromStdString(row.variant);
        if (row.isFile) name += QStringLiteral(" (file)");
        if (static_cast<int>(i) == r.recommended) name += QLatin1Char('*');
        if (!row.error.empty()) {
            out << name.leftJustified(15) << " unavailable: " << QString::fromStdString(row.error)
                << "\n";
            continue;
        }
        const auto& e = row.fit.estimate;
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8\n")
                   .arg(name, -15)
                   .arg(e.bitsPerWeight, 5, 'f', 2)
                   .arg(hearth::byteSizeText(e.weightsBytes), 10)
                   .arg(hearth::byteSizeText(e.kvBytes), 10)
                   .arg(hearth::byteSizeText(e.computeBytes), 10)
                   .arg(hearth::byteSizeText(e.overheadBytes), 10)
                   .arg(hearth::byteSizeText(e.totalBytes()), 10)
                   .arg(QString::fromStdString(row.fit.summary));
    }
    if (r.recommended >= 0)
        out << "* recommended: "
            << QString::fromStdString(r.rows[static_cast<size_t>(r.recommended)].variant)
            << " (the most bits per weight that fits with the margin left)\n";
    else
        out << "No variant fits comfortably at this context length.\n";
}

int runFit(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Estimate the memory each quantization of a model needs (weights, KV cache, compute\n"
        "buffers, overhead) and whether it fits this machine's RAM and GPU.\n"
        "MODEL is a GGUF file, a model in the store (llama3.2:1b), a catalog id, or a remote\n"
        "GGUF (an https URL, hf.co/user/repo:QUANT, hf:user/repo/file.gguf) of which only the\n"
        "header is read, with HTTP Range requests. For a split model give its first part\n"
        "(x-00001-of-00003.gguf): every part's header is read (local parts from the same folder).\n"
        "With --json, prints one JSON object per line: per variant (the file itself first) and\n"
        "context."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("model"),
                            QStringLiteral("GGUF file, store name, catalog id or URL"));
    QCommandLineOption ctx(
        QStringLiteral("ctx"),
        QStringLiteral("Context length (default: 4096, or the model's maximum if smaller)."),
        QStringLiteral("N"));
    QCommandLineOption allCtx(
        QStringLiteral("all-ctx"),
        QStringLiteral("Every context length from 2048 to the model's maximum."));
    QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Machine-readable output."));
    QCommandLineOption kv(QStringLiteral("kv-cache"),
                          QStringLiteral("KV cache type: f16 (default), q8_0, f32."),
                          QStringLiteral("type"), QStringLiteral("f16"));
    QCommandLineOption variants(
        QStringLiteral("variants"),
        QStringLiteral("Comma-separated variants, e.g. Q4_K_M,Q8_0 (GGUF only)."),
        QStringLiteral("list"));
    QCommandLineOption catalog(QStringLiteral("catalog"), QStringLiteral("Catalog JSON file."),
                               QStringLiteral("file"));
    QCommandLineOption ramTotal(QStringLiteral("ram-total"),
                                QStringLiteral("Pretend total RAM, e.g. 16G."),
                                QStringLiteral("size"));
    QCommandLineOption ramAvail(QStringLiteral("ram-available"),
                                QStringLiteral("Pretend available RAM."), QStringLiteral("size"));
    QCommandLineOption vram(QStringLiteral("vram"),
                            QStringLiteral("Pretend GPU memory (0 = no GPU)."),
                            QStringLiteral("size"));
    QCommandLineOption models(
        QStringLiteral("models"),
        QStringLiteral("Store root (default $OLLAMA_MODELS, else ~/.ollama/models)."),
        QStringLiteral("dir"));
    QCommandLineOption linked(
        QStringLiteral("linked"),
        QStringLiteral("A folder of loose .gguf files to search too (repeatable)."),
        QStringLiteral("dir"));
    QCommandLineOption hfEndpoint(QStringLiteral("hf-endpoint"),
                                  QStringLiteral("Hugging Face base URL (default $HF_ENDPOINT, "
                                                 "else https://huggingface.co)."),
                                  QStringLiteral("url"));
    p.addOptions({ctx, allCtx, json, kv, variants, catalog, ramTotal, ramAvail, vram, models,
                  linked, hfEndpoint});
    p.process(args);

    QTextStream out(stdout), err(stderr);
    auto fail = [&err](const QString& msg) {
        err << "hearth-cli fit: " << msg << "\n";
        return 1;
    };
    if (p.positionalArguments().size() != 1)
        return fail(QStringLiteral("give one model (a GGUF file or a catalog id)"));
    const QString target = p.positionalArguments().first();

    EstimateOptions opt;
    auto kvType = kvCacheTypeFromName(p.value(kv).toStdString());
    if (!kvType)
        return fail(QStringLiteral("unknown KV cache type '%1' (f16, q8_0, f32)").arg(p.value(kv)));
    opt.kvType = *kvType;
    // The engine runs one thread per physical core; each keeps an attention row.
    opt.threads = std::max(1, hearth::cpuInfo().physicalCores);

    MachineMemory machine = probeMachineMemory();
    for (auto [option, field] :
         {std::pair{&ramTotal, &machine.ramTotalBytes},
          std::pair{&ramAvail, &machine.ramAvailableBytes}, std::pair{&vram, &machine.gpuBytes}}) {
        if (!p.isSet(*option)) continue;
        auto v = parseSize(p.value(*option));
        if (!v)
            return fail(QStringLiteral("bad size '%1' for --%2")
                            .arg(p.value(*option), option->names().first()));
        *field = *v;
        if (option == &vram) machine.gpuName = *v ? "given with --vram" : "";
    }
    if (p.isSet(ramTotal) && !p.isSet(ramAvail)) machine.ramAvailableBytes = machine.ramTotalBytes;
    machine.ramAvailableBytes = std::min(machine.ramAvailableBytes, machine.ramTotalBytes);

    // The model: a file, a store name, a catalog id, else a remote GGUF's header.
    std::vector<std::unique_ptr<GgufFile>> localParts; // one, or every part of a split model
    std::unique_ptr<RemoteGguf> remote;
    std::optional<CatalogModel> entry;
    ModelShape shape;
    QString localPath;
    const bool isUrl = target.contains(QLatin1String("://"));
    if (QFileInfo(target).isFile()) {
        localPath = target;
    } else if (!isUrl) {
        ModelStore store(p.isSet(models) ? p.value(models).toStdString()
                                         : ModelStore::defaultRoot());
        std::vector<std::string> folders;
        for (const QString& d : p.values(linked)) folders.push_back(d.toStdString());
        store.setLinkedFolders(std::move(folders));
        if (auto r = store.resolve(target.toStdString()); r && !r->modelPath.empty())
            localPath = QString::fromStdString(r->modelPath);
    }
    if (!localPath.isEmpty()) {
        auto f = openModelParts(localPath.toStdString());
        if (!f) return fail(QString::fromStdString(f.error()));
        auto s = shapeFromGguf(*f->front());
        if (!s) return fail(QString::fromStdString(s.error()));
        shape = *s;
        localParts = std::move(*f);
    } else if (looksLikeRemoteGguf(target)) {
        DownloadSettings settings = DownloadSettings::fromEnvironment();
        if (p.isSet(hfEndpoint)) settings.hfEndpoint = QUrl(p.value(hfEndpoint));
        RemoteFetchResult fetched = fetchRemoteGgufHeader(target, settings);
        if (!fetched.gguf) return fail(fetched.error);
        auto s = shapeFromGguf(*fetched.gguf->gguf);
        if (!s)
            return fail(fetched.gguf->displayName + QStringLiteral(": ") +
                        QString::fromStdString(s.error()));
        shape = *s;
        remote = std::move(fetched.gguf);
    } else {
        auto m = findCatalogModel(findCatalogFile(p.value(catalog)), target);
        if (!m) return fail(QString::fromStdString(m.error()));
        shape = m->shape;
        entry = std::move(*m);
    }
    std::vector<const GgufFile*> headers; // empty for a catalog entry
    if (remote) headers = remote->headers();
    for (const auto& f : localParts) headers.push_back(f.get());
    std::vector<std::string> wanted;
    for (const auto& v : p.value(variants).split(QLatin1Char(','), Qt::SkipEmptyParts))
        wanted.push_back(v.trimmed().toStdString());
    if (entry && !wanted.empty()) {
        std::vector<CatalogVariant> keep;
        for (const auto& w : wanted) {
            CatalogVariant cv{w, 0, false};
            for (const auto& have : entry->variants)
                if (QString::fromStdString(have.name).compare(QString::fromStdString(w),
                                                              Qt::CaseInsensitive) == 0)
                    cv = have;
            keep.push_back(cv);
        }
        entry->variants = std::move(keep);
    }

    std::vector<int64_t> contexts;
    if (p.isSet(allCtx)) {
        contexts = contextSteps(shape.nCtxTrain);
    } else if (p.isSet(ctx)) {
        bool ok = false;
        const qlonglong n = p.value(ctx).toLongLong(&ok);
        if (!ok || n <= 0) return fail(QStringLiteral("bad context length '%1'").arg(p.value(ctx)));
        contexts = {n};
    } else {
        contexts = {std::min<int64_t>(4096, shape.nCtxTrain)};
    }

    if (!p.isSet(json)) {
        out << "Model: " << target << " (" << QString::fromStdString(shape.arch) << ", "
            << shape.nLayer << " layers, n_embd " << shape.nEmbd << ", " << shape.nHead
            << " heads / " << shape.nHeadKv << " KV heads, vocab " << shape.nVocab
            << ", max context " << shape.nCtxTrain
            << (shape.tiedEmbeddings ? ", tied embeddings" : "") << ")\n";
        if (headers.size() > 1)
            out << "Split model: " << headers.size()
                << " parts, estimated as the merged file the store keeps\n";
        if (remote)
            out << "Remote: " << remote->displayName
                << (remote->laterParts.empty() ? QStringLiteral(", header")
                                               : QStringLiteral(" and %1 more part(s), headers")
                                                     .arg(remote->laterParts.size()))
                << " read with " << remote->totalRequests()
                << " range request(s): " << hearth::byteSizeText(remote->totalBytesRead()) << " of "
                << (remote->totalFileSize() >= 0 ? hearth::byteSizeText(remote->totalFileSize())
                                                 : QStringLiteral("?"))
                << "\n";
        out << "Machine: RAM " << hearth::byteSizeText(machine.ramTotalBytes) << " total, "
            << hearth::byteSizeText(machine.ramAvailableBytes) << " available; GPU: "
            << (machine.gpuBytes ? QString::fromStdString(machine.gpuName) + " " +
                                       hearth::byteSizeText(machine.gpuBytes)
                                 : QStringLiteral("none"))
            << "\nKV cache " << QString::fromUtf8(kvCacheTypeName(opt.kvType).data()) << ", batch "
            << opt.batch << "; safety margin " << hearth::byteSizeText(hostMarginBytes(machine, {}))
            << " RAM\n\n";
    }
    for (int64_t c : contexts) {
        opt.nCtx = c;
        auto report = !headers.empty() ? fitReportForGgufParts(headers, wanted, opt, machine)
                                       : fitReportForCatalog(*entry, opt, machine);
        if (!report) return fail(QString::fromStdString(report.error()));
        // A header alone knows the data size only from its tensor table; the server knows better.
        // (A split model's row is the merged file, sized exactly from the parts' headers.)
        if (remote && remote->laterParts.empty() && remote->fileSize > 0 && !report->rows.empty())
            report->rows.front().fileBytes = static_cast<uint64_t>(remote->fileSize);
        if (p.isSet(json)) {
            for (size_t i = 0; i < report->rows.size(); ++i)
                out << QJsonDocument(rowJson(*report, i)).toJson(QJsonDocument::Compact) << "\n";
        } else {
            printTable(out, *report);
            out << "\n";
        }
    }
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(fit, "fit", "Which quantization of a model fits this machine's memory", runFit)

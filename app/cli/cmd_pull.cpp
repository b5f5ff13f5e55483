// hearth-cli pull: a model from an Ollama-style registry or a Hugging Face GGUF file into the
// store, with a terminal progress bar. Exit 0 only when the model is complete, verified and listed.
#include "app/cli/cli_command.h"
#include "app/core/byte_size.h"
#include "app/core/download_manager.h"
#include "engine/store/model_store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

namespace {

QString progressLine(const hearth::DownloadJob& job) {
    const qint64 total = job.bytesTotal(), done = job.bytesDone();
    const int width = 30;
    const int filled = total > 0 ? int(double(done) / double(total) * width) : 0;
    QString bar = QString(filled, QLatin1Char('#')) + QString(width - filled, QLatin1Char('-'));
    QString eta = QStringLiteral("--");
    if (const qint64 s = job.etaSeconds(); s >= 0)
        eta = s >= 3600 ? QStringLiteral("%1h%2m").arg(s / 3600).arg((s % 3600) / 60)
                        : QStringLiteral("%1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 [%2] %3%  %4 of %5  %6  ETA %7")
        .arg(job.stateName(), bar)
        .arg(total > 0 ? int(100.0 * double(done) / double(total)) : 0, 3)
        .arg(hearth::byteSizeText(done), hearth::byteSizeText(total),
             hearth::byteRateText(job.bytesPerSecond()), eta);
}

int runPull(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Pull a model into the store.\n"
        "  NAME: an Ollama name (llama3.2:1b, hf.co/user/repo:Q4_K_M),\n"
        "        or a Hugging Face file: hf:user/repo[:QUANT] or hf:user/repo/file.gguf"));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("name"), QStringLiteral("What to pull."));
    p.addOption({QStringLiteral("models"),
                 QStringLiteral("Store root (default $OLLAMA_MODELS, else ~/.ollama/models)."),
                 QStringLiteral("dir")});
    p.addOption({QStringLiteral("registry"),
                 QStringLiteral("Ollama registry base URL (default $HEARTH_REGISTRY, else "
                                "https://registry.ollama.ai)."),
                 QStringLiteral("url")});
    p.addOption({QStringLiteral("hf-endpoint"),
                 QStringLiteral("Hugging Face base URL (default $HF_ENDPOINT, else "
                                "https://huggingface.co)."),
                 QStringLiteral("url")});
    p.addOption({QStringLiteral("parallel"),
                 QStringLiteral("Blobs downloaded at once (default 3)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("connections"),
                 QStringLiteral("Connections per large blob, each fetching Range chunks (default "
                                "4; 1 = one stream)."),
                 QStringLiteral("n")});
    p.addOption({QStringLiteral("chunk-size"),
                 QStringLiteral("Chunk size in MiB for large blobs (default 16); blobs over 4 "
                                "chunks are split."),
                 QStringLiteral("mib")});
    p.addOption({QStringLiteral("limit-rate"),
                 QStringLiteral("Bandwidth limit in bytes per second (default none)."),
                 QStringLiteral("bytes")});
    p.addOption(
        {QStringLiteral("stall-timeout"),
         QStringLiteral("Seconds without data before a connection is retried (default 30)."),
         QStringLiteral("s")});
    p.addOption({QStringLiteral("retry-delay"),
                 QStringLiteral("First retry delay in milliseconds, doubling (default 1000)."),
                 QStringLiteral("ms")});
    p.process(args);
    QTextStream err(stderr), out(stdout);
    if (p.positionalArguments().size() != 1) {
        err << "hearth-cli pull: give exactly one NAME (see --help)\n";
        return 2;
    }
    const QString spec = p.positionalArguments().first();

    hearth::DownloadSettings settings = hearth::DownloadSettings::fromEnvironment();
    if (p.isSet(QStringLiteral("registry")))
        settings.registry = QUrl(p.value(QStringLiteral("registry")));
    if (p.isSet(QStringLiteral("hf-endpoint")))
        settings.hfEndpoint = QUrl(p.value(QStringLiteral("hf-endpoint")));
    if (p.isSet(QStringLiteral("parallel")))
        settings.parallelBlobs = p.value(QStringLiteral("parallel")).toInt();
    if (p.isSet(QStringLiteral("connections")))
        settings.chunkConnections = p.value(QStringLiteral("connections")).toInt();
    if (p.isSet(QStringLiteral("chunk-size"))) {
        settings.chunkSize = qint64(p.value(QStringLiteral("chunk-size")).toDouble() * 1048576);
        settings.chunkThreshold = 4 * settings.chunkSize;
    }
    if (p.isSet(QStringLiteral("limit-rate")))
        settings.bandwidthLimit = p.value(QStringLiteral("limit-rate")).toLongLong();
    if (p.isSet(QStringLiteral("stall-timeout")))
        settings.stallTimeoutMs = int(p.value(QStringLiteral("stall-timeout")).toDouble() * 1000);
    if (p.isSet(QStringLiteral("retry-delay")))
        settings.backoffBaseMs = p.value(QStringLiteral("retry-delay")).toInt();
    for (const QUrl& u : {settings.registry, settings.hfEndpoint})
        if (const QString e = hearth::urlPolicyError(u); !e.isEmpty()) {
            err << "hearth-cli pull: " << e << "\n";
            return 2;
        }
    const QString root = p.isSet(QStringLiteral("models"))
                             ? p.value(QStringLiteral("models"))
                             : QString::fromStdString(hearth::ModelStore::defaultRoot());

    hearth::DownloadManager manager(settings, root);
    hearth::DownloadJob* job = manager.enqueue(spec);
    const bool tty = ::isatty(STDERR_FILENO);
    QTimer ticker;
    ticker.setInterval(tty ? 200 : 2000);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        if (job->state() != hearth::DownloadJob::State::Downloading) return;
        err << (tty ? "\r" : "") << progressLine(*job) << (tty ? "" : "\n");
        err.flush();
    });
    ticker.start();
    QEventLoop loop;
    QObject::connect(job, &hearth::DownloadJob::finished, &loop, &QEventLoop::quit);
    if (!job->finishedState()) loop.exec();
    ticker.stop();
    if (tty) err << "\r" << progressLine(*job) << "\n";

    if (job->state() != hearth::DownloadJob::State::Done) {
        err << "hearth-cli pull: " << job->error() << "\n";
        return 1;
    }
    // Success means the store lists it and every blob checks out.
    hearth::ModelStore store(root.toStdString());
    auto entries = store.list(false);
    bool listed = false;
    if (entries)
        for (const hearth::StoreEntry& e : *entries)
            listed = listed || (QString::fromStdString(e.displayName) == job->modelName() &&
                                e.problems.empty());
    if (!listed) {
        err << "hearth-cli pull: " << job->modelName()
            << " was written but the store does not list it\n";
        return 1;
    }
    out << "pulled " << job->modelName() << " (" << hearth::byteSizeText(job->bytesTotal())
        << ")\n";
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(pull, "pull", "Pull a model from the Ollama registry or Hugging Face", runPull)

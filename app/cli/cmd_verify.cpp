// hearth-cli verify NAME: check every blob of a model (present, right size, right SHA-256).
#include "app/cli/cli_command.h"
#include "engine/store/model_store.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace {

int runVerify(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Verify a model's blobs against their SHA-256 digests."));
    p.addHelpOption();
    p.addOption({QStringLiteral("models"),
                 QStringLiteral("Store root (default $OLLAMA_MODELS, else ~/.ollama/models)."),
                 QStringLiteral("dir")});
    p.addOption({QStringLiteral("linked"),
                 QStringLiteral("A folder of loose .gguf files to search too (repeatable)."),
                 QStringLiteral("dir")});
    p.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The model to verify."));
    p.process(args);
    QTextStream out(stdout), err(stderr);
    if (p.positionalArguments().size() != 1) {
        err << "usage: hearth-cli verify NAME [--models DIR]\n";
        return 2;
    }
    hearth::ModelStore store(p.isSet(QStringLiteral("models"))
                                 ? p.value(QStringLiteral("models")).toStdString()
                                 : hearth::ModelStore::defaultRoot());
    std::vector<std::string> linked;
    for (const QString& d : p.values(QStringLiteral("linked"))) linked.push_back(d.toStdString());
    store.setLinkedFolders(linked);
    int lastPercent = -1;
    auto report = store.verify(p.positionalArguments().first().toStdString(),
                               [&](uint64_t done, uint64_t total) {
                                   const int percent = total ? int(done * 100 / total) : 100;
                                   if (percent / 10 != lastPercent / 10) {
                                       err << "\rverifying " << percent / 10 * 10 << "%";
                                       err.flush();
                                       lastPercent = percent;
                                   }
                                   return true;
                               });
    if (lastPercent >= 0) err << "\n";
    if (!report) {
        err << "hearth-cli verify: " << QString::fromStdString(report.error()) << "\n";
        return 1;
    }
    for (const hearth::BlobCheck& b : report->blobs) {
        const QString what =
            b.digest.empty() ? QString::fromStdString(b.path) : QString::fromStdString(b.digest);
        out << (b.ok ? "ok      " : "FAILED  ") << what << "  "
            << QString::fromStdString(b.mediaType);
        if (!b.ok) out << "  (" << QString::fromStdString(b.problem) << ")";
        out << "\n";
    }
    out << (report->ok() ? "verified\n" : "verification FAILED\n");
    return report->ok() ? 0 : 1;
}

} // namespace

HEARTH_CLI_COMMAND(verify, "verify", "Check a model's blobs against their SHA-256 digests",
                   runVerify)

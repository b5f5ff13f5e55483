// hearth-cli rm NAME: delete a model's manifest, then the blobs no other model uses.
#include "app/cli/cli_command.h"
#include "engine/store/model_store.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace {

int runRm(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Remove a model from the store; blobs other models share are kept."));
    p.addHelpOption();
    p.addOption({QStringLiteral("models"),
                 QStringLiteral("Store root (default $OLLAMA_MODELS, else ~/.ollama/models)."),
                 QStringLiteral("dir")});
    p.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The model to remove."));
    p.process(args);
    QTextStream out(stdout), err(stderr);
    if (p.positionalArguments().size() != 1) {
        err << "usage: hearth-cli rm NAME [--models DIR]\n";
        return 2;
    }
    hearth::ModelStore store(p.isSet(QStringLiteral("models"))
                                 ? p.value(QStringLiteral("models")).toStdString()
                                 : hearth::ModelStore::defaultRoot());
    const QString name = p.positionalArguments().first();
    auto r = store.remove(name.toStdString());
    if (!r) {
        err << "hearth-cli rm: " << QString::fromStdString(r.error()) << "\n";
        return 1;
    }
    for (const std::string& w : r->warnings)
        err << "warning: " << QString::fromStdString(w) << "\n";
    out << "deleted '" << name << "' (" << r->removedBlobs.size() << " blobs removed, "
        << r->keptBlobs.size() << " kept for other models)\n";
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(rm, "rm", "Remove a model from the store", runRm)

// hearth-cli import FILE [NAME]: add a loose .gguf to the store so Hearth and Ollama both see it.
// The first part of a split GGUF ("-00001-of-00003.gguf") imports the whole model (the store's
// import merges the parts).
#include "app/cli/cli_command.h"
#include "engine/store/model_store.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace {

int runImport(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Import a .gguf file into the model store (hard link when possible, else a copy)."));
    p.addHelpOption();
    p.addOption({QStringLiteral("models"),
                 QStringLiteral("Store root (default $OLLAMA_MODELS, else ~/.ollama/models)."),
                 QStringLiteral("dir")});
    p.addOption({QStringLiteral("copy"),
                 QStringLiteral("Always copy the file instead of hard-linking it.")});
    p.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The .gguf file."));
    p.addPositionalArgument(QStringLiteral("name"),
                            QStringLiteral("Model name (default: the file name, tag latest)."),
                            QStringLiteral("[name]"));
    p.process(args);
    QTextStream out(stdout), err(stderr);
    const QStringList pos = p.positionalArguments();
    if (pos.isEmpty() || pos.size() > 2) {
        err << "usage: hearth-cli import FILE [NAME] [--models DIR] [--copy]\n";
        return 2;
    }
    hearth::ModelStore store(p.isSet(QStringLiteral("models"))
                                 ? p.value(QStringLiteral("models")).toStdString()
                                 : hearth::ModelStore::defaultRoot());
    hearth::ImportOptions options;
    if (pos.size() == 2) options.name = pos[1].toStdString();
    options.allowHardLink = !p.isSet(QStringLiteral("copy"));
    int lastPercent = -1;
    auto name = store.importGguf(pos[0].toStdString(), options, [&](uint64_t done, uint64_t total) {
        const int percent = total ? int(done * 100 / total) : 100;
        if (percent / 10 != lastPercent / 10) {
            err << "\rimporting " << percent / 10 * 10 << "%";
            err.flush();
            lastPercent = percent;
        }
        return true;
    });
    if (lastPercent >= 0) err << "\n";
    if (!name) {
        err << "hearth-cli import: " << QString::fromStdString(name.error()) << "\n";
        return 1;
    }
    out << "imported " << pos[0] << " as " << QString::fromStdString(name->displayShortest())
        << "\n";
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(import, "import", "Import a .gguf file into the model store", runImport)

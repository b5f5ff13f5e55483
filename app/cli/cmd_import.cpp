// hearth-cli import FILE [NAME]: add a loose .gguf to the store so Hearth and Ollama both see it.
// The first part of a split GGUF ("-00001-of-00003.gguf") imports the whole model: the parts are
// merged into one file inside the store, which is imported and then removed.
#include "app/cli/cli_command.h"
#include "engine/gguf/gguf_merge.h"
#include "engine/gguf/gguf_split.h"
#include "engine/store/atomic_file.h"
#include "engine/store/model_store.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTextStream>

#include <cstdlib>

namespace {

// A split model merged into a temp folder in the store (same filesystem: the import can
// hard-link it). The file is named after the parts' prefix so the default model name is too.
struct MergedSplit {
    QString dir, file;
    ~MergedSplit() {
        if (!dir.isEmpty()) QDir(dir).removeRecursively();
    }
};

hearth::Status mergeSplitForImport(const QString& firstPart, const std::string& storeRoot,
                                   MergedSplit& merged) {
    static const QRegularExpression shard(QStringLiteral("-(\\d{5})-of-(\\d{5})\\.gguf$"),
                                          QRegularExpression::CaseInsensitiveOption);
    const auto m = shard.match(firstPart);
    const int index = m.captured(1).toInt(), count = m.captured(2).toInt();
    if (index != 1)
        return hearth::makeError(firstPart.toStdString() + " is part " + std::to_string(index) +
                                 " of a split model: import its first part (-00001-of-...)");
    const QString prefix = firstPart.left(m.capturedStart());
    std::vector<std::string> parts;
    for (int i = 0; i < count; ++i) {
        parts.push_back(hearth::ggufSplitPath(prefix.toStdString(), i, count));
        if (!QFile::exists(QString::fromStdString(parts.back())))
            return hearth::makeError("part " + std::to_string(i + 1) + " of " +
                                     std::to_string(count) + " (" + parts.back() + ") is missing");
    }
    if (auto st = hearth::makeDirectories(storeRoot); !st) return st;
    std::string dir = storeRoot + "/.merge-XXXXXX";
    if (!::mkdtemp(dir.data()))
        return hearth::makeError("cannot create a temp folder in " + storeRoot);
    merged.dir = QString::fromStdString(dir);
    merged.file = merged.dir + QLatin1Char('/') + prefix.section(QLatin1Char('/'), -1) +
                  QStringLiteral(".gguf");
    return hearth::mergeGgufParts(parts, merged.file.toStdString());
}

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
    QString file = pos[0];
    MergedSplit merged;
    if (QRegularExpression(QStringLiteral("-\\d{5}-of-\\d{5}\\.gguf$"),
                           QRegularExpression::CaseInsensitiveOption)
            .match(file)
            .hasMatch()) {
        if (auto st = mergeSplitForImport(file, store.root(), merged); !st) {
            err << "hearth-cli import: " << QString::fromStdString(st.error()) << "\n";
            return 1;
        }
        file = merged.file;
        options.allowHardLink = true; // the merged copy is ours: link it, then drop the name
    }
    int lastPercent = -1;
    auto name = store.importGguf(file.toStdString(), options, [&](uint64_t done, uint64_t total) {
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

// hearth-cli list: the models in the store (Ollama's layout) and in linked folders.
#include "app/cli/cli_command.h"
#include "app/core/byte_size.h"
#include "engine/store/model_store.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace {

QString ago(int64_t mtime) {
    const qint64 s = QDateTime::currentSecsSinceEpoch() - mtime;
    if (s < 60) return QStringLiteral("just now");
    if (s < 3600) return QStringLiteral("%1 minutes ago").arg(s / 60);
    if (s < 86400) return QStringLiteral("%1 hours ago").arg(s / 3600);
    if (s < 86400 * 60) return QStringLiteral("%1 days ago").arg(s / 86400);
    return QDateTime::fromSecsSinceEpoch(mtime).date().toString(Qt::ISODate);
}

int runList(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("List the models in the store and in linked folders."));
    p.addHelpOption();
    p.addOption({QStringLiteral("models"),
                 QStringLiteral("Store root (default $OLLAMA_MODELS, else ~/.ollama/models)."),
                 QStringLiteral("dir")});
    p.addOption({QStringLiteral("linked"),
                 QStringLiteral("A folder of loose .gguf files to list too (repeatable)."),
                 QStringLiteral("dir")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of a table.")});
    p.process(args);
    QTextStream out(stdout), err(stderr);

    hearth::ModelStore store(p.isSet(QStringLiteral("models"))
                                 ? p.value(QStringLiteral("models")).toStdString()
                                 : hearth::ModelStore::defaultRoot());
    std::vector<std::string> linked;
    for (const QString& d : p.values(QStringLiteral("linked"))) linked.push_back(d.toStdString());
    store.setLinkedFolders(linked);
    auto entries = store.list();
    if (!entries) {
        err << "hearth-cli list: " << QString::fromStdString(entries.error()) << "\n";
        return 1;
    }

    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray arr;
        for (const hearth::StoreEntry& e : *entries) {
            QJsonObject o;
            o[QStringLiteral("name")] = QString::fromStdString(e.displayName);
            o[QStringLiteral("digest")] = QString::fromStdString(e.manifestDigest);
            o[QStringLiteral("size")] = qint64(e.size);
            o[QStringLiteral("modified")] = qint64(e.modifiedTime);
            o[QStringLiteral("path")] = QString::fromStdString(e.modelPath);
            o[QStringLiteral("linked")] = e.linked;
            if (e.summary) {
                o[QStringLiteral("architecture")] = QString::fromStdString(e.summary->architecture);
                o[QStringLiteral("quantization")] = QString::fromStdString(e.summary->fileTypeName);
                o[QStringLiteral("parameters")] = qint64(e.summary->parameterCount);
            }
            QJsonArray problems;
            for (const std::string& pr : e.problems) problems.append(QString::fromStdString(pr));
            o[QStringLiteral("problems")] = problems;
            arr.append(o);
        }
        out << QJsonDocument(arr).toJson(QJsonDocument::Indented);
        return 0;
    }

    out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
               .arg(QStringLiteral("NAME"), -40)
               .arg(QStringLiteral("ID"), -12)
               .arg(QStringLiteral("SIZE"), -9)
               .arg(QStringLiteral("QUANT"), -9)
               .arg(QStringLiteral("PARAMS"), -8)
               .arg(QStringLiteral("MODIFIED"));
    for (const hearth::StoreEntry& e : *entries) {
        const QString id = e.linked ? QStringLiteral("(linked)")
                                    : QString::fromStdString(e.manifestDigest.substr(0, 12));
        const QString quant =
            e.summary ? QString::fromStdString(e.summary->fileTypeName) : QStringLiteral("-");
        const QString params =
            e.summary
                ? QString::fromStdString(hearth::formatParameterCount(e.summary->parameterCount))
                : QStringLiteral("-");
        out << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                   .arg(QString::fromStdString(e.displayName), -40)
                   .arg(id, -12)
                   .arg(hearth::byteSizeText(e.size), -9)
                   .arg(quant, -9)
                   .arg(params, -8)
                   .arg(e.modifiedTime ? ago(e.modifiedTime) : QStringLiteral("-"));
        for (const std::string& pr : e.problems)
            out << "    ! " << QString::fromStdString(pr) << "\n";
    }
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(list, "list", "List models in the store and linked folders", runList)

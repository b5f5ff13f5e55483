// hearth-cli show NAME|FILE: a model's summary; --verbose adds every metadata key and tensor.
#include "app/cli/cli_command.h"
#include "engine/gguf/gguf_file.h"
#include "engine/gguf/model_summary.h"
#include "engine/store/model_store.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace {

QString valueText(const hearth::GgufValue& v) {
    using T = hearth::GgufValueType;
    auto str = [](std::string_view s) {
        QString q = QString::fromUtf8(s.data(), qsizetype(s.size()));
        if (q.size() > 120) q = q.left(117) + QStringLiteral("...");
        return QStringLiteral("\"%1\"").arg(q.replace(QLatin1Char('\n'), QStringLiteral("\\n")));
    };
    switch (v.type) {
    case T::String:
        return str(v.str);
    case T::Bool:
        return v.b ? QStringLiteral("true") : QStringLiteral("false");
    case T::Float32:
    case T::Float64:
        return QString::number(v.f, 'g', 9);
    case T::UInt64:
        return QString::number(v.u);
    case T::Array:
        break;
    default:
        return QString::number(v.i);
    }
    QStringList items;
    const uint64_t shown = std::min<uint64_t>(v.count, 8);
    for (uint64_t i = 0; i < shown; ++i) {
        if (v.elemType == T::String)
            items << str(v.strings[i]);
        else if (v.elemType == T::Array)
            items << QStringLiteral("[%1 items]").arg(v.arrays[i].count);
        else if (v.elemType == T::Float32 || v.elemType == T::Float64)
            items << QString::number(v.floatAt(i), 'g', 9);
        else
            items << QString::number(v.intAt(i));
    }
    if (v.count > shown) items << QStringLiteral("... (%1 total)").arg(v.count);
    return QStringLiteral("[%1]").arg(items.join(QStringLiteral(", ")));
}

int runShow(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Describe a model from the store, a linked folder or a .gguf file."));
    p.addHelpOption();
    p.addOption({QStringLiteral("models"),
                 QStringLiteral("Store root (default $OLLAMA_MODELS, else ~/.ollama/models)."),
                 QStringLiteral("dir")});
    p.addOption({QStringLiteral("linked"),
                 QStringLiteral("A folder of loose .gguf files to search too (repeatable)."),
                 QStringLiteral("dir")});
    p.addOption({{QStringLiteral("v"), QStringLiteral("verbose")},
                 QStringLiteral("Also print every metadata key and tensor.")});
    p.addPositionalArgument(QStringLiteral("model"),
                            QStringLiteral("A model name or a path to a .gguf file."));
    p.process(args);
    QTextStream out(stdout), err(stderr);
    if (p.positionalArguments().size() != 1) {
        err << "usage: hearth-cli show NAME|FILE [--verbose] [--models DIR]\n";
        return 2;
    }
    hearth::ModelStore store(p.isSet(QStringLiteral("models"))
                                 ? p.value(QStringLiteral("models")).toStdString()
                                 : hearth::ModelStore::defaultRoot());
    std::vector<std::string> linked;
    for (const QString& d : p.values(QStringLiteral("linked"))) linked.push_back(d.toStdString());
    store.setLinkedFolders(linked);
    auto r = store.resolve(p.positionalArguments().first().toStdString());
    if (!r) {
        err << "hearth-cli show: " << QString::fromStdString(r.error()) << "\n";
        return 1;
    }
    out << QString::fromStdString(r->displayName) << "\n";
    out << "  path            " << QString::fromStdString(r->modelPath) << "\n";
    for (const std::string& d : r->missingBlobs)
        out << "  ! missing blob  " << QString::fromStdString(hearth::blobFileName(d)) << "\n";
    auto file = hearth::GgufFile::open(r->modelPath);
    if (!file) {
        err << "hearth-cli show: " << QString::fromStdString(file.error()) << "\n";
        return 1;
    }
    out << QString::fromStdString(hearth::describeSummary(hearth::summarizeModel(**file)));
    if (r->templateText) out << "  template layer  " << r->templateText->size() << " bytes\n";
    if (r->systemText)
        out << "  system prompt   " << QString::fromStdString(*r->systemText).left(80) << "\n";
    if (r->paramsJson)
        out << "  parameters      " << QString::fromStdString(*r->paramsJson).simplified() << "\n";
    for (const std::string& l : r->licenses)
        out << "  license layer   " << QString::fromStdString(l).section(QLatin1Char('\n'), 0, 0)
            << "\n";

    if (p.isSet(QStringLiteral("verbose"))) {
        const hearth::GgufFile& g = **file;
        out << "\nmetadata (GGUF v" << g.version() << ", " << g.metadata().size() << " keys)\n";
        for (const hearth::GgufKV& kv : g.metadata()) {
            QString type = QString::fromLatin1(hearth::ggufValueTypeName(kv.value.type).data());
            if (kv.value.isArray())
                type += QStringLiteral("[%1]").arg(
                    QLatin1String(hearth::ggufValueTypeName(kv.value.elemType).data()));
            out << "  " << QString::fromUtf8(kv.key.data(), qsizetype(kv.key.size())) << " ("
                << type << ") = " << valueText(kv.value) << "\n";
        }
        out << "\ntensors (" << g.tensors().size() << ", data at byte " << g.dataOffset()
            << ", alignment " << g.alignment() << ")\n";
        for (const hearth::GgufTensor& t : g.tensors()) {
            QStringList dims;
            for (uint32_t d = 0; d < t.nDims; ++d) dims << QString::number(t.ne[d]);
            out << "  "
                << QString::fromUtf8(t.name.data(), qsizetype(t.name.size())).leftJustified(32)
                << " " << QString::fromLatin1(hearth::ggmlTypeName(t.type).data()).leftJustified(8)
                << " [" << dims.join(QStringLiteral(", ")) << "] " << t.nbytes << " bytes @ "
                << t.offset << "\n";
        }
    }
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(show, "show", "Describe a model (summary; --verbose for metadata and tensors)",
                   runShow)

// hearth-cli quantize IN.gguf OUT.gguf TYPE: convert F32/F16/BF16 weights to another type with
// llama-quantize's tensor-type rules (Q4_K_M etc.) and reference quantizers (same bytes).
#include "app/cli/cli_command.h"
#include "app/core/byte_size.h"
#include "engine/cpu/kernels/model_quantizer.h"
#include "engine/gguf/gguf_file.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTextStream>

#include <unistd.h>

namespace {

QString targetList() {
    QStringList names;
    for (const auto& t : hearth::kernels::quantTargets())
        names << QString::fromLatin1(t.name.data(), int(t.name.size()));
    return names.join(QStringLiteral(", "));
}

int runQuantize(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Quantize a GGUF model (F32/F16/BF16 weights) to TYPE: ") + targetList());
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("in"), QStringLiteral("The source .gguf file."));
    p.addPositionalArgument(QStringLiteral("out"), QStringLiteral("The .gguf file to write."));
    p.addPositionalArgument(QStringLiteral("type"),
                            QStringLiteral("Target type, e.g. Q4_K_M, Q8_0, Q4_0."));
    p.addOption({QStringLiteral("dry-run"),
                 QStringLiteral("Print the type each tensor would get and stop.")});
    p.process(args);
    QTextStream out(stdout), err(stderr);
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 3) {
        err << "usage: hearth-cli quantize IN.gguf OUT.gguf TYPE\n  TYPE: " << targetList() << "\n";
        return 2;
    }
    const auto target = hearth::kernels::quantTargetFromName(pos[2].toStdString());
    if (!target) {
        err << "hearth-cli quantize: unknown type '" << pos[2] << "' (one of: " << targetList()
            << ")\n";
        return 2;
    }
    if (QFileInfo(pos[0]).canonicalFilePath() == QFileInfo(pos[1]).canonicalFilePath() &&
        QFileInfo::exists(pos[1])) {
        err << "hearth-cli quantize: OUT must differ from IN\n";
        return 2;
    }

    if (p.isSet(QStringLiteral("dry-run"))) {
        auto in = hearth::GgufFile::open(pos[0].toStdString());
        if (!in) {
            err << "hearth-cli quantize: " << QString::fromStdString(in.error()) << "\n";
            return 1;
        }
        auto plan = hearth::kernels::planQuantization(**in, *target);
        if (!plan) {
            err << "hearth-cli quantize: " << QString::fromStdString(plan.error()) << "\n";
            return 1;
        }
        for (const auto& t : *plan)
            out << QString::fromStdString(t.name) << "  " << hearth::ggmlTypeName(t.from).data()
                << " -> " << hearth::ggmlTypeName(t.to).data() << "\n";
        return 0;
    }

    QElapsedTimer timer;
    timer.start();
    const bool live = isatty(STDERR_FILENO) != 0; // progress line only on a terminal
    const auto status = hearth::kernels::quantizeModelFile(
        pos[0].toStdString(), pos[1].toStdString(), *target,
        [&](size_t i, size_t n, std::string_view name) {
            if (!live) return;
            err << "\r[" << (i + 1) << "/" << n << "] "
                << QString::fromUtf8(name.data(), int(name.size())) << "\x1b[K";
            err.flush();
        });
    if (live) err << "\n";
    if (!status) {
        err << "hearth-cli quantize: " << QString::fromStdString(status.error()) << "\n";
        return 1;
    }
    out << "wrote " << pos[1] << " ("
        << QString::fromLatin1(target->name.data(), int(target->name.size())) << ", "
        << hearth::byteSizeText(QFileInfo(pos[1]).size()) << ") in "
        << QString::number(double(timer.elapsed()) / 1000.0, 'f', 1) << " s\n";
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(quantize, "quantize",
                   "Quantize a GGUF model to Q4_K_M, Q8_0, ... (llama-quantize compatible)",
                   runQuantize)

// hearth-cli system: the same facts as the System page.
#include "app/cli/cli_command.h"
#include "app/core/system_report.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace {

int runSystem(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Show the CPU, SIMD features, memory and Vulkan devices Hearth sees."));
    p.addHelpOption();
    p.process(args);
    QTextStream(stdout) << hearth::SystemReport::gather().toText();
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(system, "system", "Show CPU, SIMD features, RAM and Vulkan devices", runSystem)

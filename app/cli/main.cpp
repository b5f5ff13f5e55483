// hearth-cli: the headless front end to the same services the GUI uses.
#include "app/cli/cli_command.h"

#include <QCoreApplication>
#include <QTextStream>

#include <algorithm>
#include <cstring>

namespace hearth::cli {

namespace {
std::vector<CliCommand>& registry() {
    static std::vector<CliCommand> commands;
    return commands;
}
} // namespace

bool CliRegistry::add(const CliCommand& command) {
    registry().push_back(command);
    std::sort(registry().begin(), registry().end(), [](const CliCommand& a, const CliCommand& b) {
        return std::strcmp(a.name, b.name) < 0;
    });
    return true;
}

const std::vector<CliCommand>& CliRegistry::all() {
    return registry();
}

} // namespace hearth::cli

static void printUsage(QTextStream& out) {
    out << "Usage: hearth-cli <command> [options]\n\n"
           "Hearth runs large language models on this machine; nothing leaves it.\n\n"
           "Commands:\n";
    for (const auto& c : hearth::cli::CliRegistry::all())
        out << "  " << QString::fromLatin1(c.name).leftJustified(12) << c.summary << "\n";
    out << "\nRun 'hearth-cli <command> --help' for a command's options.\n";
}

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("hearth"));
    QCoreApplication::setOrganizationName(QStringLiteral("Hearth"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HEARTH_VERSION));
    QTextStream out(stdout), err(stderr);
    const QStringList args = app.arguments();
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h") ||
        args[1] == QLatin1String("help")) {
        printUsage(out);
        return args.size() < 2 ? 2 : 0;
    }
    if (args[1] == QLatin1String("--version")) {
        out << "hearth-cli " << HEARTH_VERSION << "\n";
        return 0;
    }
    for (const auto& c : hearth::cli::CliRegistry::all()) {
        if (args[1] == QLatin1String(c.name)) {
            QStringList sub = args.mid(1);
            sub[0] = QStringLiteral("hearth-cli ") + sub[0];
            return c.run(sub);
        }
    }
    err << "hearth-cli: unknown command '" << args[1] << "'\n\n";
    err.flush();
    printUsage(out);
    return 2;
}

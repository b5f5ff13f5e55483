#pragma once
// hearth-cli subcommands register themselves here; one file per subcommand in app/cli/.
#include <QStringList>

#include <vector>

namespace hearth::cli {

struct CliCommand {
    const char* name;
    const char* summary;                 // one line for `hearth-cli --help`
    int (*run)(const QStringList& args); // args[0] is "hearth-cli <name>"; returns exit code
};

class CliRegistry {
public:
    static bool add(const CliCommand& command);
    static const std::vector<CliCommand>& all();
};

} // namespace hearth::cli

#define HEARTH_CLI_COMMAND(ident, name, summary, fn)                                               \
    namespace {                                                                                    \
    [[maybe_unused]] const bool ident##_registered =                                               \
        ::hearth::cli::CliRegistry::add({name, summary, fn});                                      \
    }

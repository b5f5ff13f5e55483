// hearth-cli template render: renders a chat template over a conversation, byte for byte, the
// way the engine will build the prompt (Jinja like Hugging Face; Go syntax like Ollama).
#include "app/cli/cli_command.h"
#include "engine/template/chat_template.h"
#include "engine/template/json.h"

#include <QCommandLineParser>
#include <QDate>
#include <QFile>
#include <QTextStream>

#include <cstdio>

namespace {

QByteArray readFile(const QString& path, QString& error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return {};
    }
    return f.readAll();
}

int fail(const QString& message) {
    QTextStream(stderr) << "hearth-cli template: " << message << "\n";
    return 1;
}

int runTemplate(const QStringList& args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Render a chat template over a conversation and print the prompt exactly.\n"
                       "Usage: hearth-cli template render TEMPLATE --messages CONVERSATION.json"));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("action"), QStringLiteral("render"));
    p.addPositionalArgument(QStringLiteral("template"),
                            QStringLiteral("Jinja (or Ollama Go) template file"));
    QCommandLineOption messagesOpt(
        QStringLiteral("messages"),
        QStringLiteral("JSON list of messages (or an object with \"messages\")"),
        QStringLiteral("file"));
    QCommandLineOption genOpt(QStringLiteral("add-generation-prompt"),
                              QStringLiteral("End with the assistant turn's opening"));
    QCommandLineOption bosOpt(QStringLiteral("bos"), QStringLiteral("bos_token text"),
                              QStringLiteral("text"));
    QCommandLineOption eosOpt(QStringLiteral("eos"), QStringLiteral("eos_token text"),
                              QStringLiteral("text"));
    QCommandLineOption toolsOpt(QStringLiteral("tools"),
                                QStringLiteral("JSON list of tool schemas"),
                                QStringLiteral("file"));
    QCommandLineOption dateOpt(QStringLiteral("date"),
                               QStringLiteral("Date strftime_now sees (YYYY-MM-DD); default today"),
                               QStringLiteral("date"));
    p.addOptions({messagesOpt, genOpt, bosOpt, eosOpt, toolsOpt, dateOpt});
    p.process(args);

    const QStringList pos = p.positionalArguments();
    if (pos.size() != 2 || pos[0] != QLatin1String("render"))
        return fail(QStringLiteral(
            "usage: hearth-cli template render TEMPLATE --messages CONVERSATION.json"));
    if (!p.isSet(messagesOpt)) return fail(QStringLiteral("--messages is required"));

    QString error;
    const QByteArray templateText = readFile(pos[1], error);
    if (!error.isEmpty()) return fail(error);
    const QByteArray messagesText = readFile(p.value(messagesOpt), error);
    if (!error.isEmpty()) return fail(error);

    auto messages = hearth::tmpl::parseJson(messagesText.toStdString());
    if (!messages)
        return fail(QStringLiteral("%1: %2").arg(p.value(messagesOpt),
                                                 QString::fromStdString(messages.error())));
    hearth::tmpl::ChatRequest request;
    request.messages = *messages;
    if (messages->isDict()) {
        const hearth::tmpl::Value* inner = messages->asDict().find("messages");
        if (!inner) return fail(QStringLiteral("the conversation object has no \"messages\""));
        request.messages = *inner;
    }
    if (!request.messages.isList())
        return fail(QStringLiteral("the conversation must be a JSON list of messages"));
    if (p.isSet(toolsOpt)) {
        const QByteArray toolsText = readFile(p.value(toolsOpt), error);
        if (!error.isEmpty()) return fail(error);
        auto tools = hearth::tmpl::parseJson(toolsText.toStdString());
        if (!tools) return fail(QString::fromStdString(tools.error()));
        request.tools = *tools;
    }
    request.addGenerationPrompt = p.isSet(genOpt);
    request.bosToken = p.value(bosOpt).toStdString();
    request.eosToken = p.value(eosOpt).toStdString();
    if (p.isSet(dateOpt)) {
        const QDate d = QDate::fromString(p.value(dateOpt), Qt::ISODate);
        if (!d.isValid()) return fail(QStringLiteral("--date wants YYYY-MM-DD"));
        request.clock = [d] {
            std::tm tm{};
            tm.tm_year = d.year() - 1900;
            tm.tm_mon = d.month() - 1;
            tm.tm_mday = d.day();
            tm.tm_wday = d.dayOfWeek() % 7;
            tm.tm_yday = d.dayOfYear() - 1;
            return tm;
        };
    }

    std::string source = templateText.toStdString();
    auto chat = hearth::tmpl::looksLikeGoTemplate(source)
                    ? hearth::tmpl::ChatTemplate::fromGo(std::move(source))
                    : hearth::tmpl::ChatTemplate::fromJinja(std::move(source));
    if (!chat) return fail(QString::fromStdString(chat.error()));
    auto out = chat->render(request);
    if (!out) return fail(QString::fromStdString(out.error()));
    std::fwrite(out->data(), 1, out->size(), stdout); // exact bytes, no re-encoding
    std::fflush(stdout);
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(template_cmd, "template", "Render a chat template over a conversation",
                   runTemplate)

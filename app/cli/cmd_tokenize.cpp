// hearth-cli tokenize: token ids (or ids with their pieces) of a text under a model's vocabulary.
// Scripts rely on `tokenize MODEL --file F --ids`: the ids of F's exact bytes as a JSON array,
// no BOS/EOS, special-token text treated as plain text.
#include "app/cli/cli_command.h"
#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/tokenizer.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>

#include <cstdio>
#include <string>

namespace {

int runTokenize(const QStringList& args) {
    QTextStream err(stderr);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Tokenize text with a model's vocabulary."));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("MODEL"),
                            QStringLiteral("GGUF file (a vocabulary-only GGUF is enough)."));
    p.addPositionalArgument(QStringLiteral("TEXT"),
                            QStringLiteral("Text to tokenize (or use --file)."),
                            QStringLiteral("[TEXT]"));
    const QCommandLineOption fileOpt(QStringLiteral("file"),
                                     QStringLiteral("Tokenize this file's exact bytes."),
                                     QStringLiteral("TEXT_FILE"));
    const QCommandLineOption idsOpt(QStringLiteral("ids"),
                                    QStringLiteral("Print only the ids, as a JSON array."));
    const QCommandLineOption addSpecialOpt(
        QStringLiteral("add-special"),
        QStringLiteral("Add BOS/EOS as the vocabulary's metadata asks."));
    const QCommandLineOption parseSpecialOpt(
        QStringLiteral("parse-special"),
        QStringLiteral("Turn special-token text (e.g. <|im_start|>) into special tokens."));
    p.addOptions({fileOpt, idsOpt, addSpecialOpt, parseSpecialOpt});
    if (!p.parse(args)) {
        err << p.errorText() << "\n";
        return 2;
    }
    if (p.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << p.helpText();
        return 0;
    }
    const QStringList pos = p.positionalArguments();
    const bool fromFile = p.isSet(fileOpt);
    if (pos.isEmpty() || pos.size() > 2 || (fromFile == (pos.size() == 2))) {
        err << "usage: hearth-cli tokenize MODEL (TEXT | --file TEXT_FILE) [--ids]\n";
        return 2;
    }

    QByteArray text;
    if (fromFile) {
        QFile f(p.value(fileOpt));
        if (!f.open(QIODevice::ReadOnly)) {
            err << "cannot read " << f.fileName() << ": " << f.errorString() << "\n";
            return 1;
        }
        text = f.readAll();
    } else {
        text = pos[1].toUtf8();
    }

    auto file = hearth::GgufFile::open(pos[0].toStdString());
    if (!file) {
        err << "cannot open model " << pos[0] << ": " << QString::fromStdString(file.error())
            << "\n";
        return 1;
    }
    auto tokenizer = hearth::Tokenizer::fromGguf(**file);
    if (!tokenizer) {
        err << "cannot load the tokenizer of " << pos[0] << ": "
            << QString::fromStdString(tokenizer.error()) << "\n";
        return 1;
    }
    const auto ids = (*tokenizer)
                         ->encode(std::string_view(text.constData(), text.size()),
                                  p.isSet(addSpecialOpt), p.isSet(parseSpecialOpt));

    // Raw bytes to stdout: pieces may be partial UTF-8 and must not be re-encoded.
    std::string out;
    if (p.isSet(idsOpt)) {
        out += '[';
        for (size_t i = 0; i < ids.size(); ++i) {
            if (i) out += ", ";
            out += std::to_string(ids[i]);
        }
        out += "]\n";
    } else {
        for (int32_t id : ids) {
            out += std::to_string(id) + " -> '" + (*tokenizer)->tokenToPiece(id, true) + "'\n";
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return 0;
}

} // namespace

HEARTH_CLI_COMMAND(tokenize, "tokenize", "Token ids of a text under a model's vocabulary",
                   runTokenize)

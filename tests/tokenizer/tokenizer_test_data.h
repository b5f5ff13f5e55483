#pragma once
// Shared helpers for the tokenizer tests: locating conformance data and loading tokenizers.
#include "engine/gguf/gguf_file.h"
#include "engine/tokenizer/tokenizer.h"

#include <QByteArray>
#include <QFile>
#include <QString>

#include <memory>
#include <string>

namespace hearth::testdata {

inline QString conformanceDir() {
    return QStringLiteral(HEARTH_SHARED_DIR "/conformance");
}
inline QString vocabDir() {
    return conformanceDir() + QStringLiteral("/vocab");
}

inline QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

// Loads a tokenizer; on failure returns null and puts the reason in `error`.
inline std::unique_ptr<Tokenizer> loadTokenizer(const QString& ggufPath, QString* error) {
    auto file = GgufFile::open(ggufPath.toStdString());
    if (!file) {
        if (error) *error = QString::fromStdString(file.error());
        return nullptr;
    }
    auto tokenizer = Tokenizer::fromGguf(**file);
    if (!tokenizer) {
        if (error) *error = QString::fromStdString(tokenizer.error());
        return nullptr;
    }
    return std::move(tokenizer).value();
}

inline QString idsToString(const std::vector<int32_t>& ids) {
    QString s;
    for (int32_t id : ids) s += QLatin1Char(' ') + QString::number(id);
    return s;
}

} // namespace hearth::testdata

#pragma once
// KateProcessHighlighter: colours code with the `kate-syntax-highlighter` tool (KF5/KF6
// syntax-highlighting's command-line front end), one QProcess at a time, never blocking the
// caller. Results are cached by (code, language, theme); the cache is bounded.
#include "app/core/highlighter.h"

#include <QHash>
#include <QList>
#include <QProcess>
#include <QStringList>

namespace hearth {

class KateProcessHighlighter : public Highlighter {
    Q_OBJECT

public:
    explicit KateProcessHighlighter(QString program, QObject* parent = nullptr);
    ~KateProcessHighlighter() override;

    QString highlighted(const QString& code, const QString& language, bool dark) override;
    bool available() const override { return !program_.isEmpty(); }

    // The <pre> body of the tool's HTML page, or "" when it has none.
    static QString preBody(const QString& html);

private:
    struct Job {
        QString key;
        QString code;
        QString syntax;
        bool dark = false;
    };
    void startNext();
    void finished();

    QString program_;
    QProcess* process_ = nullptr;
    bool listing_ = false; // `--list` runs first, to learn the syntax names
    bool listKnown_ = false;
    QStringList syntaxes_;
    QList<Job> queue_;
    Job running_;
    QHash<QString, QString> cache_; // key -> HTML ("" = failed, do not retry)
};

} // namespace hearth

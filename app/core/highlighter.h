#pragma once
// Highlighter: syntax colouring of code blocks, asynchronous and cached. Two implementations
// behind this one interface: KF6::SyntaxHighlighting in-process when the build finds it
// (highlight_kf6.cpp), else the `kate-syntax-highlighter` tool run out of process
// (highlight_kate_process.cpp). Callers ask with highlighted(); an empty answer means "not yet
// (or never)": show the code plain, and ask again after ready().
#include <QObject>
#include <QString>

#include <memory>

namespace hearth {

class Highlighter : public QObject {
    Q_OBJECT

public:
    using QObject::QObject;
    ~Highlighter() override = default;

    // The code as an HTML fragment with inline colours (no <pre>), or "" while it is being
    // coloured, when the language is unknown, or when no highlighter is installed.
    virtual QString highlighted(const QString& code, const QString& language, bool dark) = 0;
    // Whether colouring can happen at all on this machine.
    virtual bool available() const = 0;

    // The best implementation this build and machine have.
    static std::unique_ptr<Highlighter> create(QObject* parent = nullptr);

signals:
    void ready(); // a result arrived: ask again
};

// Canonical KDE syntax name for a fence word ("py" -> "Python", "c++" -> "C++"); "" if unknown.
QString syntaxNameFor(const QString& fenceWord, const QStringList& knownSyntaxes);

} // namespace hearth

#include "app/core/highlight_kate_process.h"

#if HEARTH_HAVE_KF6_HIGHLIGHTING
#include "app/core/highlight_kf6.h"
#endif

#include <QCryptographicHash>
#include <QStandardPaths>

namespace hearth {

namespace {

constexpr int kCacheLimit = 512;

QString cacheKey(const QString& code, const QString& syntax, bool dark) {
    QCryptographicHash h(QCryptographicHash::Sha1);
    h.addData(code.toUtf8());
    return syntax + u'|' + (dark ? u'd' : u'l') + u'|' + QString::fromLatin1(h.result().toHex());
}

} // namespace

std::unique_ptr<Highlighter> Highlighter::create(QObject* parent) {
#if HEARTH_HAVE_KF6_HIGHLIGHTING
    // In-process when this build has KF6; the tool stays selectable for comparison.
    if (qEnvironmentVariable("HEARTH_HIGHLIGHTER") != QLatin1String("process")) {
        auto kf6 = std::make_unique<Kf6Highlighter>(parent);
        if (kf6->available()) return kf6;
    }
#endif
    return std::make_unique<KateProcessHighlighter>(
        QStandardPaths::findExecutable(QStringLiteral("kate-syntax-highlighter")), parent);
}

QString syntaxNameFor(const QString& fenceWord, const QStringList& known) {
    static const QHash<QString, QString> aliases = {
        {QStringLiteral("py"), QStringLiteral("Python")},
        {QStringLiteral("python3"), QStringLiteral("Python")},
        {QStringLiteral("js"), QStringLiteral("JavaScript")},
        {QStringLiteral("ts"), QStringLiteral("TypeScript")},
        {QStringLiteral("cpp"), QStringLiteral("C++")},
        {QStringLiteral("cxx"), QStringLiteral("C++")},
        {QStringLiteral("cc"), QStringLiteral("C++")},
        {QStringLiteral("h"), QStringLiteral("C")},
        {QStringLiteral("sh"), QStringLiteral("Bash")},
        {QStringLiteral("shell"), QStringLiteral("Bash")},
        {QStringLiteral("zsh"), QStringLiteral("Zsh")},
        {QStringLiteral("rs"), QStringLiteral("Rust")},
        {QStringLiteral("golang"), QStringLiteral("Go")},
        {QStringLiteral("yml"), QStringLiteral("YAML")},
        {QStringLiteral("md"), QStringLiteral("Markdown")},
        {QStringLiteral("cs"), QStringLiteral("C#")},
        {QStringLiteral("csharp"), QStringLiteral("C#")},
        {QStringLiteral("kt"), QStringLiteral("Kotlin")},
        {QStringLiteral("rb"), QStringLiteral("Ruby")},
        {QStringLiteral("qml"), QStringLiteral("QML")},
    };
    const QString word = fenceWord.trimmed().toLower();
    if (word.isEmpty()) return {};
    const QString wanted = aliases.value(word, word);
    for (const QString& name : known)
        if (name.compare(wanted, Qt::CaseInsensitive) == 0) return name;
    return {};
}

KateProcessHighlighter::KateProcessHighlighter(QString program, QObject* parent)
    : Highlighter(parent), program_(std::move(program)) {}

KateProcessHighlighter::~KateProcessHighlighter() {
    if (process_) {
        process_->disconnect(this);
        process_->kill();
        process_->waitForFinished(1000);
    }
}

QString KateProcessHighlighter::preBody(const QString& html) {
    const int open = html.indexOf(QLatin1String("<pre>"));
    const int close = html.lastIndexOf(QLatin1String("</pre>"));
    if (open < 0 || close < open) return {};
    QString body = html.mid(open + 5, close - open - 5);
    if (body.startsWith(u'\n')) body.remove(0, 1);
    if (body.endsWith(u'\n')) body.chop(1);
    return body;
}

QString KateProcessHighlighter::highlighted(const QString& code, const QString& language,
                                            bool dark) {
    if (!available() || language.trimmed().isEmpty()) return {};
    if (!listKnown_) {
        // Remember the request in raw form until the syntax names are known.
        const QString key = QStringLiteral("?|") + language + u'|' + (dark ? u'd' : u'l') + code;
        for (const Job& j : std::as_const(queue_))
            if (j.key == key) return {};
        queue_.append({key, code, language, dark});
        startNext();
        return {};
    }
    const QString syntax = syntaxNameFor(language, syntaxes_);
    if (syntax.isEmpty()) return {};
    const QString key = cacheKey(code, syntax, dark);
    const auto hit = cache_.constFind(key);
    if (hit != cache_.constEnd()) return *hit;
    if (running_.key == key) return {};
    for (const Job& j : std::as_const(queue_))
        if (j.key == key) return {};
    queue_.append({key, code, syntax, dark});
    startNext();
    return {};
}

void KateProcessHighlighter::startNext() {
    if (process_) return; // one at a time
    if (!listKnown_ && !listing_) {
        listing_ = true;
        process_ = new QProcess(this);
        connect(process_, &QProcess::finished, this, &KateProcessHighlighter::finished);
        connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart) finished();
        });
        process_->start(program_, {QStringLiteral("--list")});
        return;
    }
    if (queue_.isEmpty() || !listKnown_) return;
    running_ = queue_.takeFirst();
    if (running_.key.startsWith(QLatin1String("?|"))) {
        // Queued before the names were known: resolve it now.
        const QString syntax = syntaxNameFor(running_.syntax, syntaxes_);
        if (syntax.isEmpty()) return startNext();
        running_.syntax = syntax;
        running_.key = cacheKey(running_.code, syntax, running_.dark);
        if (cache_.contains(running_.key)) return startNext();
    }
    process_ = new QProcess(this);
    connect(process_, &QProcess::finished, this, &KateProcessHighlighter::finished);
    connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) finished();
    });
    process_->start(
        program_, {QStringLiteral("--stdin"), QStringLiteral("-s"), running_.syntax,
                   QStringLiteral("-f"), QStringLiteral("html"), QStringLiteral("-t"),
                   running_.dark ? QStringLiteral("Breeze Dark") : QStringLiteral("Breeze Light")});
    process_->write(running_.code.toUtf8());
    process_->closeWriteChannel();
}

void KateProcessHighlighter::finished() {
    QProcess* p = process_;
    if (!p) return;
    process_ = nullptr;
    const bool ok = p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0 &&
                    p->error() != QProcess::FailedToStart;
    const QString out = ok ? QString::fromUtf8(p->readAllStandardOutput()) : QString();
    p->deleteLater();
    if (listing_) {
        listing_ = false;
        listKnown_ = true;
        if (!ok) program_.clear(); // the tool does not run: no colours, say so via available()
        for (const QString& line : out.split(u'\n')) {
            const QString name = line.trimmed();
            if (!name.isEmpty()) syntaxes_.append(name);
        }
    } else {
        if (cache_.size() >= kCacheLimit) cache_.clear(); // simple bound; entries are cheap to redo
        cache_.insert(running_.key, preBody(out));
        running_ = {};
        emit ready();
    }
    if (!available()) {
        queue_.clear();
        emit ready();
        return;
    }
    startNext();
}

} // namespace hearth

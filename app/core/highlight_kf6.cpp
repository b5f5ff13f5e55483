// Kf6Highlighter: see highlight_kf6.h. Written against the KF6 SyntaxHighlighting API; Debian 12
// ships only KF5, so this file compiles to nothing there.
#if HEARTH_HAVE_KF6_HIGHLIGHTING

#include "app/core/highlight_kf6.h"

#include <KSyntaxHighlighting/AbstractHighlighter>
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Format>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/State>
#include <KSyntaxHighlighting/Theme>

namespace hearth {

namespace {

constexpr int kCacheLimit = 512; // blocks; a long chat re-renders the same few many times

// Writes each line's formatted ranges as <span style=...> with inline colours, the shape the
// out-of-process tool's <pre> body has, so CodeBlock shows both the same way.
class HtmlWriter final : public KSyntaxHighlighting::AbstractHighlighter {
public:
    QString write(const QString& code) {
        out_.clear();
        KSyntaxHighlighting::State state;
        const QStringList lines = code.split(u'\n');
        for (qsizetype i = 0; i < lines.size(); ++i) {
            line_ = lines.at(i);
            state = highlightLine(line_, state);
            if (i + 1 < lines.size()) out_ += u'\n';
        }
        return out_;
    }

protected:
    void applyFormat(int offset, int length, const KSyntaxHighlighting::Format& format) override {
        if (length <= 0) return;
        const QString text = line_.mid(offset, length).toHtmlEscaped();
        const KSyntaxHighlighting::Theme t = theme();
        QStringList style;
        if (format.hasTextColor(t))
            style << QStringLiteral("color:%1").arg(format.textColor(t).name());
        if (format.hasBackgroundColor(t))
            style << QStringLiteral("background-color:%1").arg(format.backgroundColor(t).name());
        if (format.isBold(t)) style << QStringLiteral("font-weight:bold");
        if (format.isItalic(t)) style << QStringLiteral("font-style:italic");
        if (format.isUnderline(t)) style << QStringLiteral("text-decoration:underline");
        if (style.isEmpty())
            out_ += text;
        else
            out_ += QStringLiteral("<span style=\"%1\">%2</span>").arg(style.join(u';'), text);
    }

private:
    QString line_;
    QString out_;
};

} // namespace

Kf6Highlighter::Kf6Highlighter(QObject* parent)
    : Highlighter(parent), repository_(std::make_unique<KSyntaxHighlighting::Repository>()) {
    for (const KSyntaxHighlighting::Definition& d : repository_->definitions())
        syntaxes_.append(d.name());
}

Kf6Highlighter::~Kf6Highlighter() = default;

QString Kf6Highlighter::highlighted(const QString& code, const QString& language, bool dark) {
    if (!available() || language.trimmed().isEmpty()) return {};
    const QString syntax = syntaxNameFor(language, syntaxes_);
    if (syntax.isEmpty()) return {};
    const QString key = (dark ? QStringLiteral("d|") : QStringLiteral("l|")) + syntax + u'|' + code;
    const auto hit = cache_.constFind(key);
    if (hit != cache_.constEnd()) return *hit;

    const KSyntaxHighlighting::Definition definition = repository_->definitionForName(syntax);
    KSyntaxHighlighting::Theme theme =
        repository_->theme(dark ? QStringLiteral("Breeze Dark") : QStringLiteral("Breeze Light"));
    if (!theme.isValid())
        theme = repository_->defaultTheme(dark ? KSyntaxHighlighting::Repository::DarkTheme
                                               : KSyntaxHighlighting::Repository::LightTheme);
    QString html;
    if (definition.isValid() && theme.isValid()) {
        HtmlWriter writer;
        writer.setDefinition(definition);
        writer.setTheme(theme);
        html = writer.write(code);
    }
    if (cache_.size() >= kCacheLimit) cache_.clear();
    cache_.insert(key, html);
    return html;
}

} // namespace hearth

#endif // HEARTH_HAVE_KF6_HIGHLIGHTING

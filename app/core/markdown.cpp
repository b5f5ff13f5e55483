#include "app/core/markdown.h"

#include <md4c-html.h>

#include <QStringList>

namespace hearth {

namespace {

void appendOutput(const MD_CHAR* text, MD_SIZE size, void* userdata) {
    static_cast<QByteArray*>(userdata)->append(text, qsizetype(size));
}

// A fence opens with 3+ backticks or tildes after at most 3 spaces; it closes with a line of
// at least as many of the same character and nothing else (CommonMark 4.5).
struct Fence {
    QChar ch;
    int length = 0;
    QString info;
};

bool openingFence(const QString& line, Fence* fence) {
    int i = 0;
    while (i < line.size() && i < 3 && line[i] == u' ') ++i;
    if (i >= line.size() || (line[i] != u'`' && line[i] != u'~')) return false;
    const QChar ch = line[i];
    int n = 0;
    while (i + n < line.size() && line[i + n] == ch) ++n;
    if (n < 3) return false;
    const QString info = line.mid(i + n).trimmed();
    if (ch == u'`' && info.contains(u'`')) return false;
    fence->ch = ch;
    fence->length = n;
    fence->info = info.section(u' ', 0, 0);
    return true;
}

bool closingFence(const QString& line, const Fence& fence) {
    int indent = 0;
    while (indent < line.size() && line[indent] == u' ') ++indent;
    const QString t = line.trimmed();
    if (indent > 3 || t.size() < fence.length) return false;
    for (QChar c : t)
        if (c != fence.ch) return false;
    return true;
}

} // namespace

QString markdownToHtml(const QString& markdown) {
    const QByteArray in = markdown.toUtf8();
    QByteArray out;
    const unsigned flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
    if (md_html(in.constData(), MD_SIZE(in.size()), appendOutput, &out, flags, 0) != 0)
        return markdown.toHtmlEscaped(); // md4c only fails on allocation: show the plain text
    QString html = QString::fromUtf8(out).trimmed();
    // Qt's rich text draws no table rules unless asked to.
    html.replace(QLatin1String("<table>"),
                 QLatin1String("<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">"));
    return html;
}

QList<MarkdownSegment> splitMarkdown(const QString& markdown) {
    QList<MarkdownSegment> segments;
    QStringList text;
    auto flushText = [&] {
        const QString joined = text.join(u'\n');
        text.clear();
        if (joined.trimmed().isEmpty()) return;
        MarkdownSegment s;
        s.html = markdownToHtml(joined);
        segments.append(s);
    };
    const QStringList lines = markdown.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        Fence fence;
        if (!openingFence(lines[i], &fence)) {
            text.append(lines[i]);
            continue;
        }
        flushText();
        MarkdownSegment code;
        code.kind = MarkdownSegment::Code;
        code.language = fence.info;
        code.closed = false;
        QStringList body;
        for (++i; i < lines.size(); ++i) {
            if (closingFence(lines[i], fence)) {
                code.closed = true;
                break;
            }
            body.append(lines[i]);
        }
        code.code = body.join(u'\n');
        segments.append(code);
    }
    flushText();
    return segments;
}

} // namespace hearth

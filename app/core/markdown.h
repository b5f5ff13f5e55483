#pragma once
// Markdown for chat messages: CommonMark plus GitHub tables, strikethrough and autolinks (md4c),
// rendered to the HTML subset a QML Text with RichText shows. Fenced code blocks are split out
// so the view can highlight them separately, and an unclosed fence (a reply still streaming)
// is reported as such so it stays plain until it closes. Raw HTML in the text is shown as text:
// a model's output never becomes markup.
#include <QList>
#include <QString>

namespace hearth {

struct MarkdownSegment {
    enum Kind { Text, Code };
    Kind kind = Text;
    QString html;     // Text: the rendered HTML
    QString code;     // Code: the block's text, without the fences
    QString language; // Code: the fence's info word ("cpp", "python"), may be empty
    bool closed = true;
};

// Paragraphs, lists, tables... as HTML; fenced blocks as Code segments, in order.
QList<MarkdownSegment> splitMarkdown(const QString& markdown);

// The whole text as one HTML fragment (code blocks as <pre>).
QString markdownToHtml(const QString& markdown);

} // namespace hearth

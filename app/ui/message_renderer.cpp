#include "message_renderer.h"

#include "app/core/markdown.h"

#include <QVariantMap>

namespace hearth {

MessageRenderer::MessageRenderer(std::unique_ptr<Highlighter> highlighter, QObject* parent)
    : QObject(parent), highlighter_(std::move(highlighter)) {
    if (highlighter_)
        connect(highlighter_.get(), &Highlighter::ready, this, [this] {
            ++revision_;
            emit revisionChanged();
        });
}

MessageRenderer::~MessageRenderer() = default;

QVariantList MessageRenderer::segments(const QString& markdown, bool dark) {
    QVariantList out;
    for (const MarkdownSegment& s : splitMarkdown(markdown)) {
        if (s.kind == MarkdownSegment::Text) {
            out.append(QVariantMap{{QStringLiteral("kind"), QStringLiteral("text")},
                                   {QStringLiteral("html"), s.html}});
            continue;
        }
        QString html;
        if (s.closed && highlighter_) html = highlighter_->highlighted(s.code, s.language, dark);
        out.append(QVariantMap{{QStringLiteral("kind"), QStringLiteral("code")},
                               {QStringLiteral("language"), s.language},
                               {QStringLiteral("code"), s.code},
                               {QStringLiteral("html"), html},
                               {QStringLiteral("closed"), s.closed}});
    }
    return out;
}

} // namespace hearth

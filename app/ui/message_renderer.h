#pragma once
// MessageRenderer: a message's Markdown as segments QML can lay out: rich-text blocks and code
// blocks (language, plain code, highlighted HTML once available). Code is highlighted only once
// its fence has closed, so a streaming block stays plain; results are cached by the
// highlighter, and `revision` changes when new colours arrive so bindings ask again.
#include "app/core/highlighter.h"

#include <QObject>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace hearth {

class MessageRenderer : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by ChatController")
    Q_PROPERTY(int revision READ revision NOTIFY revisionChanged)
    Q_PROPERTY(bool highlighting READ highlighting CONSTANT)

public:
    explicit MessageRenderer(std::unique_ptr<Highlighter> highlighter, QObject* parent = nullptr);
    ~MessageRenderer() override;

    int revision() const { return revision_; }
    bool highlighting() const { return highlighter_ && highlighter_->available(); }

    // [{kind: "text", html}, {kind: "code", language, code, html, closed}, ...]
    Q_INVOKABLE QVariantList segments(const QString& markdown, bool dark);

signals:
    void revisionChanged();

private:
    std::unique_ptr<Highlighter> highlighter_;
    int revision_ = 0;
};

} // namespace hearth

#pragma once
// Clipboard: QML has no clipboard API of its own; this puts plain text on the system clipboard.
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace hearth {

class Clipboard : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    explicit Clipboard(QObject* parent = nullptr) : QObject(parent) {}

    Q_INVOKABLE void setText(const QString& text);
    Q_INVOKABLE QString text() const;
};

} // namespace hearth

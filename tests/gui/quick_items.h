#pragma once
// Finding and reaching items of the real QML UI from the GUI tests.
#include <QList>
#include <QPointF>
#include <QQuickItem>
#include <QString>

#include <algorithm>

// The first item named `name` (objectName) under root, depth first.
inline QQuickItem* findItem(QQuickItem* root, const QString& name) {
    if (!root) return nullptr;
    if (root->objectName() == name) return root;
    for (QQuickItem* child : root->childItems())
        if (QQuickItem* found = findItem(child, name)) return found;
    return nullptr;
}

// Every visible button under root (hidden subtrees are skipped).
inline void collectButtons(QQuickItem* root, QList<QQuickItem*>& out) {
    if (!root || !root->isVisible()) return;
    if (root->inherits("QQuickAbstractButton")) out << root;
    for (QQuickItem* child : root->childItems()) collectButtons(child, out);
}

// Scrolls the page's Flickable so `target` is on screen (pages scroll; windows are short).
inline void scrollIntoView(QQuickItem* target) {
    if (!target) return;
    for (QQuickItem* p = target->parentItem(); p; p = p->parentItem()) {
        if (!p->inherits("QQuickFlickable")) continue;
        QQuickItem* content = p->property("contentItem").value<QQuickItem*>();
        if (!content) return;
        const qreal y = target->mapToItem(content, QPointF(0, 0)).y();
        const qreal most = std::max<qreal>(0, p->property("contentHeight").toReal() - p->height());
        p->setProperty("contentY", std::clamp<qreal>(y - 40, 0, most));
        return;
    }
}

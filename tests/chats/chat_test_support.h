#pragma once
// What the chat tests that drive a ChatController against the real engine share.
#include "app/ui/chat_controller.h"

#include <QDeadlineTimer>
#include <QTemporaryDir>
#include <QtTest>

// The text of message `row` of the open chat.
inline QString messageContent(hearth::ChatController& c, int row) {
    return c.messages()
        ->data(c.messages()->index(row), hearth::MessageListModel::ContentRole)
        .toString();
}

// Waits (up to a minute) for the chat's model to be in memory again after a (re)load.
inline bool waitLoaded(hearth::ChatController& c) {
    QDeadlineTimer deadline(60000);
    while ((c.loading() || c.loadedModel() != c.currentModel()) && !deadline.hasExpired())
        QTest::qWait(10);
    if (c.loadedModel() != c.currentModel()) qWarning("load failed: %s", qPrintable(c.notice()));
    return c.loadedModel() == c.currentModel();
}

// A temporary folder per test class, for the chat database and an empty model store.
class ChatTestFolder {
protected:
    QTemporaryDir dir_;
    QString db() const { return dir_.filePath(QStringLiteral("chats.sqlite")); }
    QString storeRoot() const { return dir_.filePath(QStringLiteral("empty-store")); }
};

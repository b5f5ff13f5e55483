#pragma once
// ChatController: the Chats page's state. Conversations and messages live in a
// ConversationStore (SQLite under the user's data folder, or $HEARTH_DATA_DIR); the two list
// models mirror the store for QML. No engine is wired in yet, so sending stores the user's
// message and says plainly that no model can answer; the streaming entry points
// (beginAssistantMessage / appendAssistantText / finishAssistantMessage) are what the engine
// worker will call, and every chunk is written to the store as it arrives.
#include "app/core/conversation_store.h"
#include "conversation_list_model.h"
#include "message_list_model.h"

#include <QObject>
#include <QtQml/qqmlregistration.h>

#include <memory>

namespace hearth {

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(MessageListModel* messages READ messages CONSTANT)
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentChanged)
    Q_PROPERTY(bool ready READ ready NOTIFY statusChanged)
    Q_PROPERTY(bool modelAvailable READ modelAvailable NOTIFY statusChanged)
    Q_PROPERTY(bool streaming READ streaming NOTIFY statusChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY statusChanged)
    Q_PROPERTY(QString databasePath READ databasePath CONSTANT)

public:
    explicit ChatController(QObject* parent = nullptr);
    // Opens the store at `databasePath` instead of the default (tests).
    ChatController(const QString& databasePath, QObject* parent);
    ~ChatController() override;

    // $HEARTH_DATA_DIR/chats.sqlite, else <app data folder>/chats.sqlite.
    static QString defaultDatabasePath();

    ConversationListModel* conversations() { return &conversations_; }
    MessageListModel* messages() { return &messages_; }
    qint64 currentConversationId() const { return currentId_; }
    QString currentTitle() const;
    bool ready() const { return store_.isOpen(); }
    bool modelAvailable() const { return false; } // until the engine session exists
    bool streaming() const { return streamingRow_ >= 0; }
    QString notice() const { return notice_; }
    QString databasePath() const { return path_; }

    Q_INVOKABLE qint64 newChat();
    Q_INVOKABLE bool select(qint64 conversationId);
    Q_INVOKABLE bool remove(qint64 conversationId);
    Q_INVOKABLE bool rename(qint64 conversationId, const QString& title);
    // Stores the user's message (starting a chat when none is open). Blank text is refused.
    Q_INVOKABLE bool send(const QString& text);

    // The engine side of a reply: one streaming assistant row in the current chat.
    bool beginAssistantMessage(const QString& model);
    bool appendAssistantText(const QString& chunk);
    bool finishAssistantMessage(const QString& state = QStringLiteral("complete"));

signals:
    void currentChanged();
    void statusChanged();

private:
    void setNotice(const QString& notice);
    void reloadConversations();

    QString path_;
    ConversationStore store_;
    ConversationListModel conversations_;
    MessageListModel messages_;
    qint64 currentId_ = -1;
    int streamingRow_ = -1;
    QString notice_;
};

} // namespace hearth

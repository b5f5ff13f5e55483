#pragma once
// ConversationStore: chats persisted in SQLite (Qt SQL). Every streamed chunk is written as it
// arrives (write-ahead), so a crash or kill mid-answer keeps everything shown so far; on the next
// open such answers are marked "interrupted". The schema carries a version (PRAGMA user_version)
// and is migrated forward step by step; a file from a newer Hearth is refused, not damaged.
#include <QDateTime>
#include <QList>
#include <QString>

namespace hearth {

struct ConversationRow {
    qint64 id = -1;
    QString title;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct MessageRow {
    qint64 id = -1;
    qint64 conversationId = -1;
    QString role; // "user", "assistant", "system"
    QString content;
    QString model; // the model that wrote an assistant message
    QString state; // "complete", "streaming", "stopped", "interrupted"
    QDateTime createdAt;
};

class ConversationStore {
public:
    static constexpr int kSchemaVersion = 1;

    ConversationStore();
    ~ConversationStore();
    ConversationStore(const ConversationStore&) = delete;
    ConversationStore& operator=(const ConversationStore&) = delete;

    // Opens (creating when missing) the database at `path` and migrates it. On failure returns
    // false and errorString() says why; the store then refuses every other call.
    bool open(const QString& path);
    bool isOpen() const;
    QString errorString() const { return error_; }
    int schemaVersion() const;
    int recoveredMessages() const { return recovered_; } // "streaming" rows found by open()

    qint64 createConversation(const QString& title); // -1 on failure
    bool renameConversation(qint64 id, const QString& title);
    bool deleteConversation(qint64 id);                      // and its messages
    QList<ConversationRow> conversations() const;            // most recently updated first
    QList<MessageRow> messages(qint64 conversationId) const; // oldest first

    qint64 addMessage(qint64 conversationId, const QString& role, const QString& content,
                      const QString& model = QString(),
                      const QString& state = QStringLiteral("complete"));
    bool appendToMessage(qint64 messageId, const QString& chunk); // commits at once
    bool setMessageState(qint64 messageId, const QString& state);

private:
    bool migrate();
    bool exec(const QString& sql);
    bool touchConversation(qint64 id);
    bool fail(const QString& what, const QString& detail) const;
    qint64 failId(const QString& what, const QString& detail) const;

    QString connection_;
    mutable QString error_;
    int recovered_ = 0;
};

} // namespace hearth

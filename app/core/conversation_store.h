#pragma once
// ConversationStore: chats persisted in SQLite (Qt SQL). Every streamed chunk is written as it
// arrives (write-ahead), so a crash or kill mid-answer keeps everything shown so far; on the next
// open such answers are marked "interrupted". The schema carries a version (PRAGMA user_version)
// and is migrated forward step by step; a file from a newer Hearth is refused, not damaged.
#include <QDateTime>
#include <QList>
#include <QString>
#include <QVariantList>

namespace hearth {

struct ConversationRow {
    qint64 id = -1;
    QString title;
    QDateTime createdAt;
    QDateTime updatedAt;
    QString model;    // the model this chat talks to ("" = none picked yet)
    QString settings; // JSON of the chat's system prompt and sampling settings
};

struct MessageRow {
    qint64 id = -1;
    qint64 conversationId = -1;
    QString role; // "user", "assistant", "system"
    QString content;
    QString model; // the model that wrote an assistant message
    QString state; // "complete", "streaming", "stopped", "interrupted"
    QDateTime createdAt;
    QString stats;       // JSON: tokens, tokens/s, time to first token (assistant only)
    qint64 altGroup = 0; // answers to the same prompt share a group (0: no alternatives)
    int altIndex = 0;    // this answer's place among them
    int altCount = 1;
};

class ConversationStore {
public:
    static constexpr int kSchemaVersion = 3;

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
    bool setMessageStats(qint64 messageId, const QString& statsJson);

    // Deleting is undoable until the store is next opened: rows are only marked.
    bool restoreConversation(qint64 id);
    bool setConversationModel(qint64 id, const QString& model);
    bool setConversationSettings(qint64 id, const QString& settingsJson);
    // Chats whose title or visible messages contain `text` (case-insensitive), most recent first.
    QList<qint64> search(const QString& text) const;

    // Branching. Regenerated answers and edited prompts are versions of one message: they share
    // a group, one of them is shown, and each hidden one keeps the branch that followed it.
    // Hides `firstMessageId` and every visible later message as that message's branch.
    bool stashFrom(qint64 conversationId, qint64 firstMessageId);
    // Puts `newId` in `oldId`'s group (stash `oldId` first; `newId` is the one shown).
    bool addAlternative(qint64 oldId, qint64 newId);
    // Shows the group's version `index` (by age) with its branch; the shown one's branch is
    // stashed. A group member's altIndex/altCount in messages() say where it stands.
    bool showAlternative(qint64 group, int index);

private:
    bool migrate();
    bool exec(const QString& sql);
    bool touchConversation(qint64 id);
    // Runs one UPDATE; fails with `what` when it errs or changes no row.
    bool update(const QString& sql, const QVariantList& values, const QString& what);
    bool fail(const QString& what, const QString& detail) const;
    qint64 failId(const QString& what, const QString& detail) const;

    QString connection_;
    mutable QString error_;
    int recovered_ = 0;
};

} // namespace hearth

#include "app/core/conversation_store.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace hearth {

namespace {

// Each store has its own named connection so several can be open at once (tests, threads).
QString nextConnectionName() {
    static QAtomicInteger<int> counter;
    return QStringLiteral("hearth-conversations-%1").arg(counter.fetchAndAddRelaxed(1));
}

// Step N takes a database at version N-1 to version N. Append, never edit a shipped step.
const char* const kMigrations[] = {
    // 1: conversations and their messages.
    "CREATE TABLE conversations ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " title TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE TABLE messages ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
    " role TEXT NOT NULL,"
    " content TEXT NOT NULL DEFAULT '',"
    " model TEXT NOT NULL DEFAULT '',"
    " state TEXT NOT NULL DEFAULT 'complete',"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX messages_by_conversation ON messages(conversation_id, id);",
    // 2: regenerated answers and edited prompts (hidden, grouped), stats, per-chat model and
    // settings, undoable delete.
    "ALTER TABLE messages ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN alt_group INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE messages ADD COLUMN stats TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE conversations ADD COLUMN model TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE conversations ADD COLUMN settings TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE conversations ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX messages_by_group ON messages(alt_group);",
    // 3: branches. A message hidden because the user flipped to another answer or another
    // edit of a prompt remembers whose branch it belongs to (stashed_under: the group member it
    // was hidden with), so flipping back brings the whole branch below it back. Version 2 only
    // hid the earlier answers themselves, each its own one-message branch.
    "ALTER TABLE messages ADD COLUMN stashed_under INTEGER NOT NULL DEFAULT 0;"
    "UPDATE messages SET stashed_under=id WHERE hidden=1 AND alt_group<>0;"
    "CREATE INDEX messages_by_stash ON messages(stashed_under);",
};
constexpr int kMigrationCount = int(sizeof(kMigrations) / sizeof(kMigrations[0]));
static_assert(kMigrationCount == ConversationStore::kSchemaVersion);

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

// A null QString binds as SQL NULL, which the NOT NULL text columns reject; store "" instead.
QString text(const QString& s) {
    return s.isNull() ? QStringLiteral("") : s;
}

} // namespace

ConversationStore::ConversationStore() : connection_(nextConnectionName()) {}

ConversationStore::~ConversationStore() {
    if (QSqlDatabase::contains(connection_)) {
        QSqlDatabase::database(connection_, false).close();
        QSqlDatabase::removeDatabase(connection_);
    }
}

bool ConversationStore::fail(const QString& what, const QString& detail) const {
    error_ = detail.isEmpty() ? what : QStringLiteral("%1: %2").arg(what, detail);
    return false;
}

qint64 ConversationStore::failId(const QString& what, const QString& detail) const {
    fail(what, detail);
    return -1;
}

bool ConversationStore::isOpen() const {
    return QSqlDatabase::contains(connection_) &&
           QSqlDatabase::database(connection_, false).isOpen();
}

bool ConversationStore::exec(const QString& sql) {
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    if (!q.exec(sql)) return fail(QStringLiteral("database error"), q.lastError().text());
    return true;
}

bool ConversationStore::open(const QString& path) {
    error_.clear();
    recovered_ = 0;
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return fail(QStringLiteral("the Qt SQLite driver is not installed (libqt6sql6-sqlite)"),
                    {});
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return fail(QStringLiteral("cannot open chat history %1").arg(path),
                    QStringLiteral("not a file"));
    if (!QDir().mkpath(info.absolutePath()))
        return fail(QStringLiteral("cannot create folder %1").arg(info.absolutePath()), {});

    QSqlDatabase db = QSqlDatabase::contains(connection_)
                          ? QSqlDatabase::database(connection_, false)
                          : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection_);
    db.close();
    db.setDatabaseName(path);
    if (!db.open())
        return fail(QStringLiteral("cannot open chat history %1").arg(path), db.lastError().text());
    // WAL: a reader never blocks the writer, and each committed append survives a killed app.
    if (!exec(QStringLiteral("PRAGMA journal_mode=WAL")) ||
        !exec(QStringLiteral("PRAGMA synchronous=NORMAL")) ||
        !exec(QStringLiteral("PRAGMA foreign_keys=ON")) || !migrate()) {
        const QString why = error_;
        db.close();
        error_ = QStringLiteral("cannot use chat history %1: %2").arg(path, why);
        return false;
    }

    // Answers that were streaming when the app last stopped keep their text, marked as such.
    QSqlQuery q(db);
    if (!q.exec(
            QStringLiteral("UPDATE messages SET state='interrupted' WHERE state='streaming'"))) {
        db.close();
        return fail(QStringLiteral("database error"), q.lastError().text());
    }
    recovered_ = q.numRowsAffected();
    // Deletes not undone before the app stopped become final now.
    if (!q.exec(QStringLiteral("DELETE FROM conversations WHERE deleted=1"))) {
        db.close();
        return fail(QStringLiteral("database error"), q.lastError().text());
    }
    return true;
}

int ConversationStore::schemaVersion() const {
    if (!isOpen()) return 0;
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    return q.exec(QStringLiteral("PRAGMA user_version")) && q.next() ? q.value(0).toInt() : 0;
}

bool ConversationStore::migrate() {
    const int version = schemaVersion();
    if (version > kSchemaVersion)
        return fail(QStringLiteral("written by a newer Hearth (schema %1, this one reads up to %2)")
                        .arg(version)
                        .arg(kSchemaVersion),
                    {});
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    for (int step = version; step < kSchemaVersion; ++step) {
        if (!db.transaction()) return fail(QStringLiteral("database error"), db.lastError().text());
        // QSqlQuery runs one statement at a time.
        const QStringList statements =
            QString::fromLatin1(kMigrations[step]).split(QLatin1Char(';'), Qt::SkipEmptyParts);
        for (const QString& sql : statements) {
            if (sql.trimmed().isEmpty()) continue;
            if (!exec(sql)) {
                db.rollback();
                return false;
            }
        }
        if (!exec(QStringLiteral("PRAGMA user_version=%1").arg(step + 1)) || !db.commit()) {
            db.rollback();
            return fail(QStringLiteral("cannot record schema version %1").arg(step + 1), error_);
        }
    }
    return true;
}

qint64 ConversationStore::createConversation(const QString& title) {
    if (!isOpen()) return failId(QStringLiteral("chat history is not open"), {});
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(
        QStringLiteral("INSERT INTO conversations(title, created_at, updated_at) VALUES(?, ?, "
                       "MAX(?, (SELECT COALESCE(MAX(updated_at), 0) + 1 FROM conversations)))"));
    const qint64 now = nowMs();
    q.addBindValue(text(title));
    q.addBindValue(now);
    q.addBindValue(now);
    if (!q.exec()) return failId(QStringLiteral("cannot create a chat"), q.lastError().text());
    return q.lastInsertId().toLongLong();
}

bool ConversationStore::renameConversation(qint64 id, const QString& title) {
    if (!isOpen()) return fail(QStringLiteral("chat history is not open"), {});
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(QStringLiteral("UPDATE conversations SET title=? WHERE id=?"));
    q.addBindValue(text(title));
    q.addBindValue(id);
    if (!q.exec()) return fail(QStringLiteral("cannot rename chat"), q.lastError().text());
    if (q.numRowsAffected() != 1) return fail(QStringLiteral("no chat %1").arg(id), {});
    return true;
}

bool ConversationStore::deleteConversation(qint64 id) {
    if (!isOpen()) return fail(QStringLiteral("chat history is not open"), {});
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(QStringLiteral("UPDATE conversations SET deleted=1 WHERE id=? AND deleted=0"));
    q.addBindValue(id);
    if (!q.exec()) return fail(QStringLiteral("cannot delete chat"), q.lastError().text());
    if (q.numRowsAffected() != 1) return fail(QStringLiteral("no chat %1").arg(id), {});
    return true;
}

QList<ConversationRow> ConversationStore::conversations() const {
    QList<ConversationRow> rows;
    if (!isOpen()) return rows;
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    if (!q.exec(
            QStringLiteral("SELECT id, title, created_at, updated_at, model, settings FROM "
                           "conversations WHERE deleted=0 ORDER BY updated_at DESC, id DESC"))) {
        fail(QStringLiteral("cannot list chats"), q.lastError().text());
        return rows;
    }
    while (q.next()) {
        rows.append({q.value(0).toLongLong(), q.value(1).toString(),
                     QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong()),
                     QDateTime::fromMSecsSinceEpoch(q.value(3).toLongLong()), q.value(4).toString(),
                     q.value(5).toString()});
    }
    return rows;
}

QList<MessageRow> ConversationStore::messages(qint64 conversationId) const {
    QList<MessageRow> rows;
    if (!isOpen()) return rows;
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(QStringLiteral(
        "SELECT m.id, m.conversation_id, m.role, m.content, m.model, m.state, m.created_at, "
        "m.stats, m.alt_group, "
        "(SELECT COUNT(*) FROM messages a WHERE m.alt_group<>0 AND a.alt_group=m.alt_group "
        " AND a.id<m.id), "
        "(SELECT COUNT(*) FROM messages a WHERE m.alt_group<>0 AND a.alt_group=m.alt_group) "
        "FROM messages m WHERE m.conversation_id=? AND m.hidden=0 AND NOT EXISTS (SELECT 1 FROM "
        "conversations c WHERE c.id=m.conversation_id AND c.deleted=1) ORDER BY m.id"));
    q.addBindValue(conversationId);
    if (!q.exec()) {
        fail(QStringLiteral("cannot read chat %1").arg(conversationId), q.lastError().text());
        return rows;
    }
    while (q.next()) {
        MessageRow r;
        r.id = q.value(0).toLongLong();
        r.conversationId = q.value(1).toLongLong();
        r.role = q.value(2).toString();
        r.content = q.value(3).toString();
        r.model = q.value(4).toString();
        r.state = q.value(5).toString();
        r.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(6).toLongLong());
        r.stats = q.value(7).toString();
        r.altGroup = q.value(8).toLongLong();
        r.altIndex = q.value(9).toInt();
        r.altCount = std::max(1, q.value(10).toInt());
        rows.append(r);
    }
    return rows;
}

bool ConversationStore::touchConversation(qint64 id) {
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    // Strictly after every other chat, so "most recent first" holds within one millisecond too.
    q.prepare(QStringLiteral("UPDATE conversations SET updated_at = MAX(?, (SELECT "
                             "COALESCE(MAX(updated_at), 0) + 1 FROM conversations)) WHERE id=?"));
    q.addBindValue(nowMs());
    q.addBindValue(id);
    if (!q.exec()) return fail(QStringLiteral("database error"), q.lastError().text());
    return true;
}

qint64 ConversationStore::addMessage(qint64 conversationId, const QString& role,
                                     const QString& content, const QString& model,
                                     const QString& state) {
    if (!isOpen()) return failId(QStringLiteral("chat history is not open"), {});
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(QStringLiteral("INSERT INTO messages(conversation_id, role, content, model, state, "
                             "created_at) VALUES(?, ?, ?, ?, ?, ?)"));
    q.addBindValue(conversationId);
    q.addBindValue(text(role));
    q.addBindValue(text(content));
    q.addBindValue(text(model));
    q.addBindValue(text(state));
    q.addBindValue(nowMs());
    if (!q.exec()) // a missing conversation fails the foreign key
        return failId(QStringLiteral("cannot add a message to chat %1").arg(conversationId),
                      q.lastError().text());
    const qint64 id = q.lastInsertId().toLongLong();
    touchConversation(conversationId);
    return id;
}

bool ConversationStore::appendToMessage(qint64 messageId, const QString& chunk) {
    if (!isOpen()) return fail(QStringLiteral("chat history is not open"), {});
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(QStringLiteral("UPDATE messages SET content = content || ? WHERE id=?"));
    q.addBindValue(text(chunk));
    q.addBindValue(messageId);
    if (!q.exec()) return fail(QStringLiteral("cannot save streamed text"), q.lastError().text());
    if (q.numRowsAffected() != 1) return fail(QStringLiteral("no message %1").arg(messageId), {});
    return true;
}

bool ConversationStore::setMessageState(qint64 messageId, const QString& state) {
    if (!isOpen()) return fail(QStringLiteral("chat history is not open"), {});
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(QStringLiteral("UPDATE messages SET state=? WHERE id=?"));
    q.addBindValue(text(state));
    q.addBindValue(messageId);
    if (!q.exec()) return fail(QStringLiteral("cannot update message"), q.lastError().text());
    if (q.numRowsAffected() != 1) return fail(QStringLiteral("no message %1").arg(messageId), {});
    return true;
}

bool ConversationStore::update(const QString& sql, const QVariantList& values,
                               const QString& what) {
    if (!isOpen()) return fail(QStringLiteral("chat history is not open"), {});
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(sql);
    for (const QVariant& v : values) q.addBindValue(v);
    if (!q.exec()) return fail(what, q.lastError().text());
    if (q.numRowsAffected() < 1) return fail(what, QStringLiteral("no such row"));
    return true;
}

bool ConversationStore::setMessageStats(qint64 messageId, const QString& statsJson) {
    return update(QStringLiteral("UPDATE messages SET stats=? WHERE id=?"),
                  {text(statsJson), messageId}, QStringLiteral("cannot save message stats"));
}

bool ConversationStore::restoreConversation(qint64 id) {
    return update(QStringLiteral("UPDATE conversations SET deleted=0 WHERE id=? AND deleted=1"),
                  {id}, QStringLiteral("cannot restore chat %1").arg(id));
}

bool ConversationStore::setConversationModel(qint64 id, const QString& model) {
    return update(QStringLiteral("UPDATE conversations SET model=? WHERE id=?"), {text(model), id},
                  QStringLiteral("cannot save the chat's model"));
}

bool ConversationStore::setConversationSettings(qint64 id, const QString& settingsJson) {
    return update(QStringLiteral("UPDATE conversations SET settings=? WHERE id=?"),
                  {text(settingsJson), id}, QStringLiteral("cannot save the chat's settings"));
}

QList<qint64> ConversationStore::search(const QString& needle) const {
    QList<qint64> ids;
    if (!isOpen()) return ids;
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    // instr(lower()) rather than LIKE: no wildcard characters to escape in the user's text.
    q.prepare(QStringLiteral(
        "SELECT c.id FROM conversations c WHERE c.deleted=0 AND (instr(lower(c.title), ?) > 0 "
        "OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id=c.id AND m.hidden=0 "
        "AND instr(lower(m.content), ?) > 0)) ORDER BY c.updated_at DESC, c.id DESC"));
    const QString lower = needle.toLower();
    q.addBindValue(lower);
    q.addBindValue(lower);
    if (!q.exec()) {
        fail(QStringLiteral("cannot search chats"), q.lastError().text());
        return ids;
    }
    while (q.next()) ids.append(q.value(0).toLongLong());
    return ids;
}

bool ConversationStore::stashFrom(qint64 conversationId, qint64 firstMessageId) {
    // The visible chat is one path in id order (a reply is always written after what it
    // answers), so "that message and every visible later one" is exactly its branch.
    return update(QStringLiteral("UPDATE messages SET hidden=1, stashed_under=? WHERE "
                                 "conversation_id=? AND id>=? AND hidden=0"),
                  {firstMessageId, conversationId, firstMessageId},
                  QStringLiteral("cannot branch the chat"));
}

bool ConversationStore::addAlternative(qint64 oldId, qint64 newId) {
    if (!isOpen()) return fail(QStringLiteral("chat history is not open"), {});
    QSqlQuery q(QSqlDatabase::database(connection_, false));
    q.prepare(QStringLiteral("SELECT alt_group FROM messages WHERE id=?"));
    q.addBindValue(oldId);
    if (!q.exec() || !q.next()) return fail(QStringLiteral("no message %1").arg(oldId), {});
    qint64 group = q.value(0).toLongLong();
    if (group == 0) group = oldId;
    return update(QStringLiteral("UPDATE messages SET alt_group=? WHERE id IN (?, ?)"),
                  {group, oldId, newId}, QStringLiteral("cannot keep the earlier version"));
}

bool ConversationStore::showAlternative(qint64 group, int index) {
    if (!isOpen()) return fail(QStringLiteral("chat history is not open"), {});
    if (group == 0 || index < 0) return fail(QStringLiteral("no such version"), {});
    QSqlDatabase db = QSqlDatabase::database(connection_, false);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id FROM messages WHERE alt_group=? ORDER BY id LIMIT 1 "
                             "OFFSET ?"));
    q.addBindValue(group);
    q.addBindValue(index);
    if (!q.exec() || !q.next()) return fail(QStringLiteral("no such version"), {});
    const qint64 target = q.value(0).toLongLong();
    q.prepare(QStringLiteral("SELECT id, conversation_id FROM messages WHERE alt_group=? AND "
                             "hidden=0"));
    q.addBindValue(group);
    if (!q.exec() || !q.next())
        return fail(QStringLiteral("no version of this message is shown"), {});
    const qint64 shown = q.value(0).toLongLong();
    const qint64 conversationId = q.value(1).toLongLong();
    if (shown == target) return true;

    // One transaction: a crash never leaves both branches hidden or both shown.
    if (!db.transaction()) return fail(QStringLiteral("database error"), db.lastError().text());
    QSqlQuery restore(db);
    restore.prepare(
        QStringLiteral("UPDATE messages SET hidden=0, stashed_under=0 WHERE stashed_under=?"));
    restore.addBindValue(target);
    if (!stashFrom(conversationId, shown)) {
        db.rollback();
        return false;
    }
    if (!restore.exec() || restore.numRowsAffected() < 1) {
        const QString why = restore.lastError().text();
        db.rollback();
        return fail(QStringLiteral("cannot switch branch"),
                    why.isEmpty() ? QStringLiteral("that version's branch is missing") : why);
    }
    if (!db.commit()) {
        db.rollback();
        return fail(QStringLiteral("cannot switch branch"), db.lastError().text());
    }
    return true;
}

} // namespace hearth

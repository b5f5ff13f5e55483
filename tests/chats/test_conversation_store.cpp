// ConversationStore against real SQLite files in temporary folders: round trips, write-ahead of
// streamed text surviving a SIGKILLed writer, schema versioning, and bad files refused cleanly.
#include "app/core/conversation_store.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using hearth::ConversationStore;

class TestConversationStore : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString path(const QString& name) const { return dir_.filePath(name); }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void roundTripsConversationsAndMessages() {
        const QString file = path(QStringLiteral("round.sqlite"));
        qint64 first = -1, second = -1;
        {
            ConversationStore store;
            QVERIFY2(store.open(file), qPrintable(store.errorString()));
            QCOMPARE(store.schemaVersion(), ConversationStore::kSchemaVersion);
            first = store.createConversation(QStringLiteral("First"));
            second = store.createConversation(QStringLiteral("Second"));
            QVERIFY(first > 0 && second > first);
            QVERIFY(store.addMessage(first, QStringLiteral("user"), QStringLiteral("héllo ✓")) > 0);
            QVERIFY(store.addMessage(first, QStringLiteral("assistant"), QStringLiteral("hi"),
                                     QStringLiteral("tiny:latest")) > 0);
            QVERIFY(store.renameConversation(second, QStringLiteral("Renamed")));
        }
        ConversationStore store;
        QVERIFY2(store.open(file), qPrintable(store.errorString()));
        const auto chats = store.conversations();
        QCOMPARE(chats.size(), 2);
        QCOMPARE(chats.at(0).id, first); // the one last written to comes first
        QCOMPARE(chats.at(1).title, QStringLiteral("Renamed"));
        const auto messages = store.messages(first);
        QCOMPARE(messages.size(), 2);
        QCOMPARE(messages.at(0).content, QStringLiteral("héllo ✓"));
        QCOMPARE(messages.at(0).role, QStringLiteral("user"));
        QCOMPARE(messages.at(1).model, QStringLiteral("tiny:latest"));
        QCOMPARE(messages.at(1).state, QStringLiteral("complete"));
        QCOMPARE(store.recoveredMessages(), 0);

        QVERIFY(store.deleteConversation(first));
        QVERIFY(store.messages(first).isEmpty()); // cascade
        QCOMPARE(store.conversations().size(), 1);
    }

    void refusesWhatDoesNotExist() {
        ConversationStore store;
        QVERIFY(store.open(path(QStringLiteral("refuse.sqlite"))));
        QCOMPARE(store.addMessage(4242, QStringLiteral("user"), QStringLiteral("x")), qint64(-1));
        QVERIFY(!store.errorString().isEmpty());
        QVERIFY(!store.appendToMessage(4242, QStringLiteral("x")));
        QVERIFY(!store.setMessageState(4242, QStringLiteral("complete")));
        QVERIFY(!store.renameConversation(4242, QStringLiteral("x")));
        QVERIFY(!store.deleteConversation(4242));
    }

    void streamedTextSurvivesAKilledWriter() {
        const QString file = path(QStringLiteral("killed.sqlite"));
        int ready[2];
        QCOMPARE(::pipe(ready), 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // The writer: stream three chunks, report, then wait to be killed mid-answer.
            ConversationStore store;
            if (!store.open(file)) ::_exit(2);
            const qint64 chat = store.createConversation(QStringLiteral("Crash"));
            const qint64 reply = store.addMessage(chat, QStringLiteral("assistant"), QString(),
                                                  QStringLiteral("m"), QStringLiteral("streaming"));
            for (const char* chunk : {"The ", "answer ", "is"})
                if (!store.appendToMessage(reply, QString::fromLatin1(chunk))) ::_exit(3);
            const char byte = 'k';
            if (::write(ready[1], &byte, 1) != 1) ::_exit(4);
            for (;;) ::pause();
        }
        ::close(ready[1]);
        char byte = 0;
        const ssize_t got = ::read(ready[0], &byte, 1);
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        ::close(ready[0]);
        QCOMPARE(got, ssize_t(1));
        QVERIFY(WIFSIGNALED(status));

        ConversationStore store;
        QVERIFY2(store.open(file), qPrintable(store.errorString()));
        QCOMPARE(store.recoveredMessages(), 1);
        const auto chats = store.conversations();
        QCOMPARE(chats.size(), 1);
        const auto messages = store.messages(chats.at(0).id);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.at(0).content, QStringLiteral("The answer is"));
        QCOMPARE(messages.at(0).state, QStringLiteral("interrupted"));
    }

    void refusesADatabaseFromANewerHearth() {
        const QString file = path(QStringLiteral("future.sqlite"));
        {
            ConversationStore store;
            QVERIFY(store.open(file));
        }
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("poke"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=%1")
                               .arg(ConversationStore::kSchemaVersion + 1)));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("poke"));
        ConversationStore store;
        QVERIFY(!store.open(file));
        QVERIFY2(store.errorString().contains(QStringLiteral("newer Hearth")),
                 qPrintable(store.errorString()));
        QCOMPARE(store.createConversation(QStringLiteral("x")), qint64(-1)); // refuses, no crash
        QVERIFY(store.conversations().isEmpty());
    }

    void versionsSwitchWholeBranches() {
        ConversationStore store;
        QVERIFY(store.open(path(QStringLiteral("branches.sqlite"))));
        const qint64 chat = store.createConversation(QStringLiteral("Branches"));
        auto add = [&](const char* role, const char* text) {
            return store.addMessage(chat, QString::fromLatin1(role), QString::fromLatin1(text));
        };
        auto visible = [&] {
            QStringList out;
            for (const auto& m : store.messages(chat)) out.append(m.content);
            return out;
        };
        const qint64 q1 = add("user", "q1");
        add("assistant", "a1");
        add("user", "q2");
        add("assistant", "a2");
        // Edit q1: its branch (q1 a1 q2 a2) is stashed under it.
        QVERIFY(store.stashFrom(chat, q1));
        const qint64 e1 = add("user", "q1 edited");
        QVERIFY(store.addAlternative(q1, e1));
        add("assistant", "b1");
        QCOMPARE(visible(), (QStringList{"q1 edited", "b1"}));
        const auto edited = store.messages(chat).at(0);
        QCOMPARE(edited.altGroup, q1);
        QCOMPARE(edited.altIndex, 1);
        QCOMPARE(edited.altCount, 2);

        QVERIFY(store.showAlternative(q1, 0));
        QCOMPARE(visible(), (QStringList{"q1", "a1", "q2", "a2"}));
        QVERIFY(store.showAlternative(q1, 0)); // already shown: nothing changes
        QCOMPARE(visible().size(), 4);
        QVERIFY(store.showAlternative(q1, 1));
        QCOMPARE(visible(), (QStringList{"q1 edited", "b1"}));

        QVERIFY(!store.showAlternative(q1, 2)); // no third version
        QVERIFY(!store.showAlternative(q1, -1));
        QVERIFY(!store.showAlternative(0, 0));
        QVERIFY(!store.showAlternative(987654, 0));
        QVERIFY(!store.errorString().isEmpty());
        QCOMPARE(visible(), (QStringList{"q1 edited", "b1"})); // failures change nothing
        QVERIFY(store.search(QStringLiteral("a2")).isEmpty()); // hidden text is not found
    }

    void migratesVersion2Alternatives() {
        // A version-2 file as that Hearth wrote it: an answer regenerated once.
        const QString file = path(QStringLiteral("v2.sqlite"));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v2"));
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery q(db);
            for (const char* sql :
                 {"CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT "
                  "NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, model TEXT "
                  "NOT NULL DEFAULT '', settings TEXT NOT NULL DEFAULT '', deleted INTEGER NOT "
                  "NULL DEFAULT 0)",
                  "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id "
                  "INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, role TEXT NOT "
                  "NULL, content TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '', state "
                  "TEXT NOT NULL DEFAULT 'complete', created_at INTEGER NOT NULL, hidden INTEGER "
                  "NOT NULL DEFAULT 0, alt_group INTEGER NOT NULL DEFAULT 0, stats TEXT NOT NULL "
                  "DEFAULT '')",
                  "INSERT INTO conversations(id, title, created_at, updated_at) "
                  "VALUES(1,'Old',1,1)",
                  "INSERT INTO messages(id, conversation_id, role, content, created_at) "
                  "VALUES(1, 1, 'user', 'q', 1)",
                  "INSERT INTO messages(id, conversation_id, role, content, created_at, hidden, "
                  "alt_group) VALUES(2, 1, 'assistant', 'old answer', 2, 1, 2)",
                  "INSERT INTO messages(id, conversation_id, role, content, created_at, hidden, "
                  "alt_group) VALUES(3, 1, 'assistant', 'new answer', 3, 0, 2)",
                  "PRAGMA user_version=2"})
                QVERIFY2(q.exec(QString::fromLatin1(sql)), qPrintable(q.lastError().text()));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v2"));
        ConversationStore store;
        QVERIFY2(store.open(file), qPrintable(store.errorString()));
        QCOMPARE(store.schemaVersion(), ConversationStore::kSchemaVersion);
        QCOMPARE(store.messages(1).size(), 2);
        QCOMPARE(store.messages(1).at(1).content, QStringLiteral("new answer"));
        QVERIFY2(store.showAlternative(2, 0), qPrintable(store.errorString()));
        QCOMPARE(store.messages(1).at(1).content, QStringLiteral("old answer"));
        QVERIFY(store.showAlternative(2, 1));
        QCOMPARE(store.messages(1).at(1).content, QStringLiteral("new answer"));
    }

    void refusesAFileThatIsNotADatabase() {
        const QString file = path(QStringLiteral("garbage.sqlite"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        ConversationStore store;
        QVERIFY(!store.open(file));
        QVERIFY(!store.errorString().isEmpty());
        QVERIFY(!store.isOpen());
    }

    void refusesAFolderAsTheFile() {
        ConversationStore store;
        QVERIFY(!store.open(dir_.path()));
        QVERIFY(store.errorString().contains(QStringLiteral("not a file")));
    }
};

QTEST_GUILESS_MAIN(TestConversationStore)
#include "test_conversation_store.moc"

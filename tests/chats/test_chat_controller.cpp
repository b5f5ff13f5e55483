// ChatController and its list models: new chat, send, the streaming path writing through to the
// store, persistence across a new controller, and the models checked by QAbstractItemModelTester.
#include "app/ui/chat_controller.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using hearth::ChatController;
using hearth::MessageListModel;

class TestChatController : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString db() const { return dir_.filePath(QStringLiteral("chats.sqlite")); }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void sendStartsAChatNamedAfterTheMessage() {
        ChatController chats(db(), nullptr);
        QAbstractItemModelTester convTester(chats.conversations());
        QAbstractItemModelTester msgTester(chats.messages());
        QVERIFY(chats.ready());
        QVERIFY(!chats.modelAvailable());
        QVERIFY(!chats.send(QStringLiteral("   "))); // blank is refused
        QCOMPARE(chats.conversations()->rowCount(), 0);

        QVERIFY(chats.send(QStringLiteral("How warm is a hearth fire,\nroughly?")));
        QCOMPARE(chats.conversations()->rowCount(), 1);
        QCOMPARE(chats.currentTitle(), QStringLiteral("How warm is a hearth fire, roughly?"));
        QCOMPARE(chats.messages()->rowCount(), 1);
        QCOMPARE(chats.messages()
                     ->data(chats.messages()->index(0), MessageListModel::RoleRole)
                     .toString(),
                 QStringLiteral("user"));
        QVERIFY(chats.notice().contains(QStringLiteral("no model"))); // says why nobody answers
    }

    void streamingWritesThroughAndSurvivesARestart() {
        qint64 chatId = -1;
        {
            ChatController chats(db(), nullptr);
            QAbstractItemModelTester msgTester(chats.messages());
            chatId = chats.newChat();
            QVERIFY(chatId > 0);
            QVERIFY(chats.send(QStringLiteral("hi")));
            QVERIFY(chats.beginAssistantMessage(QStringLiteral("tiny")));
            QVERIFY(chats.streaming());
            QVERIFY(!chats.send(QStringLiteral("again"))); // one reply at a time
            QSignalSpy changed(chats.messages(), &QAbstractItemModel::dataChanged);
            for (const char* chunk : {"Hel", "lo", "!"})
                QVERIFY(chats.appendAssistantText(QString::fromLatin1(chunk)));
            QCOMPARE(changed.count(), 3);
            const int row = chats.messages()->rowCount() - 1;
            QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), row); // only that row
            QCOMPARE(chats.messages()
                         ->data(chats.messages()->index(row), MessageListModel::ContentRole)
                         .toString(),
                     QStringLiteral("Hello!"));
            // No finish: the controller goes away mid-answer.
        }
        ChatController chats(db(), nullptr);
        QVERIFY(chats.notice().contains(QStringLiteral("cut off")));
        QVERIFY(chats.select(chatId));
        QCOMPARE(chats.messages()->rowCount(), 2);
        const QModelIndex reply = chats.messages()->index(1);
        QCOMPARE(chats.messages()->data(reply, MessageListModel::ContentRole).toString(),
                 QStringLiteral("Hello!"));
        QCOMPARE(chats.messages()->data(reply, MessageListModel::StateRole).toString(),
                 QStringLiteral("interrupted"));
        QCOMPARE(chats.messages()->data(reply, MessageListModel::ModelRole).toString(),
                 QStringLiteral("tiny"));
    }

    void finishedRepliesAreComplete() {
        ChatController chats(db(), nullptr);
        QVERIFY(chats.newChat() > 0);
        QVERIFY(chats.send(QStringLiteral("q")));
        QVERIFY(!chats.appendAssistantText(QStringLiteral("x"))); // nothing streaming yet
        QVERIFY(chats.beginAssistantMessage(QStringLiteral("tiny")));
        QVERIFY(chats.appendAssistantText(QStringLiteral("a")));
        QVERIFY(chats.finishAssistantMessage());
        QVERIFY(!chats.streaming());
        const qint64 id = chats.currentConversationId();
        ChatController again(db(), nullptr);
        QVERIFY(again.select(id));
        QCOMPARE(again.messages()
                     ->data(again.messages()->index(1), MessageListModel::StateRole)
                     .toString(),
                 QStringLiteral("complete"));
    }

    void renameAndRemove() {
        ChatController chats(db(), nullptr);
        const qint64 id = chats.newChat();
        QVERIFY(id > 0);
        QVERIFY(chats.rename(id, QStringLiteral("  Trip   notes ")));
        QCOMPARE(chats.currentTitle(), QStringLiteral("Trip notes"));
        QVERIFY(!chats.rename(id, QStringLiteral("   ")));
        const int before = chats.conversations()->rowCount();
        QVERIFY(chats.remove(id));
        QCOMPARE(chats.conversations()->rowCount(), before - 1);
        QCOMPARE(chats.currentConversationId(), qint64(-1));
        QVERIFY(!chats.remove(id));
        QVERIFY(!chats.select(id));
    }

    void anUnusableDatabaseIsReportedNotFatal() {
        ChatController chats(dir_.path(), nullptr); // a folder, not a file
        QVERIFY(!chats.ready());
        QVERIFY(chats.notice().contains(QStringLiteral("cannot be saved")));
        QVERIFY(!chats.send(QStringLiteral("hello")));
        QCOMPARE(chats.newChat(), qint64(-1));
    }
};

QTEST_GUILESS_MAIN(TestChatController)
#include "test_chat_controller.moc"

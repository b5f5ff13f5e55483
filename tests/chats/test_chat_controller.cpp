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

    void editedPromptsFlipBetweenBranchesAcrossARestart() {
        auto reply = [](ChatController& c, const QString& text) {
            return c.beginAssistantMessage(QStringLiteral("tiny")) && c.appendAssistantText(text) &&
                   c.finishAssistantMessage();
        };
        auto contents = [](ChatController& c) {
            QStringList out;
            for (int i = 0; i < c.messages()->rowCount(); ++i)
                out.append(c.messages()->data(c.messages()->index(i), Qt::DisplayRole).toString());
            return out;
        };
        auto alt = [](ChatController& c, int row) {
            const QModelIndex i = c.messages()->index(row);
            return QPair<int, int>(c.messages()->data(i, MessageListModel::AltIndexRole).toInt(),
                                   c.messages()->data(i, MessageListModel::AltCountRole).toInt());
        };
        qint64 chatId = -1;
        {
            ChatController chats(db(), nullptr);
            QAbstractItemModelTester tester(chats.messages());
            chatId = chats.newChat();
            QVERIFY(chats.send(QStringLiteral("q1")) && reply(chats, QStringLiteral("a1")));
            QVERIFY(chats.send(QStringLiteral("q2")) && reply(chats, QStringLiteral("a2")));
            QCOMPARE(alt(chats, 0), qMakePair(0, 1)); // nothing to flip yet

            QVERIFY(chats.editAndResend(0, QStringLiteral("q1 edited")));
            QVERIFY(reply(chats, QStringLiteral("b1")));
            QCOMPARE(contents(chats), (QStringList{"q1 edited", "b1"}));
            QCOMPARE(alt(chats, 0), qMakePair(1, 2)); // "< 2 / 2 >"

            // Back to the first prompt: the whole conversation below it returns.
            QVERIFY(chats.showAlternative(0, 0));
            QCOMPARE(contents(chats), (QStringList{"q1", "a1", "q2", "a2"}));
            QCOMPARE(alt(chats, 0), qMakePair(0, 2));
            // A branch inside that branch.
            QVERIFY(chats.editAndResend(2, QStringLiteral("q2 edited")));
            QVERIFY(reply(chats, QStringLiteral("c2")));
            QCOMPARE(contents(chats), (QStringList{"q1", "a1", "q2 edited", "c2"}));
            QCOMPARE(alt(chats, 2), qMakePair(1, 2));

            QVERIFY(chats.showAlternative(0, 1));
            QCOMPARE(contents(chats), (QStringList{"q1 edited", "b1"}));
            QVERIFY(!chats.showAlternative(0, 2));                 // no third version
            QVERIFY(!chats.showAlternative(1, 0));                 // b1 has no versions
            QVERIFY(!chats.showAlternative(9, 0));                 // no such row
            QVERIFY(!chats.editAndResend(1, QStringLiteral("x"))); // only the user's words
            QVERIFY(chats.showAlternative(0, 0));
        }
        // A restart shows the branch last chosen, nested choices included.
        ChatController again(db(), nullptr);
        QVERIFY(again.select(chatId));
        QCOMPARE(contents(again), (QStringList{"q1", "a1", "q2 edited", "c2"}));
        QCOMPARE(alt(again, 0), qMakePair(0, 2));
        QVERIFY(again.showAlternative(2, 0));
        QCOMPARE(contents(again), (QStringList{"q1", "a1", "q2", "a2"}));
        QVERIFY(again.showAlternative(0, 1));
        QCOMPARE(contents(again), (QStringList{"q1 edited", "b1"}));
        // What the model would be sent follows the branch on screen.
        QVERIFY(again.exportMarkdown(chatId).contains(QStringLiteral("q1 edited")));
        QVERIFY(!again.exportMarkdown(chatId).contains(QStringLiteral("a2")));
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
